//! [`ArchiveSink`]: where an encoder writes a value's archive, in memory or
//! straight into a file.
//!
//! A freeze run streams each archive to disk as rkyv (or the serde encoder)
//! produces it, so that a snapshot is never held in memory. Only an
//! archive's first bytes are kept in memory, until it proves as long as a
//! page: a shorter one is placed by the snapshot writer on a 16-byte
//! boundary, a longer one starts on a page boundary of its file, which the
//! sink seeks to before writing anything (see the format's alignment rule).

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::PathBuf;

use rkyv::rancor::Source;
use rkyv::ser::{Positional, Writer};
use rkyv::util::AlignedVec;
use xxhash_rust::xxh3::Xxh3;

use crate::atomic::AtomicFile;
use crate::format::PAGE_ALIGN_THRESHOLD;

/// How much a streamed archive buffers before each write to its file (and
/// each update of its checksum, which is slow on an encoder's small pieces).
const BUFFER: usize = 1 << 20;

/// The sink of one archive (see the module docs). `Default` is an
/// in-memory sink.
#[derive(Debug, Default)]
pub struct ArchiveSink {
    /// The archive's bytes while it is shorter than a page; all of it in
    /// memory.
    head: AlignedVec,
    /// Where the archive goes once it is a page long, if anywhere.
    spill: Option<Spill>,
    /// Bytes written so far.
    pos: usize,
}

/// Where an archive a page long or more goes.
#[derive(Debug)]
pub(crate) enum Target {
    /// Into this file, from this page-aligned offset on.
    At(File, u64),
    /// Into a temporary file of its own, created beside this path (when
    /// the archive reaches a page) and removed when dropped.
    Beside(PathBuf),
}

/// A file an archive is streamed to once it is a page long.
struct Spill {
    /// Where the archive goes; taken when it reaches a page.
    target: Option<Target>,
    /// Where in its file it starts.
    offset: u64,
    /// The temporary file, for a [`Target::Beside`].
    temporary: Option<AtomicFile>,
    /// The file, from the archive's start on, once streaming.
    out: Option<Buffered>,
    /// Checksum of the archive so far, seeded as the snapshot's entry
    /// checksums are.
    checksum: Xxh3,
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill")
            .field("target", &self.target)
            .field("offset", &self.offset)
            .field("streaming", &self.out.is_some())
            .finish_non_exhaustive()
    }
}

/// A file written through a buffer, checksummed a buffer at a time.
struct Buffered {
    file: File,
    buffer: Vec<u8>,
}

impl Buffered {
    fn write(&mut self, bytes: &[u8], checksum: &mut Xxh3) -> io::Result<()> {
        if self.buffer.len() + bytes.len() > BUFFER {
            self.flush(checksum)?;
            if bytes.len() > BUFFER {
                checksum.update(bytes);
                return self.file.write_all(bytes);
            }
        }
        self.buffer.extend_from_slice(bytes);
        Ok(())
    }

    fn flush(&mut self, checksum: &mut Xxh3) -> io::Result<()> {
        checksum.update(&self.buffer);
        self.file.write_all(&self.buffer)?;
        self.buffer.clear();
        Ok(())
    }
}

/// A finished archive.
#[derive(Debug)]
pub enum Sunk {
    /// Shorter than a page: its bytes.
    Small(AlignedVec),
    /// At least a page long: written to its target.
    Large {
        /// The file, flushed.
        file: File,
        /// The temporary file it is, for a [`Target::Beside`].
        temporary: Option<AtomicFile>,
        /// Where in the file it starts.
        offset: u64,
        /// The archive's length.
        len: usize,
        /// Its checksum, seeded with the fingerprint the sink was given.
        checksum: u64,
    },
}

impl ArchiveSink {
    /// A sink that keeps the whole archive in memory.
    pub fn in_memory() -> Self {
        Self::default()
    }

    /// A sink that streams an archive of a page or more to `target`,
    /// checksummed with the seed `fingerprint`.
    pub(crate) fn streaming(target: Target, fingerprint: u64) -> Self {
        if let Target::At(_, offset) = target {
            debug_assert_eq!(offset % PAGE_ALIGN_THRESHOLD as u64, 0);
        }
        ArchiveSink {
            head: AlignedVec::new(),
            spill: Some(Spill {
                offset: match target {
                    Target::At(_, offset) => offset,
                    Target::Beside(_) => 0,
                },
                target: Some(target),
                temporary: None,
                out: None,
                checksum: Xxh3::with_seed(fingerprint),
            }),
            pos: 0,
        }
    }

    /// The archive, all in memory.
    ///
    /// # Panics
    /// If the sink was [`streaming`](ArchiveSink::streaming).
    pub fn into_bytes(self) -> AlignedVec {
        assert!(self.spill.is_none(), "an in-memory sink");
        self.head
    }

