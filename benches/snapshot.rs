//! Micro-benchmarks of thawing, with divan: each thaw path, the first access
//! of a value, lookups, and freeze throughput, on the workload of
//! `benches/startup/workload` (`HashMap<String, Vec<u32>>`) at about 1 KB,
//! 1 MB and 90 MB.
//!
//! ```sh
//! cargo bench --bench snapshot                                # all sizes
//! FASTBOOT_BENCH_SIZES=1KB,1MB cargo bench --bench snapshot   # some
//! ```
//!
//! Sizes are chosen at run time: without `--bench` (as under `cargo test
//! --benches`, where divan runs each benchmark once) only the 1 KB workload
//! is built, never the 90 MB one.
//!
//! The paths are measured with fastboot-core's public pieces, doing what
//! the library does on the first access of a frozen static (the library
//! itself thaws a value once per process; whole processes are measured by
//! `benches/startup/run.sh`):
//!
//! - `thaw_section`: the snapshot is already mapped (by the loader, in a
//!   real program): parse the header, check the producer, find the entry,
//!   check its fingerprint, access the root.
//! - `thaw_footer`: open the executable, read its footer, map the snapshot,
//!   then as above.
//! - `thaw_file`: open and map the file, then as above plus the entry's
//!   checksum and rkyv validation, which an untrusted file needs.
//! - `first_access`: a fresh mapping (page cache warm), then the root and
//!   one lookup: includes the page faults of first touch.
//! - `lookup`, `lookup_100`: lookups in a warm mapping.
//! - `freeze`: archiving the map in sorted key order and writing the
//!   snapshot, as a freeze run does (throughput in bytes of snapshot).

use std::collections::HashMap;
use std::fs::File;
use std::hint::black_box;
use std::os::unix::fs::FileExt as _;
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use divan::counter::BytesCount;
use divan::Bencher;
use fastboot_core::__private::section;
use fastboot_core::__private::{self as archive, ArchiveSink, Freeze, FreezeSorted as _};
use fastboot_core::format::footer::{self, Footer};
use fastboot_core::format::{self, EntryData, Snapshot};
use memmap2::{Mmap, MmapOptions};
use rkyv::Archived;

type Map = HashMap<String, Vec<u32>>;

const NAME: &str = "bench::dataset";
const FINGERPRINT: u64 = 0x5eed;
const PRODUCER: &[u8] = b"snapshot-bench";

fn main() {
    divan::main();
    let _ = std::fs::remove_dir_all(scratch_dir());
}

/// Where the fixtures' files go (removed at the end).
fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!("fastboot-bench-{}", std::process::id()))
}

/// The sizes to run: `FASTBOOT_BENCH_SIZES`, or all of them under `cargo
/// bench` and the smallest otherwise.
fn sizes() -> Vec<&'static str> {
    static SIZES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
        let all = startup_workload::SIZES.map(|(name, _)| name);
        match std::env::var("FASTBOOT_BENCH_SIZES") {
            Ok(list) => all
                .into_iter()
                .filter(|name| list.split(',').any(|s| s.eq_ignore_ascii_case(name)))
                .collect(),
            Err(_) if std::env::args().any(|a| a == "--bench") => all.to_vec(),
            Err(_) => all[..1].to_vec(),
        }
    });
    SIZES.clone()
}

/// Everything the benchmarks of one size use, built once.
struct Fixture {
    map: Map,
    /// The snapshot file.
    file: PathBuf,
    /// A stand-in for an executable with an appended snapshot: a page of
    /// zeros, the snapshot, the footer.
    appended: PathBuf,
    /// The snapshot file, mapped once and read: a stand-in for the section.
    mapped: Mmap,
    /// Its length.
    len: usize,
}

fn fixture(size: &str) -> &'static Fixture {
    static FIXTURES: Mutex<Vec<(String, &'static Fixture)>> = Mutex::new(Vec::new());
    let mut fixtures = FIXTURES.lock().unwrap();
    if let Some((_, f)) = fixtures.iter().find(|(s, _)| s == size) {
        return f;
    }
    let entries = startup_workload::entries_of(size).expect("a known size");
    let map = startup_workload::generate(entries);
    let snapshot = freeze(&map);
    let dir = scratch_dir();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{size}.snap"));
    std::fs::write(&file, &snapshot).unwrap();
    let appended = dir.join(format!("{size}.appended"));
    let mut bytes = vec![0u8; 4096];
    bytes.extend_from_slice(&snapshot);
    let footer = Footer {
        offset: 4096,
        len: snapshot.len() as u64,
    };
    bytes.extend_from_slice(&footer.encode());
    std::fs::write(&appended, &bytes).unwrap();
    let mapped = map_file(&File::open(&file).unwrap(), 0, snapshot.len());
    black_box(mapped.iter().map(|&b| u64::from(b)).sum::<u64>());
    let fixture = Box::leak(Box::new(Fixture {
        map,
        file,
        appended,
        mapped,
        len: snapshot.len(),
    }));
    fixtures.push((size.to_owned(), fixture));
    fixture
}

