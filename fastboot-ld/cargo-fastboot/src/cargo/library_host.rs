//! A host for shared libraries: this tool, run as a child process that
//! loads a library (`dlopen`, `LoadLibraryW`) as any program would. Loading
//! runs the library's initializers, where fastboot does a freeze or verify
//! run and exits the process: that is how `cargo fastboot freeze|verify`
//! and `build --lib` run a library, which has no `main` of its own.
//!
//! The tool links fastboot too (for the snapshot format), and its own
//! initializer runs before its `main`: the host is therefore handed the
//! fastboot variables as arguments, and sets them in its environment only
//! once started, just before loading the library.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::cargo::target_runner::Runner;
use crate::error::{Error, Result};

/// The hidden subcommand that makes this tool a library's host.
pub const LOAD_COMMAND: &str = "load-library";

/// A command that loads `library` in this tool's own host process, with
/// each `(name, value)` of `env` set just before loading. Only a library
/// built for this machine can be loaded here: one whose programs need
/// `runner` needs a host of its own target.
pub fn command(library: &Path, runner: &Runner, env: &[(&str, OsString)]) -> Result<Command> {
    if !runner.argv().is_empty() {
        return Err(Error::Other(format!(
            "{} is a shared library built for another target: load it in a host program of \
             that target with FASTBOOT_FREEZE=<file> (or FASTBOOT=verify) set",
            library.display()
        )));
    }
    let tool = std::env::current_exe().map_err(|e| Error::io("finding cargo-fastboot", e))?;
    let mut command = Command::new(tool);
    command.args(["fastboot", LOAD_COMMAND]).arg(library);
    for (name, value) in env {
        let mut pair = OsString::from(name);
        pair.push("=");
        pair.push(value);
        command.arg("--env").arg(pair);
    }
    Ok(command)
}

/// The host's work: sets each `NAME=VALUE` of `env`, then loads `library`.
/// Returns only if the library did not exit the process while loading
/// (no freeze or verify run happened): an error saying so.
pub fn load(library: &Path, env: &[OsString]) -> Result<()> {
    for pair in env {
        let text = pair.to_string_lossy();
        let (name, value) = text
            .split_once('=')
            .ok_or_else(|| Error::Other(format!("--env {text}: expected NAME=VALUE")))?;
        // Set while this process has one thread, before the library (the
        // only other reader) is loaded.
        std::env::set_var(name, value);
    }
    os::load(library)
        .map_err(|why| Error::Other(format!("loading {}: {why}", library.display())))?;
    Err(Error::Other(format!(
        "{} was loaded but did not exit: does it link fastboot, with frozen statics?",
        library.display()
    )))
}

#[cfg(unix)]
mod os {
    use std::ffi::{CStr, CString};
    use std::os::unix::ffi::OsStrExt;
    use std::path::Path;

    /// Loads `library` with `dlopen`, resolving every symbol now, and
    /// leaves it loaded.
    pub(super) fn load(library: &Path) -> Result<(), String> {
        // A name without a slash would be searched for in the system's
        // directories: this one names a file.
        let path = std::path::absolute(library).map_err(|e| e.to_string())?;
        let path = CString::new(path.as_os_str().as_bytes()).map_err(|e| e.to_string())?;
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        // Loading runs the library's initializers: code the user asked to
        // run, as any host loading it would.
        let handle = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW) };
        if handle.is_null() {
            // SAFETY: after a failed `dlopen`, `dlerror` returns a
            // NUL-terminated message (or null), valid until the next call.
            let message = unsafe { libc::dlerror() };
            return Err(if message.is_null() {
                "dlopen failed".to_owned()
            } else {
                // SAFETY: as above: non-null, NUL-terminated, not yet freed.
                unsafe { CStr::from_ptr(message) }
                    .to_string_lossy()
                    .into_owned()
            });
        }
        Ok(())
    }
}

#[cfg(windows)]
mod os {
    use std::ffi::c_void;
    use std::os::windows::ffi::OsStrExt;
    use std::path::Path;

    #[link(name = "kernel32")]
    extern "system" {
        fn LoadLibraryW(name: *const u16) -> *mut c_void;
    }

    /// Loads `library` with `LoadLibraryW` and leaves it loaded.
    pub(super) fn load(library: &Path) -> Result<(), String> {
        let path = std::path::absolute(library).map_err(|e| e.to_string())?;
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain([0]).collect();
        // SAFETY: `wide` is a NUL-terminated UTF-16 path that outlives the
        // call. Loading runs the library's initializers: code the user
        // asked to run, as any host loading it would.
        let module = unsafe { LoadLibraryW(wide.as_ptr()) };
        if module.is_null() {
            return Err(std::io::Error::last_os_error().to_string());
        }
        Ok(())
    }
}

#[cfg(not(any(unix, windows)))]
mod os {
    use std::path::Path;

    /// No shared libraries here.
    pub(super) fn load(_library: &Path) -> Result<(), String> {
        Err("this platform cannot load shared libraries".to_owned())
    }
}
