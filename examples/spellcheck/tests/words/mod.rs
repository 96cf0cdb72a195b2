//! The words both checkers answer: every word of Debian's `wamerican` list,
//! each in four capitalizations, a deterministic misspelling of each, and
//! words that exercise the rules applied at check time (trailing dots,
//! hyphens, curly apostrophes, numbers and ordinals, over-long words).

use std::collections::HashSet;

/// Debian's `wamerican` list (`$SPELLCHECK_WORDS` overrides it).
pub fn word_list_path() -> String {
    std::env::var("SPELLCHECK_WORDS").unwrap_or_else(|_| "/usr/share/dict/american-english".into())
}

/// The words to check, without duplicates, in a fixed order.
///
/// # Panics
/// If the word list cannot be read.
pub fn test_words() -> Vec<String> {
    let path = word_list_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{path}: {e} (install Debian's wamerican)"));
    let list: Vec<&str> = text.lines().collect();
    assert!(list.len() > 100_000, "{path}: only {} words", list.len());

    let mut words = Vec::new();
    let mut rng = SplitMix(0x5eed);
    for (i, &word) in list.iter().enumerate() {
        words.push(word.to_owned());
        words.push(word.to_uppercase());
        words.push(word.to_lowercase());
        words.push(titlecase(word));
        words.push(misspell(word, &mut rng));
        words.push(mixed_case(word, i));
        let next = list[(i + 1) % list.len()];
        match i % 8 {
            0 => words.push(format!("{word}-{next}")),
            1 => words.push(format!("{word}.")),
            2 => words.push(format!("{word}..")),
            3 => words.push(word.replace('\'', "’")),
            4 => words.push(format!("-{word}")),
            5 => words.push(format!("{word}-")),
            6 => words.push(format!("{}-{}", word.to_uppercase(), titlecase(next))),
            _ => words.push(format!("{word}{next}")),
        }
    }
    for n in 0..1200 {
        for ending in ["", "st", "nd", "rd", "th", "TH", "ND", "s", "'s", "-"] {
            words.push(format!("{n}{ending}"));
        }
    }
    words.extend(
        [
            "",
            ".",
            "...",
            "-",
            "--",
            "'",
            "’",
            "1,000",
            "-3.5",
            "1..2",
            "1.",
            "1,",
            "12-",
            "1-2-3",
            "3.14.",
            "e.g.",
            "etc.",
            "Ph.D.",
            "O'NEIL",
            "O'Neil",
            "o'neil",
            "D'ARTAGNAN",
            "I'M",
            "i'm",
            "DON'T",
            "don’t",
            "MCDONALD'S",
            "Mcdonald's",
            "mcdonald",
            "IPHONE",
            "ß",
            "STRASSE",
            "İ",
            "ǅ",
            "ǲ",
            "ΣΑΣ",
            "éclair",
            "ÉCLAIR",
            "Éclair",
            "naïve",
            "re-enter",
            "-well-",
            "x-ray",
            "X-RAY",
            "x--ray",
            "well--",
            "a-b-c-d-e-f-g-h-i-j-k",
        ]
        .map(String::from),
    );
    words.push("spell".repeat(72));
    words.push("spell".repeat(73));
    words.push(format!("{}-{}", "walk".repeat(45), "walk".repeat(45)));

    let mut seen = HashSet::new();
    words.retain(|w| !w.contains('\n') && seen.insert(w.clone()));
    words
}

/// `word` with its first character uppercase and the others lowercase.
fn titlecase(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| {
            first
                .to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect()
        })
        .unwrap_or_default()
}

/// `word` in mixed case, one of three ways by `i`: its last character
/// uppercased (`walK`), its first lowercased and second uppercased
/// (`wAlk`, `mCDonald`), or titlecased after a prefix (`reWalk`,
/// `unMcdonald`).
fn mixed_case(word: &str, i: usize) -> String {
    let upper = |c: char| c.to_uppercase().next().unwrap_or(c);
    let lower = |c: char| c.to_lowercase().next().unwrap_or(c);
    let mut chars: Vec<char> = word.chars().collect();
    match (i % 3, chars.len()) {
        (0, n) if n > 0 => chars[n - 1] = upper(chars[n - 1]),
        (1, n) if n > 1 => (chars[0], chars[1]) = (lower(chars[0]), upper(chars[1])),
        _ => return format!("{}{}", ["re", "un", "dis"][(i / 3) % 3], titlecase(word)),
    }
    chars.into_iter().collect()
}

/// One edit of `word`: a character deleted, inserted, replaced, doubled,
/// or two swapped.
fn misspell(word: &str, rng: &mut SplitMix) -> String {
    const ALPHABET: [char; 32] = [
        'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
        's', 't', 'u', 'v', 'w', 'x', 'y', 'z', '\'', '-', 'é', 'E', 'S', '.',
    ];
    let mut chars: Vec<char> = word.chars().collect();
    if chars.is_empty() {
        return "e".into();
    }
    let at = rng.below(chars.len());
    let letter = ALPHABET[rng.below(ALPHABET.len())];
    match rng.below(5) {
        0 if chars.len() > 1 => {
            chars.remove(at);
        }
        1 => chars.insert(at, letter),
        2 => chars[at] = letter,
        3 => chars.insert(at, chars[at]),
        _ if at + 1 < chars.len() => chars.swap(at, at + 1),
        _ => chars.push(letter),
    }
    chars.into_iter().collect()
}

/// A small deterministic generator (`SplitMix64`).
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}
