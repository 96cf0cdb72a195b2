//! The freeze run: compute every registered entry and write the snapshot.

use std::fmt;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};

use crate::atomic::AtomicFile;
use crate::format::{FormatError, Writer};
use crate::identity;
use crate::os;
use crate::registry;
use crate::registry::{Entry, FrozenArchive};
use crate::say;

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

/// The key `entry` has in `keyed`.
fn key_of<'k>(keyed: &'k [(String, Vec<&'static Entry>)], entry: &Entry) -> &'k str {
    keyed
        .iter()
        .find(|(_, sharing)| sharing.iter().any(|e| std::ptr::eq(*e, entry)))
        .map(|(key, _)| key.as_str())
        .expect("every registered entry has a key")
}

/// Freezes the entries that share one key (the same code linked twice, see
/// [`registry::keys`]): each is computed, and all must give the same bytes.
fn freeze_sharing(sharing: &[&'static Entry]) -> Result<FrozenArchive, FreezeError> {
    let mut frozen = None;
    for entry in sharing {
        let archive = *entry.freeze().ok_or(FreezeError::NotFrozen(entry.name()))?;
        match frozen {
            Some(FrozenArchive { bytes, .. }) if bytes != archive.bytes => {
                return Err(FreezeError::DuplicateName(entry.display_name()));
            }
            Some(_) => {}
            None => frozen = Some(archive),
        }
    }
    Ok(frozen.expect("a key is shared by at least one entry"))
}

/// Computes and archives every registered entry, in name order, printing one
/// line per entry, and writes the snapshot to `path` as each archive is made
/// (atomically: a reader never sees a partial file).
///
/// An entry that another one used was computed then, once; its archive is
/// written in its turn.
pub fn run(path: &Path) -> Result<(), FreezeError> {
    if !os::SUPPORTED {
        return Err(FreezeError::Unsupported);
    }
    let producer = identity::current_build_id().ok_or(FreezeError::NoIdentity)?;
    let entries = registry::entries();
    let keyed = registry::keys(&entries);
    let io_error = |error| FreezeError::Io {
        path: path.to_owned(),
        error,
    };
    let mut file = AtomicFile::create(path).map_err(io_error)?;
    let keys: Vec<&str> = keyed.iter().map(|(key, _)| key.as_str()).collect();
    let registry: Vec<&str> = registry::in_registry_order()
        .into_iter()
        .map(|entry| key_of(&keyed, entry))
        .collect();
    let mut writer = Writer::new(
        BufWriter::new(file.file()),
        producer.as_bytes(),
        &keys,
        &registry,
    )
    .map_err(FreezeError::Format)?;
    let mut total = 0;
    for (key, sharing) in &keyed {
        let frozen = freeze_sharing(sharing)?;
        say(format_args!(
            "fastboot: froze {key} ({} bytes): computed in {:.1} ms, archived in {:.1} ms",
            frozen.bytes.len(),
            frozen.computed.as_secs_f64() * 1e3,
            frozen.archived.as_secs_f64() * 1e3,
        ));
        writer
            .add(key, sharing[0].fingerprint(), frozen.bytes)
            .map_err(io_error)?;
        total += frozen.bytes.len();
    }
    writer
        .finish()
        .and_then(|out| out.into_inner().map_err(io::IntoInnerError::into_error))
        .map_err(io_error)?;
    file.commit(None).map_err(io_error)?;
    say(format_args!(
        "fastboot: wrote {} ({} entries, {total} bytes of archives, build-id {producer})",
        path.display(),
        keyed.len(),
    ));
    Ok(())
}
