//! A snapshot appended to this image's file (the executable or the shared
//! library), located by a footer at its end.

use std::io::{Read, Seek, SeekFrom};

use super::{Candidate, SnapshotError};
use crate::format::footer::{self, Footer};
use crate::os;
use crate::vocabulary::Origin;

/// Maps the snapshot appended to this image's file, if there is one.
pub(crate) fn find() -> Result<Option<Candidate>, SnapshotError> {
    let fail = SnapshotError::io;
    let mut file = os::open_image().map_err(fail(Origin::Footer))?;
    let len = file.metadata().map_err(fail(Origin::Footer))?.len();
    let Some(at) = len.checked_sub(footer::LEN as u64) else {
        return Ok(None);
    };
    let mut raw = [0u8; footer::LEN];
    file.seek(SeekFrom::Start(at))
        .map_err(fail(Origin::Footer))?;
    file.read_exact(&mut raw).map_err(fail(Origin::Footer))?;
    let Some(Footer { offset, len }) = Footer::decode(&raw, len) else {
        return Ok(None);
    };
    if offset % 16 != 0 {
        return Err(SnapshotError::Misaligned { offset });
    }
    let len = usize::try_from(len).map_err(|_| SnapshotError::TooLarge(Origin::Footer))?;
    // SAFETY: the range lies inside the file (checked by `decode`), and the
    // file is the very image whose code is running. An executable: Linux
    // and Windows refuse to open it for writing while it runs (ETXTBSY, a
    // sharing violation), so the mapped bytes cannot change or shrink.
    // macOS does not refuse, but kills a program rewritten in place as soon
    // as it pages in code whose signature no longer matches, so executables
    // there are replaced (a new file renamed over the old one, which leaves
    // this mapping intact), never rewritten: the contract snapshot files
    // have everywhere. A shared library: Windows refuses too; elsewhere its
    // code is itself a private mapping of the file, so rewriting a loaded
    // library in place already breaks the process: libraries are replaced,
    // never rewritten (installers write a new file and rename it), the same
    // contract again.
    let bytes = unsafe { os::map(&file, offset, len) }.map_err(fail(Origin::Footer))?;
    Ok(Some(Candidate {
        bytes,
        origin: Origin::Footer,
        conventional: false,
    }))
}
