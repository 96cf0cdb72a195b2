//! Turning values into rkyv archives and back.
//!
//! Archiving for a snapshot must be deterministic: the same value must give
//! the same bytes in every freeze run. rkyv lays out a `HashMap` in the map's
//! iteration order, which `RandomState` makes different in every process, so
//! a top-level `HashMap` or `HashSet` is archived in a canonical order
//! instead (see [`Freeze`]), and nested ones can be marked
//! `#[rkyv(with = Sorted)]`. The archived type is the same either way.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::marker::PhantomData;

use rkyv::api::high::{HighSerializer, HighValidator};
use rkyv::bytecheck::CheckBytes;
use rkyv::collections::swiss_table::{
    ArchivedHashMap, ArchivedHashSet, HashMapResolver, HashSetResolver,
};
use rkyv::rancor::{self, Fallible, Source};
use rkyv::ser::allocator::ArenaHandle;
use rkyv::ser::{Allocator, Writer};
use rkyv::util::AlignedVec;
use rkyv::with::{ArchiveWith, DeserializeWith, Identity, SerializeWith, With};
use rkyv::{Archive, Archived, Place, Serialize};

use crate::sink::ArchiveSink;
use crate::vocabulary::InvalidData;

/// Types a `#[fastboot::frozen]` function can return: archivable with rkyv,
/// with an archived form that can be validated and shared between threads.
pub trait Freezable:
    Archive<Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>> + Sync + 'static>
    + for<'a> Serialize<Ser<'a>>
    + 'static
{
}

impl<T> Freezable for T where
    T: Archive<Archived: for<'a> CheckBytes<HighValidator<'a, rancor::Error>> + Sync + 'static>
        + for<'a> Serialize<Ser<'a>>
        + 'static
{
}

/// Archives `value` the quickest way, for use in this process only.
///
/// # Panics
/// If rkyv cannot archive it: when an archive outgrows what rkyv's relative
/// pointers address (see [`ArchiveError`]), or a custom serializer fails.
pub fn archive<T: Freezable>(value: &T) -> AlignedVec {
    let mut sink = ArchiveSink::in_memory();
    to_sink(value, &mut sink).unwrap_or_else(|e| {
        panic!("fastboot: cannot archive a computed value: {e}");
    });
    sink.into_bytes()
}

/// Whether a value was archived into its [`ArchiveSink`], or why not.
pub type ArchiveResult = Result<(), ArchiveError>;

/// Why rkyv could not archive a value. Serializing fails only when a
/// custom serializer fails, an archive outgrows rkyv's relative pointers
/// (32-bit by default: 2 GiB), so the message names that limit, or writing
/// a streamed archive to its file fails.
#[derive(Debug)]
pub struct ArchiveError(Failure);

#[derive(Debug)]
enum Failure {
    /// rkyv returned an error.
    Error(rancor::Error),
    /// rkyv panicked, as it does for some offsets that overflow.
    Panic(String),
    /// The serde encoder failed (the message says why).
    #[cfg(feature = "serde")]
    Serde(String),
}

#[cfg(feature = "serde")]
impl ArchiveError {
    /// The serde encoder failed, saying `why`.
    pub(crate) fn serde(why: String) -> Self {
        ArchiveError(Failure::Serde(why))
    }
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Failure::Error(error) => write!(f, "{error}")?,
            Failure::Panic(message) => write!(f, "rkyv panicked: {message}")?,
            #[cfg(feature = "serde")]
            Failure::Serde(why) => return write!(f, "serde: {why}"),
        }
        if size_of::<Archived<usize>>() < size_of::<u64>() {
            let bits = 8 * size_of::<Archived<usize>>();
            write!(
                f,
                " (an archive is limited to 2 GiB by rkyv's {bits}-bit relative pointers: \
                 enable fastboot's `pointer_width_64` feature for larger values)"
            )?;
        }
        Ok(())
    }
}

/// Runs `archive`, turning a panic inside rkyv into an [`ArchiveError`],
/// without the panic message a panic prints.
///
/// For freeze runs only: the first call wraps the panic hook, for good, in
/// one that stays silent on a thread while it archives (threads of a
/// parallel freeze run archive at the same time; a panic elsewhere is
/// still printed).
pub(crate) fn catching_panics(archive: impl FnOnce() -> ArchiveResult) -> ArchiveResult {
    thread_local! {
        static ARCHIVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    static SILENCED: std::sync::Once = std::sync::Once::new();
    SILENCED.call_once(|| {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !ARCHIVING.get() {
                hook(info);
            }
        }));
    });
    ARCHIVING.set(true);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(archive));
    ARCHIVING.set(false);
    result.unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("unknown panic");
        Err(ArchiveError(Failure::Panic(message.to_owned())))
    })
}

