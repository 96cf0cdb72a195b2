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
//! # Modes
//!
//! | attribute | returns | accepts | first access |
//! |---|---|---|---|
//! | `#[frozen]` | `&'static Archived<T>` | rkyv types | in place: free at any size |
//! | `#[frozen(deserialize)]` | `&'static T` | rkyv types with `Deserialize` | rkyv deserializes once |
//! | `#[frozen(serde)]` | `&'static T` | serde types (`serde_json::Value`...) | MessagePack decoded once |
//!
//! The owned modes cost a deserialization at first access, which grows with
//! the value; they pay where the body really computes (parsing, building a
//! trie), and let a `static X: LazyLock<T>` whose callers use `&T` become a
//! frozen function with no other change. Tables of `&'static str` and
//! `&'static [T]` freeze in the rkyv modes (see [`Static`]); in
//! `deserialize` mode they point into the snapshot instead of being copied.
//!
//! # Running
//!
//! | environment | effect |
//! |---|---|
//! | `FASTBOOT_FREEZE=app.snap` | [`init`] computes every frozen static, writes the snapshot, exits |
//! | `FASTBOOT_SNAPSHOT=app.snap` | the executable thaws from this file (default: `<exe>.snap` beside it; a shared library: `<library>.snap` beside it, always) |
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

#[cfg(target_endian = "little")]
pub use fastboot_core::AsNative;
pub use fastboot_core::{init, report};
pub use fastboot_core::{
    ArchivedWith, EntryReport, FreezeError, GetNative, InMemory, InvalidData, Native, Origin,
    Outcome, Reason, SnapshotError, Sorted, Static,
};
pub use rkyv;
pub use rkyv::Archived;

/// Turns a function computing a value into a frozen static.
///
/// The function keeps its name and visibility and now returns
/// `&'static Archived<T>`: the value thawed from the snapshot, or computed
/// by the body (once, thread safely) if there is no usable snapshot.
///
/// ```
/// use std::collections::HashMap;
///
/// #[fastboot::frozen]
/// fn word_lengths() -> HashMap<String, u32> {
///     ["frozen", "statics", "thaw"]
///         .iter()
///         .map(|w| (w.to_string(), w.len() as u32))
///         .collect()
/// }
///
/// let lengths: &'static fastboot::Archived<HashMap<String, u32>> = word_lengths();
/// assert_eq!(lengths.get("thaw").map(|n| n.to_native()), Some(4));
/// // Later calls return the same value, at the same address.
/// assert!(std::ptr::eq(lengths, word_lengths()));
/// ```
///
/// With `deserialize` or `serde` it returns `&'static T` instead,
/// deserialized once at first access:
///
/// ```
/// #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Config {
///     name: String,
///     retries: u32,
/// }
///
/// #[fastboot::frozen(serde)]
/// fn config() -> Config {
///     Config { name: "app".into(), retries: 3 }
/// }
///
/// #[fastboot::frozen(deserialize)]
/// fn primes() -> Vec<u32> {
///     (2..100u32).filter(|n| (2..*n).all(|d| n % d != 0)).collect()
/// }
///
/// let config: &'static Config = config();
/// assert_eq!(config.retries, 3);
/// let primes: &'static Vec<u32> = primes();
/// assert_eq!(primes[..3], [2, 3, 5]);
/// ```
///
/// The function must be a free function (in a module, not an `impl`) with
/// no arguments, no generics, not `const`, `async`, `unsafe` or `extern`,
/// returning a named type that its mode can store. Anything else is a
/// compile error, at the offending part, saying what to do.
///
/// A crate that re-exports fastboot names it with `crate`, as in
/// `#[my_framework::fastboot::frozen(crate = my_framework::fastboot)]`.
pub use fastboot_macros::frozen;

/// Calls [`init`] first in `main`.
///
/// ```
/// #[fastboot::frozen]
/// fn greeting() -> String {
///     "hello".repeat(2)
/// }
///
/// #[fastboot::main]
/// fn main() {
///     assert_eq!(greeting().as_str(), "hellohello");
/// }
/// # main();
/// ```
///
/// Like `frozen`, it takes `crate = path` where fastboot is re-exported.
pub use fastboot_macros::main;

/// Support for the macros; not public API.
#[doc(hidden)]
pub use fastboot_core::__private;
