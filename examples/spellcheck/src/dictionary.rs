//! The frozen dictionary: every word form the affix rules make of the
//! stems, and the few rules that still apply when a word is checked.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use crate::aff::{self, AffixFile};
use crate::casing::{self, Casing};
use crate::dic::{self, Entry};

/// Everything `check` needs, built from an affix and a dictionary file.
#[derive(Debug, Default, PartialEq, Eq, rkyv::Archive, rkyv::Serialize)]
pub struct Dictionary {
    /// Every stem and every form its affixes make: the words correct as
    /// they are written.
    #[rkyv(with = fastboot::Sorted)]
    pub words: HashSet<String>,
    /// The forms of Hunspell's *hidden homonyms*: a stem written `McDonald`
    /// or `NASA/M` is also entered titlecased (`Mcdonald`, `Nasa`), so that
    /// `MCDONALD'S` and `NASA'S` are found, but a word written in title
    /// case does not match them (`Mcdonald` is wrong).
    #[rkyv(with = fastboot::Sorted)]
    pub hidden: HashSet<String>,
    /// The stems that may be parts of a compound, with their flags.
    #[rkyv(with = fastboot::Sorted)]
    pub compound_parts: HashMap<String, String>,
    /// The compound rules (`n*1t`: flags, each optionally followed by `*`
    /// or `?`).
    pub compound_rules: Vec<String>,
    /// The fewest characters of a compound's part.
    pub compound_min: u32,
    /// Replacements applied to a word before it is checked (`’` → `'`).
    pub conversions: Vec<Conversion>,
    /// Where a word not found whole may be split.
    pub breaks: Breaks,
}

/// A replacement applied to checked words (`ICONV`).
#[derive(Debug, Clone, PartialEq, Eq, rkyv::Archive, rkyv::Serialize)]
pub struct Conversion {
    /// The text replaced.
    pub from: String,
    /// Its replacement.
    pub to: String,
}

/// The break patterns (`BREAK`), by where they apply.
#[derive(Debug, Default, PartialEq, Eq, rkyv::Archive, rkyv::Serialize)]
pub struct Breaks {
    /// Removed from the start of a word (`^-`).
    pub start: Vec<String>,
    /// Split a word in two (`-`).
    pub middle: Vec<String>,
    /// Removed from the end of a word (`-$`).
    pub end: Vec<String>,
}

/// Why a dictionary could not be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// A file could not be read.
    Read(PathBuf, std::io::Error),
    /// The affix file is malformed or uses what is not implemented.
    Aff(PathBuf, aff::AffError),
    /// The dictionary file is malformed.
    Dic(PathBuf, dic::DicError),
    /// Two homonyms that may be parts of compounds differ in their flags.
    CompoundHomonyms(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(path, e) => write!(f, "cannot read {}: {e}", path.display()),
            Self::Aff(path, e) => write!(f, "{}: {e}", path.display()),
            Self::Dic(path, e) => write!(f, "{}: {e}", path.display()),
            Self::CompoundHomonyms(stem) => write!(
                f,
                "homonyms of `{stem}` with different compounding flags are not implemented"
            ),
        }
    }
}

impl std::error::Error for LoadError {}

impl Dictionary {
    /// Loads `<base>.aff` and `<base>.dic` (e.g. `/usr/share/hunspell/en_US`).
    pub fn load(base: &Path) -> Result<Self, LoadError> {
        let read = |ext: &str| {
            let path = base.with_extension(ext);
            std::fs::read_to_string(&path)
                .map_err(|e| LoadError::Read(path.clone(), e))
                .map(|text| (path, text))
        };
        let (aff_path, aff_text) = read("aff")?;
        let (dic_path, dic_text) = read("dic")?;
        let aff = aff::parse(&aff_text).map_err(|e| LoadError::Aff(aff_path, e))?;
        let entries = dic::parse(&dic_text).map_err(|e| LoadError::Dic(dic_path, e))?;
        Self::build(&aff, &entries)
    }

    /// Expands every entry with its affixes.
    pub fn build(aff: &AffixFile, entries: &[Entry]) -> Result<Self, LoadError> {
        let mut dictionary = Self {
            compound_rules: aff.compound_rules.clone(),
            compound_min: aff.compound_min,
            conversions: aff
                .input_conversions
                .iter()
                .map(|(from, to)| Conversion {
                    from: from.clone(),
                    to: to.clone(),
                })
                .collect(),
            breaks: Breaks::new(&aff.breaks),
            ..Self::default()
        };
        let rule_flags: Vec<char> = aff.compound_rules.iter().flat_map(|r| r.chars()).collect();
        for entry in entries {
            let flags = entry.flags.as_str();
            let is_part = flags
                .chars()
                .any(|f| f != '*' && f != '?' && rule_flags.contains(&f));
            let only_in_compound = aff.only_in_compound.is_some_and(|f| flags.contains(f));
            let stems = [
                (Some(entry.stem.clone()), &mut dictionary.words),
                (hidden_homonym(entry), &mut dictionary.hidden),
            ];
            for (stem, forms) in stems {
                let Some(stem) = stem else { continue };
                if is_part {
                    let known = dictionary.compound_parts.entry(stem.clone());
                    if known.or_insert_with(|| flags.to_owned()) != flags {
                        return Err(LoadError::CompoundHomonyms(stem));
                    }
                }
                if !only_in_compound {
                    expand(aff, &stem, flags, forms);
                }
            }
        }
        Ok(dictionary)
    }
}

