//! Linux and Android: ELF images (the executable, or a shared library),
//! read from their program headers in memory (`dl_iterate_phdr`: no I/O,
//! no syscall), their files (`/proc/self/exe` for the executable), and a
//! constructor in `.init_array`, which runs before `main` in an executable
//! and when a shared library is loaded.

use std::ffi::{c_int, CStr, OsStr};
use std::fs::File;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::sync::OnceLock;

use super::elf::build_id_note;
use super::loaded_bytes;
use crate::source::section::PLACEHOLDER;

pub(crate) use super::unix::open_untrusted;

pub(crate) const SUPPORTED: bool = true;
pub(crate) const IDENTITY: &str = "GNU build-id note";
pub(crate) const IDENTITY_HINT: &str =
    "link it with -Wl,--build-id (fastboot_ld::link() in build.rs does)";

#[cfg(target_pointer_width = "64")]
type Phdr = libc::Elf64_Phdr;
#[cfg(target_pointer_width = "32")]
type Phdr = libc::Elf32_Phdr;

const PT_LOAD: u32 = 1;
const PT_NOTE: u32 = 4;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

/// The placeholder that `fastboot-ld` replaces by a snapshot, in the
/// section named [`NAME`](crate::source::section::NAME). Its address is
/// deliberately never used: the compiler knows its contents and may fold
/// away any read through a pointer derived from it; the section is found
/// from the program headers instead (see [`embedded_section`]).
#[used]
#[link_section = "fastboot"]
static SECTION: [u8; 16] = PLACEHOLDER;

/// Called by the loader before `main` (and before any test harness or
/// benchmark's `main`), or when a shared library is loaded (`dlopen`, or
/// at startup for one the executable needs): a freeze or verify run happens
/// here and exits, so that any program or library linked with fastboot can
/// be frozen with no code of its own. The first access of every frozen static refers to it
/// (`registry::first_access`), so it is linked with them.
#[used]
#[link_section = ".init_array"]
pub(crate) static BEFORE_MAIN: extern "C" fn() = super::before_main;

/// The GNU build-id of this image, if it was linked with one.
pub(crate) fn identity() -> Option<&'static [u8]> {
    static ID: OnceLock<Option<&'static [u8]>> = OnceLock::new();
    *ID.get_or_init(|| {
        let image = this_image()?;
        image
            .headers
            .iter()
            .filter(|h| h.p_type == PT_NOTE)
            .find_map(|h| {
                // SAFETY: linkers make PT_NOTE segments only of allocated
                // note sections, which lie in a read-only PT_LOAD segment:
                // the loader mapped it readable at `bias + p_vaddr`, while
                // this image is loaded, and nothing writes to it.
                let notes =
                    unsafe { loaded_bytes(image.bias + h.p_vaddr as usize, h.p_filesz as usize) };
                build_id_note(notes)
            })
    })
}

/// The file-backed part of this image's last loaded segment, where
/// `fastboot-ld`'s linker script places the `fastboot` section, if that
/// segment is read-only.
pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    let image = this_image()?;
    let last = image
        .headers
        .iter()
        .filter(|h| h.p_type == PT_LOAD)
        .max_by_key(|h| h.p_vaddr)?;
    // Only a read-only segment: in a program linked without fastboot-ld's
    // script the last segment is the writable data segment.
    if last.p_flags & (PF_R | PF_W) != PF_R {
        return None;
    }
    let start = image.bias.checked_add(last.p_vaddr as usize)?;
    let len = last.p_filesz.min(last.p_memsz) as usize;
    // SAFETY: the loader mapped this segment at `bias + p_vaddr`, with its
    // first `p_filesz` bytes from the file, while this image is loaded, and
    // its flags (checked above) make it readable and not writable, so its
    // bytes never change.
    let bytes = unsafe { loaded_bytes(start, len) };
    advise_huge_pages(bytes);
    Some(bytes)
}

/// Asks the kernel to read `bytes`, a large segment of the executable
/// mapped at a page boundary, into 2 MiB page-cache folios, which it maps
/// with one fault each (`MADV_HUGEPAGE`; see benches/startup/README.md,
/// *The 100-lookup gap*). Smaller segments are left alone.
fn advise_huge_pages(bytes: &[u8]) {
    if bytes.len() >= 2 << 20 {
        // SAFETY: the range is a file mapping of this process (a loaded
        // segment, page-aligned); the advice changes how the kernel caches
        // and maps it, never its contents. A kernel that refuses it changes
        // nothing, so the result is ignored.
        unsafe {
            libc::madvise(
                bytes.as_ptr().cast_mut().cast(),
                bytes.len(),
                libc::MADV_HUGEPAGE,
            )
        };
    }
}

