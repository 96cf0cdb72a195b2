//! Segmenting a block: the most probable route through the words the
//! dictionary has at each position, as jieba computes it.

use crate::blocks::{blocks, other_words, Block};
use crate::dictionary::ArchivedDictionary;

impl ArchivedDictionary {
    /// The words of `text`, in order: jieba's `cut(text, false)`.
    pub fn cut<'t>(&self, text: &'t str) -> Vec<&'t str> {
        let mut words = Vec::new();
        for block in blocks(text) {
            match block {
                Block::Words(run) => self.cut_block(run, &mut words),
                Block::Other(run) => other_words(run, &mut words),
            }
        }
        words
    }

    /// Appends the words of `block` (characters of a dictionary block) to
    /// `words`: along the most probable route, with each run of single
    /// ASCII letters or digits it leaves joined into one word.
    fn cut_block<'t>(&self, block: &'t str, words: &mut Vec<&'t str>) {
        // offsets[i]: where character i starts; offsets[n]: the end.
        let offsets: Vec<usize> = block
            .char_indices()
            .map(|(i, _)| i)
            .chain([block.len()])
            .collect();
        let route = self.route(block, &offsets);
        let n = offsets.len() - 1;
        let word = |from: usize, to: usize| &block[offsets[from]..offsets[to]];
        let mut joined: Option<usize> = None;
        let mut x = 0;
        while x < n {
            let y = route[x];
            if y - x == 1 && block.as_bytes()[offsets[x]].is_ascii_alphanumeric() {
                joined.get_or_insert(x);
            } else {
                if let Some(start) = joined.take() {
                    words.push(word(start, x));
                }
                words.push(word(x, y));
            }
            x = y;
        }
        if let Some(start) = joined {
            words.push(word(start, n));
        }
    }

    /// For each character of `block`, the index of the character after the
    /// word the best route takes from it. The best route from `i`
    /// maximizes the sum of `ln(freq) - ln(total)` over its words (a
    /// character that starts no word counting as a word of frequency 1);
    /// of routes equally probable, the one whose first word is longest.
    fn route(&self, block: &str, offsets: &[usize]) -> Vec<usize> {
        let n = offsets.len() - 1;
        let log_total = (self.total.to_native() as f64).ln();
        // (log-probability of the rest of the block from i, end of the word)
        let mut route = vec![(0.0f64, n); n + 1];
        for i in (0..n).rev() {
            let mut best: Option<(f64, usize)> = None;
            for end in i + 1..=n {
                // Neither a word nor the prefix of one: no longer word here.
                let Some(freq) = self.prefixes.get(&block[offsets[i]..offsets[end]]) else {
                    break;
                };
                // Only the prefix of a word.
                let Some(freq) = freq.as_ref() else { continue };
                let prob = f64::from(freq.to_native()).ln() - log_total + route[end].0;
                // The more probable, or as probable and longer (ends later).
                if best.is_none_or(|best| (prob, end) > best) {
                    best = Some((prob, end));
                }
            }
            route[i] = best.unwrap_or((0.0 - log_total + route[i + 1].0, i + 1));
        }
        route.iter().map(|&(_, end)| end).collect()
    }
}
