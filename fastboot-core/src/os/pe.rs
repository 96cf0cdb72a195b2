//! Reading a PE image's headers as the Windows loader mapped them, where a
//! section's bytes lie at its RVA from the image base: the section table
//! and the debug directory's CodeView record. Pure functions over bytes, so
//! that they are tested on every host; `windows.rs` hands them the memory.
//!
//! Field offsets are those of the PE/COFF specification.

/// The DOS header's length; it ends with the offset of the NT headers.
pub(crate) const DOS_HEADER_LEN: usize = 0x40;
/// The NT headers' signature, file header and the optional header's fields
/// up to and including `SizeOfHeaders`.
pub(crate) const NT_PREFIX_LEN: usize = OPTIONAL_HEADER + 64;

const OPTIONAL_HEADER: usize = 4 + 20;
const PE32_MAGIC: u16 = 0x10b;
const PE32_PLUS_MAGIC: u16 = 0x20b;
const DEBUG_DIRECTORY: usize = 6;
const SECTION_HEADER_LEN: usize = 40;
const DEBUG_ENTRY_LEN: usize = 28;
const DEBUG_TYPE_CODEVIEW: u32 = 2;
/// `RSDS`, the signature of a CodeView record with a GUID (PDB 7.0).
const CODEVIEW_RSDS: &[u8; 4] = b"RSDS";
/// Its GUID and age: the identity fastboot matches snapshots against.
pub(crate) const CODEVIEW_ID_LEN: usize = 20;
const SCN_MEM_READ: u32 = 0x4000_0000;
const SCN_MEM_WRITE: u32 = 0x8000_0000;

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The offset of the NT headers, from the DOS header.
pub(crate) fn nt_headers_offset(dos: &[u8]) -> Option<usize> {
    if !dos.starts_with(b"MZ") {
        return None;
    }
    usize::try_from(u32_at(dos, 0x3c)?).ok()
}

/// `SizeOfHeaders`, from the first `nt + NT_PREFIX_LEN` bytes of the image.
pub(crate) fn headers_len(prefix: &[u8], nt: usize) -> Option<usize> {
    if prefix.get(nt..nt + 4)? != b"PE\0\0" {
        return None;
    }
    usize::try_from(u32_at(prefix, nt + OPTIONAL_HEADER + 60)?).ok()
}

/// A range of the loaded image, by RVA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Range {
    pub rva: usize,
    pub len: usize,
}

/// A section, as the loader maps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Section {
    pub name: [u8; 8],
    /// Its bytes that come from the file (the rest of its virtual size is
    /// zeros the loader adds).
    pub data: Range,
    /// Mapped readable and not writable.
    pub read_only: bool,
}

/// The parsed headers of a loaded image.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Headers<'a> {
    table: &'a [u8],
    debug: Option<Range>,
}

impl<'a> Headers<'a> {
    /// Parses `headers`: the image's first `SizeOfHeaders` bytes.
    pub(crate) fn parse(headers: &'a [u8]) -> Option<Self> {
        let nt = nt_headers_offset(headers)?;
        headers_len(headers, nt)?;
        let count = usize::from(u16_at(headers, nt + 4 + 2)?);
        let optional_len = usize::from(u16_at(headers, nt + 4 + 16)?);
        let optional = nt + OPTIONAL_HEADER;
        let directories = match u16_at(headers, optional)? {
            PE32_MAGIC => optional + 96,
            PE32_PLUS_MAGIC => optional + 112,
            _ => return None,
        };
        let directory_count = u32_at(headers, directories - 4)? as usize;
        let debug = (DEBUG_DIRECTORY < directory_count)
            .then(|| {
                let at = directories + DEBUG_DIRECTORY * 8;
                Some(Range {
                    rva: u32_at(headers, at)? as usize,
                    len: u32_at(headers, at + 4)? as usize,
                })
            })
            .flatten()
            .filter(|range| range.rva != 0 && range.len != 0);
        let table_start = optional.checked_add(optional_len)?;
        let table = headers.get(table_start..table_start + count * SECTION_HEADER_LEN)?;
        Some(Headers { table, debug })
    }

