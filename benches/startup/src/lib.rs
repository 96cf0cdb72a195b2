//! The fastboot side of the startup benchmark (see `README.md` beside this
//! crate): the value every fastboot program of the benchmark freezes, and
//! the lookups in its archived form.
//!
//! The frozen statics themselves are declared by each program, not here: a
//! freeze run archives every entry registered in the executable, and an
//! entry declared in this library would be registered in every program
//! linked with it, the `deserialize` and `serde` ones included.

use std::collections::HashMap;

/// Environment variable giving the number of entries a freeze run computes
/// (default: the smallest size).
pub const ENTRIES_VAR: &str = "STARTUP_ENTRIES";

/// The benchmark's map as a freeze run computes it, with the number of
/// entries in `STARTUP_ENTRIES`: the body of every program's frozen static.
///
/// Thawed programs never run it, so they read no variable: the size is the
/// snapshot's.
pub fn compute() -> HashMap<String, Vec<u32>> {
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

/// Looks up `lookups` of the benchmark's keys in the owned map, as the
/// `deserialize` and `serde` programs hold it.
#[allow(clippy::implicit_hasher, reason = "the benchmark's one map type")]
pub fn probe_owned(index: &HashMap<String, Vec<u32>>, lookups: usize) -> startup_workload::Found {
    startup_workload::probe(index.len(), lookups, |key| index.get(key).map(Vec::len))
}
