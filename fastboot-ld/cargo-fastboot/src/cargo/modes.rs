//! Running a program in one of fastboot's modes: the freeze run, which
//! writes its snapshot, and the verify run, which checks it. A shared
//! library is run by loading it in a host of the tool's own (see
//! [`library_host`]).

use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use fastboot_core::contract::{FREEZE_VAR, MODE_VAR, SNAPSHOT_VAR};

use crate::cargo::library_host;
use crate::cargo::target_runner::Runner;
use crate::error::{Error, Result};
use crate::exe::Info;
use crate::output::TempFile;
use crate::snapshot::embed;

/// A command that runs `binary` in the mode that the fastboot variable
/// `var` set to `value` selects: a program through `runner`, with it in its
/// environment; a shared library loaded by the tool's own host, which sets
/// it (see [`library_host`]).
fn run_in_mode(binary: &Path, runner: &Runner, var: &str, value: OsString) -> Result<Command> {
    if Info::read(binary)?.library {
        return library_host::command(binary, runner, &[(var, value)]);
    }
    let mut command = runner.command(binary);
    command.env(var, value);
    Ok(command)
}

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
    freeze_run(binary, runner, temp, &[])?.check(binary, temp)
}

/// What a freeze run did: its exit status, and the entries it said it
/// froze, in order.
#[derive(Debug)]
pub(crate) struct FreezeRun {
    /// Its exit status.
    pub status: ExitStatus,
    /// The names of the entries it froze.
    pub frozen: Vec<String>,
}

impl FreezeRun {
    /// Checks that the run of `binary` succeeded and wrote a snapshot into
    /// `temp`.
    pub(crate) fn check(&self, binary: &Path, temp: &TempFile) -> Result<()> {
        if !self.status.success() {
            return Err(Error::CommandFailed {
                command: format!("freeze run of {}", binary.display()),
                detail: self.status.to_string(),
            });
        }
        let bytes = match std::fs::read(temp.path()) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::Other(format!(
                    "{} exited without writing a snapshot: does it link fastboot, and its main \
                     (if it is a program) call fastboot::init() (or carry #[fastboot::main])?",
                    binary.display()
                )))
            }
            Err(e) => return Err(Error::io(temp.path().display().to_string(), e)),
        };
        embed::parse(temp.path(), &bytes)?;
        Ok(())
    }
}

/// Runs the freeze run of `binary` (through `runner`) into `temp`, with
/// `env` added to its environment. What it prints goes to standard error,
/// keeping standard output for the caller's results.
pub(crate) fn freeze_run(
    binary: &Path,
    runner: &Runner,
    temp: &TempFile,
    env: &[(&str, &str)],
) -> Result<FreezeRun> {
    let output = run_in_mode(binary, runner, FREEZE_VAR, absolute(temp.path())?.into())?
        .env_remove(MODE_VAR)
        .env_remove(SNAPSHOT_VAR)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::io(format!("running {}", binary.display()), e))?;
    let _ = std::io::stderr().write_all(&output.stdout);
    Ok(FreezeRun {
        status: output.status,
        frozen: frozen_entries(&String::from_utf8_lossy(&output.stdout)),
    })
}

/// The entries a freeze run's output says it froze: its lines
/// `fastboot: froze <name> (<size>): ...` (fastboot-core's `freeze::run`).
fn frozen_entries(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("fastboot: froze "))
        .filter_map(|rest| rest.split_once(" (").map(|(name, _)| name.to_owned()))
        .collect()
}

/// Runs `binary` with `FASTBOOT=verify`: it checks every entry of its
/// snapshot with the types it knows (presence, fingerprint, checksum, rkyv
/// validation), prints one line each, and exits 0 only if all pass. Its
/// output is passed through; its exit status is returned.
pub fn verify(binary: &Path, runner: &Runner) -> Result<ExitStatus> {
    run_in_mode(binary, runner, MODE_VAR, "verify".into())?
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entries_a_freeze_run_froze_are_read_from_its_output() {
        let output = "fastboot: froze app::a (64 bytes): computed in 0.1 ms, archived in 0.0 ms\n\
                      unrelated line\n\
                      fastboot: froze app::b::c (8 bytes): computed in 2.0 ms, archived in 0.1 ms\n\
                      fastboot: wrote /t/app.snap (2 entries, 72 bytes of archives, build-id 01)\n";
        assert_eq!(frozen_entries(output), ["app::a", "app::b::c"]);
    }
}
