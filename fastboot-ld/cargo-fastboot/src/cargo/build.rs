//! `cargo fastboot build`: build one executable (or, with `--lib`, the
//! package's shared library) with cargo, freeze it, embed the snapshot into
//! a copy.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::cargo::modes;
use crate::cargo::target_runner::{self, Runner};
use crate::error::{Error, Result};
use crate::output::TempFile;
use crate::snapshot::embed::{self, Method};
use crate::snapshot::reproducible;

/// What to build and how to embed.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The embedding method; `None` chooses (see [`embed::choose_method`]).
    pub method: Option<Method>,
    /// Arguments for `cargo build`, selecting one executable, or the
    /// package's shared library with `--lib`.
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
/// snapshot into a copy in `<target dir>/fastboot/`. With `--lib` among
/// the arguments, the same for the package's shared library (`cdylib`),
/// frozen by loading it in a host of the tool's own.
///
/// Cargo's own artifact is never modified, so a later `cargo build` can
/// never leave a stale snapshot behind.
pub fn build(options: &BuildOptions) -> Result<Built> {
    if let Some(arg) = options.cargo_args.iter().find(|a| is_reserved(a)) {
        return Err(Error::Other(format!(
            "{} is set by cargo fastboot build itself",
            arg.to_string_lossy()
        )));
    }
    let runner = Runner::for_target(target_runner::target_of(&options.cargo_args)?.as_deref())?;
    let artifact = build_artifact(&options.cargo_args)?.path;
    let dir = target_dir(&artifact).join("fastboot");
    std::fs::create_dir_all(&dir).map_err(Error::at(&dir))?;
    let name = artifact
        .file_name()
        .ok_or_else(|| Error::Other(format!("{}: no file name", artifact.display())))?;
    let output = dir.join(name);

    let snapshot = TempFile::beside(&output, "snap");
    modes::freeze_into(&artifact, &runner, &snapshot)?;
    if options.check_reproducible {
        let again = TempFile::beside(&output, "snap");
        let varied = reproducible::VARIED_ENVIRONMENT;
        let run = modes::freeze_run(&artifact, &runner, &again, &varied)?;
        if !run.status.success() {
            let detail = run.status.to_string();
            return Err(reproducible::failed_in_varied_environment(
                snapshot.path(),
                &run.frozen,
                detail,
            ));
        }
        run.check(&artifact, &again)?;
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

/// An executable or shared library that cargo reported building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The name of its cargo target (binary, example, test, bench or
    /// library).
    pub name: String,
    /// The built file.
    pub path: PathBuf,
}

/// Runs `cargo build --message-format=json-render-diagnostics <args>` and
/// returns the one executable it built, or with `--lib` the one shared
/// library. Diagnostics and progress go to standard error, as usual.
fn build_artifact(args: &[OsString]) -> Result<Artifact> {
    let library = args.iter().any(|a| a == "--lib");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .arg("build")
        .arg("--message-format=json-render-diagnostics")
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::io("running cargo", e))?;
    if !output.status.success() {
        return Err(Error::CommandFailed {
            command: "cargo build".into(),
            detail: output.status.to_string(),
        });
    }
    let messages = String::from_utf8_lossy(&output.stdout);
    let mut built = if library {
        shared_libraries(&messages)
    } else {
        executables(&messages)
    };
    match built.len() {
        1 => Ok(built.remove(0)),
        0 if library => Err(Error::Other(
            "cargo built no shared library: give the package's [lib] crate-type = [\"cdylib\"]"
                .into(),
        )),
        0 => Err(Error::Other(
            "cargo built no executable: select one with --bin NAME or --example NAME".into(),
        )),
        _ => {
            let names: Vec<&str> = built.iter().map(|e| e.name.as_str()).collect();
            Err(Error::Other(format!(
                "cargo built {} executables ({}): select one with --bin NAME or --example NAME",
                names.len(),
                names.join(", ")
            )))
        }
    }
}

/// The executables among cargo's JSON messages (one per line): the
/// `compiler-artifact` messages with an `executable`, build scripts aside.
pub fn executables(messages: &str) -> Vec<Artifact> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| {
            let kinds = m["target"]["kind"].as_array();
            !kinds.is_some_and(|k| k.iter().any(|k| k == "custom-build"))
        })
        .filter_map(|m| {
            Some(Artifact {
                name: m["target"]["name"].as_str()?.to_owned(),
                path: PathBuf::from(m["executable"].as_str()?),
            })
        })
        .collect()
}

