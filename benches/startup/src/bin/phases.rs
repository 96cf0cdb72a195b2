//! Where the time of a thaw goes, measured inside one fresh process.
//!
//! Usage: `phases breakdown | library | hold`. The harness deploys this
//! program like `fastboot_app` (snapshot in a file beside it, appended with
//! a footer, or in its `fastboot` section) and runs each mode many times.
//!
//! - `breakdown` does, step by step, what the library does on the first
//!   access of a frozen static, with the library's public pieces, timing
//!   each step with `Instant` (`CLOCK_MONOTONIC`) and counting the page faults
//!   it takes (`getrusage`). It prints one JSON line.
//! - `library` times the real thing: `fastboot::init()`, the first access
//!   through the frozen function, then the lookups. One JSON line.
//! - `hold` thaws the map, reads all of it, prints the address range of the
//!   snapshot and `ready`, and waits for its standard input to close: the
//!   harness reads its memory use meanwhile.

use std::collections::HashMap;
use std::hint::black_box;
use std::io::Read as _;
use std::time::Instant;

use fastboot_core::__private::{self as archive, self as identity, self as registry, section};
use fastboot_core::format::{EntryRecord, Snapshot};
use rkyv::Archived;
use startup_workload::{key_into, probe_index};

/// Lookups after the first access, as in the programs measured whole.
const LOOKUPS: usize = 100;

type Map = HashMap<String, Vec<u32>>;

/// The benchmark's map, as `fastboot_app` declares it.
#[fastboot::frozen]
fn dataset() -> Map {
    startup_bench::compute()
}

fn main() {
    // `breakdown` must not let the library locate the snapshot first, so
    // `init()` is called only where needed: here for a freeze run (where it
    // writes the snapshot and exits), and by the other modes.
    if std::env::var_os(fastboot_core::contract::FREEZE_VAR).is_some() {
        fastboot::init();
    }
    match std::env::args().nth(1).as_deref() {
        Some("breakdown") => breakdown(),
        Some("library") => library(),
        Some("hold") => hold(),
        _ => {
            eprintln!("usage: phases breakdown | library | hold");
            std::process::exit(2);
        }
    }
}

/// Minor page faults of this process so far.
fn faults() -> u64 {
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage = unsafe { std::mem::zeroed::<libc::rusage>() };
    // SAFETY: `getrusage` only writes the struct it is given, which is ours.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &raw mut usage) };
    assert_eq!(rc, 0, "getrusage: {}", std::io::Error::last_os_error());
    u64::try_from(usage.ru_minflt).expect("a fault count is not negative")
}

/// Timed steps: name, nanoseconds, page faults.
#[derive(Default)]
struct Steps(Vec<(&'static str, u128, u64)>);

impl Steps {
    /// Runs `step`, recording its time and page faults under `name`.
    fn time<R>(&mut self, name: &'static str, step: impl FnOnce() -> R) -> R {
        let faults_before = faults();
        let start = Instant::now();
        let result = black_box(step());
        let elapsed = start.elapsed().as_nanos();
        self.0.push((name, elapsed, faults() - faults_before));
        result
    }

    fn print(&self, origin: &str, found: startup_workload::Found) {
        let steps: Vec<serde_json::Value> = self
            .0
            .iter()
            .map(|&(name, ns, faults)| serde_json::json!([name, ns as u64, faults]))
            .collect();
        let line = serde_json::json!({
            "origin": origin,
            "found": found.to_string(),
            "steps": steps,
        });
        println!("{line}");
    }
}

fn breakdown() {
    let entry = registry::entries()
        .into_iter()
        .find(|e| e.name() == "phases::dataset")
        .expect("the dataset is registered");
    let mut steps = Steps::default();

    // Where the library looks, in its order: section, footer, file.
    let mut origin = "section";
    let mut bytes = steps.time("section lookup (program headers)", section::find);
    if bytes.is_none() {
        origin = "footer";
        bytes = steps.time("footer: open, read, mmap", || {
            fastboot_core::__private::find_appended().ok().flatten()
        });
    }
    if bytes.is_none() {
        origin = "file";
        bytes = steps.time("file: open, mmap", || {
            fastboot_core::__private::find_file().ok().flatten()
        });
    }
    let bytes = bytes.expect("a snapshot: run the harness, which embeds one");

    let snapshot = steps.time("header parse (checksummed)", || {
        Snapshot::parse(bytes).expect("a valid snapshot")
    });
    let ours = steps.time("build-id check", || {
        identity::current_build_id().is_some_and(|id| id.as_bytes() == snapshot.producer())
    });
    assert!(ours, "the snapshot belongs to this binary");
    let record: EntryRecord<'static> = steps.time("entry lookup (binary search)", || {
        snapshot.find(entry.name()).expect("the entry is there")
    });
    let usable = steps.time("fingerprint and alignment check", || {
        record.fingerprint == entry.fingerprint()
            && record.bytes.as_ptr() as usize % align_of::<Archived<Map>>().max(16) == 0
            && record.bytes.len() >= size_of::<Archived<Map>>()
    });
    assert!(usable, "the entry matches");
    if origin == "file" {
        let matches = steps.time("checksum (file only)", || record.checksum_matches());
        assert!(matches, "the entry's checksum matches");
        let valid = steps.time("rkyv validation (file only)", || {
            archive::validate::<Map>(record.bytes)
        });
        valid.expect("the entry is a valid archive");
    }
    let index = steps.time("first page touch (root)", || {
        // SAFETY: checked as the library does: embedded bytes are trusted,
        // file bytes were validated just above.
        let index = unsafe { rkyv::access_unchecked::<Archived<Map>>(record.bytes) };
        black_box(index.len());
        index
    });
    let first = steps.time("first lookup", || {
        let mut key = String::new();
        key_into(probe_index(0, 1, index.len()), &mut key);
        index.get(key.as_str()).map(rkyv::vec::ArchivedVec::len)
    });
    assert!(first.is_some());
    let found = steps.time("100 lookups", || startup_bench::probe(index, LOOKUPS));
    steps.print(origin, found);
}

fn library() {
    let mut steps = Steps::default();
    steps.time("fastboot::init()", fastboot::init);
    let index = steps.time("first access (thaw + root)", || {
        let index = dataset();
        black_box(index.len());
        index
    });
    let found = steps.time("100 lookups", || startup_bench::probe(index, LOOKUPS));
    let outcome = fastboot::report()
        .into_iter()
        .find_map(|e| e.outcome)
        .expect("accessed");
    let origin = match outcome {
        fastboot::Outcome::Thawed(fastboot::Origin::Section) => "section",
        fastboot::Outcome::Thawed(fastboot::Origin::Footer) => "footer",
        fastboot::Outcome::Thawed(fastboot::Origin::File(_)) => "file",
        other => panic!("not thawed: {other}"),
    };
    steps.print(origin, found);
}

fn hold() {
    fastboot::init();
    let index = dataset();
    // Read every byte of the map: buckets, keys and postings.
    let mut sum = 0u64;
    for (key, postings) in index.iter() {
        sum += key.len() as u64;
        sum += postings
            .iter()
            .map(|p| u64::from(p.to_native()))
            .sum::<u64>();
    }
    black_box(sum);
    let (start, len) = section::find()
        .map(|s| (s.as_ptr() as usize, s.len()))
        .unwrap_or_default();
    println!("snapshot {start:#x} {len}");
    println!("ready");
    // Until the harness closes our standard input.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}
