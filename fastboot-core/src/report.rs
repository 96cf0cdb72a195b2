//! How each frozen static's value was obtained.

use std::fmt;
use std::path::PathBuf;

use crate::registry;
use crate::source::SnapshotError;

/// Where a thawed value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// The executable's own `fastboot` section, mapped by the loader.
    Section,
    /// A snapshot appended to the executable, found through its footer.
    Footer,
    /// A standalone snapshot file.
    File(PathBuf),
}

impl Origin {
    /// Whether bytes from this origin are part of the executable, and so as
    /// trusted as its code. Other bytes are validated before use.
    pub fn is_embedded(&self) -> bool {
        matches!(self, Origin::Section | Origin::Footer)
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Section => f.write_str("the executable's fastboot section"),
            Origin::Footer => f.write_str("the snapshot appended to the executable"),
            Origin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// Why a value was computed instead of thawed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// `FASTBOOT=off`.
    Disabled,
    /// Snapshots cannot be thawed on this target: every value is computed.
    Unsupported,
    /// No snapshot was found: none embedded, none named, none beside the
    /// executable.
    NoSnapshot,
    /// A snapshot was found but cannot be used.
    Unusable(SnapshotError),
    /// The snapshot has no entry of this name.
    Missing,
    /// The snapshot's entry was frozen from another definition or type.
    Stale,
    /// The entry's data failed its checks.
    Invalid(InvalidData),
    /// Computed by a freeze run (`FASTBOOT_FREEZE`).
    Freezing,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Disabled => f.write_str("disabled by FASTBOOT=off"),
            Reason::Unsupported => f.write_str("no snapshot support on this target"),
            Reason::NoSnapshot => f.write_str("no snapshot found"),
            Reason::Unusable(why) => write!(f, "snapshot unusable: {why}"),
            Reason::Missing => f.write_str("not in the snapshot"),
            Reason::Stale => f.write_str(
                "stale: the snapshot's entry was frozen from another definition or type",
            ),
            Reason::Invalid(why) => write!(f, "invalid data: {why}"),
            Reason::Freezing => f.write_str("computed for a freeze run"),
        }
    }
}

/// Why an entry's data failed its checks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidData {
    /// Not aligned in memory as its archived type needs.
    Misaligned {
        /// The alignment needed.
        align: usize,
    },
    /// Too short to hold the archived root.
    TooShort {
        /// Bytes available.
        len: usize,
        /// Size of the archived root.
        root: usize,
    },
    /// Changed since it was written.
    Checksum,
    /// rkyv's validation rejected it; the message says why.
    Rejected(String),
}

impl fmt::Display for InvalidData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Misaligned { align } => write!(f, "data not aligned to {align} bytes in memory"),
            Self::TooShort { len, root } => {
                write!(f, "{len} bytes cannot hold a root of {root} bytes")
            }
            Self::Checksum => f.write_str("checksum mismatch"),
            Self::Rejected(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for InvalidData {}

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
