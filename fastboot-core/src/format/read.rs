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
/// order, overlap); it does not look at the entries' data. A snapshot
/// embedded in the running executable may instead have its rows checked
/// one by one, as they are read (see [`parse_embedded`](Snapshot::parse_embedded)).
#[derive(Debug, Clone, Copy)]
pub struct Snapshot<'a> {
    bytes: &'a [u8],
    count: usize,
    /// The names area, checked to be UTF-8 by `parse`.
    names: &'a str,
    slots_start: usize,
    slots: usize,
    /// Where the metadata ends: entries' data lies after it.
    meta_len: usize,
}

/// How much of the table [`Snapshot::parse_with`] checks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// Everything, now.
    All,
    /// The header and the areas' bounds now, each row when it is read.
    RowsWhenRead,
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
        Self::parse_with(bytes, Some(ARCHIVE_ABI), Checks::All)
    }

    /// Parses a snapshot embedded in the running executable, which is as
    /// trusted as the executable's code: like [`parse`](Snapshot::parse),
    /// but without the metadata's checksum (which, like the entries'
    /// checksums, guards a file's bytes), and with each row checked when it
    /// is read ([`checked_record`](Snapshot::checked_record)) instead of all
    /// of them now: a program reads the rows it uses, and its snapshot holds
    /// one for each of its frozen statics.
    pub fn parse_embedded(bytes: &'a [u8]) -> Result<Self, FormatError> {
        Self::parse_with(bytes, Some(ARCHIVE_ABI), Checks::RowsWhenRead)
    }

    /// Like [`parse`](Snapshot::parse), but accepts archives written with
    /// any rkyv layout: for tools that move and describe snapshots without
    /// reading their archives.
    pub fn parse_any_abi(bytes: &'a [u8]) -> Result<Self, FormatError> {
        Self::parse_with(bytes, None, Checks::All)
    }

    fn parse_with(bytes: &'a [u8], abi: Option<u32>, checks: Checks) -> Result<Self, FormatError> {
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
        if checks == Checks::All
            && meta_checksum(&bytes[..meta_len]) != get_u64(bytes, field::CHECKSUM)
        {
            return Err(FormatError::Checksum);
        }
        let producer_len = get_u32(bytes, field::PRODUCER_LEN) as usize;
        if producer_len > MAX_PRODUCER_LEN {
            return Err(malformed(format!("producer id of {producer_len} bytes")));
        }
        let names_start = HEADER_LEN + ROW_LEN * count;
        let slots_start = names_start + names_len;
        // The names area is checked to be UTF-8 in one pass (far cheaper
        // than name by name), each name then to start and end on a
        // character boundary.
        let names = std::str::from_utf8(&bytes[names_start..slots_start])
            .map_err(|e| malformed(format!("names are not UTF-8 (at byte {})", e.valid_up_to())))?;
        let snapshot = Snapshot {
            bytes,
            count,
            names,
            slots_start,
            slots,
            meta_len,
        };
        if checks == Checks::All {
            snapshot.check_table()?;
            snapshot.check_slots()?;
        }
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

    /// Checks every row (see [`check_row`](Snapshot::check_row)), and that
    /// names strictly increase and data does not overlap.
    fn check_table(&self) -> Result<(), FormatError> {
        let mut data_end = self.meta_len as u64;
        let mut previous: Option<&str> = None;
        for i in 0..self.count {
            let EntryRecord {
                name,
                offset,
                bytes,
                ..
            } = self.check_row(i)?;
            let (offset, end) = (offset as u64, (offset + bytes.len()) as u64);
            if previous.is_some_and(|p| p >= name) {
                return Err(malformed(format!(
                    "entry `{name}` is out of order or repeated"
                )));
            }
            previous = Some(name);
            if offset < data_end {
                return Err(malformed(format!("entry `{name}` overlaps another")));
            }
            data_end = end;
        }
        Ok(())
    }

    /// Checks the `i`th row (which must exist): its name in bounds and on
    /// character boundaries; its data in bounds, after the metadata and
    /// aligned. Returns its entry.
    fn check_row(&self, i: usize) -> Result<EntryRecord<'a>, FormatError> {
        let row = self.row(i);
        let (name_at, name_len) = (
            get_u32(row, column::NAME_AT) as usize,
            get_u32(row, column::NAME_LEN) as usize,
        );
        let range = name_at
            .checked_add(name_len)
            .filter(|&end| end <= self.names.len())
            .map(|end| name_at..end)
            .ok_or_else(|| malformed(format!("entry {i}: name out of bounds")))?;
        let name = self
            .names
            .get(range)
            .ok_or_else(|| malformed(format!("entry {i}: name is not UTF-8")))?;
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
        if offset < self.meta_len as u64 {
            return Err(malformed(format!("entry `{name}` overlaps the table")));
        }
        let bytes = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(len).ok())
            .and_then(|(offset, len)| self.bytes.get(offset..offset.checked_add(len)?))
            .ok_or_else(|| malformed(format!("entry `{name}` extends past the end")))?;
        Ok(EntryRecord {
            name,
            fingerprint: get_u64(row, column::FINGERPRINT),
            checksum: get_u64(row, column::CHECKSUM),
            align,
            offset: offset as usize,
            bytes,
        })
    }

    fn row(&self, i: usize) -> &'a [u8] {
        &self.bytes[HEADER_LEN + i * ROW_LEN..][..ROW_LEN]
    }

    /// The name of the `i`th entry; empty if its row is malformed (which
    /// only a snapshot parsed with
    /// [`parse_embedded`](Snapshot::parse_embedded) can hold).
    fn name(&self, i: usize) -> &'a str {
        let row = self.row(i);
        let at = get_u32(row, column::NAME_AT) as usize;
        let len = get_u32(row, column::NAME_LEN) as usize;
        at.checked_add(len)
            .and_then(|end| self.names.get(at..end))
            .unwrap_or_default()
    }

    /// The `i`th entry, in name order, after checking its row: needed only
    /// in a snapshot parsed with [`parse_embedded`](Snapshot::parse_embedded)
    /// (`parse` checked them all).
    pub fn checked_record(&self, i: usize) -> Result<EntryRecord<'a>, FormatError> {
        if i >= self.count {
            return Err(malformed(format!("row {i} of {}", self.count)));
        }
        self.check_row(i)
    }

    /// The `i`th entry, in name order.
    ///
    /// # Panics
    /// If `i` is not less than [`len`](Snapshot::len), or, in a snapshot
    /// parsed with [`parse_embedded`](Snapshot::parse_embedded), if its row
    /// is malformed and was not read with
    /// [`checked_record`](Snapshot::checked_record).
    pub fn record(&self, i: usize) -> EntryRecord<'a> {
        assert!(i < self.count, "row {i} of {}", self.count);
        let row = self.row(i);
        let (offset, len) = (
            get_u64(row, column::OFFSET) as usize,
            get_u64(row, column::LEN) as usize,
        );
        EntryRecord {
            name: self.name(i),
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
        let row = self.slot_row(slot).filter(|&row| row < self.count)?;
        Some(self.record(row))
    }

    /// The row of the `slot`th frozen static of the producer's registry, if
    /// the snapshot has that slot and its entry is named `name` (or keyed
    /// `name@...`, see the registry's keys): no search, no copy.
    pub fn slot_named(&self, slot: usize, name: &str) -> Option<usize> {
        let row = self.slot_row(slot).filter(|&row| row < self.count)?;
        let rest = self.name(row).strip_prefix(name)?;
        (rest.is_empty() || rest.starts_with('@')).then_some(row)
    }

    /// The row of the `slot`th frozen static of the producer's registry, if
    /// the snapshot has that slot (in a snapshot parsed with
    /// [`parse_embedded`](Snapshot::parse_embedded), the row may not exist:
    /// read it with [`checked_record`](Snapshot::checked_record)).
    pub fn slot_row(&self, slot: usize) -> Option<usize> {
        (slot < self.slots).then(|| self.row_in(slot))
    }

    /// The entry called `name`.
    pub fn find(&self, name: &str) -> Option<EntryRecord<'a>> {
        self.position(name).map(|row| self.record(row))
    }

    /// The row of the entry called `name`, by binary search over the names
    /// (whose order is that of their bytes).
    pub fn position(&self, name: &str) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.count);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.name(mid).cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
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
