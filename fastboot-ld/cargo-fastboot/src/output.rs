//! Writing results without ever exposing a partial file: everything is
//! written to a temporary file beside its destination, then renamed
//! (fastboot-core's atomic writer, which also flushes it to disk), and
//! temporary files named for a child process to write.

use std::ffi::OsString;
use std::fs::{self, Permissions};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use fastboot_core::__private::write_atomically as write_file_atomically;

use crate::error::{Error, Result};

/// Distinguishes the temporary files of one process.
static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temporary file beside its destination, removed when dropped unless
/// it was [persisted](TempFile::persist).
#[derive(Debug)]
pub struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// A fresh temporary path in `target`'s directory, named after it and
    /// `tag`. Nothing is created yet.
    pub fn beside(target: &Path, tag: &str) -> Self {
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut name = OsString::from(".");
        name.push(target.file_name().unwrap_or_else(|| "fastboot".as_ref()));
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        name.push(format!(".{tag}.{}-{n}.tmp", std::process::id()));
        TempFile {
            path: dir.join(name),
        }
    }

    /// The temporary path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Gives the file `permissions` (if any) and renames it to `target`.
    pub fn persist(self, target: &Path, permissions: Option<Permissions>) -> Result<()> {
        if let Some(permissions) = permissions {
            fs::set_permissions(&self.path, permissions).map_err(Error::at(&self.path))?;
        }
        fs::rename(&self.path, target).map_err(Error::at(target))
        // Dropping `self` now finds nothing to remove.
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Writes `bytes` to `target` atomically, with `permissions` if given.
pub fn write_atomically(
    target: &Path,
    bytes: &[u8],
    permissions: Option<Permissions>,
) -> Result<()> {
    write_file_atomically(target, bytes, permissions).map_err(Error::at(target))
}

/// The permissions of the file at `path`.
pub fn permissions_of(path: &Path) -> Result<Permissions> {
    Ok(fs::metadata(path).map_err(Error::at(path))?.permissions())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn writes_atomically_with_permissions_and_leaves_no_temp() {
        let dir = std::env::temp_dir().join(format!("fastboot-ld-output-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("app");
        write_atomically(&target, b"one", Some(Permissions::from_mode(0o751))).unwrap();
        write_atomically(&target, b"two", None).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            1,
            "a temporary file was left"
        );
        fs::remove_dir_all(&dir).unwrap();
        // The second write did not ask for permissions: it got the default.
        assert_ne!(mode, 0o751);
    }

    #[test]
    fn a_dropped_temp_file_is_removed() {
        let target = std::env::temp_dir().join(format!("fastboot-ld-drop-{}", std::process::id()));
        let temp = TempFile::beside(&target, "x");
        fs::write(temp.path(), b"partial").unwrap();
        let path = temp.path().to_owned();
        drop(temp);
        assert!(!path.exists());
        let relative = TempFile::beside(Path::new("app"), "t");
        assert_eq!(relative.path().parent(), Some(Path::new(".")));
    }
}
