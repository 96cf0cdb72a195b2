//! cl100k's split pattern written out by hand over the frozen character
//! classes: the pieces `CL100K_PATTERN` finds, with no regex to compile.
//!
//! The pattern is an ordered alternation, tried at each position in turn;
//! the first alternative that matches gives the piece:
//!
//! 1. `'(?i:[sdmt]|ll|ve|re)`: a contraction;
//! 2. `[^\r\n\p{L}\p{N}]?+\p{L}++`: letters, after at most one character
//!    that is none of those (possessive: taken if there, never given back);
//! 3. `\p{N}{1,3}+`: up to three digits;
//! 4. ` ?[^\s\p{L}\p{N}]++[\r\n]*+`: punctuation, after at most one space,
//!    with the line breaks after it;
//! 5. `\s++$`: the whitespace that ends the text;
//! 6. `\s*[\r\n]`: whitespace up to its last line break;
//! 7. `\s+(?!\S)`: whitespace but its last character, if followed by more text;
//! 8. `\s`: one whitespace character.

use crate::classes::{ArchivedCharClasses, Class};

/// The pieces of `text`, in order; they make up `text`.
pub(crate) fn pieces<'t>(
    classes: &'t ArchivedCharClasses,
    text: &'t str,
) -> impl Iterator<Item = &'t str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (piece, tail) = rest.split_at(piece_len(classes, rest));
        rest = tail;
        Some(piece)
    })
}

/// The length in bytes of the piece at the start of `text` (not empty).
fn piece_len(classes: &ArchivedCharClasses, text: &str) -> usize {
    let class = |c: char| classes.class(c);
    let first = text.chars().next().expect("text is not empty");
    let after_first = first.len_utf8();
    // The length of the run of characters of `text[from..]` that `keep`.
    let run = |from: usize, keep: &dyn Fn(char) -> bool| {
        text[from..]
            .char_indices()
            .find(|&(_, c)| !keep(c))
            .map_or(text.len(), |(i, _)| from + i)
    };
    let line_break = |c: char| c == '\r' || c == '\n';

    // 1. A contraction.
    if first == '\'' {
        if let Some(len) = contraction(&text[1..]) {
            return 1 + len;
        }
    }
    // 2. Letters, after at most one character that is none of `\r\n`, a
    //    letter or a number.
    let start = if line_break(first) || matches!(class(first), Class::Letter | Class::Number) {
        0
    } else {
        after_first
    };
    if text[start..]
        .chars()
        .next()
        .is_some_and(|c| class(c) == Class::Letter)
    {
        return run(start, &|c| class(c) == Class::Letter);
    }
    // 3. Up to three digits.
    if class(first) == Class::Number {
        return text
            .char_indices()
            .take(3)
            .take_while(|&(_, c)| class(c) == Class::Number)
            .last()
            .map_or(0, |(i, c)| i + c.len_utf8());
    }
    // 4. Punctuation, after at most one space, and the line breaks after it.
    let start = usize::from(first == ' ');
    if text[start..]
        .chars()
        .next()
        .is_some_and(|c| class(c) == Class::Other)
    {
        let end = run(start, &|c| class(c) == Class::Other);
        return run(end, &line_break);
    }
    // Whitespace from here on (every other first character matched above).
    debug_assert_eq!(class(first), Class::Space);
    let spaces = run(0, &|c| class(c) == Class::Space);
    // 5. The whitespace that ends the text.
    if spaces == text.len() {
        return spaces;
    }
    // 6. Whitespace up to its last line break.
    if let Some(i) = text[..spaces].rfind(['\r', '\n']) {
        return i + 1;
    }
    // 7. Whitespace but its last character (followed by more text).
    let last = text[..spaces].char_indices().last().map_or(0, |(i, _)| i);
    if last > 0 {
        return last;
    }
    // 8. One whitespace character.
    after_first
}

/// The length in bytes of the contraction `text` starts with (after its
/// apostrophe), if any: `(?i:[sdmt]|ll|ve|re)`. Of these letters only `s`
/// has a case variant outside ASCII, `ſ` (U+017F), which the regex's
/// case folding matches too.
fn contraction(text: &str) -> Option<usize> {
    let mut chars = text.chars();
    let first = chars.next()?;
    if matches!(first.to_ascii_lowercase(), 's' | 'd' | 'm' | 't') || first == 'ſ' {
        return Some(first.len_utf8());
    }
    let second = chars.next()?.to_ascii_lowercase();
    matches!(
        (first.to_ascii_lowercase(), second),
        ('l', 'l') | ('v' | 'r', 'e')
    )
    .then_some(2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classes::char_classes;

    /// The pieces of `text` by the hand-written split and by the regex.
    fn both(text: &str) -> (Vec<&str>, Vec<&str>) {
        let regex = fancy_regex::Regex::new(crate::CL100K_PATTERN).unwrap();
        let by_regex = regex.find_iter(text).map(|m| m.unwrap().as_str()).collect();
        (pieces(char_classes(), text).collect(), by_regex)
    }

    #[test]
    fn pieces_are_the_regexs() {
        for text in [
            "Hello world, it's 12345 o'clock!\n\n  indented\r\n\tx  ",
            "'S 'ſ 'LL 've 'Re 'x '",
            "  \n\n   \u{3000}end \u{85}z ½⅓ ٣٤٥٦ 中文，标点。!!!\n\n\r\n",
            " ... , -> \t\t!!\n",
            "a  b   \n",
            "\n",
            "x ",
        ] {
            let (ours, regex) = both(text);
            assert_eq!(ours, regex, "{text:?}");
        }
    }

    #[test]
    fn the_contractions_are_those_of_the_regexs_case_folding() {
        // regex-syntax's case folding of the letters of the contractions.
        let hir = regex_syntax::parse("(?i)[sdmtlver]").unwrap();
        let regex_syntax::hir::HirKind::Class(regex_syntax::hir::Class::Unicode(class)) =
            hir.kind()
        else {
            panic!("a class")
        };
        let folded: Vec<char> = class
            .ranges()
            .iter()
            .flat_map(|r| r.start()..=r.end())
            .collect();
        let non_ascii: Vec<char> = folded.into_iter().filter(|c| !c.is_ascii()).collect();
        assert_eq!(non_ascii, ['ſ']);
    }
}
