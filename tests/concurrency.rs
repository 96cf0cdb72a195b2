//! 64 threads race to the first access of 16 frozen statics: each value is
//! obtained exactly once (computed, or thawed from a snapshot) and every
//! thread sees the same value at the same address.
//!
//! The thawed case runs in child processes of this very test binary: one
//! freezes it (a test that calls `fastboot::init()` with `FASTBOOT_FREEZE`
//! set), another thaws from that snapshot. This is also how a test suite can
//! use a snapshot of itself.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;

const ENTRIES: usize = 16;
const THREADS: usize = 64;

static COMPUTED: [AtomicUsize; ENTRIES] = [const { AtomicUsize::new(0) }; ENTRIES];

macro_rules! tables {
    ($($name:ident = $n:literal),* $(,)?) => {
        $(
            #[fastboot::frozen]
            fn $name() -> Vec<u64> {
                COMPUTED[$n].fetch_add(1, Ordering::SeqCst);
                // Widen the window in which other threads can race.
                std::thread::sleep(std::time::Duration::from_millis(2));
                (0..1_000u64).map(|i| i * ($n + 1)).collect()
            }
        )*

        /// Every table, in order, as (address, sum of its values).
        fn access_all() -> Vec<(usize, u64)> {
            vec![$({
                let table = $name();
                (std::ptr::from_ref(table) as usize, table.iter().map(|v| v.to_native()).sum())
            }),*]
        }
    };
}

tables!(
    t00 = 0,
    t01 = 1,
    t02 = 2,
    t03 = 3,
    t04 = 4,
    t05 = 5,
    t06 = 6,
    t07 = 7,
    t08 = 8,
    t09 = 9,
    t10 = 10,
    t11 = 11,
    t12 = 12,
    t13 = 13,
    t14 = 14,
    t15 = 15,
);

/// Starts all threads at once; each accesses every table, half of them in
/// reverse order. Returns what each thread saw.
fn race() -> Vec<Vec<(usize, u64)>> {
    let barrier = Barrier::new(THREADS);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|thread| {
                let barrier = &barrier;
                scope.spawn(move || {
                    barrier.wait();
                    if thread % 2 == 0 {
                        access_all()
                    } else {
                        let mut seen = access_all_reversed();
                        seen.reverse();
                        seen
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn access_all_reversed() -> Vec<(usize, u64)> {
    // Same accessors, started from the other end of the list.
    let mut seen: Vec<(usize, u64)> = Vec::with_capacity(ENTRIES);
    let all = [
        t15, t14, t13, t12, t11, t10, t09, t08, t07, t06, t05, t04, t03, t02, t01, t00,
    ];
    for table in all {
        let table = table();
        seen.push((
            std::ptr::from_ref(table) as usize,
            table.iter().map(|v| v.to_native()).sum(),
        ));
    }
    seen
}

/// Races, then checks every thread saw identical tables with the expected
/// sums, and returns how many times each table was computed.
fn race_and_check() -> Vec<usize> {
    let seen = race();
    let expected: Vec<u64> = (0..ENTRIES as u64)
        .map(|n| (0..1_000).sum::<u64>() * (n + 1))
        .collect();
    for thread in &seen {
        assert_eq!(
            thread, &seen[0],
            "threads saw different values or addresses"
        );
        let sums: Vec<u64> = thread.iter().map(|(_, sum)| *sum).collect();
        assert_eq!(sums, expected);
    }
    COMPUTED.iter().map(|c| c.load(Ordering::SeqCst)).collect()
}

#[test]
fn racing_threads_compute_each_value_exactly_once() {
    assert_eq!(race_and_check(), vec![1; ENTRIES]);
    for entry in fastboot::report() {
        assert!(
            matches!(
                entry.outcome,
                Some(fastboot::Outcome::Computed(fastboot::Reason::NoSnapshot))
            ),
            "{entry:?}"
        );
    }
}

#[test]
fn racing_threads_thaw_each_value_exactly_once() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("concurrency");
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("concurrency.snap");
    let _ = std::fs::remove_file(&snap);

    let freeze = child("child_freezes_this_binary")
        .env("FASTBOOT_FREEZE", &snap)
        .output()
        .unwrap();
    assert!(
        freeze.status.success(),
        "{}",
        String::from_utf8_lossy(&freeze.stderr)
    );
    assert!(snap.exists());

    let thaw = child("child_races_to_thaw")
        .env("FASTBOOT_SNAPSHOT", &snap)
        .env("FASTBOOT", "strict")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&thaw.stdout);
    assert!(
        thaw.status.success(),
        "{out}\n{}",
        String::from_utf8_lossy(&thaw.stderr)
    );
    assert!(
        out.contains("1 passed"),
        "the child test did not run:\n{out}"
    );
}

/// This test binary, running only the ignored test `name`.
fn child(name: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", name, "--ignored", "--test-threads=1"]);
    command
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_FREEZE")
        .env_remove("FASTBOOT_SNAPSHOT");
    command
}

#[test]
#[ignore = "run by racing_threads_thaw_each_value_exactly_once"]
fn child_freezes_this_binary() {
    // With FASTBOOT_FREEZE set this freezes every table and exits.
    fastboot::init();
}

#[test]
#[ignore = "run by racing_threads_thaw_each_value_exactly_once"]
fn child_races_to_thaw() {
    assert_eq!(
        race_and_check(),
        vec![0; ENTRIES],
        "values were computed, not thawed"
    );
    common::assert_every_value_thawed();
}
