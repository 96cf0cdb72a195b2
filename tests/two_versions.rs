//! One library linked in two versions (`tests/two-versions`: `mylib` 1.0.0
//! and 2.0.0, each with a frozen `mylib::table`), as real dependency graphs
//! have them: both freeze, under keys naming their versions, and both thaw
//! strictly, each with its own values.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/two-versions/app")
}

/// The fixture program, built with its own target directory.
fn build() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("two-versions-target");
    let built = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(fixture().join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .status()
        .unwrap();
    assert!(built.success(), "building the two-versions fixture failed");
    target.join("debug/two-versions")
}

fn run(program: &Path, env: &[(&str, &Path)]) -> Output {
    let mut command = Command::new(program);
    for var in ["FASTBOOT", "FASTBOOT_FREEZE", "FASTBOOT_SNAPSHOT"] {
        command.env_remove(var);
    }
    command.envs(env.iter().map(|(k, v)| (k, v.as_os_str())));
    let output = fastboot_test_support::output(&mut command);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn lines(output: &Output, prefix: &str) -> Vec<String> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .filter(|l| l.starts_with(prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn both_versions_freeze_and_thaw_strictly_with_their_own_values() {
    let program = build();
    let computed = run(&program, &[]);
    assert_eq!(lines(&computed, "value"), ["value one 15", "value two 30"]);

    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("two-versions");
    std::fs::create_dir_all(&dir).unwrap();
    let snap = dir.join("app.snap");
    let frozen = run(&program, &[("FASTBOOT_FREEZE", &snap)]);
    let froze = lines(&frozen, "fastboot: froze");
    assert_eq!(froze.len(), 2, "{froze:?}");
    assert!(
        froze[0].starts_with("fastboot: froze mylib::table@1.0.0 "),
        "{froze:?}"
    );
    assert!(
        froze[1].starts_with("fastboot: froze mylib::table@2.0.0 "),
        "{froze:?}"
    );

    let thawed = run(
        &program,
        &[
            ("FASTBOOT", Path::new("strict")),
            ("FASTBOOT_SNAPSHOT", &snap),
        ],
    );
    assert_eq!(lines(&thawed, "value"), lines(&computed, "value"));
    let thawed_from = format!("thawed from {}", snap.display());
    assert_eq!(
        lines(&thawed, "outcome"),
        [
            format!("outcome mylib::table@1.0.0 {thawed_from}"),
            format!("outcome mylib::table@2.0.0 {thawed_from}"),
        ]
    );
}