    /// The section table.
    pub(crate) fn sections(&self) -> impl Iterator<Item = Section> + 'a {
        self.table.chunks_exact(SECTION_HEADER_LEN).map(|raw| {
            let field = |at| u32_at(raw, at).unwrap_or(0);
            let characteristics = field(36);
            Section {
                name: raw[..8].try_into().unwrap_or_default(),
                data: Range {
                    rva: field(12) as usize,
                    len: field(8).min(field(16)) as usize,
                },
                read_only: characteristics & (SCN_MEM_READ | SCN_MEM_WRITE) == SCN_MEM_READ,
            }
        })
    }

    /// The section named `name`, if there is one.
    pub(crate) fn section(&self, name: &str) -> Option<Section> {
        let mut padded = [0u8; 8];
        let name = name.as_bytes().get(..name.len().min(8))?;
        padded[..name.len()].copy_from_slice(name);
        self.sections().find(|s| s.name == padded)
    }

    /// Whether `range` lies in one read-only section's data: bytes the
    /// loader mapped and nothing writes to.
    pub(crate) fn is_read_only(&self, range: Range) -> bool {
        let Some(end) = range.rva.checked_add(range.len) else {
            return false;
        };
        self.sections().any(|s| {
            s.read_only && s.data.rva <= range.rva && end <= s.data.rva.saturating_add(s.data.len)
        })
    }

    /// The debug directory, if it lies in a read-only section.
    pub(crate) fn debug_directory(&self) -> Option<Range> {
        self.debug.filter(|&range| self.is_read_only(range))
    }
}

/// The CodeView record's range, from the debug directory's entries.
pub(crate) fn codeview_record(directory: &[u8]) -> Option<Range> {
    directory
        .chunks_exact(DEBUG_ENTRY_LEN)
        .find(|entry| u32_at(entry, 12) == Some(DEBUG_TYPE_CODEVIEW))
        .and_then(|entry| {
            Some(Range {
                rva: u32_at(entry, 20)? as usize,
                len: u32_at(entry, 16)? as usize,
            })
        })
        .filter(|range| range.rva != 0 && range.len >= 4 + CODEVIEW_ID_LEN)
}

