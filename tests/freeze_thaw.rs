//! Freeze and thaw a real program, as separate processes: the `kinds`
//! example (built by `cargo test` along with the other examples).
//!
//! Each test proves where values came from with the program's own report
//! (`outcome …` lines) and compares the values (`value …` lines) with the
//! ones computed without any snapshot.

mod common;

use std::path::Path;

use common::*;
use fastboot_core::format::{self, Snapshot};

#[test]
fn values_thawed_from_a_file_equal_the_computed_ones() {
    let dir = temp_dir("thaw");
    let snap = freeze(&dir);
    let output = run(&[
        ("FASTBOOT", Path::new("strict")),
        ("FASTBOOT_SNAPSHOT", &snap),
    ]);
    assert!(
        output.status.success(),
        "strict thaw failed: {}",
        stderr(&output)
    );
    assert_eq!(stderr(&output), "", "a clean thaw prints nothing");
    let out = stdout(&output);
    let outcomes = lines(&out, "outcome");
    assert_eq!(outcomes.len(), ENTRIES, "{out}");
    let thawed = format!("thawed from {}", snap.display());
    for outcome in outcomes {
        assert!(outcome.ends_with(&thawed), "{outcome}");
    }
    assert_eq!(lines(&out, "value").join("\n"), computed_values());
}

#[test]
fn freezing_twice_gives_identical_snapshots() {
    let (a, b) = (temp_dir("twice-a"), temp_dir("twice-b"));
    let (a, b) = (freeze(&a), freeze(&b));
    assert!(
        std::fs::read(a).unwrap() == std::fs::read(b).unwrap(),
        "snapshots differ"
    );
}

