//! Replacing the contents of the `fastboot` section of an ELF executable,
//! in process, for any ELF target (object's ELF builder reads the file,
//! keeps every loaded section at its offset and address, and lays out
//! what follows them anew).

use object::build::elf::{Builder, SectionData};

use crate::error::{Error, Result};
use fastboot_core::__private::section;

/// `image` with the contents of its `fastboot` section replaced by
/// `contents`, and the section's segment resized to hold them.
///
/// The section must be alone at the start of the last loaded segment (the
/// caller checks it), so that growing it moves no other loaded byte.
pub fn replace_section(image: &[u8], contents: &[u8]) -> Result<Vec<u8>> {
    let failed = |e: object::build::Error| Error::Other(format!("rewriting the ELF file: {e}"));
    let mut builder = Builder::read(image).map_err(failed)?;
    let id = builder
        .sections
        .iter()
        .find(|s| s.name.as_slice() == section::NAME.as_bytes())
        .map(object::build::elf::Section::id)
        .ok_or_else(|| Error::Other("the ELF file has no fastboot section".into()))?;
    let target = builder.sections.get_mut(id);
    target.sh_size = contents.len() as u64;
    target.data = SectionData::Data(contents.into());
    let sections = &builder.sections;
    for segment in &mut builder.segments {
        if segment.is_load() && segment.sections.contains(&id) {
            segment.recalculate_ranges(sections);
        }
    }
    let mut out = Vec::with_capacity(image.len() + contents.len());
    builder.write(&mut out).map_err(failed)?;
    Ok(out)
}
