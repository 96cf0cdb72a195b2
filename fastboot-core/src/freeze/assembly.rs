//! [`Assembly`]: the snapshot of a freeze run, put together as its archives
//! are made, in whatever order (parallel, or one static computed inside
//! another's body), each placed in key order.
//!
//! The archive of the next key to place is streamed straight into the
//! snapshot file, where it belongs; any other waits for its turn in memory
//! if shorter than a page, else in a temporary file beside the snapshot,
//! from which it is copied (by the kernel, where it can). Either way each
//! archive lands at the offset that key order gives it: the snapshot's
//! bytes do not depend on the order in which values were computed.

use std::fs::File;
use std::io::{self, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::FreezeError;
use crate::atomic::AtomicFile;
use crate::format::Writer;
use crate::os;
use crate::registry::{self, Entry};
use crate::sink::{ArchiveSink, Sunk, Target};

/// The snapshot being written; see the module docs.
#[derive(Debug)]
pub(crate) struct Assembly {
    /// The snapshot's final path, beside which temporary files go.
    path: PathBuf,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The snapshot file, until committed.
    file: Option<AtomicFile>,
    writer: Writer<File>,
    /// Each key, with the entries that share it, in key order.
    keys: Vec<Key>,
    /// The first key not placed yet.
    next: usize,
    /// Whether a sink is streaming the next key's archive into the file.
    streaming: bool,
}

#[derive(Debug)]
struct Key {
    name: String,
    entries: Vec<&'static Entry>,
    /// The first archive made for it: its length and checksum.
    made: Option<(usize, u64)>,
    /// That archive, while it waits to be placed, with the temporary file
    /// holding it if any (removed once it is placed).
    waiting: Option<(Stored, Option<AtomicFile>)>,
}

/// Where an archive made in this freeze run lies, for as long as the
/// process runs.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    place: Place,
    len: usize,
    checksum: u64,
}

#[derive(Debug, Clone)]
enum Place {
    /// In memory, never freed.
    Memory(&'static [u8]),
    /// In a file of this freeze run, from a page-aligned offset.
    File(Arc<File>, u64),
}

impl Stored {
    /// Its length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Its bytes, mapped if they lie in a file.
    pub(crate) fn bytes(&self) -> io::Result<&'static [u8]> {
        match &self.place {
            Place::Memory(bytes) => Ok(bytes),
            // SAFETY: the file is one this freeze run writes (the snapshot
            // or a temporary file beside it) and writes each archive of
            // once, before its `Stored` exists; afterwards it only writes
            // after the archive's end, or the metadata, which precede every
            // archive, and never truncates it. No other program has reason
            // to write into a freeze run's files: they are replaced, never
            // rewritten in place, as snapshot files are (see
            // `source::file`). The mode validates the bytes before reading
            // them.
            Place::File(file, offset) => unsafe { os::map(file, *offset, self.len) },
        }
    }
}

impl Assembly {
    /// Starts writing the snapshot to `path` (a temporary file until
    /// [`commit`](Assembly::commit)), produced by `producer`.
    pub(crate) fn create(path: &Path, producer: &[u8]) -> Result<Self, FreezeError> {
        let io_error = |error| FreezeError::Io {
            path: path.to_owned(),
            error,
        };
        let keyed = registry::keys(&registry::entries());
        let names: Vec<&str> = keyed.iter().map(|(key, _)| key.as_str()).collect();
        let slots: Vec<&str> = registry::in_registry_order()
            .into_iter()
            .map(|entry| key_of(&keyed, entry))
            .collect();
        let mut file = AtomicFile::create(path).map_err(io_error)?;
        let out = file.file().try_clone().map_err(io_error)?;
        let writer = Writer::new(out, producer, &names, &slots).map_err(FreezeError::Format)?;
        let keys = keyed
            .into_iter()
            .map(|(name, entries)| Key {
                name,
                entries,
                made: None,
                waiting: None,
            })
            .collect();
        Ok(Assembly {
            path: path.to_owned(),
            state: Mutex::new(State {
                file: Some(file),
                writer,
                keys,
                next: 0,
                streaming: false,
            }),
        })
    }

    /// The keys, each with the entries that share it, in key order.
    pub(crate) fn keys(&self) -> Vec<(String, Vec<&'static Entry>)> {
        let state = self.lock();
        let keys = state.keys.iter();
        keys.map(|key| (key.name.clone(), key.entries.clone()))
            .collect()
    }

    /// A sink for the archive of `entry`: straight into the snapshot if its
    /// key is the next to place and nothing else streams there, else into
    /// a temporary file.
    pub(crate) fn sink(&self, entry: &'static Entry) -> Result<Sink, FreezeError> {
        let mut state = self.lock();
        let key = state.key_of(entry);
        let target = if key == state.next && !state.streaming && state.keys[key].made.is_none() {
            let file = state.file.as_ref().expect("open until committed");
            let file = file.open_again().map_err(|e| self.io(e))?;
            state.streaming = true;
            Target::At(file, state.writer.large_offset())
        } else {
            Target::Beside(self.path.clone())
        };
        let direct = matches!(target, Target::At(..));
        Ok(Sink {
            sink: ArchiveSink::streaming(target, entry.fingerprint()),
            direct,
        })
    }

