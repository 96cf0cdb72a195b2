//! ELF notes, as the loader mapped them: the GNU build-id note that
//! identifies a Linux program. In the host's byte order, which is the
//! running program's own.

/// `NT_GNU_BUILD_ID`.
const NT_GNU_BUILD_ID: u32 = 3;

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
        assert_eq!(build_id_note(&note), Some(&[0xab, 0xcd, 0xef][..]));
        // A descriptor longer than the area is rejected, not read past.
        note[4..8].copy_from_slice(&100u32.to_ne_bytes());
        assert_eq!(build_id_note(&note), None);
    }
}
