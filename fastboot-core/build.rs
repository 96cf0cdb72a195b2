//! Sets the `cfg`s that say what this target supports, from its OS, once
//! for the whole crate:
//!
//! - `fastboot_platform`: the platform layer (`src/os/`) for the OS:
//!   `"linux"` (Linux, Android), `"macos"` or `"windows"`; unset elsewhere,
//!   where snapshots are not supported and values are computed.
//! - `fastboot_supported`: `fastboot_platform` is set.
//! - `fastboot_registry`: linkme's distributed slices exist (the list in
//!   linkme-impl's `declaration.rs`). Elsewhere frozen statics register
//!   themselves at first access instead.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(fastboot_registry)");
    println!("cargo::rustc-check-cfg=cfg(fastboot_supported)");
    println!(
        "cargo::rustc-check-cfg=cfg(fastboot_platform, values(\"linux\", \"macos\", \"windows\"))"
    );
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let platform = match os.as_str() {
        "linux" | "android" => Some("linux"),
        "macos" => Some("macos"),
        "windows" => Some("windows"),
        _ => None,
    };
    if let Some(platform) = platform {
        println!("cargo::rustc-cfg=fastboot_platform=\"{platform}\"");
        println!("cargo::rustc-cfg=fastboot_supported");
    }
    let linkme = [
        "none", "linux", "macos", "ios", "tvos", "android", "fuchsia", "illumos", "freebsd",
        "openbsd", "psp", "uefi", "windows",
    ];
    if linkme.contains(&os.as_str()) {
        println!("cargo::rustc-cfg=fastboot_registry");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