    /// Records the archive `sink` holds, made for `entry`, and places every
    /// archive whose turn has come. Returns where it lies.
    ///
    /// # Errors
    /// If writing fails, or another entry sharing its key made different
    /// bytes.
    pub(crate) fn archived(
        &self,
        entry: &'static Entry,
        sink: Sink,
    ) -> Result<Stored, FreezeError> {
        let Sink { sink, direct } = sink;
        let finished = sink.finish();
        let mut state = self.lock();
        if direct {
            state.streaming = false;
        }
        let (stored, temporary) = stored(finished.map_err(|e| self.io(e))?, entry.fingerprint());
        let key = state.key_of(entry);
        let made = (stored.len, stored.checksum);
        match state.keys[key].made {
            Some(first) if first != made => {
                return Err(FreezeError::DuplicateName(entry.display_name()));
            }
            Some(_) => {
                // Another entry of this key made the same bytes first, and
                // may be waiting for its turn, which this one (streamed
                // straight to its place) held up: place it now. It writes
                // the same bytes where this one's lie.
                self.place_waiting(&mut state)?;
                return Ok(stored);
            }
            None => state.keys[key].made = Some(made),
        }
        if direct && stored.len >= crate::format::PAGE_ALIGN_THRESHOLD {
            let name = state.keys[key].name.clone();
            let writer = &mut state.writer;
            let written =
                writer.add_written(&name, entry.fingerprint(), stored.len, stored.checksum);
            written.map_err(|e| self.io(e))?;
            state.next += 1;
        } else {
            state.keys[key].waiting = Some((stored.clone(), temporary));
        }
        self.place_waiting(&mut state)?;
        Ok(stored)
    }

    /// Writes the metadata and renames the snapshot into place, once every
    /// key was placed. Returns the number of bytes of archives.
    pub(crate) fn commit(&self) -> Result<usize, FreezeError> {
        let mut state = self.lock();
        if let Some(key) = state.keys.get(state.next) {
            return Err(FreezeError::NotFrozen(key.entries[0].name()));
        }
        state.writer.write_metadata().map_err(|e| self.io(e))?;
        let file = state.file.take().expect("committed once");
        file.commit(None).map_err(|e| self.io(e))?;
        Ok(state
            .keys
            .iter()
            .filter_map(|k| k.made)
            .map(|(len, _)| len)
            .sum())
    }

    /// Places the archives waiting for their turn, as far as they go.
    fn place_waiting(&self, state: &mut State) -> Result<(), FreezeError> {
        while !state.streaming && state.next < state.keys.len() {
            let key = &mut state.keys[state.next];
            let Some((stored, _temporary)) = key.waiting.take() else {
                break;
            };
            let fingerprint = key.entries[0].fingerprint();
            let name = key.name.clone();
            let placed = match &stored.place {
                Place::Memory(bytes) => state.writer.add(&name, fingerprint, bytes),
                Place::File(file, offset) => {
                    let mut file = &**file;
                    file.seek(SeekFrom::Start(*offset)).and_then(|_| {
                        let (len, checksum) = (stored.len, stored.checksum);
                        state
                            .writer
                            .add_from(&name, fingerprint, file, len, checksum)
                    })
                }
            };
            placed.map_err(|e| self.io(e))?;
            state.next += 1;
        }
        Ok(())
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn io(&self, error: io::Error) -> FreezeError {
        FreezeError::Io {
            path: self.path.clone(),
            error,
        }
    }
}

/// An [`ArchiveSink`] handed out by an [`Assembly`].
#[derive(Debug)]
pub(crate) struct Sink {
    sink: ArchiveSink,
    /// Whether it streams into the snapshot itself.
    direct: bool,
}

impl Sink {
    /// The sink to encode into.
    pub(crate) fn sink(&mut self) -> &mut ArchiveSink {
        &mut self.sink
    }
}

impl State {
    /// The index of the key of `entry`.
    fn key_of(&self, entry: &Entry) -> usize {
        self.keys
            .iter()
            .position(|key| key.entries.iter().any(|e| std::ptr::eq(*e, entry)))
            .expect("every registered entry has a key")
    }
}

/// Where a finished archive of an entry with `fingerprint` lies, and the
/// temporary file it is in, if any.
fn stored(sunk: Sunk, fingerprint: u64) -> (Stored, Option<AtomicFile>) {
    match sunk {
        Sunk::Small(bytes) => {
            let bytes: &'static [u8] = Box::leak(Box::new(bytes));
            let stored = Stored {
                place: Place::Memory(bytes),
                len: bytes.len(),
                checksum: crate::checksum::entry_checksum(fingerprint, bytes),
            };
            (stored, None)
        }
        Sunk::Large {
            file,
            temporary,
            len,
            checksum,
            offset,
        } => {
            let stored = Stored {
                place: Place::File(Arc::new(file), offset),
                len,
                checksum,
            };
            (stored, temporary)
        }
    }
}

/// The key `entry` has in `keyed`.
fn key_of<'k>(keyed: &'k [(String, Vec<&'static Entry>)], entry: &Entry) -> &'k str {
    keyed
        .iter()
        .find(|(_, sharing)| sharing.iter().any(|e| std::ptr::eq(*e, entry)))
        .map(|(key, _)| key.as_str())
        .expect("every registered entry has a key")
}
