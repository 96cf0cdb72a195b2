//! Hand-written zero-copy: the map archived with rkyv (by `gen`, chosen by
//! `build.rs`), embedded with `include_bytes!` and accessed in place.
//!
//! `include_bytes!` gives 1-byte-aligned data, and rkyv needs the archive
//! aligned (16 bytes, like its `AlignedVec`). A `#[repr(align(16))]`
//! wrapper aligns the bytes where the compiler puts them, in the
//! executable's read-only data, at no run-time cost; copying them into an
//! `AlignedVec` instead would cost a copy of the whole archive (and its
//! memory) at every start.
//!
//! The bytes are trusted like the code around them, so they are accessed
//! without validation (`access_unchecked`), as fastboot does for snapshots
//! embedded in the executable. Usage: `rkyv_include [LOOKUPS]`.

use std::collections::HashMap;

use rkyv::Archived;

/// Bytes aligned to 16.
#[repr(C, align(16))]
struct Aligned<Bytes: ?Sized>(Bytes);

static ARCHIVE: &Aligned<[u8]> = &Aligned(*include_bytes!(env!("STARTUP_RKYV_FILE")));

fn main() {
    // SAFETY: the bytes were written by `rkyv::to_bytes` for this very type
    // (see `gen`) and are aligned by `Aligned`.
    let index =
        unsafe { rkyv::access_unchecked::<Archived<HashMap<String, Vec<u32>>>>(&ARCHIVE.0) };
    let lookups = startup_workload::lookups_arg();
    let found = startup_workload::probe(index.len(), lookups, |key| {
        index.get(key).map(rkyv::vec::ArchivedVec::len)
    });
    println!("{found}");
}
