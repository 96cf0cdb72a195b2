//! Byte-pair encoding of one piece of text, as tiktoken does it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The length from which a piece is merged with a heap, as tiktoken does:
/// the simple loop is quadratic in the piece's length, and faster below.
const LONG_PIECE: usize = 100;

/// Appends to `out` the ranks of the tokens `piece` encodes to: starting
/// from its bytes, merge the adjacent pair whose concatenation has the
/// lowest rank (the leftmost of equals) until no adjacent pair is a token.
///
/// `rank` looks a byte string up; every single byte must be a token.
pub(crate) fn encode_piece(piece: &[u8], rank: impl Fn(&[u8]) -> Option<u32>, out: &mut Vec<u32>) {
    if piece.len() == 1 {
        out.push(token(&rank, piece));
    } else if piece.len() < LONG_PIECE {
        encode_short(piece, rank, out);
    } else {
        encode_long(piece, rank, out);
    }
}

/// The rank of `bytes`, which the merges made: a token.
fn token(rank: impl Fn(&[u8]) -> Option<u32>, bytes: &[u8]) -> u32 {
    rank(bytes)
        .unwrap_or_else(|| panic!("{bytes:?} is not a token: the ranks are not a BPE vocabulary"))
}

/// [`encode_piece`] for a piece of 2 bytes or more, by scanning for the
/// lowest rank after each merge.
fn encode_short(piece: &[u8], rank: impl Fn(&[u8]) -> Option<u32>, out: &mut Vec<u32>) {
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
    out.extend(
        parts
            .windows(2)
            .map(|w| token(&rank, &piece[w[0].0..w[1].0])),
    );
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

/// What [`encode_long`] knows of the part starting at a byte.
struct Part {
    /// Where the part before it starts.
    prev: usize,
    /// Where it ends.
    end: usize,
    /// Where the part after it ends.
    next_end: usize,
    /// The rank of it merged with the part after it (`u32::MAX`: none).
    next_rank: u32,
    /// Its own rank, once it is a merge (`u32::MAX`: a single byte).
    cur_rank: u32,
}

/// [`encode_piece`] for a long piece: the possible merges in a heap,
/// lowest rank then leftmost first, those made stale by a merge skipped
/// when they come out.
fn encode_long(piece: &[u8], rank: impl Fn(&[u8]) -> Option<u32>, out: &mut Vec<u32>) {
    let n = piece.len();
    let mut parts: Vec<Part> = (0..n)
        .map(|i| Part {
            prev: i.wrapping_sub(1),
            end: i + 1,
            next_end: i + 2,
            next_rank: u32::MAX,
            cur_rank: u32::MAX,
        })
        .collect();
    let mut heap = BinaryHeap::with_capacity(n);
    // Records that the part at `start` is followed by one ending at
    // `next_end`, and the merge of the two if it is a token.
    let follow = |parts: &mut [Part], heap: &mut BinaryHeap<_>, start: usize, next_end: usize| {
        parts[start].next_end = next_end;
        parts[start].next_rank = u32::MAX;
        if let Some(r) = piece.get(start..next_end).and_then(&rank) {
            heap.push(Reverse((r, start)));
            parts[start].next_rank = r;
        }
    };
    for start in 0..n - 1 {
        follow(&mut parts, &mut heap, start, start + 2);
    }
    while let Some(Reverse((r, left))) = heap.pop() {
        if r != parts[left].next_rank {
            continue; // stale: a merge changed this part or its neighbour
        }
        let right = parts[left].end;
        let right_end = parts[left].next_end;
        let right_next_end = parts[right].next_end;
        parts[left].cur_rank = r;
        parts[left].end = right_end;
        follow(&mut parts, &mut heap, left, right_next_end);
        if right_end < n {
            parts[right_end].prev = left;
        }
        if left > 0 {
            let prev = parts[left].prev;
            follow(&mut parts, &mut heap, prev, right_end);
        }
        parts[right].next_rank = u32::MAX;
    }
    let mut i = 0;
    while i < n {
        out.push(match parts[i].cur_rank {
            u32::MAX => token(&rank, &piece[i..parts[i].end]),
            merged => merged,
        });
        i = parts[i].end;
    }
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

    #[test]
    fn long_pieces_merge_as_short_ones_do() {
        let ranks = crate::cl100k_ranks();
        let rank = |b: &[u8]| ranks.get(b).map(|r| r.to_native());
        // Deterministic pieces of 2 to 300 bytes over a few letters.
        let mut seed = 1u32;
        for len in 2..300 {
            let piece: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    b"aabcdeilnorst"[(seed >> 16) as usize % 13]
                })
                .collect();
            let (mut short, mut long) = (Vec::new(), Vec::new());
            encode_short(&piece, rank, &mut short);
            encode_long(&piece, rank, &mut long);
            assert_eq!(short, long, "{:?}", String::from_utf8_lossy(&piece));
        }
    }
}
