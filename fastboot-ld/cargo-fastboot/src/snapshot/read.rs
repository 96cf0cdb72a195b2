//! Finding the snapshot in a file, for inspection: a snapshot file, or an
//! executable's section or appended snapshot (in the order a program looks
//! for them).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use fastboot_core::contract::BuildId;
use fastboot_core::format::footer::{self, Footer};
use fastboot_core::format::{producer_in_header, Snapshot, HEADER_LEN, MAGIC};
use fastboot_core::Origin;

use super::{appended, embed};
use crate::error::{Error, Result};
use crate::exe::{Executable, Format, Info};

/// A snapshot read from a file, and where it was in that file.
#[derive(Debug, Clone)]
pub struct Located {
    /// The file it was read from.
    pub path: PathBuf,
    /// Where in that file, as the program would say where it thawed from
    /// (a snapshot file is `Origin::File`).
    pub origin: Origin,
    /// Its offset in the file.
    pub offset: u64,
    /// The snapshot's bytes (a section's bytes may run past its end).
    pub bytes: Vec<u8>,
    /// For an executable: its build-id, if it has one.
    pub binary_build_id: Option<BuildId>,
}

impl Located {
    /// The parsed snapshot.
    pub fn snapshot(&self) -> Result<Snapshot<'_>> {
        embed::parse(&self.path, &self.bytes)
    }

    /// Where it is, for people: the origin and the file offset.
    pub fn place(&self) -> String {
        let offset = self.offset;
        match self.origin {
            Origin::Section => format!("fastboot section (file offset {offset:#x})"),
            Origin::Footer => format!("appended, with a footer (file offset {offset:#x})"),
            _ => "snapshot file".to_owned(),
        }
    }
}

/// Reads the snapshot in `path`: a snapshot file, or the one embedded in
/// an executable (its section first, then an appended one).
pub fn read_snapshot(path: &Path) -> Result<Located> {
    let bytes = std::fs::read(path).map_err(Error::at(path))?;
    if Format::detect(&bytes).is_none() {
        if !bytes.starts_with(&MAGIC) {
            return Err(Error::Other(format!(
                "{}: neither an executable nor a fastboot snapshot",
                path.display()
            )));
        }
        return Ok(Located {
            path: path.to_owned(),
            origin: Origin::File(path.to_owned()),
            offset: 0,
            bytes,
            binary_build_id: None,
        });
    }
    let exe = Executable::from_bytes(path, bytes)?;
    let found = |origin, offset, bytes: &[u8]| Located {
        path: path.to_owned(),
        origin,
        offset,
        bytes: bytes.to_vec(),
        binary_build_id: exe.info.build_id,
    };
    if let (Some(section), Some(contents)) = (exe.info.section, exe.section_bytes()) {
        if contents.starts_with(&MAGIC) {
            return Ok(found(Origin::Section, section.offset, contents));
        }
    }
    match appended::snapshot(&exe.bytes) {
        Some((footer, contents)) => Ok(found(Origin::Footer, footer.offset, contents)),
        None => Err(Error::NoSnapshot(path.to_owned())),
    }
}

/// The producer recorded in the header of the snapshot that the program at
/// `path` (whose facts are `info`) finds first in itself: in its section,
/// else appended. Only that header and the footer are read, not the
/// snapshot (the program checks the rest when it thaws). `None` if it
/// holds no snapshot, or cannot be read.
pub fn embedded_producer(path: &Path, info: &Info) -> Option<Vec<u8>> {
    let mut file = File::open(path).ok()?;
    if let Some(section) = info.section.filter(|s| s.size >= HEADER_LEN as u64) {
        let header: [u8; HEADER_LEN] = read_at(&mut file, section.offset)?;
        if header.starts_with(&MAGIC) {
            return producer_in_header(&header).map(<[u8]>::to_vec);
        }
    }
    let len = file.metadata().ok()?.len();
    let raw: [u8; footer::LEN] = read_at(&mut file, len.checked_sub(footer::LEN as u64)?)?;
    let found = Footer::decode(&raw, len)?;
    let header: [u8; HEADER_LEN] = read_at(&mut file, found.offset)?;
    producer_in_header(&header).map(<[u8]>::to_vec)
}

/// The `N` bytes of `file` at `offset`, if it has them.
fn read_at<const N: usize>(file: &mut File, offset: u64) -> Option<[u8; N]> {
    let mut bytes = [0u8; N];
    file.seek(SeekFrom::Start(offset)).ok()?;
    file.read_exact(&mut bytes).ok()?;
    Some(bytes)
}
