//! A standalone snapshot file: named by `FASTBOOT_SNAPSHOT`, or `<exe>.snap`
//! beside the executable.

use std::path::PathBuf;

use super::Candidate;
use crate::config;
use crate::format::HEADER_LEN;
use crate::os;
use crate::report::Origin;

/// Maps the snapshot file, if one is named or sits beside the executable.
///
/// A file named by `FASTBOOT_SNAPSHOT` that cannot be opened is an error; a
/// missing `<exe>.snap` is not.
pub fn find() -> Result<Option<Candidate>, String> {
    let (path, named) = match config::snapshot_path() {
        Some(path) => (PathBuf::from(path), true),
        None => match beside_executable() {
            Some(path) => (path, false),
            None => return Ok(None),
        },
    };
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    // Without blocking, so that a FIFO named by mistake is rejected below.
    let file = match os::open_untrusted(&path) {
        Ok(file) => file,
        Err(e) if !named && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(e)),
    };
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(format!("{}: not a regular file", path.display()));
    }
    let len = usize::try_from(meta.len()).map_err(|_| format!("{}: too large", path.display()))?;
    if len < HEADER_LEN {
        return Err(format!(
            "{}: too short to be a snapshot ({len} bytes)",
            path.display()
        ));
    }
    // SAFETY: the mapping covers the length just read (at least a header, so
    // not empty). Its contents are untrusted:
    // the header and table are checked when parsed, and each entry
    // (checksum, then rkyv validation) before it is first used. What no
    // check can cover is another process changing the file while it is
    // mapped: a private mapping still shows others' writes to the pages
    // this process has not written (it writes none), so a file rewritten in
    // place could change bytes after they were validated, and a file
    // truncated in place raises SIGBUS on access. memmap2 leaves this to
    // the caller; here it is the contract of snapshot files: they are
    // replaced, never rewritten in place (the freeze run writes a new file
    // and renames it over the old one, leaving existing mappings intact).
    let bytes = unsafe { os::map(&file, 0, len) }.map_err(fail)?;
    Ok(Some((bytes, Origin::File(path))))
}

/// `<exe>.snap`, the conventional place for a program's snapshot file.
fn beside_executable() -> Option<PathBuf> {
    let mut path = std::env::current_exe().ok()?.into_os_string();
    path.push(".snap");
    Some(path.into())
}
