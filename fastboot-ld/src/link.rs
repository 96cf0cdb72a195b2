//! Linking a program so that its snapshot can be matched to it and
//! embedded in place: call [`link`] from the program's build script.
//!
//! ```no_run
//! // in build.rs's `fn main`:
//! fastboot_ld::link();
//! println!("cargo:rerun-if-changed=build.rs");
//! ```

use std::path::{Path, PathBuf};

/// File name of the linker script written to `OUT_DIR`.
pub const SCRIPT_NAME: &str = "fastboot.ld";

/// The ELF linker script: the `fastboot` section goes alone into its own
/// read-only loadable segment after `.bss`, the last one of the program or
/// shared library, so that embedding can grow it in place without moving
/// any other section. `INSERT AFTER` augments the linker's default script
/// instead of replacing it.
pub const SCRIPT: &str = "\
SECTIONS {
  fastboot ALIGN(CONSTANT(MAXPAGESIZE)) : SUBALIGN(4096) { KEEP(*(fastboot)) }
} INSERT AFTER .bss;
";

/// The PE linker script, for GNU ld: it keeps the registry's entries (the
/// section `fastboot_core::contract::registry_section::PE`), which
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

/// Tells cargo how to link every binary, example, test and benchmark of
/// the package, and its shared library (`cdylib`: cargo passes
/// `rustc-link-arg` to all of them), so that snapshots can be embedded and
/// matched:
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
    let target = Target {
        os: var("CARGO_CFG_TARGET_OS"),
        env: var("CARGO_CFG_TARGET_ENV"),
        abi: var("CARGO_CFG_TARGET_ABI"),
    };
    let plan = plan(&target, &var("CARGO_ENCODED_RUSTFLAGS"));
    if let Some(warning) = plan.warning {
        println!("cargo:warning={warning}");
    }
    let script = plan.script.map(write_script);
    for arg in plan.link_args(script.as_deref()) {
        println!("cargo:rustc-link-arg={arg}");
    }
}

/// The target a build script builds for, from cargo's `CARGO_CFG_TARGET_*`.
#[derive(Debug)]
struct Target {
    os: String,
    env: String,
    abi: String,
}

/// What [`link`] does for a target.
#[derive(Debug, PartialEq, Eq)]
struct Plan {
    /// The linker script to write and pass to the linker, if any.
    script: Option<&'static str>,
    /// Whether to ask for a GNU build-id (ELF) or CodeView record (PE).
    build_id: bool,
    /// Other linker arguments.
    extra: &'static [&'static str],
    /// A warning for the user.
    warning: Option<&'static str>,
}

impl Plan {
    const NOTHING: Plan = Plan {
        script: None,
        build_id: false,
        extra: &[],
        warning: None,
    };

    /// The linker arguments, with [`Plan::script`] written at `script`.
    fn link_args(&self, script: Option<&Path>) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(script) = script {
            args.push(format!("-Wl,-T,{}", script.display()));
        }
        if self.build_id {
            args.push("-Wl,--build-id".to_owned());
        }
        args.extend(self.extra.iter().map(|&arg| arg.to_owned()));
        args
    }
}

/// What [`link`] does for `target`, built with cargo's encoded `rustflags`.
fn plan(target: &Target, rustflags: &str) -> Plan {
    match (target.os.as_str(), target.env.as_str(), target.abi.as_str()) {
        ("linux", _, _) if selects_gold(rustflags) => Plan {
            build_id: true,
            warning: Some(
                "fastboot: gold cannot read fastboot's linker script; \
                 embed snapshots with `cargo fastboot build --footer`",
            ),
            ..Plan::NOTHING
        },
        ("linux", _, _) => Plan {
            script: Some(SCRIPT),
            build_id: true,
            ..Plan::NOTHING
        },
        ("windows", "gnu", "llvm") => Plan {
            build_id: true,
            ..Plan::NOTHING
        },
        ("windows", "gnu", _) => Plan {
            script: Some(PE_SCRIPT),
            build_id: true,
            ..Plan::NOTHING
        },
        ("macos", _, _) => Plan {
            extra: &MACHO_SEGMENT_ARGS,
            ..Plan::NOTHING
        },
        _ => Plan::NOTHING,
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

    fn target(os: &str, env: &str, abi: &str) -> Target {
        Target {
            os: os.into(),
            env: env.into(),
            abi: abi.into(),
        }
    }

    fn args(os: &str, env: &str, abi: &str) -> Vec<String> {
        let plan = plan(&target(os, env, abi), "");
        let written = plan.script.map(|_| Path::new("/out/fastboot.ld"));
        plan.link_args(written)
    }

    #[test]
    fn each_target_gets_its_script_and_identity() {
        let with_script = ["-Wl,-T,/out/fastboot.ld", "-Wl,--build-id"];
        assert_eq!(args("linux", "gnu", ""), with_script);
        assert_eq!(args("linux", "musl", ""), with_script);
        assert_eq!(plan(&target("linux", "gnu", ""), "").script, Some(SCRIPT));
        assert_eq!(args("windows", "gnu", ""), with_script);
        assert_eq!(
            plan(&target("windows", "gnu", ""), "").script,
            Some(PE_SCRIPT)
        );
        // lld (gnullvm) needs no script; link.exe writes a PDB itself.
        assert_eq!(args("windows", "gnu", "llvm")[..], ["-Wl,--build-id"]);
        assert!(args("windows", "msvc", "").is_empty());
        assert_eq!(args("macos", "", ""), MACHO_SEGMENT_ARGS);
        for (os, env) in [("wasi", "p1"), ("unknown", ""), ("freebsd", "")] {
            assert_eq!(plan(&target(os, env, ""), ""), Plan::NOTHING, "{os}");
        }
    }

    #[test]
    fn with_gold_only_the_build_id_is_asked_for_with_a_warning() {
        let gold = plan(&target("linux", "gnu", ""), "-C\x1flink-arg=-fuse-ld=gold");
        assert_eq!(gold.script, None);
        assert_eq!(gold.link_args(None), ["-Wl,--build-id"]);
        assert!(gold.warning.unwrap().contains("--footer"));
    }

    #[test]
    fn gold_is_recognised_in_the_rustflags() {
        assert!(selects_gold("-C\x1flink-arg=-fuse-ld=gold"));
        assert!(selects_gold("-Clink-arg=-fuse-ld=gold\x1f-Copt-level=3"));
        assert!(!selects_gold("-C\x1flink-arg=-fuse-ld=bfd"));
        assert!(!selects_gold(""));
    }
}
