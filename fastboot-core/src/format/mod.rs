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
//! 48      64    producer id: the build-id of the binary that froze it
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
use std::io::{self, Cursor, Seek, SeekFrom, Write};

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

/// Offsets of the header's fields (see the table above).
mod field {
    pub const MAGIC: usize = 0;
    pub const VERSION: usize = 8;
    pub const ARCHIVE_ABI: usize = 12;
    pub const TOTAL_LEN: usize = 16;
    pub const COUNT: usize = 24;
    pub const NAMES_LEN: usize = 28;
    pub const CHECKSUM: usize = 32;
    pub const PRODUCER_LEN: usize = 40;
    pub const PRODUCER: usize = 48;
    pub const WRITER: usize = 112;
    pub const WRITER_LEN: usize = 16;
}

/// Offsets of the fields of a table row.
mod column {
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
    let names: Vec<&str> = entries.iter().map(|e| e.name).collect();
    let mut writer = Writer::new(Cursor::new(Vec::new()), producer, &names)?;
    let mut sorted: Vec<&EntryData<'_>> = entries.iter().collect();
    sorted.sort_by_key(|e| e.name);
    let in_memory = "writing to memory cannot fail";
    for entry in sorted {
        writer
            .add(entry.name, entry.fingerprint, entry.bytes)
            .expect(in_memory);
    }
    Ok(writer.finish().expect(in_memory).into_inner())
}

/// Writes a snapshot to `out` one entry at a time, in name order, so that
/// each archive is written as soon as it is produced and no whole snapshot
/// is ever held in memory.
///
/// The metadata (header, table, names) is written last, at the start;
/// padding before each entry is skipped over, not written, so a file gets
/// holes there, which read as zeros.
#[derive(Debug)]
pub struct Writer<W> {
    out: W,
    meta: Vec<u8>,
    names: Vec<String>,
    next: usize,
    end: u64,
}

impl<W: Write + Seek> Writer<W> {
    /// Starts a snapshot, produced by `producer`, of the entries named
    /// `names` (in any order: they are [added](Writer::add) in name order).
    pub fn new(out: W, producer: &[u8], names: &[&str]) -> Result<Self, FormatError> {
        if producer.len() > MAX_PRODUCER_LEN {
            return Err(FormatError::ProducerTooLong(producer.len()));
        }
        let mut names: Vec<String> = names.iter().map(|&n| n.to_owned()).collect();
        names.sort();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(FormatError::DuplicateName(pair[0].clone()));
        }
        let names_len: usize = names.iter().map(String::len).sum();
        let names_start = HEADER_LEN + ROW_LEN * names.len();
        let mut meta = vec![0u8; names_start + names_len];

        let header = &mut meta[..HEADER_LEN];
        header[field::MAGIC..][..MAGIC.len()].copy_from_slice(&MAGIC);
        put_u32(header, field::VERSION, FORMAT_VERSION);
        put_u32(header, field::ARCHIVE_ABI, ARCHIVE_ABI);
        put_u32(header, field::COUNT, to_u32(names.len())?);
        put_u32(header, field::NAMES_LEN, to_u32(names_len)?);
        put_u32(header, field::PRODUCER_LEN, producer.len() as u32);
        header[field::PRODUCER..][..producer.len()].copy_from_slice(producer);
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        let version = &version[..version.len().min(field::WRITER_LEN)];
        header[field::WRITER..][..version.len()].copy_from_slice(version);

