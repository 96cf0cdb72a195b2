//! Where snapshots are found: in the executable's `fastboot` section, after
//! its footer, or in a file; tried in that order.

mod file;
mod footer;
pub mod section;

pub use crate::vocabulary::SnapshotError;
pub use file::beside;

use crate::format::Snapshot;
use crate::identity::{self, hex};
use crate::vocabulary::{Origin, Reason};

/// A snapshot that passed its header checks and belongs to this binary.
pub struct Located {
    /// The parsed snapshot, mapped for the life of the process.
    pub snapshot: Snapshot<'static>,
    /// Where it was found.
    pub origin: Origin,
}

/// A snapshot's bytes and where they were found, before any check.
pub(crate) struct Candidate {
    bytes: &'static [u8],
    origin: Origin,
    /// Found where it was only looked for (`<exe>.snap`), not named: one
    /// left by an earlier build is stale as a matter of course, and not
    /// worth a line on every run (`report()` still says why).
    conventional: bool,
}

/// Looks in one place for a snapshot: `Ok(None)` if there is none there.
type Finder = fn() -> Result<Option<Candidate>, SnapshotError>;

/// The library's own finder of a snapshot appended to the running
/// executable: its bytes, mapped for the life of the process (for the
/// benchmarks).
pub fn find_appended() -> Result<Option<&'static [u8]>, SnapshotError> {
    footer::find().map(|found| found.map(|c| c.bytes))
}

/// The library's own finder of the snapshot file (`FASTBOOT_SNAPSHOT` or
/// `<exe>.snap`): its bytes, mapped for the life of the process (for the
/// benchmarks).
pub fn find_file() -> Result<Option<&'static [u8]>, SnapshotError> {
    file::find().map(|found| found.map(|c| c.bytes))
}

/// Finds the first usable snapshot, printing one line for each one found
/// but rejected. The error is why no snapshot can be used.
pub fn locate() -> Result<Located, Reason> {
    let mut rejection = None;
    let finders: [Finder; 3] = [
        || {
            Ok(section::find().map(|bytes| Candidate {
                bytes,
                origin: Origin::Section,
                conventional: false,
            }))
        },
        footer::find,
        file::find,
    ];
    for find in finders {
        let found = match find() {
            Ok(None) => continue,
            Ok(Some(candidate)) => candidate,
            Err(why) => {
                eprintln!("fastboot: ignoring snapshot: {why}");
                rejection = Some(Reason::Unusable(why));
                continue;
            }
        };
        let conventional = found.conventional;
        match check(found) {
            Ok(located) => return Ok(located),
            Err(why) => {
                let stale = matches!(why, SnapshotError::Foreign { .. }) && conventional;
                if !stale {
                    eprintln!("fastboot: ignoring snapshot: {why}");
                }
                rejection = Some(Reason::Unusable(why));
            }
        }
    }
    Err(rejection.unwrap_or(Reason::NoSnapshot))
}

/// Parses a candidate and checks that this binary produced it.
fn check(candidate: Candidate) -> Result<Located, SnapshotError> {
    let Candidate { bytes, origin, .. } = candidate;
    // Bytes embedded in the executable are as trusted as its code (and
    // were checked by the tool that embedded them): their rows are checked
    // as they are read. A file's are all checked now.
    let parsed = if origin.is_embedded() {
        Snapshot::parse_embedded(bytes)
    } else {
        Snapshot::parse(bytes)
    };
    let snapshot = match parsed {
        Ok(snapshot) => snapshot,
        Err(error) => return Err(SnapshotError::Format { origin, error }),
    };
    let Some(ours) = identity::current_build_id() else {
        return Err(SnapshotError::NoIdentity(origin));
    };
    if snapshot.producer() != ours.as_bytes() {
        return Err(SnapshotError::Foreign {
            origin,
            producer: hex(snapshot.producer()),
            ours: ours.to_string(),
        });
    }
    Ok(Located { snapshot, origin })
}
