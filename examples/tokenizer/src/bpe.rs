//! Byte-pair encoding of one piece of text, as tiktoken does it.

/// Appends to `out` the ranks of the tokens `piece` encodes to: starting
/// from its bytes, merge the adjacent pair whose concatenation has the
/// lowest rank (the leftmost of equals) until no adjacent pair is a token.
///
/// `rank` looks a byte string up; every single byte must be a token.
/// tiktoken runs this loop for pieces under 100 bytes and a heap-based
/// one, which makes the same merges in the same order, for longer ones;
/// this port runs the loop for all (quadratic in the piece's length).
pub(crate) fn encode_piece(piece: &[u8], rank: impl Fn(&[u8]) -> Option<u32>, out: &mut Vec<u32>) {
    let token = |bytes: &[u8]| {
        rank(bytes).unwrap_or_else(|| {
            panic!("{bytes:?} is not a token: the ranks are not a BPE vocabulary")
        })
    };
    if piece.len() == 1 {
        out.push(token(piece));
        return;
    }
    // parts[i]: where part i starts, and the rank of part i merged with
    // part i + 1 (`u32::MAX`: not a token). Two sentinels end it.
    let mut parts: Vec<(usize, u32)> = (0..piece.len() - 1)
        .map(|i| (i, rank(&piece[i..i + 2]).unwrap_or(u32::MAX)))
        .collect();
    parts.push((piece.len() - 1, u32::MAX));
    parts.push((piece.len(), u32::MAX));
    // The rank of parts i and i + 1 merged, once part i + 1 is gone.
    let merged_rank = |parts: &[(usize, u32)], i: usize| {
        parts
            .get(i + 3)
            .and_then(|&(end, _)| rank(&piece[parts[i].0..end]))
            .unwrap_or(u32::MAX)
    };
    while let Some((i, _)) = lowest(&parts) {
        if i > 0 {
            parts[i - 1].1 = merged_rank(&parts, i - 1);
        }
        parts[i].1 = merged_rank(&parts, i);
        parts.remove(i + 1);
    }
    out.extend(parts.windows(2).map(|w| token(&piece[w[0].0..w[1].0])));
}

/// The index and rank of the leftmost part with the lowest merge rank, if
/// any merge is possible.
fn lowest(parts: &[(usize, u32)]) -> Option<(usize, u32)> {
    let mut best: Option<(usize, u32)> = None;
    for (i, &(_, rank)) in parts[..parts.len() - 1].iter().enumerate() {
        if rank != u32::MAX && best.is_none_or(|(_, b)| rank < b) {
            best = Some((i, rank));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn encode(piece: &str, vocabulary: &[(&str, u32)]) -> Vec<u32> {
        let ranks: HashMap<&[u8], u32> =
            vocabulary.iter().map(|&(t, r)| (t.as_bytes(), r)).collect();
        let mut out = Vec::new();
        encode_piece(piece.as_bytes(), |b| ranks.get(b).copied(), &mut out);
        out
    }

    #[test]
    fn merges_the_lowest_rank_first_and_the_leftmost_of_equals() {
        let bytes = [("a", 0), ("b", 1), ("c", 2)];
        // "bc" ranks below "ab": a + bc, never ab + c.
        let vocabulary = [bytes.as_slice(), &[("bc", 3), ("ab", 4)]].concat();
        assert_eq!(encode("abc", &vocabulary), [0, 3]);
        // "aa" + "aa": the leftmost pair merges first, then the next.
        let vocabulary = [bytes.as_slice(), &[("aa", 5)]].concat();
        assert_eq!(encode("aaa", &vocabulary), [5, 0]);
        assert_eq!(encode("aaaa", &vocabulary), [5, 5]);
        assert_eq!(encode("b", &vocabulary), [1]);
        assert_eq!(encode("cab", &vocabulary), [2, 0, 1]);
    }
}
