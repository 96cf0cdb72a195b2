//! The registry: one [`Entry`] per `#[fastboot::frozen]` function, gathered
//! from every crate of the program into one linkme distributed slice.
//!
//! On targets without distributed slices (wasm, for one) no snapshot can be
//! thawed anyway: there each entry registers itself when first accessed, so
//! that `report()` still lists what was computed, and why.

use std::sync::atomic::{AtomicPtr, AtomicU32, Ordering};
use std::time::Duration;

use crate::mode::Mode;
use crate::report::Outcome;
use crate::vocabulary::InvalidData;

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
    version: &'static str,
    fingerprint: u64,
    /// Size and alignment of its archived root (see `Mode::ROOT`).
    root: (u32, u32),
    validate: fn(&[u8]) -> Result<(), InvalidData>,
    touch: fn(),
    outcome: SetOnce<Outcome>,
    /// In a freeze run, the archive of its value.
    frozen: SetOnce<FrozenArchive>,
    /// Its place in the registry (see [`number`]), once the snapshot is
    /// located.
    slot: AtomicU32,
    /// Its row in this process's snapshot, once found and checked (by
    /// `init()` in strict mode, or at first access); [`UNKNOWN`] until then.
    row: AtomicU32,
}

/// An entry's slot or row before it is known.
const UNKNOWN: u32 = u32::MAX;

/// A `&'static T` set at most once: an atomic pointer, so that reading and
/// setting it cost a load and a compare-exchange (a `OnceLock` is a `Once`
/// state machine, and every frozen static has one of these).
struct SetOnce<T: Sync + 'static>(AtomicPtr<T>);

impl<T: Sync> SetOnce<T> {
    const fn new() -> Self {
        SetOnce(AtomicPtr::new(std::ptr::null_mut()))
    }

    /// Sets it to `value` unless it already was set.
    fn set(&self, value: &'static T) {
        let value = std::ptr::from_ref(value).cast_mut();
        let _ = self.0.compare_exchange(
            std::ptr::null_mut(),
            value,
            Ordering::Release,
            Ordering::Relaxed,
        );
    }

    fn get(&self) -> Option<&'static T> {
        // SAFETY: only `set` stores into the pointer, and only a
        // `&'static T` (never written through: it was cast from a shared
        // reference), so the pointer is null or valid for reads forever;
        // the acquire load pairs with `set`'s release, so the pointee's
        // contents are visible.
        unsafe { self.0.load(Ordering::Acquire).as_ref() }
    }
}

/// The archive a freeze run made of an entry's value, and what it took.
#[derive(Debug, Clone)]
pub struct FrozenArchive {
    /// Where the deterministic archive lies (in the snapshot being
    /// written, or waiting for its turn).
    pub(crate) stored: crate::freeze::Stored,
    /// Time spent computing the value.
    pub computed: Duration,
    /// Time spent archiving it.
    pub archived: Duration,
}

impl Entry {
    /// Describes the frozen static `name` of version `version` of its
    /// crate, kept in mode `M`.
    ///
    /// `definition` is a hash of the function's tokens (signature and body);
    /// `touch` obtains the static's value.
    pub(crate) const fn new<M: Mode>(
        name: &'static str,
        version: &'static str,
        definition: u64,
        touch: fn(),
    ) -> Self {
        Entry {
            name,
            version,
            fingerprint: fingerprint(definition, M::NAME, M::ROOT),
            root: (M::ROOT.0 as u32, M::ROOT.1 as u32),
            validate: M::validate,
            touch,
            outcome: SetOnce::new(),
            frozen: SetOnce::new(),
            slot: AtomicU32::new(UNKNOWN),
            row: AtomicU32::new(UNKNOWN),
        }
    }

    /// Stable name: module path and function name, e.g. `app::word_index`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Size and alignment of its archived root, which snapshot bytes must
    /// hold.
    pub(crate) fn root(&self) -> (usize, usize) {
        (self.root.0 as usize, self.root.1 as usize)
    }

    /// Its place in the registry, in the order the linker laid the
    /// registry out (`usize::MAX` until [`number`] ran).
    pub(crate) fn slot(&self) -> usize {
        match self.slot.load(Ordering::Relaxed) {
            UNKNOWN => usize::MAX,
            slot => slot as usize,
        }
    }

    /// Its row in this process's snapshot, if it was found there and
    /// passed its checks (see `thaw::record`).
    pub(crate) fn checked_row(&self) -> Option<usize> {
        match self.row.load(Ordering::Acquire) {
            UNKNOWN => None,
            row => Some(row as usize),
        }
    }

    /// Records that its entry in this process's snapshot is at `row` and
    /// passed its checks, so that they are not done again.
    pub(crate) fn set_checked_row(&self, row: usize) {
        if let Some(row) = u32::try_from(row).ok().filter(|&row| row != UNKNOWN) {
            self.row.store(row, Ordering::Release);
        }
    }

