//! Checking a word against the frozen dictionary, as Hunspell does: input
//! conversion, numbers, trailing dots, break patterns, capitalization, and
//! compound rules. Every step works on the archived value in place.

use std::borrow::Cow;
use std::cmp::Reverse;

use crate::casing::{self, Casing};
use crate::dictionary::ArchivedDictionary;

/// The longest word checked, in bytes; a longer one is wrong (Hunspell's,
/// Nuspell's and spellbook's limit).
pub const MAX_WORD_LEN: usize = 360;

/// How deep break patterns split a word.
const MAX_BREAK_DEPTH: usize = 9;

/// Whether a hidden homonym (see `Dictionary::hidden`) may match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Hidden {
    Match,
    Skip,
}

impl ArchivedDictionary {
    /// Whether `word` is correct.
    pub fn check(&self, word: &str) -> bool {
        if word.len() > MAX_WORD_LEN {
            return false;
        }
        let word = self.convert(word);
        if word.is_empty() {
            return true;
        }
        let trimmed = word.trim_end_matches('.');
        if is_number(trimmed) || self.check_broken(trimmed, 0) {
            return true;
        }
        // An abbreviation: the dots may belong to the word.
        trimmed.len() != word.len() && self.check_broken(&word, 0)
    }

    /// Applies the input conversions, left to right, the longest match at
    /// each position.
    fn convert<'w>(&self, word: &'w str) -> Cow<'w, str> {
        if !self
            .conversions
            .iter()
            .any(|c| word.contains(c.from.as_str()))
        {
            return Cow::Borrowed(word);
        }
        let mut converted = String::with_capacity(word.len());
        let mut rest = word;
        while let Some(ch) = rest.chars().next() {
            let longest = self
                .conversions
                .iter()
                .filter(|c| rest.starts_with(c.from.as_str()))
                .min_by_key(|c| Reverse(c.from.len())); // the first of the longest
            if let Some(conversion) = longest {
                converted.push_str(&conversion.to);
                rest = &rest[conversion.from.len()..];
            } else {
                converted.push(ch);
                rest = &rest[ch.len_utf8()..];
            }
        }
        Cow::Owned(converted)
    }

    /// Checks `word` whole, then split by the break patterns.
    fn check_broken(&self, word: &str, depth: usize) -> bool {
        if self.check_cased(word) {
            return true;
        }
        if depth == MAX_BREAK_DEPTH {
            return false;
        }
        let breaks = &self.breaks;
        breaks.start.iter().any(|b| {
            word.strip_prefix(b.as_str())
                .is_some_and(|rest| self.check_broken(rest, depth + 1))
        }) || breaks.end.iter().any(|b| {
            word.strip_suffix(b.as_str())
                .is_some_and(|rest| self.check_broken(rest, depth + 1))
        }) || breaks.middle.iter().any(|b| {
            word.split_once(b.as_str()).is_some_and(|(first, second)| {
                !second.is_empty()
                    && self.check_broken(first, depth + 1)
                    && self.check_broken(second, depth + 1)
            })
        })
    }

    /// Checks `word` in the capitalizations Hunspell allows for its casing:
    /// a titlecased word may be a lowercase one (`Walk`), an uppercase one
    /// any capitalization (`WALK`, `NASA`, `MCDONALD'S`, `O'NEIL`).
    fn check_cased(&self, word: &str) -> bool {
        match casing::classify(word) {
            Casing::Lower | Casing::Camel | Casing::Pascal => self.check_word(word, Hidden::Match),
            Casing::Title => {
                self.check_word(word, Hidden::Skip)
                    || self.check_word(&word.to_lowercase(), Hidden::Match)
            }
            Casing::Upper => {
                self.check_word(word, Hidden::Match)
                    || self.check_apostrophe(word)
                    || self.check_word(&casing::titlecase(word), Hidden::Match)
                    || self.check_word(&word.to_lowercase(), Hidden::Match)
            }
        }
    }

    /// An uppercase word with an apostrophe inside: the part after it
    /// titlecased, the part before lowercase or titlecased (`SANT'ELIA` →
    /// `sant'Elia`, `Sant'Elia`).
    fn check_apostrophe(&self, word: &str) -> bool {
        let Some(end) = word.find('\'').map(|i| i + 1).filter(|&i| i < word.len()) else {
            return false;
        };
        let (head, tail) = word.split_at(end);
        let tail = casing::titlecase(tail);
        self.check_word(&(head.to_lowercase() + &tail), Hidden::Match)
            || self.check_word(&(casing::titlecase(head) + &tail), Hidden::Match)
    }

    /// Checks `word` as written: a form of the dictionary, or a compound.
    fn check_word(&self, word: &str, hidden: Hidden) -> bool {
        self.words.contains(word)
            || (hidden == Hidden::Match && self.hidden.contains(word))
            || self.check_compound(word)
    }

    /// Whether `word` splits into two or more compound parts whose flags
    /// some compound rule accepts.
    fn check_compound(&self, word: &str) -> bool {
        !self.compound_rules.is_empty() && self.check_compound_from(word, 0, &mut Vec::new())
    }

    /// Tries every split of `word[start..]`, the flags of the parts before
    /// `start` in `parts`.
    fn check_compound_from<'a>(
        &'a self,
        word: &str,
        start: usize,
        parts: &mut Vec<&'a str>,
    ) -> bool {
        let min = self.compound_min.to_native() as usize;
        let rest = &word[start..];
        for (i, _) in rest.char_indices().skip(min) {
            let (first, second) = rest.split_at(i);
            if second.chars().count() < min {
                break;
            }
            let Some(flags) = self.compound_parts.get(first) else {
                continue;
            };
            parts.push(flags.as_str());
            let found = self.compound_parts.get(second).is_some_and(|last| {
                parts.push(last.as_str());
                let found = self
                    .compound_rules
                    .iter()
                    .any(|r| rule_matches(r.as_bytes(), parts));
                parts.pop();
                found
            }) || self.check_compound_from(word, start + i, parts);
            parts.pop();
            if found {
                return true;
            }
        }
        false
    }
}

