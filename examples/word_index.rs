//! An inverted index (word → ids of the documents containing it) over a
//! synthetic corpus of 250,000 documents: about 3 million postings, built
//! by generating, tokenizing and indexing every document. That takes over a
//! second in a release build; a thawed index is ready in microseconds.
//!
//! ```sh
//! cargo fastboot run --release --example word_index   # freeze, embed, run
//! cargo run --release --example word_index            # no snapshot: computes
//! cargo run --release --example word_index -- --stats # also count postings
//! ```

use std::collections::HashMap;
use std::time::{Duration, Instant};

use startup_workload::Rng;

const DOCUMENTS: u32 = 250_000;
const VOCABULARY: u32 = 200_000;
const COMMON_WORDS: [&str; 24] = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be",
    "by", "on", "not", "he", "rust", "snapshot", "frozen", "static", "thaw", "boot",
];
const SYLLABLES: [&str; 32] = [
    "ka", "lo", "mi", "ne", "ru", "sta", "ti", "vo", "qu", "ze", "pha", "dro", "len", "mar", "sil",
    "tor", "ba", "ce", "di", "fu", "ga", "hi", "jo", "ku", "ly", "mo", "nu", "pe", "ra", "so",
    "tu", "wi",
];

/// The index: every word of the corpus, with the sorted ids of the documents
/// that contain it.
#[fastboot::frozen]
fn word_index() -> HashMap<String, Vec<u32>> {
    let mut index: HashMap<String, Vec<u32>> = HashMap::new();
    let mut text = String::new();
    for doc in 0..DOCUMENTS {
        write_document(doc, &mut text);
        for word in tokenize(&text) {
            let postings = index.entry(word).or_default();
            if postings.last() != Some(&doc) {
                postings.push(doc);
            }
        }
    }
    index
}

/// Writes document `doc`: a few sentences of words drawn from a Zipf-like
/// distribution, capitalised and punctuated.
fn write_document(doc: u32, text: &mut String) {
    // The same corpus in every run.
    let mut rng = Rng::from_state(u64::from(doc).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    text.clear();
    let words = 6 + rng.below(14);
    for i in 0..words {
        // log-uniform rank: rank r is drawn with probability ~ 1/r.
        #[allow(clippy::cast_sign_loss, reason = "a power of a positive number")]
        let rank = (f64::from(VOCABULARY).powf(rng.unit()) as u32).saturating_sub(1);
        let start = text.len();
        spell(rank, text);
        if i == 0 {
            text[start..].make_ascii_uppercase();
        }
        text.push_str(match rng.below(10) {
            0 => ", ",
            1 if i + 1 < words => ". ",
            _ => " ",
        });
    }
    text.push('.');
}

/// The word of rank `rank`: a common English word, or syllables.
fn spell(rank: u32, out: &mut String) {
    if let Some(word) = COMMON_WORDS.get(rank as usize) {
        out.push_str(word);
        return;
    }
    let mut n = rank as usize;
    loop {
        out.push_str(SYLLABLES[n % SYLLABLES.len()]);
        n /= SYLLABLES.len();
        if n == 0 {
            break;
        }
    }
}

/// Lower-cased words, without punctuation.
fn tokenize(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
}

#[fastboot::main]
fn main() {
    let start = Instant::now();
    let index = word_index();
    let first_access = start.elapsed();

    let outcome = fastboot::report()
        .into_iter()
        .find(|entry| entry.name.ends_with("::word_index"))
        .and_then(|entry| entry.outcome)
        .expect("word_index was just accessed");
    println!(
        "word_index: {} words, first access {} ({outcome})",
        index.len(),
        human(first_access)
    );
    for word in ["rust", "snapshot", "thaw", "kalomi"] {
        let documents = index
            .get(word)
            .map_or(0, fastboot::rkyv::vec::ArchivedVec::len);
        println!("  {word:>10}: in {documents} documents");
    }
    if std::env::args().any(|arg| arg == "--stats") {
        let postings: usize = index
            .values()
            .map(fastboot::rkyv::vec::ArchivedVec::len)
            .sum();
        println!("  {postings} postings in all");
    }
}

fn human(elapsed: Duration) -> String {
    match elapsed.as_secs_f64() {
        s if s >= 1.0 => format!("{s:.2} s"),
        s if s >= 1e-3 => format!("{:.1} ms", s * 1e3),
        s => format!("{:.1} µs", s * 1e6),
    }
}
