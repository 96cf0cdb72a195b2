//! Helpers shared by the tests that run the `kinds` example as a separate
//! process.
#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use fastboot_core::format::{self, EntryData, Snapshot};

/// The number of frozen statics of the `kinds` example.
pub const ENTRIES: usize = 15;

/// The `kinds` example, built (or found up to date) by cargo on first use,
/// with the profile of this test binary.
pub fn kinds() -> PathBuf {
    static KINDS: OnceLock<PathBuf> = OnceLock::new();
    KINDS
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().unwrap().parent().unwrap();
            let profile = match profile_dir.file_name().unwrap().to_str().unwrap() {
                "debug" => "dev",
                other => other,
            };
            // `cargo test --test NAME` does not rebuild examples: build it
            // here, so a test never runs a stale one.
            let built = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "--quiet",
                    "--example",
                    "kinds",
                    "--profile",
                    profile,
                ])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .unwrap();
            assert!(built.success(), "building the kinds example failed");
            profile_dir.join("examples").join("kinds")
        })
        .clone()
}

/// Runs `program` with `env` (and no fastboot variable from the caller).
pub fn run_program(program: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(program);
    for var in ["FASTBOOT", "FASTBOOT_FREEZE", "FASTBOOT_SNAPSHOT"] {
        command.env_remove(var);
    }
    command.envs(env.iter().map(|(k, v)| (k, v.as_os_str())));
    fastboot_test_support::output(&mut command)
}

pub fn run(env: &[(&str, &Path)]) -> Output {
    run_program(&kinds(), env)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

pub fn lines<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|line| line.starts_with(prefix))
        .collect()
}

/// The values computed with no snapshot at all.
pub fn computed_values() -> &'static str {
    static VALUES: OnceLock<String> = OnceLock::new();
    VALUES.get_or_init(|| {
        let output = run(&[]);
        assert!(output.status.success(), "{}", stderr(&output));
        lines(&stdout(&output), "value").join("\n")
    })
}

pub fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("freeze_thaw")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Freezes the example into `dir/kinds.snap`.
pub fn freeze(dir: &Path) -> PathBuf {
    let snap = dir.join("kinds.snap");
    let output = run(&[("FASTBOOT_FREEZE", &snap)]);
    assert!(
        output.status.success(),
        "freeze failed: {}",
        stderr(&output)
    );
    let out = stdout(&output);
    assert_eq!(
        lines(&out, "fastboot: froze").len(),
        ENTRIES,
        "one line per entry:\n{out}"
    );
    assert!(
        lines(&out, "value").is_empty(),
        "a freeze run exits before main's work"
    );
    snap
}

/// Writes a copy of `snap` changed by `edit`, as if written by `producer`.
pub fn rewrite(
    snap: &Path,
    to: &Path,
    producer: Option<&[u8]>,
    edit: impl FnOnce(&mut Vec<(String, u64, Vec<u8>)>),
) {
    let bytes = std::fs::read(snap).unwrap();
    let snapshot = Snapshot::parse(&bytes).unwrap();
    let mut entries: Vec<(String, u64, Vec<u8>)> = snapshot
        .entries()
        .map(|e| (e.name.to_owned(), e.fingerprint, e.bytes.to_vec()))
        .collect();
    edit(&mut entries);
    let data: Vec<EntryData<'_>> = entries
        .iter()
        .map(|(name, fingerprint, bytes)| EntryData {
            name,
            fingerprint: *fingerprint,
            bytes,
        })
        .collect();
    let out = format::write(producer.unwrap_or(snapshot.producer()), &data).unwrap();
    std::fs::write(to, out).unwrap();
}

/// Asserts a run that thawed nothing from `snap` still printed the computed
/// values, and returns its stderr.
pub fn assert_computed_correctly(output: &Output) -> String {
    assert!(output.status.success(), "{}", stderr(output));
    assert_eq!(
        lines(&stdout(output), "value").join("\n"),
        computed_values()
    );
    stderr(output)
}

/// Asserts that every frozen static of this process was thawed.
pub fn assert_every_value_thawed() {
    for entry in fastboot::report() {
        assert!(
            entry
                .outcome
                .as_ref()
                .is_some_and(fastboot::Outcome::is_thawed),
            "{entry:?}"
        );
    }
}
