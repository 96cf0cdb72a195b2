//! A cycle between frozen statics is one clear error naming the cycle,
//! never a deadlock or a stack overflow: in a program and in a freeze run.

use std::process::Command;

#[fastboot::frozen]
fn ping() -> u32 {
    pong().to_native() + 1
}

#[fastboot::frozen]
fn pong() -> u32 {
    ping().to_native() + 1
}

const CYCLE: &str = "cycle between frozen statics: cycles::ping → cycles::pong → cycles::ping";

#[test]
fn a_cycle_panics_naming_it() {
    let panic = std::panic::catch_unwind(|| ping().to_native()).unwrap_err();
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert_eq!(message, format!("fastboot: {CYCLE}"));
}

#[test]
fn a_freeze_run_fails_naming_the_cycle() {
    let snap = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("cycles.snap");
    let freeze = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_freezes_this_binary", "--ignored"])
        .env("FASTBOOT_FREEZE", &snap)
        .env_remove("FASTBOOT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&freeze.stderr);
    assert_eq!(freeze.status.code(), Some(1), "{freeze:?}");
    assert!(
        stderr.contains(&format!("fastboot: freeze failed: {CYCLE}\n")),
        "{stderr}"
    );
    assert!(!snap.exists(), "a snapshot was written");
}

#[test]
#[ignore = "run by a_freeze_run_fails_naming_the_cycle"]
fn child_freezes_this_binary() {
    fastboot::init();
}
