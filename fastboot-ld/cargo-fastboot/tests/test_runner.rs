//! `cargo fastboot test` and `cargo fastboot nextest run` on the fixture's
//! `suite` package, whose tests use a frozen static of its library and
//! contain no fastboot code.

mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard};

use fixture::fixture;

/// The tests share the suite's binaries and snapshots: one at a time.
fn exclusive() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `cargo-fastboot fastboot <args> --manifest-path <fixture> -p suite`.
fn cargo_fastboot(args: &[&str], extra: &[&str]) -> Output {
    let f = fixture();
    let manifest = f.workspace.join("Cargo.toml");
    Command::new(env!("CARGO_BIN_EXE_cargo-fastboot"))
        .arg("fastboot")
        .args(args)
        .arg("--manifest-path")
        .arg(&manifest)
        .args(["-p", "suite"])
        .args(extra)
        .env("CARGO_TARGET_DIR", &f.target)
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_SNAPSHOT")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The suite's test binary (`deps/table-<hash>`) and its library's unit
/// test binary, as the last run built them.
fn test_binaries() -> Vec<PathBuf> {
    let deps = fixture().target.join("debug/deps");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&deps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name.starts_with("table-") || name.starts_with("suite-")) && p.extension().is_none()
        })
        .collect();
    found.sort();
    found
}

/// The suite's test binary, `deps/table-<hash>`.
fn table_binary() -> PathBuf {
    test_binaries()
        .into_iter()
        .find(|b| {
            b.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("table-")
        })
        .expect("the suite's test binary")
}

fn snapshot_of(binary: &Path) -> PathBuf {
    fastboot_core::contract::snapshot_beside(binary)
}

#[test]
fn test_and_nextest_freeze_each_changed_binary_once_and_thaw_strictly() {
    let _one_at_a_time = exclusive();
    for binary in test_binaries() {
        let _ = std::fs::remove_file(snapshot_of(&binary));
    }
    // First run: the binaries with frozen statics are frozen, then pass in
    // strict mode (every value thawed).
    let first = cargo_fastboot(&["test", "--strict"], &[]);
    let log = text(&first);
    assert!(first.status.success(), "{log}");
    assert!(log.contains("cargo-fastboot: froze table-"), "{log}");
    assert!(log.contains("test result: ok. 4 passed"), "{log}");

    // Nothing changed: nothing is frozen again.
    let again = cargo_fastboot(&["test", "--strict"], &[]);
    let log = text(&again);
    assert!(again.status.success(), "{log}");
    assert!(!log.contains("cargo-fastboot: froze"), "{log}");

    // nextest: one process per test, each thawing.
    let nextest = cargo_fastboot(&["nextest", "--strict", "run"], &[]);
    let log = text(&nextest);
    assert!(nextest.status.success(), "{log}");
    assert!(log.contains("4 tests run: 4 passed"), "{log}");
    assert!(!log.contains("cargo-fastboot: froze"), "{log}");
}

#[test]
fn strict_mode_fails_a_test_that_computes_and_names_the_static() {
    let _one_at_a_time = exclusive();
    let ready = cargo_fastboot(&["test", "--strict"], &[]);
    assert!(ready.status.success(), "{}", text(&ready));
    // Damage the fresh snapshot's data: it is not frozen again (its
    // build-id is right), the program finds its checksum wrong and
    // computes, which strict mode turns into failures.
    let table = table_binary();
    let snap = snapshot_of(&table);
    let mut bytes = std::fs::read(&snap).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&snap, &bytes).unwrap();

    let failed = cargo_fastboot(&["test", "--strict"], &["--test", "table"]);
    let log = text(&failed);
    assert!(!failed.status.success(), "{log}");
    assert!(
        log.contains(
            "fastboot (strict): suite::table was not thawed: invalid data: checksum mismatch"
        ),
        "{log}"
    );
    // Without --strict the values are computed and the tests pass.
    let lenient = cargo_fastboot(&["test"], &["--test", "table"]);
    assert!(lenient.status.success(), "{}", text(&lenient));
    std::fs::remove_file(&snap).unwrap();
}

#[test]
fn a_stale_snapshot_beside_a_test_binary_is_silent() {
    let _one_at_a_time = exclusive();
    let f = fixture();
    let ready = cargo_fastboot(&["test"], &[]);
    assert!(ready.status.success(), "{}", text(&ready));
    let table = table_binary();
    // Another program's snapshot, as an earlier build would have left.
    let copy = f.scratch.join("stale-table");
    std::fs::copy(&table, &copy).unwrap();
    std::fs::copy(&f.linked_snap, snapshot_of(&copy)).unwrap();
    let out = fastboot_test_support::output(
        Command::new(&copy)
            .env_remove("FASTBOOT")
            .env_remove("FASTBOOT_SNAPSHOT"),
    );
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(!log.contains("fastboot:"), "{log}");
}