/// A freeze run's work, less computing the value: archive in sorted key
/// order, write the snapshot.
fn freeze(map: &Map) -> Vec<u8> {
    let mut sink = ArchiveSink::in_memory();
    Freeze(map).archive(&mut sink).expect("archiving");
    let bytes = sink.into_bytes();
    let entry = EntryData {
        name: NAME,
        fingerprint: FINGERPRINT,
        bytes: &bytes,
    };
    format::write(PRODUCER, &[entry]).expect("writing the snapshot")
}

/// A private read-only mapping, as the library makes.
fn map_file(file: &File, offset: u64, len: usize) -> Mmap {
    // SAFETY: files written by this benchmark and never changed.
    unsafe {
        MmapOptions::new()
            .offset(offset)
            .len(len)
            .map_copy_read_only(file)
    }
    .expect("mmap")
}

/// The steps common to every path once the snapshot's bytes are there:
/// parse, producer, entry, fingerprint, and (for files) checksum and rkyv
/// validation; then the root, zero-copy.
fn thaw(bytes: &[u8], validate: bool) -> &Archived<Map> {
    let snapshot = Snapshot::parse(bytes).expect("a snapshot");
    assert_eq!(snapshot.producer(), PRODUCER);
    let record = snapshot.find(NAME).expect("the entry");
    assert_eq!(record.fingerprint, FINGERPRINT);
    assert_eq!(record.bytes.as_ptr() as usize % 16, 0);
    if validate {
        assert!(record.checksum_matches());
        archive::validate::<Map>(record.bytes).expect("a valid archive");
    }
    // SAFETY: written by `freeze` for this type; validated when asked.
    unsafe { rkyv::access_unchecked::<Archived<Map>>(record.bytes) }
}

fn first_key(index: &Archived<Map>) -> String {
    startup_workload::key(startup_workload::probe_index(0, 1, index.len()))
}

#[divan::bench(args = sizes())]
fn parse(bencher: Bencher, size: &str) {
    let bytes = &fixture(size).mapped[..];
    bencher.bench(|| Snapshot::parse(black_box(bytes)).unwrap().len());
}

#[divan::bench(args = sizes())]
fn find(bencher: Bencher, size: &str) {
    let snapshot = Snapshot::parse(&fixture(size).mapped[..]).unwrap();
    bencher.bench(|| snapshot.find(black_box(NAME)).unwrap().offset);
}

#[divan::bench(args = sizes())]
fn thaw_section(bencher: Bencher, size: &str) {
    let bytes = &fixture(size).mapped[..];
    bencher.bench(|| {
        // Not embedded here, but the same lookup of the program headers.
        black_box(section::find());
        thaw(black_box(bytes), false).len()
    });
}

#[divan::bench(args = sizes())]
fn thaw_footer(bencher: Bencher, size: &str) {
    let path = &fixture(size).appended;
    bencher.bench_local(|| {
        let file = File::open(path).unwrap();
        let len = file.metadata().unwrap().len();
        let mut raw = [0u8; footer::LEN];
        file.read_exact_at(&mut raw, len - footer::LEN as u64)
            .unwrap();
        let found = Footer::decode(&raw, len).unwrap();
        let map = map_file(&file, found.offset, found.len as usize);
        black_box(thaw(&map, false).len());
        map
    });
}

#[divan::bench(args = sizes(), max_time = 5)]
fn thaw_file(bencher: Bencher, size: &str) {
    let path = &fixture(size).file;
    bencher.bench_local(|| {
        let file = File::open(path).unwrap();
        let len = file.metadata().unwrap().len() as usize;
        let map = map_file(&file, 0, len);
        black_box(thaw(&map, true).len());
        map
    });
}

#[divan::bench(args = sizes())]
fn first_access(bencher: Bencher, size: &str) {
    let fixture = fixture(size);
    let file = File::open(&fixture.file).unwrap();
    bencher
        .with_inputs(|| map_file(&file, 0, fixture.len))
        .bench_local_values(|map| {
            let index = thaw(&map, false);
            black_box(
                index
                    .get(first_key(index).as_str())
                    .map(rkyv::vec::ArchivedVec::len),
            );
            map
        });
}

#[divan::bench(args = sizes())]
fn lookup(bencher: Bencher, size: &str) {
    let index = thaw(&fixture(size).mapped, false);
    let key = first_key(index);
    bencher.bench(|| {
        index
            .get(black_box(key.as_str()))
            .map(rkyv::vec::ArchivedVec::len)
    });
}

#[divan::bench(args = sizes())]
fn lookup_100(bencher: Bencher, size: &str) {
    let index = thaw(&fixture(size).mapped, false);
    bencher.bench(|| {
        startup_workload::probe(black_box(index).len(), 100, |key| {
            index.get(key).map(rkyv::vec::ArchivedVec::len)
        })
    });
}

#[divan::bench(args = sizes(), max_time = 10)]
fn freeze_throughput(bencher: Bencher, size: &str) {
    let fixture = fixture(size);
    bencher
        .counter(BytesCount::new(fixture.len))
        .bench(|| freeze(black_box(&fixture.map)));
}
