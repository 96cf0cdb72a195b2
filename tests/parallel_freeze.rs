//! A freeze run computes independent frozen statics on several threads,
//! each once (one that uses another waits for it), and writes the same
//! snapshot, byte for byte, whatever the number of threads and the order in
//! which they finish.
//!
//! Runs in child processes of this test binary, as `tests/freeze_once.rs`.

mod common;

use std::collections::HashMap;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

/// Says on standard error (uncaptured by the test harness) that `name` is
/// being computed.
#[allow(clippy::explicit_write, reason = "eprintln! is captured")]
fn computing(name: &str) {
    writeln!(std::io::stderr(), "computing {name}").unwrap();
}

/// `n` numbers of a xorshift sequence seeded with `seed`: real work whose
/// length varies with `n`, so that threads finish in varying orders.
fn sequence(seed: u64, n: usize) -> Vec<u64> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
        .collect()
}

macro_rules! tables {
    ($($name:ident = $seed:literal, $len:literal;)*) => {$(
        /// A table long enough to be streamed (over a page).
        #[fastboot::frozen]
        fn $name() -> Vec<u64> {
            computing(stringify!($name));
            sequence($seed, $len)
        }
    )*};
}

tables! {
    table_a = 1, 40_000;
    table_b = 2, 3_000;
    table_c = 3, 90_000;
    table_d = 4, 700;
    table_e = 5, 20_000;
    table_f = 6, 5_000;
}

/// Small: archived in memory.
#[fastboot::frozen]
fn small_sum() -> u64 {
    computing("small_sum");
    [table_a(), table_c(), table_e()]
        .iter()
        .flat_map(|t| t.iter())
        .fold(0u64, |sum, x| sum.wrapping_add(x.to_native()))
}

/// Uses a table computed (maybe) on another thread.
#[fastboot::frozen]
fn doubled_b() -> Vec<u64> {
    computing("doubled_b");
    table_b()
        .iter()
        .map(|x| x.to_native().wrapping_mul(2))
        .collect()
}

/// A map, archived in canonical order.
#[fastboot::frozen]
fn words() -> HashMap<String, Vec<u32>> {
    computing("words");
    let d = table_d();
    (0..5_000u32)
        .map(|i| {
            let n = d[i as usize % d.len()].to_native();
            (format!("word{i}"), vec![i, (n % 1000) as u32])
        })
        .collect()
}

/// Deserialized: keeps its value, computed from a zero-copy one.
#[fastboot::frozen(deserialize)]
fn lengths() -> Vec<usize> {
    computing("lengths");
    let mut lengths: Vec<usize> = words().keys().map(|k| k.len()).collect();
    lengths.sort_unstable();
    lengths
}

/// Serde: uses a deserialized one.
#[fastboot::frozen(serde)]
fn summary() -> (usize, u64) {
    computing("summary");
    (
        lengths().len(),
        small_sum().to_native() ^ table_f()[0].to_native(),
    )
}

const NAMES: [&str; 11] = [
    "table_a",
    "table_b",
    "table_c",
    "table_d",
    "table_e",
    "table_f",
    "small_sum",
    "doubled_b",
    "words",
    "lengths",
    "summary",
];

/// This test binary, running only the ignored test `name`.
fn child(name: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--exact", name, "--ignored", "--test-threads=1"]);
    for var in [
        "FASTBOOT",
        "FASTBOOT_FREEZE",
        "FASTBOOT_SNAPSHOT",
        "FASTBOOT_FREEZE_THREADS",
    ] {
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

/// Freezes this binary into `snap` on `threads` threads, checks that each
/// static was computed once, and returns the snapshot.
fn freeze(snap: &Path, threads: usize) -> Vec<u8> {
    let freeze = child("child_freezes_this_binary")
        .env("FASTBOOT_FREEZE", snap)
        .env("FASTBOOT_FREEZE_THREADS", threads.to_string())
        .output()
        .unwrap();
    let log = text(&freeze);
    assert!(freeze.status.success(), "{log}");
    // Never more threads than statics.
    let used = threads.min(NAMES.len());
    assert!(log.contains(&format!("{used} threads)")), "{log}");
    for name in NAMES {
        let computed = log.matches(&format!("computing {name}\n")).count();
        assert_eq!(computed, 1, "{name} computed {computed} times:\n{log}");
    }
    std::fs::read(snap).unwrap()
}

#[test]
fn every_number_of_threads_writes_the_same_snapshot_each_value_computed_once() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("parallel_freeze");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("parallel_freeze.snap");
    let sequential = freeze(&snap, 1);
    for threads in [2, 3, 4, 8, 11, 16, 2, 4, 8] {
        let parallel = freeze(&snap, threads);
        assert!(
            parallel == sequential,
            "{threads} threads wrote other bytes"
        );
    }
    // Nothing but the snapshot is left beside it.
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(files.len(), 1, "{files:?}");

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
#[ignore = "run by every_number_of_threads_writes_the_same_snapshot_each_value_computed_once"]
fn child_freezes_this_binary() {
    fastboot::init();
}

#[test]
#[ignore = "run by every_number_of_threads_writes_the_same_snapshot_each_value_computed_once"]
fn child_thaws_every_value() {
    fastboot::init();
    for (table, len) in [(table_b(), 3_000), (table_d(), 700), (table_e(), 20_000)] {
        assert_eq!(table.len(), len);
    }
    assert_eq!(table_f()[0].to_native(), sequence(6, 5_000)[0]);
    assert_eq!(table_c().len(), 90_000);
    assert_eq!(table_a()[7].to_native(), sequence(1, 40_000)[7]);
    let b = sequence(2, 3_000);
    assert_eq!(doubled_b()[2999].to_native(), b[2999].wrapping_mul(2));
    let sum = [
        sequence(1, 40_000),
        sequence(3, 90_000),
        sequence(5, 20_000),
    ]
    .iter()
    .flatten()
    .fold(0u64, |sum, x| sum.wrapping_add(*x));
    assert_eq!(small_sum().to_native(), sum);
    let d = sequence(4, 700);
    assert_eq!(words().len(), 5_000);
    let word = &words()["word1234"];
    assert_eq!(word[1].to_native(), (d[1234 % 700] % 1000) as u32);
    assert_eq!(lengths().len(), 5_000);
    assert_eq!(*summary(), (5_000, sum ^ sequence(6, 5_000)[0]));
    common::assert_every_value_thawed();
}
