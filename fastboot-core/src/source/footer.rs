//! A snapshot appended to the executable, located by a footer at its end.

use std::fs::File;
use std::os::unix::fs::FileExt;

use memmap2::MmapOptions;

use super::Candidate;
use crate::format::footer::{self, Footer};
use crate::report::Origin;

/// Maps the snapshot appended to `/proc/self/exe`, if there is one.
pub fn find() -> Result<Option<Candidate>, String> {
    let fail = |e: std::io::Error| format!("reading the executable's footer: {e}");
    let file = File::open("/proc/self/exe").map_err(fail)?;
    let len = file.metadata().map_err(fail)?.len();
    let Some(at) = len.checked_sub(footer::LEN as u64) else {
        return Ok(None);
    };
    let mut raw = [0u8; footer::LEN];
    file.read_exact_at(&mut raw, at).map_err(fail)?;
    let Some(Footer { offset, len }) = Footer::decode(&raw, len) else {
        return Ok(None);
    };
    if offset % 16 != 0 {
        return Err(format!("{}: misaligned at offset {offset}", Origin::Footer));
    }
    // SAFETY: `/proc/self/exe` is the very file this process runs (even if
    // its path has since been replaced), which Linux refuses to open for
    // writing while it runs (ETXTBSY), so the mapped bytes cannot change or
    // shrink; the range lies inside the file (checked by `decode`), and the
    // map is leaked below, so it stays mapped for the life of the process.
    let map = unsafe {
        MmapOptions::new()
            .offset(offset)
            .len(len as usize)
            .map_copy_read_only(&file)
    }
    .map_err(fail)?;
    Ok(Some((Box::leak(Box::new(map)), Origin::Footer)))
}
