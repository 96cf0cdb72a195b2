//! Mach-O executables (macOS): their facts, read with `object`.
//!
//! The `fastboot` section is `__FASTBOOT,__fastboot`, alone in a segment of
//! its own, which ld64 places after the data segments and before
//! `__LINKEDIT`. The identity is the `LC_UUID` that ld64 always writes.

use std::path::Path;

use fastboot_core::__private::BuildId;
use object::macho::{MachHeader64, SegmentCommand64};
use object::read::macho::{MachHeader, Section as _, Segment as _};
use object::{Endianness, ReadRef};

use crate::error::{Error, Result};
use crate::exe::{FastbootSection, Format, Info};

/// The segment holding the `fastboot` section.
pub const SEGMENT: &[u8] = b"__FASTBOOT";
/// The `fastboot` section's Mach-O name.
pub const SECTION: &[u8] = b"__fastboot";
/// The segment that ends every executable: symbols, fixups, signature.
pub const LINKEDIT: &[u8] = b"__LINKEDIT";
/// linkme's sections on Mach-O: `__DATA,__linkme<hash>`.
const REGISTRY_PREFIX: &[u8] = b"__linkme";
/// `MH_MAGIC_64`, as its little-endian bytes.
const MAGIC_64: [u8; 4] = [0xcf, 0xfa, 0xed, 0xfe];

/// Whether `bytes` start like a 64-bit little-endian Mach-O file.
pub fn is_macho(bytes: &[u8]) -> bool {
    bytes.starts_with(&MAGIC_64)
}

/// A segment's name field, without its zero padding.
pub fn trimmed(name: &[u8; 16]) -> &[u8] {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    &name[..end]
}

/// Reads the facts of the Mach-O file `bytes`, read from `path`.
pub fn parse<'data, R: ReadRef<'data>>(path: &Path, bytes: R) -> Result<Info> {
    let malformed = |e: object::read::Error| Error::BadExecutable {
        path: path.to_owned(),
        why: format!("malformed Mach-O file: {e}"),
    };
    let header = MachHeader64::<Endianness>::parse(bytes, 0).map_err(malformed)?;
    let endian = header.endian().map_err(malformed)?;
    let mut commands = header.load_commands(endian, bytes, 0).map_err(malformed)?;
    let mut build_id = None;
    let mut segments: Vec<(&SegmentCommand64<Endianness>, &[u8])> = Vec::new();
    while let Some(command) = commands.next().map_err(malformed)? {
        if let Some(uuid) = command.uuid().map_err(malformed)? {
            build_id = BuildId::new(&uuid.uuid);
        } else if let Some((segment, data)) = command.segment_64().map_err(malformed)? {
            segments.push((segment, data));
        }
    }
    segments.sort_by_key(|(s, _)| s.fileoff.get(endian));

    let mut section = None;
    let mut has_frozen_statics = false;
    for (i, &(segment, data)) in segments.iter().enumerate() {
        let sections = segment.sections(endian, data).map_err(malformed)?;
        for s in sections {
            if trimmed(&s.sectname).starts_with(REGISTRY_PREFIX) && s.size(endian) > 0 {
                has_frozen_statics = true;
            }
        }
        if trimmed(&segment.segname) != SEGMENT {
            continue;
        }
        let Some(s) = sections.iter().find(|s| trimmed(&s.sectname) == SECTION) else {
            continue;
        };
        let next_is_linkedit = segments
            .get(i + 1)
            .is_some_and(|(next, _)| trimmed(&next.segname) == LINKEDIT)
            && i + 2 == segments.len();
        section = Some(FastbootSection {
            offset: s.offset(endian).into(),
            size: s.size(endian),
            addr: s.addr(endian),
            own_segment: sections.len() == 1
                && u64::from(s.offset(endian)) == segment.fileoff.get(endian)
                && next_is_linkedit,
        });
    }
    let extent = segments
        .iter()
        .map(|(s, _)| s.fileoff.get(endian) + s.filesize.get(endian))
        .max()
        .unwrap_or(0);
    Ok(Info {
        format: Format::MachO,
        build_id,
        section,
        section_obstacle: None,
        extent,
        has_frozen_statics,
    })
}

/// `image` with `contents` in its `fastboot` section.
pub fn replace_section(_image: &[u8], _contents: &[u8]) -> Result<Vec<u8>> {
    Err(Error::Other(
        "embedding in a Mach-O section is not implemented yet; use --footer".into(),
    ))
}
