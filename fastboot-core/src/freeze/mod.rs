//! The freeze run: compute every registered entry, on the machine's cores,
//! and write the snapshot as the archives are made.

mod assembly;
mod claims;

use std::fmt;
use std::io;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::thread;

pub(crate) use assembly::{Assembly, Stored};
pub(crate) use claims::Claim;

use crate::config;
use crate::format::FormatError;
use crate::identity;
use crate::os;
use crate::say;
use crate::thaw;
use crate::vocabulary::Reason;

/// Why a freeze run failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum FreezeError {
    /// Snapshots are not supported on this target.
    Unsupported,
    /// The binary has no identity (GNU build-id, CodeView record or
    /// `LC_UUID`) to tie a snapshot to.
    NoIdentity,
    /// Two frozen statics have the same name, crate version, definition and
    /// type (the same code linked twice), yet computed different values.
    DuplicateName(String),
    /// The snapshot's metadata cannot be written (see the message).
    Format(FormatError),
    /// A frozen static's value was obtained otherwise than by this run.
    NotFrozen(&'static str),
    /// Writing the snapshot file failed.
    Io {
        /// The snapshot file.
        path: PathBuf,
        /// What went wrong.
        error: io::Error,
    },
}

impl fmt::Display for FreezeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsupported => f.write_str("no snapshot support on this target"),
            Self::NoIdentity => write!(
                f,
                "this binary has no {}: {}",
                crate::os::IDENTITY,
                crate::os::IDENTITY_HINT
            ),
            Self::DuplicateName(name) => write!(
                f,
                "two frozen statics are named `{name}`, with the same crate version, \
                 definition and type, and computed different values"
            ),
            Self::Format(error) => error.fmt(f),
            Self::NotFrozen(name) => write!(f, "{name} was not computed by the freeze run"),
            Self::Io { path, error } => write!(f, "writing {}: {error}", path.display()),
        }
    }
}

impl std::error::Error for FreezeError {}

/// The snapshot this freeze run writes, created at the first archive (or
/// by [`run`]). A failure to create it ends the run.
pub(crate) fn assembly() -> &'static Assembly {
    static ASSEMBLY: OnceLock<Assembly> = OnceLock::new();
    ASSEMBLY.get_or_init(|| {
        let path = config::freeze_path().expect("a freeze run");
        let created = identity::current_build_id()
            .ok_or(FreezeError::NoIdentity)
            .and_then(|producer| Assembly::create(path.as_ref(), producer.as_bytes()));
        created.unwrap_or_else(|e| crate::fail(&format!("freeze failed: {e}")))
    })
}

/// Whether this process is a freeze run (which needs no snapshot, so a
/// cheap check once the first frozen static was accessed).
pub(crate) fn running() -> bool {
    matches!(thaw::unavailable(), Some(Reason::Freezing))
}

/// How many threads compute frozen statics: `FASTBOOT_FREEZE_THREADS` if
/// set to a positive number, else the machine's available parallelism;
/// never more than there are `keys`. A shared library freezes on the thread
/// that loads it, alone: its freeze run happens inside the loader (under
/// Windows' loader lock, which a new thread must take before it starts).
fn threads(keys: usize) -> usize {
    if !os::is_executable() {
        return 1;
    }
    let wanted = config::freeze_threads()
        .or_else(|| thread::available_parallelism().ok())
        .map_or(1, NonZeroUsize::get);
    wanted.min(keys).max(1)
}

/// Computes every registered entry (on several threads: see [`threads`]),
/// streaming each archive into the snapshot at `path` as it is made, in
/// key order whatever the order of computing (see [`Assembly`]), then
/// writes the snapshot's metadata and renames it into place (atomically: a
/// reader never sees a partial file). Prints one line per key as soon as
/// it is frozen (in key order on one thread): a run that fails says which
/// it froze.
///
/// An entry that another one used was computed then, once.
pub fn run(path: &Path) -> Result<(), FreezeError> {
    if !os::SUPPORTED {
        return Err(FreezeError::Unsupported);
    }
    let producer = identity::current_build_id().ok_or(FreezeError::NoIdentity)?;
    debug_assert_eq!(config::freeze_path().as_deref(), Some(path.as_os_str()));
    let assembly = assembly();
    let keys = assembly.keys();
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some((key, sharing)) = keys.get(next.fetch_add(1, Ordering::Relaxed)) {
            for entry in sharing {
                entry.freeze();
            }
            if let Some(frozen) = sharing[0].frozen() {
                say(format_args!(
                    "fastboot: froze {key} ({} bytes): computed in {:.1} ms, archived in {:.1} ms",
                    frozen.stored.len(),
                    frozen.computed.as_secs_f64() * 1e3,
                    frozen.archived.as_secs_f64() * 1e3,
                ));
            }
        }
    };
    let threads = threads(keys.len());
    if threads == 1 {
        work();
    } else {
        thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(work);
            }
        });
    }
    if let Some((_, sharing)) = keys
        .iter()
        .find(|(_, sharing)| sharing[0].frozen().is_none())
    {
        return Err(FreezeError::NotFrozen(sharing[0].name()));
    }
    let total = assembly.commit()?;
    say(format_args!(
        "fastboot: wrote {} ({} entries, {total} bytes of archives, build-id {producer}, \
         {threads} threads)",
        path.display(),
        keys.len(),
    ));
    Ok(())
}
