//! The affix file (`.aff`): the part of Hunspell's format that decides
//! which words are correct, for dictionaries that use what is implemented
//! here. A directive that would change the answers and is not implemented
//! is an error naming it, never silently ignored.

use std::fmt;

use crate::condition::Condition;

/// Directives that only shape suggestions (or are informative), which a
/// checker can ignore: their lines are skipped, table rows included.
const SUGGESTION_ONLY: &[&str] = &[
    "TRY",
    "KEY",
    "REP",
    "MAP",
    "PHONE",
    "NOSUGGEST",
    "WORDCHARS",
    "MAXNGRAMSUGS",
    "MAXCPDSUGS",
    "MAXDIFF",
    "ONLYMAXDIFF",
    "NOSPLITSUGS",
    "SUGSWITHDOTS",
    "NAME",
    "VERSION",
    "HOME",
];

/// A prefix or suffix rule: the characters it removes from the stem
/// (`strip`), those it adds (`add`), and the condition on the stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affix {
    /// The flag a stem carries to take this affix.
    pub flag: char,
    /// Whether it combines with affixes of the other kind (`Y`).
    pub cross_product: bool,
    /// Removed from the stem (empty for `0`).
    pub strip: String,
    /// Added to it (empty for `0`).
    pub add: String,
    /// What the stem must start (prefix) or end (suffix) with.
    pub condition: Condition,
}

impl Affix {
    /// The word this prefix makes of `stem`, if it applies.
    pub fn prefixed(&self, stem: &str) -> Option<String> {
        let rest = stem.strip_prefix(self.strip.as_str())?;
        self.condition
            .matches_start(stem)
            .then(|| format!("{}{rest}", self.add))
    }

    /// The word this suffix makes of `stem`, if it applies.
    pub fn suffixed(&self, stem: &str) -> Option<String> {
        let rest = stem.strip_suffix(self.strip.as_str())?;
        self.condition
            .matches_end(stem)
            .then(|| format!("{rest}{}", self.add))
    }
}

/// A parsed affix file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffixFile {
    /// `ICONV`: replacements applied to a word before it is checked.
    pub input_conversions: Vec<(String, String)>,
    /// `BREAK`: where a word not found whole may be split (`^-` at the
    /// start, `-$` at the end, `-` anywhere); `-`, `^-`, `-$` by default.
    pub breaks: Vec<String>,
    /// `PFX` rules.
    pub prefixes: Vec<Affix>,
    /// `SFX` rules.
    pub suffixes: Vec<Affix>,
    /// `ONLYINCOMPOUND`: stems with this flag are words only inside compounds.
    pub only_in_compound: Option<char>,
    /// `COMPOUNDMIN`: the fewest characters of a compound's part (3 by default).
    pub compound_min: u32,
    /// `COMPOUNDRULE`s: sequences of flags, each optionally followed by `*`
    /// (any number) or `?` (at most one), that a compound's parts must carry.
    pub compound_rules: Vec<String>,
}

/// What is wrong with an affix file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for AffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for AffError {}

/// One line of the file: its number (from 1) and its fields.
type Line<'a> = (usize, Vec<&'a str>);

/// The error `message` at `line`.
fn at(line: usize, message: String) -> AffError {
    AffError { line, message }
}

/// Parses the text of an affix file.
pub fn parse(text: &str) -> Result<AffixFile, AffError> {
    let mut aff = AffixFile {
        input_conversions: Vec::new(),
        breaks: ["-", "^-", "-$"].map(String::from).to_vec(),
        prefixes: Vec::new(),
        suffixes: Vec::new(),
        only_in_compound: None,
        compound_min: 3,
        compound_rules: Vec::new(),
    };
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, fields)| fields.first().is_some_and(|f| !f.starts_with('#')));
    let mut default_breaks = true;
    while let Some((line, fields)) = lines.next() {
        let key = fields[0];
        let arg = fields.get(1).copied().unwrap_or_default();
        match key {
            "SET" if arg == "UTF-8" => {}
            "SET" => return Err(at(line, format!("encoding `{arg}`: only UTF-8 is read"))),
            "LANG" if ["tr", "az", "crh"].iter().any(|l| arg.starts_with(l)) => {
                let message = format!("LANG {arg}: Turkic case mapping is not implemented");
                return Err(at(line, message));
            }
            "LANG" => {}
            "COMPOUNDMIN" => {
                let min = arg.parse().ok().filter(|&n| n > 0);
                let message = || format!("COMPOUNDMIN `{arg}`: not a positive number");
                aff.compound_min = min.ok_or_else(|| at(line, message()))?;
            }
            "ONLYINCOMPOUND" => {
                aff.only_in_compound = Some(flag(arg).map_err(|e| at(line, e))?);
            }
            "ICONV" => {
                for (line, row) in table(line, &fields, 2, &mut lines)? {
                    let (from, to) = (row[1], row[2]);
                    if from.starts_with('_') || from.ends_with('_') {
                        let message =
                            format!("ICONV {from}: anchored patterns are not implemented");
                        return Err(at(line, message));
                    }
                    aff.input_conversions.push((from.into(), to.into()));
                }
            }
            "COMPOUNDRULE" => {
                for (line, row) in table(line, &fields, 1, &mut lines)? {
                    let rule = row[1];
                    if rule.contains('(') || !rule.chars().all(|c| c.is_ascii_graphic()) {
                        let message =
                            format!("COMPOUNDRULE {rule}: only one-character flags are read");
                        return Err(at(line, message));
                    }
                    aff.compound_rules.push(rule.into());
                }
            }
            "BREAK" => {
                if std::mem::take(&mut default_breaks) {
                    aff.breaks.clear();
                }
                let rows = table(line, &fields, 1, &mut lines)?;
                aff.breaks
                    .extend(rows.iter().map(|(_, row)| row[1].to_owned()));
            }
            "PFX" => aff.prefixes.extend(affix_table(line, &fields, &mut lines)?),
            "SFX" => aff.suffixes.extend(affix_table(line, &fields, &mut lines)?),
            _ if SUGGESTION_ONLY.contains(&key) => {}
            _ => {
                let message =
                    format!("{key} is not implemented, and it may change which words are correct");
                return Err(at(line, message));
            }
        }
    }
    Ok(aff)
}

