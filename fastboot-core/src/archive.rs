//! Turning values into rkyv archives and back.
//!
//! Archiving for a snapshot must be deterministic: the same value must give
//! the same bytes in every freeze run. rkyv lays out a `HashMap` in the map's
//! iteration order, which `RandomState` makes different in every process, so
//! a top-level `HashMap` or `HashSet` is archived in sorted key order instead
//! (see [`Freeze`]). The archived type is the same either way.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use rkyv::api::high::{HighSerializer, HighValidator};
use rkyv::bytecheck::CheckBytes;
use rkyv::collections::swiss_table::{
    ArchivedHashMap, ArchivedHashSet, HashMapResolver, HashSetResolver,
};
use rkyv::rancor::{self, Fallible, Source};
use rkyv::ser::allocator::ArenaHandle;
use rkyv::ser::{Allocator, Writer};
use rkyv::util::AlignedVec;
use rkyv::{Archive, Archived, Place, Serialize};

use crate::checksum::checksum_parts;

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
pub fn archive<T: Freezable>(value: &T) -> AlignedVec {
    // Serializing into memory fails only on allocation failure or on a
    // collection longer than the archive's pointers can address.
    rkyv::to_bytes::<rancor::Error>(value)
        .unwrap_or_else(|e| panic!("fastboot: cannot archive a computed value: {e}"))
}

/// Checks that `bytes` hold a valid archive of `T` (rkyv's bytecheck).
pub fn validate<T: Freezable>(bytes: &[u8]) -> Result<(), String> {
    rkyv::access::<Archived<T>, rancor::Error>(bytes)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Fingerprint of `T` as archived: its name, and its archived size and
/// alignment.
pub fn type_fingerprint<T: Freezable>() -> u64 {
    checksum_parts(&[
        std::any::type_name::<T>().as_bytes(),
        &size_of::<Archived<T>>().to_le_bytes(),
        &align_of::<Archived<T>>().to_le_bytes(),
    ])
}

/// Deterministic archiving, chosen by type with autoref specialization:
/// `(&Freeze(&value)).archive()` archives maps and sets in sorted key order
/// ([`FreezeSorted`]) and every other type as rkyv does ([`FreezePlain`]).
///
/// Maps nested inside other types are archived in their iteration order:
/// give them a fixed hasher or use a `BTreeMap` to keep snapshots
/// reproducible.
pub struct Freeze<'a, T>(pub &'a T);

/// The general case of [`Freeze`]: rkyv's own serialization.
pub trait FreezePlain {
    /// Archives the value.
    fn archive(&self) -> Result<Vec<u8>, String>;
}

impl<T: Freezable> FreezePlain for &Freeze<'_, T> {
    fn archive(&self) -> Result<Vec<u8>, String> {
        to_vec(self.0)
    }
}

/// The case of [`Freeze`] for hash maps and sets: sorted by key.
pub trait FreezeSorted {
    /// Archives the value.
    fn archive(&self) -> Result<Vec<u8>, String>;
}

impl<K, V, S> FreezeSorted for Freeze<'_, HashMap<K, V, S>>
where
    HashMap<K, V, S>: Freezable,
    K: Ord + Hash + Eq + for<'a> Serialize<Ser<'a>>,
    K::Archived: Hash + Eq,
    V: for<'a> Serialize<Ser<'a>>,
{
    fn archive(&self) -> Result<Vec<u8>, String> {
        to_vec(&SortedMap(self.0))
    }
}

impl<K, S> FreezeSorted for Freeze<'_, HashSet<K, S>>
where
    HashSet<K, S>: Freezable,
    K: Ord + Hash + Eq + for<'a> Serialize<Ser<'a>>,
    K::Archived: Hash + Eq,
{
    fn archive(&self) -> Result<Vec<u8>, String> {
        to_vec(&SortedSet(self.0))
    }
}

/// The serializer used for snapshots.
type Ser<'a> = HighSerializer<AlignedVec, ArenaHandle<'a>, rancor::Error>;

fn to_vec<T: for<'a> Serialize<Ser<'a>>>(value: &T) -> Result<Vec<u8>, String> {
    rkyv::to_bytes::<rancor::Error>(value)
        .map(|bytes| bytes.to_vec())
        .map_err(|e| e.to_string())
}

// rkyv's own impls for `HashMap`/`HashSet` use this load factor; the archived
// table records its capacity, so readers do not depend on it.
const LOAD_FACTOR: (usize, usize) = (7, 8);

/// A `HashMap` archived in sorted key order, as an `ArchivedHashMap`.
pub struct SortedMap<'a, K, V, S>(&'a HashMap<K, V, S>);

impl<K, V, S> Archive for SortedMap<'_, K, V, S>
where
    K: Archive + Hash + Eq,
    K::Archived: Hash + Eq,
    V: Archive,
{
    type Archived = ArchivedHashMap<K::Archived, V::Archived>;
    type Resolver = HashMapResolver;

    fn resolve(&self, resolver: Self::Resolver, out: Place<Self::Archived>) {
        ArchivedHashMap::resolve_from_len(self.0.len(), LOAD_FACTOR, resolver, out);
    }
}

impl<K, V, S, Ser> Serialize<Ser> for SortedMap<'_, K, V, S>
where
    K: Serialize<Ser> + Hash + Eq + Ord,
    K::Archived: Hash + Eq,
    V: Serialize<Ser>,
    Ser: Fallible + Writer + Allocator + ?Sized,
    Ser::Error: Source,
{
    fn serialize(&self, serializer: &mut Ser) -> Result<Self::Resolver, Ser::Error> {
        let mut items: Vec<(&K, &V)> = self.0.iter().collect();
        items.sort_unstable_by(|a, b| a.0.cmp(b.0));
        ArchivedHashMap::<K::Archived, V::Archived>::serialize_from_iter::<_, _, _, K, V, _>(
            items.iter().copied(),
            LOAD_FACTOR,
            serializer,
        )
    }
}

/// A `HashSet` archived in sorted order, as an `ArchivedHashSet`.
pub struct SortedSet<'a, K, S>(&'a HashSet<K, S>);

impl<K, S> Archive for SortedSet<'_, K, S>
where
    K: Archive + Hash + Eq,
    K::Archived: Hash + Eq,
{
    type Archived = ArchivedHashSet<K::Archived>;
    type Resolver = HashSetResolver;

    fn resolve(&self, resolver: Self::Resolver, out: Place<Self::Archived>) {
        ArchivedHashSet::resolve_from_len(self.0.len(), LOAD_FACTOR, resolver, out);
    }
}

impl<K, S, Ser> Serialize<Ser> for SortedSet<'_, K, S>
where
    K: Serialize<Ser> + Hash + Eq + Ord,
    K::Archived: Hash + Eq,
    Ser: Fallible + Writer + Allocator + ?Sized,
    Ser::Error: Source,
{
    fn serialize(&self, serializer: &mut Ser) -> Result<Self::Resolver, Ser::Error> {
        let mut items: Vec<&K> = self.0.iter().collect();
        items.sort_unstable();
        ArchivedHashSet::<K::Archived>::serialize_from_iter::<_, K, _>(
            items.iter().copied(),
            LOAD_FACTOR,
            serializer,
        )
    }
}
