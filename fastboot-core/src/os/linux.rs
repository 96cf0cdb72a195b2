//! Linux and Android: ELF programs, read from their program headers in
//! memory (`dl_iterate_phdr`: no I/O, no syscall), `/proc/self/exe`, and a
//! constructor in `.init_array`.

use std::ffi::c_int;
use std::fs::File;
use std::io;
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
/// benchmark's `main`): a freeze or verify run happens here and exits, so
/// that any program linked with fastboot can be frozen with no code of its
/// own. Every registry entry refers to it, so it is linked with them.
#[used]
#[link_section = ".init_array"]
pub(crate) static BEFORE_MAIN: extern "C" fn() = super::before_main;

/// The GNU build-id of the running program, if it was linked with one.
pub(crate) fn identity() -> Option<&'static [u8]> {
    static ID: OnceLock<Option<&'static [u8]>> = OnceLock::new();
    *ID.get_or_init(|| {
        let image = main_image()?;
        image
            .headers
            .iter()
            .filter(|h| h.p_type == PT_NOTE)
            .find_map(|h| {
                // SAFETY: linkers make PT_NOTE segments only of allocated
                // note sections, which lie in a read-only PT_LOAD segment:
                // the loader mapped it readable at `bias + p_vaddr`, for the
                // life of the process, and nothing writes to it.
                let notes =
                    unsafe { loaded_bytes(image.bias + h.p_vaddr as usize, h.p_filesz as usize) };
                build_id_note(notes)
            })
    })
}

/// The file-backed part of the main program's last loaded segment, where
/// `fastboot-ld`'s linker script places the `fastboot` section, if that
/// segment is read-only.
pub(crate) fn embedded_section() -> Option<&'static [u8]> {
    let image = main_image()?;
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
    // first `p_filesz` bytes from the file, for the life of the process, and
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

/// The running executable, even if its path has since been replaced.
pub(crate) fn open_executable() -> io::Result<File> {
    File::open("/proc/self/exe")
}

/// The main program's load bias and program headers.
struct Image {
    bias: usize,
    headers: &'static [Phdr],
}

fn main_image() -> Option<&'static Image> {
    static IMAGE: OnceLock<Option<Image>> = OnceLock::new();
    IMAGE
        .get_or_init(|| {
            let mut found: Option<Image> = None;
            // SAFETY: `first_object` has the callback signature libc
            // expects and its `# Safety` requirements are what
            // `dl_iterate_phdr` provides: a valid `info` during each call,
            // and `data`, which points to `found`, alive and otherwise
            // untouched for the whole (synchronous) call.
            unsafe {
                libc::dl_iterate_phdr(Some(first_object), (&raw mut found).cast());
            }
            found
        })
        .as_ref()
}

/// `dl_iterate_phdr` callback: records the first object, which is always the
/// main program, and stops.
///
/// # Safety
/// `info` must point to a valid `dl_phdr_info` whose program headers stay
/// mapped and unchanged for the life of the process, and `data` to a live
/// `Option<Image>` nothing else accesses during the call: what
/// `dl_iterate_phdr` gives it when called by [`main_image`].
unsafe extern "C" fn first_object(
    info: *mut libc::dl_phdr_info,
    _size: libc::size_t,
    data: *mut libc::c_void,
) -> c_int {
    // SAFETY: as the caller guarantees (see `# Safety`): libc passes a valid
    // `dl_phdr_info`; the first object is the main program, whose program
    // headers lie in its first, read-only segment, mapped until the process
    // exits, so a `'static` slice of `dlpi_phnum` of them is valid (null
    // gives an empty slice); `data` is `main_image`'s `Option<Image>`, which
    // only this call writes.
    unsafe {
        let info = &*info;
        let headers = if info.dlpi_phdr.is_null() {
            &[][..]
        } else {
            std::slice::from_raw_parts(info.dlpi_phdr, usize::from(info.dlpi_phnum))
        };
        *data.cast::<Option<Image>>() = Some(Image {
            bias: info.dlpi_addr as usize,
            headers,
        });
    }
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
    fn a_writable_last_segment_is_never_returned() {
        // This crate's test binary is linked without fastboot-ld's script:
        // its last segment is the writable data segment.
        assert_eq!(embedded_section(), None);
    }
}
