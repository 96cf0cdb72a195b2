//! The dictionary file (`.dic`): a count, then one stem per line with its
//! flags (`walk/SDRG`).

use std::fmt;

/// A stem and the flags that select its affixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The word as written in the file.
    pub stem: String,
    /// Its one-character flags.
    pub flags: String,
}

/// What is wrong with a dictionary file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DicError {
    /// The line, counted from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for DicError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for DicError {}

/// Parses the text of a dictionary file. Blank lines are skipped; a stem
/// with an escaped slash, a space or morphological fields is refused (not
/// implemented).
pub fn parse(text: &str) -> Result<Vec<Entry>, DicError> {
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    let error = |line, message: String| DicError { line, message };
    let count = lines
        .next()
        .and_then(|(_, line)| line.trim().parse::<usize>().ok())
        .ok_or_else(|| error(1, "the first line is not the number of entries".into()))?;
    let mut entries = Vec::with_capacity(count.min(1 << 20));
    for (line, text) in lines {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if text.contains(['\\', ' ', '\t']) {
            return Err(error(
                line,
                format!("`{text}`: escapes, spaces and morphological fields are not implemented"),
            ));
        }
        let (stem, flags) = text.split_once('/').unwrap_or((text, ""));
        if stem.is_empty() {
            return Err(error(line, format!("`{text}`: an empty stem")));
        }
        if let Some(bad) = flags.chars().find(|c| !c.is_ascii_graphic()) {
            return Err(error(
                line,
                format!("flag `{bad}`: only one-character ASCII flags are read"),
            ));
        }
        entries.push(Entry {
            stem: stem.into(),
            flags: flags.into(),
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_stems_and_flags() {
        let entries = parse("3\nwalk/SDRG\n\nNASA\n1st/p\n").unwrap();
        let pairs: Vec<_> = entries
            .iter()
            .map(|e| (e.stem.as_str(), e.flags.as_str()))
            .collect();
        assert_eq!(pairs, [("walk", "SDRG"), ("NASA", ""), ("1st", "p")]);
    }

    #[test]
    fn malformed_lines_are_errors_with_their_line() {
        for (text, line) in [
            ("x\nword\n", 1),
            ("2\nword\n/SD\n", 3),
            ("1\na\\/b\n", 2),
            ("1\nw/é\n", 2),
        ] {
            assert_eq!(parse(text).unwrap_err().line, line, "{text:?}");
        }
    }
}
