//! Windows: PE images (the executable, or a DLL), read from their headers
//! as the loader mapped them (no I/O), and a CRT initializer in `.CRT$XCU`,
//! which runs before `main` in an executable and when a DLL is loaded (the
//! DLL's CRT entry point runs them, at `DllMain` time).
//!
//! The identity is the CodeView record's GUID and age in the debug
//! directory, which link.exe and lld-link write whenever they write a PDB
//! (rustc asks for one unless symbols are stripped) and GNU ld writes with
//! `--build-id` (which `fastboot_ld::link()` passes). The `fastboot` section
//! is not linked in: `fastboot-ld` adds it after linking, as the image's
//! last section, so it can have any length.

use std::ffi::{c_void, OsString};
use std::fs::File;
use std::io;
use std::os::windows::ffi::OsStringExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::loaded_bytes;
use super::pe::{self, Headers, Range};
use crate::source::section::NAME;

pub(crate) const SUPPORTED: bool = true;
pub(crate) const IDENTITY: &str = "CodeView record";
pub(crate) const IDENTITY_HINT: &str = "call fastboot_ld::link() in build.rs (GNU ld and lld \
     write one with -Wl,--build-id; link.exe and lld-link with a PDB)";

#[link(name = "kernel32")]
extern "system" {
    fn GetModuleHandleW(name: *const u16) -> *mut c_void;
    fn GetModuleHandleExW(flags: u32, name: *const u16, module: *mut *mut c_void) -> i32;
    fn GetModuleFileNameW(module: *mut c_void, name: *mut u16, size: u32) -> u32;
}

/// `GetModuleHandleExW` flags: the "name" is an address inside the module,
/// and no reference is taken on it.
const FROM_ADDRESS_UNCHANGED_REFCOUNT: u32 = 0x4 | 0x2;

/// Run by the C runtime's initializers, before `main` (and before any test
/// harness or benchmark's `main`), or when a DLL is loaded: a freeze or
/// verify run happens here and exits, so that any program or DLL linked
/// with fastboot can be frozen with no code of its own. Every registry entry refers to it, so it is linked with
/// them.
#[used]
#[link_section = ".CRT$XCU"]
pub(crate) static BEFORE_MAIN: extern "C" fn() = super::before_main;

/// The GUID and age of this image's CodeView record, if it has one.
pub(crate) fn identity() -> Option<&'static [u8]> {
    static ID: OnceLock<Option<&'static [u8]>> = OnceLock::new();
    *ID.get_or_init(|| {
        let image = this_image()?;
        let directory = image.read_only(image.headers.debug_directory()?)?;
        let record = image.read_only(pe::codeview_record(directory)?)?;
        pe::codeview_id(record)
    })
}

/// This image's `fastboot` section, if it has one and it is read-only.
pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    let image = this_image()?;
    let section = image.headers.section(NAME)?;
    image.read_only(section.data)
}

/// This image's file: the running executable's, or the DLL's.
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

/// Whether this image is the executable rather than a DLL.
pub(crate) fn is_executable() -> bool {
    this_image().is_none_or(|image| image.library.is_none())
}

/// Opens `path` for reading. Opening does not block on Windows, whatever
/// the file; the caller rejects anything but a regular file.
pub(crate) fn open_untrusted(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// An image's base, its parsed headers, and its file if it is a DLL.
struct Image {
    base: usize,
    headers: Headers<'static>,
    /// The DLL's path (`None` for the executable).
    library: Option<PathBuf>,
}

impl Image {
    /// The bytes of `range`, if it lies in a read-only section.
    fn read_only(&self, range: Range) -> Option<&'static [u8]> {
        if !self.headers.is_read_only(range) {
            return None;
        }
        // SAFETY: `range` lies in the file-backed data of a section that is
        // readable and not writable (just checked against the section
        // table), which the loader mapped at its RVA while this image is
        // loaded.
        Some(unsafe { loaded_bytes(self.base + range.rva, range.len) })
    }
}

/// The image that contains this code: the executable, or the DLL that
/// fastboot is linked into.
fn this_image() -> Option<&'static Image> {
    static IMAGE: OnceLock<Option<Image>> = OnceLock::new();
    IMAGE.get_or_init(read_this_image).as_ref()
}

fn read_this_image() -> Option<Image> {
    let mut module = std::ptr::null_mut();
    // SAFETY: with FROM_ADDRESS the name is read as an address inside the
    // module wanted, never dereferenced: this function's, in this image;
    // with UNCHANGED_REFCOUNT no reference is taken; `module` is a valid
    // place for the handle.
    let found = unsafe {
        GetModuleHandleExW(
            FROM_ADDRESS_UNCHANGED_REFCOUNT,
            read_this_image as *const u16,
            &raw mut module,
        )
    };
    if found == 0 || module.is_null() {
        return None;
    }
    // SAFETY: a null name asks for the executable's own module, which is
    // always loaded; nothing is passed that could be misread.
    let executable = unsafe { GetModuleHandleW(std::ptr::null()) };
    let library = if module == executable {
        None
    } else {
        Some(module_path(module)?)
    };
    let base = module as usize;
    // The headers are read in three steps, each within what the previous
    // one showed to be headers: the DOS header, then the NT headers up to
    // `SizeOfHeaders`, then all `SizeOfHeaders` bytes.
    // SAFETY: the loader maps an image's headers, read-only, at its base
    // for as long as it is loaded (this one: as long as this code can
    // run); a DOS header lies at their start.
    let dos = unsafe { loaded_bytes(base, pe::DOS_HEADER_LEN) };
    let nt = pe::nt_headers_offset(dos)?;
    // SAFETY: as above; the loader found the NT headers at `nt`, whole,
    // within the headers.
    let prefix = unsafe { loaded_bytes(base, nt.checked_add(pe::NT_PREFIX_LEN)?) };
    let len = pe::headers_len(prefix, nt)?;
    // SAFETY: as above: `len` is `SizeOfHeaders`, the headers' mapped
    // length.
    let headers = Headers::parse(unsafe { loaded_bytes(base, len) })?;
    Some(Image {
        base,
        headers,
        library,
    })
}

/// The path of a loaded module's file.
fn module_path(module: *mut c_void) -> Option<PathBuf> {
    let mut name = vec![0u16; 260];
    // Paths are at most 32,767 characters: the buffer grows until one fits.
    while name.len() <= 1 << 16 {
        let size = u32::try_from(name.len()).ok()?;
        // SAFETY: `module` is a loaded module's handle (this image's), and
        // `name` is writable for `size` UTF-16 units.
        let len = unsafe { GetModuleFileNameW(module, name.as_mut_ptr(), size) } as usize;
        if len == 0 {
            return None;
        }
        if len < name.len() {
            name.truncate(len);
            return Some(OsString::from_wide(&name).into());
        }
        name.resize(name.len() * 2, 0);
    }
    None
}
