//! Writing a snapshot: in memory ([`write`]) or streamed ([`Writer`]).

use std::io::{self, Cursor, Seek, SeekFrom, Write};

use super::error::{malformed, FormatError};
use super::layout::{
    column, field, meta_checksum, put_u32, put_u64, ARCHIVE_ABI, FORMAT_VERSION, HEADER_LEN, MAGIC,
    MAX_PRODUCER_LEN, MIN_ALIGN, PAGE, PAGE_ALIGN_THRESHOLD, ROW_LEN, SLOT_LEN,
};
use crate::checksum::entry_checksum;

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
    let mut writer = Writer::new(Cursor::new(Vec::new()), producer, &names, &[])?;
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
    /// `registry` names the entry of each of the producer's registry
    /// entries, in registry order (see the slots in the module docs); it
    /// may be empty.
    pub fn new(
        out: W,
        producer: &[u8],
        names: &[&str],
        registry: &[&str],
    ) -> Result<Self, FormatError> {
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
        let slots_start = names_start + names_len;
        let mut meta = vec![0u8; slots_start + SLOT_LEN * registry.len()];
        for (slot, name) in registry.iter().enumerate() {
            let row = names
                .binary_search_by(|n| n.as_str().cmp(name))
                .map_err(|_| malformed(format!("registry entry `{name}` has no row")))?;
            put_u32(&mut meta, slots_start + SLOT_LEN * slot, to_u32(row)?);
        }

        let header = &mut meta[..HEADER_LEN];
        header[field::MAGIC..][..MAGIC.len()].copy_from_slice(&MAGIC);
        put_u32(header, field::VERSION, FORMAT_VERSION);
        put_u32(header, field::ARCHIVE_ABI, ARCHIVE_ABI);
        put_u32(header, field::COUNT, to_u32(names.len())?);
        put_u32(header, field::NAMES_LEN, to_u32(names_len)?);
        put_u32(header, field::PRODUCER_LEN, producer.len() as u32);
        put_u32(header, field::SLOTS, to_u32(registry.len())?);
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

pub(super) fn to_u32(n: usize) -> Result<u32, FormatError> {
    u32::try_from(n).map_err(|_| malformed(format!("{n} does not fit in 32 bits")))
}
