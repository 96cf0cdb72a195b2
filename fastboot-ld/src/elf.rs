//! What the tool needs to know about an executable, read from its ELF
//! headers with `object`: its build-id, its `fastboot` section and whether
//! that section can grow in place, and where the ELF image ends.

use std::path::{Path, PathBuf};

use fastboot_core::__private::section;
use fastboot_core::__private::{find_build_id, BuildId};
use object::elf::{FileHeader64, PT_LOAD, PT_NOTE, SHF_ALLOC, SHF_TLS, SHT_NOBITS, SHT_NOTE};
use object::read::elf::{FileHeader, ProgramHeader, SectionHeader};
use object::{Endianness, ReadCache, ReadRef};

use crate::error::{Error, Result};

/// The ELF magic bytes.
const ELF_MAGIC: &[u8; 4] = b"\x7fELF";
/// The section of linkme's distributed slice that registers frozen statics.
const REGISTRY_SECTION: &str = "linkme_ENTRIES";
/// `e_ident[EI_CLASS]` of a 64-bit file.
const ELFCLASS64: u8 = 2;

/// Whether `bytes` start like an ELF file.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(ELF_MAGIC)
}

/// The `fastboot` section of an executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastbootSection {
    /// Offset of its contents in the file.
    pub offset: u64,
    /// Length of its contents.
    pub size: u64,
    /// Its virtual address.
    pub addr: u64,
    /// Whether it is alone in the last loadable segment and starts it, so
    /// that a snapshot of any length can replace its contents and the
    /// program finds it there.
    pub own_segment: bool,
}

/// The facts about an ELF executable that embedding depends on.
#[derive(Debug, Clone)]
pub struct ElfInfo {
    /// Its GNU build-id, if it has one.
    pub build_id: Option<BuildId>,
    /// Its `fastboot` section, if it has one.
    pub section: Option<FastbootSection>,
    /// Where the ELF image ends: anything after this offset was appended.
    pub extent: u64,
    /// Whether it has frozen statics: a non-empty registry section.
    pub has_frozen_statics: bool,
}

impl ElfInfo {
    /// Reads the headers of the 64-bit ELF file `bytes`, read from `path`:
    /// the whole file in memory, or a [`ReadCache`] that reads only what is
    /// needed.
    #[allow(
        clippy::too_many_lines,
        reason = "each fact in turn, from one set of parsed headers"
    )]
    pub fn parse<'data, R: ReadRef<'data>>(path: &Path, bytes: R) -> Result<Self> {
        let ident = bytes.read_bytes_at(0, 5).unwrap_or_default();
        if !is_elf(ident) {
            return Err(Error::NotElf(path.to_owned()));
        }
        let bad = |why: String| Error::BadElf {
            path: path.to_owned(),
            why,
        };
        if ident.get(4) != Some(&ELFCLASS64) {
            return Err(bad("32-bit ELF files are not supported".into()));
        }
        let malformed = |e: object::read::Error| bad(format!("malformed ELF file: {e}"));
        let header = FileHeader64::<Endianness>::parse(bytes).map_err(malformed)?;
        let endian = header.endian().map_err(malformed)?;
        let segments = header.program_headers(endian, bytes).map_err(malformed)?;
        let sections = header.sections(endian, bytes).map_err(malformed)?;

        let build_id = sections
            .iter()
            .filter(|s| s.sh_type(endian) == SHT_NOTE)
            .filter_map(|s| s.data(endian, bytes).ok())
            .chain(
                segments
                    .iter()
                    .filter(|p| p.p_type(endian) == PT_NOTE)
                    .filter_map(|p| p.data(endian, bytes).ok()),
            )
            .find_map(find_build_id);

        let last_load = segments
            .iter()
            .filter(|p| p.p_type(endian) == PT_LOAD)
            .max_by_key(|p| p.p_vaddr(endian))
            .map(|p| {
                let start = p.p_vaddr(endian);
                start..start.saturating_add(p.p_memsz(endian))
            });

        let section = match sections.section_by_name(endian, section::NAME.as_bytes()) {
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
            .section_by_name(endian, REGISTRY_SECTION.as_bytes())
            .is_some_and(|(_, s)| s.sh_size(endian) > 0);

        Ok(ElfInfo {
            build_id,
            section,
            extent,
            has_frozen_statics,
        })
    }

    /// Reads the headers of the ELF file at `path`, and only them.
    pub fn read(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(Error::at(path))?;
        Self::parse(path, &ReadCache::new(file))
    }
}

/// An executable read into memory, with its ELF facts.
#[derive(Debug, Clone)]
pub struct Executable {
    /// Where it was read from.
    pub path: PathBuf,
    /// The whole file.
    pub bytes: Vec<u8>,
    /// Its ELF facts.
    pub info: ElfInfo,
}

impl Executable {
    /// Reads and parses the executable at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(Error::at(path))?;
        Self::from_bytes(path, bytes)
    }

    /// Parses `bytes`, the contents of the executable at `path`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self> {
        let info = ElfInfo::parse(path, bytes.as_slice())?;
        Ok(Executable {
            path: path.to_owned(),
            bytes,
            info,
        })
    }

    /// Its build-id; an error if it has none.
    pub fn build_id(&self) -> Result<BuildId> {
        self.info
            .build_id
            .ok_or_else(|| Error::NoBuildId(self.path.clone()))
    }

    /// Its `fastboot` section; an error if it has none.
    pub fn section(&self) -> Result<FastbootSection> {
        self.info
            .section
            .ok_or_else(|| Error::NoSection(self.path.clone()))
    }

    /// The contents of its `fastboot` section, if it has one.
    pub fn section_bytes(&self) -> Option<&[u8]> {
        let s = self.info.section?;
        let start = usize::try_from(s.offset).ok()?;
        let len = usize::try_from(s.size).ok()?;
        self.bytes.get(start..start.checked_add(len)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_elf_bytes_are_refused_by_name() {
        let err = ElfInfo::parse("notes.txt".as_ref(), &b"hello, world"[..]).unwrap_err();
        assert_eq!(err.to_string(), "notes.txt: not an ELF file");
    }

    #[test]
    fn a_truncated_elf_file_is_an_error_not_a_panic() {
        let exe = std::fs::read(std::env::current_exe().unwrap()).unwrap();
        for len in [5, 64, 200] {
            assert!(
                ElfInfo::parse("cut".as_ref(), &exe[..len]).is_err(),
                "{len}"
            );
        }
    }

    #[test]
    fn this_test_binary_has_a_build_id_and_ends_at_its_extent() {
        let exe = Executable::open(&std::env::current_exe().unwrap()).unwrap();
        assert!(exe.build_id().is_ok());
        assert_eq!(exe.info.extent, exe.bytes.len() as u64);
    }
}
