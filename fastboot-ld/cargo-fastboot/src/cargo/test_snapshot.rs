//! Where the test runner keeps a test binary's snapshot: embedded in the
//! binary itself, so that it is as trusted as the binary's code and each
//! test process thaws it with no checksum and no validation (the README's
//! trust model).
//!
//! The binary cargo built is replaced by a copy that carries the snapshot
//! (appended with a footer; in its `fastboot` section where nothing can be
//! appended, as on a signed Mach-O executable). The copy is written beside
//! it, given the original's modification time, and renamed over it, so:
//!
//! - cargo still sees the binary it built, fresh: it compares times, and
//!   the time is the one it wrote;
//! - a process already running the old binary keeps running it (a rename
//!   never changes an open file), and another name hard-linked to the old
//!   binary keeps what cargo made;
//! - two runners freezing the same binary at once each rename a complete
//!   copy over it; freezing is deterministic, so either is the same;
//! - a binary that cargo rebuilds has no snapshot (and, if its code changed,
//!   another build-id): it is frozen again.
//!
//! Where neither place can take it, the snapshot is kept in `<binary>.snap`
//! beside it, which the program checks as any snapshot file.

use std::fmt;
use std::fs::OpenOptions;
use std::io::Read;
use std::path::Path;

use fastboot_core::contract::{snapshot_beside, BuildId};
use fastboot_core::format::{self, HEADER_LEN};

use crate::cargo::modes;
use crate::cargo::target_runner::Runner;
use crate::error::{Error, Result};
use crate::exe::Info;
use crate::output::TempFile;
use crate::snapshot::read::embedded_producer;
use crate::snapshot::{embed, Method};

/// Where a test binary's snapshot is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Embedded in the binary (trusted, no validation).
    Embedded(Method),
    /// In `<binary>.snap` (checked by the program as any file).
    Beside,
}

impl Placement {
    /// Where the snapshot of the executable at `path`, whose facts are
    /// `info`, goes: appended if it can be, else in its section, else
    /// beside it.
    pub fn of(path: &Path, info: &Info) -> Placement {
        if info.footer_obstacle.is_none() {
            Placement::Embedded(Method::Footer)
        } else if info.section_usable(path).is_ok() {
            Placement::Embedded(Method::Section)
        } else {
            Placement::Beside
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Placement::Embedded(Method::Footer) => f.write_str("appended to it"),
            Placement::Embedded(Method::Section) => f.write_str("in its fastboot section"),
            Placement::Beside => f.write_str("beside it"),
        }
    }
}

/// Whether `binary` (whose facts are `info`) already has a snapshot frozen
/// by this very build (`build_id`) where [`Placement::of`] puts it.
pub fn is_fresh(binary: &Path, info: &Info, build_id: &BuildId) -> bool {
    let producer = match Placement::of(binary, info) {
        Placement::Embedded(_) => embedded_producer(binary, info),
        Placement::Beside => producer_of_file(&snapshot_beside(binary)),
    };
    producer.as_deref() == Some(build_id.as_bytes())
}

/// Freezes `binary` (through `runner`) and keeps its snapshot where
/// [`Placement::of`] says, which it returns.
pub fn freeze(binary: &Path, info: &Info, runner: &Runner) -> Result<Placement> {
    let placement = Placement::of(binary, info);
    let Placement::Embedded(method) = placement else {
        modes::freeze(binary, runner, &snapshot_beside(binary))?;
        return Ok(placement);
    };
    let modified = std::fs::metadata(binary)
        .and_then(|m| m.modified())
        .map_err(Error::at(binary))?;
    let snapshot = TempFile::beside(binary, "freeze");
    modes::freeze_into(binary, runner, &snapshot)?;
    let embedded = TempFile::beside(binary, "embed");
    embed(binary, snapshot.path(), embedded.path(), method)?;
    // Closed before the rename: a file open for writing cannot be run.
    OpenOptions::new()
        .write(true)
        .open(embedded.path())
        .and_then(|file| file.set_modified(modified))
        .map_err(Error::at(embedded.path()))?;
    embedded.persist(binary, None)?;
    Ok(placement)
}

/// The producer recorded in the header of the snapshot file at `path`, if
/// it is one (the program checks the rest when it thaws).
fn producer_of_file(path: &Path) -> Option<Vec<u8>> {
    let mut header = [0u8; HEADER_LEN];
    std::fs::File::open(path)
        .and_then(|mut file| file.read_exact(&mut header))
        .ok()?;
    format::producer_in_header(&header).map(<[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exe::{FastbootSection, Format};

    fn info(format: Format, own_segment: Option<bool>, footer: bool) -> Info {
        Info {
            format,
            build_id: None,
            section: own_segment.map(|own_segment| FastbootSection {
                offset: 4096,
                size: 16,
                addr: 0x10_0000,
                own_segment,
            }),
            section_obstacle: None,
            footer_obstacle: (!footer).then_some("a code signature ends the file"),
            extent: 8192,
            has_frozen_statics: true,
            library: false,
        }
    }

    #[test]
    fn the_snapshot_is_appended_where_it_can_be_else_put_in_the_section_else_beside() {
        let path = Path::new("deps/table-0123");
        let placement =
            |format, own_segment, footer| Placement::of(path, &info(format, own_segment, footer));
        // Any linker's ELF binary, with or without fastboot_ld::link().
        let footer = Placement::Embedded(Method::Footer);
        assert_eq!(placement(Format::Elf, None, true), footer);
        assert_eq!(placement(Format::Elf, Some(true), true), footer);
        // Signed Mach-O: nothing may follow the signature.
        let section = Placement::Embedded(Method::Section);
        assert_eq!(placement(Format::MachO, Some(true), false), section);
        assert_eq!(
            placement(Format::MachO, Some(false), false),
            Placement::Beside
        );
        assert_eq!(placement(Format::MachO, None, false), Placement::Beside);
    }
}
