//! Putting a snapshot in an executable's `fastboot` section after linking,
//! in process, for any target of each format, or taking it out.

use fastboot_core::__private::section::PLACEHOLDER;

use crate::error::Result;
use crate::exe::{Executable, Format};
use crate::{elf, macho, pe};

/// `image` (an executable without appended data) with `contents` in its
/// `fastboot` section, which grows or shrinks to hold them. The caller has
/// checked that the section can be used ([`Executable::section_usable`]).
pub fn replace_section(format: Format, image: &[u8], contents: &[u8]) -> Result<Vec<u8>> {
    match format {
        Format::Elf => elf::replace_section(image, contents),
        Format::Pe => pe::replace_section(image, contents),
        Format::MachO => macho::replace_section(image, contents),
    }
}

/// `image` (`exe` without appended data) with no snapshot in its
/// `fastboot` section: the ELF placeholder written over it in place, the
/// PE section removed, the Mach-O section holding the placeholder.
pub fn clear_section(exe: &Executable, image: &[u8]) -> Result<Vec<u8>> {
    let holds_snapshot = exe
        .section_bytes()
        .is_some_and(|b| b.starts_with(&fastboot_core::format::MAGIC));
    let (Some(section), true) = (exe.info.section, holds_snapshot) else {
        return Ok(image.to_vec());
    };
    match exe.info.format {
        Format::Elf => {
            let mut image = image.to_vec();
            let start = section.offset as usize;
            let area = &mut image[start..start + section.size as usize];
            area.fill(0);
            let n = PLACEHOLDER.len().min(area.len());
            area[..n].copy_from_slice(&PLACEHOLDER[..n]);
            Ok(image)
        }
        Format::Pe => pe::without_section(image),
        Format::MachO => macho::replace_section(image, &PLACEHOLDER),
    }
}
