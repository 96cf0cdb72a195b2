//! Checking that freezing is reproducible: two freeze runs of one binary,
//! the second in a [varied environment](VARIED_ENVIRONMENT), must write the
//! same snapshot. When they do not, or the second fails, some entry's value
//! depends on something other than the code: the time, the machine's
//! state, randomness.

use std::path::Path;

use super::embed;
use crate::error::{Error, Result};

/// What the second freeze run changes in the environment: what a frozen
/// value must not depend on, for it is computed on the build machine and
/// used on every other. A value that reads the home directory, the user,
/// the time zone or the locale is named; one that fails without them (a
/// home directory that does not exist) is named too. The clock cannot be
/// moved without privileges; a value that reads it is caught when it
/// differs between the two runs (to the nanosecond, or the second).
pub const VARIED_ENVIRONMENT: [(&str, &str); 6] = [
    ("HOME", "/nonexistent/fastboot-check-reproducible"),
    ("USER", "fastboot-check-reproducible"),
    ("LOGNAME", "fastboot-check-reproducible"),
    // Fourteen hours ahead of UTC, the farthest any place is.
    ("TZ", "CHECK-14"),
    ("LANG", "tr_TR.UTF-8"),
    ("FASTBOOT_CHECK_REPRODUCIBLE_UNRELATED", "1"),
];

/// The error for a second freeze run that failed (with `detail`) in the
/// varied environment: it names the first entry of the first run's
/// snapshot `first` that it did not freeze, if any.
pub fn failed_in_varied_environment(first: &Path, frozen: &[String], detail: String) -> Error {
    let entry = std::fs::read(first).ok().and_then(|bytes| {
        let snapshot = embed::parse(first, &bytes).ok()?;
        let name = snapshot
            .entries()
            .map(|e| e.name)
            .find(|name| !frozen.iter().any(|f| f == name))?;
        Some(name.to_owned())
    });
    Error::FailsInVariedEnvironment { entry, detail }
}

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