    /// The version of the crate that defines it (empty if it was not built
    /// by cargo).
    pub fn version(&self) -> &'static str {
        self.version
    }

    /// The keys this entry's value may have in a snapshot, in the order a
    /// freeze run prefers them (see [`keys`]).
    pub(crate) fn keys(&self) -> [String; 2] {
        [
            format!("{}@{}", self.name, self.version),
            format!("{}@{}#{:016x}", self.name, self.version, self.fingerprint()),
        ]
    }

    /// How messages name it: with its crate's version, and if need be its
    /// fingerprint, where another entry linked into the program has the
    /// same name.
    pub fn display_name(&self) -> String {
        let same_name: Vec<&Entry> = entries_named(self.name);
        if same_name.len() < 2 {
            self.name.to_owned()
        } else if same_name
            .iter()
            .filter(|e| e.version == self.version)
            .count()
            < 2
        {
            format!("{}@{}", self.name, self.version)
        } else {
            format!("{}@{}#{:016x}", self.name, self.version, self.fingerprint())
        }
    }

    /// Fingerprint of the entry's definition (the tokens of the annotated
    /// function), mode, and archived root's size and alignment.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    /// In a freeze run: the value's archive for the snapshot, computed now
    /// unless it already was (when another frozen static used it).
    pub(crate) fn freeze(&self) -> Option<&'static FrozenArchive> {
        (self.touch)();
        self.frozen.get()
    }

    /// The archive a freeze run made of its value, once made.
    pub(crate) fn frozen(&self) -> Option<&'static FrozenArchive> {
        self.frozen.get()
    }

    /// Keeps the archive a freeze run made of its value, by the thread that
    /// computed it.
    pub(crate) fn set_frozen(&self, archive: FrozenArchive) {
        self.frozen.set(Box::leak(Box::new(archive)));
    }

    /// Checks that `bytes` hold a valid encoding of this entry's value:
    /// rkyv's validator, or a serde entry decoded.
    pub fn validate(&self, bytes: &[u8]) -> Result<(), InvalidData> {
        (self.validate)(bytes)
    }

    /// How this entry's value was obtained, once it has been accessed.
    pub fn outcome(&self) -> Option<&'static Outcome> {
        self.outcome.get()
    }

    /// Records how its value was obtained, by the thread that obtained it.
    pub(crate) fn set_outcome(&self, outcome: &'static Outcome) {
        self.outcome.set(outcome);
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
    all.sort_by_key(|e| (e.name, e.version));
    all
}

/// The fingerprint of an entry: its definition (the hash of its function's
/// tokens, return type included), its mode, and its archived root's size
/// and alignment; computed at compile time. A change inside a type that
/// keeps its name and layout is caught by the build-id, which changes with
/// any code.
const fn fingerprint(definition: u64, mode: &str, (size, align): (usize, usize)) -> u64 {
    let mut hash = mix(definition ^ mix(size as u64) ^ mix(align as u64).rotate_left(32));
    let mode = mode.as_bytes();
    let mut at = 0;
    while at < mode.len() {
        hash = mix(hash ^ mode[at] as u64);
        at += 1;
    }
    hash
}

/// The finalizer of `SplitMix64`: a cheap, well-mixed 64-bit hash step.
const fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Every registered entry, in registry order: the order the linker laid
/// the registry out, the same in every run of one binary.
pub(crate) fn in_registry_order() -> Vec<&'static Entry> {
    #[cfg(fastboot_registry)]
    let all = ENTRIES.to_vec();
    #[cfg(not(fastboot_registry))]
    let all = ACCESSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    all
}

/// Tells each entry its place in the registry, in one pass: a snapshot's
/// slots (see `format`) then give its row with no search.
pub(crate) fn number() {
    #[cfg(fastboot_registry)]
    for (slot, entry) in ENTRIES.iter().enumerate() {
        if let Some(slot) = u32::try_from(slot).ok().filter(|&slot| slot != UNKNOWN) {
            entry.slot.store(slot, Ordering::Relaxed);
        }
    }
}

/// The registered entries called `name`.
fn entries_named(name: &str) -> Vec<&'static Entry> {
    let mut all = entries();
    all.retain(|e| e.name == name);
    all
}

