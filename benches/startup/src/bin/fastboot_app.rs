//! The program a fastboot user writes: thaw the map, look up the keys,
//! print. The harness deploys it three ways: with a snapshot file beside it,
//! with the snapshot appended (footer), and with it in its `fastboot`
//! section. Usage: `fastboot_app [LOOKUPS]`.

#[fastboot::main]
fn main() {
    let lookups = startup_workload::lookups_arg();
    let found = startup_bench::probe(startup_bench::dataset(), lookups);
    println!("{found}");
}
