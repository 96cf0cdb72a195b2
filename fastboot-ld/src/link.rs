//! Linking a program so that its snapshot can be embedded in place: call
//! [`link`] from the program's build script.
//!
//! ```no_run
//! // in build.rs's `fn main`:
//! fastboot_ld::link();
//! println!("cargo:rerun-if-changed=build.rs");
//! ```
//!
//! with `fastboot-ld = { version = "0.1", default-features = false }` under
//! `[build-dependencies]`. This module has no dependency.

use std::path::PathBuf;

/// File name of the linker script written to `OUT_DIR`.
pub const SCRIPT_NAME: &str = "fastboot.ld";

/// The linker script: the `fastboot` section goes alone into its own
/// read-only loadable segment after `.bss`, the last one of the program, so
/// that embedding can grow it in place without moving any
/// other section. `INSERT AFTER` augments the linker's default script
/// instead of replacing it.
pub const SCRIPT: &str = "\
SECTIONS {
  fastboot ALIGN(CONSTANT(MAXPAGESIZE)) : SUBALIGN(4096) { KEEP(*(fastboot)) }
} INSERT AFTER .bss;
";

/// The linker arguments for the script at `script`: use it, and give the
/// program a GNU build-id, which snapshots are matched against.
pub fn link_args(script: &std::path::Path) -> [String; 2] {
    [
        format!("-Wl,-T,{}", script.display()),
        "-Wl,--build-id".to_owned(),
    ]
}

/// Writes the linker script to `OUT_DIR` and tells cargo to link every
/// binary, example, test and benchmark of the package with it.
///
/// Call it from a build script. It does nothing for targets other than
/// Linux, where fastboot thaws from files only. GNU gold cannot read the
/// script (it has no `INSERT`): when the rustflags select it, only the
/// build-id is asked for, with a warning, and snapshots must be appended
/// (`cargo fastboot build --footer`).
///
/// # Panics
/// If `OUT_DIR` is unset (not run by cargo as a build script), contains a
/// comma, or the script cannot be written there.
pub fn link() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    if selects_gold(&std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default()) {
        println!(
            "cargo:warning=fastboot: gold cannot read fastboot's linker script; \
             embed snapshots with `cargo fastboot build --footer`"
        );
        println!("cargo:rustc-link-arg=-Wl,--build-id");
        return;
    }
    let out_dir = std::env::var_os("OUT_DIR")
        .expect("fastboot_ld::link() must be called from a build script (OUT_DIR is unset)");
    let script = PathBuf::from(out_dir).join(SCRIPT_NAME);
    // `-Wl,` splits its argument at commas.
    assert!(
        !script.to_string_lossy().contains(','),
        "fastboot_ld::link(): OUT_DIR must not contain a comma: {}",
        script.display()
    );
    if let Err(e) = std::fs::write(&script, SCRIPT) {
        panic!("fastboot_ld::link(): writing {}: {e}", script.display());
    }
    for arg in link_args(&script) {
        println!("cargo:rustc-link-arg={arg}");
    }
}

/// Whether cargo's encoded rustflags (separated by `\x1f`) select the gold
/// linker.
fn selects_gold(encoded_rustflags: &str) -> bool {
    encoded_rustflags
        .split('\x1f')
        .any(|flag| flag.contains("-fuse-ld=gold"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn args_name_the_script_and_ask_for_a_build_id() {
        let [script, build_id] = link_args("/out/fastboot.ld".as_ref());
        assert_eq!(script, "-Wl,-T,/out/fastboot.ld");
        assert_eq!(build_id, "-Wl,--build-id");
    }

    #[test]
    fn gold_is_recognised_in_the_rustflags() {
        assert!(selects_gold("-C\x1flink-arg=-fuse-ld=gold"));
        assert!(selects_gold("-Clink-arg=-fuse-ld=gold\x1f-Copt-level=3"));
        assert!(!selects_gold("-C\x1flink-arg=-fuse-ld=bfd"));
        assert!(!selects_gold(""));
    }

    #[test]
    fn script_keeps_the_section_and_inserts_after_bss() {
        assert!(SCRIPT.contains("KEEP(*(fastboot))"));
        assert!(SCRIPT.trim_end().ends_with("INSERT AFTER .bss;"));
    }
}
