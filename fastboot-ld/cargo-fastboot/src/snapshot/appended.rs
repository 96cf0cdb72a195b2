//! A snapshot appended to an executable: zero padding to a page boundary,
//! the snapshot, then a [`Footer`] saying where it is.

use fastboot_core::format::footer::{self, Footer};

use crate::error::{Error, Result};

/// Appended snapshots start on a multiple of this (at least 16 is required
/// by the reader; a page keeps their mapping page-aligned).
pub const ALIGN: usize = 4096;

/// The footer at the end of `bytes`, if there is a valid one.
pub fn find(bytes: &[u8]) -> Option<Footer> {
    let start = bytes.len().checked_sub(footer::LEN)?;
    let raw: &[u8; footer::LEN] = bytes[start..].try_into().ok()?;
    Footer::decode(raw, bytes.len() as u64)
}

/// The snapshot that `bytes` end with, if any.
pub fn snapshot(bytes: &[u8]) -> Option<(Footer, &[u8])> {
    let found = find(bytes)?;
    let start = usize::try_from(found.offset).ok()?;
    let len = usize::try_from(found.len).ok()?;
    Some((found, bytes.get(start..start.checked_add(len)?)?))
}

/// `bytes` without an appended snapshot and the padding before it, never
/// cut below `extent` (the end of the ELF image).
pub fn strip(bytes: &[u8], extent: u64) -> Result<&[u8]> {
    let Some(found) = find(bytes) else {
        return Ok(bytes);
    };
    if found.offset < extent {
        return Err(Error::Other(format!(
            "the appended snapshot's footer points inside the ELF image (offset {}, image ends at {extent})",
            found.offset
        )));
    }
    let floor = extent as usize;
    let mut end = found.offset as usize;
    while end > floor && bytes[end - 1] == 0 {
        end -= 1;
    }
    Ok(&bytes[..end])
}

/// `image` followed by zero padding to a multiple of [`ALIGN`], `snapshot`
/// and the footer locating it.
pub fn append(image: &[u8], snapshot: &[u8]) -> Vec<u8> {
    let offset = image.len().next_multiple_of(ALIGN);
    let mut out = Vec::with_capacity(offset + snapshot.len() + footer::LEN);
    out.extend_from_slice(image);
    out.resize(offset, 0);
    out.extend_from_slice(snapshot);
    let footer = Footer {
        offset: offset as u64,
        len: snapshot.len() as u64,
    };
    out.extend_from_slice(&footer.encode());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn append_then_find_then_strip_round_trips() {
        let image = b"\x7fELF and the rest of an image\0\0".to_vec();
        let out = append(&image, b"SNAPSHOT BYTES");
        let (footer, snap) = snapshot(&out).unwrap();
        assert_eq!(footer.offset, ALIGN as u64);
        assert_eq!(snap, b"SNAPSHOT BYTES");
        // The image's own trailing zeros below its extent are kept.
        let extent = image.len() as u64;
        assert_eq!(strip(&out, extent).unwrap(), &image[..]);
        // Appending again replaces rather than stacks.
        let again = append(strip(&out, extent).unwrap(), b"OTHER");
        assert_eq!(again.len(), ALIGN + 5 + footer::LEN);
        assert_eq!(snapshot(&again).unwrap().1, b"OTHER");
    }

    #[test]
    fn bytes_without_a_footer_are_left_alone() {
        let bytes = vec![7u8; 100];
        assert!(find(&bytes).is_none());
        assert_eq!(strip(&bytes, 10).unwrap().len(), 100);
        assert!(find(&[]).is_none());
    }

    #[test]
    fn a_footer_pointing_into_the_image_is_refused() {
        let out = append(&[1u8; 10], b"S");
        assert!(strip(&out, ALIGN as u64 + 1).is_err());
    }
}
