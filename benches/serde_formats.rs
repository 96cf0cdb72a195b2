//! Decode times of `#[frozen(serde)]`'s format and of the formats it was
//! chosen against, with divan: what a serde-mode static costs at its first
//! access, on three data sets.
//!
//! ```sh
//! cargo bench --bench serde_formats
//! ```
//!
//! The formats:
//!
//! - `fastboot`: the library's own path, `Serde<T>`'s `Mode::encode` and
//!   `Mode::thaw` (MessagePack with rmp-serde, structs as maps with their
//!   field names; `thaw` is what a serde-mode static runs at its first
//!   access).
//! - `rmp_compact`: rmp-serde's compact form, structs as arrays
//!   (`rmp_serde::to_vec`); not chosen, since it does not round-trip
//!   `toml::Value`'s dates. The same bytes as `fastboot` where the value
//!   holds no struct, as in (a) and (c).
//! - `ciborium`: CBOR, the self-describing alternative.
//! - `postcard`: not self-describing, the fastest reference; it cannot
//!   decode `serde_json::Value` (checked: it must refuse).
//!
//! The data sets, deterministic:
//!
//! - (a) `map`: the `HashMap<String, Vec<u32>>` of `benches/startup/workload`,
//!   100,000 entries.
//! - (b) `records`: 100,000 [`Record`]s from a seeded generator.
//! - (c) `json`: a `serde_json::Value` whose JSON text is about 1 MB, with
//!   objects, arrays, strings, signed and unsigned integers (`u64::MAX`
//!   too), floats, booleans and nulls.
//!
//! Before any timing, each format's encoding of each data set is decoded
//! and compared whole with the original, and the encoded sizes are printed.
//! Then divan times each decode, one benchmark after the other; and, under
//! `cargo bench`, an interleaved pass times them again round after round
//! (each round decodes every data set in every format once, in a shuffled
//! order) and prints the medians with their ratios to fastboot's: on a
//! machine shared with other work, those ratios are the ones to quote.
//! Decode times leave out dropping the value.
//! Without `--bench` (as under `cargo test --benches`, where divan runs each
//! benchmark once) the data sets are 100 times smaller.

use std::collections::HashMap;
use std::fmt;
use std::hint::black_box;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use divan::Bencher;
use fastboot_core::__private::{ArchiveSink, Mode, Serde};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use startup_workload::Rng;

type Map = HashMap<String, Vec<u32>>;

/// divan times each decode this many times, one decode a sample.
const SAMPLES: u32 = 30;

/// Rounds of the interleaved pass.
const ROUNDS: usize = 31;

fn main() {
    if std::env::args().any(|a| a == "--list") {
        divan::main();
        return;
    }
    print_sizes();
    divan::main();
    if std::env::args().any(|a| a == "--bench") {
        print_interleaved();
    }
}

/// A format compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// fastboot's `Serde<T>` mode: MessagePack, structs with field names.
    Fastboot,
    /// rmp-serde's compact MessagePack: structs as arrays.
    RmpCompact,
    /// CBOR, with ciborium.
    Ciborium,
    /// postcard: not self-describing.
    Postcard,
}

impl Format {
    /// Every format, in the tables' order.
    const ALL: [Format; 4] = [
        Format::Fastboot,
        Format::RmpCompact,
        Format::Ciborium,
        Format::Postcard,
    ];

    /// Those that can decode `serde_json::Value` (`deserialize_any`).
    const SELF_DESCRIBING: [Format; 3] = [Format::Fastboot, Format::RmpCompact, Format::Ciborium];

    /// `value` in this format, leaked: `Mode::thaw` wants bytes that live
    /// as long as the process, as a snapshot's do.
    fn encode<T: Data>(self, value: &T) -> &'static [u8] {
        let bytes = match self {
            Format::Fastboot => {
                let mut sink = ArchiveSink::in_memory();
                Serde::<T>::encode(value, &mut sink).expect("encodes");
                sink.into_bytes().to_vec()
            }
            Format::RmpCompact => rmp_serde::to_vec(value).expect("encodes"),
            Format::Ciborium => {
                let mut bytes = Vec::new();
                ciborium::into_writer(value, &mut bytes).expect("encodes");
                bytes
            }
            Format::Postcard => postcard::to_allocvec(value).expect("encodes"),
        };
        Box::leak(bytes.into_boxed_slice())
    }

    /// The value in `bytes`, or the format's error.
    fn decode<T: Data>(self, bytes: &'static [u8]) -> Result<T, String> {
        match self {
            Format::Fastboot => {
                // SAFETY: `bytes`, borrowed for `'static`, stays there and
                // unchanged for the life of the process; `Serde`'s root
                // needs no size or alignment (`ROOT` is `(0, 1)`); and they
                // are passed as not embedded, which promises nothing about
                // their content (they are decoded with no trust in them).
                unsafe { Serde::<T>::thaw(bytes, false) }.map_err(|e| e.to_string())
            }
            Format::RmpCompact => rmp_serde::from_slice(bytes).map_err(|e| e.to_string()),
            Format::Ciborium => ciborium::from_reader(bytes).map_err(|e| e.to_string()),
            Format::Postcard => postcard::from_bytes(bytes).map_err(|e| e.to_string()),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Fastboot => "fastboot",
            Format::RmpCompact => "rmp_compact",
            Format::Ciborium => "ciborium",
            Format::Postcard => "postcard",
        })
    }
}

