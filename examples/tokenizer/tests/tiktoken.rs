//! The port against tiktoken-rs: every token id of a corpus of text that
//! Debian packages ship (English prose, a word list, C code, Russian and
//! Chinese), and the program as `cargo fastboot build` makes it, thawing
//! its ranks in strict mode, answering like tiktoken.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use tiktoken_rs::CoreBPE;

/// The corpus: each file with the Debian package that ships it.
const CORPUS: &[(&str, &str)] = &[
    ("/usr/share/common-licenses/GPL-3", "base-files"),
    ("/usr/share/common-licenses/GPL-2", "base-files"),
    ("/usr/share/common-licenses/LGPL-2.1", "base-files"),
    ("/usr/share/common-licenses/Apache-2.0", "base-files"),
    ("/usr/share/common-licenses/MPL-2.0", "base-files"),
    ("/usr/share/common-licenses/GFDL-1.3", "base-files"),
    ("/usr/share/dict/american-english", "wamerican"),
    ("/usr/include/stdio.h", "libc6-dev"),
    ("/usr/include/stdlib.h", "libc6-dev"),
    ("/usr/include/unistd.h", "libc6-dev"),
    ("/usr/include/pthread.h", "libc6-dev"),
    ("/usr/include/math.h", "libc6-dev"),
    ("/usr/share/games/fortunes/ru/love", "fortunes-ru"),
    ("/usr/share/games/fortunes/ru/polit", "fortunes-ru"),
    ("/usr/share/games/fortunes/ru/knowledge", "fortunes-ru"),
    ("/usr/share/games/fortunes/tang300", "fortunes-zh"),
    ("/usr/share/games/fortunes/song100", "fortunes-zh"),
];

static TIKTOKEN: LazyLock<CoreBPE> = LazyLock::new(|| tiktoken_rs::cl100k_base().unwrap());

fn read(path: &str, package: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (Debian's {package} ships it: .ci/run installs it)")
    })
}

/// Asserts that `ours` and `theirs`, the ids of `text` (from `what`), are
/// the same, naming the first id that differs and the text around it.
fn assert_same_ids(what: &str, text: &str, ours: &[u32], theirs: &[u32]) {
    if let Some(i) = (0..ours.len().min(theirs.len())).find(|&i| ours[i] != theirs[i]) {
        let around = &theirs[i.saturating_sub(5)..(i + 5).min(theirs.len())];
        let context = String::from_utf8_lossy(&TIKTOKEN.decode_bytes(around).unwrap()).into_owned();
        panic!(
            "{what}: id {i} is {} here, {} in tiktoken, in {context:?}",
            ours[i], theirs[i]
        );
    }
    assert_eq!(
        ours.len(),
        theirs.len(),
        "{what}: as many ids ({} bytes)",
        text.len()
    );
}

#[test]
fn every_id_of_the_corpus_equals_tiktokens() {
    let with_regex = example_tokenizer::cl100k_base();
    let without_regex = example_tokenizer::cl100k_base_without_regex();
    let (mut bytes, mut ids) = (0, 0);
    for (path, package) in CORPUS {
        let text = read(path, package);
        let theirs = TIKTOKEN.encode_ordinary(&text);
        let ours = with_regex.encode_ordinary(&text).unwrap();
        assert_same_ids(&format!("{path}, with the regex"), &text, &ours, &theirs);
        let ours = without_regex.encode_ordinary(&text).unwrap();
        assert_same_ids(&format!("{path}, without"), &text, &ours, &theirs);
        bytes += text.len();
        ids += ours.len();
    }
    assert!(bytes > 1 << 20, "a corpus of over 1 MB: {bytes} bytes");
    eprintln!("{ids} ids of {bytes} bytes of text, all equal");
}

#[test]
fn long_pieces_equal_tiktokens() {
    // Pieces of thousands of bytes, which tiktoken merges with a heap: a
    // run of one letter, of spaces, the Tang poems' characters with
    // nothing between them, and of digits and punctuation.
    let tang: String = read(CORPUS[15].0, CORPUS[15].1)
        .chars()
        .filter(|c| c.is_alphabetic())
        .collect();
    let texts = [
        "x".repeat(10_000),
        format!("{}a", " ".repeat(5_000)),
        tang,
        "1234567890-=[];',./".repeat(300),
    ];
    for tokenizer in [
        example_tokenizer::cl100k_base(),
        &example_tokenizer::cl100k_base_without_regex(),
    ] {
        for text in &texts {
            let ours = tokenizer.encode_ordinary(text).unwrap();
            assert_same_ids("a long piece", text, &ours, &TIKTOKEN.encode_ordinary(text));
        }
    }
}

#[test]
fn the_embedded_program_thaws_its_statics_and_answers_like_tiktoken() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let options = cargo_fastboot::cargo::build::BuildOptions {
        cargo_args: ["--quiet", "--bin", "tokenize", "--manifest-path"]
            .map(OsString::from)
            .into_iter()
            .chain([manifest.into_os_string()])
            .collect(),
        ..Default::default()
    };
    let built = cargo_fastboot::cargo::build::build(&options).unwrap();
    assert_eq!(built.method, cargo_fastboot::snapshot::Method::Section);

    // A query of every script: English, code, Russian, Chinese; 32 KB of
    // each (an argument is limited to 128 KiB).
    let query: Vec<String> = [0, 7, 12, 15]
        .map(|i| {
            let text = read(CORPUS[i].0, CORPUS[i].1);
            let end = (0..=32 << 10)
                .rev()
                .find(|&e| text.is_char_boundary(e))
                .unwrap();
            text[..end].to_owned()
        })
        .into();
    let text = query.join(" ");
    let theirs = TIKTOKEN.encode_ordinary(&text);
    // Strict mode: a frozen static that is not thawed stops the program.
    for options in [&[][..], &["--without-regex"]] {
        let out = fastboot_test_support::output(
            Command::new(&built.output)
                .args(options)
                .args(&query)
                .env("FASTBOOT", "strict")
                .env_remove("FASTBOOT_SNAPSHOT")
                .env_remove("FASTBOOT_FREEZE"),
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{options:?}: {stderr}");
        assert!(stderr.is_empty(), "{options:?}: {stderr}");
        let ours: Vec<u32> = String::from_utf8(out.stdout)
            .unwrap()
            .split_ascii_whitespace()
            .map(|id| id.parse().unwrap())
            .collect();
        assert_same_ids(&format!("the query, {options:?}"), &text, &ours, &theirs);
    }
}
