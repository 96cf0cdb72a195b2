//! `FASTBOOT=verify`: check every entry of the snapshot against this binary.

use crate::registry;
use crate::say;
use crate::thaw;
use crate::vocabulary::{InvalidData, Origin, Reason};

/// Checks every registered entry (presence, fingerprint, checksum, rkyv
/// validation), printing one line each. Returns whether all passed.
pub fn run() -> bool {
    let mut all_ok = true;
    for entry in registry::entries() {
        let checked = thaw::record(entry).and_then(|(record, origin)| {
            if !record.checksum_matches() {
                return Err(Reason::Invalid(InvalidData::Checksum));
            }
            entry.validate(record.bytes).map_err(Reason::Invalid)?;
            Ok((record.bytes.len(), origin))
        });
        match checked {
            Ok((len, origin)) => {
                say(format_args!(
                    "ok    {} ({len} bytes, {})",
                    entry.display_name(),
                    short(origin)
                ));
            }
            Err(reason) => {
                all_ok = false;
                say(format_args!("FAIL  {}: {reason}", entry.display_name()));
            }
        }
    }
    all_ok
}

fn short(origin: &Origin) -> String {
    match origin {
        Origin::Section => "section".into(),
        Origin::Footer => "footer".into(),
        Origin::File(path) => format!("file {}", path.display()),
    }
}
