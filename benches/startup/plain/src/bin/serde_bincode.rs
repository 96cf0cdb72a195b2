//! Deserializing a file: the map is read from a file written by `gen` and
//! decoded with serde + bincode 2 (standard configuration) into a
//! `HashMap`. Usage: `serde_bincode LOOKUPS FILE`.

use std::collections::HashMap;

fn main() {
    let path = std::env::args_os()
        .nth(2)
        .expect("usage: serde_bincode LOOKUPS FILE");
    let bytes = std::fs::read(&path).expect("reading the data file");
    let (index, _): (HashMap<String, Vec<u32>>, usize) =
        bincode::serde::decode_from_slice(&bytes, bincode::config::standard())
            .expect("decoding the data file");
    let lookups = startup_workload::lookups_arg();
    let found = startup_workload::probe(index.len(), lookups, |key| index.get(key).map(Vec::len));
    println!("{found}");
}
