//! The words of a word list one edit apart: one character inserted, deleted
//! or replaced, or two adjacent characters swapped (Damerau's edits).

use std::collections::HashMap;

/// Every word of `words` with the other words one edit away from it,
/// sorted; a word with none has an empty list.
///
/// Two words one edit apart share a deletion (a word with one character
/// removed) or one is a deletion of the other. So every word's deletions
/// are indexed, and only words that meet there are compared, instead of
/// every pair: the symmetric-delete method of spelling correctors.
pub fn neighbours<'w>(words: impl IntoIterator<Item = &'w str>) -> HashMap<String, Vec<String>> {
    let mut words: Vec<&str> = words.into_iter().collect();
    words.sort_unstable();
    words.dedup();
    let id: HashMap<&str, u32> = words.iter().zip(0..).map(|(w, i)| (*w, i)).collect();

    // deletion → the words it is a deletion of (each once).
    let mut sharing: HashMap<String, Vec<u32>> = HashMap::new();
    for (word, i) in words.iter().zip(0..) {
        for deletion in deletions(word) {
            let ids = sharing.entry(deletion).or_default();
            if ids.last() != Some(&i) {
                ids.push(i);
            }
        }
    }

    let mut candidates: Vec<u32> = Vec::new();
    words
        .iter()
        .map(|word| {
            candidates.clear();
            for deletion in deletions(word) {
                candidates.extend(id.get(deletion.as_str()));
                candidates.extend(sharing.get(&deletion).into_iter().flatten());
            }
            candidates.extend(sharing.get(*word).into_iter().flatten());
            candidates.sort_unstable();
            candidates.dedup();
            let near = candidates
                .iter()
                .map(|&i| words[i as usize])
                .filter(|other| one_edit_apart(word, other))
                .map(str::to_owned)
                .collect();
            ((*word).to_owned(), near)
        })
        .collect()
}

/// `word` with each of its characters removed in turn.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices()
        .map(move |(at, c)| [&word[..at], &word[at + c.len_utf8()..]].concat())
}

/// Whether `b` is `a` with one character inserted, deleted or replaced, or
/// two adjacent characters swapped (and so differs from `a`).
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    match long.len() - short.len() {
        // Replaced or swapped at the first difference, the rest equal.
        0 if prefix < short.len() => {
            let rest = prefix + 1;
            short[rest..] == long[rest..]
                || (rest < short.len()
                    && short[prefix] == long[rest]
                    && short[rest] == long[prefix]
                    && short[rest + 1..] == long[rest + 1..])
        }
        // Inserted at the first difference.
        1 => short[prefix..] == long[prefix + 1..],
        _ => false,
    }
}
