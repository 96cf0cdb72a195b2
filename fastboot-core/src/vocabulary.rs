//! The words of fastboot's reports and errors: where a snapshot came from
//! ([`Origin`]), why a value was computed instead of thawed ([`Reason`]),
//! what was wrong with its bytes ([`InvalidData`]) or with a snapshot found
//! ([`SnapshotError`]). The modules that thaw and locate snapshots use
//! them, and `report` shows them; this module depends on none of those.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::format::FormatError;

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
    /// Its row in the snapshot's table is malformed.
    Row(FormatError),
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
            Self::Row(error) => write!(f, "its row: {error}"),
        }
    }
}

impl std::error::Error for InvalidData {}

/// Why a snapshot that was found cannot be used. Each variant displays as
/// one line naming where the snapshot was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotError {
    /// Reading it failed.
    Io {
        /// Where it was.
        origin: Origin,
        /// What kind of error.
        kind: io::ErrorKind,
        /// The operating system's error code, if any.
        code: Option<i32>,
    },
    /// Named as a snapshot file, but not a regular file (a directory, a
    /// FIFO, a device): never read, so never waited on.
    NotAFile(PathBuf),
    /// Longer than this process can map.
    TooLarge(Origin),
    /// An appended snapshot's footer gives an offset that is not a multiple
    /// of 16.
    Misaligned {
        /// The offset.
        offset: u64,
    },
    /// The bytes are not a usable snapshot.
    Format {
        /// Where they were.
        origin: Origin,
        /// What is wrong with them.
        error: FormatError,
    },
    /// This program has no identity (GNU build-id, CodeView record or
    /// `LC_UUID`) to match it against.
    NoIdentity(Origin),
    /// Written by another program (or another build of this one).
    Foreign {
        /// Where it was.
        origin: Origin,
        /// The identity of the program that wrote it (hex).
        producer: String,
        /// This program's (hex).
        ours: String,
    },
}

impl SnapshotError {
    /// An I/O error while reading from `origin`.
    pub(crate) fn io(origin: Origin) -> impl FnOnce(io::Error) -> Self {
        move |error| SnapshotError::Io {
            origin,
            kind: error.kind(),
            code: error.raw_os_error(),
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { origin, kind, code } => {
                let error =
                    code.map_or_else(|| io::Error::from(*kind), io::Error::from_raw_os_error);
                write!(f, "{origin}: {error}")
            }
            Self::NotAFile(path) => write!(f, "{}: not a regular file", path.display()),
            Self::TooLarge(origin) => write!(f, "{origin}: too large to map"),
            Self::Misaligned { offset } => {
                write!(f, "{}: misaligned at offset {offset}", Origin::Footer)
            }
            Self::Format { origin, error } => write!(f, "{origin}: {error}"),
            Self::NoIdentity(origin) => write!(
                f,
                "{origin}: this binary has no {} to match it against",
                crate::os::IDENTITY
            ),
            Self::Foreign {
                origin,
                producer,
                ours,
            } => write!(
                f,
                "{origin}: produced by another binary (build-id {producer}, this binary is {ours})"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Format { error, .. } => Some(error),
            _ => None,
        }
    }
}
