//! The baseline of the spellcheck workload: the same command line as the
//! `spellcheck` program, with the spellbook crate loading the dictionary at
//! startup as it does.
//!
//! ```sh
//! cargo run --release -p workloads-originals --bin spellbook -- walked walkd
//! ```

use std::process::ExitCode;

fn main() -> ExitCode {
    let base = spellcheck::dictionary_base();
    let read = |ext| std::fs::read_to_string(base.with_extension(ext));
    let dictionary = match (read("aff"), read("dic")) {
        (Ok(aff), Ok(dic)) => spellbook::Dictionary::new(&aff, &dic),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("spellbook: {}: {e}", base.display());
            return ExitCode::from(2);
        }
    };
    match dictionary {
        Ok(dictionary) => spellcheck::cli::run(|word| dictionary.check(word)),
        Err(e) => {
            eprintln!("spellbook: {}: {e}", base.display());
            ExitCode::from(2)
        }
    }
}
