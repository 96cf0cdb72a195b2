//! The registry: one [`Entry`] per `#[fastboot::frozen]` function, gathered
//! from every crate of the program into one linkme distributed slice.

use std::sync::OnceLock;

use linkme::distributed_slice;

use crate::archive::{self, Freezable};
use crate::checksum::checksum_parts;
use crate::report::Outcome;

/// Every frozen static linked into this program. Each element points into
/// the [`Frozen`](crate::Frozen) static that owns the entry.
#[distributed_slice]
pub static ENTRIES: [&'static Entry];

/// A registered frozen static: its stable name, its fingerprint, and how to
/// compute, archive and validate its value.
pub struct Entry {
    name: &'static str,
    definition: u64,
    type_fingerprint: fn() -> u64,
    validate: fn(&[u8]) -> Result<(), String>,
    freeze: fn() -> Result<Vec<u8>, String>,
    pub(crate) outcome: OnceLock<Outcome>,
}

impl Entry {
    /// Describes the frozen static `name` of type `T`.
    ///
    /// `definition` is a hash of the function's tokens (signature and body);
    /// `freeze` computes the value and archives it deterministically.
    pub const fn new<T: Freezable>(
        name: &'static str,
        definition: u64,
        freeze: fn() -> Result<Vec<u8>, String>,
    ) -> Self {
        Entry {
            name,
            definition,
            type_fingerprint: archive::type_fingerprint::<T>,
            validate: archive::validate::<T>,
            freeze,
            outcome: OnceLock::new(),
        }
    }

    /// Stable name: module path and function name, e.g. `app::word_index`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Fingerprint of the entry's type (name, archived size and alignment)
    /// and definition (tokens of the annotated function).
    pub fn fingerprint(&self) -> u64 {
        checksum_parts(&[
            &self.definition.to_le_bytes(),
            &(self.type_fingerprint)().to_le_bytes(),
        ])
    }

    /// Computes the value and archives it.
    pub fn freeze(&self) -> Result<Vec<u8>, String> {
        (self.freeze)()
    }

    /// Checks with rkyv's validator that `bytes` hold a valid archive of
    /// this entry's type.
    pub fn validate(&self, bytes: &[u8]) -> Result<(), String> {
        (self.validate)(bytes)
    }

    /// How this entry's value was obtained, once it has been accessed.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.get()
    }
}

/// All registered entries, sorted by name.
pub fn entries() -> Vec<&'static Entry> {
    let mut all: Vec<&'static Entry> = ENTRIES.iter().copied().collect();
    all.sort_by_key(|e| e.name);
    all
}
