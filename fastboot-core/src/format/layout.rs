//! Where each part of a snapshot lies (see the table in the module's
//! documentation), and the little-endian fields read and written there.

use crate::checksum::checksum_with_hole;

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"FASTBOOT";
/// The version of the layout described in this module.
pub const FORMAT_VERSION: u32 = 2;
/// Length of the fixed header.
pub const HEADER_LEN: usize = 128;
/// Length of one entry table row.
pub const ROW_LEN: usize = 48;
/// Length of one slot of the registry order: a row index.
pub const SLOT_LEN: usize = 4;
/// Longest producer id the header can hold.
pub const MAX_PRODUCER_LEN: usize = 64;
/// Minimum alignment of every entry's archive (rkyv's `AlignedVec` alignment).
pub const MIN_ALIGN: u32 = 16;
/// Entries at least this long start on a page boundary, so that their pages
/// are not shared with their neighbours.
pub const PAGE_ALIGN_THRESHOLD: usize = 4096;
pub(super) const PAGE: u32 = 4096;

/// Offsets of the header's fields (see the table above).
pub(super) mod field {
    pub const MAGIC: usize = 0;
    pub const VERSION: usize = 8;
    pub const ARCHIVE_ABI: usize = 12;
    pub const TOTAL_LEN: usize = 16;
    pub const COUNT: usize = 24;
    pub const NAMES_LEN: usize = 28;
    pub const CHECKSUM: usize = 32;
    pub const PRODUCER_LEN: usize = 40;
    pub const SLOTS: usize = 44;
    pub const PRODUCER: usize = 48;
    pub const WRITER: usize = 112;
    pub const WRITER_LEN: usize = 16;
}

/// Offsets of the fields of a table row.
pub(super) mod column {
    pub const NAME_AT: usize = 0;
    pub const NAME_LEN: usize = 4;
    pub const FINGERPRINT: usize = 8;
    pub const OFFSET: usize = 16;
    pub const LEN: usize = 24;
    pub const CHECKSUM: usize = 32;
    pub const ALIGN: usize = 40;
}

/// The layout of the archived data: rkyv's major version and the width of its
/// relative pointers. A snapshot written with another layout is rejected.
pub const ARCHIVE_ABI: u32 = (8 << 8) | (size_of::<rkyv::Archived<usize>>() as u32);

/// Checksum of the metadata with the checksum field itself read as zero.
pub(super) fn meta_checksum(meta: &[u8]) -> u64 {
    checksum_with_hole(meta, field::CHECKSUM..field::CHECKSUM + 8)
}

pub(super) fn get_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

pub(super) fn get_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

pub(super) fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

pub(super) fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}
