//! `neighbours`, a Python extension module: for a word of the system's word
//! list, the other words one edit away from it (spelling suggestions).
//!
//! ```python
//! import neighbours
//! neighbours.lookup("walk")   # ['Salk', 'balk', 'calk', 'talk', ...]
//! ```
//!
//! The table holds every word of `/usr/share/dict/american-english`
//! (Debian's `wamerican`, 104,334 words) with its neighbours. Computing it
//! takes seconds; with the `frozen` feature (the default) it is a
//! `#[fastboot::frozen]` static, thawed at import from the snapshot in the
//! module's own `fastboot` section, appended to its file, or in
//! `<module file>.snap` beside it. Without the feature the module has the
//! same functions and no table.

#[cfg(feature = "frozen")]
mod edits;
#[cfg_attr(feature = "frozen", path = "table.rs")]
#[cfg_attr(not(feature = "frozen"), path = "no_table.rs")]
mod table;

/// The module, as Python sees it.
#[pyo3::pymodule]
mod neighbours {
    use pyo3::prelude::*;

    /// Thaws the table where it can (in strict mode, stops the process with
    /// the reason it cannot).
    #[pymodule_init]
    fn init() {
        crate::table::init();
    }

    /// The words one edit away from `word`, sorted; `None` if `word` is not
    /// in the word list (always, without the table).
    #[pyfunction]
    fn lookup(word: &str) -> Option<Vec<&'static str>> {
        crate::table::lookup(word)
    }

    /// Every word of the table, sorted.
    #[pyfunction]
    fn words() -> Vec<&'static str> {
        let mut words = crate::table::words();
        words.sort_unstable();
        words
    }

    /// How each frozen static of the module was obtained, as
    /// `(name, how)`: `how` is `"section"`, `"footer"`, `"file <path>"`,
    /// `"computed (<reason>)"` or `"not accessed"`.
    #[pyfunction]
    fn report() -> Vec<(&'static str, String)> {
        crate::table::report()
    }
}
