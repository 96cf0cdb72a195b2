//! The Unicode character classes cl100k's split pattern uses (`\p{L}`,
//! `\p{N}`, `\s`), frozen: the tables of the regex engine's own parser,
//! so that a split written by hand classifies every character as the
//! regex does, without compiling one.

use regex_syntax::hir::{Class as HirClass, HirKind};

/// Inclusive ranges of code points, sorted and disjoint.
type Ranges = Vec<[u32; 2]>;

/// What the split pattern can tell a character to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    /// `\p{L}`.
    Letter,
    /// `\p{N}`.
    Number,
    /// `\s` (Unicode's `White_Space`).
    Space,
    /// Anything else.
    Other,
}

/// The character classes, as ranges of code points.
#[derive(Debug, rkyv::Archive, rkyv::Serialize)]
#[rkyv(derive(Debug))]
pub struct CharClasses {
    letters: Ranges,
    numbers: Ranges,
    spaces: Ranges,
}

/// The classes of `regex-syntax`, the parser under tiktoken-rs's regex
/// engine: thawed from the snapshot (or read from the parser's tables
/// when there is none).
#[fastboot::frozen]
pub fn char_classes() -> CharClasses {
    CharClasses {
        letters: ranges(r"\p{L}"),
        numbers: ranges(r"\p{N}"),
        spaces: ranges(r"\s"),
    }
}

/// The code points the one-class pattern `class` matches.
fn ranges(class: &str) -> Ranges {
    let hir = regex_syntax::parse(class).expect("a valid class");
    let HirKind::Class(HirClass::Unicode(class)) = hir.kind() else {
        panic!("{class} is not a Unicode class")
    };
    class
        .ranges()
        .iter()
        .map(|r| [u32::from(r.start()), u32::from(r.end())])
        .collect()
}

impl ArchivedCharClasses {
    /// The class of `c`.
    pub(crate) fn class(&self, c: char) -> Class {
        let contains = |ranges: &rkyv::Archived<Ranges>| {
            let c = u32::from(c);
            ranges
                .binary_search_by(|[first, last]| {
                    if last.to_native() < c {
                        std::cmp::Ordering::Less
                    } else if first.to_native() > c {
                        std::cmp::Ordering::Greater
                    } else {
                        std::cmp::Ordering::Equal
                    }
                })
                .is_ok()
        };
        if contains(&self.letters) {
            Class::Letter
        } else if contains(&self.numbers) {
            Class::Number
        } else if contains(&self.spaces) {
            Class::Space
        } else {
            Class::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_as_the_regex_sees_them() {
        let classes = char_classes();
        for (c, class) in [
            ('a', Class::Letter),
            ('Ж', Class::Letter),
            ('中', Class::Letter),
            ('ſ', Class::Letter),
            ('7', Class::Number),
            ('½', Class::Number),
            ('٣', Class::Number),
            (' ', Class::Space),
            ('\n', Class::Space),
            ('\u{3000}', Class::Space),
            ('\u{85}', Class::Space),
            ('\u{1c}', Class::Other),
            ('\'', Class::Other),
            ('，', Class::Other),
            ('😀', Class::Other),
        ] {
            assert_eq!(classes.class(c), class, "{c:?}");
        }
    }
}