/// The GUID and age of a CodeView `RSDS` record.
pub(crate) fn codeview_id(record: &[u8]) -> Option<&[u8]> {
    record.strip_prefix(CODEVIEW_RSDS)?.get(..CODEVIEW_ID_LEN)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PE32+ image's headers, as the loader maps them, followed by its
    /// sections' data at their RVAs: `(name, rva, data, writable)`.
    pub(crate) fn image(sections: &[(&str, usize, &[u8], bool)], debug: Option<Range>) -> Vec<u8> {
        let nt = 0x80;
        let optional = nt + OPTIONAL_HEADER;
        let table = optional + 240;
        let mut bytes = vec![0u8; 0x400];
        bytes[..2].copy_from_slice(b"MZ");
        bytes[0x3c..0x40].copy_from_slice(&(nt as u32).to_le_bytes());
        bytes[nt..nt + 4].copy_from_slice(b"PE\0\0");
        let put16 =
            |b: &mut Vec<u8>, at: usize, v: u16| b[at..at + 2].copy_from_slice(&v.to_le_bytes());
        let put32 =
            |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        put16(&mut bytes, nt + 6, sections.len() as u16);
        put16(&mut bytes, nt + 20, 240);
        put16(&mut bytes, optional, PE32_PLUS_MAGIC);
        put32(&mut bytes, optional + 60, 0x400);
        put32(&mut bytes, optional + 108, 16);
        if let Some(debug) = debug {
            put32(&mut bytes, optional + 112 + 48, debug.rva as u32);
            put32(&mut bytes, optional + 112 + 52, debug.len as u32);
        }
        for (i, (name, rva, data, writable)) in sections.iter().enumerate() {
            let at = table + i * SECTION_HEADER_LEN;
            bytes[at..at + name.len()].copy_from_slice(name.as_bytes());
            put32(&mut bytes, at + 8, data.len() as u32);
            put32(&mut bytes, at + 12, *rva as u32);
            put32(
                &mut bytes,
                at + 16,
                data.len().next_multiple_of(0x200) as u32,
            );
            let flags = SCN_MEM_READ | if *writable { SCN_MEM_WRITE } else { 0 };
            put32(&mut bytes, at + 36, flags);
            if bytes.len() < rva + data.len() {
                bytes.resize(rva + data.len(), 0);
            }
            bytes[*rva..rva + data.len()].copy_from_slice(data);
        }
        bytes
    }

    fn debug_directory(record_rva: u32, record_len: u32) -> Vec<u8> {
        let mut entry = vec![0u8; DEBUG_ENTRY_LEN];
        entry[12..16].copy_from_slice(&DEBUG_TYPE_CODEVIEW.to_le_bytes());
        entry[16..20].copy_from_slice(&record_len.to_le_bytes());
        entry[20..24].copy_from_slice(&record_rva.to_le_bytes());
        entry
    }

    #[test]
    fn sections_and_the_codeview_identity_are_read() {
        let mut rdata = debug_directory(0x1000 + 28, 24 + 5);
        rdata.extend_from_slice(b"RSDS");
        rdata.extend((1..=20).collect::<Vec<u8>>());
        rdata.extend_from_slice(b"x.pdb");
        let debug = Range {
            rva: 0x1000,
            len: 28,
        };
        let bytes = image(
            &[
                (".rdata", 0x1000, &rdata, false),
                (".data", 0x2000, b"rw", true),
                ("fastboot", 0x3000, b"SNAP", false),
            ],
            Some(debug),
        );
        let headers = Headers::parse(&bytes[..0x400]).unwrap();
        let found = headers.section("fastboot").unwrap();
        assert_eq!(
            found.data,
            Range {
                rva: 0x3000,
                len: 4
            }
        );
        assert!(found.read_only);
        assert!(!headers.section(".data").unwrap().read_only);
        assert!(headers.section(".text").is_none());

        let at = headers.debug_directory().unwrap();
        let record = codeview_record(&bytes[at.rva..at.rva + at.len]).unwrap();
        let id = codeview_id(&bytes[record.rva..record.rva + record.len]).unwrap();
        assert_eq!(id, (1..=20).collect::<Vec<u8>>());
    }

    #[test]
    fn the_headers_length_is_found_in_steps_within_what_is_read() {
        // As `windows.rs` reads them: the DOS header, then the NT headers up
        // to `SizeOfHeaders`, then all the headers.
        let bytes = image(&[(".rdata", 0x1000, b"data", false)], None);
        let nt = nt_headers_offset(&bytes[..DOS_HEADER_LEN]).unwrap();
        let len = headers_len(&bytes[..nt + NT_PREFIX_LEN], nt).unwrap();
        assert_eq!(len, 0x400);
        assert!(Headers::parse(&bytes[..len]).is_some());
        assert_eq!(headers_len(&bytes[..nt + NT_PREFIX_LEN - 1], nt), None);
    }

    #[test]
    fn a_debug_directory_outside_read_only_data_is_not_trusted() {
        let directory = debug_directory(0x2000, 24);
        let at = Some(Range {
            rva: 0x2000,
            len: 28,
        });
        // In a writable section, then in no section at all.
        for sections in [&[(".data", 0x2000, &directory[..], true)][..], &[]] {
            let bytes = image(sections, at);
            let headers = Headers::parse(&bytes[..0x400]).unwrap();
            assert_eq!(headers.debug_directory(), None);
        }
    }

    #[test]
    fn damaged_headers_are_none_not_a_panic() {
        let bytes = image(&[(".rdata", 0x1000, b"data", false)], None);
        for len in [0, 2, 0x40, 0x90, 0xa0, 0x100] {
            assert!(Headers::parse(&bytes[..len]).is_none(), "{len}");
        }
        let mut wrong = bytes.clone();
        wrong[0x80] = b'X';
        assert!(Headers::parse(&wrong).is_none());
        assert_eq!(codeview_id(b"NB10abcdefghijklmnopqrstuvwx"), None);
        assert_eq!(codeview_id(b"RSDSshort"), None);
    }
}
