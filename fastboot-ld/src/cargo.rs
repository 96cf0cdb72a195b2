//! Running `cargo build` and finding the executable it built.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::error::{Error, Result};

/// An executable that cargo reported building.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The name of its cargo target (binary, example, test or bench).
    pub name: String,
    /// The built file.
    pub path: PathBuf,
}

/// Runs `cargo build --message-format=json-render-diagnostics <args>` and
/// returns the one executable it built. Diagnostics and progress go to
/// standard error, as usual.
pub fn build(args: &[OsString]) -> Result<Artifact> {
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
    let mut built = executables(&messages);
    match built.len() {
        1 => Ok(built.remove(0)),
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
