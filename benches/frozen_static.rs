//! How a benchmark (or any `harness = false` target) uses frozen statics:
//! like a program, it calls `fastboot::init()` first, then uses them.
//!
//! ```sh
//! # A freeze run: computes every frozen static, writes the snapshot, exits.
//! FASTBOOT_FREEZE=target/frozen_static.snap cargo bench --bench frozen_static
//! # Later runs thaw the index from it instead of computing it.
//! FASTBOOT_SNAPSHOT=target/frozen_static.snap cargo bench --bench frozen_static
//! ```
//!
//! Without a snapshot the index is computed at its first access, so the
//! benchmark is the same either way; only its set-up time changes. A
//! snapshot belongs to the exact binary that froze it (its build-id): after
//! any change that rebuilds the benchmark, freeze again (a stale snapshot is
//! reported on standard error and the values are computed).

use std::collections::HashMap;
use std::hint::black_box;

use divan::Bencher;

/// The 1 MB workload of the benchmarks: 11,000 entries.
#[fastboot::frozen]
fn index() -> HashMap<String, Vec<u32>> {
    startup_workload::generate(11_000)
}

fn main() {
    // First: a freeze run exits here, having written the snapshot.
    fastboot::init();
    divan::main();
    for entry in fastboot::report() {
        if let Some(outcome) = entry.outcome {
            eprintln!("{}: {outcome}", entry.name);
        }
    }
}

/// A call of the frozen function after the first: a load and a branch.
#[divan::bench]
fn access() -> usize {
    black_box(index()).len()
}

/// One lookup in the thawed (or computed) index.
#[divan::bench]
fn lookup(bencher: Bencher) {
    let index = index();
    let key = startup_workload::key(startup_workload::probe_index(0, 1, index.len()));
    bencher.bench(|| {
        index
            .get(black_box(key.as_str()))
            .map(fastboot::rkyv::vec::ArchivedVec::len)
    });
}
