//! The port against jieba-rs: every word of the Chinese text that Debian's
//! fortunes-zh ships (modern prose, Tang and Song poems), and the program
//! as `cargo fastboot build` makes it, thawing its dictionary in strict
//! mode, answering like jieba.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

use jieba_rs::Jieba;

/// The corpus: Debian's fortunes-zh, which `.ci/run` installs.
const CORPUS: &[&str] = &[
    "/usr/share/games/fortunes/chinese",
    "/usr/share/games/fortunes/tang300",
    "/usr/share/games/fortunes/song100",
];

static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (Debian's fortunes-zh ships it: .ci/run installs it)")
    })
}

fn jieba_words(text: &str) -> Vec<&str> {
    JIEBA
        .cut(text, false)
        .iter()
        .map(|token| token.word)
        .collect()
}

/// Asserts that `ours` and `theirs`, the words of `what`, are the same,
/// naming the first word that differs and the words around it.
fn assert_same_words(what: &str, ours: &[&str], theirs: &[&str]) {
    if let Some(i) = (0..ours.len().min(theirs.len())).find(|&i| ours[i] != theirs[i]) {
        let around =
            |words: &[&str]| words[i.saturating_sub(3)..(i + 4).min(words.len())].join("|");
        panic!(
            "{what}: word {i} is {:?} here, {:?} in jieba; here: {}, in jieba: {}",
            ours[i],
            theirs[i],
            around(ours),
            around(theirs)
        );
    }
    assert_eq!(ours.len(), theirs.len(), "{what}: as many words");
}

#[test]
fn every_word_of_the_corpus_equals_jiebas() {
    let (mut bytes, mut words) = (0, 0);
    for path in CORPUS {
        let text = read(path);
        let ours = example_segmenter::cut(&text);
        assert_same_words(path, &ours, &jieba_words(&text));
        assert_eq!(ours.concat(), text, "{path}: the words make up the text");
        bytes += text.len();
        words += ours.len();
    }
    assert!(bytes > 1 << 20, "a corpus of over 1 MB: {bytes} bytes");
    eprintln!("{words} words of {bytes} bytes of text, all equal");
}

#[test]
fn the_embedded_program_thaws_its_dictionary_and_answers_like_jieba() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let options = cargo_fastboot::cargo::build::BuildOptions {
        cargo_args: ["--quiet", "--bin", "segment", "--manifest-path"]
            .map(OsString::from)
            .into_iter()
            .chain([manifest.into_os_string()])
            .collect(),
        ..Default::default()
    };
    let built = cargo_fastboot::cargo::build::build(&options).unwrap();
    assert_eq!(built.method, cargo_fastboot::snapshot::Method::Section);

    // The Tang poems, whole (an argument is limited to 128 KiB).
    let query = read(CORPUS[1]);
    let out = fastboot_test_support::output(
        Command::new(&built.output)
            .arg(&query)
            .env("FASTBOOT", "strict")
            .env_remove("FASTBOOT_SNAPSHOT")
            .env_remove("FASTBOOT_FREEZE"),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // One word a line, quoted.
    let printed = String::from_utf8(out.stdout).unwrap();
    let ours: Vec<&str> = printed.lines().collect();
    let quoted: Vec<String> = jieba_words(&query)
        .iter()
        .map(|w| format!("{w:?}"))
        .collect();
    let theirs: Vec<&str> = quoted.iter().map(String::as_str).collect();
    assert_same_words("the query", &ours, &theirs);
}
