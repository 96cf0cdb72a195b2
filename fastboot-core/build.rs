//! Sets `cfg(fastboot_registry)` on the targets where linkme's distributed
//! slices exist (the list in linkme-impl's `declaration.rs`). Elsewhere
//! frozen statics register themselves at first access instead.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(fastboot_registry)");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let linkme = [
        "none", "linux", "macos", "ios", "tvos", "android", "fuchsia", "illumos", "freebsd",
        "openbsd", "psp", "uefi", "windows",
    ];
    if linkme.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=fastboot_registry");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
