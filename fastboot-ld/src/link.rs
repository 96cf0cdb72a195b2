//! Linking a program so that its snapshot can be matched to it and
//! embedded in place: call [`link`] from the program's build script.
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

/// The ELF linker script: the `fastboot` section goes alone into its own
/// read-only loadable segment after `.bss`, the last one of the program, so
/// that embedding can grow it in place without moving any
/// other section. `INSERT AFTER` augments the linker's default script
/// instead of replacing it.
pub const SCRIPT: &str = "\
SECTIONS {
  fastboot ALIGN(CONSTANT(MAXPAGESIZE)) : SUBALIGN(4096) { KEEP(*(fastboot)) }
} INSERT AFTER .bss;
";

/// The PE linker script, for GNU ld: it keeps the registry's entries, which
/// `--gc-sections` (that rustc passes) would otherwise drop, since nothing
/// refers to them. (linkme's slices on `windows-gnu` are empty without it.)
/// The `fastboot` section is added after linking, as the image's last.
pub const PE_SCRIPT: &str = "\
SECTIONS {
  .linkme_ENTRIES BLOCK(__section_alignment__) : { KEEP(*(SORT(.linkme_ENTRIES$*))) }
} INSERT AFTER .rdata;
";

/// The Mach-O segment that holds the `fastboot` section, and its
/// protection: read-only, so that the snapshot is shared and never
/// written. ld64 puts it after the data segments, before `__LINKEDIT`.
pub const MACHO_SEGMENT_ARGS: [&str; 1] = ["-Wl,-segprot,__FASTBOOT,r,r"];

/// The linker arguments for the script at `script`: use it, and give the
/// program a GNU build-id (ELF) or a CodeView record (PE), which snapshots
/// are matched against.
pub fn link_args(script: &std::path::Path) -> [String; 2] {
    [
        format!("-Wl,-T,{}", script.display()),
        "-Wl,--build-id".to_owned(),
    ]
}

/// Tells cargo how to link every binary, example, test and benchmark of
/// the package so that snapshots can be embedded and matched:
///
/// - Linux: a linker script giving the `fastboot` section its own segment,
///   and a GNU build-id. GNU gold cannot read the script (it has no
///   `INSERT`): when the rustflags select it, only the build-id is asked
///   for, with a warning, and snapshots must be appended
///   (`cargo fastboot build --footer`).
/// - Windows with GNU ld (`*-windows-gnu`): a CodeView record
///   (`--build-id`) and a script keeping the registry (see [`PE_SCRIPT`]).
///   With lld (`*-windows-gnullvm`) the CodeView record only. With
///   link.exe or lld-link (`*-windows-msvc`) nothing: rustc has them write
///   a PDB, and with it the CodeView record, unless symbols are stripped.
/// - macOS: the `fastboot` segment made read-only. ld64 always writes the
///   `LC_UUID` that identifies the program.
/// - Elsewhere nothing: fastboot thaws from nothing there.
///
/// Call it from a build script.
///
/// # Panics
/// If `OUT_DIR` is unset (not run by cargo as a build script), contains a
/// comma, or a script cannot be written there.
pub fn link() {
    let var = |name| std::env::var(name).unwrap_or_default();
    match (
        var("CARGO_CFG_TARGET_OS").as_str(),
        var("CARGO_CFG_TARGET_ENV").as_str(),
        var("CARGO_CFG_TARGET_ABI").as_str(),
    ) {
        ("linux", _, _) => link_elf(),
        ("windows", "gnu", "llvm") => println!("cargo:rustc-link-arg=-Wl,--build-id"),
        ("windows", "gnu", _) => {
            let script = write_script(PE_SCRIPT);
            for arg in link_args(&script) {
                println!("cargo:rustc-link-arg={arg}");
            }
        }
        ("macos", _, _) => {
            for arg in MACHO_SEGMENT_ARGS {
                println!("cargo:rustc-link-arg={arg}");
            }
        }
        _ => {}
    }
}

fn link_elf() {
    if selects_gold(&std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default()) {
        println!(
            "cargo:warning=fastboot: gold cannot read fastboot's linker script; \
             embed snapshots with `cargo fastboot build --footer`"
        );
        println!("cargo:rustc-link-arg=-Wl,--build-id");
        return;
    }
    let script = write_script(SCRIPT);
    for arg in link_args(&script) {
        println!("cargo:rustc-link-arg={arg}");
    }
}

/// Writes `contents` to [`SCRIPT_NAME`] in `OUT_DIR`.
fn write_script(contents: &str) -> PathBuf {
    let out_dir = std::env::var_os("OUT_DIR")
        .expect("fastboot_ld::link() must be called from a build script (OUT_DIR is unset)");
    let script = PathBuf::from(out_dir).join(SCRIPT_NAME);
    // `-Wl,` splits its argument at commas.
    assert!(
        !script.to_string_lossy().contains(','),
        "fastboot_ld::link(): OUT_DIR must not contain a comma: {}",
        script.display()
    );
    if let Err(e) = std::fs::write(&script, contents) {
        panic!("fastboot_ld::link(): writing {}: {e}", script.display());
    }
    script
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
