//! The running program's ELF identity, read from its program headers in
//! memory (no I/O, no syscall): its GNU build-id, and the extent of the
//! loaded segment that holds a given address.

use std::ffi::c_int;
use std::fmt;
use std::sync::OnceLock;

use crate::format::MAX_PRODUCER_LEN;

const PT_LOAD: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;
const PT_NOTE: u32 = 4;
const NT_GNU_BUILD_ID: u32 = 3;

/// A GNU build-id: a hash of the linked program, different for any change
/// of its code or data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BuildId {
    len: u8,
    bytes: [u8; MAX_PRODUCER_LEN],
}

impl BuildId {
    /// A build-id from its bytes; `None` if empty or longer than a snapshot
    /// header can hold.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() || bytes.len() > MAX_PRODUCER_LEN {
            return None;
        }
        let mut id = BuildId {
            len: bytes.len() as u8,
            bytes: [0; MAX_PRODUCER_LEN],
        };
        id.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(id)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl fmt::Display for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        hex(self.as_bytes()).fmt(f)
    }
}

impl fmt::Debug for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BuildId({self})")
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The build-id of the running program, if it was linked with one.
pub fn current_build_id() -> Option<BuildId> {
    static ID: OnceLock<Option<BuildId>> = OnceLock::new();
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
                find_build_id(notes)
            })
    })
}

/// The file-backed part of the main program's last loaded segment, where
/// `fastboot-ld` places the `fastboot` section.
pub fn last_loaded_segment() -> Option<&'static [u8]> {
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
    Some(unsafe { loaded_bytes(start, len) })
}

/// Views `len` bytes of the program's loaded image at `addr`.
///
/// # Safety
/// `addr..addr + len` must lie in a segment of the main program that the
/// loader mapped readable (so `addr` is not null: nothing is mapped at page
/// zero) and that nothing writes to for the rest of the process: a
/// read-only segment. The main program is never unmapped.
pub(crate) unsafe fn loaded_bytes(addr: usize, len: usize) -> &'static [u8] {
    // SAFETY: the caller guarantees the bytes are mapped, readable, not
    // null and never written, so a shared `'static` slice of them is valid.
    // The pointer is built from an address the loader reported, not derived
    // from any Rust allocation, hence exposed provenance.
    unsafe { std::slice::from_raw_parts(std::ptr::with_exposed_provenance::<u8>(addr), len) }
}

/// Parses an ELF note area and returns the GNU build-id note's descriptor.
pub fn find_build_id(mut notes: &[u8]) -> Option<BuildId> {
    let word = |b: &[u8], at: usize| u32::from_ne_bytes(b[at..at + 4].try_into().unwrap());
    while notes.len() >= 12 {
        let (name_len, desc_len, kind) = (
            word(notes, 0) as usize,
            word(notes, 4) as usize,
            word(notes, 8),
        );
        let name_end = 12usize.checked_add(name_len.next_multiple_of(4))?;
        let desc_end = name_end.checked_add(desc_len.next_multiple_of(4))?;
        if desc_end > notes.len() {
            return None;
        }
        if kind == NT_GNU_BUILD_ID && notes[12..12 + name_len] == *b"GNU\0" {
            return BuildId::new(&notes[name_end..name_end + desc_len]);
        }
        notes = &notes[desc_end..];
    }
    None
}

/// The main program's load bias and program headers.
struct Image {
    bias: usize,
    headers: &'static [libc::Elf64_Phdr],
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
        let id = current_build_id().expect("cargo links test binaries with a build-id");
        assert!(id.as_bytes().len() >= 8, "{id}");
    }

    #[test]
    fn notes_are_parsed_and_bounded() {
        let mut note = Vec::new();
        for word in [4u32, 3, NT_GNU_BUILD_ID] {
            note.extend_from_slice(&word.to_ne_bytes());
        }
        note.extend_from_slice(b"GNU\0\xab\xcd\xef\0");
        assert_eq!(
            find_build_id(&note).unwrap().as_bytes(),
            &[0xab, 0xcd, 0xef]
        );
        // A descriptor longer than the area is rejected, not read past.
        note[4..8].copy_from_slice(&100u32.to_ne_bytes());
        assert_eq!(find_build_id(&note), None);
    }

    #[test]
    fn a_writable_last_segment_is_never_returned() {
        // This crate's test binary is linked without fastboot-ld's script:
        // its last segment is the writable data segment.
        assert_eq!(last_loaded_segment(), None);
    }
}
