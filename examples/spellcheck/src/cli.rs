//! The command line shared by the fastboot program and the spellbook
//! baseline, so that both print the same lines for the same words.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

/// Checks each argument, or with none each line of standard input, and
/// prints `<word>: correct` or `<word>: misspelled` for each. Exits 2,
/// saying why, if an argument or standard input is not UTF-8 or output
/// fails.
pub fn run(check: impl Fn(&str) -> bool) -> ExitCode {
    match answer_all(check) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("spellcheck: {e}");
            ExitCode::from(2)
        }
    }
}

fn answer_all(check: impl Fn(&str) -> bool) -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let mut answer = |word: &str| {
        let verdict = if check(word) { "correct" } else { "misspelled" };
        writeln!(out, "{word}: {verdict}")
    };
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| {
            a.into_string()
                .map_err(|a| invalid(&format!("argument {a:?} is not UTF-8")))
        })
        .collect::<io::Result<_>>()?;
    if args.is_empty() {
        for line in io::stdin().lock().lines() {
            answer(&line?)?;
        }
    } else {
        args.iter().try_for_each(|word| answer(word))?;
    }
    out.flush()
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
