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
//! 32      8     checksum of header (this field zeroed), table and names
//! 40      4     producer id length
//! 44      4     reserved (zero)
//! 48      64    producer id: the GNU build-id of the binary that froze it
//! 112     16    fastboot version that wrote it (UTF-8, zero padded)
//! 128     48*n  entry table, sorted by name
//! ...           names area (UTF-8, concatenated)
//! ...           entry archives, each aligned to its `align` (at least 16)
//! ```
//!
//! Integers are little-endian. Each table row holds: name offset and length
//! (into the names area), fingerprint, data offset and length (from the start
//! of the snapshot), checksum of the data (seeded with the fingerprint), and
//! its alignment.

use std::fmt;

use crate::checksum::{checksum_with_hole, entry_checksum};

/// The first eight bytes of every snapshot.
pub const MAGIC: [u8; 8] = *b"FASTBOOT";
/// The version of the layout described in this module.
pub const FORMAT_VERSION: u32 = 1;
/// Length of the fixed header.
pub const HEADER_LEN: usize = 128;
/// Length of one entry table row.
pub const ROW_LEN: usize = 48;
/// Longest producer id the header can hold.
pub const MAX_PRODUCER_LEN: usize = 64;
/// Minimum alignment of every entry's archive (rkyv's `AlignedVec` alignment).
pub const MIN_ALIGN: u32 = 16;
/// Entries at least this long start on a page boundary, so that their pages
/// are not shared with their neighbours.
pub const PAGE_ALIGN_THRESHOLD: usize = 4096;
const PAGE: u32 = 4096;

/// The layout of the archived data: rkyv's major version and the width of its
/// relative pointers. A snapshot written with another layout is rejected.
pub const ARCHIVE_ABI: u32 = (8 << 8) | (size_of::<rkyv::Archived<usize>>() as u32);

/// Why a byte string is not a usable snapshot. Each variant displays as one
/// short sentence fit for a diagnostic line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Shorter than the fixed header.
    TooShort {
        /// Bytes available.
        len: usize,
    },
    /// The magic bytes are wrong: this is not a snapshot.
    BadMagic,
    /// Written in a format version this build cannot read.
    UnsupportedVersion {
        /// Version in the snapshot.
        found: u32,
    },
    /// Written with another rkyv layout.
    ArchiveAbi {
        /// ABI tag in the snapshot.
        found: u32,
    },
    /// The header claims more bytes than there are.
    Truncated {
        /// Length the header declares.
        declared: u64,
        /// Bytes available.
        actual: usize,
    },
    /// Header, table or names were altered.
    Checksum,
    /// The header or table is inconsistent; the message says how.
    Malformed(String),
    /// Two entries share a name (writer only).
    DuplicateName(String),
    /// The producer id does not fit in the header (writer only).
    ProducerTooLong(usize),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { len } => {
                write!(
                    f,
                    "too short to be a snapshot ({len} bytes, header needs {HEADER_LEN})"
                )
            }
            Self::BadMagic => f.write_str("not a fastboot snapshot (bad magic)"),
            Self::UnsupportedVersion { found } => write!(
                f,
                "snapshot format version {found}, this fastboot reads version {FORMAT_VERSION}"
            ),
            Self::ArchiveAbi { found } => write!(
                f,
                "archived with another rkyv layout (tag {found:#x}, expected {ARCHIVE_ABI:#x})"
            ),
            Self::Truncated { declared, actual } => {
                write!(
                    f,
                    "truncated: header declares {declared} bytes, only {actual} present"
                )
            }
            Self::Checksum => f.write_str("header or entry table is corrupt (checksum mismatch)"),
            Self::Malformed(why) => write!(f, "malformed: {why}"),
            Self::DuplicateName(name) => write!(f, "two entries are named `{name}`"),
            Self::ProducerTooLong(len) => {
                write!(
                    f,
                    "producer id is {len} bytes, at most {MAX_PRODUCER_LEN} fit"
                )
            }
        }
    }
}

impl std::error::Error for FormatError {}

/// One entry to write: a named, fingerprinted rkyv archive.
#[derive(Debug, Clone, Copy)]
pub struct EntryData<'a> {
    /// Stable name (module path and function name).
    pub name: &'a str,
    /// Fingerprint of the entry's type and definition.
    pub fingerprint: u64,
    /// The archive, as produced by `rkyv::to_bytes` (root at the end).
    pub bytes: &'a [u8],
}

