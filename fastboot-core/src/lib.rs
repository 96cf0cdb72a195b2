//! The engine of [fastboot](https://docs.rs/fastboot): the snapshot
//! [`format`](mod@format), the [`registry`] of frozen statics, the freeze run, and thawing
//! from the executable's section, its footer, or a snapshot file.
//!
//! Programs use it through the `fastboot` crate; `fastboot-ld` uses the
//! format to embed and inspect snapshots.

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
compile_error!("fastboot supports 64-bit Linux only");

pub mod archive;
mod checksum;
pub mod config;
pub mod format;
mod freeze;
mod frozen;
pub mod identity;
pub mod registry;
mod report;
mod source;
mod thaw;
mod verify;

pub use checksum::{checksum, entry_checksum};
pub use frozen::Frozen;
pub use report::{report, EntryReport, Origin, Outcome, Reason};
pub use source::section;

use config::Mode;

/// Prepares frozen statics; call it first in `main`.
///
/// - With `FASTBOOT_FREEZE=<path>`: computes every frozen static, writes the
///   snapshot to `<path>`, prints one line per entry and exits (0 on
///   success, 1 with a message on failure).
/// - With `FASTBOOT=verify`: checks every entry of the snapshot against this
///   binary, prints one line each and exits (0 if all pass, 1 if not).
/// - With `FASTBOOT=strict`: exits with status 1 and one line per problem
///   unless every frozen static can be thawed.
/// - Otherwise: locates the snapshot, printing one line if one was found
///   but cannot be used, and returns. Values are thawed on first access.
pub fn init() {
    if let Some(path) = config::freeze_path() {
        match freeze::run(path.as_ref()) {
            Ok(()) => std::process::exit(0),
            Err(e) => fail(&format!("freeze failed: {e}")),
        }
    }
    match config::mode() {
        Mode::Verify => std::process::exit(if verify::run() { 0 } else { 1 }),
        Mode::Strict => {
            let problems: Vec<String> = registry::entries()
                .into_iter()
                .filter_map(|entry| {
                    thaw::record(entry)
                        .err()
                        .map(|why| format!("{}: {why}", entry.name()))
                })
                .collect();
            if !problems.is_empty() {
                fail(&format!(
                    "strict mode, not thawable: {}",
                    problems.join("; ")
                ));
            }
        }
        Mode::Normal | Mode::Off => thaw::prepare(),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("fastboot: {message}");
    std::process::exit(1)
}
