//! The prefix dictionary: parsed from jieba's `dict.txt`, frozen.

use std::collections::HashMap;

/// jieba's dictionary as it ships in the jieba-rs crate (copied by the
/// build script).
const DICT: &str = include_str!(concat!(env!("OUT_DIR"), "/dict.txt"));

/// Word frequencies, in the form segmentation walks: from each position
/// of a text, extend a candidate word one character at a time for as long
/// as it is a prefix of some dictionary word.
#[derive(Debug, rkyv::Archive, rkyv::Serialize)]
pub struct Dictionary {
    /// Every word and every prefix of a word, with the word's frequency;
    /// `None` for a prefix that is not itself a word.
    #[rkyv(with = fastboot::Sorted)]
    pub prefixes: HashMap<String, Option<u32>>,
    /// The sum of the frequencies of all lines of the dictionary file.
    pub total: u64,
}

/// jieba's default dictionary, thawed from the snapshot (or parsed from
/// the file when there is none).
#[fastboot::frozen]
pub fn dictionary() -> Dictionary {
    parse_dictionary(DICT).expect("the dict.txt jieba-rs ships is well formed")
}

/// Parses a jieba dictionary: one `word [frequency [tag]]` per line,
/// separated by ASCII whitespace; a missing frequency is 0, tags are
/// ignored. A word listed twice keeps its last frequency, and the total
/// counts both, as jieba does.
pub fn parse_dictionary(text: &str) -> Result<Dictionary, String> {
    let mut prefixes = HashMap::new();
    let mut total = 0u64;
    for (number, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        let mut fields = line.split_ascii_whitespace();
        let Some(word) = fields.next() else { continue };
        let freq: u32 = match fields.next() {
            Some(freq) => freq
                .parse()
                .map_err(|_| format!("line {number}: the frequency is not a u32: {line:?}"))?,
            None => 0,
        };
        total += u64::from(freq);
        for (end, _) in word.char_indices().skip(1) {
            prefixes.entry(word[..end].to_owned()).or_insert(None);
        }
        prefixes.insert(word.to_owned(), Some(freq));
    }
    Ok(Dictionary { prefixes, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_prefixes_and_total() {
        let dict = parse_dictionary("一个 5 m\n一个人 2\n\n叛徒\n").unwrap();
        assert_eq!(dict.total, 7);
        assert_eq!(dict.prefixes["一"], None);
        assert_eq!(dict.prefixes["一个"], Some(5));
        assert_eq!(dict.prefixes["一个人"], Some(2));
        assert_eq!(dict.prefixes["叛徒"], Some(0));
        assert_eq!(dict.prefixes.len(), 5);
        let err = parse_dictionary("一个 many").unwrap_err();
        assert_eq!(err, "line 1: the frequency is not a u32: \"一个 many\"");
    }
}
