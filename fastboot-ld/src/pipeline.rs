//! `cargo fastboot build`: build with cargo, freeze, embed into a copy.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::cargo;
use crate::embed::{self, Method};
use crate::error::{Error, Result};
use crate::output::TempFile;
use crate::reproducible;
use crate::run;
use crate::runner::{self, Runner};

/// What to build and how to embed.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The embedding method; `None` chooses (see [`embed::choose_method`]).
    pub method: Option<Method>,
    /// Arguments for `cargo build`, selecting one executable.
    pub cargo_args: Vec<OsString>,
    /// Freeze twice, and fail unless both snapshots are the same.
    pub check_reproducible: bool,
}

/// The result of [`build`].
#[derive(Debug, Clone)]
pub struct Built {
    /// The executable cargo built, left untouched.
    pub artifact: PathBuf,
    /// The copy with the snapshot embedded: `<target dir>/fastboot/<name>`.
    pub output: PathBuf,
    /// How the snapshot was embedded.
    pub method: Method,
    /// How programs of its target are run (cargo's configured runner).
    pub runner: Runner,
    /// Why the section could not be used, if the method was chosen and is
    /// the footer.
    pub note: Option<String>,
}

/// Builds one executable with cargo, runs it once to freeze its snapshot
/// (through the runner cargo would use for its target), and embeds the
/// snapshot into a copy in `<target dir>/fastboot/`.
///
/// Cargo's own artifact is never modified, so a later `cargo build` can
/// never leave a stale snapshot behind.
pub fn build(options: &BuildOptions) -> Result<Built> {
    if let Some(arg) = options.cargo_args.iter().find(|a| cargo::is_reserved(a)) {
        return Err(Error::Other(format!(
            "{} is set by cargo fastboot build itself",
            arg.to_string_lossy()
        )));
    }
    let runner = Runner::for_target(runner::target_of(&options.cargo_args)?.as_deref())?;
    let artifact = cargo::build(&options.cargo_args)?.path;
    let dir = cargo::target_dir(&artifact).join("fastboot");
    std::fs::create_dir_all(&dir).map_err(Error::at(&dir))?;
    let name = artifact
        .file_name()
        .ok_or_else(|| Error::Other(format!("{}: no file name", artifact.display())))?;
    let output = dir.join(name);

    let snapshot = TempFile::beside(&output, "snap");
    run::freeze_into(&artifact, &runner, &snapshot)?;
    if options.check_reproducible {
        let again = TempFile::beside(&output, "snap");
        run::freeze_into(&artifact, &runner, &again)?;
        reproducible::compare(snapshot.path(), again.path())?;
    }
    let (method, note) = match options.method {
        Some(method) => (method, None),
        None => embed::choose_method(&artifact)?,
    };
    embed::embed(&artifact, snapshot.path(), &output, method)?;
    Ok(Built {
        artifact,
        output,
        method,
        runner,
        note,
    })
}
