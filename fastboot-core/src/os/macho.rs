//! Reading a 64-bit Mach-O image's load commands as dyld mapped them: its
//! `LC_UUID` and its segments and sections. Pure functions over bytes, so
//! that they are tested on every host; `macos.rs` hands them the memory.
//!
//! Field offsets are those of `<mach-o/loader.h>`.

/// `mach_header_64`'s length.
pub(crate) const HEADER_LEN: usize = 32;
const MH_MAGIC_64: u32 = 0xfeed_facf;
const LC_SEGMENT_64: u32 = 0x19;
const LC_UUID: u32 = 0x1b;
const SEGMENT_LEN: usize = 72;
const SECTION_LEN: usize = 80;
/// `VM_PROT_READ` and `VM_PROT_WRITE`.
const PROT_READ: u32 = 1;
const PROT_WRITE: u32 = 2;

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        bytes.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        bytes.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

fn name_is(field: Option<&[u8]>, name: &str) -> bool {
    let Some(field) = field else { return false };
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    &field[..end] == name.as_bytes()
}

/// The length of the header and its load commands, from the header.
pub(crate) fn commands_end(header: &[u8]) -> Option<usize> {
    if u32_at(header, 0)? != MH_MAGIC_64 {
        return None;
    }
    HEADER_LEN.checked_add(u32_at(header, 20)? as usize)
}

/// The load commands of an image whose first [`commands_end`] bytes are
/// `image`: `(cmd, command bytes)`.
fn commands(image: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    let count = u32_at(image, 16).unwrap_or(0);
    let mut rest = image.get(HEADER_LEN..).unwrap_or_default();
    (0..count).map_while(move |_| {
        let cmd = u32_at(rest, 0)?;
        let len = u32_at(rest, 4)? as usize;
        if len < 8 || len > rest.len() {
            return None;
        }
        let (command, tail) = rest.split_at(len);
        rest = tail;
        Some((cmd, command))
    })
}

/// The image's `LC_UUID`.
pub(crate) fn uuid(image: &[u8]) -> Option<&[u8]> {
    commands(image)
        .find(|&(cmd, _)| cmd == LC_UUID)
        .and_then(|(_, command)| command.get(8..24))
}

/// The address of the segment named `segment`, before the slide.
pub(crate) fn segment_address(image: &[u8], segment: &str) -> Option<u64> {
    let (_, command) = commands(image)
        .find(|&(cmd, command)| cmd == LC_SEGMENT_64 && name_is(command.get(8..24), segment))?;
    u64_at(command, 24)
}

/// A section's place in memory, before the slide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Section {
    pub addr: u64,
    pub len: u64,
}

