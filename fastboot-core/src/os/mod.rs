//! The platform layer: everything thawing needs from the operating system,
//! behind one small API with one implementation per platform family (the
//! way memmap2 fences its `os` module).
//!
//! Everything is about *this image*: the executable or shared library
//! (`.so`, DLL, `.dylib`) that contains this copy of fastboot-core. A
//! library statically links its own copy, with its own registry, so a
//! program and each library it loads thaw from their own snapshots.
//!
//! - [`SUPPORTED`]: whether snapshots can be thawed on this target at all;
//! - [`BEFORE_MAIN`]: code run before `main` or when a library is loaded,
//!   where the platform has a way, which does a freeze or verify run (see
//!   [`crate::run_exiting_modes`]);
//! - [`identity`]: this image's identity, which snapshots are matched
//!   against ([`IDENTITY`] says what it is, [`IDENTITY_HINT`] how to give
//!   an image one);
//! - [`embedded_section`]: the bytes where the embedded section's snapshot
//!   would be, mapped by the loader with the image;
//! - [`open_image`], [`image_path`]: this image's file, for an appended
//!   snapshot, and its path, beside which a snapshot file is looked for;
//! - [`is_executable`]: whether this image is the executable;
//! - [`open_untrusted`]: a snapshot file, opened without blocking.
//!
//! Mapping a file ([`map`]) is memmap2's job on every platform that has one.
//! Everything else in this crate is platform-neutral.

use std::fs::File;
use std::io;

// The platform, chosen once by build.rs (`cfg(fastboot_platform)`).
#[cfg_attr(fastboot_platform = "linux", path = "linux.rs")]
#[cfg_attr(fastboot_platform = "macos", path = "macos.rs")]
#[cfg_attr(fastboot_platform = "windows", path = "windows.rs")]
#[cfg_attr(not(fastboot_supported), path = "unsupported.rs")]
mod imp;

#[cfg(any(fastboot_platform = "linux", test))]
mod elf;
#[cfg(any(fastboot_platform = "macos", test))]
mod macho;
#[cfg(any(fastboot_platform = "windows", test))]
mod pe;
#[cfg(any(fastboot_platform = "linux", fastboot_platform = "macos"))]
mod unix;

pub(crate) use imp::{
    embedded_section, identity, image_path, is_executable, open_image, open_untrusted, BEFORE_MAIN,
    IDENTITY, IDENTITY_HINT, SUPPORTED,
};

/// What [`BEFORE_MAIN`] runs, where a platform runs code before `main`.
#[cfg(fastboot_supported)]
extern "C" fn before_main() {
    crate::run_exiting_modes();
}

/// Views `len` bytes of this image at `addr`, as the loader mapped them.
///
/// # Safety
/// `addr..addr + len` must lie in this image (the one containing this
/// code), mapped readable (so `addr` is not null: nothing is mapped at page
/// zero), in a part that nothing writes to while it is loaded: its headers
/// or a read-only segment. This image stays loaded as long as this code
/// can run: an executable for the whole process, a library until it is
/// unloaded, when its statics, which hold these slices, go with it.
#[cfg(fastboot_supported)]
unsafe fn loaded_bytes(addr: usize, len: usize) -> &'static [u8] {
    // SAFETY: the caller guarantees the bytes are mapped, readable, not
    // null and never written, so a shared `'static` slice of them is valid.
    // The address comes from the loader, not from any Rust allocation,
    // hence exposed provenance.
    unsafe { std::slice::from_raw_parts(std::ptr::with_exposed_provenance::<u8>(addr), len) }
}

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
