//! [`Frozen`]: the static behind each `#[fastboot::frozen]` function.

use std::cell::{Cell, RefCell};
use std::sync::OnceLock;
use std::time::Instant;

use crate::archive::{self, ArchiveResult};
use crate::config;
use crate::format::MIN_ALIGN;
use crate::freeze::{self, Claim};
use crate::mode::Mode;
use crate::registry::{self, Entry, FrozenArchive};
use crate::sink::ArchiveSink;
use crate::thaw;
use crate::vocabulary::Reason;

/// A frozen static kept in mode `M` (see [`Mode`]): its
/// registry entry and, once accessed, its value.
///
/// The first [`get`](Frozen::get) thaws the value from the snapshot or, if
/// that is not possible, computes it; exactly once, whichever thread gets
/// there first. Later calls are a load and a branch. In a freeze run the
/// value's encoding is the deterministic one the snapshot gets, so a static
/// used by another is computed once, not once per use.
pub struct Frozen<M: Mode> {
    entry: Entry,
    value: OnceLock<M::Kept>,
}

impl<M: Mode> std::fmt::Debug for Frozen<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frozen")
            .field("entry", &self.entry)
            .field("obtained", &self.value.get().is_some())
            .finish()
    }
}

impl<M: Mode> Frozen<M> {
    /// A frozen static named `name`, defined in version `version` of its
    /// crate. `definition` hashes the function's tokens; `touch` calls
    /// [`get`](Frozen::get) on this very static (so that a freeze run can
    /// reach it through the registry).
    pub const fn new(
        name: &'static str,
        version: &'static str,
        definition: u64,
        touch: fn(),
    ) -> Self {
        assert!(
            M::ROOT.1 <= MIN_ALIGN as usize,
            "fastboot: a frozen value's archived type must not need more than 16-byte alignment"
        );
        Frozen {
            entry: Entry::new::<M>(name, version, definition, touch),
            value: OnceLock::new(),
        }
    }

    /// The registry entry, to put in the registry.
    pub const fn entry(&'static self) -> &'static Entry {
        &self.entry
    }

    /// The value: thawed, or computed by `compute` (the function's body). A
    /// freeze run encodes it with `encode`, which is deterministic.
    ///
    /// # Panics
    /// If computing it needs its own value, directly or through other
    /// frozen statics: the panic names the cycle (a freeze run exits with
    /// that error instead).
    #[inline]
    pub fn get(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value, &mut ArchiveSink) -> ArchiveResult,
    ) -> &'static M::Output {
        let kept = match self.value.get() {
            Some(kept) => kept,
            None => self.initialize(compute, encode),
        };
        M::output(kept)
    }

    #[cold]
    fn initialize(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value, &mut ArchiveSink) -> ArchiveResult,
    ) -> &'static M::Kept {
        // Before waiting on `value`: this thread may be the one computing it,
        // or, in a freeze run, wait for a thread that waits for this one.
        InProgress::refuse_cycle(&self.entry);
        let _claim = freeze::running().then(|| claim(&self.entry));
        self.value.get_or_init(|| self.obtain(compute, encode))
    }

    /// In a freeze run: computes and archives the value for the snapshot,
    /// unless that was done already (when another frozen static used it).
    /// Unlike [`get`](Frozen::get), it need not keep the value in a form
    /// it can return (see [`Mode::frozen`]).
    ///
    /// # Panics
    /// As [`get`](Frozen::get) does.
    pub fn freeze(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value, &mut ArchiveSink) -> ArchiveResult,
    ) {
        let done = || self.value.get().is_some() || self.entry.frozen().is_some();
        if done() {
            return;
        }
        InProgress::refuse_cycle(&self.entry);
        let _claim = claim(&self.entry);
        if done() {
            return;
        }
        registry::first_access(&self.entry);
        let _computing = InProgress::enter(&self.entry);
        if let Some(kept) = self.archive(compute, encode) {
            let _ = self.value.set(kept);
        }
        self.entry.set_outcome(thaw::computed(Reason::Freezing));
    }

    fn obtain(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value, &mut ArchiveSink) -> ArchiveResult,
    ) -> M::Kept {
        registry::first_access(&self.entry);
        // Only the thread that initialises `value` gets here, and records an
        // outcome. Computing, and thawing where it runs the user's code (see
        // `thaw`), mark the static as in progress, so that a cycle through
        // them is a panic naming it, never a re-entrant `get_or_init`.
        match self.thaw() {
            Ok(kept) => {
                self.entry.set_outcome(thaw::thawed());
                kept
            }
            Err(reason) => {
                let _computing = InProgress::enter(&self.entry);
                let kept = if reason == Reason::Freezing {
                    self.frozen(compute, encode)
                } else {
                    thaw::not_thawed(&self.entry, &reason);
                    M::computed(compute())
                };
                self.entry.set_outcome(thaw::computed(reason));
                kept
            }
        }
    }

    /// What to keep in a freeze run: from the value, computed and archived
    /// now, or from its archive, made already.
    fn frozen(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value, &mut ArchiveSink) -> ArchiveResult,
    ) -> M::Kept {
        if self.entry.frozen().is_none() {
            if let Some(kept) = self.archive(compute, encode) {
                return kept;
            }
        }
        let archive = self.entry.frozen().expect("archived");
        let bytes = archive.stored.bytes().unwrap_or_else(|e| {
            crate::fail(&format!(
                "freeze failed: reading the archive of {}: {e}",
                self.entry.name()
            ))
        });
        if bytes.len() < M::ROOT.0 {
            crate::fail(&format!(
                "freeze failed: the archive of {} is shorter than its root",
                self.entry.name()
            ));
        }
        // SAFETY: mapped (or leaked) for the life of the process and never
        // written again (see `Stored::bytes`); aligned (each archive starts
        // on a page, or in a 16-byte aligned buffer: as much as `Frozen::new`
        // lets a root need) and long enough for the root (checked above).
        // Not `embedded`: the mode validates the bytes before reading them.
        let kept = unsafe { M::thaw(bytes, false) };
        kept.unwrap_or_else(|e| {
            crate::fail(&format!(
                "freeze failed: the archive of {} does not validate: {e}",
                self.entry.display_name()
            ))
        })
    }

    /// Computes the value and streams its deterministic encoding into the
    /// snapshot of this freeze run (see `freeze::Assembly`); returns what
    /// the mode keeps of the value, if anything.
    fn archive(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value, &mut ArchiveSink) -> ArchiveResult,
    ) -> Option<M::Kept> {
        let start = Instant::now();
        let value = compute();
        let computed = start.elapsed();
        let assembly = freeze::assembly();
        let failed = |e: &dyn std::fmt::Display| -> ! {
            crate::fail(&format!(
                "freeze failed: archiving {}: {e}",
                self.entry.name()
            ))
        };
        let mut sink = assembly.sink(&self.entry).unwrap_or_else(|e| failed(&e));
        if let Err(e) = archive::catching_panics(|| encode(&value, sink.sink())) {
            failed(&e);
        }
        let stored = match assembly.archived(&self.entry, sink) {
            Ok(stored) => stored,
            Err(e) => crate::fail(&format!("freeze failed: {e}")),
        };
        let archive = FrozenArchive {
            stored,
            computed,
            archived: start.elapsed().checked_sub(computed).unwrap(),
        };
        // Only the thread that claimed the entry gets here.
        self.entry.set_frozen(archive);
        M::frozen(value)
    }

    fn thaw(&'static self) -> Result<M::Kept, Reason> {
        let (record, origin) = thaw::record(&self.entry)?;
        let embedded = origin.is_embedded();
        let _thawing =
            (M::THAW_RUNS_USER_CODE || !embedded).then(|| InProgress::enter(&self.entry));
        // SAFETY: the bytes are mapped for the life of the process (a loaded
        // segment, or a leaked mapping), aligned and long enough for the
        // root (checked by `thaw::record`). Bytes from a file are validated by the mode
        // before any unchecked access, which makes it sound for any content;
        // they must not change afterwards, which holds as long as the file
        // is replaced rather than rewritten in place (see `source::file`).
        // Bytes embedded in the executable are as trusted as its code, and
        // as immutable: they were written for this very binary (same
        // build-id) and this name, type, mode and definition (same
        // fingerprint).
        let kept = unsafe { M::thaw(record.bytes, embedded) };
        kept.map_err(Reason::Invalid)
    }
}

