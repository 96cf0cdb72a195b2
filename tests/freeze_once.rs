//! A freeze run computes each frozen static exactly once, however many
//! others use it, and archives every entry from that one computation.
//!
//! Runs in child processes of this test binary, as a test suite that
//! freezes itself does (see `tests/concurrency.rs`).

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

#[fastboot::frozen]
fn base() -> Vec<u32> {
    computing("base");
    (1..=100).collect()
}

#[fastboot::frozen]
fn doubled() -> Vec<u32> {
    computing("doubled");
    base().iter().map(|v| v.to_native() * 2).collect()
}

#[fastboot::frozen]
fn total() -> u64 {
    computing("total");
    let base: u64 = base().iter().map(|v| u64::from(v.to_native())).sum();
    let doubled: u64 = doubled().iter().map(|v| u64::from(v.to_native())).sum();
    base + doubled
}

/// Says on standard error (uncaptured by the test harness) that `name` is
/// being computed.
#[allow(clippy::explicit_write, reason = "eprintln! is captured")]
fn computing(name: &str) {
    writeln!(std::io::stderr(), "computing {name}").unwrap();
}

/// This test binary, running only the ignored test `name`.
fn child(name: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", name, "--ignored", "--test-threads=1"]);
    for var in ["FASTBOOT", "FASTBOOT_FREEZE", "FASTBOOT_SNAPSHOT"] {
        command.env_remove(var);
    }
    command
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn a_freeze_run_computes_each_static_once_and_archives_that() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("freeze_once");
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("freeze_once.snap");

    let freeze = child("child_freezes_this_binary")
        .env("FASTBOOT_FREEZE", &snap)
        .output()
        .unwrap();
    let log = text(&freeze);
    assert!(freeze.status.success(), "{log}");
    for name in ["base", "doubled", "total"] {
        let computed = log.matches(&format!("computing {name}\n")).count();
        assert_eq!(computed, 1, "{name} computed {computed} times:\n{log}");
        assert!(
            log.contains(&format!("froze freeze_once::{name} (")),
            "{log}"
        );
    }

    // Every entry was archived: the whole suite thaws strictly.
    let thaw = child("child_thaws_every_value")
        .env("FASTBOOT_SNAPSHOT", &snap)
        .env("FASTBOOT", "strict")
        .output()
        .unwrap();
    let log = text(&thaw);
    assert!(thaw.status.success() && log.contains("1 passed"), "{log}");
    assert!(!log.contains("computing"), "{log}");
}

#[test]
#[ignore = "run by a_freeze_run_computes_each_static_once_and_archives_that"]
fn child_freezes_this_binary() {
    fastboot::init();
}

#[test]
#[ignore = "run by a_freeze_run_computes_each_static_once_and_archives_that"]
fn child_thaws_every_value() {
    fastboot::init();
    assert_eq!(total().to_native(), 3 * 5050);
    assert_eq!(doubled().len(), 100);
    assert_eq!(base().len(), 100);
    common::assert_every_value_thawed();
}
