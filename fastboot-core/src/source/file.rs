//! A standalone snapshot file: named by `FASTBOOT_SNAPSHOT` (for the
//! executable only), or `<image>.snap` beside this image's file: the
//! executable's, or the shared library's.

use std::path::{Path, PathBuf};

use super::{Candidate, SnapshotError};
use crate::config;
use crate::format::{FormatError, HEADER_LEN};
use crate::os;
use crate::vocabulary::Origin;

/// Maps the snapshot file, if one is named or sits beside this image.
///
/// A file named by `FASTBOOT_SNAPSHOT` that cannot be opened is an error; a
/// missing `<image>.snap` is not. `FASTBOOT_SNAPSHOT` names the
/// executable's snapshot: a shared library never reads it (the program and
/// the libraries it loads would otherwise all be sent to one file).
pub(crate) fn find() -> Result<Option<Candidate>, SnapshotError> {
    let named = config::snapshot_path().filter(|_| os::is_executable());
    let (path, named) = match named {
        Some(path) => (PathBuf::from(path), true),
        None => match os::image_path() {
            Ok(image) => (beside(&image), false),
            Err(_) => return Ok(None),
        },
    };
    let origin = Origin::File(path.clone());
    let fail = |e: std::io::Error| SnapshotError::io(origin.clone())(e);
    // Without blocking, so that a FIFO named by mistake is rejected below.
    let file = match os::open_untrusted(&path) {
        Ok(file) => file,
        Err(e) if !named && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(e)),
    };
    let meta = file.metadata().map_err(fail)?;
    if !meta.is_file() {
        return Err(SnapshotError::NotAFile(path));
    }
    let len = usize::try_from(meta.len()).map_err(|_| SnapshotError::TooLarge(origin.clone()))?;
    if len < HEADER_LEN {
        return Err(SnapshotError::Format {
            origin,
            error: FormatError::TooShort { len },
        });
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
    Ok(Some(Candidate {
        bytes,
        origin,
        conventional: !named,
    }))
}

/// `<image>.snap`: where a program or library looks for its snapshot file
/// when none is named, and where `cargo fastboot` puts it.
pub fn beside(executable: &Path) -> PathBuf {
    let mut path = executable.as_os_str().to_owned();
    path.push(".snap");
    path.into()
}
