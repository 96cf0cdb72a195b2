//! The tokenizer: frozen ranks, plus a split of text into pieces, by the
//! regex compiled at first use or by hand over frozen character classes.

use std::sync::LazyLock;

use fancy_regex::Regex;

use crate::bpe;
use crate::classes::{char_classes, ArchivedCharClasses};
use crate::ranks::{cl100k_ranks, Ranks};
use crate::split;

/// `cl100k_base`'s split pattern, as tiktoken-rs gives it: text is cut into
/// pieces (words with their leading space, runs of up to 3 digits,
/// punctuation, whitespace) before byte-pair encoding each.
pub const CL100K_PATTERN: &str = r"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s";

/// The tokenizer built once per process over the frozen ranks.
static CL100K_BASE: LazyLock<Tokenizer> = LazyLock::new(|| {
    Tokenizer::new(cl100k_ranks(), CL100K_PATTERN).expect("CL100K_PATTERN compiles")
});

/// The `cl100k_base` tokenizer: its ranks thawed, its regex compiled on
/// the first call in the process (a few milliseconds).
pub fn cl100k_base() -> &'static Tokenizer {
    &CL100K_BASE
}

/// The `cl100k_base` tokenizer with nothing to build: its ranks and the
/// character classes of its split pattern thawed, the pattern itself
/// written out by hand. It splits text as [`cl100k_base`]'s regex does.
pub fn cl100k_base_without_regex() -> Tokenizer {
    Tokenizer {
        ranks: cl100k_ranks(),
        split: Split::ByHand(char_classes()),
    }
}

/// Why text could not be encoded or a pattern compiled: the regex engine's
/// error (a pattern it rejects, or a match that exceeded its backtracking
/// limit).
pub type Error = Box<fancy_regex::Error>;

/// A byte-pair encoder: merge ranks read in place, and a split of text
/// into the pieces it encodes one by one.
#[derive(Debug)]
pub struct Tokenizer {
    ranks: &'static Ranks,
    split: Split,
}

/// How a tokenizer splits text into pieces.
#[derive(Debug)]
enum Split {
    /// With a regex.
    Regex(Regex),
    /// With cl100k's pattern written by hand, over these classes.
    ByHand(&'static ArchivedCharClasses),
}

impl Tokenizer {
    /// A tokenizer over `ranks` (every single byte must be one of its
    /// tokens) that splits text with `pattern`.
    pub fn new(ranks: &'static Ranks, pattern: &str) -> Result<Self, Error> {
        Ok(Self {
            ranks,
            split: Split::Regex(Regex::new(pattern)?),
        })
    }

    /// The rank of the token made of `bytes`, if it is one.
    pub fn rank(&self, bytes: &[u8]) -> Option<u32> {
        self.ranks.get(bytes).map(|rank| rank.to_native())
    }

    /// The token ids of `text`, special tokens treated as plain text: what
    /// tiktoken's `encode_ordinary` returns.
    pub fn encode_ordinary(&self, text: &str) -> Result<Vec<u32>, Error> {
        let mut ids = Vec::new();
        match &self.split {
            Split::Regex(regex) => {
                for piece in regex.find_iter(text) {
                    self.encode_piece(piece?.as_str(), &mut ids);
                }
            }
            Split::ByHand(classes) => {
                for piece in split::pieces(classes, text) {
                    self.encode_piece(piece, &mut ids);
                }
            }
        }
        Ok(ids)
    }

    /// Appends the ids of `piece` to `ids`: its own if it is a token,
    /// else those byte-pair encoding gives.
    fn encode_piece(&self, piece: &str, ids: &mut Vec<u32>) {
        let piece = piece.as_bytes();
        match self.rank(piece) {
            Some(id) => ids.push(id),
            None => bpe::encode_piece(piece, |bytes| self.rank(bytes), ids),
        }
    }
}
