//! The `cargo-fastboot` binary, run as cargo runs it, on the fixture.

mod fixture;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use fixture::{assert_thaws_strictly, fixture, moved, scratch, stdout};

/// Runs `cargo-fastboot fastboot <args>`, as `cargo fastboot <args>` does.
fn cargo_fastboot(args: &[&str]) -> Output {
    let f = fixture();
    Command::new(env!("CARGO_BIN_EXE_cargo-fastboot"))
        .arg("fastboot")
        .args(args)
        .env("CARGO_TARGET_DIR", &f.target)
        .env_remove("FASTBOOT")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn last_line(out: &Output) -> PathBuf {
    PathBuf::from(stdout(out).lines().last().expect("a path on stdout"))
}

fn manifest() -> String {
    fixture().workspace.join("Cargo.toml").display().to_string()
}

#[test]
fn build_embeds_into_a_copy_in_the_target_dir() {
    let f = fixture();
    let before = std::fs::read(&f.linked).unwrap();
    let out = cargo_fastboot(&["build", "--manifest-path", &manifest(), "--bin", "linked"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = last_line(&out);
    assert_eq!(built, f.target.join("fastboot/linked"));
    assert!(stderr(&out).contains("(section)"), "{}", stderr(&out));
    assert_thaws_strictly(&built, "Section");
    assert_thaws_strictly(&moved(&built, "cli-build"), "Section");
    assert!(
        std::fs::read(&f.linked).unwrap() == before,
        "cargo's artifact changed"
    );

    let out = cargo_fastboot(&["build", "--manifest-path", &manifest(), "-p", "plain"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not in its own segment"),
        "{}",
        stderr(&out)
    );
    assert_thaws_strictly(&last_line(&out), "Footer");
}

#[test]
fn build_refuses_to_guess_between_executables() {
    let out = cargo_fastboot(&["build", "--manifest-path", &manifest(), "--workspace"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = err
        .lines()
        .find(|l| l.starts_with("cargo-fastboot: error: cargo built 4 executables ("))
        .unwrap_or_else(|| panic!("{err}"));
    for name in ["linked", "plain", "unstable", "homebound"] {
        assert!(line.contains(name), "{line}");
    }
}

#[test]
fn freeze_embed_inspect_verify() {
    let f = fixture();
    let dir = scratch("cli");
    let app = dir.join("app");
    std::fs::copy(&f.linked, &app).unwrap();
    let path = |p: &Path| p.display().to_string();

    let out = cargo_fastboot(&["freeze", &path(&app)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let snap = dir.join("app.snap");
    assert_eq!(last_line(&out), snap);

    // Before embedding, the program has no snapshot of its own: verify
    // fails (the .snap beside it aside).
    std::fs::rename(&snap, dir.join("kept.snap")).unwrap();
    let snap = dir.join("kept.snap");
    let out = cargo_fastboot(&["verify", &path(&app)]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));

    let out = cargo_fastboot(&["embed", &path(&app), &path(&snap), "--section"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_thaws_strictly(&app, "Section");

    let out = cargo_fastboot(&["verify", &path(&app)]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert_eq!(
        stdout(&out)
            .lines()
            .filter(|l| l.starts_with("ok "))
            .count(),
        2,
        "{}",
        stdout(&out)
    );

    let out = cargo_fastboot(&["inspect", &path(&app)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let version = format!(
        "format     version {}",
        fastboot_core::format::FORMAT_VERSION
    );
    for expected in [
        "location   fastboot section",
        "(matches the producer)",
        &version,
        "2 entries",
        "linked::greeting",
        "linked::squares    8008",
    ] {
        assert!(text.contains(expected), "{expected:?} not in\n{text}");
    }
}

#[test]
fn errors_are_one_line_with_status_1() {
    let f = fixture();
    let dir = scratch("cli-errors");
    let text = dir.join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    let out = dir.join("out");
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "embed",
                text.to_str().unwrap(),
                f.linked_snap.to_str().unwrap(),
                "--footer",
            ],
            "notes.txt: not an ELF, PE or Mach-O executable",
        ),
        (
            &[
                "embed",
                f.linked.to_str().unwrap(),
                f.plain_snap.to_str().unwrap(),
                "--footer",
                "-o",
                out.to_str().unwrap(),
            ],
            "snapshot was produced by another binary (build-id ",
        ),
        (
            &["inspect", f.linked.to_str().unwrap()],
            "no snapshot embedded",
        ),
    ];
    for (args, message) in cases {
        let out = cargo_fastboot(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("cargo-fastboot: error: "), "{err}");
        assert!(err.contains(message), "{err}");
    }
}

#[test]
fn check_reproducible_names_the_entries_that_depend_on_the_time_or_the_machine() {
    let check = |bin: &str| {
        let manifest = manifest();
        cargo_fastboot(&[
            "build",
            "--check-reproducible",
            "--manifest-path",
            &manifest,
            "--bin",
            bin,
        ])
    };
    let out = check("unstable");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let error = err
        .lines()
        .find(|l| l.starts_with("cargo-fastboot: error: freezing is not reproducible"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        error
            .contains("different bytes for unstable::counts, unstable::frozen_at, unstable::home;"),
        "{error}"
    );
    assert!(!error.contains("unstable::stable"), "{error}");
    assert!(!error.contains("unstable::ordered_counts"), "{error}");
    assert!(error.contains("time, environment, randomness"), "{error}");

    // A value that cannot be computed without the home directory.
    let out = check("homebound");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let error = err
        .lines()
        .find(|l| l.starts_with("cargo-fastboot: error: freezing is not reproducible"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        error.contains("homebound::home_entries failed to compute with HOME"),
        "{error}"
    );
    assert!(error.contains("must stay a LazyLock"), "{error}");

    let out = check("linked");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_thaws_strictly(&last_line(&out), "Section");
}
