//! Compile-time diagnostics of `#[fastboot::frozen]` and `#[fastboot::main]`.
//!
//! Each `tests/ui/fail_*.rs` must fail to compile with the error in its
//! `.stderr` file; each `tests/ui/pass_*.rs` must compile and run. After a
//! deliberate change to a message, regenerate the files with
//! `TRYBUILD=overwrite cargo test --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail_*.rs");
    t.pass("tests/ui/pass_*.rs");
}
