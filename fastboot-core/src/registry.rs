//! The registry: one [`Entry`] per `#[fastboot::frozen]` function, gathered
//! from every crate of the program into one linkme distributed slice.
//!
//! On targets without distributed slices (wasm, for one) no snapshot can be
//! thawed anyway: there each entry registers itself when first accessed, so
//! that `report()` still lists what was computed, and why.

use std::sync::OnceLock;
use std::time::Duration;

use crate::checksum::checksum_parts;
use crate::mode::Mode;
use crate::report::{InvalidData, Outcome};

/// Every frozen static linked into this program. Each element points into
/// the [`Frozen`](crate::frozen::Frozen) static that owns the entry.
#[cfg(fastboot_registry)]
#[linkme::distributed_slice]
pub static ENTRIES: [&'static Entry];

/// Adds the entry of the `Frozen` static `$frozen` to [`ENTRIES`]. The
/// tokens in parentheses are the path of the module re-exporting `linkme`
/// and `ENTRIES` (the facade's private module).
#[cfg(fastboot_registry)]
#[doc(hidden)]
#[macro_export]
macro_rules! __register {
    (($($private:tt)*) $frozen:ident) => {
        #[$($private)*::linkme::distributed_slice($($private)*::ENTRIES)]
        #[linkme(crate = $($private)*::linkme)]
        static __FASTBOOT_ENTRY: &$($private)*::Entry = $frozen.entry();
    };
}

/// Without distributed slices, entries register at first access.
#[cfg(not(fastboot_registry))]
#[doc(hidden)]
#[macro_export]
macro_rules! __register {
    ($($tokens:tt)*) => {};
}

/// A registered frozen static: its stable name, its fingerprint, and how to
/// compute, archive and validate its value.
pub struct Entry {
    name: &'static str,
    definition: u64,
    type_fingerprint: fn() -> u64,
    validate: fn(&[u8]) -> Result<(), InvalidData>,
    touch: fn(),
    pub(crate) outcome: OnceLock<Outcome>,
    pub(crate) frozen: OnceLock<FrozenArchive>,
    /// Links the platform's code run before `main` into every program with
    /// a frozen static (a reference the linker cannot drop).
    _before_main: &'static (dyn Sync + 'static),
}

/// The archive a freeze run made of an entry's value, and what it took.
#[derive(Debug, Clone, Copy)]
pub struct FrozenArchive {
    /// The deterministic archive, for the snapshot.
    pub bytes: &'static [u8],
    /// Time spent computing the value.
    pub computed: Duration,
    /// Time spent archiving it.
    pub archived: Duration,
}

impl Entry {
    /// Describes the frozen static `name`, kept in mode `M`.
    ///
    /// `definition` is a hash of the function's tokens (signature and body);
    /// `touch` obtains the static's value.
    pub(crate) const fn new<M: Mode>(name: &'static str, definition: u64, touch: fn()) -> Self {
        Entry {
            name,
            definition,
            type_fingerprint: M::type_fingerprint,
            validate: M::validate,
            touch,
            outcome: OnceLock::new(),
            frozen: OnceLock::new(),
            _before_main: &crate::os::BEFORE_MAIN,
        }
    }

    /// Stable name: module path and function name, e.g. `app::word_index`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Fingerprint of the entry's type as its mode stores it (names,
    /// archived size and alignment, or serde format) and definition (tokens
    /// of the annotated function).
    pub fn fingerprint(&self) -> u64 {
        checksum_parts(&[
            &self.definition.to_le_bytes(),
            &(self.type_fingerprint)().to_le_bytes(),
        ])
    }

    /// In a freeze run: the value's archive for the snapshot, computed now
    /// unless it already was (when another frozen static used it).
    pub(crate) fn freeze(&self) -> Option<&FrozenArchive> {
        (self.touch)();
        self.frozen.get()
    }

    /// Checks that `bytes` hold a valid encoding of this entry's value:
    /// rkyv's validator, or a serde entry decoded.
    pub fn validate(&self, bytes: &[u8]) -> Result<(), InvalidData> {
        (self.validate)(bytes)
    }

    /// How this entry's value was obtained, once it has been accessed.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.get()
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("name", &self.name)
            .field("fingerprint", &format_args!("{:016x}", self.fingerprint()))
            .field("outcome", &self.outcome.get())
            .finish_non_exhaustive()
    }
}

/// All registered entries, sorted by name.
pub fn entries() -> Vec<&'static Entry> {
    #[cfg(fastboot_registry)]
    let mut all: Vec<&'static Entry> = ENTRIES.iter().copied().collect();
    #[cfg(not(fastboot_registry))]
    let mut all = ACCESSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    all.sort_by_key(|e| e.name);
    all
}

/// The entries accessed so far, where there is no distributed slice.
#[cfg(not(fastboot_registry))]
static ACCESSED: std::sync::Mutex<Vec<&'static Entry>> = std::sync::Mutex::new(Vec::new());

/// Records that `entry` is being accessed for the first time: registers it
/// where there is no distributed slice.
pub(crate) fn first_access(entry: &'static Entry) {
    #[cfg(not(fastboot_registry))]
    ACCESSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(entry);
    #[cfg(fastboot_registry)]
    let _ = entry;
}