/// Writes a snapshot holding `entries`, produced by the binary `producer`.
///
/// Entries are sorted by name, so the output depends only on the set of
/// entries: writing the same entries twice gives identical bytes.
pub fn write(producer: &[u8], entries: &[EntryData<'_>]) -> Result<Vec<u8>, FormatError> {
    if producer.len() > MAX_PRODUCER_LEN {
        return Err(FormatError::ProducerTooLong(producer.len()));
    }
    let mut sorted: Vec<&EntryData<'_>> = entries.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(b.name));
    if let Some(pair) = sorted.windows(2).find(|w| w[0].name == w[1].name) {
        return Err(FormatError::DuplicateName(pair[0].name.to_owned()));
    }

    let names_len: usize = sorted.iter().map(|e| e.name.len()).sum();
    let meta_len = HEADER_LEN + ROW_LEN * sorted.len() + names_len;
    let mut out = vec![0u8; meta_len];

    // Lay out the data first, so the table can record where each entry went.
    let mut name_at = 0usize;
    for (i, entry) in sorted.iter().enumerate() {
        let align = if entry.bytes.len() >= PAGE_ALIGN_THRESHOLD {
            PAGE
        } else {
            MIN_ALIGN
        };
        out.resize(out.len().next_multiple_of(align as usize), 0);
        let offset = out.len();
        out.extend_from_slice(entry.bytes);

        let row = &mut out[HEADER_LEN + i * ROW_LEN..][..ROW_LEN];
        put_u32(row, 0, to_u32(name_at)?);
        put_u32(row, 4, to_u32(entry.name.len())?);
        put_u64(row, 8, entry.fingerprint);
        put_u64(row, 16, offset as u64);
        put_u64(row, 24, entry.bytes.len() as u64);
        put_u64(row, 32, entry_checksum(entry.fingerprint, entry.bytes));
        put_u32(row, 40, align);

        let names_start = HEADER_LEN + ROW_LEN * sorted.len();
        out[names_start + name_at..][..entry.name.len()].copy_from_slice(entry.name.as_bytes());
        name_at += entry.name.len();
    }

    let total_len = out.len() as u64;
    let header = &mut out[..HEADER_LEN];
    header[0..8].copy_from_slice(&MAGIC);
    put_u32(header, 8, FORMAT_VERSION);
    put_u32(header, 12, ARCHIVE_ABI);
    put_u64(header, 16, total_len);
    put_u32(header, 24, to_u32(sorted.len())?);
    put_u32(header, 28, to_u32(names_len)?);
    put_u32(header, 40, producer.len() as u32);
    header[48..48 + producer.len()].copy_from_slice(producer);
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    header[112..112 + version.len().min(16)].copy_from_slice(&version[..version.len().min(16)]);
    let sum = meta_checksum(&out[..meta_len]);
    put_u64(&mut out, 32, sum);
    Ok(out)
}

/// A parsed, structurally checked snapshot borrowing its bytes.
///
/// Parsing checks the header, the table and the names (checksum, bounds,
/// order, overlap); it does not look at the entries' data.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    bytes: &'a [u8],
    count: usize,
    names_start: usize,
}

/// One entry of a parsed snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryRecord<'a> {
    /// Stable name (module path and function name).
    pub name: &'a str,
    /// Fingerprint of the entry's type and definition.
    pub fingerprint: u64,
    /// Checksum of `bytes`, as written.
    pub checksum: u64,
    /// Alignment of `bytes` relative to the snapshot start.
    pub align: u32,
    /// Offset of `bytes` from the snapshot start.
    pub offset: usize,
    /// The entry's archive (root at the end).
    pub bytes: &'a [u8],
}

