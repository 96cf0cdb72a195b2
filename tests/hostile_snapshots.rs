//! A corpus of broken and hostile snapshot files, each given to the `kinds`
//! example as a separate process. Every one must end the same way: the
//! program runs to completion with the computed values and says what was
//! wrong in one line per problem (or, in strict mode, stops with the reason);
//! never a panic, a crash, or a wrong value.

mod common;

use std::path::{Path, PathBuf};

use common::*;
use fastboot_core::format::{Snapshot, HEADER_LEN, ROW_LEN, SLOT_LEN};

/// A fresh snapshot of `kinds` and its bytes.
fn good(dir: &Path) -> (PathBuf, Vec<u8>) {
    let snap = freeze(dir);
    let bytes = std::fs::read(&snap).unwrap();
    (snap, bytes)
}

/// Runs `kinds` on the file at `path`: values must be the computed ones and
/// stderr exactly `expected_lines` lines, each containing `needle`. Then the
/// same in strict mode must fail with status 1 and name the problem.
fn assert_rejected(case: &str, path: &Path, expected_lines: usize, needle: &str) {
    let output = run(&[("FASTBOOT_SNAPSHOT", path)]);
    assert!(
        output.status.success(),
        "{case}: exit {:?}: {}",
        output.status,
        stderr(&output)
    );
    assert_eq!(
        lines(&stdout(&output), "value").join("\n"),
        computed_values(),
        "{case}: wrong values"
    );
    let err = stderr(&output);
    assert_eq!(err.lines().count(), expected_lines, "{case}: {err}");
    for line in err.lines() {
        assert!(
            line.starts_with("fastboot: ") && line.contains(needle),
            "{case}: {line}"
        );
    }

    // Strict mode: problems found by `init()` exit with status 1; data found
    // invalid at first access panics. Either way, with the reason.
    let strict = run(&[
        ("FASTBOOT_SNAPSHOT", path),
        ("FASTBOOT", Path::new("strict")),
    ]);
    let strict_err = stderr(&strict);
    assert!(!strict.status.success(), "{case}: strict mode passed");
    assert!(
        strict.status.code().is_some(),
        "{case}: strict mode died of a signal"
    );
    assert!(
        strict_err.contains("fastboot (strict)") || strict_err.contains("strict mode"),
        "{case}: {strict_err}"
    );
}

