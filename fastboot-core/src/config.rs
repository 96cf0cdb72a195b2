//! Run-time settings, read once from the environment.

use std::ffi::OsString;
use std::sync::OnceLock;

/// Selects the mode: `strict`, `off` or `verify` (unset: normal).
pub const MODE_VAR: &str = "FASTBOOT";
/// Makes the first image (program or shared library) with frozen statics
/// whose initializer runs (before `main`, or when the library is loaded;
/// else `init()`) freeze every entry into the snapshot file it names, then
/// exit the process.
pub const FREEZE_VAR: &str = "FASTBOOT_FREEZE";
/// Limits the threads of a freeze run (default: the available parallelism).
pub const FREEZE_THREADS_VAR: &str = "FASTBOOT_FREEZE_THREADS";
/// Names the executable's snapshot file; a shared library ignores it and
/// uses `<library>.snap` beside its file.
pub const SNAPSHOT_VAR: &str = "FASTBOOT_SNAPSHOT";

/// What to do with the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Thaw what can be thawed, compute the rest (the default).
    Normal,
    /// Every value must be thawed; anything else is a fatal error.
    Strict,
    /// Ignore snapshots: compute every value.
    Off,
    /// `init()` checks every entry of the snapshot, reports, and exits.
    Verify,
}

/// The mode selected by `FASTBOOT`.
pub fn mode() -> Mode {
    static MODE: OnceLock<Mode> = OnceLock::new();
    *MODE.get_or_init(|| match std::env::var(MODE_VAR).as_deref() {
        Err(_) | Ok("" | "normal") => Mode::Normal,
        Ok("strict") => Mode::Strict,
        Ok("off") => Mode::Off,
        Ok("verify") => Mode::Verify,
        Ok(other) => {
            eprintln!("fastboot: ignoring {MODE_VAR}={other:?} (expected strict, off or verify)");
            Mode::Normal
        }
    })
}

/// The snapshot path to freeze into, if this is a freeze run.
pub fn freeze_path() -> Option<OsString> {
    std::env::var_os(FREEZE_VAR).filter(|p| !p.is_empty())
}

/// The number of threads `FASTBOOT_FREEZE_THREADS` asks a freeze run for,
/// if it is a positive number.
pub fn freeze_threads() -> Option<std::num::NonZeroUsize> {
    let threads = std::env::var(FREEZE_THREADS_VAR).ok()?;
    let parsed = threads.trim().parse().ok();
    if parsed.is_none() {
        eprintln!(
            "fastboot: ignoring {FREEZE_THREADS_VAR}={threads:?} (expected a positive number)"
        );
    }
    parsed
}

/// The snapshot file named by `FASTBOOT_SNAPSHOT`.
pub fn snapshot_path() -> Option<OsString> {
    std::env::var_os(SNAPSHOT_VAR).filter(|p| !p.is_empty())
}
