//! What Linux and macOS share: opening a snapshot file.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Opens `path` for reading without blocking, so that a FIFO named by
/// mistake is rejected by its type rather than waited on forever.
pub(crate) fn open_untrusted(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}