    /// Ends the archive: flushes a streamed one to its file.
    pub(crate) fn finish(self) -> io::Result<Sunk> {
        let Some(Spill {
            out: Some(mut out),
            mut checksum,
            temporary,
            offset,
            ..
        }) = self.spill
        else {
            return Ok(Sunk::Small(self.head));
        };
        out.flush(&mut checksum)?;
        Ok(Sunk::Large {
            file: out.file,
            temporary,
            offset,
            len: self.pos,
            checksum: checksum.digest(),
        })
    }

    /// Appends `bytes`: inlined where they fit in memory or the buffer,
    /// as most of an encoder's small pieces do.
    #[inline]
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.spill {
            None => self.head.extend_from_slice(bytes),
            Some(Spill { out: Some(out), .. }) if out.buffer.len() + bytes.len() <= BUFFER => {
                out.buffer.extend_from_slice(bytes);
            }
            Some(_) => return self.append_cold(bytes),
        }
        self.pos += bytes.len();
        Ok(())
    }

    /// Appends `bytes` to a streaming sink: flushes the buffer, or starts
    /// streaming if the archive reaches a page.
    #[cold]
    fn append_cold(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.pos += bytes.len();
        let Some(spill) = &mut self.spill else {
            self.head.extend_from_slice(bytes);
            return Ok(());
        };
        if let Some(out) = &mut spill.out {
            return out.write(bytes, &mut spill.checksum);
        }
        if self.pos < PAGE_ALIGN_THRESHOLD {
            self.head.extend_from_slice(bytes);
            return Ok(());
        }
        let file = match spill.target.take().expect("a target until streaming") {
            Target::At(mut file, offset) => {
                file.seek(SeekFrom::Start(offset))?;
                file
            }
            Target::Beside(path) => {
                let mut temporary = AtomicFile::create(&path)?;
                let file = temporary.file().try_clone()?;
                spill.temporary = Some(temporary);
                file
            }
        };
        let mut out = Buffered {
            file,
            buffer: Vec::with_capacity(BUFFER),
        };
        for part in [&self.head[..], bytes] {
            out.write(part, &mut spill.checksum)?;
        }
        self.head = AlignedVec::new();
        spill.out = Some(out);
        Ok(())
    }
}

impl Positional for ArchiveSink {
    #[inline]
    fn pos(&self) -> usize {
        self.pos
    }
}

impl<E: Source> Writer<E> for ArchiveSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> Result<(), E> {
        self.append(bytes).map_err(E::new)
    }
}

impl Write for ArchiveSink {
    #[inline]
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.append(bytes)?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::entry_checksum;
    use std::io::Read;

    fn scratch(name: &str) -> File {
        let path =
            std::env::temp_dir().join(format!("fastboot-sink-{name}-{}", std::process::id()));
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .unwrap();
        std::fs::remove_file(&path).unwrap();
        file
    }

    fn sink_bytes(sink: &mut ArchiveSink, bytes: &[u8]) {
        // In uneven pieces, as an encoder writes them.
        for piece in bytes.chunks(777) {
            Write::write_all(sink, piece).unwrap();
        }
    }

    #[test]
    fn a_short_archive_stays_in_memory() {
        let mut sink = ArchiveSink::streaming(Target::At(scratch("short"), 8192), 7);
        let bytes: Vec<u8> = (0..4095u32).map(|i| i as u8).collect();
        sink_bytes(&mut sink, &bytes);
        let Sunk::Small(kept) = sink.finish().unwrap() else {
            panic!("streamed")
        };
        assert_eq!(&kept[..], &bytes[..]);
    }

    #[test]
    fn a_page_long_archive_is_streamed_from_its_offset_and_checksummed() {
        let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
        let mut sink = ArchiveSink::streaming(Target::At(scratch("long"), 8192), 42);
        sink_bytes(&mut sink, &bytes);
        assert_eq!(Positional::pos(&sink), bytes.len());
        let Sunk::Large {
            mut file,
            len,
            checksum,
            ..
        } = sink.finish().unwrap()
        else {
            panic!("kept in memory")
        };
        assert_eq!(len, bytes.len());
        assert_eq!(checksum, entry_checksum(42, &bytes));
        let mut written = Vec::new();
        file.seek(SeekFrom::Start(0)).unwrap();
        file.read_to_end(&mut written).unwrap();
        assert_eq!(&written[..8192], &[0; 8192][..]);
        assert_eq!(&written[8192..], &bytes[..]);
    }

    #[test]
    fn an_in_memory_sink_keeps_everything() {
        let bytes = vec![9u8; 10_000];
        let mut sink = ArchiveSink::in_memory();
        sink_bytes(&mut sink, &bytes);
        assert_eq!(&sink.into_bytes()[..], &bytes[..]);
    }
}
