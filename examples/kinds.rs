//! Frozen statics of every kind fastboot supports, in each of its three
//! modes (zero-copy, `deserialize`, `serde`), two of them defined in a
//! library crate, and how each value was obtained.
//!
//! ```sh
//! cargo build --example kinds
//! FASTBOOT_FREEZE=kinds.snap target/debug/examples/kinds      # freeze
//! FASTBOOT_SNAPSHOT=kinds.snap FASTBOOT=strict target/debug/examples/kinds
//! ```
//!
//! Lines starting with `value` are the same whether values were computed or
//! thawed; lines starting with `outcome` say which. The tests rely on both.

use std::collections::{BTreeMap, HashMap, HashSet};

use fastboot::rkyv;
#[cfg(target_endian = "little")]
use fastboot::AsNative as _;
use fastboot::GetNative as _;

/// A user type: deriving rkyv's `Archive` and `Serialize` is all it takes.
#[derive(Debug, rkyv::Archive, rkyv::Serialize)]
#[rkyv(crate = fastboot::rkyv)]
pub struct Planet {
    name: String,
    moons: u32,
    radius_km: f64,
    rings: bool,
}

/// A user type holding maps: `#[rkyv(with = fastboot::Sorted)]` archives
/// them in a canonical order, so that the snapshot is the same in every
/// freeze run (a top-level map is archived so without being asked).
#[derive(Debug, rkyv::Archive, rkyv::Serialize)]
#[rkyv(crate = fastboot::rkyv)]
pub struct Catalog {
    #[rkyv(with = fastboot::Sorted)]
    moons_by_planet: HashMap<String, u32>,
    #[rkyv(with = fastboot::Sorted)]
    gas_giants: HashSet<String>,
    #[rkyv(with = fastboot::Sorted)]
    letter_counts: HashMap<char, u32>,
}

#[fastboot::frozen]
fn greeting() -> String {
    "hello from a frozen static".to_uppercase()
}

#[fastboot::frozen]
fn squares() -> Vec<u64> {
    (0..10_000u64).map(|i| i * i).collect()
}

/// A top-level `HashMap`: archived in sorted key order, so that freezing
/// twice gives byte-identical snapshots.
#[fastboot::frozen]
fn word_lengths() -> HashMap<String, u32> {
    let text = "the quick brown fox jumps over the lazy dog while frozen statics thaw";
    text.split(' ')
        .map(|w| (w.to_owned(), w.len() as u32))
        .collect()
}

#[fastboot::frozen]
fn letters() -> HashSet<char> {
    "sphinx of black quartz judge my vow"
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect()
}

#[fastboot::frozen]
fn squares_by_root() -> BTreeMap<u32, String> {
    (1..=20u32).map(|i| (i, (i * i).to_string())).collect()
}

#[fastboot::frozen]
pub(crate) fn planets() -> Vec<Planet> {
    [
        ("Mercury", 0, 2439.7, false),
        ("Earth", 1, 6371.0, false),
        ("Saturn", 146, 58232.0, true),
    ]
    .into_iter()
    .map(|(name, moons, radius_km, rings)| Planet {
        name: name.to_owned(),
        moons,
        radius_km,
        rings,
    })
    .collect()
}

/// Built from another frozen static: in a freeze run `planets()` is still
/// computed only once, and both are archived from that computation.
#[fastboot::frozen]
fn catalog() -> Catalog {
    let planets = planets();
    Catalog {
        moons_by_planet: planets
            .iter()
            .map(|p| (p.name.to_string(), p.moons.to_native()))
            .collect(),
        gas_giants: planets
            .iter()
            .filter(|p| p.rings)
            .map(|p| p.name.to_string())
            .collect(),
        letter_counts: planets.iter().flat_map(|p| p.name.chars()).fold(
            HashMap::new(),
            |mut counts, c| {
                *counts.entry(c.to_ascii_lowercase()).or_insert(0) += 1;
                counts
            },
        ),
    }
}

/// A record whose callers want `&Vec<Record>` and its methods: the
/// `deserialize` mode gives them exactly that.
#[derive(Debug, Clone, PartialEq, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
#[rkyv(crate = fastboot::rkyv)]
pub struct Element {
    symbol: String,
    number: u32,
    mass: f64,
}

impl Element {
    /// A method of the owned type, which `&Archived<Element>` would not have.
    fn describe(&self) -> String {
        format!("{}({}) {:.3}", self.symbol, self.number, self.mass)
    }
}

/// `deserialize`: a `Vec` of a user type, returned as `&'static Vec<Element>`.
#[fastboot::frozen(deserialize)]
fn elements() -> Vec<Element> {
    [
        ("H", 1, 1.008),
        ("He", 2, 4.0026),
        ("C", 6, 12.011),
        ("O", 8, 15.999),
    ]
    .into_iter()
    .map(|(symbol, number, mass)| Element {
        symbol: symbol.to_owned(),
        number,
        mass,
    })
    .collect()
}

/// `deserialize`: a `HashMap` returned as `&'static HashMap<String, Element>`.
#[fastboot::frozen(deserialize)]
fn elements_by_symbol() -> HashMap<String, Element> {
    elements()
        .iter()
        .map(|e| (e.symbol.clone(), e.clone()))
        .collect()
}

/// A table of `&'static str`, zero-copy: the macro archives the strings
/// (rkyv has no `Archive` for references) and lookups by `&str` work.
#[fastboot::frozen]
fn mime_types() -> HashMap<&'static str, &'static str> {
    HashMap::from([
        ("html", "text/html"),
        ("json", "application/json"),
        ("png", "image/png"),
        ("rs", "text/rust"),
    ])
}