/// This image's file: the running executable, even if its path has since
/// been replaced, or the shared library's file, by the path it was loaded
/// from.
pub(crate) fn open_image() -> io::Result<File> {
    match this_image().and_then(|image| image.library.as_ref()) {
        Some(library) => File::open(library),
        None => File::open("/proc/self/exe"),
    }
}

/// The path of this image's file, beside which its snapshot file is looked
/// for.
pub(crate) fn image_path() -> io::Result<PathBuf> {
    match this_image().and_then(|image| image.library.clone()) {
        Some(library) => Ok(library),
        None => std::env::current_exe(),
    }
}

/// Whether this image is the executable rather than a shared library.
pub(crate) fn is_executable() -> bool {
    this_image().is_none_or(|image| image.library.is_none())
}

/// An image's load bias, program headers, and file if it is a library.
struct Image {
    bias: usize,
    headers: &'static [Phdr],
    /// The shared library's path as the loader names it (`None` for the
    /// executable).
    library: Option<PathBuf>,
}

/// The image that contains this code: the executable, or the shared
/// library that fastboot is linked into.
fn this_image() -> Option<&'static Image> {
    static IMAGE: OnceLock<Option<Image>> = OnceLock::new();
    IMAGE
        .get_or_init(|| {
            let mut search = Search {
                address: this_image as *const () as usize,
                index: 0,
                found: None,
            };
            // SAFETY: `containing_object` has the callback signature libc
            // expects and its `# Safety` requirements are what
            // `dl_iterate_phdr` provides: a valid `info` during each call,
            // and `data`, which points to `search`, alive and otherwise
            // untouched for the whole (synchronous) call.
            unsafe {
                libc::dl_iterate_phdr(Some(containing_object), (&raw mut search).cast());
            }
            search.found
        })
        .as_ref()
}

/// What [`containing_object`] looks for and finds.
struct Search {
    /// An address inside the image looked for.
    address: usize,
    /// The index of the object being visited (0: the executable).
    index: usize,
    found: Option<Image>,
}

/// `dl_iterate_phdr` callback: records the object one of whose loaded
/// segments contains `search.address`, and stops there. The executable is
/// the first object, so when this code is in the executable a single call
/// is made.
///
/// # Safety
/// `info` must point to a valid `dl_phdr_info` whose program headers (and
/// name) stay mapped and unchanged while its object is loaded, and `data`
/// to a live `Search` nothing else accesses during the call: what
/// `dl_iterate_phdr` gives it when called by [`this_image`].
unsafe extern "C" fn containing_object(
    info: *mut libc::dl_phdr_info,
    _size: libc::size_t,
    data: *mut libc::c_void,
) -> c_int {
    // SAFETY: as the caller guarantees (see `# Safety`): libc passes a valid
    // `dl_phdr_info`, and `data` is `this_image`'s `Search`, which only this
    // call accesses.
    let (info, search) = unsafe { (&*info, &mut *data.cast::<Search>()) };
    let index = search.index;
    search.index += 1;
    let headers = if info.dlpi_phdr.is_null() {
        &[][..]
    } else {
        // SAFETY: an object's program headers lie in its first, read-only
        // segment, mapped as long as it is loaded. The object found is the
        // one holding this code, which is loaded as long as this code can
        // run, so a `'static` slice of them is valid; those of the others
        // are only read during this call.
        unsafe { std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum)) }
    };
    let bias = info.dlpi_addr as usize;
    let contains = headers.iter().any(|h| {
        let start = bias.wrapping_add(h.p_vaddr as usize);
        h.p_type == PT_LOAD
            && (start..start.saturating_add(h.p_memsz as usize)).contains(&search.address)
    });
    if !contains {
        return 0;
    }
    // The executable (the first object) is named "" by glibc; a library by
    // the path it was loaded from.
    let library = (index > 0 && !info.dlpi_name.is_null()).then(|| {
        // SAFETY: a non-null `dlpi_name` is the loader's NUL-terminated name
        // of the object, valid during this call (it is copied here).
        let name = unsafe { CStr::from_ptr(info.dlpi_name) };
        PathBuf::from(OsStr::from_bytes(name.to_bytes()))
    });
    search.found = Some(Image {
        bias,
        headers,
        library,
    });
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_binaries_have_a_build_id() {
        let id = identity().expect("cargo links test binaries with a build-id");
        assert!(id.len() >= 8, "{id:?}");
    }

    #[test]
    fn this_code_is_in_the_executable() {
        assert!(is_executable());
        assert_eq!(
            image_path().unwrap(),
            std::env::current_exe().unwrap(),
            "the executable's snapshot file is beside it"
        );
    }

    #[test]
    fn a_writable_last_segment_is_never_returned() {
        // This crate's test binary is linked without fastboot-ld's script:
        // its last segment is the writable data segment.
        assert_eq!(embedded_section(), None);
    }
}
