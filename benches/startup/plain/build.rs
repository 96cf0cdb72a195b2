//! Chooses the data that `rkyv_include` embeds with `include_bytes!`: the
//! archive named by `STARTUP_RKYV_DATA` (written by the `gen` program; the
//! startup harness sets it), or else an archive of the smallest workload,
//! written here so that the package builds on its own.

use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=STARTUP_RKYV_DATA");
    let path = if let Some(path) = std::env::var_os("STARTUP_RKYV_DATA") {
        PathBuf::from(path)
    } else {
        let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("run by cargo"));
        let path = out.join("default.rkyv");
        let (_, entries) = startup_workload::SIZES[0];
        let map = startup_workload::generate(entries);
        let bytes = rkyv::to_bytes::<rkyv::rancor::Error>(&map).expect("archiving");
        std::fs::write(&path, &bytes).expect("writing the default archive");
        path
    };
    println!("cargo:rerun-if-changed={}", path.display());
    println!("cargo:rustc-env=STARTUP_RKYV_FILE={}", path.display());
}