/// What a data set's value must be to go through every format.
trait Data: Serialize + DeserializeOwned + PartialEq + Send + Sync + 'static {}

impl<T: Serialize + DeserializeOwned + PartialEq + Send + Sync + 'static> Data for T {}

/// One record of data set (b).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Record {
    id: u64,
    name: String,
    score: f64,
    tags: Vec<String>,
}

/// A data set and its encoding in each format that can decode it.
struct DataSet<T> {
    value: T,
    /// Encodings, in [`Format::ALL`]'s order; `None` where the format
    /// cannot decode the value.
    encoded: [Option<&'static [u8]>; 4],
}

impl<T: Data> DataSet<T> {
    /// `value` encoded in each of `formats`, each encoding checked to decode
    /// to a value equal to the whole of `value`.
    fn new(value: T, formats: &[Format]) -> Self {
        let encoded = Format::ALL.map(|format| {
            formats.contains(&format).then(|| {
                let bytes = format.encode(&value);
                let decoded = format.decode::<T>(bytes);
                assert!(
                    decoded.as_ref().is_ok_and(|decoded| *decoded == value),
                    "{format} does not round-trip: {:?}",
                    decoded.err()
                );
                bytes
            })
        });
        DataSet { value, encoded }
    }

    /// The encoding in `format`.
    fn bytes(&self, format: Format) -> &'static [u8] {
        let index = Format::ALL.iter().position(|&f| f == format).unwrap();
        self.encoded[index].expect("a format of this data set")
    }
}

/// Data sets are this many times smaller when not run by `cargo bench`.
fn scale_down() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        1
    } else {
        100
    }
}

static MAP: LazyLock<DataSet<Map>> = LazyLock::new(|| {
    DataSet::new(
        startup_workload::generate(100_000 / scale_down()),
        &Format::ALL,
    )
});

static RECORDS: LazyLock<DataSet<Vec<Record>>> =
    LazyLock::new(|| DataSet::new(records(100_000 / scale_down()), &Format::ALL));

static JSON: LazyLock<DataSet<Value>> = LazyLock::new(|| {
    DataSet::new(
        json_document(1_000_000 / scale_down()),
        &Format::SELF_DESCRIBING,
    )
});

/// `n` records from a seeded generator: ids over the whole `u64` range,
/// names of about 20 bytes, scores in `[0, 1000)`, and 0 to 3 tags of 50.
fn records(n: usize) -> Vec<Record> {
    let mut rng = Rng::new(2);
    (0..n)
        .map(|i| Record {
            id: rng.next_u64(),
            name: format!("record-{i}-{:x}", rng.below(1 << 20)),
            score: rng.unit() * 1000.0,
            tags: (0..rng.below(4))
                .map(|_| format!("tag{}", rng.below(50)))
                .collect(),
        })
        .collect()
}

/// A JSON document of about `bytes` bytes of text: an object holding an
/// array of items, each an object mixing every kind of JSON value.
fn json_document(bytes: usize) -> Value {
    let mut rng = Rng::new(3);
    let mut items = Vec::new();
    let mut len = 0;
    while len < bytes {
        let nickname = if rng.below(3) == 0 {
            Value::Null
        } else {
            Value::String(format!("user_{}", rng.below(10_000)))
        };
        let item = json!({
            "id": items.len(),
            "uuid": format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64()),
            "active": rng.below(2) == 0,
            "balance": rng.unit() * 1e6,
            "delta": -i64::from(rng.below(1_000_000)),
            "nickname": nickname,
            "tags": (0..rng.below(5)).map(|k| format!("t{k}-{}", rng.below(100))).collect::<Vec<_>>(),
            "location": {
                "lat": f64::from(rng.below(180_000)) / 1000.0 - 90.0,
                "lon": f64::from(rng.below(360_000)) / 1000.0 - 180.0,
            },
            "history": (0..rng.below(4))
                .map(|_| json!([rng.below(1000), rng.below(2) == 0, format!("e{}", rng.below(99))]))
                .collect::<Vec<_>>(),
            "huge": u64::MAX - u64::from(rng.below(1000)),
        });
        len += item.to_string().len() + 1;
        items.push(item);
    }
    json!({ "version": 3, "generator": "serde_formats", "items": items })
}

