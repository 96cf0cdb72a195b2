//! The whole loop for other targets, cross-built on this machine and run
//! through cargo's runner for them (qemu-user for aarch64 Linux, wine for
//! Windows):
//! `cargo fastboot build` freezes and embeds (section and footer), the
//! results thaw strictly with the computed values, another binary's
//! snapshot is refused and a corrupt snapshot file is computed.
//!
//! On a target with no snapshot support (wasm), the program computes its
//! values, `report()` says why, and strict mode and freezing fail with that
//! reason.
//!
//! A target whose programs can be linked here but not run (macOS, linked by
//! LLVM's ld64.lld through `tests/macos/ld64.sh`) cannot freeze: a snapshot
//! with the program's identity is written by the test, embedded in the
//! section (the signature renewed and checked) and appended, and read back.
//!
//! The targets are named by `FASTBOOT_CROSS_TARGETS`, for those with no
//! snapshot support `FASTBOOT_COMPUTE_ONLY_TARGETS`, and for those linked
//! only `FASTBOOT_LINK_ONLY_TARGETS` (comma-separated), with their linker
//! and runner configured as cargo expects them
//! (`CARGO_TARGET_<TRIPLE>_LINKER`, `_RUNNER`); `.ci/run` sets them all
//! and runs these tests with `--ignored`. They are ignored otherwise, and
//! fail if run without their variable.

mod fixture;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cargo_fastboot::snapshot::{embed_footer, embed_section, read_snapshot};
use cargo_fastboot::Error;
use fastboot_core::format::{self, EntryData};
use fastboot_core::Origin;
use fixture::{compile, cross_fixture, stdout, Fixture};
use object::Object;

/// The targets listed in the environment variable `var`; a failure if
/// there are none, for a test with nothing to test must not pass.
fn targets(var: &str) -> Vec<String> {
    let list = std::env::var(var).unwrap_or_default();
    let targets: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    assert!(
        !targets.is_empty(),
        "{var} names no target: run these tests with .ci/run's environment"
    );
    targets
}

/// Runs `cargo-fastboot fastboot build <args>` on the fixture for its target.
fn cargo_fastboot_build(f: &Fixture, args: &[&str]) -> PathBuf {
    let triple = f.triple.as_deref().expect("a cross fixture");
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-fastboot"))
        .args(["fastboot", "build"])
        .args(args)
        .args(["--release", "--target", triple, "--manifest-path"])
        .arg(f.workspace.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &f.target)
        .env_remove("FASTBOOT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cargo fastboot build {args:?}: {stderr}"
    );
    PathBuf::from(stdout(&out).lines().last().expect("a path on stdout"))
}

