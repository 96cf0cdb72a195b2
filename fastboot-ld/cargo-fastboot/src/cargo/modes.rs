//! Running a program in one of fastboot's modes: the freeze run, which
//! writes its snapshot, and the verify run, which checks it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

use fastboot_core::contract::{FREEZE_VAR, MODE_VAR, SNAPSHOT_VAR};

use crate::cargo::target_runner::Runner;
use crate::error::{Error, Result};
use crate::output::TempFile;
use crate::snapshot::embed;

/// Runs `binary` (through `runner`) with `FASTBOOT_FREEZE` so that it
/// computes its frozen statics and writes the snapshot, then moves the
/// snapshot to `output`.
///
/// `FASTBOOT` and `FASTBOOT_SNAPSHOT` are removed from its environment.
/// What it prints goes to standard error, keeping standard output for the
/// caller's results.
pub fn freeze(binary: &Path, runner: &Runner, output: &Path) -> Result<()> {
    let temp = TempFile::beside(output, "freeze");
    freeze_into(binary, runner, &temp)?;
    temp.persist(output, None)
}

/// Runs the freeze run of `binary` into the temporary file `temp`, and
/// checks that it wrote a snapshot there.
pub(crate) fn freeze_into(binary: &Path, runner: &Runner, temp: &TempFile) -> Result<()> {
    let status = runner
        .command(binary)
        .env(FREEZE_VAR, absolute(temp.path())?)
        .env_remove(MODE_VAR)
        .env_remove(SNAPSHOT_VAR)
        .stdin(Stdio::null())
        .stdout(std::io::stderr())
        .status()
        .map_err(|e| Error::io(format!("running {}", binary.display()), e))?;
    if !status.success() {
        return Err(Error::CommandFailed {
            command: format!("freeze run of {}", binary.display()),
            detail: status.to_string(),
        });
    }
    let bytes = match std::fs::read(temp.path()) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Other(format!(
                "{} exited without writing a snapshot: does its main call fastboot::init() \
                 (or carry #[fastboot::main])?",
                binary.display()
            )))
        }
        Err(e) => return Err(Error::io(temp.path().display().to_string(), e)),
    };
    embed::parse(temp.path(), &bytes)?;
    Ok(())
}

/// Runs `binary` with `FASTBOOT=verify`: it checks every entry of its
/// snapshot with the types it knows (presence, fingerprint, checksum, rkyv
/// validation), prints one line each, and exits 0 only if all pass. Its
/// output is passed through; its exit status is returned.
pub fn verify(binary: &Path, runner: &Runner) -> Result<ExitStatus> {
    runner
        .command(binary)
        .env(MODE_VAR, "verify")
        .env_remove(FREEZE_VAR)
        .stdin(Stdio::null())
        .status()
        .map_err(|e| Error::io(format!("running {}", binary.display()), e))
}

/// Runs `binary` with `args` and `FASTBOOT=strict` (unless `FASTBOOT` is
/// set): every value must be thawed, or it stops with the reason. Its
/// output is passed through; its exit status is returned.
pub fn run_strict(binary: &Path, runner: &Runner, args: &[OsString]) -> Result<ExitStatus> {
    let mut command = runner.command(binary);
    if std::env::var_os(MODE_VAR).is_none() {
        command.env(MODE_VAR, "strict");
    }
    command
        .args(args)
        .env_remove(FREEZE_VAR)
        .status()
        .map_err(|e| Error::io(format!("running {}", binary.display()), e))
}

/// `path` made absolute, so that it means the same to a child process.
fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(Error::at(path))
}
