//! The program a fastboot user writes: thaw the map, look up the keys,
//! print. The harness deploys it three ways: with a snapshot file beside it,
//! with the snapshot appended (footer), and with it in its `fastboot`
//! section. Usage: `fastboot_app [LOOKUPS]`.

use std::collections::HashMap;

/// The benchmark's map, accessed in place (zero-copy, the default mode).
#[fastboot::frozen]
fn dataset() -> HashMap<String, Vec<u32>> {
    startup_bench::compute()
}

#[fastboot::main]
fn main() {
    let lookups = startup_workload::lookups_arg();
    let found = startup_bench::probe(dataset(), lookups);
    println!("{found}");
}
