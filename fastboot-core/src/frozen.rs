//! [`Frozen`]: the static behind each `#[fastboot::frozen]` function.

use std::sync::OnceLock;

use rkyv::Archived;

use crate::archive::{self, Freezable};
use crate::registry::{self, Entry};
use crate::report::{Origin, Outcome, Reason};
use crate::thaw;

/// A frozen static of type `T`: its registry entry and, once accessed, its
/// archived value.
///
/// The first [`get`](Frozen::get) thaws the value from the snapshot or, if
/// that is not possible, computes and archives it; exactly once, whichever
/// thread gets there first. Later calls are a load and a branch.
pub struct Frozen<T: Freezable> {
    entry: Entry,
    value: OnceLock<&'static Archived<T>>,
}

impl<T: Freezable> Frozen<T> {
    /// A frozen static named `name`. `definition` hashes the function's
    /// tokens; `freeze` computes the value and archives it deterministically.
    pub const fn new(
        name: &'static str,
        definition: u64,
        freeze: fn() -> Result<Vec<u8>, String>,
    ) -> Self {
        Frozen {
            entry: Entry::new::<T>(name, definition, freeze),
            value: OnceLock::new(),
        }
    }

    /// The registry entry, to put in [`ENTRIES`](crate::registry::ENTRIES).
    pub const fn entry(&'static self) -> &'static Entry {
        &self.entry
    }

    /// The value: thawed, or computed by `compute`.
    #[inline]
    pub fn get(&'static self, compute: fn() -> T) -> &'static Archived<T> {
        self.value.get_or_init(|| self.obtain(compute))
    }

    #[cold]
    fn obtain(&'static self, compute: fn() -> T) -> &'static Archived<T> {
        registry::first_access(&self.entry);
        match self.thaw() {
            Ok((value, origin)) => {
                self.record(Outcome::Thawed(origin.clone()));
                value
            }
            Err(reason) => {
                thaw::not_thawed(&self.entry, &reason);
                let bytes = Box::leak(Box::new(archive::archive(&compute())));
                self.record(Outcome::Computed(reason));
                // SAFETY: the bytes were just produced by archiving a `T`
                // with rkyv (root at the end) into an `AlignedVec`, and are
                // leaked, so never freed or changed. Its 16-byte alignment
                // suffices for rkyv's own archived types; one with a larger
                // `repr(align)` anywhere in `T` is not supported (nothing
                // checks for it, here or in the snapshot's layout).
                unsafe { rkyv::access_unchecked::<Archived<T>>(bytes) }
            }
        }
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