#[test]
fn a_snapshot_beside_the_executable_is_found() {
    let dir = temp_dir("beside");
    let snap = freeze(&dir);
    let exe = dir.join("kinds");
    std::fs::copy(kinds(), &exe).unwrap();
    std::fs::rename(&snap, dir.join("kinds.snap")).unwrap();
    let output = run_program(&exe, &[("FASTBOOT", Path::new("strict"))]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        lines(&stdout(&output), "value").join("\n"),
        computed_values()
    );
    assert!(
        stdout(&output).contains("thawed from"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn without_a_snapshot_values_are_computed_silently() {
    let output = run(&[]);
    assert_eq!(assert_computed_correctly(&output), "");
    for outcome in lines(&stdout(&output), "outcome") {
        assert!(
            outcome.ends_with("computed (no snapshot found)"),
            "{outcome}"
        );
    }
}

#[test]
fn off_mode_ignores_the_snapshot() {
    let dir = temp_dir("off");
    let snap = freeze(&dir);
    let output = run(&[("FASTBOOT", Path::new("off")), ("FASTBOOT_SNAPSHOT", &snap)]);
    assert_eq!(assert_computed_correctly(&output), "");
    for outcome in lines(&stdout(&output), "outcome") {
        assert!(
            outcome.ends_with("computed (disabled by FASTBOOT=off)"),
            "{outcome}"
        );
    }
}

#[test]
fn a_missing_snapshot_file_is_one_line_then_compute() {
    let dir = temp_dir("missing");
    let output = run(&[("FASTBOOT_SNAPSHOT", &dir.join("nope.snap"))]);
    let err = assert_computed_correctly(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("nope.snap") && err.contains("No such file"),
        "{err}"
    );
}

#[test]
fn a_corrupt_header_is_one_line_then_compute() {
    let dir = temp_dir("corrupt-header");
    let snap = freeze(&dir);
    let mut bytes = std::fs::read(&snap).unwrap();
    bytes[format::HEADER_LEN + 3] ^= 0x40;
    std::fs::write(&snap, bytes).unwrap();
    let output = run(&[("FASTBOOT_SNAPSHOT", &snap)]);
    let err = assert_computed_correctly(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("corrupt (checksum mismatch)"), "{err}");
}

#[test]
fn corrupt_entry_data_is_detected_and_that_entry_computed() {
    let dir = temp_dir("corrupt-data");
    let snap = freeze(&dir);
    let mut bytes = std::fs::read(&snap).unwrap();
    let offset = Snapshot::parse(&bytes)
        .unwrap()
        .find("kinds::squares")
        .unwrap()
        .offset;
    bytes[offset + 8] ^= 0x01;
    std::fs::write(&snap, bytes).unwrap();

    let output = run(&[("FASTBOOT_SNAPSHOT", &snap)]);
    let err = assert_computed_correctly(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("computing kinds::squares: invalid data: checksum mismatch"),
        "{err}"
    );
    let out = stdout(&output);
    assert_eq!(
        lines(&out, "outcome")
            .iter()
            .filter(|l| l.contains("thawed"))
            .count(),
        ENTRIES - 1
    );
}

#[test]
fn a_snapshot_from_another_binary_is_rejected() {
    let dir = temp_dir("other-binary");
    let snap = freeze(&dir);
    let other = dir.join("other.snap");
    rewrite(&snap, &other, Some(&[0xab; 20]), |_| {});
    let output = run(&[("FASTBOOT_SNAPSHOT", &other)]);
    let err = assert_computed_correctly(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("produced by another binary (build-id abababab"),
        "{err}"
    );
}

#[test]
fn stale_and_missing_entries_are_named_and_computed() {
    let dir = temp_dir("stale");
    let snap = freeze(&dir);
    let edited = dir.join("edited.snap");
    rewrite(&snap, &edited, None, |entries| {
        entries.retain(|(name, _, _)| name != "kinds::greeting");
        let planets = entries
            .iter_mut()
            .find(|(name, _, _)| name == "kinds::planets")
            .unwrap();
        planets.1 ^= 1;
    });
    let output = run(&[("FASTBOOT_SNAPSHOT", &edited)]);
    let err = assert_computed_correctly(&output);
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains("computing kinds::greeting: not in the snapshot"),
        "{err}"
    );
    assert!(err.contains("computing kinds::planets: stale"), "{err}");
}

#[test]
fn strict_mode_fails_loudly_with_the_reason() {
    let output = run(&[("FASTBOOT", Path::new("strict"))]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("strict mode") && err.contains("kinds::squares: no snapshot found"),
        "{err}"
    );
    assert!(
        lines(&stdout(&output), "value").is_empty(),
        "strict mode stops before main's work"
    );
}

#[test]
fn strict_mode_fails_on_a_stale_entry() {
    let dir = temp_dir("strict-stale");
    let snap = freeze(&dir);
    let edited = dir.join("edited.snap");
    rewrite(&snap, &edited, None, |entries| entries[0].1 ^= 1);
    let output = run(&[
        ("FASTBOOT", Path::new("strict")),
        ("FASTBOOT_SNAPSHOT", &edited),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("fastboot_registry_lib::primes: stale"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_mode_checks_every_entry() {
    let dir = temp_dir("verify");
    let snap = freeze(&dir);
    let output = run(&[
        ("FASTBOOT", Path::new("verify")),
        ("FASTBOOT_SNAPSHOT", &snap),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        lines(&stdout(&output), "ok ").len(),
        ENTRIES,
        "{}",
        stdout(&output)
    );

    let mut bytes = std::fs::read(&snap).unwrap();
    let offset = Snapshot::parse(&bytes)
        .unwrap()
        .find("kinds::letters")
        .unwrap()
        .offset;
    bytes[offset] ^= 0xff;
    std::fs::write(&snap, bytes).unwrap();
    let output = run(&[
        ("FASTBOOT", Path::new("verify")),
        ("FASTBOOT_SNAPSHOT", &snap),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert_eq!(lines(&out, "FAIL  kinds::letters").len(), 1, "{out}");
    assert_eq!(lines(&out, "ok ").len(), ENTRIES - 1, "{out}");
}
