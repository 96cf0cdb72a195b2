use super::*;

const PRODUCER: &[u8] = b"\x01\x02\x03\x04\x05\x06\x07\x08";

fn sample() -> Vec<u8> {
    let big = vec![7u8; 10_000];
    write(
        PRODUCER,
        &[
            EntryData {
                name: "b::second",
                fingerprint: 2,
                bytes: &[1, 2, 3],
            },
            EntryData {
                name: "a::first",
                fingerprint: 1,
                bytes: b"hello world!",
            },
            EntryData {
                name: "c::big",
                fingerprint: 3,
                bytes: &big,
            },
        ],
    )
    .unwrap()
}

#[test]
fn round_trip_keeps_every_entry_sorted_by_name() {
    let bytes = sample();
    let snapshot = Snapshot::parse(&bytes).unwrap();
    assert_eq!(snapshot.producer(), PRODUCER);
    assert_eq!(snapshot.writer_version(), env!("CARGO_PKG_VERSION"));
    let names: Vec<_> = snapshot.entries().map(|e| e.name).collect();
    assert_eq!(names, ["a::first", "b::second", "c::big"]);
    let second = snapshot.find("b::second").unwrap();
    assert_eq!((second.fingerprint, second.bytes), (2, &[1u8, 2, 3][..]));
    assert!(second.checksum_matches());
    assert_eq!(snapshot.find("a::first").unwrap().bytes, b"hello world!");
    assert_eq!(snapshot.find("c::big").unwrap().bytes, &[7u8; 10_000][..]);
    assert_eq!(snapshot.find("z::absent"), None);
    assert_eq!(snapshot.find(""), None);
}

#[test]
fn entries_are_aligned_and_large_ones_start_a_page() {
    let bytes = sample();
    let snapshot = Snapshot::parse(&bytes).unwrap();
    for entry in snapshot.entries() {
        assert_eq!(entry.offset % MIN_ALIGN as usize, 0, "{}", entry.name);
        assert_eq!(entry.offset % entry.align as usize, 0, "{}", entry.name);
    }
    assert_eq!(snapshot.find("c::big").unwrap().offset % 4096, 0);
}

#[test]
fn writing_is_deterministic_whatever_the_input_order() {
    let entries = [
        EntryData {
            name: "x",
            fingerprint: 9,
            bytes: b"xx",
        },
        EntryData {
            name: "y",
            fingerprint: 8,
            bytes: b"yyy",
        },
    ];
    let reversed = [entries[1], entries[0]];
    assert_eq!(
        write(PRODUCER, &entries).unwrap(),
        write(PRODUCER, &reversed).unwrap()
    );
}

#[test]
fn an_empty_snapshot_is_valid() {
    let bytes = write(PRODUCER, &[]).unwrap();
    let snapshot = Snapshot::parse(&bytes).unwrap();
    assert!(snapshot.is_empty());
    assert_eq!(snapshot.find("anything"), None);
}

#[test]
fn trailing_bytes_are_ignored() {
    let mut bytes = sample();
    let len = bytes.len();
    bytes.extend_from_slice(&[0xff; 100]);
    assert_eq!(Snapshot::parse(&bytes).unwrap().as_bytes().len(), len);
}

#[test]
fn writer_rejects_duplicates_and_long_producers() {
    let twice = [
        EntryData {
            name: "x",
            fingerprint: 1,
            bytes: b"",
        },
        EntryData {
            name: "x",
            fingerprint: 2,
            bytes: b"",
        },
    ];
    assert_eq!(
        write(PRODUCER, &twice),
        Err(FormatError::DuplicateName("x".into()))
    );
    assert_eq!(write(&[0; 65], &[]), Err(FormatError::ProducerTooLong(65)));
}