/// The section `segment,section` if its segment maps it from the file,
/// readable and not writable.
pub(crate) fn read_only_section(image: &[u8], segment: &str, section: &str) -> Option<Section> {
    let (_, command) = commands(image)
        .find(|&(cmd, command)| cmd == LC_SEGMENT_64 && name_is(command.get(8..24), segment))?;
    let (vmaddr, filesize) = (u64_at(command, 24)?, u64_at(command, 48)?);
    let (maxprot, initprot) = (u32_at(command, 56)?, u32_at(command, 60)?);
    if initprot & PROT_READ == 0 || (initprot | maxprot) & PROT_WRITE != 0 {
        return None;
    }
    let count = u32_at(command, 64)? as usize;
    let table =
        command.get(SEGMENT_LEN..SEGMENT_LEN.checked_add(count.checked_mul(SECTION_LEN)?)?)?;
    let raw = table
        .chunks_exact(SECTION_LEN)
        .find(|raw| name_is(raw.get(..16), section))?;
    let found = Section {
        addr: u64_at(raw, 32)?,
        len: u64_at(raw, 40)?,
    };
    // Only bytes that come from the file: the segment's first `filesize`.
    let end = found.addr.checked_add(found.len)?;
    (found.addr >= vmaddr && end <= vmaddr.checked_add(filesize)?).then_some(found)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A segment load command with one section: `(segment, section, vmaddr,
    /// contents length, initprot, maxprot)`.
    pub(crate) fn segment(
        name: &str,
        section: &str,
        vmaddr: u64,
        len: u64,
        prot: (u32, u32),
    ) -> Vec<u8> {
        let mut c = vec![0u8; SEGMENT_LEN + SECTION_LEN];
        c[..4].copy_from_slice(&LC_SEGMENT_64.to_le_bytes());
        c[4..8].copy_from_slice(&((SEGMENT_LEN + SECTION_LEN) as u32).to_le_bytes());
        c[8..8 + name.len()].copy_from_slice(name.as_bytes());
        c[24..32].copy_from_slice(&vmaddr.to_le_bytes());
        c[32..40].copy_from_slice(&len.next_multiple_of(0x4000).to_le_bytes());
        c[48..56].copy_from_slice(&len.to_le_bytes());
        c[56..60].copy_from_slice(&prot.1.to_le_bytes());
        c[60..64].copy_from_slice(&prot.0.to_le_bytes());
        c[64..68].copy_from_slice(&1u32.to_le_bytes());
        let s = SEGMENT_LEN;
        c[s..s + section.len()].copy_from_slice(section.as_bytes());
        c[s + 16..s + 16 + name.len()].copy_from_slice(name.as_bytes());
        c[s + 32..s + 40].copy_from_slice(&vmaddr.to_le_bytes());
        c[s + 40..s + 48].copy_from_slice(&len.to_le_bytes());
        c
    }

    pub(crate) fn image(commands: &[Vec<u8>]) -> Vec<u8> {
        let mut bytes = vec![0u8; HEADER_LEN];
        bytes[..4].copy_from_slice(&MH_MAGIC_64.to_le_bytes());
        bytes[16..20].copy_from_slice(&(commands.len() as u32).to_le_bytes());
        let len: usize = commands.iter().map(Vec::len).sum();
        bytes[20..24].copy_from_slice(&(len as u32).to_le_bytes());
        for c in commands {
            bytes.extend_from_slice(c);
        }
        bytes
    }

    fn uuid_command() -> Vec<u8> {
        let mut c = vec![0u8; 24];
        c[..4].copy_from_slice(&LC_UUID.to_le_bytes());
        c[4..8].copy_from_slice(&24u32.to_le_bytes());
        c[8..].copy_from_slice(&[7u8; 16]);
        c
    }

    #[test]
    fn the_uuid_and_a_read_only_section_are_found() {
        let bytes = image(&[
            segment("__DATA", "__data", 0x8000, 64, (3, 3)),
            uuid_command(),
            segment("__FASTBOOT", "__fastboot", 0x10000, 4096, (1, 1)),
        ]);
        assert_eq!(commands_end(&bytes), Some(bytes.len()));
        assert_eq!(uuid(&bytes), Some(&[7u8; 16][..]));
        assert_eq!(
            read_only_section(&bytes, "__FASTBOOT", "__fastboot"),
            Some(Section {
                addr: 0x10000,
                len: 4096
            })
        );
        assert_eq!(
            read_only_section(&bytes, "__DATA", "__data"),
            None,
            "writable"
        );
        assert_eq!(read_only_section(&bytes, "__FASTBOOT", "__other"), None);
        assert_eq!(segment_address(&bytes, "__FASTBOOT"), Some(0x10000));
        assert_eq!(segment_address(&bytes, "__TEXT"), None);
    }

    #[test]
    fn a_writable_segment_or_damaged_commands_give_nothing() {
        let writable = image(&[segment("__FASTBOOT", "__fastboot", 0x10000, 16, (1, 3))]);
        assert_eq!(
            read_only_section(&writable, "__FASTBOOT", "__fastboot"),
            None
        );
        let bytes = image(&[
            uuid_command(),
            segment("__FASTBOOT", "__fastboot", 0, 16, (1, 1)),
        ]);
        for len in [0, 4, HEADER_LEN, HEADER_LEN + 10, HEADER_LEN + 30] {
            let cut = &bytes[..len];
            assert!(
                read_only_section(cut, "__FASTBOOT", "__fastboot").is_none(),
                "{len}"
            );
        }
        assert_eq!(uuid(&bytes[..HEADER_LEN + 20]), None);
        assert_eq!(
            commands_end(b"\xca\xfe\xba\xbe and the rest of a header"),
            None
        );
    }
}
