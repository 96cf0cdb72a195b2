//! Stale snapshots from real rebuilds: a small program is frozen, then
//! changed and rebuilt three ways (a frozen function's body, a frozen type,
//! only unrelated code). Each new binary, given the old snapshot, must say in
//! one line that the snapshot is another binary's, compute correct values,
//! and fail in strict mode.
//!
//! The build-id check alone would hide the per-entry fingerprint, so the old
//! snapshot is also rewritten as if the new binary had produced it: the
//! entry whose body or type changed must then be reported stale (and only
//! that one), while entries that did not change thaw.
//!
//! Each variant is a one-package workspace of its own, all at the same depth
//! and sharing one target directory, so fastboot compiles once and each
//! variant is rebuilt only when its source or fastboot changes.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{lines, rewrite, run_program, stderr, stdout, temp_dir};
use fastboot_core::__private::hex;
use fastboot_core::format::Snapshot;

/// The program. Each variant replaces one of the marked lines.
const ORIGINAL: &str = r#"
use fastboot::rkyv;

#[derive(rkyv::Archive, rkyv::Serialize)]
#[rkyv(crate = fastboot::rkyv)]
pub struct Settings {
    name: String,
    limit: u32,
    // FIELD
}

#[fastboot::frozen]
fn squares() -> Vec<u64> {
    (0..1000u64).map(|i| i * i).collect()
}

#[fastboot::frozen]
fn settings() -> Settings {
    default_settings()
}

#[fastboot::frozen]
fn greeting() -> String {
    "hello ".repeat(3)
}

fn default_settings() -> Settings {
    Settings {
        name: "fixture".to_owned(),
        limit: 42,
        // INIT
    }
}

#[fastboot::main]
fn main() {
    let sum: u64 = squares().iter().map(|x| x.to_native()).sum();
    println!("value squares {} {sum}", squares().len());
    let settings = settings();
    println!("value settings {} {}", settings.name, settings.limit);
    println!("value greeting {}", greeting().as_str());
    // UNRELATED
    for entry in fastboot::report() {
        let outcome = entry.outcome.map(|o| o.to_string()).unwrap_or_default();
        println!("outcome {} {outcome}", entry.name);
    }
}
"#;

/// The changed versions: each variant's edits of `ORIGINAL`, as (line,
/// replacement).
const CHANGES: [(&str, &[(&str, &str)]); 3] = [
    (
        "body",
        &[(
            "(0..1000u64).map(|i| i * i).collect()",
            "(0..1000u64).map(|i| i * i + 1).collect()",
        )],
    ),
    (
        "type",
        &[
            ("// FIELD", "extra: u64,"),
            ("// INIT", "extra: 7,"),
            (
                "settings.name, settings.limit);",
                "settings.name, settings.limit, settings.extra);",
            ),
            ("value settings {} {}", "value settings {} {} {}"),
        ],
    ),
    (
        "unrelated",
        &[(
            "// UNRELATED",
            "println!(\"value unrelated {}\", std::env::args().count() * 7);",
        )],
    ),
];

/// A built variant of the program.
struct Variant {
    exe: PathBuf,
    /// Its `value` lines, computed with `FASTBOOT=off`.
    values: String,
    /// A snapshot it froze itself, and its build-id.
    snap: PathBuf,
    build_id: Vec<u8>,
}

/// Every variant, built on first use: `original`, then those of `CHANGES`.
fn variants() -> &'static [(&'static str, Variant)] {
    static VARIANTS: OnceLock<Vec<(&'static str, Variant)>> = OnceLock::new();
    VARIANTS.get_or_init(|| {
        let scratch = temp_dir("staleness");
        let mut sources = vec![("original", ORIGINAL.to_owned())];
        for (name, edits) in CHANGES {
            let mut source = ORIGINAL.to_owned();
            for (line, replacement) in edits {
                assert!(source.contains(line), "{name}: {line}");
                source = source.replace(line, replacement);
            }
            sources.push((name, source));
        }
        sources
            .into_iter()
            .enumerate()
            .map(|(i, (name, source))| (name, build(i, name, &source, &scratch)))
            .collect()
    })
}

fn variant(name: &str) -> &'static Variant {
    &variants().iter().find(|(n, _)| *n == name).unwrap().1
}

/// Builds the program from `source` as variant `name`, copies it to
/// `scratch`, computes its values and freezes it.
///
/// Every variant is the crate `app`, so that its entries have the same
/// names; each has its own version, so that cargo keeps their builds apart
/// in the shared target directory.
fn build(index: usize, name: &str, source: &str, scratch: &Path) -> Variant {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let workspace = tmp.join("staleness-fixture").join(name);
    let manifest = format!(
        "[package]\nname = \"app\"\nversion = \"0.0.{index}\"\nedition = \"2021\"\n\
         publish = false\n\n[dependencies]\nfastboot = {{ path = {:?} }}\n\n[workspace]\n",
        env!("CARGO_MANIFEST_DIR")
    );
    fastboot_test_support::write_if_changed(&workspace.join("Cargo.toml"), &manifest);
    fastboot_test_support::write_if_changed(&workspace.join("src/main.rs"), source);
    let lock = workspace.join("Cargo.lock");
    if !lock.exists() {
        // Start from fastboot's own versions, which are already downloaded.
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"),
            &lock,
        )
        .unwrap();
    }
    let target = tmp.join("staleness-fixture-target");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(workspace.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .unwrap();
    assert!(status.success(), "building the {name} variant failed");
    // All variants build the same binary name into the shared directory:
    // keep a copy of each.
    let exe = scratch.join(name);
    fs::copy(target.join("debug").join("app"), &exe).unwrap();

    let computed = run_program(&exe, &[("FASTBOOT", Path::new("off"))]);
    assert!(computed.status.success(), "{}", stderr(&computed));
    let values = lines(&stdout(&computed), "value").join("\n");
    let snap = scratch.join(format!("{name}.snap"));
    let frozen = run_program(&exe, &[("FASTBOOT_FREEZE", &snap)]);
    assert!(frozen.status.success(), "{}", stderr(&frozen));
    let build_id = Snapshot::parse(&fs::read(&snap).unwrap())
        .unwrap()
        .producer()
        .to_vec();
    Variant {
        exe,
        values,
        snap,
        build_id,
    }
}

