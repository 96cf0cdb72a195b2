//! Prints the `cl100k_base` token ids of its arguments (joined by spaces),
//! or of standard input if it has none, on one line.
//!
//! Options, before the text:
//! - `--without-regex`: split the text by hand over the frozen character
//!   classes instead of compiling the split regex;
//! - `--phases`: first print to standard error how long each step took:
//!   the first access to the frozen ranks (a thaw, or a computation),
//!   building the tokenizer (the regex compilation), and the encoding.

use std::io::Read as _;
use std::process::ExitCode;
use std::time::Instant;

#[fastboot::main]
fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let (mut without_regex, mut phases) = (false, false);
    while let Some(option) = args.first() {
        match option.as_str() {
            "--without-regex" => without_regex = true,
            "--phases" => phases = true,
            _ => break,
        }
        args.remove(0);
    }
    let text = if args.is_empty() {
        let mut text = String::new();
        if let Err(e) = std::io::stdin().read_to_string(&mut text) {
            eprintln!("tokenize: reading standard input: {e}");
            return ExitCode::FAILURE;
        }
        text
    } else {
        args.join(" ")
    };

    let start = Instant::now();
    let ranks = example_tokenizer::cl100k_ranks();
    let thawed = start.elapsed();
    let start = Instant::now();
    let owned;
    let tokenizer = if without_regex {
        owned = example_tokenizer::cl100k_base_without_regex();
        &owned
    } else {
        example_tokenizer::cl100k_base()
    };
    let built = start.elapsed();
    let start = Instant::now();
    let ids = match tokenizer.encode_ordinary(&text) {
        Ok(ids) => ids,
        Err(e) => {
            eprintln!("tokenize: {e}");
            return ExitCode::FAILURE;
        }
    };
    if phases {
        eprintln!(
            "ranks: {} tokens in {thawed:?}; tokenizer built in {built:?}; {} ids encoded in {:?}",
            ranks.len(),
            ids.len(),
            start.elapsed()
        );
    }
    let line: Vec<String> = ids.iter().map(u32::to_string).collect();
    println!("{}", line.join(" "));
    ExitCode::SUCCESS
}
