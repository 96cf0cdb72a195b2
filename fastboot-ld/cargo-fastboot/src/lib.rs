//! The `cargo fastboot` command's library: embedding a snapshot into an
//! executable of any target and format, reading it back and describing it,
//! and running cargo with freeze runs in between. Its binary, its tests and
//! fastboot's benchmarks use it; a program's build script uses the
//! dependency-free `fastboot-ld` instead.
//!
//! - [`exe`]: executables (ELF, PE, Mach-O): their facts, and their
//!   `fastboot` section rewritten.
//! - [`snapshot`]: snapshots embedded in a section or appended, read back,
//!   described, compared.
//! - [`cargo`]: `cargo fastboot build`, the target runner cargo would use,
//!   the test runner given to `cargo test`, and the runs of a program in
//!   fastboot's modes (freeze, verify, strict).

pub mod cargo;
mod error;
pub mod exe;
mod output;
pub mod snapshot;

pub use error::{Error, Result};
