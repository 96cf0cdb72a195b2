//! The benchmark's program in the `serde` mode: the map is stored in
//! `MessagePack` (rmp-serde) and deserialized with serde once, at first
//! access, into an owned `HashMap`; then the same lookups and line as every
//! other program. The harness deploys it with the snapshot in its
//! `fastboot` section. Usage: `fastboot_serde [LOOKUPS]`.

use std::collections::HashMap;

/// The benchmark's map, decoded from `MessagePack` at first access.
#[fastboot::frozen(serde)]
fn dataset() -> HashMap<String, Vec<u32>> {
    startup_bench::compute()
}

#[fastboot::main]
fn main() {
    let lookups = startup_workload::lookups_arg();
    let found = startup_bench::probe_owned(dataset(), lookups);
    println!("{found}");
}