/// Runs `program` through the fixture's runner with the snapshot file
/// `snapshot` and `FASTBOOT=<mode>`.
fn run_with_file(f: &Fixture, program: &Path, snapshot: &Path, mode: &str) -> Output {
    fastboot_test_support::output(
        f.runner
            .command(program)
            .env("FASTBOOT", mode)
            .env("FASTBOOT_SNAPSHOT", snapshot)
            .env_remove("FASTBOOT_FREEZE"),
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that a run succeeded with the computed values, and said on
/// standard error why it did not thaw (`why`).
fn assert_computed_because(f: &Fixture, out: &Output, why: &str) {
    let triple = f.triple.as_deref().unwrap_or("host");
    assert!(out.status.success(), "{triple}: {}", stderr(out));
    assert_eq!(values(out), f.expected, "{triple}");
    assert!(stderr(out).contains(why), "{triple}: {}", stderr(out));
}

/// The lines about the values, without those about their origin.
fn values(out: &Output) -> String {
    fixture::values(&stdout(out))
}

#[test]
#[ignore = "needs FASTBOOT_CROSS_TARGETS, cross linkers and runners (.ci/run sets them)"]
fn cross_built_programs_freeze_embed_and_thaw_strictly() {
    for triple in targets("FASTBOOT_CROSS_TARGETS") {
        let f = cross_fixture(&triple);

        // Through `cargo fastboot build`, which freezes through the runner.
        let section = cargo_fastboot_build(&f, &["--section", "--bin", "linked"]);
        f.assert_thaws_strictly(&section, "Section");
        let footer = cargo_fastboot_build(&f, &["--footer", "--bin", "plain"]);
        f.assert_thaws_strictly(&footer, "Footer");

        // Embedding again replaces the section's snapshot; appending takes
        // it out of the section.
        let renamed = |prefix: &str| {
            let name = section.file_name().unwrap().to_string_lossy();
            f.scratch.join(format!("{prefix}-{name}"))
        };
        let again = renamed("again");
        embed_section(&section, &f.linked_snap, &again).unwrap();
        f.assert_thaws_strictly(&again, "Section");
        let moved = renamed("moved");
        embed_footer(&again, &f.linked_snap, &moved).unwrap();
        f.assert_thaws_strictly(&moved, "Footer");

        // A snapshot file beside nothing: named by FASTBOOT_SNAPSHOT.
        let out = run_with_file(&f, &f.linked, &f.linked_snap, "strict");
        assert!(out.status.success(), "{triple}: {}", stderr(&out));
        assert_eq!(values(&out), f.expected, "{triple}");
        assert!(stdout(&out).contains("Thawed(File("), "{triple}");

        // Another binary's snapshot: refused in one line, values computed,
        // and strict mode fails.
        let out = run_with_file(&f, &f.linked, &f.plain_snap, "");
        assert_computed_because(&f, &out, "produced by another binary");
        let strict = run_with_file(&f, &f.linked, &f.plain_snap, "strict");
        assert!(!strict.status.success(), "{triple}: strict passed");

        // A corrupt snapshot file: the damaged entry is computed.
        let corrupt = f.scratch.join("corrupt.snap");
        let mut bytes = fs::read(&f.linked_snap).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&corrupt, &bytes).unwrap();
        let out = run_with_file(&f, &f.linked, &corrupt, "");
        assert_computed_because(&f, &out, "checksum mismatch");
        assert!(stdout(&out).contains("Computed(Invalid("), "{triple}");
    }
}

#[test]
#[ignore = "needs FASTBOOT_COMPUTE_ONLY_TARGETS and a wasm runner (.ci/run sets them)"]
fn without_snapshot_support_values_compute_and_strict_mode_says_why() {
    for triple in targets("FASTBOOT_COMPUTE_ONLY_TARGETS") {
        let compiled = compile("release", Some(&triple));
        let run = |env: &[(&str, &str)]| {
            let mut command = compiled.runner.command(&compiled.linked);
            for var in ["FASTBOOT", "FASTBOOT_FREEZE", "FASTBOOT_SNAPSHOT"] {
                command.env_remove(var);
            }
            fastboot_test_support::output(command.envs(env.iter().copied()))
        };
        let reason = "no snapshot support on this target";

        let out = run(&[]);
        assert!(out.status.success(), "{triple}: {}", stderr(&out));
        assert!(
            values(&out).contains("squares 1000 332833500"),
            "{triple}: {}",
            stdout(&out)
        );
        let origins: Vec<String> = stdout(&out)
            .lines()
            .filter(|l| l.starts_with("origin"))
            .map(str::to_owned)
            .collect();
        assert_eq!(origins.len(), 2, "{triple}: {}", stdout(&out));
        for line in origins {
            assert!(
                line.ends_with("Some(Computed(Unsupported))"),
                "{triple}: {line}"
            );
        }

        for env in [[("FASTBOOT", "strict")], [("FASTBOOT_FREEZE", "app.snap")]] {
            let out = run(&env);
            assert_eq!(out.status.code(), Some(1), "{triple}: {env:?}");
            assert!(stderr(&out).contains(reason), "{triple}: {}", stderr(&out));
        }
    }
}

#[test]
#[ignore = "needs FASTBOOT_LINK_ONLY_TARGETS and ld64.lld (.ci/run sets them)"]
fn programs_linked_but_not_run_take_a_snapshot_in_their_section_and_stay_signed() {
    for triple in targets("FASTBOOT_LINK_ONLY_TARGETS") {
        let compiled = compile("release", Some(&triple));
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("link-only-{triple}"));
        fs::create_dir_all(&dir).unwrap();
        // The snapshot a freeze run would write, with the program's identity.
        let snapshot_of = |program: &Path, name: &str| {
            let bytes = fs::read(program).unwrap();
            let id = object::File::parse(&*bytes).unwrap().mach_uuid().unwrap();
            let id = id.unwrap_or_else(|| panic!("{triple}: {} has no LC_UUID", program.display()));
            let archive = vec![42u8; 100_000];
            let entry = EntryData {
                name: "main::squares",
                fingerprint: 1,
                bytes: &archive,
            };
            let path = dir.join(name);
            fs::write(&path, format::write(&id, &[entry]).unwrap()).unwrap();
            (path, id)
        };
        let (snapshot, id) = snapshot_of(&compiled.linked, "linked.snap");

        // In the section: `embed_section` checks the result's signature.
        let section = dir.join("section");
        embed_section(&compiled.linked, &snapshot, &section).unwrap();
        let found = read_snapshot(&section).unwrap();
        assert!(
            found.origin == Origin::Section,
            "{triple}: {:?}",
            found.origin
        );
        assert_eq!(found.snapshot().unwrap().producer(), id, "{triple}");
        assert_eq!(found.binary_build_id.unwrap().as_bytes(), id, "{triple}");
        assert_eq!(found.bytes, fs::read(&snapshot).unwrap(), "{triple}");

        // Appended instead, the section's snapshot is taken out; after a
        // code signature (arm64, where the linker always signs), appending
        // is refused.
        let footer = dir.join("footer");
        let appended = embed_footer(&section, &snapshot, &footer);
        if is_signed(&section) {
            assert!(
                matches!(appended, Err(Error::FooterUnusable { .. })),
                "{triple}: {appended:?}"
            );
        } else {
            appended.unwrap();
            let found = read_snapshot(&footer).unwrap();
            assert!(
                found.origin == Origin::Footer,
                "{triple}: {:?}",
                found.origin
            );
        }

        // Another program's snapshot is refused.
        let (foreign, _) = snapshot_of(&compiled.plain, "plain.snap");
        let err = embed_section(&compiled.linked, &foreign, &dir.join("foreign")).unwrap_err();
        assert!(
            matches!(err, Error::ForeignSnapshot { .. }),
            "{triple}: {err}"
        );

        // Without `fastboot_ld::link()` the section's segment is writable,
        // which the program would not trust: only appending is offered.
        let err = embed_section(&compiled.plain, &foreign, &dir.join("plain")).unwrap_err();
        assert!(
            err.to_string().contains("fastboot_ld::link()"),
            "{triple}: {err}"
        );
        if !is_signed(&compiled.plain) {
            embed_footer(&compiled.plain, &foreign, &dir.join("plain")).unwrap();
        }
    }
}

/// Whether the Mach-O program at `path` has a code signature.
fn is_signed(path: &Path) -> bool {
    use object::macho::MachHeader64;
    use object::read::macho::MachHeader;
    let bytes = fs::read(path).unwrap();
    let header = MachHeader64::<object::Endianness>::parse(&*bytes, 0).unwrap();
    let endian = header.endian().unwrap();
    let mut commands = header.load_commands(endian, &*bytes, 0).unwrap();
    while let Some(command) = commands.next().unwrap() {
        if command.cmd() == object::macho::LC_CODE_SIGNATURE {
            return true;
        }
    }
    false
}