#[test]
fn bad_headers_are_named() {
    let good = sample();
    assert_eq!(
        Snapshot::parse(&[]).unwrap_err(),
        FormatError::TooShort { len: 0 }
    );
    assert_eq!(
        Snapshot::parse(&[0; 200]).unwrap_err(),
        FormatError::BadMagic
    );

    let mut version = good.clone();
    version[8] = 99;
    assert_eq!(
        Snapshot::parse(&version).unwrap_err(),
        FormatError::UnsupportedVersion { found: 99 }
    );

    let mut abi = good.clone();
    abi[12] ^= 0xff;
    assert!(matches!(
        Snapshot::parse(&abi).unwrap_err(),
        FormatError::ArchiveAbi { .. }
    ));

    let truncated = &good[..good.len() - 1];
    assert!(matches!(
        Snapshot::parse(truncated).unwrap_err(),
        FormatError::Truncated { .. }
    ));
}

#[test]
fn any_flipped_metadata_bit_is_detected() {
    let good = sample();
    let meta_len = HEADER_LEN + 3 * ROW_LEN + "a::firstb::secondc::big".len();
    for byte in 0..meta_len {
        for bit in 0..8 {
            let mut bad = good.clone();
            bad[byte] ^= 1 << bit;
            assert!(
                Snapshot::parse(&bad).is_err(),
                "flip of bit {bit} in byte {byte} undetected"
            );
        }
    }
}

#[test]
fn a_flipped_data_bit_fails_the_entry_checksum() {
    let mut bytes = sample();
    let offset = Snapshot::parse(&bytes)
        .unwrap()
        .find("b::second")
        .unwrap()
        .offset;
    bytes[offset] ^= 0x10;
    let snapshot = Snapshot::parse(&bytes).unwrap();
    assert!(!snapshot.find("b::second").unwrap().checksum_matches());
    assert!(snapshot.find("a::first").unwrap().checksum_matches());
}

#[test]
fn every_truncation_is_rejected() {
    let good = sample();
    for len in 0..good.len() {
        assert!(
            Snapshot::parse(&good[..len]).is_err(),
            "truncation to {len} accepted"
        );
    }
}

#[test]
fn footer_round_trip_and_bounds() {
    let footer = footer::Footer {
        offset: 4096,
        len: 1000,
    };
    let raw = footer.encode();
    assert_eq!(footer::Footer::decode(&raw, 4096 + 1000 + 32), Some(footer));
    assert_eq!(
        footer::Footer::decode(&raw, 4096 + 999 + 32),
        None,
        "past the file's end"
    );
    let mut bad = raw;
    bad[9] ^= 1;
    assert_eq!(footer::Footer::decode(&bad, 1 << 20), None, "checksum");
}

/// Applies `edit` to the metadata of `bytes`, then recomputes the checksum,
/// as a hostile writer would, so that only the structural checks stand.
fn resealed(mut bytes: Vec<u8>, edit: impl FnOnce(&mut [u8])) -> Vec<u8> {
    edit(&mut bytes);
    let count = get_u32(&bytes, 24) as usize;
    let names_len = get_u32(&bytes, 28) as usize;
    let slots = get_u32(&bytes, 44) as usize;
    let meta_len = (HEADER_LEN + ROW_LEN * count + names_len + SLOT_LEN * slots).min(bytes.len());
    let sum = meta_checksum(&bytes[..meta_len]);
    put_u64(&mut bytes, 32, sum);
    bytes
}

fn row(i: usize) -> usize {
    HEADER_LEN + i * ROW_LEN
}

fn assert_malformed(bytes: &[u8], what: &str) {
    match Snapshot::parse(bytes) {
        Err(FormatError::Malformed(why)) => assert!(why.contains(what), "{why}"),
        other => panic!("expected malformed ({what}), got {other:?}"),
    }
}

type Edit = Box<dyn Fn(&mut [u8])>;

