//! **fastboot** makes programs start instantly: expensive statics are
//! computed once, at build time, archived with [rkyv] into a snapshot, and
//! accessed zero-copy at startup instead of being recomputed.
//!
//! ```no_run
//! use std::collections::HashMap;
//!
//! #[fastboot::frozen]
//! fn word_index() -> HashMap<String, Vec<u32>> {
//!     // seconds of parsing, done once by the freeze run
//! #   HashMap::new()
//! }
//!
//! #[fastboot::main]
//! fn main() {
//!     // `&'static Archived<HashMap<String, Vec<u32>>>`, thawed in microseconds
//!     let index = word_index();
//!     println!("{:?}", index.get("rust").map(|postings| postings.len()));
//! }
//! ```
//!
//! A `#[frozen]` function keeps its name and visibility and returns
//! `&'static Archived<T>`. Its first call thaws the value from the snapshot
//! or, if there is no usable snapshot, runs the body and archives the result
//! in memory: exactly once, thread safely. A program is always correct with
//! or without a snapshot.
//!
//! # Running
//!
//! | environment | effect |
//! |---|---|
//! | `FASTBOOT_FREEZE=app.snap` | [`init`] computes every frozen static, writes the snapshot, exits |
//! | `FASTBOOT_SNAPSHOT=app.snap` | thaw from this file (default: `<exe>.snap` beside the executable) |
//! | `FASTBOOT=strict` | a value that cannot be thawed is a fatal error, with its reason |
//! | `FASTBOOT=off` | ignore snapshots, compute everything |
//! | `FASTBOOT=verify` | [`init`] validates every entry of the snapshot, reports, exits |
//!
//! Snapshots are looked for in the executable's `fastboot` section, then in
//! a snapshot appended to the executable, then in the file; see
//! `cargo fastboot` (crate `fastboot-ld`) to embed one. [`report`] tells how
//! each value was obtained.
//!
//! # Types
//!
//! Any `T` rkyv can archive with validation: `String`, `Vec`, `HashMap`,
//! `BTreeMap`, tuples, and your own types deriving `rkyv::Archive` and
//! `rkyv::Serialize`. A top-level `HashMap` or `HashSet` is archived in a
//! canonical order, so freezing twice gives identical snapshots; mark one
//! nested in your own type with `#[rkyv(with = fastboot::Sorted)]` (see
//! [`Sorted`]).
//!
//! # Libraries
//!
//! Library crates can define frozen statics too: every one linked into the
//! program lands in the same snapshot. A crate is linked only if the program
//! uses it; if a library's only use is its frozen statics, name it with
//! `use the_library as _;`.

pub use fastboot_core::{init, report};
pub use fastboot_core::{EntryReport, Origin, Outcome, Reason, Sorted};
pub use fastboot_macros::{frozen, main};
pub use rkyv;
pub use rkyv::Archived;

/// Support for the macros; not public API.
#[doc(hidden)]
pub use fastboot_core::__private;
