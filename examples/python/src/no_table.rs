//! No table: the module without its frozen static (the `frozen` feature
//! off), the floor of the import-time benchmark.

/// Nothing to thaw.
pub fn init() {}

/// Always `None`: there is no word list.
pub fn lookup(_word: &str) -> Option<Vec<&'static str>> {
    None
}

/// No words.
pub fn words() -> Vec<&'static str> {
    Vec::new()
}

/// No frozen statics.
pub fn report() -> Vec<(&'static str, String)> {
    Vec::new()
}