impl std::error::Error for ArchiveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.0 {
            Failure::Error(error) => Some(error),
            Failure::Panic(_) => None,
            #[cfg(feature = "serde")]
            Failure::Serde(_) => None,
        }
    }
}

/// Checks that `bytes` hold a valid archive of `T` (rkyv's bytecheck).
pub fn validate<T: Freezable>(bytes: &[u8]) -> Result<(), InvalidData> {
    rkyv::access::<Archived<T>, rancor::Error>(bytes)
        .map(|_| ())
        .map_err(|e| InvalidData::Rejected(e.to_string()))
}

/// Deterministic archiving, chosen by type with autoref specialization:
/// `(&Freeze(&value)).archive()` archives maps and sets in a canonical order
/// ([`FreezeSorted`], as if with [`Sorted`]) and every other type as rkyv
/// does ([`FreezePlain`]).
///
/// Maps nested inside other types are archived as their types say: mark
/// them `#[rkyv(with = fastboot::Sorted)]` to keep snapshots reproducible.
#[derive(Debug)]
pub struct Freeze<'a, T>(pub &'a T);

/// The general case of [`Freeze`]: rkyv's own serialization.
pub trait FreezePlain {
    /// Archives the value into `sink`.
    fn archive(&self, sink: &mut ArchiveSink) -> ArchiveResult;
}

impl<T: Freezable> FreezePlain for &Freeze<'_, T> {
    fn archive(&self, sink: &mut ArchiveSink) -> ArchiveResult {
        to_sink(self.0, sink)
    }
}

/// The case of [`Freeze`] for hash maps and sets: in a canonical order.
pub trait FreezeSorted {
    /// Archives the value into `sink`.
    fn archive(&self, sink: &mut ArchiveSink) -> ArchiveResult;
}

impl<K, V, S> FreezeSorted for Freeze<'_, HashMap<K, V, S>>
where
    HashMap<K, V, S>: Freezable,
    K: Ord + Hash + Eq + for<'a> Serialize<Ser<'a>>,
    K::Archived: Hash + Eq,
    V: for<'a> Serialize<Ser<'a>>,
{
    fn archive(&self, sink: &mut ArchiveSink) -> ArchiveResult {
        to_sink(With::<_, Sorted>::cast(self.0), sink)
    }
}

impl<K, S> FreezeSorted for Freeze<'_, HashSet<K, S>>
where
    HashSet<K, S>: Freezable,
    K: Ord + Hash + Eq + for<'a> Serialize<Ser<'a>>,
    K::Archived: Hash + Eq,
{
    fn archive(&self, sink: &mut ArchiveSink) -> ArchiveResult {
        to_sink(With::<_, Sorted>::cast(self.0), sink)
    }
}

/// Archives `value` through the rkyv `with` wrapper `W` into `sink`, for a
/// snapshot: what a frozen function returning a type that holds `&'static`
/// references uses (the macro picks `W`, deterministic by construction).
pub fn archive_with<T, W>(value: &T, sink: &mut ArchiveSink) -> ArchiveResult
where
    With<T, W>: Freezable,
{
    to_sink(With::<T, W>::cast(value), sink)
}

/// The serializer used for snapshots.
type Ser<'a> = HighSerializer<ArchiveSink, ArenaHandle<'a>, rancor::Error>;

/// Archives `value` into `sink` (left empty if that fails).
fn to_sink<T: for<'a> Serialize<Ser<'a>>>(value: &T, sink: &mut ArchiveSink) -> ArchiveResult {
    let taken = std::mem::take(sink);
    *sink = rkyv::api::high::to_bytes_in::<_, rancor::Error>(value, taken)
        .map_err(|e| ArchiveError(Failure::Error(e)))?;
    Ok(())
}

// rkyv's own impls for `HashMap`/`HashSet` use this load factor; the archived
// table records its capacity, so readers do not depend on it.
const LOAD_FACTOR: (usize, usize) = (7, 8);

/// An rkyv `with` wrapper that archives a `HashMap` or `HashSet` in a
/// canonical order, so that it freezes to the same bytes in every run. The
/// archived type is rkyv's usual `ArchivedHashMap` or `ArchivedHashSet`.
///
/// A top-level map or set of a frozen static is archived this way already;
/// mark the ones nested in your own types:
///
/// ```
/// use std::collections::HashMap;
///
/// #[derive(rkyv::Archive, rkyv::Serialize)]
/// struct Index {
///     #[rkyv(with = fastboot_core::Sorted)]
///     by_word: HashMap<String, Vec<u32>>,
/// }
/// ```
///
/// Its parameters are `with` wrappers for the keys and the values (both
/// `Identity` unless given), as in rkyv's `MapKV`: a map of `&'static str`
/// is `#[rkyv(with = Sorted<Static, Static>)]`.
///
/// The order is that of a fixed hash of each key (ties broken by the key's
/// order): as canonical as sorting by key, and cheaper than comparing keys
/// scattered in memory.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sorted<K = Identity, V = Identity>(PhantomData<(K, V)>);

