//! PE executables (Windows): their facts, read with `object`, and the
//! `fastboot` section, added after linking as the image's last section.
//!
//! A section added last moves nothing: every other section keeps its file
//! offset and address, so no relocation, import or debug record changes.
//! Its data goes at the end of the file (after any COFF symbol table); its
//! header into the room linkers leave after the section table. The loader
//! maps it read-only with the program, where the program finds it by name.
//! The identity is the CodeView record's GUID and age, as the program reads
//! it from its loaded headers.

use std::mem::offset_of;
use std::path::Path;

use fastboot_core::contract::{registry_section, BuildId, SECTION_NAME};
use object::pe::{
    ImageFileHeader, ImageNtHeaders32, ImageNtHeaders64, ImageOptionalHeader32,
    ImageOptionalHeader64, ImageSectionHeader, ImageSymbol, IMAGE_DIRECTORY_ENTRY_SECURITY,
    IMAGE_FILE_DLL, IMAGE_SCN_CNT_INITIALIZED_DATA, IMAGE_SCN_MEM_READ,
};
use object::read::pe::{ImageNtHeaders, ImageOptionalHeader, PeFile};
use object::{FileKind, LittleEndian as LE, Object, ObjectSection, ReadRef, U16, U32};

use super::fields::{field_at, read_at};
use crate::error::{Error, Result};
use crate::exe::{FastbootSection, Format, Info};

const SECTION_HEADER_LEN: usize = size_of::<ImageSectionHeader>();
/// What the fields changed here are part of, for errors.
const HEADERS: &str = "PE headers";
/// Offsets of the fields that adding a section changes: in the file header
/// from the NT headers' start, and in the optional header (the same in PE32
/// and PE32+, checked below).
const FILE_HEADER: usize = offset_of!(ImageNtHeaders64, file_header);
const OPTIONAL_HEADER: usize = offset_of!(ImageNtHeaders64, optional_header);
const NUMBER_OF_SECTIONS: usize = FILE_HEADER + offset_of!(ImageFileHeader, number_of_sections);
const SIZE_OF_INITIALIZED_DATA: usize = offset_of!(ImageOptionalHeader64, size_of_initialized_data);
const SIZE_OF_IMAGE: usize = offset_of!(ImageOptionalHeader64, size_of_image);
const CHECK_SUM: usize = offset_of!(ImageOptionalHeader64, check_sum);
const _: () = assert!(
    OPTIONAL_HEADER == offset_of!(ImageNtHeaders32, optional_header)
        && SIZE_OF_INITIALIZED_DATA == offset_of!(ImageOptionalHeader32, size_of_initialized_data)
        && SIZE_OF_IMAGE == offset_of!(ImageOptionalHeader32, size_of_image)
        && CHECK_SUM == offset_of!(ImageOptionalHeader32, check_sum)
);

/// Reads the facts of the PE file `bytes`, read from `path`.
pub fn parse<'data, R: ReadRef<'data>>(path: &Path, bytes: R) -> Result<Info> {
    let malformed = |e: object::read::Error| Error::BadExecutable {
        path: path.to_owned(),
        why: format!("malformed PE file: {e}"),
    };
    match FileKind::parse(bytes).map_err(malformed)? {
        FileKind::Pe64 => parse_as::<ImageNtHeaders64, R>(bytes).map_err(malformed),
        FileKind::Pe32 => parse_as::<ImageNtHeaders32, R>(bytes).map_err(malformed),
        _ => Err(Error::NotExecutable(path.to_owned())),
    }
}

