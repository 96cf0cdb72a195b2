//! Reading a snapshot: parsing and checking its header and table, and
//! finding its entries.

use super::error::{malformed, FormatError};
use super::layout::{
    column, field, get_u32, get_u64, meta_checksum, ARCHIVE_ABI, FORMAT_VERSION, HEADER_LEN, MAGIC,
    MAX_PRODUCER_LEN, MIN_ALIGN, PAGE, ROW_LEN, SLOT_LEN,
};
use crate::checksum::entry_checksum;

/// A parsed, structurally checked snapshot borrowing its bytes.
///
/// Parsing checks the header, the table and the names (checksum, bounds,
/// order, overlap); it does not look at the entries' data.
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    bytes: &'a [u8],
    count: usize,
    names_start: usize,
    slots_start: usize,
    slots: usize,
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
        let slots = get_u32(bytes, field::SLOTS) as usize;
        let names_end = count
            .checked_mul(ROW_LEN)
            .and_then(|t| t.checked_add(HEADER_LEN + names_len));
        let meta_len = names_end
            .and_then(|end| end.checked_add(slots.checked_mul(SLOT_LEN)?))
            .filter(|&len| len <= bytes.len())
            .ok_or_else(|| {
                malformed(format!(
                    "{count} entries and {slots} slots do not fit in {declared} bytes"
                ))
            })?;
        if meta_checksum(&bytes[..meta_len]) != get_u64(bytes, field::CHECKSUM) {
            return Err(FormatError::Checksum);
        }
        let producer_len = get_u32(bytes, field::PRODUCER_LEN) as usize;
        if producer_len > MAX_PRODUCER_LEN {
            return Err(malformed(format!("producer id of {producer_len} bytes")));
        }
        let names_start = HEADER_LEN + ROW_LEN * count;
        let snapshot = Snapshot {
            bytes,
            count,
            names_start,
            slots_start: names_start + names_len,
            slots,
        };
        snapshot.check_table(meta_len)?;
        snapshot.check_slots()?;
        Ok(snapshot)
    }

    /// Checks that every slot names a row.
    fn check_slots(&self) -> Result<(), FormatError> {
        match (0..self.slots).find(|&slot| self.row_in(slot) >= self.count) {
            Some(slot) => Err(malformed(format!(
                "slot {slot} names row {} of {}",
                self.row_in(slot),
                self.count
            ))),
            None => Ok(()),
        }
    }

    fn row_in(&self, slot: usize) -> usize {
        get_u32(self.bytes, self.slots_start + SLOT_LEN * slot) as usize
    }

    /// Checks every row: names in bounds, UTF-8 and strictly increasing; data
    /// in bounds, aligned, after the metadata and not overlapping.
    fn check_table(&self, meta_len: usize) -> Result<(), FormatError> {
        let names_end = self.slots_start;
        // The names area is checked to be UTF-8 in one pass (far cheaper
        // than name by name), each name then to start and end on a
        // character boundary.
        let names = std::str::from_utf8(&self.bytes[self.names_start..names_end])
            .map_err(|e| malformed(format!("names are not UTF-8 (at byte {})", e.valid_up_to())))?;
        let mut data_end = meta_len;
        let mut previous: Option<&str> = None;
        for i in 0..self.count {
            let row = self.row(i);
            let (name_at, name_len) = (
                get_u32(row, column::NAME_AT) as usize,
                get_u32(row, column::NAME_LEN) as usize,
            );
            let range = name_at
                .checked_add(name_len)
                .filter(|&end| end <= names.len())
                .map(|end| name_at..end)
                .ok_or_else(|| malformed(format!("entry {i}: name out of bounds")))?;
            let name = names
                .get(range)
                .ok_or_else(|| malformed(format!("entry {i}: name is not UTF-8")))?;
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

    /// The name of the `i`th entry, as bytes.
    fn name(&self, i: usize) -> &'a [u8] {
        let row = self.row(i);
        let name_at = self.names_start + get_u32(row, column::NAME_AT) as usize;
        &self.bytes[name_at..][..get_u32(row, column::NAME_LEN) as usize]
    }

    fn record(&self, i: usize) -> EntryRecord<'a> {
        let row = self.row(i);
        let name = self.name(i);
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

    /// Number of registry slots: the producer's frozen statics, in registry
    /// order (zero if the writer recorded none).
    pub fn slots(&self) -> usize {
        self.slots
    }

    /// The entry of the `slot`th frozen static of the producer's registry,
    /// if the snapshot has that slot.
    pub fn in_slot(&self, slot: usize) -> Option<EntryRecord<'a>> {
        (slot < self.slots).then(|| self.record(self.row_in(slot)))
    }

    /// Whether the entry of the `slot`th frozen static is named `name` (or
    /// keyed `name@...`, see the registry's keys), without reading it whole.
    pub fn slot_is_named(&self, slot: usize, name: &str) -> bool {
        slot < self.slots && {
            let row_name = self.name(self.row_in(slot));
            row_name
                .strip_prefix(name.as_bytes())
                .is_some_and(|rest| rest.is_empty() || rest[0] == b'@')
        }
    }

    /// The entry called `name`, by binary search over the names' bytes
    /// (whose order is that of the strings).
    pub fn find(&self, name: &str) -> Option<EntryRecord<'a>> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.name(mid).cmp(name.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.record(mid)),
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