        let mut name_at = 0;
        for (i, name) in names.iter().enumerate() {
            let row = &mut meta[HEADER_LEN + i * ROW_LEN..][..ROW_LEN];
            put_u32(row, column::NAME_AT, to_u32(name_at)?);
            put_u32(row, column::NAME_LEN, to_u32(name.len())?);
            meta[names_start + name_at..][..name.len()].copy_from_slice(name.as_bytes());
            name_at += name.len();
        }
        let end = meta.len() as u64;
        Ok(Writer {
            out,
            meta,
            names,
            next: 0,
            end,
        })
    }

    /// The name of the entry to add next, if any is left.
    pub fn next_name(&self) -> Option<&str> {
        self.names.get(self.next).map(String::as_str)
    }

    /// Writes the archive of the entry `name`, which must be the next in
    /// name order, with its `fingerprint`.
    pub fn add(&mut self, name: &str, fingerprint: u64, bytes: &[u8]) -> io::Result<()> {
        if self.next_name() != Some(name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("entry `{name}` is not the next one in name order"),
            ));
        }
        let align = if bytes.len() >= PAGE_ALIGN_THRESHOLD {
            PAGE
        } else {
            MIN_ALIGN
        };
        let offset = self.end.next_multiple_of(u64::from(align));
        self.out.seek(SeekFrom::Start(offset))?;
        self.out.write_all(bytes)?;
        self.end = offset + bytes.len() as u64;

        let row = &mut self.meta[HEADER_LEN + self.next * ROW_LEN..][..ROW_LEN];
        put_u64(row, column::FINGERPRINT, fingerprint);
        put_u64(row, column::OFFSET, offset);
        put_u64(row, column::LEN, bytes.len() as u64);
        put_u64(row, column::CHECKSUM, entry_checksum(fingerprint, bytes));
        put_u32(row, column::ALIGN, align);
        self.next += 1;
        Ok(())
    }

    /// Writes the metadata once every entry was added, and returns the
    /// output.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(name) = self.next_name() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("entry `{name}` was never added"),
            ));
        }
        put_u64(&mut self.meta, field::TOTAL_LEN, self.end);
        let sum = meta_checksum(&self.meta);
        put_u64(&mut self.meta, field::CHECKSUM, sum);
        self.out.seek(SeekFrom::Start(0))?;
        self.out.write_all(&self.meta)?;
        self.out.flush()?;
        Ok(self.out)
    }
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
        Self::parse_with(bytes, Some(ARCHIVE_ABI))
    }

    /// Like [`parse`](Snapshot::parse), but accepts archives written with
    /// any rkyv layout: for tools that move and describe snapshots without
    /// reading their archives.
    pub fn parse_any_abi(bytes: &'a [u8]) -> Result<Self, FormatError> {
        Self::parse_with(bytes, None)
    }

    fn parse_with(bytes: &'a [u8], abi: Option<u32>) -> Result<Self, FormatError> {
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
        let version = get_u32(bytes, field::VERSION);
        if version != FORMAT_VERSION {
            return Err(FormatError::UnsupportedVersion { found: version });
        }
        let found = get_u32(bytes, field::ARCHIVE_ABI);
        if abi.is_some_and(|expected| found != expected) {
            return Err(FormatError::ArchiveAbi { found });
        }
        let declared = get_u64(bytes, field::TOTAL_LEN);
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
        let count = get_u32(bytes, field::COUNT) as usize;
        let names_len = get_u32(bytes, field::NAMES_LEN) as usize;
        let meta_len = count
            .checked_mul(ROW_LEN)
            .and_then(|t| t.checked_add(HEADER_LEN + names_len))
            .filter(|&len| len <= bytes.len())
            .ok_or_else(|| malformed(format!("{count} entries do not fit in {declared} bytes")))?;
        if meta_checksum(&bytes[..meta_len]) != get_u64(bytes, field::CHECKSUM) {
            return Err(FormatError::Checksum);
        }
        let producer_len = get_u32(bytes, field::PRODUCER_LEN) as usize;
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
            let (name_at, name_len) = (
                get_u32(row, column::NAME_AT) as usize,
                get_u32(row, column::NAME_LEN) as usize,
            );
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

            let (offset, len, align) = (
                get_u64(row, column::OFFSET),
                get_u64(row, column::LEN),
                get_u32(row, column::ALIGN),
            );
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
        let name_at = self.names_start + get_u32(row, column::NAME_AT) as usize;
        let name = &self.bytes[name_at..][..get_u32(row, column::NAME_LEN) as usize];
        let (offset, len) = (
            get_u64(row, column::OFFSET) as usize,
            get_u64(row, column::LEN) as usize,
        );
        EntryRecord {
            // Checked to be UTF-8 by `parse`.
            name: std::str::from_utf8(name).unwrap_or_default(),
            fingerprint: get_u64(row, column::FINGERPRINT),
            checksum: get_u64(row, column::CHECKSUM),
            align: get_u32(row, column::ALIGN),
            offset,
            bytes: &self.bytes[offset..][..len],
        }
    }

    /// The whole snapshot, exactly as long as its header declares.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The build-id of the binary that wrote this snapshot (see
    /// [`BuildId`](crate::contract::BuildId)).
    pub fn producer(&self) -> &'a [u8] {
        &self.bytes[field::PRODUCER..][..get_u32(self.bytes, field::PRODUCER_LEN) as usize]
    }

    /// The fastboot version that wrote this snapshot.
    pub fn writer_version(&self) -> &'a str {
        let writer = &self.bytes[field::WRITER..][..field::WRITER_LEN];
        let len = writer.iter().position(|&b| b == 0).unwrap_or(writer.len());
        std::str::from_utf8(&writer[..len]).unwrap_or("?")
    }

    /// The layout of its archives: rkyv's major version and the width of its
    /// relative pointers, in bytes (see [`ARCHIVE_ABI`]).
    pub fn archive_abi(&self) -> u32 {
        get_u32(self.bytes, field::ARCHIVE_ABI)
    }

    /// The format version it was written in.
    pub fn format_version(&self) -> u32 {
        get_u32(self.bytes, field::VERSION)
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

/// The producer named by a snapshot's header, if `header` starts like one
/// of this format (magic and version): enough to tell whether a snapshot
/// file is fresh without reading it. [`Snapshot::parse`] checks the rest.
pub fn producer_in_header(header: &[u8; HEADER_LEN]) -> Option<&[u8]> {
    if header[..MAGIC.len()] != MAGIC || get_u32(header, field::VERSION) != FORMAT_VERSION {
        return None;
    }
    let len = get_u32(header, field::PRODUCER_LEN) as usize;
    header[field::PRODUCER..].get(..len.min(MAX_PRODUCER_LEN))
}

/// Checksum of the metadata with the checksum field itself read as zero.
fn meta_checksum(meta: &[u8]) -> u64 {
    checksum_with_hole(meta, field::CHECKSUM..field::CHECKSUM + 8)
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

pub mod footer;

#[cfg(test)]
mod tests;
