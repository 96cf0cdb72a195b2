//! Why a snapshot that was found cannot be used.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::format::FormatError;
use crate::report::Origin;

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
