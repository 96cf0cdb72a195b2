//! Writing a file so that readers see either its old contents or its
//! complete new ones: the bytes go to a temporary file beside it, which is
//! flushed to disk and renamed over it, or removed if anything fails.

use std::ffi::OsString;
use std::fs::{self, File, Permissions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// A file being written in place of `target`; see the module docs.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates the temporary file beside `target`, readable and writable.
    pub fn create(target: &Path) -> io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut name = OsString::from(".");
        name.push(target.file_name().unwrap_or("fastboot".as_ref()));
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        name.push(format!(".{}-{n}.tmp", std::process::id()));
        let temp = dir.join(name);
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&temp)?;
        Ok(AtomicFile {
            target: target.to_owned(),
            temp,
            file: Some(file),
        })
    }

    /// The file to write to.
    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("open until committed")
    }

    /// The file opened once more, readable and writable, with a position
    /// of its own.
    pub fn open_again(&self) -> io::Result<File> {
        File::options().read(true).write(true).open(&self.temp)
    }

    /// Flushes the file to disk, gives it `permissions` (if any) and
    /// renames it to the target.
    pub fn commit(mut self, permissions: Option<Permissions>) -> io::Result<()> {
        {
            // Closed at the end of this block, before the rename.
            let file = self.file.take().expect("open until committed");
            file.sync_all()?;
            if let Some(permissions) = permissions {
                file.set_permissions(permissions)?;
            }
        }
        fs::rename(&self.temp, &self.target)
        // Dropping `self` now removes nothing: the temporary file is gone.
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.temp);
    }
}

/// Writes `bytes` to `target` atomically, with `permissions` if given.
pub fn write(target: &Path, bytes: &[u8], permissions: Option<Permissions>) -> io::Result<()> {
    let mut file = AtomicFile::create(target)?;
    io::Write::write_all(file.file(), bytes)?;
    file.commit(permissions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("fastboot-atomic-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_committed_file_replaces_the_target_and_leaves_nothing_else() {
        let dir = scratch("commit");
        let target = dir.join("app.snap");
        write(&target, b"one", None).unwrap();
        write(&target, b"two", None).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"two");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_abandoned_file_is_removed_and_the_target_kept() {
        let dir = scratch("abandon");
        let target = dir.join("app.snap");
        write(&target, b"old", None).unwrap();
        let mut file = AtomicFile::create(&target).unwrap();
        io::Write::write_all(file.file(), b"partial").unwrap();
        drop(file);
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
