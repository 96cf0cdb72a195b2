//! Why bytes are not a usable snapshot.

use std::fmt;

use super::layout::{ARCHIVE_ABI, FORMAT_VERSION, HEADER_LEN, MAX_PRODUCER_LEN};

/// Why a byte string is not a usable snapshot. Each variant displays as one
/// short sentence fit for a diagnostic line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// Shorter than the fixed header.
    TooShort {
        /// Bytes available.
        len: usize,
    },
    /// The magic bytes are wrong: this is not a snapshot.
    BadMagic,
    /// Written in a format version this build cannot read.
    UnsupportedVersion {
        /// Version in the snapshot.
        found: u32,
    },
    /// Written with another rkyv layout.
    ArchiveAbi {
        /// ABI tag in the snapshot.
        found: u32,
    },
    /// The header claims more bytes than there are.
    Truncated {
        /// Length the header declares.
        declared: u64,
        /// Bytes available.
        actual: usize,
    },
    /// Header, table or names were altered.
    Checksum,
    /// The header or table is inconsistent; the message says how.
    Malformed(String),
    /// Two entries share a name (writer only).
    DuplicateName(String),
    /// The producer id does not fit in the header (writer only).
    ProducerTooLong(usize),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort { len } => {
                write!(
                    f,
                    "too short to be a snapshot ({len} bytes, header needs {HEADER_LEN})"
                )
            }
            Self::BadMagic => f.write_str("not a fastboot snapshot (bad magic)"),
            Self::UnsupportedVersion { found } => write!(
                f,
                "snapshot format version {found}, this fastboot reads version {FORMAT_VERSION}"
            ),
            Self::ArchiveAbi { found } => write!(
                f,
                "archived with another rkyv layout (tag {found:#x}, expected {ARCHIVE_ABI:#x})"
            ),
            Self::Truncated { declared, actual } => {
                write!(
                    f,
                    "truncated: header declares {declared} bytes, only {actual} present"
                )
            }
            Self::Checksum => f.write_str("header or entry table is corrupt (checksum mismatch)"),
            Self::Malformed(why) => write!(f, "malformed: {why}"),
            Self::DuplicateName(name) => write!(f, "two entries are named `{name}`"),
            Self::ProducerTooLong(len) => {
                write!(
                    f,
                    "producer id is {len} bytes, at most {MAX_PRODUCER_LEN} fit"
                )
            }
        }
    }
}

impl std::error::Error for FormatError {}

pub(super) fn malformed(why: String) -> FormatError {
    FormatError::Malformed(why)
}
