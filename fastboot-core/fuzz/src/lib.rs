//! What the fuzz targets check, shared with `gen_corpus`, which writes their
//! seed corpus.
//!
//! The snapshot target treats its input as a snapshot file: it parses it,
//! checks what a successful parse promises, and validates every entry as
//! each of a few realistic types, the way a file snapshot is thawed. Entries
//! that validate are then read in full through an unchecked access, exactly
//! as `Frozen::get` does after validating, so any gap in validation shows up
//! as a crash or an AddressSanitizer report.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

use fastboot_core::__private::{self as archive, ArchiveSink, FreezeSorted};
use fastboot_core::contract::BuildId;
use fastboot_core::format::{self, footer::Footer, EntryData, Snapshot, HEADER_LEN, ROW_LEN};
use fastboot_core::Freezable;
use rkyv::util::AlignedVec;
use rkyv::{Archive, Archived, Serialize};

/// A user type such as programs freeze: strings, vectors, an enum with data,
/// an option of a box, a float.
#[derive(Archive, Serialize, Debug, Clone, PartialEq)]
pub struct Planet {
    pub name: String,
    pub moons: Vec<String>,
    pub radius_km: f64,
    pub kind: Kind,
    pub rings: Option<Box<[u16]>>,
}

/// An enum with unit, struct and tuple variants.
#[derive(Archive, Serialize, Debug, Clone, PartialEq)]
pub enum Kind {
    Rocky,
    Giant { gas: bool },
    Dwarf(u8),
}

/// The names the seed snapshots use, and the type each one holds.
pub const SQUARES: &str = "fuzz::squares";
pub const GREETING: &str = "fuzz::greeting";
pub const INDEX: &str = "fuzz::index";
pub const BY_ROOT: &str = "fuzz::by_root";
pub const PLANETS: &str = "fuzz::planets";
pub const EARTH: &str = "fuzz::earth";
const NAMES: [&str; 6] = [SQUARES, GREETING, INDEX, BY_ROOT, PLANETS, EARTH];

/// The snapshot target: `data` as a snapshot file, then the same bytes
/// resealed (declared length and header checksum made to match), so that
/// mutations of the table, names and data get past the checksum.
pub fn check_snapshot(data: &[u8]) {
    check_parsed(&aligned(data));
    check_embedded(&aligned(data));
    if let Some(sealed) = reseal(data) {
        check_parsed(&sealed);
        check_embedded(&sealed);
    }
}

/// Parses `bytes` as an embedded snapshot is (its rows checked as they are
/// read) and reads every row and slot: never a panic, and each row that
/// passes its check keeps what a parse promises of it; a snapshot that
/// passes every check of `parse` reads the same either way.
fn check_embedded(bytes: &[u8]) {
    let Ok(snapshot) = Snapshot::parse_embedded(bytes) else {
        assert!(Snapshot::parse(bytes).is_err(), "parse is the stricter");
        return;
    };
    let whole = snapshot.as_bytes();
    let fully = Snapshot::parse(bytes).ok();
    for i in 0..=snapshot.len() {
        let Ok(entry) = snapshot.checked_record(i) else {
            assert!(fully.is_none() || i == snapshot.len(), "row {i}");
            continue;
        };
        assert!(entry.align.is_power_of_two() && entry.align >= format::MIN_ALIGN);
        assert_eq!(entry.offset % entry.align as usize, 0);
        assert_eq!(entry.bytes.as_ptr(), whole[entry.offset..].as_ptr());
        black_box(snapshot.position(entry.name));
        if let Some(fully) = fully {
            assert_eq!(fully.record(i), entry);
        }
    }
    for slot in 0..=snapshot.slots() {
        black_box(snapshot.slot_row(slot));
        black_box(snapshot.slot_named(slot, "a"));
    }
}

