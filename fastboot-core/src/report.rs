//! How each frozen static's value was obtained.

use std::fmt;

use crate::registry;
use crate::vocabulary::{Origin, Reason};

/// How one value was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// Accessed zero-copy from a snapshot.
    Thawed(Origin),
    /// Computed by running the function's body.
    Computed(Reason),
}

impl Outcome {
    /// Whether the value was thawed.
    pub fn is_thawed(&self) -> bool {
        matches!(self, Outcome::Thawed(_))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Thawed(origin) => write!(f, "thawed from {origin}"),
            Outcome::Computed(reason) => write!(f, "computed ({reason})"),
        }
    }
}

/// One frozen static and how its value was obtained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryReport {
    /// Stable name: module path and function name.
    pub name: &'static str,
    /// The version of the crate that defines it: what tells apart two
    /// entries of one name, from one crate linked in two versions.
    pub version: &'static str,
    /// `None` until the value is first accessed.
    pub outcome: Option<Outcome>,
}

/// Every frozen static of the program, sorted by name, with how its value
/// was obtained so far.
pub fn report() -> Vec<EntryReport> {
    registry::entries()
        .into_iter()
        .map(|entry| EntryReport {
            name: entry.name(),
            version: entry.version(),
            outcome: entry.outcome().cloned(),
        })
        .collect()
}
