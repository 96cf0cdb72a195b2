//! The `cargo-fastboot` binary on a shared library (the repository's
//! `examples/plugin`, a `cdylib`, built by a nested cargo in a target
//! directory of its own): `build --lib` builds, freezes (loading it in the
//! tool's own host) and embeds; `freeze`, `verify` and `inspect` take the
//! library; a library that does not freeze when loaded is an error.

#![cfg(target_os = "linux")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cargo_fastboot::exe::Info;

/// The plugin package's manifest and the nested cargo's target directory.
fn paths() -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("cargo-fastboot sits in fastboot-ld, in the workspace")
        .to_owned();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fastboot-ld-library-target");
    (root.join("examples/plugin/Cargo.toml"), target)
}

/// Runs `cargo-fastboot fastboot <args>`, as `cargo fastboot <args>` does.
fn cargo_fastboot(args: &[&str]) -> Output {
    let (_, target) = paths();
    Command::new(env!("CARGO_BIN_EXE_cargo-fastboot"))
        .arg("fastboot")
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_FREEZE")
        .env_remove("FASTBOOT_SNAPSHOT")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn build_lib_freeze_verify_and_inspect_take_a_shared_library() {
    let (manifest, target) = paths();
    let manifest = manifest.display().to_string();
    let out = cargo_fastboot(&["build", "--lib", "--manifest-path", &manifest]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let built = PathBuf::from(text(&out.stdout).lines().last().expect("a path"));
    assert_eq!(built, target.join("fastboot/libplugin.so"));
    assert!(Info::read(&built).unwrap().library);
    assert!(
        text(&out.stderr).contains("(section)"),
        "{}",
        text(&out.stderr)
    );

    let verified = cargo_fastboot(&["verify", built.to_str().unwrap()]);
    assert!(verified.status.success(), "{verified:?}");
    assert!(
        text(&verified.stdout).contains("ok    plugin::table"),
        "{verified:?}"
    );
    let inspected = cargo_fastboot(&["inspect", built.to_str().unwrap()]);
    assert!(inspected.status.success(), "{inspected:?}");
    assert!(
        text(&inspected.stdout).contains("(matches the producer)"),
        "{inspected:?}"
    );

    // cargo's own artifact: no snapshot, so verify fails; freeze writes
    // `<library>.snap` beside it, after which verify passes.
    let artifact = target.join("debug/libplugin.so");
    let artifact = artifact.to_str().unwrap();
    let unfrozen = cargo_fastboot(&["verify", artifact]);
    assert_eq!(unfrozen.status.code(), Some(1), "{unfrozen:?}");
    let frozen = cargo_fastboot(&["freeze", artifact]);
    assert!(frozen.status.success(), "{frozen:?}");
    let snapshot = format!("{artifact}.snap");
    assert_eq!(text(&frozen.stdout).trim(), snapshot);
    let verified = cargo_fastboot(&["verify", artifact]);
    std::fs::remove_file(&snapshot).unwrap();
    assert!(verified.status.success(), "{verified:?}");
    assert!(
        text(&verified.stdout).contains(&format!("bytes, file {snapshot})")),
        "{verified:?}"
    );
}

#[test]
fn a_library_that_does_not_freeze_when_loaded_is_an_error() {
    // The C runtime's math library: loaded, it exits nothing.
    let libm = [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/lib/aarch64-linux-gnu/libm.so.6",
    ]
    .into_iter()
    .find(|path| Path::new(path).exists())
    .expect("libm");
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fastboot-ld-libm.snap");
    let out = cargo_fastboot(&["freeze", libm, "-o", out_dir.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("was loaded but did not exit"),
        "{}",
        text(&out.stderr)
    );
    assert!(!out_dir.exists());
}
