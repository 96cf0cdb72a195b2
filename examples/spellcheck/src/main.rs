//! Checks the words given as arguments (or, with none, each line of
//! standard input) against the frozen Hunspell dictionary and prints
//! `<word>: correct` or `<word>: misspelled` for each.
//!
//! ```sh
//! cargo fastboot run --release -p spellcheck -- walked walkd
//! ```

use std::process::ExitCode;

#[fastboot::main]
fn main() -> ExitCode {
    spellcheck::cli::run(spellcheck::check)
}