/// Builds the data sets (checking every round trip), checks that postcard
/// refuses (c), and prints each encoding's size.
fn print_sizes() {
    let json_text = JSON.value.to_string().len();
    let postcard_json = Format::Postcard.encode(&JSON.value);
    let refusal = Format::Postcard
        .decode::<Value>(postcard_json)
        .expect_err("postcard cannot decode a serde_json::Value");
    println!(
        "Encoded sizes in bytes; (a) {} map entries, (b) {} records, (c) a JSON text of {json_text} bytes.",
        MAP.value.len(),
        RECORDS.value.len(),
    );
    println!("Every encoding decodes to a value equal to the whole original.");
    println!("| format | (a) map | (b) records | (c) json |");
    println!("|---|--:|--:|--:|");
    for (index, format) in Format::ALL.into_iter().enumerate() {
        let size = |bytes: Option<&[u8]>| bytes.map_or("n/a".to_owned(), |b| b.len().to_string());
        println!(
            "| {format} | {} | {} | {} |",
            size(MAP.encoded[index]),
            size(RECORDS.encoded[index]),
            size(JSON.encoded[index]),
        );
    }
    println!(
        "postcard on (c): encodes {} bytes, decoding refused: {refusal}\n",
        postcard_json.len()
    );
}

/// Prints the medians of the interleaved pass and their ratios to
/// fastboot's: every round decodes each data set in each of its formats
/// once, in a seeded random order, so that the load of other processes and
/// what the previous decode left in the caches and the allocator fall on
/// all formats alike (divan times one benchmark
/// after the other).
fn print_interleaved() {
    let medians = [
        interleaved(&MAP, &Format::ALL),
        interleaved(&RECORDS, &Format::ALL),
        interleaved(&JSON, &Format::SELF_DESCRIBING),
    ];
    println!("\nInterleaved: {ROUNDS} rounds; median decode time, and its ratio to fastboot's.");
    println!("| format | (a) map | × | (b) records | × | (c) json | × |");
    println!("|---|--:|--:|--:|--:|--:|--:|");
    for (index, format) in Format::ALL.into_iter().enumerate() {
        let cells: Vec<String> = medians
            .iter()
            .map(|set| match (set[index], set[0]) {
                (Some(median), Some(fastboot)) => format!(
                    "{:.2} ms | {:.2}",
                    median.as_secs_f64() * 1e3,
                    median.as_secs_f64() / fastboot.as_secs_f64()
                ),
                _ => "n/a | n/a".to_owned(),
            })
            .collect();
        println!("| {format} | {} |", cells.join(" | "));
    }
}

/// The median time of decoding `set` in each of `formats` (in
/// [`Format::ALL`]'s order, `None` for the others) over [`ROUNDS`]
/// interleaved rounds; dropping the value is not timed.
fn interleaved<T: Data>(set: &DataSet<T>, formats: &[Format]) -> [Option<Duration>; 4] {
    let mut times = vec![Vec::with_capacity(ROUNDS); formats.len()];
    let mut order: Vec<usize> = (0..formats.len()).collect();
    let mut rng = Rng::new(4);
    for _ in 0..ROUNDS {
        shuffle(&mut order, &mut rng);
        for &i in &order {
            let bytes = set.bytes(formats[i]);
            let start = Instant::now();
            let value = formats[i].decode::<T>(black_box(bytes)).unwrap();
            times[i].push(start.elapsed());
            drop(black_box(value));
        }
    }
    Format::ALL.map(|format| {
        let i = formats.iter().position(|&f| f == format)?;
        times[i].sort_unstable();
        Some(times[i][ROUNDS / 2])
    })
}

/// Puts `items` in a random order (Fisher-Yates).
fn shuffle(items: &mut [usize], rng: &mut Rng) {
    for end in (1..items.len()).rev() {
        items.swap(end, rng.below(end as u32 + 1) as usize);
    }
}

/// Times decoding `set`'s encoding in `format`.
fn decode<T: Data>(bencher: Bencher, set: &'static DataSet<T>, format: Format) {
    let bytes = set.bytes(format);
    bencher.bench(|| format.decode::<T>(black_box(bytes)).unwrap());
}

#[divan::bench(args = Format::ALL, sample_count = SAMPLES, sample_size = 1)]
fn a_map(bencher: Bencher, format: Format) {
    decode(bencher, &MAP, format);
}

#[divan::bench(args = Format::ALL, sample_count = SAMPLES, sample_size = 1)]
fn b_records(bencher: Bencher, format: Format) {
    decode(bencher, &RECORDS, format);
}

#[divan::bench(args = Format::SELF_DESCRIBING, sample_count = SAMPLES, sample_size = 1)]
fn c_json(bencher: Bencher, format: Format) {
    decode(bencher, &JSON, format);
}
