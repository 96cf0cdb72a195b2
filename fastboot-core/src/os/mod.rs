//! The platform layer: everything thawing needs from the operating system,
//! behind one small API with one implementation per platform family (the
//! way memmap2 fences its `os` module):
//!
//! - [`SUPPORTED`]: whether snapshots can be thawed on this target at all;
//! - [`BEFORE_MAIN`]: code run before `main`, where the platform has a way,
//!   which does a freeze or verify run (see [`crate::run_exiting_modes`]);
//! - [`identity`]: the running program's identity, which snapshots are
//!   matched against ([`IDENTITY`] says what it is, [`IDENTITY_HINT`] how
//!   to give a program one);
//! - [`embedded_section`]: the bytes where the embedded section's snapshot
//!   would be, mapped by the loader with the program;
//! - [`open_executable`]: the running executable's file, for an appended
//!   snapshot;
//! - [`open_untrusted`]: a snapshot file, opened without blocking.
//!
//! Mapping a file ([`map`]) is memmap2's job on every platform that has one.
//! Everything else in this crate is platform-neutral.

use std::fs::File;
use std::io;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
#[cfg(any(target_os = "linux", target_os = "android"))]
use linux as imp;

#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as imp;

#[cfg(not(any(target_os = "linux", target_os = "android", windows)))]
mod unsupported;
#[cfg(not(any(target_os = "linux", target_os = "android", windows)))]
use unsupported as imp;

#[cfg(any(windows, test))]
mod pe;

pub(crate) use imp::{
    embedded_section, identity, open_executable, open_untrusted, BEFORE_MAIN, IDENTITY,
    IDENTITY_HINT, SUPPORTED,
};

/// Maps `len` bytes of `file` from `offset`, read-only and private, for the
/// life of the process (the mapping is leaked). `offset` need not be
/// page-aligned.
///
/// # Safety
/// Nothing may change or truncate those bytes of the file while the process
/// runs: a private mapping still shows other processes' writes to pages
/// this process has not written, and access past a truncated end raises
/// `SIGBUS`. Callers argue why their file cannot change.
pub(crate) unsafe fn map(file: &File, offset: u64, len: usize) -> io::Result<&'static [u8]> {
    // SAFETY: the caller guarantees the mapped bytes do not change; the
    // mapping is private and read-only, so this process cannot change them
    // either, and it is leaked, so it stays mapped (and the slice valid) for
    // the life of the process.
    let map = unsafe {
        memmap2::MmapOptions::new()
            .offset(offset)
            .len(len)
            .map_copy_read_only(file)
    }?;
    let map: &'static memmap2::Mmap = Box::leak(Box::new(map));
    Ok(map)
}
