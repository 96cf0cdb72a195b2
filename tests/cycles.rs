//! A cycle between frozen statics is one clear error naming the cycle,
//! never a deadlock or a stack overflow: in a program and in a freeze run,
//! on one thread or through two.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Long enough for both threads of a freeze run to start computing, one
/// `ping`, the other `pong`, before either asks for the other.
const HEAD_START: Duration = Duration::from_millis(200);

#[fastboot::frozen]
fn ping() -> u32 {
    std::thread::sleep(HEAD_START);
    pong().to_native() + 1
}

#[fastboot::frozen]
fn pong() -> u32 {
    std::thread::sleep(HEAD_START);
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

/// Freezes this binary on `threads` threads, killing it if it is not done
/// within a minute (a deadlock).
fn freeze(snap: &std::path::Path, threads: &str) -> Output {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_freezes_this_binary", "--ignored"])
        .env("FASTBOOT_FREEZE", snap)
        .env("FASTBOOT_FREEZE_THREADS", threads)
        .env_remove("FASTBOOT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the freeze run on {threads} threads deadlocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn a_freeze_run_fails_naming_the_cycle() {
    freeze_fails_naming_the_cycle("cycles.snap", "1");
}

#[test]
fn a_freeze_run_on_two_threads_fails_naming_the_cycle() {
    // One thread computes `ping`, the other `pong`: each then waits for
    // the other's.
    freeze_fails_naming_the_cycle("cycles-threads.snap", "2");
}

fn freeze_fails_naming_the_cycle(snap: &str, threads: &str) {
    let snap = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(snap);
    let freeze = freeze(&snap, threads);
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
