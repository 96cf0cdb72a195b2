//! Where snapshots are found: in the executable's `fastboot` section, after
//! its footer, or in a file; tried in that order.

mod file;
mod footer;
pub mod section;

use crate::format::Snapshot;
use crate::identity::{self, hex};
use crate::report::{Origin, Reason};

/// A snapshot that passed its header checks and belongs to this binary.
pub struct Located {
    /// The parsed snapshot, mapped for the life of the process.
    pub snapshot: Snapshot<'static>,
    /// Where it was found.
    pub origin: Origin,
}

/// A snapshot's bytes and where they were found, before any check.
type Candidate = (&'static [u8], Origin);

/// Looks in one place for a snapshot: `Ok(None)` if there is none there,
/// `Err` with a one-line reason if one is there but cannot be read.
type Finder = fn() -> Result<Option<Candidate>, String>;

/// Finds the first usable snapshot, printing one line for each one found
/// but rejected. The error is why no snapshot can be used.
pub fn locate() -> Result<Located, Reason> {
    let mut rejection = None;
    let finders: [Finder; 3] = [
        || Ok(section::find().map(|b| (b, Origin::Section))),
        footer::find,
        file::find,
    ];
    for find in finders {
        let checked = find().and_then(|found| found.map(check).transpose());
        match checked {
            Ok(Some(located)) => return Ok(located),
            Ok(None) => {}
            Err(why) => {
                eprintln!("fastboot: ignoring snapshot: {why}");
                rejection = Some(Reason::Unusable(why));
            }
        }
    }
    Err(rejection.unwrap_or(Reason::NoSnapshot))
}

/// Parses a candidate and checks that this binary produced it.
fn check((bytes, origin): Candidate) -> Result<Located, String> {
    let snapshot = Snapshot::parse(bytes).map_err(|e| format!("{origin}: {e}"))?;
    let ours = identity::current_build_id()
        .ok_or_else(|| format!("{origin}: this binary has no GNU build-id to match it against"))?;
    if snapshot.producer() != ours.as_bytes() {
        return Err(format!(
            "{origin}: produced by another binary (build-id {}, this binary is {ours})",
            hex(snapshot.producer())
        ));
    }
    Ok(Located { snapshot, origin })
}
