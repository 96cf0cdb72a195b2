//! Every mode thaws from the executable's own `fastboot` section: the
//! `kinds` example (zero-copy values, `deserialize` values of user types
//! whose methods are called, `&'static str` tables, serde-only values)
//! built, frozen and embedded by `cargo fastboot build`, then run strictly.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// `cargo fastboot build --example kinds` (this repository's alias runs the
/// tool from source): the embedded copy's path, which it prints last.
fn embedded_kinds() -> PathBuf {
    let output = fastboot_test_support::output(
        Command::new(env!("CARGO"))
            .args(["fastboot", "build", "--quiet", "--example", "kinds"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("FASTBOOT")
            .env_remove("FASTBOOT_SNAPSHOT"),
    );
    assert!(
        output.status.success(),
        "cargo fastboot build: {}",
        stderr(&output)
    );
    let path = stdout(&output).lines().last().unwrap().trim().to_owned();
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

#[test]
fn every_mode_thaws_strictly_from_the_section_with_the_computed_values() {
    let program = embedded_kinds();
    let output = run_program(&program, &[("FASTBOOT", Path::new("strict"))]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "a clean thaw prints nothing");
    let out = stdout(&output);
    let outcomes = lines(&out, "outcome");
    assert_eq!(outcomes.len(), ENTRIES, "{out}");
    for outcome in outcomes {
        assert!(
            outcome.ends_with("thawed from the executable's fastboot section"),
            "{outcome}"
        );
    }
    assert_eq!(lines(&out, "value").join("\n"), computed_values());
}