fn parse_as<'data, Pe: ImageNtHeaders, R: ReadRef<'data>>(bytes: R) -> object::read::Result<Info> {
    let file = PeFile::<Pe, R>::parse(bytes)?;
    let layout = Layout::of(&file);
    let build_id = file.pdb_info()?.and_then(|cv| {
        let mut id = [0u8; 20];
        id[..16].copy_from_slice(&cv.guid());
        id[16..].copy_from_slice(&cv.age().to_le_bytes());
        BuildId::new(&id)
    });
    let table = file.section_table();
    let count = table.len();
    let mut section = None;
    for (index, header) in table.iter().enumerate() {
        if header.name == name_field(SECTION_NAME) {
            // The bytes from the file, without the padding to its alignment.
            let (offset, size) = header.pe_file_range();
            section = Some(FastbootSection {
                offset: offset.into(),
                size: size.into(),
                addr: header.virtual_address.get(LE).into(),
                own_segment: index + 1 == count && u64::from(offset) >= layout.extent_before_last,
            });
        }
    }
    let has_frozen_statics = file.sections().any(|s| {
        let name = s.name_bytes().unwrap_or_default();
        // GNU ld writes the whole name in the COFF string table, if it
        // keeps one, else its first 8 bytes in the header.
        (name == registry_section::PE.as_bytes() || name == registry_section::PE_SHORT)
            && s.size() > registry_section::PE_EMPTY_LEN
    });
    let section_obstacle = if layout.signed {
        Some("the executable is signed (embed, then sign)")
    } else if section.is_none() && !layout.room_for_a_section {
        Some("no room for another section header")
    } else {
        None
    };
    let characteristics = file.nt_headers().file_header().characteristics.get(LE);
    Ok(Info {
        format: Format::Pe,
        build_id,
        section,
        section_obstacle,
        footer_obstacle: None,
        extent: layout.extent,
        has_frozen_statics,
        library: (characteristics & IMAGE_FILE_DLL).0 != 0,
    })
}

/// Where a PE file's parts lie.
struct Layout {
    /// Where the image ends: headers, sections' data, symbol and string
    /// tables, certificates.
    extent: u64,
    /// The same without the last section's data.
    extent_before_last: u64,
    /// Whether it carries an Authenticode signature, which any change
    /// breaks.
    signed: bool,
    /// Whether another section header fits before the first section's data.
    room_for_a_section: bool,
}

impl Layout {
    fn of<'data, Pe: ImageNtHeaders, R: ReadRef<'data>>(file: &PeFile<'data, Pe, R>) -> Self {
        let nt = file.nt_headers();
        let optional = nt.optional_header();
        let headers_len = u64::from(optional.size_of_headers());
        let table = file.section_table();
        // Each section's data in the file, padding included.
        let ends: Vec<u64> = table
            .iter()
            .map(|s| {
                u64::from(s.pointer_to_raw_data.get(LE)) + u64::from(s.size_of_raw_data.get(LE))
            })
            .collect();
        let symbols = {
            let header = nt.file_header();
            let at = u64::from(header.pointer_to_symbol_table.get(LE));
            let table_end =
                at + size_of::<ImageSymbol>() as u64 * u64::from(header.number_of_symbols.get(LE));
            let strings = file
                .data()
                .read_at::<object::U32<LE>>(table_end)
                .map_or(0, |len| u64::from(len.get(LE)));
            if at == 0 {
                0
            } else {
                table_end + strings
            }
        };
        let certificates = file
            .data_directories()
            .get(IMAGE_DIRECTORY_ENTRY_SECURITY)
            .map_or(0, |d| {
                // Its "address" is a file offset.
                u64::from(d.virtual_address.get(LE)) + u64::from(d.size.get(LE))
            });
        let rest = [headers_len, symbols, certificates];
        let before_last = ends.iter().rev().skip(1).chain(&rest).copied().max();
        let table_end = file.dos_header().nt_headers_offset() as usize
            + size_of::<Pe>()
            + optional_directories_len(file)
            + table.len() * SECTION_HEADER_LEN;
        let first_data = table
            .iter()
            .map(|s| u64::from(s.pointer_to_raw_data.get(LE)))
            .filter(|&offset| offset != 0)
            .min()
            .unwrap_or(headers_len);
        Layout {
            extent: ends.iter().chain(&rest).copied().max().unwrap_or(0),
            extent_before_last: before_last.unwrap_or(0),
            signed: certificates != 0,
            room_for_a_section: (table_end + SECTION_HEADER_LEN) as u64
                <= headers_len
                    .min(first_data)
                    .min(file.data().len().unwrap_or(0)),
        }
    }
}