/// The footer target: the last 32 bytes of a file of some length.
pub fn check_footer(data: &[u8]) {
    let Some((raw, rest)) = data.split_first_chunk::<{ format::footer::LEN }>() else {
        return;
    };
    let file_len = rest
        .first_chunk::<8>()
        .map_or(rest.len() as u64, |len| u64::from_le_bytes(*len));
    let mut sealed = *raw;
    let sum = fastboot_core::__private::checksum(&sealed[..24]);
    sealed[24..].copy_from_slice(&sum.to_le_bytes());
    for bytes in [raw, &sealed] {
        if let Some(footer) = Footer::decode(bytes, file_len) {
            // What `decode` promises: the snapshot lies before the footer.
            let end = footer.offset.checked_add(footer.len).expect("no overflow");
            assert!(end <= file_len - format::footer::LEN as u64, "{footer:?}");
            assert_eq!(Footer::decode(&footer.encode(), file_len), Some(footer));
        }
    }
}

/// `data` copied to a buffer aligned as a mapped file's first entry is.
fn aligned(data: &[u8]) -> AlignedVec {
    let mut buffer = AlignedVec::with_capacity(data.len());
    buffer.extend_from_slice(data);
    buffer
}

/// `data` with its declared length set to its length and its header
/// checksum recomputed, if its counts fit; what a careful forger would do.
fn reseal(data: &[u8]) -> Option<AlignedVec> {
    if data.len() < HEADER_LEN {
        return None;
    }
    let mut bytes = aligned(data);
    bytes[16..24].copy_from_slice(&(data.len() as u64).to_le_bytes());
    let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let meta_len = word(24)
        .checked_mul(ROW_LEN)?
        .checked_add(HEADER_LEN + word(28))
        .filter(|&len| len <= data.len())?;
    let mut meta = bytes[..meta_len].to_vec();
    meta[32..40].fill(0);
    let sum = fastboot_core::__private::checksum(&meta);
    bytes[32..40].copy_from_slice(&sum.to_le_bytes());
    Some(bytes)
}

/// Parses `bytes` and, if they are a snapshot, checks everything a parse
/// promises and every entry as every type.
fn check_parsed(bytes: &[u8]) {
    let Ok(snapshot) = Snapshot::parse(bytes) else {
        return;
    };
    let whole = snapshot.as_bytes();
    assert!(HEADER_LEN <= whole.len() && whole.len() <= bytes.len());
    assert!(BuildId::new(snapshot.producer()).is_some() || snapshot.producer().is_empty());
    black_box(snapshot.writer_version());

    let mut previous: Option<&str> = None;
    let mut data_end = 0;
    for entry in snapshot.entries() {
        assert!(previous < Some(entry.name), "names sorted and unique");
        previous = Some(entry.name);
        assert!(entry.align.is_power_of_two() && entry.align >= format::MIN_ALIGN);
        assert_eq!(entry.offset % entry.align as usize, 0);
        assert!(entry.offset >= data_end, "entries in order, apart");
        data_end = entry.offset + entry.bytes.len();
        assert!(data_end <= whole.len());
        assert_eq!(entry.bytes.as_ptr(), whole[entry.offset..].as_ptr());
        assert_eq!(snapshot.find(entry.name), Some(entry));
        // Thawing checks the checksum first; validation must be safe even
        // without it, so every entry is validated either way.
        black_box(entry.checksum_matches());
        read_as_every_type(entry.bytes);
    }
    for name in NAMES {
        if let Some(entry) = snapshot.find(name) {
            assert_eq!(entry.name, name);
        }
    }

    // A parsed snapshot can be written again and reads back the same.
    let entries: Vec<EntryData<'_>> = snapshot
        .entries()
        .map(|e| EntryData {
            name: e.name,
            fingerprint: e.fingerprint,
            bytes: e.bytes,
        })
        .collect();
    let rewritten = format::write(snapshot.producer(), &entries).expect("rewriting a snapshot");
    let again = Snapshot::parse(&rewritten).expect("parsing a rewritten snapshot");
    assert_eq!(again.producer(), snapshot.producer());
    assert_eq!(again.len(), snapshot.len());
    for (a, b) in again.entries().zip(snapshot.entries()) {
        assert_eq!(
            (a.name, a.fingerprint, a.bytes),
            (b.name, b.fingerprint, b.bytes)
        );
        assert!(a.checksum_matches());
    }
}

