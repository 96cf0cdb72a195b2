//! The workload of fastboot's benchmarks, shared by every measured program
//! so that they all hold the same data and do the same work.
//!
//! The value is a `HashMap<String, Vec<u32>>`, like an inverted index: keys
//! `key0000000`, `key0000001`, ... (10 bytes), each with a sorted list of 1
//! to 28 ids drawn from a seeded generator. [`generate`] builds it the
//! cheapest way there is (no parsing, no tokenizing), so the cost of cold
//! computing it measured here is a lower bound for any real program that
//! builds such a map.
//!
//! Archived with rkyv, an entry takes about 90 bytes: 1,000,000 entries make
//! the 90 MB workload of reference.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The sizes benchmarked by default: a name, and the number of entries that
/// archive to about that many bytes.
pub const SIZES: [(&str, usize); 3] = [("1KB", 10), ("1MB", 11_000), ("90MB", 1_000_000)];

/// A size measured on request only (`run.sh --sizes 1KB,1MB,90MB,1GB`): its
/// programs take seconds each and gigabytes to compute or deserialize.
pub const LARGE: (&str, usize) = ("1GB", 11_000_000);

/// The number of entries of the size called `name` (see [`SIZES`] and
/// [`LARGE`]), or of a plain number.
pub fn entries_of(name: &str) -> Option<usize> {
    SIZES
        .iter()
        .chain([&LARGE])
        .find(|(size, _)| size.eq_ignore_ascii_case(name))
        .map(|&(_, n)| n)
        .or_else(|| name.parse().ok())
}

/// The number of lookups a measured program does: its first argument, or
/// 1 if it has none. The harness runs each program with 1 (the cost of
/// getting the value) and with 100 (the cost of touching many entries).
pub fn lookups_arg() -> usize {
    std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
}

/// The key of entry `i`, written into `out` (cleared first).
pub fn key_into(i: usize, out: &mut String) {
    out.clear();
    write!(out, "key{i:07}").expect("writing to a String cannot fail");
}

/// The key of entry `i`.
pub fn key(i: usize) -> String {
    let mut out = String::new();
    key_into(i, &mut out);
    out
}

/// The map of `entries` entries; the same for every call with the same
/// `entries`.
pub fn generate(entries: usize) -> HashMap<String, Vec<u32>> {
    let mut map = HashMap::with_capacity(entries);
    for i in 0..entries {
        map.insert(key(i), postings(i));
    }
    map
}

/// The value of entry `i`: 1 to 28 increasing ids.
pub fn postings(i: usize) -> Vec<u32> {
    let mut rng = Rng::new(i as u64);
    let len = 1 + rng.below(28) as usize;
    let mut id = 0u32;
    (0..len)
        .map(|_| {
            id += 1 + rng.below(1000);
            id
        })
        .collect()
}

/// The index of the `j`-th of `lookups` keys looked up in a map of `len`
/// entries: spread evenly over all of them, so that in a large map every
/// lookup lands on pages of its own.
pub fn probe_index(j: usize, lookups: usize, len: usize) -> usize {
    (j * len + len / 2) / lookups
}

/// What the lookups found: how many keys of how many, and their postings
/// in all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Found {
    /// Keys looked up.
    pub lookups: usize,
    /// Keys found.
    pub keys: usize,
    /// Sum of the lengths of their postings.
    pub postings: usize,
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "found {} of {} keys, {} postings",
            self.keys, self.lookups, self.postings
        )
    }
}

/// Looks up `lookups` keys in a map of `len` entries, with `get` returning
/// the length of a key's postings if the key is present.
///
/// Every measured program calls this on its own map type and prints the
/// result, so all do the same observable work.
pub fn probe(len: usize, lookups: usize, mut get: impl FnMut(&str) -> Option<usize>) -> Found {
    let mut key = String::with_capacity(16);
    let mut found = Found {
        lookups,
        ..Found::default()
    };
    for j in 0..lookups {
        key_into(probe_index(j, lookups, len), &mut key);
        if let Some(postings) = get(&key) {
            found.keys += 1;
            found.postings += postings;
        }
    }
    found
}

/// xorshift64*: a small deterministic generator, for workloads and tests
/// that must be the same in every run (fastboot's one copy of it).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed` (any value).
    pub fn new(seed: u64) -> Self {
        Self::from_state(seed.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// A generator starting from `state` (made odd: never zero).
    pub fn from_state(state: u64) -> Self {
        Rng(state | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u32) -> u32 {
        (self.next_u64() % u64::from(n)) as u32
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_is_deterministic_and_probes_hit() {
        let map = generate(1000);
        assert_eq!(map, generate(1000));
        assert_eq!(map.len(), 1000);
        assert!(map
            .values()
            .all(|p| (1..=28).contains(&p.len()) && p.is_sorted()));
        let found = probe(map.len(), 100, |k| map.get(k).map(Vec::len));
        assert_eq!((found.lookups, found.keys), (100, 100));
        assert_eq!(probe_index(99, 100, 10), 9);
        assert_eq!(probe_index(0, 1, 10), 5);
    }

    #[test]
    fn sizes_are_named() {
        assert_eq!(entries_of("90mb"), Some(1_000_000));
        assert_eq!(entries_of("1GB"), Some(11_000_000));
        assert_eq!(entries_of("42"), Some(42));
        assert_eq!(entries_of("huge"), None);
    }
}