/// The length of the optional header past its fixed part: its data
/// directories.
fn optional_directories_len<'data, Pe: ImageNtHeaders, R: ReadRef<'data>>(
    file: &PeFile<'data, Pe, R>,
) -> usize {
    let declared = usize::from(
        file.nt_headers()
            .file_header()
            .size_of_optional_header
            .get(LE),
    );
    declared.saturating_sub(size_of::<Pe::ImageOptionalHeader>())
}

/// `name` as a section header's 8-byte name field.
fn name_field(name: &str) -> [u8; 8] {
    let mut field = [0u8; 8];
    let n = name.len().min(8);
    field[..n].copy_from_slice(&name.as_bytes()[..n]);
    field
}

/// `image` with `contents` as its `fastboot` section: the last section,
/// replacing any `fastboot` section it had, readable and not writable.
pub fn replace_section(image: &[u8], contents: &[u8]) -> Result<Vec<u8>> {
    let mut out = without_section(image)?;
    let pe = Headers::read(&out)?;
    if !pe.layout.room_for_a_section {
        return Err(Error::Other(
            "the PE file has no room for another section header".into(),
        ));
    }
    let file_len = round_up(contents.len() as u64, pe.file_alignment);
    let start = round_up(out.len() as u64, pe.file_alignment);
    let rva = round_up(pe.image_end, pe.section_alignment);
    let fits_u32 = |v: u64| u32::try_from(v).ok();
    let (Some(start32), Some(rva32), Some(file_len32), Some(len32)) = (
        fits_u32(start),
        fits_u32(rva),
        fits_u32(file_len),
        fits_u32(contents.len() as u64),
    ) else {
        return Err(Error::Other(
            "the snapshot is too large for a PE section".into(),
        ));
    };
    let Some(image_size) = fits_u32(round_up(rva + contents.len() as u64, pe.section_alignment))
    else {
        return Err(Error::Other(
            "the snapshot is too large for a PE image".into(),
        ));
    };

    *field_at::<ImageSectionHeader>(&mut out, pe.table_end, HEADERS)? = ImageSectionHeader {
        name: name_field(SECTION_NAME),
        virtual_size: U32::new(LE, len32),
        virtual_address: U32::new(LE, rva32),
        size_of_raw_data: U32::new(LE, file_len32),
        pointer_to_raw_data: U32::new(LE, start32),
        pointer_to_relocations: U32::default(),
        pointer_to_linenumbers: U32::default(),
        number_of_relocations: U16::default(),
        number_of_linenumbers: U16::default(),
        characteristics: U32::new(LE, IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_MEM_READ),
    };
    field_at::<U16<LE>>(&mut out, pe.nt + NUMBER_OF_SECTIONS, HEADERS)?.set(LE, pe.count + 1);
    field_at::<U32<LE>>(&mut out, pe.optional + SIZE_OF_IMAGE, HEADERS)?.set(LE, image_size);
    let data_size = field_at::<U32<LE>>(&mut out, pe.optional + SIZE_OF_INITIALIZED_DATA, HEADERS)?;
    data_size.set(LE, data_size.get(LE).saturating_add(file_len32));

    out.resize(start as usize, 0);
    out.extend_from_slice(contents);
    out.resize((start + file_len) as usize, 0);
    renew_checksum(&mut out, pe.optional)?;
    Ok(out)
}

