//! Hunspell's classes of capitalization, and the case mappings it tries.

/// How a word is capitalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Casing {
    /// No uppercase letter: `walk`, `1st`.
    Lower,
    /// Only the first letter is uppercase: `Walk`.
    Title,
    /// Uppercase letters and no lowercase one: `WALK`, `NASA'S`.
    Upper,
    /// Mixed, starting lowercase: `iPhone`.
    Camel,
    /// Mixed, starting uppercase: `McDonald`.
    Pascal,
}

/// Classifies `word` by its uppercase and lowercase letters.
pub fn classify(word: &str) -> Casing {
    let upper = word.chars().filter(|c| c.is_uppercase()).count();
    let lower = word.chars().filter(|c| c.is_lowercase()).count();
    let first_upper = word.chars().next().is_some_and(char::is_uppercase);
    match (upper, lower, first_upper) {
        (0, _, _) => Casing::Lower,
        (1, _, true) => Casing::Title,
        (_, 0, _) => Casing::Upper,
        (_, _, true) => Casing::Pascal,
        (_, _, false) => Casing::Camel,
    }
}

/// `word` with its first character uppercase and the others lowercase.
pub fn titlecase(word: &str) -> String {
    let mut chars = word.chars();
    let mut title: String = chars
        .next()
        .into_iter()
        .flat_map(char::to_uppercase)
        .collect();
    title.extend(chars.flat_map(char::to_lowercase));
    title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for (word, casing) in [
            ("walk", Casing::Lower),
            ("1st", Casing::Lower),
            ("Walk", Casing::Title),
            ("W", Casing::Title),
            ("WALK", Casing::Upper),
            ("NASA'S", Casing::Upper),
            ("iPhone", Casing::Camel),
            ("McDonald", Casing::Pascal),
        ] {
            assert_eq!(classify(word), casing, "{word}");
        }
    }

    #[test]
    fn titlecase_maps_each_character() {
        assert_eq!(titlecase("mcDONALD"), "Mcdonald");
        assert_eq!(titlecase("ßa"), "SSa");
        assert_eq!(titlecase(""), "");
    }
}