/// Validates `bytes` as each type and reads in full those that pass.
fn read_as_every_type(bytes: &[u8]) {
    if let Some(squares) = thaw::<Vec<u64>>(bytes) {
        black_box(
            squares
                .iter()
                .map(|x| x.to_native())
                .fold(0u64, u64::wrapping_add),
        );
    }
    if let Some(greeting) = thaw::<String>(bytes) {
        black_box(greeting.as_str().chars().count());
    }
    if let Some(index) = thaw::<HashMap<String, Vec<u32>>>(bytes) {
        for (word, postings) in index.iter() {
            black_box(postings.iter().map(|p| p.to_native()).max());
            // Validation does not promise a forged table finds its keys,
            // only that looking them up is safe.
            black_box(index.get(word.as_str()));
        }
        black_box(index.get("absent"));
        black_box(index.len());
    }
    if let Some(by_root) = thaw::<BTreeMap<u32, String>>(bytes) {
        for (root, square) in by_root.iter() {
            black_box((root.to_native(), square.len()));
            black_box(by_root.get(root));
        }
        black_box(by_root.len());
    }
    if let Some(planets) = thaw::<Vec<Planet>>(bytes) {
        planets.iter().for_each(read_planet);
    }
    if let Some(earth) = thaw::<Planet>(bytes) {
        read_planet(earth);
    }
}

fn read_planet(planet: &ArchivedPlanet) {
    black_box(planet.name.as_str());
    black_box(planet.moons.iter().map(|m| m.as_str().len()).max());
    black_box(planet.radius_km.to_native());
    match &planet.kind {
        ArchivedKind::Rocky => {}
        ArchivedKind::Giant { gas } => {
            black_box(*gas);
        }
        ArchivedKind::Dwarf(n) => {
            black_box(*n);
        }
    }
    if let Some(rings) = planet.rings.as_ref() {
        black_box(
            rings
                .iter()
                .fold(0u16, |sum, r| sum.wrapping_add(r.to_native())),
        );
    }
}

/// The archived `T` in `bytes`, if they validate: what thawing a file does.
fn thaw<T: Freezable>(bytes: &[u8]) -> Option<&Archived<T>> {
    archive::validate::<T>(bytes).ok()?;
    // SAFETY: `bytes` hold a valid archive of `T`, just checked by rkyv's
    // validator; this is the access `Frozen::get` makes after validating.
    Some(unsafe { rkyv::access_unchecked::<Archived<T>>(bytes) })
}

