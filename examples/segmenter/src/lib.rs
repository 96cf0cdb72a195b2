//! jieba's Chinese word segmentation (`cut` without HMM), as its authors
//! could ship it with fastboot.
//!
//! Loading jieba's 349,045-word dictionary is what makes `Jieba::new()`
//! slow (tens of milliseconds): here its prefix dictionary and frequencies
//! are a frozen static, [`dictionary`], computed once by the freeze run and
//! read in place from the executable afterwards. Nothing else needs
//! building: jieba's splitting of text into blocks is a character class
//! test, not a regex.
//!
//! ```no_run
//! let words = example_segmenter::cut("我们中出了一个叛徒");
//! assert_eq!(words, ["我们", "中", "出", "了", "一个", "叛徒"]);
//! ```

mod blocks;
mod dictionary;
mod route;

pub use dictionary::{dictionary, parse_dictionary, ArchivedDictionary, Dictionary};

/// The words of `text`, in order (they concatenate to `text`): jieba's
/// `cut(text, false)` with its default dictionary.
pub fn cut(text: &str) -> Vec<&str> {
    dictionary().cut(text)
}
