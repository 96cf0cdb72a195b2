//! Build-time side of [fastboot](https://docs.rs/fastboot).
//!
//! - [`mod@link`]: the linker script that gives the `fastboot` section its own
//!   segment, for a program's build script. It is all that is built with
//!   `default-features = false`, and has no dependency.
//! - With the `tool` feature (on by default): embedding a snapshot into an
//!   executable ([`embed_section`], [`embed_footer`]), reading it back
//!   ([`read_snapshot`]) and describing it ([`inspect`]); and the pieces of
//!   the `cargo fastboot` command: running cargo ([`cargo`]), running the
//!   program in fastboot's modes ([`run`]), and the whole build ([`pipeline`]).

pub mod link;

pub use link::link;

#[cfg(feature = "tool")]
mod appended;
#[cfg(feature = "tool")]
pub mod cargo;
#[cfg(feature = "tool")]
pub mod elf;
#[cfg(feature = "tool")]
pub mod embed;
#[cfg(feature = "tool")]
pub mod error;
#[cfg(feature = "tool")]
pub mod inspect;
#[cfg(feature = "tool")]
mod output;
#[cfg(feature = "tool")]
pub mod pipeline;
#[cfg(feature = "tool")]
pub mod read;
#[cfg(feature = "tool")]
pub mod reproducible;
#[cfg(feature = "tool")]
mod rewrite;
#[cfg(feature = "tool")]
pub mod run;
#[cfg(feature = "tool")]
pub mod runner;
#[cfg(feature = "tool")]
pub mod suite;

#[cfg(feature = "tool")]
pub use embed::{embed, embed_footer, embed_section, Method};
#[cfg(feature = "tool")]
pub use error::{Error, Result};
#[cfg(feature = "tool")]
pub use read::{read_snapshot, Found, Location};
