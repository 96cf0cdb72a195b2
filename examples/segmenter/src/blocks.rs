//! jieba's first cut: text into blocks that the dictionary segments
//! (Chinese characters, ASCII letters and digits, `+#&._%-`) and the rest.

/// Whether `c` belongs in a dictionary block: jieba's `RE_HAN_DEFAULT`,
/// `[\u4E00-\u9FFF` and the other CJK Unified Ideographs ranges,
/// `a-zA-Z0-9+#&._%\-]`.
fn in_block(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2A6DF}'
        | '\u{2A700}'..='\u{2B73F}'
        | '\u{2B740}'..='\u{2B81F}'
        | '\u{2B820}'..='\u{2CEAF}'
        | '\u{2CEB0}'..='\u{2EBEF}'
        | '\u{2F800}'..='\u{2FA1F}'
        | 'a'..='z' | 'A'..='Z' | '0'..='9'
        | '+' | '#' | '&' | '.' | '_' | '%' | '-'
    )
}

/// A maximal run of `text`'s characters all in, or all out of, a block.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Block<'t> {
    /// Characters the dictionary segments.
    Words(&'t str),
    /// Other characters: each is a word of its own (`\r\n` is one).
    Other(&'t str),
}

/// The blocks of `text`, in order.
pub(crate) fn blocks(text: &str) -> impl Iterator<Item = Block<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let inside = in_block(first);
        let end = rest
            .char_indices()
            .find(|&(_, c)| in_block(c) != inside)
            .map_or(rest.len(), |(i, _)| i);
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(if inside {
            Block::Words(run)
        } else {
            Block::Other(run)
        })
    })
}

/// The words of a block outside the dictionary's: each character, and
/// `\r\n` as one.
pub(crate) fn other_words<'t>(run: &'t str, words: &mut Vec<&'t str>) {
    let mut rest = run;
    while let Some(c) = rest.chars().next() {
        let len = if rest.starts_with("\r\n") {
            2
        } else {
            c.len_utf8()
        };
        let (word, tail) = rest.split_at(len);
        words.push(word);
        rest = tail;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_alternate_and_cover_the_text() {
        let text = "我们C++, 好！\r\n𠀀x";
        let got: Vec<Block<'_>> = blocks(text).collect();
        assert_eq!(
            got,
            [
                Block::Words("我们C++"),
                Block::Other(", "),
                Block::Words("好"),
                Block::Other("！\r\n"),
                Block::Words("𠀀x"),
            ]
        );
        let mut words = Vec::new();
        other_words("！\r\n\n", &mut words);
        assert_eq!(words, ["！", "\r\n", "\n"]);
    }
}
