//! Hunspell spell checking with fastboot: every word form that the affix
//! rules of a Hunspell dictionary make of its stems is computed once, by
//! the freeze run, and thawed zero-copy at startup; [`check()`] then needs
//! only set lookups and the rules that depend on the checked word
//! (capitalization, trailing dots, break patterns, numbers, compounds).
//!
//! The dictionary is read from `/usr/share/hunspell/en_US.{aff,dic}`
//! (Debian's `hunspell-en-us`), or from `$SPELLCHECK_DICTIONARY.{aff,dic}`
//! at freeze time. Its answers equal those of the [spellbook] crate on every
//! word of Debian's `wamerican` list and on misspellings made of them (see
//! `tests/agreement.rs`).
//!
//! ```sh
//! cargo fastboot run --release -p spellcheck -- walked Walked WALKED walkd
//! ```
//!
//! [spellbook]: https://docs.rs/spellbook

pub mod aff;
pub mod casing;
pub mod check;
pub mod cli;
pub mod condition;
pub mod dic;
pub mod dictionary;

use std::path::PathBuf;

pub use dictionary::{ArchivedDictionary, Dictionary, LoadError};

/// The dictionary files, without their extension: `$SPELLCHECK_DICTIONARY`,
/// or Debian's `en_US`.
pub fn dictionary_base() -> PathBuf {
    std::env::var_os("SPELLCHECK_DICTIONARY")
        .map_or_else(|| PathBuf::from("/usr/share/hunspell/en_US"), PathBuf::from)
}

/// The dictionary of [`dictionary_base`], expanded: thawed from the
/// snapshot, or loaded and expanded on first use when there is none.
///
/// # Panics
/// If the dictionary cannot be loaded (the message says why); in a freeze
/// run, that fails the build.
#[fastboot::frozen]
pub fn dictionary() -> Dictionary {
    let base = dictionary_base();
    Dictionary::load(&base).unwrap_or_else(|e| panic!("spellcheck: {e}"))
}

/// Whether `word` is correct in the [`dictionary()`].
pub fn check(word: &str) -> bool {
    dictionary().check(word)
}
