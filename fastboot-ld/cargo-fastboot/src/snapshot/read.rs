//! Finding the snapshot in a file, for inspection: a snapshot file, or an
//! executable's section or appended snapshot (in the order a program looks
//! for them).

use std::fmt;
use std::path::{Path, PathBuf};

use fastboot_core::__private::BuildId;
use fastboot_core::format::{Snapshot, MAGIC};

use super::{appended, embed};
use crate::error::{Error, Result};
use crate::exe::{Executable, Format};

/// Where a snapshot was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// A standalone snapshot file.
    File,
    /// An executable's `fastboot` section, at this file offset.
    Section {
        /// File offset of the section.
        offset: u64,
    },
    /// Appended to an executable, at this file offset.
    Footer {
        /// File offset of the snapshot.
        offset: u64,
    },
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::File => f.write_str("snapshot file"),
            Location::Section { offset } => {
                write!(f, "fastboot section (file offset {offset:#x})")
            }
            Location::Footer { offset } => {
                write!(f, "appended, with a footer (file offset {offset:#x})")
            }
        }
    }
}

/// A snapshot read from a file.
#[derive(Debug, Clone)]
pub struct Found {
    /// The file it was read from.
    pub path: PathBuf,
    /// Where in that file.
    pub location: Location,
    /// The snapshot's bytes (a section's bytes may run past its end).
    pub bytes: Vec<u8>,
    /// For an executable: its build-id, if it has one.
    pub binary_build_id: Option<BuildId>,
}

impl Found {
    /// The parsed snapshot.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        embed::parse(&self.path, &self.bytes)
    }
}

/// Reads the snapshot in `path`: a snapshot file, or the one embedded in
/// an executable (its section first, then an appended one).
pub fn read_snapshot(path: &Path) -> Result<Found> {
    let bytes = std::fs::read(path).map_err(Error::at(path))?;
    if Format::detect(&bytes).is_none() {
        if !bytes.starts_with(&MAGIC) {
            return Err(Error::Other(format!(
                "{}: neither an executable nor a fastboot snapshot",
                path.display()
            )));
        }
        return Ok(Found {
            path: path.to_owned(),
            location: Location::File,
            bytes,
            binary_build_id: None,
        });
    }
    let exe = Executable::from_bytes(path, bytes)?;
    let found = |location, bytes: &[u8]| Found {
        path: path.to_owned(),
        location,
        bytes: bytes.to_vec(),
        binary_build_id: exe.info.build_id,
    };
    if let (Some(section), Some(contents)) = (exe.info.section, exe.section_bytes()) {
        if contents.starts_with(&MAGIC) {
            let location = Location::Section {
                offset: section.offset,
            };
            return Ok(found(location, contents));
        }
    }
    match appended::snapshot(&exe.bytes) {
        Some((footer, contents)) => Ok(found(
            Location::Footer {
                offset: footer.offset,
            },
            contents,
        )),
        None => Err(Error::NoSnapshot(path.to_owned())),
    }
}
