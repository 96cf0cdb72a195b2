//! tiktoken's `cl100k_base` byte-pair encoding, as its authors could ship it
//! with fastboot.
//!
//! The 100,256 merge ranks are the expensive part of starting tiktoken
//! (parsing base64 and building a hash map of them, tens of milliseconds):
//! here they are a frozen static, [`cl100k_ranks`], computed once by the
//! freeze run and read in place from the executable afterwards. The split
//! regex cannot be archived: it is compiled at first use, once per process,
//! in [`cl100k_base`]. That takes milliseconds, more than the rest of the
//! process: [`cl100k_base_without_regex`] splits text as the regex does by
//! hand, over the regex parser's character classes, frozen too
//! ([`char_classes`]), and so builds nothing at all.
//!
//! ```no_run
//! let ids = example_tokenizer::cl100k_base().encode_ordinary("hello world")?;
//! assert_eq!(ids, [15339, 1917]);
//! # Ok::<(), example_tokenizer::Error>(())
//! ```

mod bpe;
mod classes;
mod ranks;
mod split;
mod tokenizer;

pub use classes::{char_classes, ArchivedCharClasses, CharClasses};
pub use ranks::{cl100k_ranks, parse_tiktoken, Ranks};
pub use tokenizer::{cl100k_base, cl100k_base_without_regex, Error, Tokenizer, CL100K_PATTERN};
