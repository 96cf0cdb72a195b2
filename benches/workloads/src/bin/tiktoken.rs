//! tiktoken-rs doing what `example-tokenizer`'s `tokenize` does: prints the
//! `cl100k_base` token ids of its arguments (joined by spaces), or of
//! standard input if it has none, on one line.

use std::io::Read as _;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = if args.is_empty() {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .expect("reading standard input");
        text
    } else {
        args.join(" ")
    };
    let bpe = tiktoken_rs::cl100k_base().expect("cl100k_base loads");
    let ids: Vec<String> = bpe
        .encode_ordinary(&text)
        .iter()
        .map(u32::to_string)
        .collect();
    println!("{}", ids.join(" "));
}
