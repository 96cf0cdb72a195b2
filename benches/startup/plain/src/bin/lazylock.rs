//! Cold compute: the map is built in a `LazyLock` on first use, as a program
//! without fastboot would do. Usage: `lazylock LOOKUPS ENTRIES`.

use std::collections::HashMap;
use std::sync::LazyLock;

static INDEX: LazyLock<HashMap<String, Vec<u32>>> = LazyLock::new(|| {
    let entries = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .expect("usage: lazylock LOOKUPS ENTRIES");
    startup_workload::generate(entries)
});

fn main() {
    let index = &*INDEX;
    let lookups = startup_workload::lookups_arg();
    let found = startup_workload::probe(index.len(), lookups, |key| index.get(key).map(Vec::len));
    println!("{found}");
}
