//! The merge ranks: parsed from the `.tiktoken` file, frozen.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

/// The archived ranks: each token's bytes and its rank, read in place.
pub type Ranks = rkyv::Archived<HashMap<Vec<u8>, u32>>;

/// The `cl100k_base` file as tiktoken-rs ships it (copied by the build
/// script).
const CL100K_BASE: &str = include_str!(concat!(env!("OUT_DIR"), "/cl100k_base.tiktoken"));

/// `cl100k_base`'s merge ranks, thawed from the snapshot (or parsed from
/// the file when there is none).
#[fastboot::frozen]
pub fn cl100k_ranks() -> HashMap<Vec<u8>, u32> {
    parse_tiktoken(CL100K_BASE).expect("the cl100k_base file tiktoken-rs ships is well formed")
}

/// Parses a `.tiktoken` file: one `<base64 token> <rank>` per line.
pub fn parse_tiktoken(text: &str) -> Result<HashMap<Vec<u8>, u32>, String> {
    let mut ranks = HashMap::new();
    for (number, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
        let bad = |what: &str| format!("line {number}: {what}: {line:?}");
        let (token, rank) = line.split_once(' ').ok_or_else(|| bad("no space"))?;
        let token = STANDARD.decode(token).map_err(|e| bad(&e.to_string()))?;
        let rank = rank.parse().map_err(|_| bad("the rank is not a u32"))?;
        if ranks.insert(token, rank).is_some() {
            return Err(bad("a token listed twice"));
        }
    }
    Ok(ranks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_tokens_and_names_the_bad_line() {
        let ranks = parse_tiktoken("IQ== 0\naGk= 7\n").unwrap();
        assert_eq!(ranks[b"!".as_slice()], 0);
        assert_eq!(ranks[b"hi".as_slice()], 7);
        let err = parse_tiktoken("IQ== 0\naGk=7\n").unwrap_err();
        assert_eq!(err, "line 2: no space: \"aGk=7\"");
        assert!(parse_tiktoken("IQ== x").unwrap_err().contains("not a u32"));
        assert!(parse_tiktoken("IQ== 0\nIQ== 1")
            .unwrap_err()
            .contains("twice"));
    }
}
