//! Build-time side of [fastboot](https://docs.rs/fastboot).
//!
//! - [`mod@link`]: the linker script that gives the `fastboot` section its own
//!   segment, for a program's build script. It has no dependency.

pub mod link;

pub use link::link;
