//! jieba-rs doing what `example-segmenter`'s `segment` does: prints the
//! words of its arguments (joined by spaces), or of standard input if it
//! has none, one per line, quoted and escaped as Rust's `{:?}` does.

use std::io::{Read as _, Write as _};

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
    let jieba = jieba_rs::Jieba::new();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for token in jieba.cut(&text, false) {
        writeln!(out, "{:?}", token.word).expect("writing standard output");
    }
    out.flush().expect("writing standard output");
}
