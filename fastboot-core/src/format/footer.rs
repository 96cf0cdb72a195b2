//! The footer appended after a snapshot at the end of an executable:
//! magic, offset and length of the snapshot in the file, and a checksum of
//! those three fields.

use super::layout::{get_u64, put_u64};
use crate::checksum::checksum;

/// The footer's magic bytes.
pub const MAGIC: [u8; 8] = *b"FBFOOTR1";
/// Length of the footer.
pub const LEN: usize = 32;

/// Where the snapshot sits in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Footer {
    /// Offset of the snapshot from the start of the file.
    pub offset: u64,
    /// Length of the snapshot.
    pub len: u64,
}

impl Footer {
    /// The footer's bytes.
    pub fn encode(&self) -> [u8; LEN] {
        let mut out = [0u8; LEN];
        out[..8].copy_from_slice(&MAGIC);
        put_u64(&mut out, 8, self.offset);
        put_u64(&mut out, 16, self.len);
        let sum = checksum(&out[..24]);
        put_u64(&mut out, 24, sum);
        out
    }

    /// Reads a footer from the last [`LEN`] bytes of a file of `file_len`
    /// bytes. `None` if they are not a footer or point outside the file.
    pub fn decode(bytes: &[u8; LEN], file_len: u64) -> Option<Footer> {
        if bytes[..8] != MAGIC || checksum(&bytes[..24]) != get_u64(bytes, 24) {
            return None;
        }
        let footer = Footer {
            offset: get_u64(bytes, 8),
            len: get_u64(bytes, 16),
        };
        let end = footer.offset.checked_add(footer.len)?;
        (end <= file_len.checked_sub(LEN as u64)?).then_some(footer)
    }
}
