//! The facts about an ELF executable, read from its headers with `object`:
//! its build-id, its `fastboot` section and whether that section can grow
//! in place, and where the ELF image ends.

use std::path::Path;

use fastboot_core::contract::{registry_section, BuildId, SECTION_NAME};
use object::elf::{
    FileHeader64, Ident, ProgramHeader64, DF_1_PIE, DT_FLAGS_1, ELFCLASS64, ELFMAG, ELF_NOTE_GNU,
    ET_DYN, NT_GNU_BUILD_ID, PT_INTERP, PT_LOAD, SHF_ALLOC, SHF_TLS, SHT_NOBITS,
};
use object::read::elf::{Dyn, FileHeader, ProgramHeader, SectionHeader, SectionTable};
use object::{Endianness, ReadRef};

use object::build::elf::{Builder, SectionData};

use crate::error::{Error, Result};
use crate::exe::{FastbootSection, Format, Info};

/// The offset of `e_ident[EI_CLASS]`.
const CLASS: usize = std::mem::offset_of!(Ident, class);
/// Whether `bytes` start like an ELF file.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(&ELFMAG)
}

/// Reads the headers of the 64-bit ELF file `bytes`, read from `path`.
#[allow(
    clippy::too_many_lines,
    reason = "each fact in turn, from one set of parsed headers"
)]
pub fn parse<'data, R: ReadRef<'data>>(path: &Path, bytes: R) -> Result<Info> {
    let ident = bytes.read_bytes_at(0, CLASS as u64 + 1).unwrap_or_default();
    if !is_elf(ident) {
        return Err(Error::NotExecutable(path.to_owned()));
    }
    let bad = |why: String| Error::BadExecutable {
        path: path.to_owned(),
        why,
    };
    if ident.get(CLASS) != Some(&ELFCLASS64.0) {
        return Err(bad("32-bit ELF files are not supported".into()));
    }
    let malformed = |e: object::read::Error| bad(format!("malformed ELF file: {e}"));
    let header = FileHeader64::<Endianness>::parse(bytes).map_err(malformed)?;
    let endian = header.endian().map_err(malformed)?;
    let segments = header.program_headers(endian, bytes).map_err(malformed)?;
    let sections = header.sections(endian, bytes).map_err(malformed)?;

    let build_id = gnu_build_id(endian, bytes, &sections, segments).map_err(malformed)?;

    let last_load = segments
        .iter()
        .filter(|p| p.p_type(endian) == PT_LOAD)
        .max_by_key(|p| p.p_vaddr(endian))
        .map(|p| {
            let start = p.p_vaddr(endian);
            start..start.saturating_add(p.p_memsz(endian))
        });

    let section = match sections.section_by_name(endian, SECTION_NAME.as_bytes()) {
        None => None,
        Some((_, s)) if s.sh_type(endian) == SHT_NOBITS => {
            return Err(bad(
                "the fastboot section has no contents in the file".into()
            ));
        }
        Some((index, s)) => {
            let (addr, size) = (s.sh_addr(endian), s.sh_size(endian));
            let own_segment = last_load.as_ref().is_some_and(|seg| {
                // The runtime finds the snapshot at the start of the
                // program's last loaded segment.
                let inside = addr == seg.start && addr.saturating_add(size) <= seg.end;
                let shared = sections.enumerate().any(|(i, other)| {
                    let flags = other.sh_flags(endian).0;
                    let (o_addr, o_size) = (other.sh_addr(endian), other.sh_size(endian));
                    i != index
                            && flags & SHF_ALLOC.0 != 0
                            // `.tbss` takes no address space of its own.
                            && !(flags & SHF_TLS.0 != 0 && other.sh_type(endian) == SHT_NOBITS)
                            && o_size > 0
                            && o_addr < seg.end
                            && o_addr.saturating_add(o_size) > seg.start
                });
                inside && !shared
            });
            Some(FastbootSection {
                offset: s.sh_offset(endian),
                size,
                addr,
                own_segment,
            })
        }
    };

    let shoff = header.e_shoff(endian);
    let table_end = |offset: u64, count: usize, entry: u16| {
        offset.saturating_add(count as u64 * u64::from(entry))
    };
    let extent = [
        table_end(
            header.e_phoff(endian),
            segments.len(),
            header.e_phentsize(endian),
        ),
        if shoff == 0 {
            0
        } else {
            table_end(shoff, sections.len(), header.e_shentsize(endian))
        },
    ]
    .into_iter()
    .chain(
        segments
            .iter()
            .map(|p| p.p_offset(endian).saturating_add(p.p_filesz(endian))),
    )
    .chain(sections.iter().filter_map(|s| {
        let (offset, size) = s.file_range(endian)?;
        Some(offset.saturating_add(size))
    }))
    .max()
    .unwrap_or(0);

    let has_frozen_statics = sections
        .section_by_name(endian, registry_section::ELF.as_bytes())
        .is_some_and(|(_, s)| s.sh_size(endian) > 0);

    let library = header.e_type(endian) == ET_DYN
        && !segments.iter().any(|p| p.p_type(endian) == PT_INTERP)
        && !is_pie(endian, bytes, segments).map_err(malformed)?;

    Ok(Info {
        format: Format::Elf,
        build_id,
        section,
        section_obstacle: None,
        footer_obstacle: None,
        extent,
        has_frozen_statics,
        library,
    })
}

