//! `cargo fastboot test`, `nextest run` and `bench`: cargo (or nextest)
//! builds and runs the test and benchmark binaries as usual, through a
//! runner that is this tool (cargo's `target.<triple>.runner`, which both
//! honour). Before a binary with frozen statics runs, the runner freezes it
//! and embeds the snapshot in the binary itself (see [`test_snapshot`]),
//! unless it already holds one frozen by this very build.
//!
//! So each binary is frozen once per build: a second run with nothing
//! changed freezes nothing, and after a change only the rebuilt binaries
//! are frozen again. A binary without frozen statics is left alone.
//!
//! [`test_snapshot`]: crate::cargo::test_snapshot

use std::ffi::{OsStr, OsString};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

use fastboot_core::contract::MODE_VAR;

use crate::cargo::target_runner::{self, Runner};
use crate::cargo::test_snapshot;
use crate::error::{Error, Result};
use crate::exe::Info;

/// The name of the hidden command that cargo runs as the runner.
pub const EXEC_COMMAND: &str = "exec-frozen";

/// Carries the runner that was configured before this tool took its
/// place, for the binaries to be run through it.
const NEXT_RUNNER_VAR: &str = "FASTBOOT_NEXT_RUNNER";

/// Runs `cargo <command> <args>` (e.g. `test`, or `nextest run`) with this
/// tool as the runner for the target being built, and `FASTBOOT=strict` if
/// `strict`: then a test that computes a frozen static instead of thawing
/// it fails, naming it.
pub fn run_cargo(command: &[&str], args: &[OsString], strict: bool) -> Result<ExitStatus> {
    let target = match target_runner::target_of(args)? {
        Some(target) => target,
        None => host_triple()?,
    };
    let next = Runner::for_target(Some(&target))?;
    let this = std::env::current_exe().map_err(|e| Error::io("finding cargo-fastboot", e))?;
    let this = this
        .to_str()
        .filter(|path| !path.contains(char::is_whitespace))
        .ok_or_else(|| {
            Error::Other(format!(
                "{}: cargo cannot run a runner whose path has spaces",
                this.display()
            ))
        })?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cargo = Command::new(cargo);
    cargo
        .args(command)
        .args(args)
        .env(
            target_runner::env_var(&target),
            format!("{this} {EXEC_COMMAND}"),
        )
        .env(NEXT_RUNNER_VAR, hand_over(&next));
    if strict {
        cargo.env(MODE_VAR, "strict");
    }
    cargo
        .status()
        .map_err(|e| Error::io(format!("running cargo {}", command.join(" ")), e))
}

/// The runner's work: freezes `binary` if it needs it, then runs it with
/// `args` through the runner configured before this tool's, and returns
/// its exit status (on Unix, this process becomes the binary instead).
pub fn exec_frozen(binary: &Path, args: &[OsString]) -> Result<ExitStatus> {
    let next = taken_over(&std::env::var_os(NEXT_RUNNER_VAR).unwrap_or_default());
    freshen(binary, &next)?;
    let mut command = next.command(binary);
    command.args(args);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt as _;
        let error = command.exec();
        Err(Error::io(format!("running {}", binary.display()), error))
    }
    #[cfg(not(unix))]
    command
        .status()
        .map_err(|e| Error::io(format!("running {}", binary.display()), e))
}

/// Separates the runner's words in [`NEXT_RUNNER_VAR`], as in cargo's
/// `CARGO_ENCODED_RUSTFLAGS`: a word may contain spaces.
const WORD_SEPARATOR: &str = "\x1f";

/// `runner` as the value of [`NEXT_RUNNER_VAR`].
fn hand_over(runner: &Runner) -> OsString {
    let mut value = OsString::new();
    for (i, word) in runner.argv().iter().enumerate() {
        if i > 0 {
            value.push(WORD_SEPARATOR);
        }
        value.push(word);
    }
    value
}

/// The runner handed over in [`NEXT_RUNNER_VAR`]'s `value`.
fn taken_over(value: &OsStr) -> Runner {
    let value = value.to_string_lossy();
    let words = value.split(WORD_SEPARATOR).filter(|w| !w.is_empty());
    Runner::from_argv(words.map(OsString::from).collect())
}

/// Freezes `binary` and embeds its snapshot, unless it has no frozen
/// statics, is not an executable, or holds a snapshot from this very build.
fn freshen(binary: &Path, runner: &Runner) -> Result<()> {
    let Ok(info) = Info::read(binary) else {
        return Ok(());
    };
    let Some(build_id) = info.build_id.filter(|_| info.has_frozen_statics) else {
        return Ok(());
    };
    if test_snapshot::is_fresh(binary, &info, &build_id) {
        return Ok(());
    }
    let placement = test_snapshot::freeze(binary, &info, runner)?;
    eprintln!(
        "cargo-fastboot: froze {}, its snapshot {placement}",
        file_name(binary)
    );
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .unwrap_or(path.as_os_str())
        .to_string_lossy()
        .into_owned()
}

/// The host's target triple, from `rustc -vV`.
fn host_triple() -> Result<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| OsStr::new("rustc").to_owned());
    let out = Command::new(rustc)
        .arg("-vV")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Error::io("running rustc -vV", e))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| Error::Other("rustc -vV did not name the host".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_configured_runner_is_handed_over_with_its_arguments_intact() {
        // `runner = ["/opt/my tools/qemu-aarch64", "-L", "/usr/aarch64 sysroot"]`
        let words = ["/opt/my tools/qemu-aarch64", "-L", "/usr/aarch64 sysroot"];
        let runner = Runner::from_argv(words.iter().map(OsString::from).collect());
        assert_eq!(taken_over(&hand_over(&runner)), runner);
        assert_eq!(taken_over(&hand_over(&Runner::direct())), Runner::direct());
        assert_eq!(taken_over(OsStr::new("")), Runner::direct());
    }
}
