//! Writing a snapshot: in memory ([`write`]) or streamed ([`Writer`]).

use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};

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
        let offset = self.offset_of(name, bytes.len())?;
        self.out.seek(SeekFrom::Start(offset))?;
        self.out.write_all(bytes)?;
        let checksum = entry_checksum(fingerprint, bytes);
        self.record(fingerprint, bytes.len(), checksum);
        Ok(())
    }

    /// Copies the `len` bytes of `archive`, whose entry checksum is
    /// `checksum`, as the archive of the entry `name` (as [`add`] does).
    ///
    /// [`add`]: Writer::add
    pub fn add_from(
        &mut self,
        name: &str,
        fingerprint: u64,
        archive: impl Read,
        len: usize,
        checksum: u64,
    ) -> io::Result<()> {
        let offset = self.offset_of(name, len)?;
        self.out.seek(SeekFrom::Start(offset))?;
        let copied = io::copy(&mut archive.take(len as u64), &mut self.out)?;
        if copied != len as u64 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the archive of `{name}` ended after {copied} of its {len} bytes"),
            ));
        }
        self.record(fingerprint, len, checksum);
        Ok(())
    }

    /// Where the next entry's archive starts if it is at least
    /// [`PAGE_ALIGN_THRESHOLD`] long: an archive of that length written
    /// there by other means is recorded with [`add_written`].
    ///
    /// [`add_written`]: Writer::add_written
    pub fn large_offset(&self) -> u64 {
        self.end.next_multiple_of(u64::from(PAGE))
    }

    /// Records the archive of the entry `name` (the next in name order), of
    /// `len` bytes (at least [`PAGE_ALIGN_THRESHOLD`]) with the entry
    /// checksum `checksum`, which was written at [`large_offset`] by other
    /// means.
    ///
    /// [`large_offset`]: Writer::large_offset
    pub fn add_written(
        &mut self,
        name: &str,
        fingerprint: u64,
        len: usize,
        checksum: u64,
    ) -> io::Result<()> {
        if len < PAGE_ALIGN_THRESHOLD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the archive of `{name}` is shorter than a page"),
            ));
        }
        self.offset_of(name, len)?;
        self.record(fingerprint, len, checksum);
        Ok(())
    }

    /// Where the archive of the entry `name`, `len` bytes long, starts:
    /// aligned to a page if it is that long, else to [`MIN_ALIGN`].
    fn offset_of(&self, name: &str, len: usize) -> io::Result<u64> {
        if self.next_name() != Some(name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("entry `{name}` is not the next one in name order"),
            ));
        }
        Ok(self.end.next_multiple_of(u64::from(align_of_len(len))))
    }

    /// Fills the next entry's row, its archive written at [`offset_of`].
    ///
    /// [`offset_of`]: Writer::offset_of
    fn record(&mut self, fingerprint: u64, len: usize, checksum: u64) {
        let align = align_of_len(len);
        let offset = self.end.next_multiple_of(u64::from(align));
        self.end = offset + len as u64;
        let row = &mut self.meta[HEADER_LEN + self.next * ROW_LEN..][..ROW_LEN];
        put_u64(row, column::FINGERPRINT, fingerprint);
        put_u64(row, column::OFFSET, offset);
        put_u64(row, column::LEN, len as u64);
        put_u64(row, column::CHECKSUM, checksum);
        put_u32(row, column::ALIGN, align);
        self.next += 1;
    }

    /// Writes the metadata once every entry was added, and returns the
    /// output.
    pub fn finish(mut self) -> io::Result<W> {
        self.write_metadata()?;
        Ok(self.out)
    }

    /// Writes the metadata once every entry was added, and flushes the
    /// output.
    pub fn write_metadata(&mut self) -> io::Result<()> {
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
        self.out.flush()
    }
}

/// The alignment of an archive `len` bytes long.
fn align_of_len(len: usize) -> u32 {
    if len >= PAGE_ALIGN_THRESHOLD {
        PAGE
    } else {
        MIN_ALIGN
    }
}

pub(super) fn to_u32(n: usize) -> Result<u32, FormatError> {
    u32::try_from(n).map_err(|_| malformed(format!("{n} does not fit in 32 bits")))
}
