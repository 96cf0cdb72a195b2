//! The fastboot side of the startup benchmark (see `README.md` beside this
//! crate): the frozen static every fastboot program of the benchmark
//! thaws, shared so that they all hold the same entry.

use std::collections::HashMap;

/// Environment variable giving the number of entries a freeze run computes
/// (default: the smallest size).
pub const ENTRIES_VAR: &str = "STARTUP_ENTRIES";

/// The benchmark's map, computed by the freeze run with the number of
/// entries in `STARTUP_ENTRIES`.
///
/// Thawed programs never run this body, so they read no variable: the size
/// is the snapshot's.
#[fastboot::frozen]
pub fn dataset() -> HashMap<String, Vec<u32>> {
    let entries = std::env::var(ENTRIES_VAR)
        .ok()
        .and_then(|n| startup_workload::entries_of(&n))
        .unwrap_or(startup_workload::SIZES[0].1);
    startup_workload::generate(entries)
}

/// Looks up `lookups` of the benchmark's keys in the archived map.
#[allow(clippy::implicit_hasher, reason = "the benchmark's one map type")]
pub fn probe(
    index: &fastboot::Archived<HashMap<String, Vec<u32>>>,
    lookups: usize,
) -> startup_workload::Found {
    startup_workload::probe(index.len(), lookups, |key| {
        index.get(key).map(fastboot::rkyv::vec::ArchivedVec::len)
    })
}