/// `image` without its `fastboot` section, if it has one: its header
/// removed and its data cut from the end of the file.
pub fn without_section(image: &[u8]) -> Result<Vec<u8>> {
    let pe = Headers::read(image)?;
    let last = pe.table_end.checked_sub(SECTION_HEADER_LEN);
    let is_ours = |at: usize| {
        read_at::<ImageSectionHeader>(image, at, HEADERS)
            .is_ok_and(|header| header.name == name_field(SECTION_NAME))
    };
    if let Some(at) = (pe.table_start..pe.table_end)
        .step_by(SECTION_HEADER_LEN)
        .find(|&at| is_ours(at))
    {
        if Some(at) != last {
            return Err(Error::Other(
                "the PE file's fastboot section is not its last section".into(),
            ));
        }
    }
    let extent = usize::try_from(pe.layout.extent).map_or(image.len(), |e| e.min(image.len()));
    let mut out = image[..extent].to_vec();
    let Some(at) = last.filter(|&at| is_ours(at)) else {
        return Ok(out);
    };
    let header = field_at::<ImageSectionHeader>(&mut out, at, HEADERS)?;
    let file_len = header.size_of_raw_data.get(LE);
    object::pod::bytes_of_mut(header).fill(0);
    field_at::<U16<LE>>(&mut out, pe.nt + NUMBER_OF_SECTIONS, HEADERS)?.set(LE, pe.count - 1);
    let data_size = field_at::<U32<LE>>(&mut out, pe.optional + SIZE_OF_INITIALIZED_DATA, HEADERS)?;
    data_size.set(LE, data_size.get(LE).saturating_sub(file_len));
    out.truncate(usize::try_from(pe.layout.extent_before_last).map_or(extent, |e| e.min(extent)));
    let rest = Headers::read(&out)?;
    let image_size = round_up(rest.image_end, rest.section_alignment);
    field_at::<U32<LE>>(&mut out, rest.optional + SIZE_OF_IMAGE, HEADERS)?
        .set(LE, image_size as u32);
    renew_checksum(&mut out, rest.optional)?;
    Ok(out)
}

/// The offsets in a PE file that adding or removing a section changes.
struct Headers {
    nt: usize,
    optional: usize,
    table_start: usize,
    table_end: usize,
    count: u16,
    file_alignment: u64,
    section_alignment: u64,
    /// The end of the last section in memory (RVA).
    image_end: u64,
    layout: Layout,
}

impl Headers {
    fn read(image: &[u8]) -> Result<Self> {
        let malformed = |e: object::read::Error| Error::Other(format!("malformed PE file: {e}"));
        match FileKind::parse(image).map_err(malformed)? {
            FileKind::Pe64 => Self::read_as::<ImageNtHeaders64>(image).map_err(malformed),
            FileKind::Pe32 => Self::read_as::<ImageNtHeaders32>(image).map_err(malformed),
            _ => Err(Error::Other("not a PE file".into())),
        }
    }

    fn read_as<Pe: ImageNtHeaders>(image: &[u8]) -> object::read::Result<Self> {
        let file = PeFile::<Pe, &[u8]>::parse(image)?;
        let nt = file.dos_header().nt_headers_offset() as usize;
        let optional = nt + OPTIONAL_HEADER;
        let table_start =
            optional + size_of::<Pe::ImageOptionalHeader>() + optional_directories_len(&file);
        let table = file.section_table();
        let header = file.nt_headers().optional_header();
        let image_end = table
            .iter()
            .map(|s| {
                let size = s.virtual_size.get(LE).max(s.size_of_raw_data.get(LE));
                u64::from(s.virtual_address.get(LE)) + u64::from(size)
            })
            .max()
            .unwrap_or(0);
        Ok(Headers {
            nt,
            optional,
            table_start,
            table_end: table_start + table.len() * SECTION_HEADER_LEN,
            count: table.len() as u16,
            file_alignment: u64::from(header.file_alignment()).max(1),
            section_alignment: u64::from(header.section_alignment()).max(1),
            image_end,
            layout: Layout::of(&file),
        })
    }
}

fn round_up(value: u64, alignment: u64) -> u64 {
    value.next_multiple_of(alignment)
}