fn write_case(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn files_that_are_not_snapshots() {
    let dir = temp_dir("not-snapshots");
    let empty = write_case(&dir, "empty.snap", b"");
    assert_rejected("empty file", &empty, 1, "too short");
    let text = write_case(&dir, "text.snap", &b"not a snapshot at all\n".repeat(20));
    assert_rejected("text file", &text, 1, "bad magic");
    assert_rejected("directory", &dir, 1, "not a regular file");

    let dangling = dir.join("dangling.snap");
    std::os::unix::fs::symlink(dir.join("nowhere"), &dangling).unwrap();
    assert_rejected("dangling symlink", &dangling, 1, "No such file");

    let fifo = dir.join("fifo.snap");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    assert_rejected("FIFO (must not block)", &fifo, 1, "not a regular file");

    let unreadable = write_case(&dir, "unreadable.snap", b"FASTBOOT");
    std::fs::set_permissions(
        &unreadable,
        std::os::unix::fs::PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    if std::fs::read(&unreadable).is_err() {
        // Only meaningful when not running as root.
        assert_rejected("unreadable file", &unreadable, 1, "Permission denied");
    }
}

#[test]
fn declared_lengths_that_lie() {
    let dir = temp_dir("lengths");
    let (_, bytes) = good(&dir);
    // Shorter than the header itself (found by the fuzzer: it used to panic
    // at startup), zero, and far longer than the file.
    for (declared, needle) in [
        (100u64, "malformed"),
        (0, "malformed"),
        (u64::MAX, "truncated"),
    ] {
        let mut bad = bytes.clone();
        bad[16..24].copy_from_slice(&declared.to_le_bytes());
        let path = write_case(&dir, "length.snap", &bad);
        assert_rejected(&format!("declared length {declared}"), &path, 1, needle);
    }
}

#[test]
fn truncation_in_every_region() {
    let dir = temp_dir("truncated");
    let (_, bytes) = good(&dir);
    let snapshot = Snapshot::parse(&bytes).unwrap();
    let table_end = HEADER_LEN + ROW_LEN * snapshot.len();
    let first_data = snapshot.entries().map(|e| e.offset).min().unwrap();
    let cuts = [
        1,
        8,
        HEADER_LEN / 2,
        HEADER_LEN - 1,
        HEADER_LEN,
        HEADER_LEN + ROW_LEN / 2,
        table_end - 1,
        table_end + 3,
        first_data - 1,
        first_data + 1,
        bytes.len() / 2,
        bytes.len() - 1,
    ];
    for cut in cuts {
        let path = write_case(&dir, &format!("cut-{cut}.snap"), &bytes[..cut]);
        let needle = if cut < HEADER_LEN {
            "too short"
        } else {
            "truncated"
        };
        assert_rejected(&format!("truncated to {cut} bytes"), &path, 1, needle);
    }
}

#[test]
fn flipped_bits_in_header_table_and_names() {
    let dir = temp_dir("flipped-meta");
    let (_, bytes) = good(&dir);
    let snapshot = Snapshot::parse(&bytes).unwrap();
    let names_len: usize = snapshot.entries().map(|e| e.name.len()).sum();
    let meta_end = HEADER_LEN + ROW_LEN * snapshot.len() + names_len;
    // Every 7th byte of the metadata, a different bit each time. (The
    // padding after it is read by nothing.)
    for at in (0..meta_end).step_by(7) {
        let mut bad = bytes.clone();
        bad[at] ^= 1 << (at % 8);
        let path = write_case(&dir, "flipped.snap", &bad);
        // Magic, version, layout and length have their own messages; the
        // checksum catches everything else.
        assert_rejected(&format!("bit flip at {at}"), &path, 1, "ignoring snapshot");
    }
}

#[test]
fn flipped_bits_in_each_entry_are_caught_for_that_entry_only() {
    let dir = temp_dir("flipped-data");
    let (_, bytes) = good(&dir);
    let snapshot = Snapshot::parse(&bytes).unwrap();
    for entry in snapshot.entries() {
        for at in [entry.offset, entry.offset + entry.bytes.len() - 1] {
            let mut bad = bytes.clone();
            bad[at] ^= 0x80;
            let path = write_case(&dir, "flipped.snap", &bad);
            let case = format!("bit flip in {} at {at}", entry.name);
            assert_rejected(
                &case,
                &path,
                1,
                &format!("computing {}: invalid data", entry.name),
            );
        }
    }
}

#[test]
fn wrong_magic_version_and_layout() {
    let dir = temp_dir("versions");
    let (_, bytes) = good(&dir);
    for (at, needle) in [(0, "bad magic"), (8, "format version"), (12, "rkyv layout")] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x02;
        let path = write_case(&dir, "version.snap", &bad);
        assert_rejected(needle, &path, 1, needle);
    }
}

#[test]
fn an_entry_of_another_type_is_stale() {
    let dir = temp_dir("other-type");
    let (snap, _) = good(&dir);
    let edited = dir.join("edited.snap");
    // `squares` (a Vec<u64>) replaced by the entry of `planets` (a
    // Vec<Planet>): what a snapshot of another version of the program holds.
    rewrite(&snap, &edited, None, |entries| {
        let planets = entries
            .iter()
            .find(|e| e.0 == "kinds::planets")
            .unwrap()
            .clone();
        let squares = entries
            .iter_mut()
            .find(|e| e.0 == "kinds::squares")
            .unwrap();
        (squares.1, squares.2) = (planets.1, planets.2);
    });
    assert_rejected(
        "planets as squares",
        &edited,
        1,
        "computing kinds::squares: stale",
    );
}

#[test]
fn rows_pointing_at_each_others_data_are_rejected() {
    let dir = temp_dir("swapped-rows");
    let (_, mut bytes) = good(&dir);
    // As a buggy tool might: swap where two rows point (offset, length and
    // checksum), keeping names and fingerprints, and reseal the table.
    let snapshot = Snapshot::parse(&bytes).unwrap();
    let names: Vec<String> = snapshot.entries().map(|e| e.name.to_owned()).collect();
    let slots = snapshot.slots();
    let row = |name: &str| HEADER_LEN + ROW_LEN * names.iter().position(|n| n == name).unwrap();
    let (a, b) = (row("kinds::greeting"), row("kinds::letters"));
    for at in 16..40 {
        bytes.swap(a + at, b + at);
    }
    let meta_len = HEADER_LEN
        + ROW_LEN * names.len()
        + names.iter().map(String::len).sum::<usize>()
        + SLOT_LEN * slots;
    let mut meta = bytes[..meta_len].to_vec();
    meta[32..40].fill(0);
    let sum = fastboot_core::__private::checksum(&meta);
    bytes[32..40].copy_from_slice(&sum.to_le_bytes());
    let path = write_case(&dir, "swapped.snap", &bytes);
    // Data must be laid out in table order, so this is caught before any
    // entry is used (had it not been, each entry's checksum, seeded with its
    // fingerprint, would fail).
    assert_rejected("swapped rows", &path, 1, "overlaps another");
}

#[test]
fn forged_serde_and_deserialize_entries_are_rejected() {
    let dir = temp_dir("forged");
    let (snap, _) = good(&dir);
    // Garbage under valid checksums (the rewrite reseals each entry), as a
    // deliberately forged file holds: decoding must fail cleanly, without
    // a crash, an abort on a huge allocation, or a stack overflow.
    let deep = [0x91].repeat(100_000); // arrays nested 100,000 deep
    let huge_array = vec![0xdd, 0xff, 0xff, 0xff, 0xff]; // 4 G elements, none present
    let huge_string = vec![0xdb, 0xff, 0xff, 0xff, 0xff]; // a 4 GB string, absent
    let ones = vec![0xff; 64]; // relative pointers and lengths out of bounds
    let cases: [(&str, &[u8]); 9] = [
        ("kinds::settings", &deep),
        ("kinds::settings", &huge_array),
        ("kinds::settings", &huge_string),
        ("kinds::release", &ones),
        ("kinds::release", &[]),
        ("kinds::elements", &ones),
        ("kinds::elements_by_symbol", &ones),
        ("kinds::languages", &ones),
        ("kinds::languages", &[]),
    ];
    for (name, garbage) in cases {
        let forged = dir.join("forged.snap");
        rewrite(&snap, &forged, None, |entries| {
            let entry = entries.iter_mut().find(|e| e.0 == name).unwrap();
            entry.2 = garbage.to_vec();
        });
        let case = format!("{name} forged with {} bytes", garbage.len());
        assert_rejected(
            &case,
            &forged,
            1,
            &format!("computing {name}: invalid data"),
        );
    }
}
