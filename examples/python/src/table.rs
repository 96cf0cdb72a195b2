//! The table, frozen: every word of the word list with the words one edit
//! away from it.

use std::collections::HashMap;

use fastboot::rkyv::string::ArchivedString;
use fastboot::{Origin, Outcome};

/// The word list the table is computed from.
const WORD_LIST: &str = "/usr/share/dict/american-english";

/// Every word of the word list with the words one edit away from it.
#[fastboot::frozen]
fn by_word() -> HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(WORD_LIST)
        .unwrap_or_else(|e| panic!("neighbours: reading the word list {WORD_LIST}: {e}"));
    crate::edits::neighbours(text.lines())
}

/// Thaws the table where it can; in strict mode, stops the process with the
/// reason it cannot.
pub fn init() {
    fastboot::init();
}

/// The words one edit away from `word`, sorted; `None` if it is not a word
/// of the list.
pub fn lookup(word: &str) -> Option<Vec<&'static str>> {
    let near = by_word().get(word)?;
    Some(near.iter().map(ArchivedString::as_str).collect())
}

/// Every word of the list, in the table's order.
pub fn words() -> Vec<&'static str> {
    by_word().keys().map(ArchivedString::as_str).collect()
}

/// How each frozen static was obtained: `(name, how)`.
pub fn report() -> Vec<(&'static str, String)> {
    fastboot::report()
        .into_iter()
        .map(|entry| {
            let how = match entry.outcome {
                None => "not accessed".to_owned(),
                Some(Outcome::Thawed(Origin::Section)) => "section".to_owned(),
                Some(Outcome::Thawed(Origin::Footer)) => "footer".to_owned(),
                Some(Outcome::Thawed(Origin::File(path))) => format!("file {}", path.display()),
                Some(other) => other.to_string(),
            };
            (entry.name, how)
        })
        .collect()
}
