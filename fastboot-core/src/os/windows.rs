//! Windows: PE programs, read from their headers as the loader mapped them
//! (no I/O), and a CRT initializer in `.CRT$XCU`.
//!
//! The identity is the CodeView record's GUID and age in the debug
//! directory, which link.exe and lld-link write whenever they write a PDB
//! (rustc asks for one unless symbols are stripped) and GNU ld writes with
//! `--build-id` (which `fastboot_ld::link()` passes). The `fastboot` section
//! is not linked in: `fastboot-ld` adds it after linking, as the image's
//! last section, so it can have any length.

use std::ffi::c_void;
use std::fs::File;
use std::io;
use std::path::Path;
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
}

/// Run by the C runtime's initializers, before `main` (and before any test
/// harness or benchmark's `main`): a freeze or verify run happens here and
/// exits, so that any program linked with fastboot can be frozen with no
/// code of its own. Every registry entry refers to it, so it is linked with
/// them.
#[used]
#[link_section = ".CRT$XCU"]
pub(crate) static BEFORE_MAIN: extern "C" fn() = super::before_main;

/// The GUID and age of the executable's CodeView record, if it has one.
pub(crate) fn identity() -> Option<&'static [u8]> {
    static ID: OnceLock<Option<&'static [u8]>> = OnceLock::new();
    *ID.get_or_init(|| {
        let image = main_image()?;
        let directory = image.read_only(image.headers.debug_directory()?)?;
        let record = image.read_only(pe::codeview_record(directory)?)?;
        pe::codeview_id(record)
    })
}

/// The executable's `fastboot` section, if it has one and it is read-only.
pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    let image = main_image()?;
    let section = image.headers.section(NAME)?;
    image.read_only(section.data)
}

/// The running executable's file.
pub(crate) fn open_executable() -> io::Result<File> {
    File::open(std::env::current_exe()?)
}

/// Opens `path` for reading. Opening does not block on Windows, whatever
/// the file; the caller rejects anything but a regular file.
pub(crate) fn open_untrusted(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The executable's image base and its parsed headers.
struct Image {
    base: usize,
    headers: Headers<'static>,
}

impl Image {
    /// The bytes of `range`, if it lies in a read-only section.
    fn read_only(&self, range: Range) -> Option<&'static [u8]> {
        if !self.headers.is_read_only(range) {
            return None;
        }
        // SAFETY: `range` lies in the file-backed data of a section that is
        // readable and not writable (just checked against the section
        // table), which the loader mapped at its RVA for the life of the
        // process.
        Some(unsafe { loaded_bytes(self.base + range.rva, range.len) })
    }
}

fn main_image() -> Option<&'static Image> {
    static IMAGE: OnceLock<Option<Image>> = OnceLock::new();
    IMAGE.get_or_init(read_main_image).as_ref()
}

fn read_main_image() -> Option<Image> {
    // SAFETY: a null name asks for the executable's own module, which is
    // always loaded; nothing is passed that could be misread.
    let base = unsafe { GetModuleHandleW(std::ptr::null()) } as usize;
    if base == 0 {
        return None;
    }
    // The headers are read in three steps, each within what the previous
    // one showed to be headers: the DOS header, then the NT headers up to
    // `SizeOfHeaders`, then all `SizeOfHeaders` bytes.
    // SAFETY: the loader maps an image's headers, read-only, at its base
    // for as long as it is loaded (the executable: the whole process); a
    // DOS header lies at their start.
    let dos = unsafe { loaded_bytes(base, pe::DOS_HEADER_LEN) };
    let nt = pe::nt_headers_offset(dos)?;
    // SAFETY: as above; the loader found the NT headers at `nt`, whole,
    // within the headers.
    let prefix = unsafe { loaded_bytes(base, nt.checked_add(pe::NT_PREFIX_LEN)?) };
    let len = pe::headers_len(prefix, nt)?;
    // SAFETY: as above: `len` is `SizeOfHeaders`, the headers' mapped
    // length.
    let headers = Headers::parse(unsafe { loaded_bytes(base, len) })?;
    Some(Image { base, headers })
}