/// Whether the flags of a compound's parts, in order, match `rule`: flags,
/// each optionally followed by `*` (any number of parts) or `?` (one or
/// none).
fn rule_matches(rule: &[u8], parts: &[&str]) -> bool {
    let Some((&flag, rule_rest)) = rule.split_first() else {
        return parts.is_empty();
    };
    let carries = |part: &&str| part.as_bytes().contains(&flag);
    match rule_rest.split_first() {
        Some((b'*', after)) => {
            rule_matches(after, parts)
                || parts
                    .first()
                    .is_some_and(|p| carries(p) && rule_matches(rule, &parts[1..]))
        }
        Some((b'?', after)) => {
            rule_matches(after, parts)
                || parts
                    .first()
                    .is_some_and(|p| carries(p) && rule_matches(after, &parts[1..]))
        }
        _ => parts
            .first()
            .is_some_and(|p| carries(p) && rule_matches(rule_rest, &parts[1..])),
    }
}

/// Whether `word` is a number: digits, with single `.`, `,` or `-`
/// between them, and an optional leading `-` (`-1,000.5`).
fn is_number(word: &str) -> bool {
    let digits = word.strip_prefix('-').unwrap_or(word);
    !digits.is_empty()
        && !digits.starts_with(['.', ',', '-'])
        && !digits.ends_with(['.', ',', '-'])
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
        && !digits
            .as_bytes()
            .windows(2)
            .any(|w| !w[0].is_ascii_digit() && !w[1].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dictionary::tests::tiny;

    #[test]
    fn hunspells_rules_on_a_tiny_dictionary() {
        let dictionary = fastboot::InMemory::new(&tiny());
        let long = "1".repeat(MAX_WORD_LEN + 1);
        for (word, correct) in [
            ("flies", true),
            ("flys", false),
            ("rewalks", true),
            ("Rewalks", true),
            ("REWALKS", true),
            ("reWalks", false),
            ("McDonald's", true),
            ("Mcdonald's", false),
            ("MCDONALD'S", true),
            ("mcdonald", false),
            ("NASA", true),
            ("Nasa", false),
            ("NASA’s", true),
            ("walk.", true),
            ("walk...", true),
            ("walk-fly", true),
            ("-walk", true),
            ("walk--", true),
            ("walk-flys", false),
            ("1,000.5", true),
            ("10th", true),
            ("110th", true),
            ("11th", true),
            ("1th", false),
            ("0th1", false),
            ("", true),
            (&long[..360], true),
            (&long, false),
        ] {
            assert_eq!(dictionary.check(word), correct, "{word}");
        }
    }

    #[test]
    fn numbers() {
        for yes in ["0", "-1", "1,000.5", "1-2", "12.3.4"] {
            assert!(is_number(yes), "{yes}");
        }
        for no in ["", "-", "--1", "1..2", "1.", ".1", "1a", "1-,2", "١"] {
            assert!(!is_number(no), "{no}");
        }
    }

    #[test]
    fn compound_rules() {
        assert!(rule_matches(b"n*1t", &["1", "t"]));
        assert!(rule_matches(b"n*1t", &["n", "n1", "pt"]));
        assert!(!rule_matches(b"n*1t", &["n", "pt"]));
        assert!(rule_matches(b"n*mp", &["nm", "p"]));
        assert!(rule_matches(b"a?b", &["b"]) && rule_matches(b"a?b", &["a", "b"]));
        assert!(!rule_matches(b"a?b", &["a", "a", "b"]));
    }
}
