//! Build-time side of [fastboot](https://docs.rs/fastboot).
//!
//! - [`mod@link`]: what the linker needs to give a program an identity and a
//!   `fastboot` section that can be filled after linking, for a program's
//!   build script. It is all that is built with `default-features = false`,
//!   and has no dependency.
//! - With the `tool` feature (on by default): embedding a snapshot into an
//!   ELF, PE or Mach-O executable of any target ([`embed_section`],
//!   [`embed_footer`]),
//!   reading it back ([`read_snapshot`]) and describing it ([`describe`]),
//!   and running programs as cargo would for their target ([`Runner`]);
//!   and the `cargo fastboot` command.

pub mod link;

pub use link::link;

#[cfg(feature = "tool")]
mod appended;
#[cfg(feature = "tool")]
mod cargo;
#[cfg(feature = "tool")]
mod codesign;
#[cfg(feature = "tool")]
mod elf;
#[cfg(feature = "tool")]
mod embed;
#[cfg(feature = "tool")]
mod error;
#[cfg(feature = "tool")]
mod exe;
#[cfg(feature = "tool")]
mod inspect;
#[cfg(feature = "tool")]
mod le;
#[cfg(feature = "tool")]
mod macho;
#[cfg(feature = "tool")]
mod output;
#[cfg(feature = "tool")]
mod pe;
#[cfg(feature = "tool")]
mod pipeline;
#[cfg(feature = "tool")]
mod read;
#[cfg(feature = "tool")]
mod reproducible;
#[cfg(feature = "tool")]
mod rewrite;
#[cfg(feature = "tool")]
mod run;
#[cfg(feature = "tool")]
mod runner;
#[cfg(feature = "tool")]
mod suite;

#[cfg(feature = "tool")]
pub use embed::{embed, embed_footer, embed_section, Method};
#[cfg(feature = "tool")]
pub use error::{Error, Result};
#[cfg(feature = "tool")]
pub use inspect::describe;
#[cfg(feature = "tool")]
pub use read::{read_snapshot, Found, Location};
#[cfg(feature = "tool")]
pub use runner::Runner;

/// The pieces of the `cargo fastboot` command, for its binary, its tests
/// and fastboot's benchmarks; not public API.
#[cfg(feature = "tool")]
#[doc(hidden)]
pub mod __tool {
    pub use crate::cargo::{executables, target_dir, Artifact};
    pub use crate::embed::choose_method;
    pub use crate::pipeline::{build, BuildOptions, Built};
    pub use crate::reproducible::compare;
    pub use crate::run::{freeze, strict, verify};
    pub use crate::runner::target_of;
    pub use crate::suite::{exec, run as run_suite, EXEC_COMMAND};
}
