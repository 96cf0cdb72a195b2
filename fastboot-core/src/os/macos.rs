//! macOS: Mach-O images (the executable, or a `.dylib`), read from their
//! load commands as dyld mapped them (no I/O), and an initializer in
//! `__DATA,__mod_init_func`, which runs before `main` in an executable and
//! when a library is loaded.
//!
//! The identity is the `LC_UUID` that ld64 writes in every executable. The
//! `fastboot` section is `__FASTBOOT,__fastboot`, in a segment of its own
//! that `fastboot_ld::link()` makes read-only and `fastboot-ld` grows after
//! linking, renewing the code signature.

use std::ffi::{c_void, CStr, OsStr};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::macho;
use crate::source::section::PLACEHOLDER;

pub(crate) use super::unix::open_untrusted;

pub(crate) const SUPPORTED: bool = true;

// dyld's API, in libSystem, which every program links.
extern "C" {
    fn _dyld_get_image_header(image_index: u32) -> *const c_void;
}
pub(crate) const IDENTITY: &str = "LC_UUID";
pub(crate) const IDENTITY_HINT: &str = "do not link it with -no_uuid";

/// The placeholder that `fastboot-ld` replaces by a snapshot. Its address is
/// never used (the compiler knows its contents); the section is found from
/// the load commands instead (see [`embedded_section`]).
#[used]
#[link_section = "__FASTBOOT,__fastboot,regular,no_dead_strip"]
static SECTION: [u8; 16] = PLACEHOLDER;

/// Called by dyld before `main` (and before any test harness or benchmark's
/// `main`), or when a library is loaded: a freeze or verify run happens here
/// and exits, so that any program or library linked with fastboot can be
/// frozen with no code of its own.
/// Every registry entry refers to it, so it is linked with them.
#[used]
#[link_section = "__DATA,__mod_init_func,mod_init_funcs"]
pub(crate) static BEFORE_MAIN: extern "C" fn() = super::before_main;

/// This image's `LC_UUID`.
pub(crate) fn identity() -> Option<&'static [u8]> {
    macho::uuid(this_image()?.commands)
}

/// This image's `fastboot` section, if its segment is read-only.
pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    let image = this_image()?;
    let section = macho::read_only_section(image.commands, "__FASTBOOT", "__fastboot")?;
    // The header is at the start of `__TEXT`, so a section lies as far
    // from the header as its address from `__TEXT`'s.
    let offset = usize::try_from(section.addr.checked_sub(image.text)?).ok()?;
    let start = image.base.checked_add(offset)?;
    // SAFETY: dyld mapped the section's segment at its address plus the
    // slide (the header's address less `__TEXT`'s), as long as this image
    // is loaded, with the section's bytes from the
    // file, and the segment is readable and can never be made writable
    // (both checked from its load command), so its bytes never change.
    Some(unsafe { super::loaded_bytes(start, usize::try_from(section.len).ok()?) })
}

/// This image's file: the running executable's, or the library's.
pub(crate) fn open_image() -> io::Result<File> {
    File::open(image_path()?)
}

/// The path of this image's file.
pub(crate) fn image_path() -> io::Result<PathBuf> {
    match this_image().and_then(|image| image.library.clone()) {
        Some(library) => Ok(library),
        None => std::env::current_exe(),
    }
}

/// Whether this image is the executable rather than a library.
pub(crate) fn is_executable() -> bool {
    this_image().is_none_or(|image| image.library.is_none())
}

/// An image's load commands, where dyld put its header and where its
/// `__TEXT` segment (which starts with the header) was linked, and its file
/// if it is a library.
struct Image {
    commands: &'static [u8],
    base: usize,
    text: u64,
    /// The library's path (`None` for the executable).
    library: Option<PathBuf>,
}

/// The image that contains this code: the executable, or the library that
/// fastboot is linked into.
fn this_image() -> Option<&'static Image> {
    static IMAGE: OnceLock<Option<Image>> = OnceLock::new();
    IMAGE.get_or_init(read_this_image).as_ref()
}

fn read_this_image() -> Option<Image> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::uninit();
    // SAFETY: the address is this function's, in this image, and is never
    // dereferenced; `info` is a valid place for the answer.
    if unsafe { libc::dladdr(read_this_image as *const c_void, info.as_mut_ptr()) } == 0 {
        return None;
    }
    // SAFETY: `dladdr` succeeded, so it filled `info`.
    let info = unsafe { info.assume_init() };
    let header = info.dli_fbase.cast_const();
    if header.is_null() {
        return None;
    }
    // SAFETY: image 0 is the main executable, always loaded; dyld returns
    // its header's address (or null).
    let executable = unsafe { _dyld_get_image_header(0) };
    let library = (header != executable && !info.dli_fname.is_null()).then(|| {
        // SAFETY: a non-null `dli_fname` is dyld's NUL-terminated path of
        // the image, valid while it is loaded (it is copied here).
        let name = unsafe { CStr::from_ptr(info.dli_fname) };
        PathBuf::from(OsStr::from_bytes(name.to_bytes()))
    });
    let base = header as usize;
    // SAFETY: the header and its load commands lie at the start of the
    // image's `__TEXT` segment, which dyld maps read-only as long as the
    // image is loaded (this one: as long as this code can run): first the
    // fixed header, then `sizeofcmds` more.
    let fixed = unsafe { super::loaded_bytes(base, macho::HEADER_LEN) };
    let len = macho::commands_end(fixed)?;
    // SAFETY: as above.
    let commands = unsafe { super::loaded_bytes(base, len) };
    let text = macho::segment_address(commands, "__TEXT")?;
    Some(Image {
        commands,
        base,
        text,
        library,
    })
}