/// Edits of a [`sample`] snapshot's metadata that break it, and what
/// `parse` says of each.
fn hostile_edits() -> Vec<(&'static str, Edit)> {
    let len = sample().len() as u64;
    vec![
        (
            "not aligned",
            Box::new(|b| put_u64(b, row(0) + 16, get_u64(b, row(0) + 16) + 1)),
        ),
        (
            "overlaps",
            Box::new(|b| put_u64(b, row(1) + 16, get_u64(b, row(0) + 16))),
        ),
        (
            "extends past the end",
            Box::new(move |b| put_u64(b, row(2) + 24, len)),
        ),
        (
            "extends past the end",
            Box::new(|b| put_u64(b, row(0) + 24, u64::MAX)),
        ),
        (
            "extends past the end",
            Box::new(|b| put_u64(b, row(0) + 16, u64::MAX - 15)),
        ),
        ("alignment 0", Box::new(|b| put_u32(b, row(0) + 40, 0))),
        ("alignment 24", Box::new(|b| put_u32(b, row(0) + 40, 24))),
        (
            "alignment 8192",
            Box::new(|b| put_u32(b, row(0) + 40, 8192)),
        ),
        (
            "name out of bounds",
            Box::new(|b| put_u32(b, row(0), u32::MAX)),
        ),
        (
            "name out of bounds",
            Box::new(|b| put_u32(b, row(2) + 4, 1 << 20)),
        ),
        ("not UTF-8", Box::new(|b| b[row(3)] = 0xff)),
        ("out of order", Box::new(|b| b.swap(row(3), row(3) + 8))),
        ("do not fit", Box::new(|b| put_u32(b, 24, u32::MAX))),
        ("do not fit", Box::new(|b| put_u32(b, 28, u32::MAX))),
        ("producer id", Box::new(|b| put_u32(b, 40, 65))),
    ]
}

#[test]
fn hostile_tables_are_rejected_even_with_a_valid_checksum() {
    for (what, edit) in hostile_edits() {
        assert_malformed(&resealed(sample(), edit), what);
    }
}

#[test]
fn an_embedded_snapshot_has_each_row_checked_when_read() {
    for (what, edit) in hostile_edits() {
        let bad = resealed(sample(), edit);
        let snapshot = match Snapshot::parse_embedded(&bad) {
            Err(FormatError::Malformed(why)) => {
                assert!(why.contains(what), "{why}");
                continue;
            }
            Err(other) => panic!("{what}: {other:?}"),
            Ok(snapshot) => snapshot,
        };
        let errors: Vec<String> = (0..=snapshot.len())
            .filter_map(|i| snapshot.checked_record(i).err())
            .map(|e| e.to_string())
            .collect();
        // The row past the end is refused; a row that is wrong in itself
        // is refused when read. Order and overlap between rows are not
        // checked: they matter to no reader of one row.
        assert!(
            errors.iter().any(|e| e.contains("row 3 of 3")),
            "{errors:?}"
        );
        let between_rows = ["overlaps", "out of order"].contains(&what);
        assert_eq!(
            errors.iter().any(|e| e.contains(what)),
            !between_rows,
            "{what}: {errors:?}"
        );
    }
    // Nor is the metadata's checksum (which guards files).
    let mut flipped = sample();
    flipped[row(0) + 8] ^= 1;
    assert!(Snapshot::parse(&flipped).is_err());
    assert!(Snapshot::parse_embedded(&flipped).is_ok());
}

#[test]
fn a_data_region_inside_the_metadata_is_rejected() {
    let good = sample();
    let bad = resealed(good, |b| put_u64(b, row(0) + 16, HEADER_LEN as u64));
    assert_malformed(&bad, "overlaps");
}

#[test]
fn huge_declared_lengths_are_truncation_not_panics() {
    let bad = resealed(sample(), |b| put_u64(b, 16, u64::MAX));
    assert!(matches!(
        Snapshot::parse(&bad),
        Err(FormatError::Truncated { .. })
    ));
}

/// Found by the fuzzer: a declared length shorter than the header made the
/// parser index past the snapshot it had just cut to that length.
#[test]
fn a_declared_length_shorter_than_the_header_is_malformed_not_a_panic() {
    for declared in [0, 1, 8, 24, 40, HEADER_LEN as u64 - 1] {
        let mut bad = sample();
        put_u64(&mut bad, 16, declared);
        assert_malformed(&bad, "less than the header itself");
        let bad = resealed(bad, |_| {});
        assert_malformed(&bad, "less than the header itself");
    }
    // Exactly the header: what an empty snapshot declares.
    let mut bad = sample();
    put_u64(&mut bad, 16, HEADER_LEN as u64);
    assert_malformed(&bad, "do not fit");
}