/// The titlecased stem Hunspell also enters for a mixed-case stem, or for
/// an uppercase one with flags.
fn hidden_homonym(entry: &Entry) -> Option<String> {
    match casing::classify(&entry.stem) {
        Casing::Camel | Casing::Pascal => Some(casing::titlecase(&entry.stem)),
        Casing::Upper if !entry.flags.is_empty() => Some(casing::titlecase(&entry.stem)),
        _ => None,
    }
}

/// Adds `stem` and every form its `flags` make of it to `forms`: each
/// suffix, each prefix, and each pair of a suffix and a prefix that both
/// allow the cross product.
fn expand(aff: &AffixFile, stem: &str, flags: &str, forms: &mut HashSet<String>) {
    let has = |flag| flags.contains(flag);
    forms.insert(stem.to_owned());
    for prefix in aff.prefixes.iter().filter(|p| has(p.flag)) {
        forms.extend(prefix.prefixed(stem));
    }
    for suffix in aff.suffixes.iter().filter(|s| has(s.flag)) {
        let Some(suffixed) = suffix.suffixed(stem) else {
            continue;
        };
        if suffix.cross_product {
            let cross = aff
                .prefixes
                .iter()
                .filter(|p| p.cross_product && has(p.flag));
            forms.extend(cross.filter_map(|prefix| prefix.prefixed(&suffixed)));
        }
        forms.insert(suffixed);
    }
}

impl Breaks {
    /// Sorts the patterns as written (`^-`, `-`, `-$`) by where they apply.
    fn new(patterns: &[String]) -> Self {
        let mut breaks = Self::default();
        for pattern in patterns {
            if let Some(start) = pattern.strip_prefix('^') {
                breaks.start.push(start.to_owned());
            } else if let Some(end) = pattern.strip_suffix('$') {
                breaks.end.push(end.to_owned());
            } else {
                breaks.middle.push(pattern.clone());
            }
        }
        breaks
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A dictionary with each kind of rule `en_US` uses.
    pub(crate) fn tiny() -> Dictionary {
        let aff = aff::parse(
            "SET UTF-8\nICONV 1\nICONV ’ '\nCOMPOUNDMIN 1\nONLYINCOMPOUND c\n\
             COMPOUNDRULE 1\nCOMPOUNDRULE n*1t\nPFX A Y 1\nPFX A 0 re .\n\
             SFX S Y 2\nSFX S y ies [^aeiou]y\nSFX S 0 s [^y]\nSFX M Y 1\nSFX M 0 's .\n",
        )
        .unwrap();
        let dic = dic::parse("7\nfly/S\nwalk/SA\nMcDonald/M\nNASA/M\n1/n1\n0th/pt\n1th/tc\n");
        Dictionary::build(&aff, &dic.unwrap()).unwrap()
    }

    fn sorted<'a>(words: impl IntoIterator<Item = &'a String>) -> Vec<&'a str> {
        let mut words: Vec<&str> = words.into_iter().map(String::as_str).collect();
        words.sort_unstable();
        words
    }

    #[test]
    fn every_form_is_generated_and_homonyms_are_hidden() {
        let d = tiny();
        let words = [
            "0th",
            "1",
            "McDonald",
            "McDonald's",
            "NASA",
            "NASA's",
            "flies",
            "fly",
            "rewalk",
            "rewalks",
            "walk",
            "walks",
        ];
        assert_eq!(sorted(&d.words), words);
        assert_eq!(
            sorted(&d.hidden),
            ["Mcdonald", "Mcdonald's", "Nasa", "Nasa's"]
        );
        assert_eq!(sorted(d.compound_parts.keys()), ["0th", "1", "1th"]);
        assert_eq!(d.compound_parts["1th"], "tc");
        let breaks = (&d.breaks.start, &d.breaks.middle, &d.breaks.end);
        assert_eq!(
            breaks,
            (&vec!["-".into()], &vec!["-".into()], &vec!["-".into()])
        );
    }

    #[test]
    fn compound_homonyms_with_other_flags_are_refused() {
        let aff = aff::parse("COMPOUNDRULE 1\nCOMPOUNDRULE ab\n").unwrap();
        let dic = dic::parse("2\nx/a\nx/b\n").unwrap();
        let err = Dictionary::build(&aff, &dic).unwrap_err();
        assert!(
            matches!(err, LoadError::CompoundHomonyms(ref stem) if stem == "x"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = Dictionary::load(Path::new("/nonexistent/en_US")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read /nonexistent/en_US.aff: "),
            "{err}"
        );
    }
}
