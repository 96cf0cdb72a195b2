//! Linking a program that uses [fastboot](https://docs.rs/fastboot), from
//! its build script: [`link()`] gives the program an identity and a
//! `fastboot` section that `cargo fastboot` fills after linking.
//!
//! ```no_run
//! // in build.rs's `fn main`:
//! fastboot_ld::link();
//! ```
//!
//! with `fastboot-ld = "0.1"` under `[build-dependencies]`. This crate has
//! no dependency. The `cargo fastboot` command is the `cargo-fastboot`
//! package (`cargo install cargo-fastboot`).

pub mod link;

pub use link::link;
