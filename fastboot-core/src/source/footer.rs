//! A snapshot appended to the executable, located by a footer at its end.

use std::io::{Read, Seek, SeekFrom};

use super::{Candidate, SnapshotError};
use crate::format::footer::{self, Footer};
use crate::os;
use crate::report::Origin;

/// Maps the snapshot appended to the running executable, if there is one.
pub(crate) fn find() -> Result<Option<Candidate>, SnapshotError> {
    let fail = SnapshotError::io;
    let mut file = os::open_executable().map_err(fail(Origin::Footer))?;
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
    // SAFETY: the file is the very executable this process runs (even if its
    // path has since been replaced), which the operating system refuses to
    // open for writing while it runs (ETXTBSY on Linux), so the mapped bytes
    // cannot change or shrink; the range lies inside the file (checked by
    // `decode`).
    let bytes = unsafe { os::map(&file, offset, len) }.map_err(fail(Origin::Footer))?;
    Ok(Some(Candidate {
        bytes,
        origin: Origin::Footer,
        conventional: false,
    }))
}
