//! The `fastboot` section: a placeholder linked into every program (see the
//! platform layer), replaced after linking by a snapshot (see `fastboot-ld`).
//!
//! `fastboot-ld`'s linker script puts the section alone at the start of the
//! program's last loaded segment, and the embedding tool checks that it is
//! still there, so the snapshot is found from the program headers alone.

use crate::format::MAGIC;
use crate::os;

/// The section's name.
pub const NAME: &str = "fastboot";
/// The placeholder's contents: anything but a snapshot's magic.
pub const PLACEHOLDER: [u8; 16] = *b"FBPLACEHOLDER\0\0\0";

/// The snapshot embedded in this executable's section, if one was embedded.
///
/// No I/O and no syscall: the loader mapped the section with the program.
pub fn find() -> Option<&'static [u8]> {
    os::embedded_section().filter(|segment| segment.starts_with(&MAGIC))
}
