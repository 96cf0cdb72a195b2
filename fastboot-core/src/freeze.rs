//! The freeze run: compute every registered entry and write the snapshot.

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use crate::format::{self, EntryData, FormatError};
use crate::identity;
use crate::os;
use crate::registry;
use crate::report::Reason;

/// Computes and archives every registered entry, in name order, printing one
/// line per entry, and writes the snapshot to `path` (atomically: a reader
/// never sees a partial file).
pub fn run(path: &Path) -> Result<(), String> {
    if !os::SUPPORTED {
        return Err(Reason::Unsupported.to_string());
    }
    let producer = identity::current_build_id()
        .ok_or("this binary has no GNU build-id note: link it with -Wl,--build-id")?;
    let entries = registry::entries();
    let mut archives = Vec::with_capacity(entries.len());
    for entry in &entries {
        let start = Instant::now();
        let bytes = entry
            .freeze()
            .map_err(|e| format!("archiving {}: {e}", entry.name()))?;
        let elapsed = start.elapsed();
        println!(
            "fastboot: froze {} ({} bytes) in {:.1} ms",
            entry.name(),
            bytes.len(),
            elapsed.as_secs_f64() * 1e3
        );
        archives.push(bytes);
    }
    let data: Vec<EntryData<'_>> = entries
        .iter()
        .zip(&archives)
        .map(|(entry, bytes)| EntryData {
            name: entry.name(),
            fingerprint: entry.fingerprint(),
            bytes,
        })
        .collect();
    let snapshot = format::write(producer.as_bytes(), &data).map_err(|e| match e {
        FormatError::DuplicateName(name) => {
            format!("two frozen statics are named `{name}` (is one crate linked in two versions?)")
        }
        other => other.to_string(),
    })?;
    write_atomically(path, &snapshot).map_err(|e| format!("writing {}: {e}", path.display()))?;
    println!(
        "fastboot: wrote {} ({} entries, {} bytes, build-id {producer})",
        path.display(),
        entries.len(),
        snapshot.len()
    );
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".tmp{}", std::process::id()));
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}
