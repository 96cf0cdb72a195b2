//! Every other target: no snapshot can be thawed, and every frozen static
//! is computed (`report()` says why). Nothing here is ever reached but
//! [`SUPPORTED`]; the functions exist so that the platform-neutral code
//! compiles unchanged.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

pub(crate) const SUPPORTED: bool = false;
pub(crate) const IDENTITY: &str = "identity";
pub(crate) const IDENTITY_HINT: &str = "no snapshot support on this target";

/// Nothing runs before `main` here: `fastboot::init()` handles a freeze or
/// verify run (which fails: snapshots are not supported).
pub(crate) static BEFORE_MAIN: () = ();

pub(crate) fn identity() -> Option<&'static [u8]> {
    None
}

pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    None
}

pub(crate) fn open_image() -> io::Result<File> {
    Err(io::ErrorKind::Unsupported.into())
}

pub(crate) fn image_path() -> io::Result<PathBuf> {
    Err(io::ErrorKind::Unsupported.into())
}

pub(crate) fn is_executable() -> bool {
    true
}

pub(crate) fn open_untrusted(_path: &Path) -> io::Result<File> {
    Err(io::ErrorKind::Unsupported.into())
}