#[test]
fn parsing_random_bytes_never_panics() {
    // A small deterministic stand-in for the fuzzer, cheap enough for Miri.
    let mut rng = startup_workload::Rng::new(7);
    let mut state = 0;
    let good = sample();
    for round in 0..300 {
        let mut bytes = good.clone();
        for _ in 0..=round % 7 {
            state = rng.next_u64();
            let at = (state % bytes.len() as u64) as usize;
            bytes[at] = (state >> 32) as u8;
        }
        let cut = (state >> 40) as usize % (bytes.len() + 1);
        for candidate in [&bytes[..], &bytes[..cut]] {
            if let Ok(snapshot) = Snapshot::parse(candidate) {
                for entry in snapshot.entries() {
                    assert_eq!(
                        snapshot.find(entry.name).map(|e| e.offset),
                        Some(entry.offset)
                    );
                    let _ = entry.checksum_matches();
                }
            }
        }
    }
}

#[test]
fn an_entry_checksum_is_bound_to_its_fingerprint() {
    let bytes = sample();
    let snapshot = Snapshot::parse(&bytes).unwrap();
    let mut entry = snapshot.find("a::first").unwrap();
    assert!(entry.checksum_matches());
    entry.fingerprint ^= 1;
    assert!(
        !entry.checksum_matches(),
        "same data under another fingerprint must not match"
    );
}

/// A snapshot of three entries whose producer's registry holds four
/// statics, two of them sharing one entry (the same code linked twice).
fn with_slots() -> Vec<u8> {
    let mut writer = Writer::new(
        std::io::Cursor::new(Vec::new()),
        PRODUCER,
        &["b", "a", "c"],
        &["c", "a", "b", "a"],
    )
    .unwrap();
    for (name, fingerprint) in [("a", 1), ("b", 2), ("c", 3)] {
        writer.add(name, fingerprint, name.as_bytes()).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn slots_give_each_registry_entry_its_row() {
    let bytes = with_slots();
    let snapshot = Snapshot::parse(&bytes).unwrap();
    assert_eq!(snapshot.slots(), 4);
    let names: Vec<&str> = (0..4)
        .map(|slot| snapshot.in_slot(slot).unwrap().name)
        .collect();
    assert_eq!(names, ["c", "a", "b", "a"]);
    assert_eq!(snapshot.in_slot(4), None);
    assert_eq!(snapshot.slot_named(0, "c"), Some(2));
    assert_eq!(snapshot.slot_named(0, "a"), None);
    // A key naming a version (`name@version`, see the registry) is the
    // entry's too; a longer name is not.
    let keyed = Writer::new(
        std::io::Cursor::new(Vec::new()),
        PRODUCER,
        &["lib::t@1.0.0", "lib::tx"],
        &["lib::t@1.0.0", "lib::tx"],
    )
    .unwrap();
    let keyed = {
        let mut writer = keyed;
        writer.add("lib::t@1.0.0", 1, b"one").unwrap();
        writer.add("lib::tx", 2, b"two").unwrap();
        writer.finish().unwrap().into_inner()
    };
    let keyed = Snapshot::parse(&keyed).unwrap();
    assert_eq!(keyed.slot_named(0, "lib::t"), Some(0));
    assert_eq!(keyed.slot_named(1, "lib::t"), None);
    assert_eq!(keyed.slot_named(0, "lib"), None);
    assert_eq!(snapshot.slot_named(usize::MAX, "a"), None);
    // Without slots (a snapshot written by other means), none is named.
    let plain = sample();
    assert_eq!(
        Snapshot::parse(&plain).unwrap().slot_named(0, "a::first"),
        None
    );
}

#[test]
fn a_slot_naming_no_row_is_rejected() {
    let good = with_slots();
    let meta_end = HEADER_LEN + ROW_LEN * 3 + 3;
    let bad = resealed(good, |b| put_u32(b, meta_end + SLOT_LEN, 3));
    assert_malformed(&bad, "slot 1 names row 3 of 3");
    let writer = Writer::new(std::io::Cursor::new(Vec::new()), PRODUCER, &["a"], &["z"]);
    assert!(matches!(writer, Err(FormatError::Malformed(why)) if why.contains("`z` has no row")));
}
