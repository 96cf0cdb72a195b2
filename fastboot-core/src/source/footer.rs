//! A snapshot appended to the executable, located by a footer at its end.

use std::io::{Read, Seek, SeekFrom};

use super::Candidate;
use crate::format::footer::{self, Footer};
use crate::os;
use crate::report::Origin;

/// Maps the snapshot appended to the running executable, if there is one.
pub fn find() -> Result<Option<Candidate>, String> {
    let fail = |e: std::io::Error| format!("reading the executable's footer: {e}");
    let mut file = os::open_executable().map_err(fail)?;
    let len = file.metadata().map_err(fail)?.len();
    let Some(at) = len.checked_sub(footer::LEN as u64) else {
        return Ok(None);
    };
    let mut raw = [0u8; footer::LEN];
    file.seek(SeekFrom::Start(at)).map_err(fail)?;
    file.read_exact(&mut raw).map_err(fail)?;
    let Some(Footer { offset, len }) = Footer::decode(&raw, len) else {
        return Ok(None);
    };
    if offset % 16 != 0 {
        return Err(format!("{}: misaligned at offset {offset}", Origin::Footer));
    }
    let len = usize::try_from(len).map_err(|_| format!("{}: too large", Origin::Footer))?;
    // SAFETY: the file is the very executable this process runs (even if its
    // path has since been replaced), which the operating system refuses to
    // open for writing while it runs (ETXTBSY on Linux), so the mapped bytes
    // cannot change or shrink; the range lies inside the file (checked by
    // `decode`).
    let bytes = unsafe { os::map(&file, offset, len) }.map_err(fail)?;
    Ok(Some((bytes, Origin::Footer)))
}
