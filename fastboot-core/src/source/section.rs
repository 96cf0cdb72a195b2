//! The `fastboot` ELF section: a placeholder linked into every program,
//! replaced after linking by a snapshot (see `fastboot-ld`).

use crate::format::MAGIC;
use crate::identity;

/// The section's name.
pub const NAME: &str = "fastboot";
/// The placeholder's contents: anything but a snapshot's magic.
pub const PLACEHOLDER: [u8; 16] = *b"FBPLACEHOLDER\0\0\0";

#[used]
#[link_section = "fastboot"]
static SECTION: [u8; 16] = PLACEHOLDER;

/// The snapshot embedded in this executable's section, if one was embedded.
///
/// No I/O and no syscall: the loader mapped the section with the program.
pub fn find() -> Option<&'static [u8]> {
    // Only the address is used; the contents are read below through memory
    // the program headers describe, since they may be longer than the static.
    let addr = std::ptr::addr_of!(SECTION) as usize;
    let extent = identity::loaded_extent(addr)?;
    // SAFETY: `addr..addr + extent` is the file-backed rest of the loaded
    // segment holding the section, as the program headers report it.
    let bytes = unsafe { identity::loaded_bytes(addr, extent) };
    bytes.starts_with(&MAGIC).then_some(bytes)
}
