//! For build scripts: the path of a data file that ships inside the source
//! of a crate in the package's dependency graph.
//!
//! Crates such as tiktoken-rs and jieba-rs ship their data files in their
//! source (`assets/cl100k_base.tiktoken`, `src/data/dict.txt`) and read
//! them with `include_str!`, without exposing them. A build script finds
//! the crate's source through `cargo metadata` (wherever cargo put it: the
//! registry cache, a vendor directory, a git checkout) and copies the file
//! into `OUT_DIR`, from where the package's code can `include_bytes!` it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Copies `relative` (a path inside the source of the package named
/// `package`, a dependency of any kind of the package being built) to
/// `OUT_DIR`, under its file name, and returns the copy's path. Tells
/// cargo to rerun the build script if the original changes, or the
/// workspace's `Cargo.lock` (a new version of the dependency: cargo does
/// not rerun build scripts when a dev-dependency changes).
///
/// # Panics
/// If not run by cargo as a build script, if `cargo metadata` fails, if the
/// workspace's dependency graph has no package of that name or several
/// versions of it, or if the file cannot be copied: each with a message
/// naming what was missing.
pub fn copy_to_out_dir(package: &str, relative: &str) -> PathBuf {
    let source = source_dir(package).join(relative);
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR: not a build script"));
    let name = Path::new(relative).file_name().expect("a file name");
    let copy = out_dir.join(name);
    std::fs::copy(&source, &copy)
        .unwrap_or_else(|e| panic!("copying {} to {}: {e}", source.display(), copy.display()));
    println!("cargo:rerun-if-changed={}", source.display());
    copy
}

/// The directory holding the `Cargo.toml` of the dependency `package`,
/// from `cargo metadata` run on the package being built; tells cargo to
/// rerun the build script when the workspace's `Cargo.lock` changes.
fn source_dir(package: &str) -> PathBuf {
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR: not run by cargo");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1"])
        .current_dir(&manifest_dir)
        .output()
        .unwrap_or_else(|e| panic!("running cargo metadata: {e}"));
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata printed JSON");
    if let Some(root) = metadata["workspace_root"].as_str() {
        println!(
            "cargo:rerun-if-changed={}",
            Path::new(root).join("Cargo.lock").display()
        );
    }
    let found: Vec<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == package)
        .filter_map(|p| p["manifest_path"].as_str())
        .collect();
    let [manifest] = found[..] else {
        panic!(
            "{package}: expected one package of that name in the workspace's dependency graph, found {}",
            found.len()
        )
    };
    Path::new(manifest)
        .parent()
        .expect("a manifest path has a directory")
        .to_path_buf()
}