/// Recomputes the checksum of `image`, whose optional header is at
/// `optional`, if the linker wrote one (zero means none).
fn renew_checksum(image: &mut [u8], optional: usize) -> Result<()> {
    let field = optional + CHECK_SUM;
    if read_at::<U32<LE>>(image, field, HEADERS)?.get(LE) != 0 {
        let sum = checksum(image, field);
        field_at::<U32<LE>>(image, field, HEADERS)?.set(LE, sum);
    }
    Ok(())
}

/// The PE checksum of `image`, whose checksum field is at `field`: the
/// 16-bit one's-complement-style sum of the file (the field counted as
/// zero) plus its length, as `imagehlp`'s `CheckSumMappedFile` computes it.
fn checksum(image: &[u8], field: usize) -> u32 {
    let mut sum: u64 = 0;
    for (i, pair) in image.chunks(2).enumerate() {
        let at = i * 2;
        if (field..field + 4).contains(&at) {
            continue;
        }
        let word = u16::from_le_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]);
        sum += u64::from(word);
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum = (sum & 0xffff) + (sum >> 16);
    (sum as u32).wrapping_add(image.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use object::pe::{
        ImageDebugDirectory, IMAGE_DEBUG_TYPE_CODEVIEW, IMAGE_DIRECTORY_ENTRY_DEBUG,
        IMAGE_FILE_EXECUTABLE_IMAGE, IMAGE_FILE_MACHINE_AMD64, IMAGE_FILE_MACHINE_I386,
        IMAGE_SUBSYSTEM_WINDOWS_CUI,
    };
    use object::write::pe::{NtHeaders, Writer};

    const GUID: [u8; 16] = *b"fastboot-pe-guid";
    const AGE: u32 = 3;

    /// A PE image as a linker writes one: `.text`, `.rdata` holding a debug
    /// directory with a CodeView record (the identity), and `extra` more
    /// data sections (with one, the section table fills the headers' 512
    /// bytes exactly). PE32+ if `is_64`, else PE32.
    fn synthetic(is_64: bool, extra: usize) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Writer::new(is_64, 0x1000, 0x200, &mut out);
        w.reserve_dos_header_and_stub();
        w.reserve_nt_headers(16);
        w.reserve_section_headers(2 + extra as u16);
        let text = w.reserve_text_section(0x100);
        let rdata = w.reserve_rdata_section(0x200);
        let data: Vec<_> = (0..extra)
            .map(|_| w.reserve_data_section(0x80, 0x80))
            .collect();
        let debug_len = size_of::<ImageDebugDirectory>() as u32;
        w.set_data_directory(
            IMAGE_DIRECTORY_ENTRY_DEBUG,
            rdata.virtual_address,
            debug_len,
        );
        // The debug directory, then the CodeView record it points to.
        let record_at = debug_len;
        let record = [&b"RSDS"[..], &GUID, &AGE.to_le_bytes(), b"app.pdb\0"].concat();
        let directory = ImageDebugDirectory {
            characteristics: object::U32::default(),
            time_date_stamp: object::U32::default(),
            major_version: object::U16::default(),
            minor_version: object::U16::default(),
            typ: object::U32::new(LE, IMAGE_DEBUG_TYPE_CODEVIEW),
            size_of_data: object::U32::new(LE, record.len() as u32),
            address_of_raw_data: object::U32::new(LE, rdata.virtual_address + record_at),
            pointer_to_raw_data: object::U32::new(LE, rdata.file_offset + record_at),
        };
        let mut rdata_bytes = object::pod::bytes_of(&directory).to_vec();
        rdata_bytes.extend_from_slice(&record);
        rdata_bytes.resize(0x200, 0);

        w.write_dos_header_and_stub().unwrap();
        w.write_nt_headers(NtHeaders {
            machine: if is_64 {
                IMAGE_FILE_MACHINE_AMD64
            } else {
                IMAGE_FILE_MACHINE_I386
            },
            time_date_stamp: 0,
            characteristics: IMAGE_FILE_EXECUTABLE_IMAGE,
            major_linker_version: 2,
            minor_linker_version: 40,
            address_of_entry_point: text.virtual_address,
            image_base: 0x4000_0000,
            major_operating_system_version: 6,
            minor_operating_system_version: 0,
            major_image_version: 0,
            minor_image_version: 0,
            major_subsystem_version: 6,
            minor_subsystem_version: 0,
            subsystem: IMAGE_SUBSYSTEM_WINDOWS_CUI,
            dll_characteristics: object::pe::DllFlags::default(),
            size_of_stack_reserve: 0x20_0000,
            size_of_stack_commit: 0x1000,
            size_of_heap_reserve: 0x10_0000,
            size_of_heap_commit: 0x1000,
        });
        w.write_section_headers();
        w.write_section(text.file_offset, &[0xc3; 0x100]);
        w.write_section(rdata.file_offset, &rdata_bytes);
        for range in data {
            w.write_section(range.file_offset, &[7; 0x80]);
        }
        out
    }

    fn info(image: &[u8]) -> Info {
        parse("synthetic.exe".as_ref(), image).unwrap()
    }

    /// The image's sections: name, file offset and size, RVA and size.
    fn sections(image: &[u8]) -> Vec<([u8; 8], u32, u32, u32, u32)> {
        let file = PeFile::<ImageNtHeaders64, &[u8]>::parse(image)
            .map(|f| f.section_table().iter().copied().collect::<Vec<_>>())
            .or_else(|_| {
                PeFile::<ImageNtHeaders32, &[u8]>::parse(image)
                    .map(|f| f.section_table().iter().copied().collect())
            })
            .unwrap();
        file.iter()
            .map(|s| {
                (
                    s.name,
                    s.pointer_to_raw_data.get(LE),
                    s.size_of_raw_data.get(LE),
                    s.virtual_address.get(LE),
                    s.virtual_size.get(LE),
                )
            })
            .collect()
    }

    #[test]
    fn a_synthetic_image_is_read_like_a_linked_one() {
        for is_64 in [true, false] {
            let image = synthetic(is_64, 0);
            let info = info(&image);
            assert_eq!(info.format, Format::Pe);
            let id = info.build_id.unwrap();
            assert_eq!(id.as_bytes()[..16], GUID);
            assert_eq!(id.as_bytes()[16..], AGE.to_le_bytes());
            assert_eq!(info.section, None);
            assert_eq!(info.section_obstacle, None);
            assert_eq!(info.extent, image.len() as u64);
            assert!(!info.library);
        }
    }

    #[test]
    fn a_dll_is_a_library() {
        let mut image = synthetic(true, 0);
        let nt = u32::from_le_bytes(image[0x3c..0x40].try_into().unwrap()) as usize;
        let at = nt + FILE_HEADER + offset_of!(ImageFileHeader, characteristics);
        let flags = u16::from_le_bytes([image[at], image[at + 1]]) | IMAGE_FILE_DLL.0;
        image[at..at + 2].copy_from_slice(&flags.to_le_bytes());
        assert!(info(&image).library);
    }

    #[test]
    fn the_section_is_added_last_and_moves_nothing() {
        for is_64 in [true, false] {
            let image = synthetic(is_64, 0);
            let contents: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
            let out = replace_section(&image, &contents).unwrap();

            let before = sections(&image);
            let after = sections(&out);
            assert_eq!(after[..before.len()], before[..], "a section moved");
            let (name, offset, file_len, rva, len) = after[before.len()];
            assert_eq!(name, *b"fastboot");
            assert_eq!(offset as usize, image.len(), "data at the end of the file");
            assert_eq!(file_len, 5000u32.next_multiple_of(0x200));
            assert_eq!(rva, 0x3000, "after .rdata in memory");
            assert_eq!(len, 5000);
            // The image's bytes after the headers are unchanged.
            assert_eq!(out[0x200..image.len()], image[0x200..]);

            let info = info(&out);
            let section = info.section.unwrap();
            assert!(section.own_segment);
            assert_eq!(section.size, 5000);
            assert_eq!(&out[offset as usize..][..5000], &contents[..]);
            assert_eq!(info.build_id, self::info(&image).build_id);
            let file = PeFile::<ImageNtHeaders64, &[u8]>::parse(&*out);
            if let Ok(file) = file {
                let size_of_image = file.nt_headers().optional_header().size_of_image();
                assert_eq!(size_of_image, 0x3000 + 5000u32.next_multiple_of(0x1000));
            }
        }
    }

    #[test]
    fn replacing_then_removing_the_section_gives_back_the_image() {
        for is_64 in [true, false] {
            let image = synthetic(is_64, 0);
            let big = replace_section(&image, &[1; 9000]).unwrap();
            let small = replace_section(&big, b"small").unwrap();
            assert_eq!(small, replace_section(&image, b"small").unwrap());
            assert_eq!(without_section(&small).unwrap(), image);
            // An image without the section is left as it is.
            assert_eq!(without_section(&image).unwrap(), image);
        }
    }

    #[test]
    fn a_checksum_the_linker_wrote_is_renewed() {
        let mut image = synthetic(true, 0);
        let field = checksum_field(&image);
        let sum = checksum(&image, field);
        field_at::<U32<LE>>(&mut image, field, "")
            .unwrap()
            .set(LE, sum);
        let out = replace_section(&image, b"snapshot").unwrap();
        let renewed = read_at::<U32<LE>>(&out, field, "").unwrap().get(LE);
        assert_eq!(renewed, checksum(&out, field));
        assert_ne!(renewed, sum);
        // Removed again, the original checksum comes back.
        assert_eq!(without_section(&out).unwrap(), image);
    }

    /// The offset of the checksum field of the PE32+ `image`.
    fn checksum_field(image: &[u8]) -> usize {
        Headers::read(image).unwrap().optional + CHECK_SUM
    }

    #[test]
    fn the_checksum_is_the_folded_sum_of_words_plus_the_length() {
        // Words 1 and 2; the field (bytes 4..8) is skipped; plus 8 bytes.
        assert_eq!(checksum(&[1, 0, 2, 0, 0xff, 0xff, 0xff, 0xff], 4), 3 + 8);
        // 0xffff + 0x0002 carries into the low 16 bits: 0x0002.
        assert_eq!(checksum(&[0xff, 0xff, 2, 0, 0, 0, 0, 0], 4), 2 + 8);
        // An odd length counts a last byte as a word with a zero high byte.
        assert_eq!(checksum(&[0, 0, 0, 0, 0, 0, 5], 0), 5 + 7);
    }

    #[test]
    fn without_room_for_a_header_or_when_signed_the_section_is_refused() {
        let crowded = synthetic(true, 1);
        assert_eq!(
            info(&crowded).section_obstacle,
            Some("no room for another section header")
        );
        assert!(replace_section(&crowded, b"snapshot").is_err());

        let mut signed = synthetic(true, 0);
        let security = Headers::read(&signed).unwrap().optional
            + size_of::<object::pe::ImageOptionalHeader64>()
            + 8 * IMAGE_DIRECTORY_ENTRY_SECURITY;
        let directory = field_at::<object::pe::ImageDataDirectory>(&mut signed, security, "");
        let directory = directory.unwrap();
        directory.virtual_address.set(LE, 0x400);
        directory.size.set(LE, 8);
        assert_eq!(
            info(&signed).section_obstacle,
            Some("the executable is signed (embed, then sign)")
        );
    }

    #[test]
    fn a_damaged_image_is_an_error_not_a_panic() {
        let image = synthetic(true, 0);
        for len in [2, 0x40, 0x100, 0x180, 0x1f0] {
            assert!(replace_section(&image[..len], b"s").is_err(), "{len}");
            assert!(parse("cut".as_ref(), &image[..len]).is_err(), "{len}");
        }
    }
}
