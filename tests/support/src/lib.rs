//! Helpers shared by fastboot's test suites (dev-only).

use std::fs;
use std::io;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

/// Runs `command` to completion and returns its output, retrying while the
/// program is busy being written (`ETXTBSY`).
///
/// A test that writes an executable, then runs it, races with the other
/// test threads: one of them that forks a child while the file is open for
/// writing gives the child a copy of the write descriptor, which lasts
/// until the child calls `exec` (close-on-exec). Until then the kernel
/// refuses to execute the file. The window is short: retrying outlasts it.
///
/// # Panics
/// If the command cannot be started for another reason, or is still busy
/// after a few seconds.
pub fn output(command: &mut Command) -> Output {
    let mut delay = Duration::from_millis(1);
    for _ in 0..12 {
        match command.output() {
            Err(e) if e.kind() == io::ErrorKind::ExecutableFileBusy => {
                std::thread::sleep(delay);
                delay *= 2;
            }
            result => {
                return result.unwrap_or_else(|e| panic!("running {command:?}: {e}"));
            }
        }
    }
    panic!("running {command:?}: still busy being written")
}

/// Writes `contents` to `path` (making its directory) unless the file
/// already holds them, so that cargo's freshness check, by modification
/// time, does not rebuild a fixture that did not change.
///
/// # Panics
/// If the file cannot be written.
pub fn write_if_changed(path: &Path, contents: &str) {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return;
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    }
    fs::write(path, contents).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_run_and_failures_to_start_panic() {
        let out = output(Command::new("sh").args(["-c", "echo hi"]));
        assert_eq!(out.stdout, b"hi\n");
        let missing = std::panic::catch_unwind(|| output(&mut Command::new("/nonexistent/x")));
        assert!(missing.is_err());
    }
}