/// Runs `v` on the snapshot `snap`: it must succeed with its own values.
/// Returns its stderr and its `outcome` lines.
fn run_on(v: &Variant, snap: &Path) -> (String, Vec<String>) {
    let output = run_program(&v.exe, &[("FASTBOOT_SNAPSHOT", snap)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    assert_eq!(lines(&out, "value").join("\n"), v.values);
    let outcomes = lines(&out, "outcome").into_iter().map(str::to_owned);
    (stderr(&output), outcomes.collect())
}

/// Runs `v` strictly on `snap`: it must stop with status 1, naming `why`.
fn assert_strict_fails(v: &Variant, snap: &Path, why: &str) {
    let output = run_program(
        &v.exe,
        &[
            ("FASTBOOT_SNAPSHOT", snap),
            ("FASTBOOT", Path::new("strict")),
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("strict mode") && err.contains(why), "{err}");
    assert!(lines(&stdout(&output), "value").is_empty());
}

#[test]
fn the_original_thaws_its_own_snapshot() {
    let original = variant("original");
    let output = run_program(
        &original.exe,
        &[
            ("FASTBOOT_SNAPSHOT", &original.snap),
            ("FASTBOOT", Path::new("strict")),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let out = stdout(&output);
    assert_eq!(lines(&out, "value").join("\n"), original.values);
    let outcomes = lines(&out, "outcome");
    assert_eq!(outcomes.len(), 3, "{out}");
    assert!(outcomes.iter().all(|l| l.contains("thawed from")), "{out}");
}

#[test]
fn every_rebuild_rejects_the_old_snapshot_as_another_binarys() {
    let original = variant("original");
    for (name, _) in CHANGES {
        let v = variant(name);
        assert_ne!(v.build_id, original.build_id, "{name}: same build-id");
        let (err, outcomes) = run_on(v, &original.snap);
        let expected = format!(
            "fastboot: ignoring snapshot: {}: produced by another binary (build-id {}, \
             this binary is {})\n",
            original.snap.display(),
            hex(&original.build_id),
            hex(&v.build_id)
        );
        assert_eq!(err, expected, "{name}");
        assert_eq!(outcomes.len(), 3, "{name}");
        for outcome in outcomes {
            assert!(
                outcome.contains("computed (snapshot unusable: ")
                    && outcome.contains("produced by another binary"),
                "{name}: {outcome}"
            );
        }
        assert_strict_fails(v, &original.snap, "produced by another binary");
    }
}

#[test]
fn the_changed_values_really_differ() {
    // Otherwise thawing the old values by mistake would go unnoticed.
    let original = &variant("original").values;
    assert_ne!(&variant("body").values, original);
    assert_ne!(&variant("type").values, original);
    assert!(variant("unrelated").values.starts_with(original.as_str()));
}

/// The old snapshot, claimed by `v`'s build-id: what a stale snapshot of the
/// same binary would look like, so that only the fingerprints can tell.
fn forged_for(name: &str) -> PathBuf {
    let (original, v) = (variant("original"), variant(name));
    let forged = original.snap.with_file_name(format!("forged-{name}.snap"));
    rewrite(&original.snap, &forged, Some(&v.build_id), |_| {});
    forged
}

#[test]
fn with_a_matching_build_id_the_fingerprint_catches_a_changed_body_or_type() {
    for (name, stale) in [("body", "app::squares"), ("type", "app::settings")] {
        let v = variant(name);
        let forged = forged_for(name);
        let (err, outcomes) = run_on(v, &forged);
        assert_eq!(
            err,
            format!(
                "fastboot: computing {stale}: stale: the snapshot's entry was frozen from \
                 another definition or type ({})\n",
                forged.display()
            ),
            "{name}"
        );
        for outcome in outcomes {
            let expected = if outcome.starts_with(&format!("outcome {stale} ")) {
                "computed (stale: "
            } else {
                "thawed from "
            };
            assert!(outcome.contains(expected), "{name}: {outcome}");
        }
        assert_strict_fails(v, &forged, &format!("{stale}: stale"));
    }
}

#[test]
fn with_a_matching_build_id_unchanged_entries_all_thaw() {
    // Unrelated code changed: every fingerprint still matches, which shows
    // the stale entries above were caught by their own change.
    let v = variant("unrelated");
    let forged = forged_for("unrelated");
    let (err, outcomes) = run_on(v, &forged);
    assert_eq!(err, "");
    assert_eq!(outcomes.len(), 3);
    assert!(
        outcomes.iter().all(|l| l.contains("thawed from")),
        "{outcomes:?}"
    );
}