/// A struct with `&'static` fields, as tables of languages or keywords are.
#[derive(Debug, rkyv::Archive, rkyv::Serialize, rkyv::Deserialize)]
#[rkyv(crate = fastboot::rkyv)]
pub struct Language {
    #[rkyv(with = fastboot::Static)]
    name: &'static str,
    #[rkyv(with = fastboot::rkyv::with::Map<fastboot::Static>)]
    extensions: Vec<&'static str>,
    #[rkyv(with = fastboot::Static)]
    magic: &'static [u32],
}

/// `deserialize` with `&'static str` inside: the strings and slices are not
/// copied, they point into the snapshot.
#[fastboot::frozen(deserialize)]
fn languages() -> Vec<Language> {
    vec![
        Language {
            name: "Rust",
            extensions: vec!["rs"],
            magic: &[0x7275_7374],
        },
        Language {
            name: "Haskell",
            extensions: vec!["hs", "lhs"],
            magic: &[1, 2, 3],
        },
    ]
}

/// A serde-only value (`serde_json::Value` has no rkyv impls):
/// `&'static serde_json::Value`.
#[fastboot::frozen(serde)]
fn settings() -> serde_json::Value {
    serde_json::json!({
        "name": "kinds",
        "threads": 4,
        "ratio": 0.75,
        "tags": ["frozen", "serde"],
        "nested": { "enabled": true, "limit": null }
    })
}

/// A user type with serde derives only.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Release {
    version: (u32, u32, u32),
    notes: BTreeMap<String, Vec<String>>,
}

#[fastboot::frozen(serde)]
fn release() -> Release {
    Release {
        version: (1, 2, 3),
        notes: BTreeMap::from([
            ("added".to_owned(), vec!["serde mode".to_owned()]),
            (
                "fixed".to_owned(),
                vec!["nothing".to_owned(), "at all".to_owned()],
            ),
        ]),
    }
}

/// Prints the values of the `deserialize` and `serde` modes and of the
/// `&'static str` tables.
fn print_owned_and_borrowed() {
    // `deserialize`: the owned types, their methods, `&Vec` and `&HashMap`.
    let elements: &'static Vec<Element> = elements();
    let described: Vec<String> = elements.iter().map(Element::describe).collect();
    println!("value elements {}", described.join(" "));
    let by_symbol: &'static HashMap<String, Element> = elements_by_symbol();
    println!("value elements_by_symbol[He] {:?}", by_symbol.get("He"));

    let mut mimes: Vec<(&str, &str)> = mime_types()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    mimes.sort_unstable();
    println!(
        "value mime_types {mimes:?} rs={:?}",
        mime_types()
            .get("rs")
            .map(rkyv::string::ArchivedString::as_str)
    );

    for language in languages() {
        let name: &'static str = language.name;
        println!(
            "value language {name} {:?} {:?}",
            language.extensions, language.magic
        );
    }

    println!("value settings {}", settings());
    println!("value release {:?}", release());
}

#[fastboot::main]
fn main() {
    println!("value greeting {}", greeting());
    let squares = squares();
    println!(
        "value squares len={} sum={}",
        squares.len(),
        squares.iter().map(|s| s.to_native()).sum::<u64>()
    );

    let mut lengths: Vec<(&str, u32)> = word_lengths()
        .iter()
        .map(|(w, n)| (w.as_str(), n.to_native()))
        .collect();
    lengths.sort_unstable();
    println!("value word_lengths {lengths:?}");
    println!(
        "value word_lengths[\"frozen\"] {:?}",
        word_lengths().get("frozen").map(|n| n.to_native())
    );

    let mut letters: Vec<char> = letters().iter().map(|c| c.to_native()).collect();
    letters.sort_unstable();
    println!("value letters {}", letters.iter().collect::<String>());

    let by_root: Vec<String> = squares_by_root()
        .iter()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    println!("value squares_by_root {}", by_root.join(","));

    for planet in planets().iter() {
        println!(
            "value planet {} moons={} radius={} rings={}",
            planet.name, planet.moons, planet.radius_km, planet.rings
        );
    }

    let catalog = catalog();
    let mut moons: Vec<(&str, u32)> = catalog
        .moons_by_planet
        .iter()
        .map(|(p, n)| (p.as_str(), n.to_native()))
        .collect();
    moons.sort_unstable();
    println!("value catalog moons {moons:?}");
    let mut giants: Vec<&str> = catalog
        .gas_giants
        .iter()
        .map(fastboot::rkyv::string::ArchivedString::as_str)
        .collect();
    giants.sort_unstable();
    println!("value catalog gas giants {giants:?}");
    let mut letters: Vec<(char, u32)> = catalog
        .letter_counts
        .iter()
        .map(|(c, n)| (c.to_native(), n.to_native()))
        .collect();
    letters.sort_unstable();
    println!("value catalog letters {letters:?}");
    println!(
        "value catalog letters['r'] {:?}",
        catalog
            .letter_counts
            .get_native(&'r')
            .map(|n| n.to_native())
    );

    print_owned_and_borrowed();

    // Numbers of a zero-copy vector read as a native slice, in place.
    #[cfg(target_endian = "little")]
    {
        let native: &[u64] = squares.as_native();
        println!("value squares native last={:?}", native.last());
    }

    // From the library crate: one function called directly, one reached only
    // through another public function of the library.
    let primes = fastboot_registry_lib::primes();
    println!(
        "value primes len={} last={}",
        primes.len(),
        primes[primes.len() - 1]
    );
    println!(
        "value roman 1994 {:?}",
        fastboot_registry_lib::roman_numeral(1994)
    );

    for entry in fastboot::report() {
        match entry.outcome {
            Some(outcome) => println!("outcome {} {outcome}", entry.name),
            None => println!("outcome {} not accessed", entry.name),
        }
    }
}
