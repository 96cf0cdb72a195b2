//! macOS: Mach-O programs, read from their load commands as dyld mapped
//! them (no I/O), and an initializer in `__DATA,__mod_init_func`.
//!
//! The identity is the `LC_UUID` that ld64 writes in every executable. The
//! `fastboot` section is `__FASTBOOT,__fastboot`, in a segment of its own
//! that `fastboot_ld::link()` makes read-only and `fastboot-ld` grows after
//! linking, renewing the code signature.

use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::sync::OnceLock;

use super::macho;
use crate::source::section::PLACEHOLDER;

pub(crate) use super::unix::open_untrusted;

pub(crate) const SUPPORTED: bool = true;

// dyld's API, in libSystem, which every program links.
extern "C" {
    fn _dyld_get_image_header(image_index: u32) -> *const c_void;
    fn _dyld_get_image_vmaddr_slide(image_index: u32) -> isize;
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
/// `main`): a freeze or verify run happens here and exits, so that any
/// program linked with fastboot can be frozen with no code of its own.
/// Every registry entry refers to it, so it is linked with them.
#[used]
#[link_section = "__DATA,__mod_init_func,mod_init_funcs"]
pub(crate) static BEFORE_MAIN: extern "C" fn() = super::before_main;

/// The executable's `LC_UUID`.
pub(crate) fn identity() -> Option<&'static [u8]> {
    macho::uuid(main_image()?.commands)
}

/// The executable's `fastboot` section, if its segment is read-only.
pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    let image = main_image()?;
    let section = macho::read_only_section(image.commands, "__FASTBOOT", "__fastboot")?;
    let start = usize::try_from(section.addr)
        .ok()?
        .checked_add_signed(image.slide)?;
    // SAFETY: dyld mapped the section's segment at its address plus the
    // slide, for the life of the process, with the section's bytes from the
    // file, and the segment is readable and can never be made writable
    // (both checked from its load command), so its bytes never change.
    Some(unsafe { super::loaded_bytes(start, usize::try_from(section.len).ok()?) })
}

/// The running executable's file.
pub(crate) fn open_executable() -> io::Result<File> {
    File::open(std::env::current_exe()?)
}

/// The main executable's load commands and slide.
struct Image {
    commands: &'static [u8],
    slide: isize,
}

fn main_image() -> Option<&'static Image> {
    static IMAGE: OnceLock<Option<Image>> = OnceLock::new();
    IMAGE
        .get_or_init(|| {
            // SAFETY: image 0 is the main executable, always loaded; dyld
            // returns its header's address (or null) and its slide.
            let (header, slide) =
                unsafe { (_dyld_get_image_header(0), _dyld_get_image_vmaddr_slide(0)) };
            if header.is_null() {
                return None;
            }
            let base = header as usize;
            // SAFETY: the header and its load commands lie at the start of
            // the `__TEXT` segment, which dyld maps read-only for the life of
            // the process: first the fixed header, then `sizeofcmds` more.
            let fixed = unsafe { super::loaded_bytes(base, macho::HEADER_LEN) };
            let len = macho::commands_end(fixed)?;
            // SAFETY: as above.
            let commands = unsafe { super::loaded_bytes(base, len) };
            Some(Image { commands, slide })
        })
        .as_ref()
}
