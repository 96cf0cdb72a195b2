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
