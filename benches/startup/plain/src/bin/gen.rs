//! Writes the data files of the startup benchmark: `DIR/data.bincode` (for
//! `serde_bincode`) and `DIR/data.rkyv` (for `rkyv_include`, through
//! `STARTUP_RKYV_DATA` at build time). Usage: `gen ENTRIES DIR`.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args_os().skip(1);
    let (Some(entries), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: gen ENTRIES DIR");
        std::process::exit(2);
    };
    let entries: usize = entries
        .to_str()
        .and_then(|n| n.parse().ok())
        .expect("ENTRIES is a number");
    let dir = PathBuf::from(dir);
    let map = startup_workload::generate(entries);

    let bincode = bincode::serde::encode_to_vec(&map, bincode::config::standard())
        .expect("encoding with bincode");
    std::fs::write(dir.join("data.bincode"), &bincode).expect("writing data.bincode");
    let rkyv = rkyv::to_bytes::<rkyv::rancor::Error>(&map).expect("archiving with rkyv");
    std::fs::write(dir.join("data.rkyv"), &rkyv).expect("writing data.rkyv");
    println!(
        "{entries} entries: bincode {} bytes, rkyv {} bytes",
        bincode.len(),
        rkyv.len()
    );
}
