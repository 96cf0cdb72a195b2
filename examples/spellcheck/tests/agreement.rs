//! `check` against the spellbook crate, on every word of `words::test_words`
//! (over 600,000: Debian's `wamerican` list, its capitalizations,
//! misspellings and the check-time rules): in this process, where the
//! dictionary is computed, and in the `spellcheck` program with the
//! dictionary frozen, embedded in its section and thawed in strict mode.

mod words;

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// The test words and spellbook's answer for each.
fn expected() -> &'static (Vec<String>, Vec<bool>) {
    static EXPECTED: OnceLock<(Vec<String>, Vec<bool>)> = OnceLock::new();
    EXPECTED.get_or_init(|| {
        let base = spellcheck::dictionary_base();
        let read = |ext| {
            let path = base.with_extension(ext);
            std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!("{}: {e} (install Debian's hunspell-en-us)", path.display())
            })
        };
        let dictionary = spellbook::Dictionary::new(&read("aff"), &read("dic")).unwrap();
        let words = words::test_words();
        let answers = words.iter().map(|w| dictionary.check(w)).collect();
        (words, answers)
    })
}

/// Lists every word on which `answers` differ from spellbook's; the test
/// fails if there is any.
fn assert_agrees(answers: &[bool]) {
    let (words, expected) = expected();
    assert_eq!(answers.len(), words.len());
    let mut differences = String::new();
    let mut count = 0;
    for ((word, &ours), &theirs) in words.iter().zip(answers).zip(expected) {
        if ours != theirs {
            count += 1;
            if count <= 50 {
                writeln!(
                    differences,
                    "  {word:?}: spellbook {theirs}, spellcheck {ours}"
                )
                .unwrap();
            }
        }
    }
    assert!(
        count == 0,
        "{count} of {} words differ:\n{differences}",
        words.len()
    );
    // Both answers occur, many times: the comparison is not vacuous.
    let correct = expected.iter().filter(|&&c| c).count();
    assert!(
        correct > 300_000 && words.len() - correct > 100_000,
        "{correct} correct"
    );
    eprintln!("{} words agree, {correct} of them correct", words.len());
}

#[test]
fn computed_in_process_every_answer_equals_spellbooks() {
    let answers: Vec<bool> = expected().0.iter().map(|w| spellcheck::check(w)).collect();
    assert_agrees(&answers);
}

/// The `spellcheck` program, frozen, its snapshot embedded in its section,
/// answers every word from standard input with `FASTBOOT=strict`, which
/// stops it if the dictionary is not thawed from the section.
#[test]
fn thawed_from_the_section_in_strict_mode_every_answer_equals_spellbooks() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("spellcheck-agreement");
    std::fs::create_dir_all(&dir).unwrap();
    let program = PathBuf::from(env!("CARGO_BIN_EXE_spellcheck"));
    let (snapshot, embedded) = (dir.join("spellcheck.snap"), dir.join("spellcheck"));

    let freeze = fastboot_test_support::output(
        Command::new(&program)
            .env("FASTBOOT_FREEZE", &snapshot)
            .env_remove("FASTBOOT"),
    );
    assert!(
        freeze.status.success(),
        "{}",
        String::from_utf8_lossy(&freeze.stderr)
    );
    cargo_fastboot::snapshot::embed_section(&program, &snapshot, &embedded).unwrap();
    assert_eq!(
        cargo_fastboot::snapshot::read_snapshot(&embedded)
            .unwrap()
            .origin,
        fastboot::Origin::Section
    );

    let (words, _) = expected();
    let input = dir.join("words.txt");
    std::fs::write(&input, words.join("\n") + "\n").unwrap();
    let run = fastboot_test_support::output(
        Command::new(&embedded)
            .env("FASTBOOT", "strict")
            .env_remove("FASTBOOT_SNAPSHOT")
            .stdin(Stdio::from(std::fs::File::open(&input).unwrap())),
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && stderr.is_empty(), "{stderr}");

    let stdout = String::from_utf8(run.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), words.len());
    let answers: Vec<bool> = lines
        .iter()
        .zip(words)
        .map(|(line, word)| match line.strip_prefix(word.as_str()) {
            Some(": correct") => true,
            Some(": misspelled") => false,
            _ => panic!("{word:?}: {line:?}"),
        })
        .collect();
    assert_agrees(&answers);
}
