//! Prints the words jieba would cut its arguments (joined by spaces) into,
//! or standard input if it has none: one per line, quoted and escaped as
//! Rust's `{:?}` does (a word can be a line break).

use std::io::{Read as _, Write as _};
use std::process::ExitCode;

#[fastboot::main]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = if args.is_empty() {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("segment: reading standard input: {e}");
            return ExitCode::FAILURE;
        }
        text
    } else {
        args.join(" ")
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = example_segmenter::cut(&text)
        .iter()
        .try_for_each(|word| writeln!(out, "{word:?}"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        eprintln!("segment: writing standard output: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