/// The seed snapshots: name and bytes of each.
pub fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let producer: &[u8] = &[0x5e; 20];
    let squares = archive::archive(&(0..40u64).map(|i| i * i).collect::<Vec<u64>>());
    let greeting = archive::archive(&"hello from a frozen static".to_owned());
    let index: HashMap<String, Vec<u32>> = "the quick brown fox jumps over the lazy dog"
        .split(' ')
        .enumerate()
        .map(|(i, w)| (w.to_owned(), (0..i as u32).collect()))
        .collect();
    // Archived as a freeze run does: in sorted key order.
    let index = {
        let mut sink = ArchiveSink::in_memory();
        FreezeSorted::archive(&archive::Freeze(&index), &mut sink).unwrap();
        sink.into_bytes()
    };
    let by_root: BTreeMap<u32, String> = (1..=12u32).map(|i| (i, (i * i).to_string())).collect();
    let by_root = archive::archive(&by_root);
    let planets = vec![
        Planet {
            name: "Mercury".into(),
            moons: vec![],
            radius_km: 2439.7,
            kind: Kind::Rocky,
            rings: None,
        },
        Planet {
            name: "Saturn".into(),
            moons: vec!["Titan".into(), "Rhea".into(), "Iapetus".into()],
            radius_km: 58232.0,
            kind: Kind::Giant { gas: true },
            rings: Some(vec![7, 8, 9].into_boxed_slice()),
        },
        Planet {
            name: "Pluto".into(),
            moons: vec!["Charon".into()],
            radius_km: 1188.3,
            kind: Kind::Dwarf(5),
            rings: None,
        },
    ];
    let earth = archive::archive(&planets[1]);
    let planets = archive::archive(&planets);
    // Large enough to be page-aligned in the snapshot.
    let big = archive::archive(&(0..600u64).collect::<Vec<u64>>());

    let snapshot = |entries: &[EntryData<'_>]| format::write(producer, entries).unwrap();
    vec![
        ("empty.snap", snapshot(&[])),
        ("squares.snap", snapshot(&[entry(SQUARES, 1, &squares)])),
        (
            "all-kinds.snap",
            snapshot(&[
                entry(SQUARES, 1, &squares),
                entry(GREETING, 2, &greeting),
                entry(INDEX, 3, &index),
                entry(BY_ROOT, 4, &by_root),
                entry(PLANETS, 5, &planets),
                entry(EARTH, 6, &earth),
            ]),
        ),
        (
            "page-aligned.snap",
            snapshot(&[entry(GREETING, 2, &greeting), entry(SQUARES, 7, &big)]),
        ),
        ("index.snap", snapshot(&[entry(INDEX, 3, &index)])),
        ("planets.snap", snapshot(&[entry(PLANETS, 5, &planets)])),
    ]
}

fn entry<'a>(name: &'a str, fingerprint: u64, bytes: &'a [u8]) -> EntryData<'a> {
    EntryData {
        name,
        fingerprint,
        bytes,
    }
}

/// The seed footers: a valid footer followed by a file length.
pub fn footer_seeds() -> Vec<(&'static str, Vec<u8>)> {
    [(4096u64, 1000u64, 8192u64), (0, 0, 32), (16, 4000, 4048)]
        .into_iter()
        .enumerate()
        .map(|(i, (offset, len, file_len))| {
            let mut bytes = Footer { offset, len }.encode().to_vec();
            bytes.extend_from_slice(&file_len.to_le_bytes());
            (["a.footer", "b.footer", "c.footer"][i], bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds reach every path of the target: each parses, and each entry
    /// validates as the type its name says.
    #[test]
    fn seeds_parse_and_their_entries_validate() {
        for (name, bytes) in seeds() {
            check_snapshot(&bytes);
            let bytes = aligned(&bytes);
            let snapshot = Snapshot::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            for entry in snapshot.entries() {
                let valid = match entry.name {
                    SQUARES => thaw::<Vec<u64>>(entry.bytes).is_some(),
                    GREETING => thaw::<String>(entry.bytes).is_some(),
                    INDEX => thaw::<HashMap<String, Vec<u32>>>(entry.bytes).is_some(),
                    BY_ROOT => thaw::<BTreeMap<u32, String>>(entry.bytes).is_some(),
                    PLANETS => thaw::<Vec<Planet>>(entry.bytes).is_some(),
                    EARTH => thaw::<Planet>(entry.bytes).is_some(),
                    other => panic!("{other}"),
                };
                assert!(valid, "{name}: {}", entry.name);
                assert!(entry.checksum_matches());
            }
        }
        for (_, bytes) in footer_seeds() {
            check_footer(&bytes);
        }
    }

    /// The committed seeds are the ones `gen_corpus` writes.
    #[test]
    fn committed_seeds_are_up_to_date() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for (target, seeds) in [("snapshot", seeds()), ("footer", footer_seeds())] {
            for (name, bytes) in seeds {
                let committed = std::fs::read(dir.join(target).join(name)).unwrap();
                assert!(committed == bytes, "{target}/{name}: run gen_corpus");
            }
        }
    }
}
