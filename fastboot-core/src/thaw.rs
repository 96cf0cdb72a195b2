//! Thawing: finding an entry in this process's snapshot and checking it is
//! safe to use for the entry's type.

use std::sync::OnceLock;

use crate::config::{self, Mode};
use crate::format::EntryRecord;
use crate::os;
use crate::registry::{self, Entry};
use crate::report::Outcome;
use crate::source::{self, Located};
use crate::vocabulary::{InvalidData, Origin, Reason};

/// The snapshot this process thaws from, located once.
fn located() -> &'static Result<Located, Reason> {
    static LOCATED: OnceLock<Result<Located, Reason>> = OnceLock::new();
    LOCATED.get_or_init(|| {
        if !os::SUPPORTED {
            Err(Reason::Unsupported)
        } else if config::freeze_path().is_some() {
            Err(Reason::Freezing)
        } else if config::mode() == Mode::Off {
            Err(Reason::Disabled)
        } else {
            registry::number();
            source::locate()
        }
    })
}

/// Locates the snapshot now (printing any diagnostic), if not done yet.
pub fn prepare() {
    located();
}

/// Why no snapshot can be used by any entry, if that is so.
pub fn unavailable() -> Option<&'static Reason> {
    located().as_ref().err()
}

/// The entry's record in the snapshot, if present with a matching
/// fingerprint and data that pass [`check_data`], and where the snapshot
/// came from. The checks are done once (by `init()` in strict mode, or at
/// first access): the entry then keeps its row (see
/// `Entry::checked_row`), and later calls read it with no check or search.
pub fn record(entry: &Entry) -> Result<(EntryRecord<'static>, &'static Origin), Reason> {
    let located = located().as_ref().map_err(Clone::clone)?;
    let snapshot = &located.snapshot;
    let record = if let Some(row) = entry.checked_row() {
        snapshot.record(row)
    } else {
        let (row, record) = look_up(entry, located)?;
        entry.set_checked_row(row);
        record
    };
    Ok((record, &located.origin))
}

/// Finds the entry's row and checks it.
///
/// It is under the entry's name, or, where another entry linked into the
/// program has the same name, under a key naming its crate's version (see
/// `registry::keys`): looked for only when the name is not there.
fn look_up(
    entry: &Entry,
    located: &'static Located,
) -> Result<(usize, EntryRecord<'static>), Reason> {
    let snapshot = &located.snapshot;
    // By the entry's place in the registry, with no search: the snapshot's
    // slots are in this binary's registry order, since this binary wrote it
    // (which the producer tells; an embedded snapshot is as trusted as the
    // code, a file's name is compared). By name otherwise.
    let slot = entry.slot();
    let by_slot = if located.origin.is_embedded() {
        snapshot.slot_row(slot)
    } else {
        snapshot.slot_named(slot, entry.name())
    };
    let found = by_slot
        .or_else(|| snapshot.position(entry.name()))
        .or_else(|| entry.keys().iter().find_map(|key| snapshot.position(key)));
    let Some(row) = found else {
        return Err(Reason::Missing);
    };
    let record = snapshot
        .checked_record(row)
        .map_err(|e| Reason::Invalid(InvalidData::Row(e)))?;
    if record.fingerprint != entry.fingerprint() {
        return Err(Reason::Stale);
    }
    let (root_size, root_align) = entry.root();
    check_data(&record, &located.origin, root_size, root_align)?;
    Ok((row, record))
}

/// How a value thawed from this process's snapshot was obtained.
///
/// # Panics
/// If no snapshot was located: only values from one are thawed.
pub fn thawed() -> &'static Outcome {
    static THAWED: OnceLock<Outcome> = OnceLock::new();
    THAWED.get_or_init(|| {
        let located = located().as_ref().expect("thawed from a located snapshot");
        Outcome::Thawed(located.origin.clone())
    })
}

/// How a value computed for `reason` was obtained: shared by every entry
/// when the reason is the process's (no snapshot, or none usable), or made
/// for the entry (and kept for the life of the process).
pub fn computed(reason: Reason) -> &'static Outcome {
    static UNAVAILABLE: OnceLock<Outcome> = OnceLock::new();
    match unavailable() {
        Some(common) if *common == reason => UNAVAILABLE.get_or_init(|| Outcome::Computed(reason)),
        _ => Box::leak(Box::new(Outcome::Computed(reason))),
    }
}

/// Checks what can be checked without the entry's type: the data is aligned
/// for an archive whose root has `root_align`, long enough for a root of
/// `root_size` bytes, and, unless embedded in the executable, unchanged
/// since it was written.
fn check_data(
    record: &EntryRecord<'_>,
    origin: &Origin,
    root_size: usize,
    root_align: usize,
) -> Result<(), Reason> {
    let align = root_align.max(crate::format::MIN_ALIGN as usize);
    if record.bytes.as_ptr() as usize % align != 0 {
        return Err(Reason::Invalid(InvalidData::Misaligned { align }));
    }
    if record.bytes.len() < root_size {
        return Err(Reason::Invalid(InvalidData::TooShort {
            len: record.bytes.len(),
            root: root_size,
        }));
    }
    if !origin.is_embedded() && !record.checksum_matches() {
        return Err(Reason::Invalid(InvalidData::Checksum));
    }
    Ok(())
}

/// Reports that `entry` was not thawed: one line on stderr when the reason
/// is specific to the entry, or a panic in strict mode.
pub fn not_thawed(entry: &Entry, reason: &Reason) {
    let origin = located()
        .as_ref()
        .map(|l| l.origin.to_string())
        .unwrap_or_default();
    assert!(
        !(config::mode() == Mode::Strict && *reason != Reason::Freezing),
        "fastboot (strict): {} was not thawed: {reason}",
        entry.display_name()
    );
    if matches!(reason, Reason::Missing | Reason::Stale | Reason::Invalid(_)) {
        eprintln!(
            "fastboot: computing {}: {reason} ({origin})",
            entry.display_name()
        );
    }
}