/// Whether the dynamic section says the file is a position-independent
/// executable (`DF_1_PIE`): what tells a static PIE, which has no
/// interpreter either, from a shared library.
fn is_pie<'data, R: ReadRef<'data>>(
    endian: Endianness,
    bytes: R,
    segments: &[ProgramHeader64<Endianness>],
) -> object::read::Result<bool> {
    for segment in segments {
        if let Some(dynamic) = segment.dynamic(endian, bytes)? {
            return Ok(dynamic
                .iter()
                .any(|d| d.d_tag(endian) == DT_FLAGS_1 && d.d_val(endian) & DF_1_PIE.0 != 0));
        }
    }
    Ok(false)
}

/// The descriptor of the GNU build-id note, read in the file's byte order
/// from the note sections or, without section headers, the note segments.
fn gnu_build_id<'data, R: ReadRef<'data>>(
    endian: Endianness,
    bytes: R,
    sections: &SectionTable<'data, FileHeader64<Endianness>, R>,
    segments: &'data [ProgramHeader64<Endianness>],
) -> object::read::Result<Option<BuildId>> {
    let mut note_areas = Vec::new();
    if sections.is_empty() {
        for segment in segments {
            note_areas.extend(segment.notes(endian, bytes)?);
        }
    } else {
        for section in sections.iter() {
            note_areas.extend(section.notes(endian, bytes)?);
        }
    }
    for mut notes in note_areas {
        while let Some(note) = notes.next()? {
            if note.name() == ELF_NOTE_GNU && note.n_type(endian) == NT_GNU_BUILD_ID {
                return Ok(BuildId::new(note.desc()));
            }
        }
    }
    Ok(None)
}

/// The size of the huge pages that map a file's page cache (a PMD: 2 MiB
/// on x86-64, and on aarch64 with 4 KiB pages).
const HUGE_PAGE: u64 = 2 << 20;

