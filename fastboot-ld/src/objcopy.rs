//! Replacing the contents of the `fastboot` section with GNU `objcopy`,
//! which rewrites the section and its segment headers consistently.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use fastboot_core::section;

use crate::error::{Error, Result};

/// Names the objcopy program to run instead of `objcopy` from `PATH`.
pub const OBJCOPY_VAR: &str = "OBJCOPY";

/// The objcopy program: `$OBJCOPY`, or `objcopy` from `PATH`.
fn program() -> OsString {
    std::env::var_os(OBJCOPY_VAR)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "objcopy".into())
}

/// Whether objcopy can be run.
pub fn available() -> bool {
    Command::new(program())
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Writes `output`: `input` with the `fastboot` section's contents replaced
/// by the file `contents`.
pub fn update_section(input: &Path, contents: &Path, output: &Path) -> Result<()> {
    let mut spec = OsString::from(format!("{}=", section::NAME));
    spec.push(contents);
    let result = Command::new(program())
        .arg("--update-section")
        .arg(spec)
        .arg(input)
        .arg(output)
        .output();
    let out = match result {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Error::ObjcopyMissing),
        Err(e) => return Err(Error::io("running objcopy", e)),
    };
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let detail = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map_or_else(|| out.status.to_string(), |l| l.trim().to_owned());
    Err(Error::CommandFailed {
        command: "objcopy".into(),
        detail,
    })
}
