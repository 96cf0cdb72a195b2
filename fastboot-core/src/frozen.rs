//! [`Frozen`]: the static behind each `#[fastboot::frozen]` function.

use std::cell::RefCell;
use std::sync::OnceLock;
use std::time::Instant;

use rkyv::Archived;

use crate::archive::{self, ArchiveResult, Freezable};
use crate::config;
use crate::format::MIN_ALIGN;
use crate::registry::{self, Entry, FrozenArchive};
use crate::report::{Origin, Outcome, Reason};
use crate::thaw;

/// A frozen static of type `T`: its registry entry and, once accessed, its
/// archived value.
///
/// The first [`get`](Frozen::get) thaws the value from the snapshot or, if
/// that is not possible, computes and archives it; exactly once, whichever
/// thread gets there first. Later calls are a load and a branch. In a
/// freeze run the archive is the deterministic one the snapshot gets, so a
/// static used by another is computed once, not once per use.
pub struct Frozen<T: Freezable> {
    entry: Entry,
    value: OnceLock<&'static Archived<T>>,
}

impl<T: Freezable> std::fmt::Debug for Frozen<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frozen")
            .field("entry", &self.entry)
            .field("obtained", &self.value.get().is_some())
            .finish()
    }
}

impl<T: Freezable> Frozen<T> {
    /// A frozen static named `name`. `definition` hashes the function's
    /// tokens; `touch` calls [`get`](Frozen::get) on this very static (so
    /// that a freeze run can reach it through the registry).
    pub const fn new(name: &'static str, definition: u64, touch: fn()) -> Self {
        assert!(
            align_of::<Archived<T>>() <= MIN_ALIGN as usize,
            "fastboot: a frozen value's archived type must not need more than 16-byte alignment"
        );
        Frozen {
            entry: Entry::new::<T>(name, definition, touch),
            value: OnceLock::new(),
        }
    }

    /// The registry entry, to put in the registry.
    pub const fn entry(&'static self) -> &'static Entry {
        &self.entry
    }

    /// The value: thawed, or computed by `compute` (the function's body). A
    /// freeze run archives it with `archive`, which is deterministic.
    ///
    /// # Panics
    /// If computing it needs its own value, directly or through other
    /// frozen statics: the panic names the cycle (a freeze run exits with
    /// that error instead).
    #[inline]
    pub fn get(
        &'static self,
        compute: fn() -> T,
        archive: fn(&T) -> ArchiveResult,
    ) -> &'static Archived<T> {
        match self.value.get() {
            Some(value) => value,
            None => self.initialize(compute, archive),
        }
    }

    #[cold]
    fn initialize(
        &'static self,
        compute: fn() -> T,
        archive: fn(&T) -> ArchiveResult,
    ) -> &'static Archived<T> {
        let _guard = InProgress::enter(self.entry.name());
        self.value.get_or_init(|| self.obtain(compute, archive))
    }

    fn obtain(
        &'static self,
        compute: fn() -> T,
        archive: fn(&T) -> ArchiveResult,
    ) -> &'static Archived<T> {
        registry::first_access(&self.entry);
        let (bytes, outcome) = match self.thaw() {
            Ok((value, origin)) => {
                self.record(Outcome::Thawed(origin.clone()));
                return value;
            }
            Err(Reason::Freezing) => (
                self.freeze(compute, archive),
                Outcome::Computed(Reason::Freezing),
            ),
            Err(reason) => {
                thaw::not_thawed(&self.entry, &reason);
                let bytes = archive::archive(&compute());
                let bytes: &'static [u8] = Box::leak(Box::new(bytes));
                (bytes, Outcome::Computed(reason))
            }
        };
        self.record(outcome);
        // SAFETY: the bytes were just produced by archiving a `T` with rkyv
        // (root at the end) into an `AlignedVec`, and are leaked, so never
        // freed or changed. Its 16-byte alignment suffices: `Freezable`
        // requires that `Archived<T>` need no more (checked at compile
        // time).
        unsafe { rkyv::access_unchecked::<Archived<T>>(bytes) }
    }

    /// Computes the value and archives it deterministically, for the
    /// snapshot of this freeze run; the archive is kept in the entry.
    fn freeze(
        &'static self,
        compute: fn() -> T,
        archive: fn(&T) -> ArchiveResult,
    ) -> &'static [u8] {
        let start = Instant::now();
        let value = compute();
        let computed = start.elapsed();
        let archived = archive::catching_panics(|| archive(&value));
        drop(value);
        let bytes: &'static [u8] = match archived {
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
        let _ = self.entry.frozen.set(archive);
        bytes
    }

    fn thaw(&'static self) -> Result<(&'static Archived<T>, &'static Origin), Reason> {
        let (record, origin) = thaw::record(&self.entry)?;
        thaw::check_data(
            &record,
            origin,
            size_of::<Archived<T>>(),
            align_of::<Archived<T>>(),
        )?;
        if !origin.is_embedded() {
            archive::validate::<T>(record.bytes).map_err(Reason::Invalid)?;
        }
        // SAFETY: the bytes are mapped for the life of the process (a
        // loaded segment, or a leaked mapping) and aligned and long enough
        // for the root, which sits at their end (checked above). Bytes from
        // a file passed rkyv's validation just above, which is what makes an
        // unchecked access sound for any content; they must not change
        // afterwards, which holds as long as the file is replaced rather
        // than rewritten in place (see `source::file`). Bytes embedded in
        // the executable are as trusted as its code, and as immutable: they
        // were written for this very binary (same build-id) and this name,
        // type and definition (same fingerprint).
        let value = unsafe { rkyv::access_unchecked::<Archived<T>>(record.bytes) };
        Ok((value, origin))
    }

    fn record(&self, outcome: Outcome) {
        // Only the thread that initialises `value` records an outcome.
        let _ = self.entry.outcome.set(outcome);
    }
}

thread_local! {
    /// The frozen statics this thread is obtaining, outermost first.
    static IN_PROGRESS: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// Marks a frozen static as being obtained by this thread until dropped,
/// so that a cycle is a clear panic instead of a deadlock.
struct InProgress;

impl InProgress {
    /// # Panics
    /// If `name` is already being obtained by this thread: its value
    /// depends on itself. A freeze run exits with that error instead.
    fn enter(name: &'static str) -> Self {
        IN_PROGRESS.with_borrow_mut(|stack| {
            if let Some(at) = stack.iter().position(|&n| n == name) {
                let cycle: Vec<&str> = stack[at..].iter().copied().chain([name]).collect();
                let cycle = cycle.join(" → ");
                stack.clear();
                if config::freeze_path().is_some() {
                    crate::fail(&format!(
                        "freeze failed: cycle between frozen statics: {cycle}"
                    ));
                }
                panic!("fastboot: cycle between frozen statics: {cycle}");
            }
            stack.push(name);
        });
        InProgress
    }
}

impl Drop for InProgress {
    fn drop(&mut self) {
        IN_PROGRESS.with_borrow_mut(|stack| {
            stack.pop();
        });
    }
}
