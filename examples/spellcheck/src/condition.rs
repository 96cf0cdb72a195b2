//! Affix conditions: the characters a stem must start or end with for a
//! prefix or suffix to apply (`.`, `e`, `[^aeiou]y`, `[sxzh]`).

use std::fmt;

/// One position of a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Class {
    /// `.`: any character.
    Any,
    /// A literal character.
    Char(char),
    /// `[abc]`, or `[^abc]` when `negated`.
    Set { chars: Vec<char>, negated: bool },
}

impl Class {
    fn matches(&self, ch: char) -> bool {
        match self {
            Self::Any => true,
            Self::Char(c) => *c == ch,
            Self::Set { chars, negated } => chars.contains(&ch) != *negated,
        }
    }
}

/// A parsed affix condition: one character class per position.
///
/// A condition longer than the stem never matches. The condition `.` alone
/// is the empty condition, which matches every stem, the empty one too (as
/// in Hunspell and spellbook).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition(Vec<Class>);

/// Why a condition could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError(&'static str);

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for ConditionError {}

impl Condition {
    /// Parses a condition as written in an affix file.
    pub fn parse(text: &str) -> Result<Self, ConditionError> {
        if text == "." {
            return Ok(Self(Vec::new()));
        }
        let mut classes = Vec::new();
        let mut chars = text.chars();
        while let Some(ch) = chars.next() {
            classes.push(match ch {
                '.' => Class::Any,
                ']' => return Err(ConditionError("a `]` without its `[`")),
                '[' => {
                    let mut set = Vec::new();
                    loop {
                        match chars.next() {
                            Some(']') => break,
                            Some('[') | None => {
                                return Err(ConditionError("a `[` without its `]`"));
                            }
                            Some(c) => set.push(c),
                        }
                    }
                    let negated = set.first() == Some(&'^');
                    if negated {
                        set.remove(0);
                    }
                    if set.is_empty() {
                        return Err(ConditionError("an empty character class"));
                    }
                    Class::Set {
                        chars: set,
                        negated,
                    }
                }
                c => Class::Char(c),
            });
        }
        Ok(Self(classes))
    }

    /// Whether `stem` starts with characters this condition accepts.
    pub fn matches_start(&self, stem: &str) -> bool {
        let mut chars = stem.chars();
        self.0
            .iter()
            .all(|class| chars.next().is_some_and(|ch| class.matches(ch)))
    }

    /// Whether `stem` ends with characters this condition accepts.
    pub fn matches_end(&self, stem: &str) -> bool {
        let mut chars = stem.chars().rev();
        self.0
            .iter()
            .rev()
            .all(|class| chars.next().is_some_and(|ch| class.matches(ch)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_match_at_either_end() {
        let c = Condition::parse("[^aeiou]y").unwrap();
        assert!(c.matches_end("fly") && !c.matches_end("day") && !c.matches_end("y"));
        assert!(c.matches_start("by") && !c.matches_start("ay"));
        let any = Condition::parse(".").unwrap();
        assert!(any.matches_end("") && any.matches_start("x"));
        let two = Condition::parse("e.").unwrap();
        assert!(two.matches_start("ex") && !two.matches_start("e") && two.matches_end("ex"));
        assert!(Condition::parse("[sxzh]").unwrap().matches_end("box"));
    }

    #[test]
    fn malformed_conditions_are_errors() {
        for bad in ["[abc", "abc]", "[]", "[^]", "[a[b]", "[a][b"] {
            assert!(Condition::parse(bad).is_err(), "{bad}");
        }
    }
}