/// `items` in canonical order: by a fixed hash of the key, then by key.
/// Each item is paired with its key's hash.
fn canonical<'a, K: Hash + Ord + 'a, V>(
    items: impl Iterator<Item = (&'a K, V)>,
) -> Vec<(u64, (&'a K, V))> {
    let mut keyed: Vec<(u64, (&K, V))> = items
        .map(|item| {
            let mut hasher = FixedHasher::default();
            item.0.hash(&mut hasher);
            (hasher.finish(), item)
        })
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1 .0.cmp(b.1 .0)));
    keyed
}

/// An iterator over `items` whose clones share them, and free them when
/// the last is dropped. rkyv clones the iterator of a map's items, and
/// drops both once it has placed the items in its table, before it
/// serializes them: the canonical order is freed then, not held until the
/// archive is done (a quarter of the snapshot's size at most, for a map).
#[derive(Clone)]
struct Shared<T> {
    items: std::rc::Rc<Vec<T>>,
    next: usize,
}

impl<T> Shared<T> {
    fn new(items: Vec<T>) -> Self {
        Shared {
            items: std::rc::Rc::new(items),
            next: 0,
        }
    }
}

impl<T: Copy> Iterator for Shared<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        let item = *self.items.get(self.next)?;
        self.next += 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.items.len() - self.next;
        (left, Some(left))
    }
}

impl<T: Copy> ExactSizeIterator for Shared<T> {}

/// A hasher that gives the same hash in every run of the program, unlike
/// `RandomState`'s, and is cheap: the Fx hash of rustc (a rotate, a xor and
/// a multiply per word). Its quality only decides how often keys must be
/// compared to break ties.
#[derive(Default)]
struct FixedHasher(u64);

impl FixedHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FixedHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.add(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
}

/// A reference to a `T` that archives through the `with` wrapper `W`, and
/// hashes and compares as the `T` (as rkyv's own maps' wrappers do).
struct Wrapped<'a, W, T>(&'a T, PhantomData<W>);

impl<'a, W, T> Wrapped<'a, W, T> {
    fn new(value: &'a T) -> Self {
        Wrapped(value, PhantomData)
    }
}

impl<W: ArchiveWith<T>, T> Archive for Wrapped<'_, W, T> {
    type Archived = W::Archived;
    type Resolver = W::Resolver;

    fn resolve(&self, resolver: Self::Resolver, out: Place<Self::Archived>) {
        W::resolve_with(self.0, resolver, out);
    }
}

impl<W, T, S> Serialize<S> for Wrapped<'_, W, T>
where
    W: ArchiveWith<T> + SerializeWith<T, S>,
    S: Fallible + ?Sized,
{
    fn serialize(&self, serializer: &mut S) -> Result<Self::Resolver, S::Error> {
        W::serialize_with(self.0, serializer)
    }
}

impl<W, T: Hash> Hash for Wrapped<'_, W, T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

impl<W, T: PartialEq> PartialEq for Wrapped<'_, W, T> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<W, T: Eq> Eq for Wrapped<'_, W, T> {}

impl<WK, WV, K, V, S> ArchiveWith<HashMap<K, V, S>> for Sorted<WK, WV>
where
    WK: ArchiveWith<K>,
    WV: ArchiveWith<V>,
{
    type Archived = ArchivedHashMap<WK::Archived, WV::Archived>;
    type Resolver = HashMapResolver;

    fn resolve_with(
        field: &HashMap<K, V, S>,
        resolver: Self::Resolver,
        out: Place<Self::Archived>,
    ) {
        ArchivedHashMap::resolve_from_len(field.len(), LOAD_FACTOR, resolver, out);
    }
}

impl<WK, WV, K, V, S, Ser> SerializeWith<HashMap<K, V, S>, Ser> for Sorted<WK, WV>
where
    WK: ArchiveWith<K> + SerializeWith<K, Ser>,
    WV: ArchiveWith<V> + SerializeWith<V, Ser>,
    K: Hash + Eq + Ord,
    WK::Archived: Hash + Eq,
    Ser: Fallible + Writer + Allocator + ?Sized,
    Ser::Error: Source,
{
    fn serialize_with(
        field: &HashMap<K, V, S>,
        serializer: &mut Ser,
    ) -> Result<Self::Resolver, Ser::Error> {
        let items = Shared::new(canonical(field.iter()));
        ArchivedHashMap::<WK::Archived, WV::Archived>::serialize_from_iter::<_, _, _, _, _, _>(
            items.map(|(_, (k, v))| (Wrapped::<WK, K>::new(k), Wrapped::<WV, V>::new(v))),
            LOAD_FACTOR,
            serializer,
        )
    }
}

