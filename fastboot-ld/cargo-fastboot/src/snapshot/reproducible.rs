//! Checking that freezing is reproducible: two freeze runs of one binary
//! must write the same snapshot. When they do not, some entry's value
//! depends on something other than the code.

use std::path::Path;

use super::embed;
use crate::error::{Error, Result};

/// Compares the snapshot files `first` and `second`, written by two freeze
/// runs of one binary: an error naming every entry whose archive differs.
pub fn compare(first: &Path, second: &Path) -> Result<()> {
    let read = |path: &Path| std::fs::read(path).map_err(Error::at(path));
    let (first_bytes, second_bytes) = (read(first)?, read(second)?);
    if first_bytes == second_bytes {
        return Ok(());
    }
    let a = embed::parse(first, &first_bytes)?;
    let b = embed::parse(second, &second_bytes)?;
    let mut differ: Vec<String> = a
        .entries()
        .filter(|entry| {
            b.find(entry.name)
                .is_none_or(|other| other.bytes != entry.bytes)
        })
        .map(|entry| entry.name.to_owned())
        .collect();
    differ.extend(
        b.entries()
            .filter(|entry| a.find(entry.name).is_none())
            .map(|entry| entry.name.to_owned()),
    );
    Err(Error::NotReproducible(differ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fastboot_core::format::{self, EntryData};

    #[test]
    fn the_entries_that_differ_are_named() {
        let dir = std::env::temp_dir().join(format!("fastboot-ld-repro-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let write = |name: &str, clock: &[u8]| {
            let entries = [
                EntryData {
                    name: "app::stable",
                    fingerprint: 1,
                    bytes: b"same",
                },
                EntryData {
                    name: "app::clock",
                    fingerprint: 2,
                    bytes: clock,
                },
            ];
            let path = dir.join(name);
            std::fs::write(&path, format::write(b"id", &entries).unwrap()).unwrap();
            path
        };
        let (a, b, c) = (
            write("a", b"12:00"),
            write("b", b"12:00"),
            write("c", b"12:01"),
        );
        compare(&a, &b).unwrap();
        let err = compare(&a, &c).unwrap_err();
        assert!(matches!(&err, Error::NotReproducible(names) if names == &["app::clock"]));
        assert!(
            err.to_string().contains("time, environment, randomness"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
