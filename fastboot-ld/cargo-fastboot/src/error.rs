//! The one error type of the tool: each variant displays as one line.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use fastboot_core::format::FormatError;

/// Why embedding, reading or building a snapshot failed.
#[derive(Debug)]
pub enum Error {
    /// The file is not an executable this tool reads: not ELF, PE or
    /// Mach-O.
    NotExecutable(PathBuf),
    /// An executable this tool cannot handle, or a malformed one.
    BadExecutable {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// The executable has no `fastboot` section: it does not use fastboot.
    NoSection(PathBuf),
    /// The `fastboot` section shares its segment, or is not in the last one,
    /// so it cannot grow in place.
    NotOwnSegment(PathBuf),
    /// The executable has no identity to match snapshots against: a GNU
    /// build-id (ELF), a CodeView record (PE) or an `LC_UUID` (Mach-O).
    NoBuildId {
        /// The executable.
        path: PathBuf,
        /// How to give it one.
        hint: &'static str,
    },
    /// The executable cannot hold a snapshot in a `fastboot` section; one
    /// can be appended instead.
    SectionUnusable {
        /// The executable.
        path: PathBuf,
        /// Why.
        why: &'static str,
    },
    /// A snapshot cannot be appended to the executable.
    FooterUnusable {
        /// The executable.
        path: PathBuf,
        /// Why, and what to do instead.
        why: &'static str,
    },
    /// The snapshot was frozen by another binary.
    ForeignSnapshot {
        /// Build-id recorded in the snapshot (hex).
        snapshot: String,
        /// Build-id of the binary (hex).
        binary: String,
    },
    /// The bytes are not a usable snapshot.
    BadSnapshot {
        /// Where the bytes came from.
        path: PathBuf,
        /// Why they are not a snapshot.
        error: FormatError,
    },
    /// An executable that holds no snapshot, neither in its section nor
    /// after a footer.
    NoSnapshot(PathBuf),
    /// Two freeze runs of one binary wrote different archives for these
    /// entries.
    NotReproducible(Vec<String>),
    /// The second freeze run of `--check-reproducible`, in a varied
    /// environment, failed.
    FailsInVariedEnvironment {
        /// The entry it failed to compute, if known.
        entry: Option<String>,
        /// Its exit status.
        detail: String,
    },
    /// A command ran but failed.
    CommandFailed {
        /// The command, as a short description.
        command: String,
        /// Its exit status, or its last line of output.
        detail: String,
    },
    /// Reading or writing a file, or starting a process, failed.
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: io::Error,
    },
    /// Anything else; the message says what.
    Other(String),
}

impl Error {
    /// An I/O error, with what was being done.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    /// An I/O error while reading or writing `path`.
    pub fn at(path: &Path) -> impl FnOnce(io::Error) -> Self + '_ {
        move |source| Error::io(path.display().to_string(), source)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotExecutable(path) => {
                write!(f, "{}: not an ELF, PE or Mach-O executable", path.display())
            }
            Error::BadExecutable { path, why } => write!(f, "{}: {why}", path.display()),
            Error::NoSection(path) => write!(
                f,
                "{}: no fastboot section (is the program built with fastboot?)",
                path.display()
            ),
            Error::NotOwnSegment(path) => write!(
                f,
                "{}: the fastboot section is not in its own segment: \
                 link with fastboot_ld::link() in build.rs, or use --footer",
                path.display()
            ),
            Error::NoBuildId { path, hint } => write!(f, "{}: {hint}", path.display()),
            Error::SectionUnusable { path, why } => write!(
                f,
                "{}: cannot embed in a fastboot section: {why}; use --footer",
                path.display()
            ),
            Error::FooterUnusable { path, why } => {
                write!(f, "{}: cannot append a snapshot: {why}", path.display())
            }
            Error::ForeignSnapshot { snapshot, binary } => write!(
                f,
                "snapshot was produced by another binary (build-id {snapshot}, binary is {binary})"
            ),
            Error::BadSnapshot { path, error } => write!(f, "{}: {error}", path.display()),
            Error::NoSnapshot(path) => write!(
                f,
                "{}: no snapshot embedded (neither in the fastboot section nor appended)",
                path.display()
            ),
            Error::NotReproducible(entries) => write!(
                f,
                "freezing is not reproducible: two freeze runs (the second with HOME, USER, \
                 TZ and LANG changed) archived different bytes for {}; a value depends on \
                 something other than the code (time, environment, randomness, the machine: \
                 keep such a value a LazyLock; or the iteration order of a HashMap or HashSet \
                 inside your type: mark it #[rkyv(with = fastboot::Sorted)])",
                entries.join(", ")
            ),
            Error::FailsInVariedEnvironment { entry, detail } => write!(
                f,
                "freezing is not reproducible: {} failed to compute with HOME, USER, TZ and LANG \
                 changed ({detail}); a value that reads the machine's state must stay a LazyLock",
                entry.as_deref().unwrap_or("a value")
            ),
            Error::CommandFailed { command, detail } => write!(f, "{command} failed: {detail}"),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::Other(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::BadSnapshot { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
