//! The facts of a Mach-O executable, read from its load commands.

use std::path::Path;

use fastboot_core::contract::{registry_section, BuildId};
use object::macho::{
    MachHeader64, SegmentCommand64, LC_CODE_SIGNATURE, MH_BUNDLE, MH_DYLIB, VM_PROT_WRITE,
};
use object::read::macho::{MachHeader, Section as _, Segment as _};
use object::{Endianness, ReadRef};

use super::{trimmed, LINKEDIT, SECTION, SEGMENT};
use crate::error::{Error, Result};
use crate::exe::{FastbootSection, Format, Info};

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
    let mut signed = false;
    let mut segments: Vec<(&SegmentCommand64<Endianness>, &[u8])> = Vec::new();
    while let Some(command) = commands.next().map_err(malformed)? {
        if let Some(uuid) = command.uuid().map_err(malformed)? {
            build_id = BuildId::new(&uuid.uuid);
        } else if let Some((segment, data)) = command.segment_64().map_err(malformed)? {
            segments.push((segment, data));
        } else if command.cmd() == LC_CODE_SIGNATURE {
            signed = true;
        }
    }
    segments.sort_by_key(|(s, _)| s.fileoff.get(endian));

    let mut section = None;
    let mut writable = false;
    let mut has_frozen_statics = false;
    for (i, &(segment, data)) in segments.iter().enumerate() {
        let sections = segment.sections(endian, data).map_err(malformed)?;
        for s in sections {
            if trimmed(&s.sectname).starts_with(registry_section::MACHO_PREFIX)
                && s.size(endian) > 0
            {
                has_frozen_statics = true;
            }
        }
        if trimmed(&segment.segname) != SEGMENT {
            continue;
        }
        let Some(s) = sections.iter().find(|s| trimmed(&s.sectname) == SECTION) else {
            continue;
        };
        if ((segment.initprot.get(endian) | segment.maxprot.get(endian)) & VM_PROT_WRITE).0 != 0 {
            writable = true;
        }
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
        section_obstacle: writable.then_some(
            "its __FASTBOOT segment is writable, so the program would not trust it: \
             link with fastboot_ld::link() in build.rs (-segprot __FASTBOOT r r)",
        ),
        footer_obstacle: signed.then_some(
            "it ends with a code signature, and macOS rejects bytes after one \
             (codesign --verify --strict): embed in the section instead \
             (link with fastboot_ld::link() in build.rs)",
        ),
        extent,
        has_frozen_statics,
        library: matches!(header.filetype(endian), MH_DYLIB | MH_BUNDLE),
    })
}
