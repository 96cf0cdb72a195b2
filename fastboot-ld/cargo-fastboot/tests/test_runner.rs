//! `cargo fastboot test` and `cargo fastboot nextest run` on the fixture's
//! `suite` package, whose tests use a frozen static of its library and
//! contain no fastboot code: each test binary gets its snapshot embedded,
//! once per build, and cargo never sees it as changed.

mod fixture;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::SystemTime;

use cargo_fastboot::exe::Info;
use cargo_fastboot::snapshot::{appended, read_snapshot};
use fastboot_core::Origin;
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
/// test binary, as cargo builds them now (the target directory may hold
/// others, from other builds).
fn test_binaries() -> Vec<PathBuf> {
    let built = cargo_fastboot(&["test", "--no-run"], &[]);
    let log = text(&built);
    assert!(built.status.success(), "{log}");
    let mut found: Vec<PathBuf> = log
        .lines()
        .filter_map(|line| line.trim().strip_prefix("Executable "))
        .filter_map(|rest| rest.rsplit_once(" (")?.1.strip_suffix(')'))
        .map(|path| fixture().workspace.join(path))
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{log}");
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

/// The snapshot embedded in `binary`, if it holds one: where, and its
/// producer.
fn embedded(binary: &Path) -> Option<(Origin, Vec<u8>)> {
    let found = read_snapshot(binary).ok()?;
    let producer = found.snapshot().ok()?.producer().to_vec();
    Some((found.origin, producer))
}

/// Rewrites `binary` (in place) with `change` applied to its bytes,
/// keeping its modification time, as cargo wrote it.
fn rewrite(binary: &Path, change: impl FnOnce(Vec<u8>) -> Vec<u8>) {
    let modified = fs::metadata(binary).unwrap().modified().unwrap();
    let bytes = change(fs::read(binary).unwrap());
    fs::write(binary, bytes).unwrap();
    let file = fs::OpenOptions::new().write(true).open(binary).unwrap();
    file.set_modified(modified).unwrap();
}

/// Takes the snapshot the runner appended out of `binary`: it is again
/// the binary cargo built.
fn strip_snapshot(binary: &Path) {
    rewrite(binary, |bytes| {
        let info = Info::parse(binary, bytes.as_slice()).unwrap();
        appended::strip(&bytes, info.extent).unwrap().to_vec()
    });
}

/// The test binaries as cargo built them: no snapshot in or beside them.
fn as_cargo_built() {
    for binary in test_binaries() {
        strip_snapshot(&binary);
        let _ = fs::remove_file(snapshot_of(&binary));
    }
}

/// Runs the suite's tests with plain `cargo test` (no runner), strictly.
fn plain_cargo_test() -> Output {
    let f = fixture();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .arg("test")
        .arg("--manifest-path")
        .arg(f.workspace.join("Cargo.toml"))
        .args(["-p", "suite"])
        .env("CARGO_TARGET_DIR", &f.target)
        .env("FASTBOOT", "strict")
        .env_remove("FASTBOOT_SNAPSHOT")
        .output()
        .unwrap()
}

#[test]
fn test_and_nextest_freeze_each_changed_binary_once_and_thaw_strictly() {
    let _one_at_a_time = exclusive();
    as_cargo_built();
    // First run: the binaries with frozen statics are frozen, their
    // snapshot appended to them, then pass in strict mode (every value
    // thawed).
    let first = cargo_fastboot(&["test", "--strict"], &[]);
    let log = text(&first);
    assert!(first.status.success(), "{log}");
    assert!(
        log.contains("cargo-fastboot: froze table-") && log.contains("its snapshot appended to it"),
        "{log}"
    );
    assert!(log.contains("test result: ok. 4 passed"), "{log}");
    for binary in test_binaries() {
        let info = Info::read(&binary).unwrap();
        let (origin, producer) = embedded(&binary).expect("a snapshot in the binary");
        assert_eq!(origin, Origin::Footer, "{}", binary.display());
        assert_eq!(producer, info.build_id.unwrap().as_bytes());
        assert!(!snapshot_of(&binary).exists(), "{}", binary.display());
    }

    // Nothing changed: cargo rebuilds nothing, nothing is frozen again.
    let again = cargo_fastboot(&["test", "--strict"], &[]);
    let log = text(&again);
    assert!(again.status.success(), "{log}");
    assert!(!log.contains("Compiling"), "{log}");
    assert!(!log.contains("cargo-fastboot: froze"), "{log}");

    // Plain cargo sees its binaries fresh, and they thaw from themselves.
    let plain = plain_cargo_test();
    let log = text(&plain);
    assert!(plain.status.success(), "{log}");
    assert!(!log.contains("Compiling"), "{log}");
    assert!(log.contains("test result: ok. 4 passed"), "{log}");

    // nextest: one process per test, each thawing.
    let nextest = cargo_fastboot(&["nextest", "--strict", "run"], &[]);
    let log = text(&nextest);
    assert!(nextest.status.success(), "{log}");
    assert!(log.contains("4 tests run: 4 passed"), "{log}");
    assert!(!log.contains("Compiling"), "{log}");
    assert!(!log.contains("cargo-fastboot: froze"), "{log}");

    // A test source changes: cargo rebuilds its binary, which has no
    // snapshot, and only that binary is frozen again.
    let source = fixture().workspace.join("suite/tests/table.rs");
    let file = fs::OpenOptions::new().write(true).open(&source).unwrap();
    file.set_modified(SystemTime::now()).unwrap();
    drop(file);
    let rebuilt = cargo_fastboot(&["test", "--strict"], &[]);
    let log = text(&rebuilt);
    assert!(rebuilt.status.success(), "{log}");
    assert!(log.contains("Compiling suite"), "{log}");
    assert!(log.contains("cargo-fastboot: froze table-"), "{log}");
    assert!(!log.contains("cargo-fastboot: froze suite-"), "{log}");
}

#[test]
fn runners_of_one_binary_at_once_each_run_it_thawed() {
    let _one_at_a_time = exclusive();
    let ready = cargo_fastboot(&["test"], &[]);
    assert!(ready.status.success(), "{}", text(&ready));
    let table = table_binary();
    strip_snapshot(&table);
    // As nextest starts test processes: each through the runner, which
    // freezes the binary and renames its copy over it while the others
    // freeze, rename or already run it.
    let runners: Vec<_> = ["first", "last", "length", "composed"]
        .iter()
        .map(|test| {
            Command::new(env!("CARGO_BIN_EXE_cargo-fastboot"))
                .arg("exec-frozen")
                .arg(&table)
                .args(["--exact", test])
                .env("FASTBOOT", "strict")
                .env_remove("FASTBOOT_SNAPSHOT")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for runner in runners {
        let out = runner.wait_with_output().unwrap();
        let log = text(&out);
        assert!(out.status.success(), "{log}");
        assert!(log.contains("test result: ok. 1 passed"), "{log}");
    }
    let build_id = Info::read(&table).unwrap().build_id.unwrap();
    assert_eq!(
        embedded(&table),
        Some((Origin::Footer, build_id.as_bytes().to_vec()))
    );
    let deps = table.parent().unwrap();
    let temporary: Vec<_> = fs::read_dir(deps)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "tmp"))
        .collect();
    assert_eq!(temporary, Vec::<PathBuf>::new());
}

#[test]
fn strict_mode_fails_a_test_that_computes_and_names_the_static() {
    let _one_at_a_time = exclusive();
    let ready = cargo_fastboot(&["test", "--strict"], &[]);
    assert!(ready.status.success(), "{}", text(&ready));
    // Damage the embedded snapshot's table (the fingerprint of its one
    // entry, in the row after the 128-byte header): it is not frozen again
    // (its build-id is right), the program finds the entry stale and
    // computes, which strict mode turns into failures.
    let table = table_binary();
    let offset = read_snapshot(&table).unwrap().offset;
    rewrite(&table, |mut bytes| {
        bytes[usize::try_from(offset).unwrap() + 128 + 8] ^= 0xff;
        bytes
    });

    let failed = cargo_fastboot(&["test", "--strict"], &["--test", "table"]);
    let log = text(&failed);
    assert!(!failed.status.success(), "{log}");
    assert!(!log.contains("cargo-fastboot: froze"), "{log}");
    assert!(
        log.contains("fastboot (strict): suite::table was not thawed: stale"),
        "{log}"
    );
    // Without --strict the values are computed and the tests pass.
    let lenient = cargo_fastboot(&["test"], &["--test", "table"]);
    assert!(lenient.status.success(), "{}", text(&lenient));
    strip_snapshot(&table);
}

#[test]
fn a_stale_snapshot_beside_a_test_binary_is_silent() {
    let _one_at_a_time = exclusive();
    let f = fixture();
    let ready = cargo_fastboot(&["test"], &[]);
    assert!(ready.status.success(), "{}", text(&ready));
    // The test binary as cargo built it, with another program's snapshot
    // beside it, as an earlier build would have left.
    let copy = f.scratch.join("stale-table");
    fs::copy(table_binary(), &copy).unwrap();
    strip_snapshot(&copy);
    assert_eq!(embedded(&copy), None);
    fs::copy(&f.linked_snap, snapshot_of(&copy)).unwrap();
    let out = fastboot_test_support::output(
        Command::new(&copy)
            .env_remove("FASTBOOT")
            .env_remove("FASTBOOT_SNAPSHOT"),
    );
    let log = text(&out);
    assert!(out.status.success(), "{log}");
    assert!(!log.contains("fastboot:"), "{log}");
}