/// The shared libraries among cargo's JSON messages: the files of
/// `cdylib` targets named like a shared library of some platform (not the
/// import library `*.dll.a` or `*.dll.lib` beside a DLL).
pub fn shared_libraries(messages: &str) -> Vec<Artifact> {
    messages
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact")
        .filter(|m| {
            let kinds = m["target"]["kind"].as_array();
            kinds.is_some_and(|k| k.iter().any(|k| k == "cdylib"))
        })
        .flat_map(|m| {
            let name = m["target"]["name"].as_str().unwrap_or_default().to_owned();
            let files = m["filenames"].as_array().cloned().unwrap_or_default();
            files.into_iter().filter_map(move |file| {
                let path = PathBuf::from(file.as_str()?);
                let extension = path.extension()?.to_str()?;
                ["so", "dll", "dylib"]
                    .contains(&extension)
                    .then(|| Artifact {
                        name: name.clone(),
                        path,
                    })
            })
        })
        .collect()
}

/// The cargo target directory holding `executable`: its nearest ancestor
/// with cargo's `CACHEDIR.TAG`, or else the executable's own directory.
pub fn target_dir(executable: &Path) -> PathBuf {
    executable
        .ancestors()
        .skip(1)
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .or_else(|| executable.parent())
        .unwrap_or_else(|| Path::new("."))
        .to_owned()
}

/// Whether `arg` is one of cargo's arguments that this tool must not pass
/// to `cargo build` (it sets the message format itself).
pub fn is_reserved(arg: &OsStr) -> bool {
    arg.to_str()
        .is_some_and(|a| a == "--message-format" || a.starts_with("--message-format="))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn executables_are_found_among_cargo_messages() {
        let messages = r#"{"reason":"compiler-artifact","target":{"kind":["custom-build"],"name":"build-script-build"},"executable":null}
{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"fastboot"},"executable":null}
{"reason":"compiler-artifact","target":{"kind":["example"],"name":"word_index"},"executable":"/t/release/examples/word_index","fresh":true}
not json
{"reason":"build-finished","success":true}"#;
        assert_eq!(
            executables(messages),
            [Artifact {
                name: "word_index".into(),
                path: "/t/release/examples/word_index".into()
            }]
        );
    }

    #[test]
    fn shared_libraries_are_found_among_cargo_messages() {
        let messages = r#"{"reason":"compiler-artifact","target":{"kind":["cdylib","staticlib","rlib"],"name":"plugin"},"filenames":["/t/release/libplugin.so","/t/release/libplugin.a","/t/release/libplugin.rlib"],"executable":null}
{"reason":"compiler-artifact","target":{"kind":["lib"],"name":"fastboot"},"filenames":["/t/release/deps/libfastboot.rlib"],"executable":null}
{"reason":"compiler-artifact","target":{"kind":["cdylib"],"name":"plugin"},"filenames":["/t/w/release/plugin.dll","/t/w/release/libplugin.dll.a"],"executable":null}"#;
        assert_eq!(
            shared_libraries(messages),
            [
                Artifact {
                    name: "plugin".into(),
                    path: "/t/release/libplugin.so".into()
                },
                Artifact {
                    name: "plugin".into(),
                    path: "/t/w/release/plugin.dll".into()
                }
            ]
        );
        assert!(executables(messages).is_empty());
    }

    #[test]
    fn the_target_dir_is_found_by_its_cache_tag() {
        let root = std::env::temp_dir().join(format!("fastboot-ld-target-{}", std::process::id()));
        let exe = root.join("x86_64-unknown-linux-gnu/release/examples/app");
        std::fs::create_dir_all(exe.parent().unwrap()).unwrap();
        std::fs::write(
            root.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        assert_eq!(target_dir(&exe), root);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(target_dir(Path::new("/nowhere/app")), Path::new("/nowhere"));
    }

    #[test]
    fn the_message_format_is_reserved() {
        assert!(is_reserved("--message-format=json".as_ref()));
        assert!(is_reserved("--message-format".as_ref()));
        assert!(!is_reserved("--release".as_ref()));
    }
}
