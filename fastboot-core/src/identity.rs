//! The identity a snapshot is tied to, called its build-id whatever the
//! platform: the GNU build-id (ELF), the CodeView record's GUID and age
//! (PE) or the `LC_UUID` (Mach-O) of the program that
//! froze it, which changes with any change of its code or data.

use std::fmt::{self, Write as _};

use crate::format::MAX_PRODUCER_LEN;

const NT_GNU_BUILD_ID: u32 = 3;

/// A build-id (see the module): an identity of the linked program, different
/// for any change of its code or data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BuildId {
    len: u8,
    bytes: [u8; MAX_PRODUCER_LEN],
}

impl BuildId {
    /// A build-id from its bytes; `None` if empty or longer than a snapshot
    /// header can hold.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() || bytes.len() > MAX_PRODUCER_LEN {
            return None;
        }
        let mut id = BuildId {
            len: bytes.len() as u8,
            bytes: [0; MAX_PRODUCER_LEN],
        };
        id.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(id)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl fmt::Display for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        hex(self.as_bytes()).fmt(f)
    }
}

impl fmt::Debug for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BuildId({self})")
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The build-id of the running program, if it was linked with one.
pub fn current_build_id() -> Option<BuildId> {
    crate::os::identity().and_then(BuildId::new)
}

/// Parses an ELF note area and returns the GNU build-id it holds, if any.
pub fn find_build_id(notes: &[u8]) -> Option<BuildId> {
    build_id_note(notes).and_then(BuildId::new)
}

/// Parses an ELF note area and returns the GNU build-id note's descriptor.
pub(crate) fn build_id_note(mut notes: &[u8]) -> Option<&[u8]> {
    let word = |b: &[u8], at: usize| u32::from_ne_bytes(b[at..at + 4].try_into().unwrap());
    while notes.len() >= 12 {
        let (name_len, desc_len, kind) = (
            word(notes, 0) as usize,
            word(notes, 4) as usize,
            word(notes, 8),
        );
        let name_end = 12usize.checked_add(name_len.next_multiple_of(4))?;
        let desc_end = name_end.checked_add(desc_len.next_multiple_of(4))?;
        if desc_end > notes.len() {
            return None;
        }
        if kind == NT_GNU_BUILD_ID && notes[12..12 + name_len] == *b"GNU\0" {
            return Some(&notes[name_end..name_end + desc_len]);
        }
        notes = &notes[desc_end..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_parsed_and_bounded() {
        let mut note = Vec::new();
        for word in [4u32, 3, NT_GNU_BUILD_ID] {
            note.extend_from_slice(&word.to_ne_bytes());
        }
        note.extend_from_slice(b"GNU\0\xab\xcd\xef\0");
        assert_eq!(
            find_build_id(&note).unwrap().as_bytes(),
            &[0xab, 0xcd, 0xef]
        );
        // A descriptor longer than the area is rejected, not read past.
        note[4..8].copy_from_slice(&100u32.to_ne_bytes());
        assert_eq!(find_build_id(&note), None);
    }
}