/// The key of each entry's value in a snapshot, and the entries that share
/// it, in key order: an entry's name, unless another entry linked into the
/// program has the same name (one crate in two versions, or one version
/// from two sources); then `name@version` where the version tells them
/// apart, else `name@version#fingerprint` where their definitions or types
/// do. Entries alike in name, version and fingerprint share one key: the
/// same code, linked twice, computing the same value.
///
/// Keys depend only on the program, not on the machine: freezing the same
/// program anywhere gives the same snapshot.
///
/// `entries` must be sorted by name, as [`entries`] gives them.
pub(crate) fn keys(entries: &[&'static Entry]) -> Vec<(String, Vec<&'static Entry>)> {
    debug_assert!(entries.windows(2).all(|w| w[0].name <= w[1].name));
    let mut keyed: Vec<(String, Vec<&'static Entry>)> = Vec::with_capacity(entries.len());
    let mut rest = entries;
    while let Some(first) = rest.first() {
        let same = rest.iter().take_while(|e| e.name == first.name).count();
        let (group, after) = rest.split_at(same);
        rest = after;
        // The kinds of entry the name covers: by version and fingerprint.
        let mut kinds: Vec<(&str, u64)> =
            group.iter().map(|e| (e.version, e.fingerprint())).collect();
        kinds.sort_unstable();
        kinds.dedup();
        let mut group = group.to_vec();
        group.sort_by_key(|e| (e.version, e.fingerprint()));
        for entry in group {
            let [by_version, by_fingerprint] = entry.keys();
            let key = if kinds.len() == 1 {
                entry.name.to_owned()
            } else if kinds.iter().filter(|(v, _)| *v == entry.version).count() == 1 {
                by_version
            } else {
                by_fingerprint
            };
            match keyed.last_mut() {
                Some((last, sharing)) if *last == key => sharing.push(entry),
                _ => keyed.push((key, vec![entry])),
            }
        }
    }
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed
}

/// The entries accessed so far, where there is no distributed slice.
#[cfg(not(fastboot_registry))]
static ACCESSED: std::sync::Mutex<Vec<&'static Entry>> = std::sync::Mutex::new(Vec::new());

/// Records that `entry` is being accessed for the first time: registers it
/// where there is no distributed slice.
///
/// Every frozen static calls it, so it also links the platform's code run
/// before `main` into every program with one (through a reference that the
/// linker cannot drop, made here rather than in each entry, whose every
/// pointer costs a relocation at load).
pub(crate) fn first_access(entry: &'static Entry) {
    std::hint::black_box(&crate::os::BEFORE_MAIN);
    #[cfg(not(fastboot_registry))]
    ACCESSED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(entry);
    #[cfg(fastboot_registry)]
    let _ = entry;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frozen::Frozen;
    use crate::mode::ZeroCopy;

    fn touch() {}

    static UNIQUE: Frozen<ZeroCopy<u32>> = Frozen::new("a::unique", "1.0.0", 1, touch);
    static ONE: Frozen<ZeroCopy<u32>> = Frozen::new("lib::table", "1.0.0", 1, touch);
    static TWO: Frozen<ZeroCopy<u32>> = Frozen::new("lib::table", "2.0.0", 1, touch);
    static FORK: Frozen<ZeroCopy<u32>> = Frozen::new("lib::table", "1.0.0", 2, touch);
    static TWIN: Frozen<ZeroCopy<u32>> = Frozen::new("lib::table", "1.0.0", 1, touch);

    fn keys_of(entries: &[&'static Entry]) -> Vec<(String, usize)> {
        let mut entries = entries.to_vec();
        entries.sort_by_key(|e| (e.name, e.version));
        keys(&entries)
            .into_iter()
            .map(|(key, sharing)| (key, sharing.len()))
            .collect()
    }

    #[test]
    fn a_name_alone_is_its_own_key() {
        assert_eq!(
            keys_of(&[UNIQUE.entry(), ONE.entry()]),
            [("a::unique".to_owned(), 1), ("lib::table".to_owned(), 1)]
        );
    }

    #[test]
    fn two_versions_are_keyed_by_version() {
        assert_eq!(
            keys_of(&[TWO.entry(), ONE.entry()]),
            [
                ("lib::table@1.0.0".to_owned(), 1),
                ("lib::table@2.0.0".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn one_version_from_two_sources_is_keyed_by_fingerprint_too() {
        let keyed = keys_of(&[ONE.entry(), FORK.entry(), TWO.entry()]);
        let one = format!("lib::table@1.0.0#{:016x}", ONE.entry().fingerprint());
        let fork = format!("lib::table@1.0.0#{:016x}", FORK.entry().fingerprint());
        let mut expected = vec![(one, 1), (fork, 1), ("lib::table@2.0.0".to_owned(), 1)];
        expected.sort();
        assert_eq!(keyed, expected);
    }

    #[test]
    fn the_same_code_linked_twice_shares_its_key() {
        assert_eq!(
            keys_of(&[ONE.entry(), TWIN.entry()]),
            [("lib::table".to_owned(), 2)]
        );
        assert_eq!(
            keys_of(&[ONE.entry(), TWIN.entry(), TWO.entry()]),
            [
                ("lib::table@1.0.0".to_owned(), 2),
                ("lib::table@2.0.0".to_owned(), 1)
            ]
        );
    }
}
