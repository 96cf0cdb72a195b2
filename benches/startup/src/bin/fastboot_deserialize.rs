//! The benchmark's program in the `deserialize` mode: the map is stored as
//! an rkyv archive and deserialized once, at first access, into an owned
//! `HashMap`; then the same lookups and line as every other program. The
//! harness deploys it with the snapshot in its `fastboot` section. Usage:
//! `fastboot_deserialize [LOOKUPS]`.

use std::collections::HashMap;

/// The benchmark's map, deserialized from its archive at first access.
#[fastboot::frozen(deserialize)]
fn dataset() -> HashMap<String, Vec<u32>> {
    startup_bench::compute()
}

#[fastboot::main]
fn main() {
    let lookups = startup_workload::lookups_arg();
    let found = startup_bench::probe_owned(dataset(), lookups);
    println!("{found}");
}