impl<WK, WV, K, V, S, D>
    DeserializeWith<ArchivedHashMap<WK::Archived, WV::Archived>, HashMap<K, V, S>, D>
    for Sorted<WK, WV>
where
    WK: ArchiveWith<K> + DeserializeWith<WK::Archived, K, D>,
    WV: ArchiveWith<V> + DeserializeWith<WV::Archived, V, D>,
    K: Hash + Eq,
    S: BuildHasher + Default,
    D: Fallible + ?Sized,
{
    fn deserialize_with(
        field: &ArchivedHashMap<WK::Archived, WV::Archived>,
        deserializer: &mut D,
    ) -> Result<HashMap<K, V, S>, D::Error> {
        let mut map = HashMap::with_capacity_and_hasher(field.len(), S::default());
        for (k, v) in field.iter() {
            map.insert(
                WK::deserialize_with(k, deserializer)?,
                WV::deserialize_with(v, deserializer)?,
            );
        }
        Ok(map)
    }
}

impl<WK, K, S> ArchiveWith<HashSet<K, S>> for Sorted<WK>
where
    WK: ArchiveWith<K>,
{
    type Archived = ArchivedHashSet<WK::Archived>;
    type Resolver = HashSetResolver;

    fn resolve_with(field: &HashSet<K, S>, resolver: Self::Resolver, out: Place<Self::Archived>) {
        ArchivedHashSet::resolve_from_len(field.len(), LOAD_FACTOR, resolver, out);
    }
}

impl<WK, K, S, Ser> SerializeWith<HashSet<K, S>, Ser> for Sorted<WK>
where
    WK: ArchiveWith<K> + SerializeWith<K, Ser>,
    K: Hash + Eq + Ord,
    WK::Archived: Hash + Eq,
    Ser: Fallible + Writer + Allocator + ?Sized,
    Ser::Error: Source,
{
    fn serialize_with(
        field: &HashSet<K, S>,
        serializer: &mut Ser,
    ) -> Result<Self::Resolver, Ser::Error> {
        let items = Shared::new(canonical(field.iter().map(|k| (k, ()))));
        ArchivedHashSet::<WK::Archived>::serialize_from_iter::<_, Wrapped<'_, WK, K>, _>(
            items.map(|(_, (k, ()))| Wrapped::<WK, K>::new(k)),
            LOAD_FACTOR,
            serializer,
        )
    }
}

impl<WK, K, S, D> DeserializeWith<ArchivedHashSet<WK::Archived>, HashSet<K, S>, D> for Sorted<WK>
where
    WK: ArchiveWith<K> + DeserializeWith<WK::Archived, K, D>,
    K: Hash + Eq,
    S: BuildHasher + Default,
    D: Fallible + ?Sized,
{
    fn deserialize_with(
        field: &ArchivedHashSet<WK::Archived>,
        deserializer: &mut D,
    ) -> Result<HashSet<K, S>, D::Error> {
        let mut set = HashSet::with_capacity_and_hasher(field.len(), S::default());
        for k in field.iter() {
            set.insert(WK::deserialize_with(k, deserializer)?);
        }
        Ok(set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_rkyv_is_an_error_naming_the_limit() {
        let error = catching_panics(|| panic!("out of range integral type conversion attempted"))
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("rkyv panicked: out of range integral type conversion attempted"),
            "{error}"
        );
        if cfg!(not(feature = "pointer_width_64")) {
            assert!(error.contains("limited to 2 GiB by rkyv's 32-bit relative pointers"));
            assert!(error.contains("`pointer_width_64` feature"));
        }
    }

    #[test]
    fn canonical_order_does_not_depend_on_insertion_order() {
        let words = ["pear", "fig", "apple", "kiwi", "plum", "lime", "date"];
        let map = |words: &mut dyn Iterator<Item = &&str>| -> HashMap<String, u32> {
            words.map(|w| ((*w).to_owned(), w.len() as u32)).collect()
        };
        let forward = map(&mut words.iter());
        let backward = map(&mut words.iter().rev());
        let order = |map: &HashMap<String, u32>| -> Vec<String> {
            canonical(map.iter())
                .into_iter()
                .map(|(_, (k, _))| k.clone())
                .collect()
        };
        assert_eq!(order(&forward), order(&backward));
        assert_eq!(order(&forward).len(), words.len());
        let archived = |map: &HashMap<String, u32>| {
            let mut sink = ArchiveSink::in_memory();
            Freeze(map).archive(&mut sink).unwrap();
            sink.into_bytes()
        };
        assert_eq!(
            archived(&forward).as_slice(),
            archived(&backward).as_slice()
        );
    }
}