/// Reads a `PFX` or `SFX` table, whose header, at `line`, is `header`.
fn affix_table<'a>(
    line: usize,
    header: &[&str],
    lines: &mut impl Iterator<Item = Line<'a>>,
) -> Result<Vec<Affix>, AffError> {
    let [key, flag_text, cross, _] = header[..] else {
        let message = format!("{}: the header is not `{0} flag Y|N count`", header[0]);
        return Err(at(line, message));
    };
    let flag = flag(flag_text).map_err(|e| at(line, e))?;
    let cross_product = match cross {
        "Y" => true,
        "N" => false,
        other => {
            let message = format!("{key} {flag}: cross product `{other}`, not Y or N");
            return Err(at(line, message));
        }
    };
    let nothing = |text: &str| {
        if text == "0" {
            String::new()
        } else {
            text.into()
        }
    };
    let mut affixes = Vec::new();
    for (line, row) in table(line, header, 3, lines)? {
        if row[1] != flag_text {
            return Err(at(line, format!("{key} {flag}: a row of flag {}", row[1])));
        }
        let (strip, add) = (row[2], row[3]);
        if add.contains('/') {
            let message = format!("{key} {flag} {add}: continuation flags are not implemented");
            return Err(at(line, message));
        }
        let condition = Condition::parse(row.get(4).copied().unwrap_or("."))
            .map_err(|e| at(line, format!("{key} {flag}: condition: {e}")))?;
        affixes.push(Affix {
            flag,
            cross_product,
            strip: nothing(strip),
            add: nothing(add),
            condition,
        });
    }
    Ok(affixes)
}

/// Reads a one-character flag.
fn flag(text: &str) -> Result<char, String> {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_graphic() => Ok(c),
        _ => Err(format!(
            "flag `{text}`: only one-character ASCII flags are read"
        )),
    }
}

/// Reads the rows of the table whose header, at `line`, is `header` (its
/// key and, last, its row count): each a line starting with the key, with
/// at least `fields` fields after it.
fn table<'a>(
    line: usize,
    header: &[&str],
    fields: usize,
    lines: &mut impl Iterator<Item = Line<'a>>,
) -> Result<Vec<Line<'a>>, AffError> {
    let key = header[0];
    let count = header.last().copied().unwrap_or_default();
    let count: usize = count
        .parse()
        .map_err(|_| at(line, format!("{key}: row count `{count}` is not a number")))?;
    (0..count)
        .map(|i| match lines.next() {
            Some((line, row)) if row[0] == key && row.len() > fields => Ok((line, row)),
            next => {
                let line = next.map_or(line, |(line, _)| line);
                Err(at(
                    line,
                    format!("{key}: row {} of {count} is missing or short", i + 1),
                ))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_affixes_conversions_and_compound_rules() {
        let aff = parse(
            "SET UTF-8\nTRY abc\nICONV 1\nICONV ’ '\n# comment\nCOMPOUNDMIN 1\n\
             ONLYINCOMPOUND c\nCOMPOUNDRULE 1\nCOMPOUNDRULE n*1t\nREP 1\nREP a ei\n\
             SFX D Y 2\nSFX D 0 d e\nSFX D y ied [^aeiou]y\nPFX A N 1\nPFX A 0 re .\n",
        )
        .unwrap();
        assert_eq!(aff.input_conversions, [("’".into(), "'".into())]);
        assert_eq!((aff.compound_min, aff.only_in_compound), (1, Some('c')));
        assert_eq!(aff.compound_rules, ["n*1t"]);
        assert_eq!(aff.breaks, ["-", "^-", "-$"]);
        let [d, ied] = &aff.suffixes[..] else {
            panic!()
        };
        assert_eq!(d.suffixed("bake").as_deref(), Some("baked"));
        assert_eq!(d.suffixed("bak"), None);
        assert_eq!(ied.suffixed("fly").as_deref(), Some("flied"));
        assert_eq!(ied.suffixed("day"), None);
        assert!(!aff.prefixes[0].cross_product);
        assert_eq!(aff.prefixes[0].prefixed("do").as_deref(), Some("redo"));
    }

    #[test]
    fn what_would_change_the_answers_is_refused_by_name() {
        for (text, line, needle) in [
            ("SET ISO8859-1\n", 1, "only UTF-8"),
            ("\nKEEPCASE k\n", 2, "KEEPCASE is not implemented"),
            ("SFX S Y 1\nSFX S 0 s/X .\n", 2, "continuation flags"),
            ("SFX S Y 2\nSFX S 0 s .\n", 1, "row 2 of 2"),
            ("PFX A Y 1\nPFX B 0 re .\n", 2, "a row of flag B"),
            ("SFX S Y 1\nSFX S 0 s [ab\n", 2, "condition"),
            ("FLAG long\n", 1, "FLAG is not implemented"),
            ("PFX AB Y 0\n", 1, "one-character ASCII flags"),
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.line, line, "{text:?}: {err}");
            assert!(err.message.contains(needle), "{text:?}: {err}");
        }
    }
}