/// `image` with the contents of its `fastboot` section replaced by
/// `contents`, and the section's segment resized to hold them.
///
/// The section must be alone at the start of the last loaded segment (the
/// caller checks it), so that growing it moves no other loaded byte.
///
/// Contents of a huge page or more are placed, in the file, at an offset
/// congruent to their address modulo [`HUGE_PAGE`] (a few pages of zeros
/// at most, usually: the linker keeps a segment's address and offset a
/// few pages apart), and their segment asks for that alignment, which
/// Linux (5.10 and later) gives the program's load address. Then the
/// kernel can map each 2 MiB block of the snapshot whose page-cache folio
/// is 2 MiB large with one page fault, as it does for the footer's `mmap`
/// (see benches/startup/README.md, *The 100-lookup gap*).
pub fn replace_section(image: &[u8], contents: &[u8]) -> Result<Vec<u8>> {
    let failed = |e: object::build::Error| Error::Other(format!("rewriting the ELF file: {e}"));
    let mut builder = Builder::read(image).map_err(failed)?;
    let id = builder
        .sections
        .iter()
        .find(|s| s.name.as_slice() == SECTION_NAME.as_bytes())
        .map(object::build::elf::Section::id)
        .ok_or_else(|| Error::Other("the ELF file has no fastboot section".into()))?;
    let target = builder.sections.get_mut(id);
    let huge = contents.len() as u64 >= HUGE_PAGE;
    if huge {
        let misalignment = target.sh_addr.wrapping_sub(target.sh_offset) % HUGE_PAGE;
        target.sh_offset += misalignment;
    }
    target.sh_size = contents.len() as u64;
    target.data = SectionData::Data(contents.into());
    let sections = &builder.sections;
    for segment in &mut builder.segments {
        if segment.is_load() && segment.sections.contains(&id) {
            segment.recalculate_ranges(sections);
            if huge {
                segment.p_align = segment.p_align.max(HUGE_PAGE);
            }
        }
    }
    let mut out = Vec::with_capacity(image.len() + contents.len());
    builder.write(&mut out).map_err(failed)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exe::Executable;

    #[test]
    fn non_elf_bytes_are_refused_by_name() {
        let err = parse("notes.txt".as_ref(), &b"hello, world"[..]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "notes.txt: not an ELF, PE or Mach-O executable"
        );
    }

    #[test]
    fn a_truncated_elf_file_is_an_error_not_a_panic() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        for len in [5, 64, 200] {
            assert!(parse("cut".as_ref(), &exe[..len]).is_err(), "{len}");
        }
    }

    /// A big-endian 64-bit executable (as for `powerpc64-unknown-linux-gnu`
    /// or `s390x`) with the GNU build-id `id`.
    fn big_endian_with_build_id(id: &[u8]) -> Vec<u8> {
        use object::build::elf::SectionData;
        use object::elf::{ELF_NOTE_GNU, EM_PPC64, ET_EXEC, NT_GNU_BUILD_ID, SHT_STRTAB};
        let mut note = Vec::new();
        let name = [ELF_NOTE_GNU, b"\0"].concat();
        for word in [name.len() as u32, id.len() as u32, NT_GNU_BUILD_ID.0] {
            note.extend_from_slice(&word.to_be_bytes());
        }
        note.extend_from_slice(&name);
        note.extend_from_slice(id);
        let mut builder = Builder::new(Endianness::Big, true);
        builder.header.e_type = ET_EXEC;
        builder.header.e_machine = EM_PPC64;
        let section = builder.sections.add();
        section.name = b".note.gnu.build-id"[..].into();
        section.sh_type = object::elf::SHT_NOTE;
        section.sh_flags = SHF_ALLOC;
        section.sh_addralign = 4;
        section.data = SectionData::Data(note.into());
        let strings = builder.sections.add();
        strings.name = b".shstrtab"[..].into();
        strings.sh_type = SHT_STRTAB;
        strings.data = SectionData::SectionString;
        let mut out = Vec::new();
        builder.write(&mut out).unwrap();
        out
    }

    #[test]
    fn a_big_endian_build_id_note_is_read_in_the_file_s_byte_order() {
        let id = [0xfa, 0x57, 0xb0, 0x07, 1, 2, 3, 4];
        let bytes = big_endian_with_build_id(&id);
        let info = parse("be".as_ref(), bytes.as_slice()).unwrap();
        let found = info.build_id.map(|b| b.as_bytes().to_vec());
        assert_eq!(found.as_deref(), Some(&id[..]));
    }

    /// A position-independent executable whose `fastboot` section (4 KiB)
    /// is alone in its one loaded segment, at `addr` in memory and
    /// `offset` in the file.
    fn with_section_at(addr: u64, offset: u64) -> Vec<u8> {
        use object::elf::{EM_X86_64, ET_DYN, PF_R, SHT_PROGBITS, SHT_STRTAB};
        let mut builder = Builder::new(Endianness::Little, true);
        builder.header.e_type = ET_DYN;
        builder.header.e_machine = EM_X86_64;
        builder.header.e_phoff = 64;
        let section = builder.sections.add();
        section.name = SECTION_NAME.as_bytes().into();
        section.sh_type = SHT_PROGBITS;
        section.sh_flags = SHF_ALLOC;
        section.sh_addralign = 4096;
        (section.sh_addr, section.sh_offset, section.sh_size) = (addr, offset, 4096);
        section.data = SectionData::Data(vec![0; 4096].into());
        let id = section.id();
        let strings = builder.sections.add();
        strings.name = b".shstrtab"[..].into();
        strings.sh_type = SHT_STRTAB;
        strings.data = SectionData::SectionString;
        let segment = builder.segments.add();
        (segment.p_type, segment.p_flags, segment.p_align) = (PT_LOAD, PF_R, 4096);
        segment.append_section_range(builder.sections.get(id));
        segment.sections.push(id);
        let mut out = Vec::new();
        builder.write(&mut out).unwrap();
        out
    }

    /// The `fastboot` section's address, file offset and contents, and
    /// its segment's offset and alignment, in the ELF file `bytes`.
    fn placement(bytes: &[u8]) -> (u64, u64, Vec<u8>, u64, u64) {
        use object::read::elf::ElfFile64;
        use object::{Object as _, ObjectSection as _};
        let file = ElfFile64::<Endianness>::parse(bytes).unwrap();
        let section = file.section_by_name(SECTION_NAME).unwrap();
        let (offset, _) = section.file_range().unwrap();
        let endian = file.endian();
        let load = file.elf_program_headers()[0];
        (
            section.address(),
            offset,
            section.data().unwrap().to_vec(),
            load.p_offset(endian),
            load.p_align(endian),
        )
    }

    #[test]
    fn a_large_snapshot_is_placed_for_huge_pages_and_a_small_one_where_it_was() {
        let image = with_section_at(0x8_4000, 0x1000);
        let large: Vec<u8> = (0..3 << 20).map(|i: u32| i.to_le_bytes()[1]).collect();
        let (addr, offset, data, p_offset, p_align) =
            placement(&replace_section(&image, &large).unwrap());
        assert_eq!((addr, offset % HUGE_PAGE), (0x8_4000, 0x8_4000));
        assert_eq!((p_offset, p_align), (offset, HUGE_PAGE));
        assert!(data == large);

        let small = vec![7; HUGE_PAGE as usize - 1];
        let (addr, offset, data, p_offset, p_align) =
            placement(&replace_section(&image, &small).unwrap());
        assert_eq!(
            (addr, offset, p_offset, p_align),
            (0x8_4000, 0x1000, 0x1000, 4096)
        );
        assert!(data == small);
    }

    #[test]
    fn this_test_binary_has_a_build_id_and_ends_at_its_extent() {
        let exe = Executable::open(&std::env::current_exe().unwrap()).unwrap();
        assert!(exe.build_id().is_ok());
        assert_eq!(exe.info.extent, exe.bytes.len() as u64);
        assert!(!exe.info.library, "a program (a PIE), not a shared library");
    }
}
