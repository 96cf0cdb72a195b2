//! `neighbours`, a Python extension module: for a word of the system's word
//! list, the other words one edit away from it (spelling suggestions).
//!
//! ```python
//! import neighbours
//! neighbours.lookup("walk")   # ['balk', 'talk', 'walks', ...]
//! ```
//!
//! The table holds every word of `/usr/share/dict/american-english`
//! (Debian's `wamerican`, 104,334 words) with its neighbours. Computing it
//! compares the words that share a deletion; a process that imports the
//! module and looks one word up computes it unless it is frozen: with the
//! `frozen` feature (the default) it is a `#[fastboot::frozen]` static,
//! thawed when the module is imported from the snapshot embedded in the
//! module's own file, appended to it, or in `<module file>.snap` beside it.
//! Without the feature the module has the same functions and no table.

#[cfg(feature = "frozen")]
mod edits;

/// The word list the table is computed from.
#[cfg(feature = "frozen")]
const WORD_LIST: &str = "/usr/share/dict/american-english";

/// Every word of the word list with the words one edit away from it.
#[cfg(feature = "frozen")]
#[fastboot::frozen]
fn table() -> std::collections::HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(WORD_LIST)
        .unwrap_or_else(|e| panic!("neighbours: reading the word list {WORD_LIST}: {e}"));
    edits::neighbours(text.lines())
}

/// The module, as Python sees it.
#[pyo3::pymodule]
mod neighbours {
    use pyo3::prelude::*;

    /// Thaws the table where it can (in strict mode, stops the process with
    /// the reason it cannot).
    #[pymodule_init]
    fn init() {
        #[cfg(feature = "frozen")]
        fastboot::init();
    }

    /// The words one edit away from `word`, sorted; `None` if `word` is not
    /// in the word list (always, without the table).
    #[pyfunction]
    fn lookup(word: &str) -> Option<Vec<&'static str>> {
        #[cfg(feature = "frozen")]
        return super::table()
            .get(word)
            .map(|near| near.iter().map(|w| w.as_str()).collect());
        #[cfg(not(feature = "frozen"))]
        return {
            let _ = word;
            None
        };
    }

    /// Every word of the table, sorted.
    #[pyfunction]
    fn words() -> Vec<&'static str> {
        #[cfg(feature = "frozen")]
        let mut words: Vec<&str> = super::table().keys().map(|w| w.as_str()).collect();
        #[cfg(not(feature = "frozen"))]
        let mut words = Vec::new();
        words.sort_unstable();
        words
    }

    /// How each frozen static of the module was obtained, as
    /// `(name, how)`: `how` is `"section"`, `"footer"`, `"file <path>"`,
    /// `"computed (<reason>)"` or `"not accessed"`.
    #[pyfunction]
    fn report() -> Vec<(&'static str, String)> {
        #[cfg(feature = "frozen")]
        return fastboot::report()
            .into_iter()
            .map(|entry| (entry.name, super::how(entry.outcome.as_ref())))
            .collect();
        #[cfg(not(feature = "frozen"))]
        return Vec::new();
    }
}

/// How a value was obtained, in the words of [`neighbours::report`].
#[cfg(feature = "frozen")]
fn how(outcome: Option<&fastboot::Outcome>) -> String {
    use fastboot::{Origin, Outcome};
    match outcome {
        None => "not accessed".to_owned(),
        Some(Outcome::Thawed(Origin::Section)) => "section".to_owned(),
        Some(Outcome::Thawed(Origin::Footer)) => "footer".to_owned(),
        Some(Outcome::Thawed(Origin::File(path))) => format!("file {}", path.display()),
        Some(computed) => computed.to_string(),
    }
}