impl<'a> Snapshot<'a> {
    /// Parses and checks the header and table at the start of `bytes`.
    ///
    /// `bytes` may extend past the snapshot (as a mapped section does); the
    /// snapshot is the prefix whose length the header declares.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, FormatError> {
        if bytes.len() < HEADER_LEN {
            return Err(if bytes.len() >= 8 && bytes[..8] != MAGIC {
                FormatError::BadMagic
            } else {
                FormatError::TooShort { len: bytes.len() }
            });
        }
        if bytes[..8] != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = get_u32(bytes, 8);
        if version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion { found: version });
        }
        let abi = get_u32(bytes, 12);
        if abi != ARCHIVE_ABI {
            return Err(FormatError::ArchiveAbi { found: abi });
        }
        let declared = get_u64(bytes, 16);
        if declared > bytes.len() as u64 {
            return Err(FormatError::Truncated {
                declared,
                actual: bytes.len(),
            });
        }
        if declared < HEADER_LEN as u64 {
            return Err(malformed(format!(
                "header declares {declared} bytes, less than the header itself"
            )));
        }
        let bytes = &bytes[..declared as usize];
        let count = get_u32(bytes, 24) as usize;
        let names_len = get_u32(bytes, 28) as usize;
        let meta_len = count
            .checked_mul(ROW_LEN)
            .and_then(|t| t.checked_add(HEADER_LEN + names_len))
            .filter(|&len| len <= bytes.len())
            .ok_or_else(|| malformed(format!("{count} entries do not fit in {declared} bytes")))?;
        if meta_checksum(&bytes[..meta_len]) != get_u64(bytes, 32) {
            return Err(FormatError::Checksum);
        }
        let producer_len = get_u32(bytes, 40) as usize;
        if producer_len > MAX_PRODUCER_LEN {
            return Err(malformed(format!("producer id of {producer_len} bytes")));
        }
        let snapshot = Snapshot {
            bytes,
            count,
            names_start: HEADER_LEN + ROW_LEN * count,
        };
        snapshot.check_table(meta_len)?;
        Ok(snapshot)
    }

    /// Checks every row: names in bounds, UTF-8 and strictly increasing; data
    /// in bounds, aligned, after the metadata and not overlapping.
    fn check_table(&self, meta_len: usize) -> Result<(), FormatError> {
        let names_end = meta_len;
        let mut data_end = meta_len;
        let mut previous: Option<&str> = None;
        for i in 0..self.count {
            let row = self.row(i);
            let (name_at, name_len) = (get_u32(row, 0) as usize, get_u32(row, 4) as usize);
            let name_bytes = self
                .names_start
                .checked_add(name_at)
                .and_then(|s| Some(s..s.checked_add(name_len)?))
                .filter(|r| r.end <= names_end)
                .map(|r| &self.bytes[r])
                .ok_or_else(|| malformed(format!("entry {i}: name out of bounds")))?;
            let name = std::str::from_utf8(name_bytes)
                .map_err(|_| malformed(format!("entry {i}: name is not UTF-8")))?;
            if previous.is_some_and(|p| p >= name) {
                return Err(malformed(format!(
                    "entry `{name}` is out of order or repeated"
                )));
            }
            previous = Some(name);

            let (offset, len, align) = (get_u64(row, 16), get_u64(row, 24), get_u32(row, 40));
            if !align.is_power_of_two() || !(MIN_ALIGN..=PAGE).contains(&align) {
                return Err(malformed(format!("entry `{name}`: alignment {align}")));
            }
            if offset % u64::from(align) != 0 {
                return Err(malformed(format!(
                    "entry `{name}`: offset {offset} not aligned"
                )));
            }
            let end = offset
                .checked_add(len)
                .filter(|&end| end <= self.bytes.len() as u64);
            match end {
                Some(end) if offset >= data_end as u64 => data_end = end as usize,
                Some(_) => return Err(malformed(format!("entry `{name}` overlaps another"))),
                None => return Err(malformed(format!("entry `{name}` extends past the end"))),
            }
        }
        Ok(())
    }

    fn row(&self, i: usize) -> &'a [u8] {
        &self.bytes[HEADER_LEN + i * ROW_LEN..][..ROW_LEN]
    }

    fn record(&self, i: usize) -> EntryRecord<'a> {
        let row = self.row(i);
        let name_at = self.names_start + get_u32(row, 0) as usize;
        let name = &self.bytes[name_at..][..get_u32(row, 4) as usize];
        let (offset, len) = (get_u64(row, 16) as usize, get_u64(row, 24) as usize);
        EntryRecord {
            // Checked to be UTF-8 by `parse`.
            name: std::str::from_utf8(name).unwrap_or_default(),
            fingerprint: get_u64(row, 8),
            checksum: get_u64(row, 32),
            align: get_u32(row, 40),
            offset,
            bytes: &self.bytes[offset..][..len],
        }
    }

    /// The whole snapshot, exactly as long as its header declares.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The GNU build-id of the binary that wrote this snapshot.
    pub fn producer(&self) -> &'a [u8] {
        &self.bytes[48..48 + get_u32(self.bytes, 40) as usize]
    }

    /// The fastboot version that wrote this snapshot.
    pub fn writer_version(&self) -> &'a str {
        let field = &self.bytes[112..128];
        let len = field.iter().position(|&b| b == 0).unwrap_or(field.len());
        std::str::from_utf8(&field[..len]).unwrap_or("?")
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether the snapshot holds no entry.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// All entries, in name order.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = EntryRecord<'a>> + '_ {
        (0..self.count).map(|i| self.record(i))
    }

    /// The entry called `name`, by binary search.
    pub fn find(&self, name: &str) -> Option<EntryRecord<'a>> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let record = self.record(mid);
            match record.name.cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(record),
            }
        }
        None
    }
}

impl EntryRecord<'_> {
    /// Whether the data still has the checksum it was written with (which
    /// also binds it to the entry's fingerprint).
    pub fn checksum_matches(&self) -> bool {
        entry_checksum(self.fingerprint, self.bytes) == self.checksum
    }
}

/// Checksum of the metadata with the checksum field itself read as zero.
fn meta_checksum(meta: &[u8]) -> u64 {
    checksum_with_hole(meta, 32..40)
}

fn malformed(why: String) -> FormatError {
    FormatError::Malformed(why)
}

fn to_u32(n: usize) -> Result<u32, FormatError> {
    u32::try_from(n).map_err(|_| malformed(format!("{n} does not fit in 32 bits")))
}

fn get_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"))
}

fn get_u64(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"))
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

/// The footer appended after a snapshot at the end of an executable:
/// magic, offset and length of the snapshot in the file, and a checksum of
/// those three fields.
pub mod footer {
    use super::{get_u64, put_u64};
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
}

#[cfg(test)]
mod tests;
