//! [`Frozen`]: the static behind each `#[fastboot::frozen]` function.

use std::cell::{Cell, RefCell};
use std::sync::OnceLock;
use std::time::Instant;

use crate::archive::{self, ArchiveResult};
use crate::config;
use crate::format::MIN_ALIGN;
use crate::mode::Mode;
use crate::registry::{self, Entry, FrozenArchive};
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
        encode: fn(&M::Value) -> ArchiveResult,
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
        encode: fn(&M::Value) -> ArchiveResult,
    ) -> &'static M::Kept {
        // Before waiting on `value`: this thread may be the one computing it.
        InProgress::refuse_cycle(&self.entry);
        self.value.get_or_init(|| self.obtain(compute, encode))
    }

    fn obtain(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value) -> ArchiveResult,
    ) -> M::Kept {
        registry::first_access(&self.entry);
        // Only the thread that initialises `value` gets here, and records an
        // outcome. Thawing runs no user code, so only computing can be part
        // of a cycle.
        match self.thaw() {
            Ok(kept) => {
                self.entry.set_outcome(thaw::thawed());
                kept
            }
            Err(reason) => {
                let _computing = InProgress::enter(&self.entry);
                let kept = if reason == Reason::Freezing {
                    self.freeze(compute, encode)
                } else {
                    thaw::not_thawed(&self.entry, &reason);
                    M::computed(compute())
                };
                self.entry.set_outcome(thaw::computed(reason));
                kept
            }
        }
    }

    /// Computes the value and encodes it deterministically, for the
    /// snapshot of this freeze run; the encoding is kept in the entry.
    fn freeze(
        &'static self,
        compute: fn() -> M::Value,
        encode: fn(&M::Value) -> ArchiveResult,
    ) -> M::Kept {
        let start = Instant::now();
        let value = compute();
        let computed = start.elapsed();
        let bytes: &'static [u8] = match archive::catching_panics(|| encode(&value)) {
            Ok(bytes) => Box::leak(Box::new(bytes)),
            Err(e) => crate::fail(&format!(
                "freeze failed: archiving {}: {e}",
                self.entry.name()
            )),
        };
        let archive = FrozenArchive {
            bytes,
            computed,
            archived: start.elapsed().checked_sub(computed).unwrap(),
        };
        // Only the thread that initialises `value` gets here.
        self.entry.set_frozen(archive);
        M::frozen(value, bytes).unwrap_or_else(|e| {
            crate::fail(&format!(
                "freeze failed: the archive of {} does not validate: {e}",
                self.entry.display_name()
            ))
        })
    }

    fn thaw(&'static self) -> Result<M::Kept, Reason> {
        let (record, origin) = thaw::record(&self.entry)?;
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
        let kept = unsafe { M::thaw(record.bytes, origin.is_embedded()) };
        kept.map_err(Reason::Invalid)
    }
}

thread_local! {
    /// The frozen statics this thread is computing, outermost first.
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
            let cycle: Vec<String> = stack[at..]
                .iter()
                .chain([&entry])
                .map(|e| e.display_name())
                .collect();
            Some(cycle.join(" → "))
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

impl Drop for InProgress {
    fn drop(&mut self) {
        IN_PROGRESS.with_borrow_mut(|stack| {
            stack.pop();
            COMPUTING.set(stack.len());
        });
    }
}