thread_local! {
    /// The frozen statics this thread is computing (or thawing, where that
    /// runs the user's code), outermost first.
    static IN_PROGRESS: RefCell<Vec<&'static Entry>> = const { RefCell::new(Vec::new()) };
    /// How many: the first access of a frozen static, when none is being
    /// computed, reads this alone (a `Cell` of a type with no destructor
    /// is the cheapest thread-local there is).
    static COMPUTING: Cell<usize> = const { Cell::new(0) };
}

/// Marks a frozen static as being obtained by this thread until dropped,
/// so that a cycle is a clear panic instead of a deadlock.
struct InProgress;

impl InProgress {
    /// Marks `entry` as being obtained by this thread.
    ///
    /// # Panics
    /// As [`refuse_cycle`](InProgress::refuse_cycle).
    fn enter(entry: &'static Entry) -> Self {
        Self::refuse_cycle(entry);
        IN_PROGRESS.with_borrow_mut(|stack| {
            stack.push(entry);
            COMPUTING.set(stack.len());
        });
        InProgress
    }

    /// # Panics
    /// If `entry` is already being obtained by this thread: its value
    /// depends on itself. A freeze run exits with that error instead.
    fn refuse_cycle(entry: &'static Entry) {
        if COMPUTING.get() == 0 {
            return;
        }
        let cycle = IN_PROGRESS.with_borrow(|stack| {
            let at = stack.iter().position(|&e| std::ptr::eq(e, entry))?;
            Some(cycle_message(&stack[at..]))
        });
        if let Some(cycle) = cycle {
            IN_PROGRESS.with_borrow_mut(Vec::clear);
            COMPUTING.set(0);
            if config::freeze_path().is_some() {
                crate::fail(&format!(
                    "freeze failed: cycle between frozen statics: {cycle}"
                ));
            }
            panic!("fastboot: cycle between frozen statics: {cycle}");
        }
    }
}

/// Claims `entry` for this thread of a freeze run (see [`Claim`]), waiting
/// for another thread computing it; a cycle through threads ends the run.
fn claim(entry: &'static Entry) -> Claim {
    Claim::acquire(entry).unwrap_or_else(|cycle| {
        crate::fail(&format!(
            "freeze failed: cycle between frozen statics: {}",
            cycle_message(&cycle)
        ))
    })
}

/// `cycle`, entries each needing the next and the last the first, as
/// `a → b → a`, from its first entry by name: the same words whichever
/// entry was reached first.
fn cycle_message(cycle: &[&'static Entry]) -> String {
    let names: Vec<String> = cycle.iter().map(|e| e.display_name()).collect();
    let first = (0..names.len()).min_by_key(|&i| &names[i]).unwrap_or(0);
    let rotated = names[first..].iter().chain(&names[..=first]);
    rotated.map(String::as_str).collect::<Vec<_>>().join(" → ")
}

impl Drop for InProgress {
    fn drop(&mut self) {
        IN_PROGRESS.with_borrow_mut(|stack| {
            stack.pop();
            COMPUTING.set(stack.len());
        });
    }
}
