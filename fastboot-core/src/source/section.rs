//! The `fastboot` ELF section: a placeholder linked into every program,
//! replaced after linking by a snapshot (see `fastboot-ld`).
//!
//! `fastboot-ld`'s linker script puts the section alone in the program's last
//! loaded segment, and the embedding tool checks that it is still there, so
//! the snapshot is found from the program headers alone. The placeholder's
//! address is deliberately not used: the compiler knows the placeholder's
//! contents and may fold away any read through a pointer derived from it.

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
    identity::last_loaded_segment().filter(|segment| segment.starts_with(&MAGIC))
}
