//! The snapshot format: a versioned header, an entry table, names, then each
//! entry's rkyv archive.
//!
//! Everything here is plain, safe byte handling with no I/O, so it can be
//! tested exhaustively (and run under Miri) on any input.
//!
//! ```text
//! offset  size  field
//! 0       8     magic "FASTBOOT"
//! 8       4     format version
//! 12      4     archive ABI (rkyv layout the data was written with)
//! 16      8     total length of the snapshot, in bytes
//! 24      4     entry count
//! 28      4     length of the names area
//! 32      8     checksum of header (this field zeroed), table, names, slots
//! 40      4     producer id length
//! 44      4     slot count: entries of the producer's registry
//! 48      64    producer id: the build-id of the binary that froze it
//! 112     16    fastboot version that wrote it (UTF-8, zero padded)
//! 128     48*n  entry table, sorted by name
//! ...           names area (UTF-8, concatenated)
//! ...     4*s   slots: the row of each registry entry, in registry order
//! ...           entry archives, each aligned to its `align` (at least 16)
//! ```
//!
//! The slots let a program find each of its frozen statics' rows by the
//! static's place in its registry (fixed for a given binary, whose build-id
//! the snapshot carries), with no search by name: what keeps the first
//! access of each of a thousand statics to a few tens of nanoseconds. A
//! snapshot written by other means may have none; entries are then found by
//! name.
//!
//! Integers are little-endian. Each table row holds: name offset and length
//! (into the names area), fingerprint, data offset and length (from the start
//! of the snapshot), checksum of the data (seeded with the fingerprint), and
//! its alignment.

mod error;
mod layout;
mod read;
mod write;

pub mod footer;

pub use error::FormatError;
pub use layout::{
    ARCHIVE_ABI, FORMAT_VERSION, HEADER_LEN, MAGIC, MAX_PRODUCER_LEN, MIN_ALIGN,
    PAGE_ALIGN_THRESHOLD, ROW_LEN, SLOT_LEN,
};
pub use read::{producer_in_header, EntryRecord, Snapshot};
pub use write::{write, EntryData, Writer};

#[cfg(test)]
use layout::{get_u32, get_u64, meta_checksum, put_u32, put_u64};

#[cfg(test)]
mod tests;
