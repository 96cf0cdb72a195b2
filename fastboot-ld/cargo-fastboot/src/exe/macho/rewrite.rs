//! Replacing the `fastboot` section's contents: `__LINKEDIT` moves after
//! it, with every load command's offset into it, and the code signature is
//! renewed. Load commands are read and patched through `object`'s structs;
//! one this module does not know is an error, not skipped.

use object::macho::{
    DyldInfoCommand, DysymtabCommand, LinkeditDataCommand, LoadCommandType, MachHeader64,
    Section64, SegmentCommand64, SymtabCommand, LC_CODE_SIGNATURE,
};
use object::read::macho::MachHeader;
use object::{LittleEndian as LE, U32};

use super::{codesign, is_macho, trimmed, LINKEDIT, PAGE, SECTION, SEGMENT};
use crate::error::{Error, Result};
use crate::exe::fields::{field_at, read_at};

/// What the fields patched here are part of, for errors.
const COMMANDS: &str = "Mach-O load commands";

/// What a load command holds that moving `__LINKEDIT` concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Holds {
    /// A segment, with its file range and sections.
    Segment,
    /// No file offset into `__LINKEDIT`.
    Nothing,
    /// `LC_SYMTAB`'s symbol and string tables.
    Symtab,
    /// `LC_DYSYMTAB`'s tables.
    Dysymtab,
    /// `LC_DYLD_INFO(_ONLY)`'s rebase, bind and export data.
    DyldInfo,
    /// One `linkedit_data_command` range.
    LinkeditData,
}

impl Holds {
    /// What the load command `cmd` holds; `None` for a command this
    /// rewriter does not know, which may point anywhere.
    fn of(cmd: LoadCommandType) -> Option<Self> {
        use object::macho as m;
        Some(match cmd {
            m::LC_SEGMENT_64 => Holds::Segment,
            m::LC_SYMTAB => Holds::Symtab,
            m::LC_DYSYMTAB => Holds::Dysymtab,
            m::LC_DYLD_INFO | m::LC_DYLD_INFO_ONLY => Holds::DyldInfo,
            m::LC_CODE_SIGNATURE
            | m::LC_SEGMENT_SPLIT_INFO
            | m::LC_FUNCTION_STARTS
            | m::LC_DATA_IN_CODE
            | m::LC_DYLIB_CODE_SIGN_DRS
            | m::LC_LINKER_OPTIMIZATION_HINT
            | m::LC_DYLD_EXPORTS_TRIE
            | m::LC_DYLD_CHAINED_FIXUPS
            | m::LC_ATOM_INFO
            | m::LC_FUNCTION_VARIANTS
            | m::LC_FUNCTION_VARIANT_FIXUPS => Holds::LinkeditData,
            m::LC_UUID
            | m::LC_LOAD_DYLINKER
            | m::LC_LOAD_DYLIB
            | m::LC_LOAD_WEAK_DYLIB
            | m::LC_REEXPORT_DYLIB
            | m::LC_LAZY_LOAD_DYLIB
            | m::LC_LOAD_UPWARD_DYLIB
            | m::LC_ID_DYLIB
            | m::LC_MAIN
            | m::LC_UNIXTHREAD
            | m::LC_BUILD_VERSION
            | m::LC_VERSION_MIN_MACOSX
            | m::LC_SOURCE_VERSION
            | m::LC_RPATH
            | m::LC_DYLD_ENVIRONMENT
            | m::LC_LINKER_OPTION
            | m::LC_TARGET_TRIPLE
            | m::LC_ENCRYPTION_INFO_64 => Holds::Nothing,
            _ => return None,
        })
    }
}

/// A segment load command, by its place in the file.
#[derive(Debug, Clone, Copy)]
pub(super) struct SegmentAt {
    /// Offset of the load command.
    pub(super) at: usize,
    pub(super) vmaddr: u64,
    pub(super) fileoff: u64,
    pub(super) filesize: u64,
}

/// The load commands that replacing the section reads or changes.
#[derive(Debug)]
pub(super) struct Commands {
    /// Every load command: its offset and what it holds.
    pub(super) all: Vec<(usize, Holds)>,
    /// Where the load commands end.
    pub(super) end: usize,
    pub(super) text: SegmentAt,
    pub(super) fastboot: SegmentAt,
    /// Offset of the `__fastboot` section header.
    pub(super) section_at: usize,
    pub(super) linkedit: SegmentAt,
    /// Offset of `LC_CODE_SIGNATURE`, and the signature's file range.
    pub(super) signature: Option<(usize, u64, u64)>,
}

fn malformed(e: object::read::Error) -> Error {
    Error::Other(format!("malformed Mach-O file: {e}"))
}

impl Commands {
    pub(super) fn read(image: &[u8]) -> Result<Self> {
        if !is_macho(image) {
            return Err(Error::Other("not a 64-bit Mach-O file".into()));
        }
        let header = MachHeader64::<LE>::parse(image, 0).map_err(malformed)?;
        let mut commands = header.load_commands(LE, image, 0).map_err(malformed)?;
        let mut all = Vec::new();
        let (mut text, mut fastboot, mut linkedit, mut section_at, mut signature) =
            (None, None, None, None, None);
        let mut at = size_of::<MachHeader64<LE>>();
        while let Some(command) = commands.next().map_err(malformed)? {
            let cmd = command.cmd();
            let holds = Holds::of(cmd).ok_or_else(|| {
                Error::Other(format!(
                    "the Mach-O file has load command {:#x}, which this tool does not know: \
                     it cannot tell whether moving __LINKEDIT changes it",
                    cmd.0
                ))
            })?;
            all.push((at, holds));
            if let Some((segment, _)) = command.segment_64().map_err(malformed)? {
                let place = SegmentAt {
                    at,
                    vmaddr: segment.vmaddr.get(LE),
                    fileoff: segment.fileoff.get(LE),
                    filesize: segment.filesize.get(LE),
                };
                match trimmed(&segment.segname) {
                    b"__TEXT" => text = Some(place),
                    LINKEDIT => linkedit = Some(place),
                    SEGMENT => {
                        fastboot = Some(place);
                        let first = at + size_of::<SegmentCommand64<LE>>();
                        let sections = segment.nsects.get(LE) as usize;
                        let entry = size_of::<Section64<LE>>();
                        section_at = (0..sections).map(|i| first + i * entry).find(|&s| {
                            read_at::<Section64<LE>>(image, s, COMMANDS)
                                .is_ok_and(|section| trimmed(&section.sectname) == SECTION)
                        });
                    }
                    _ => {}
                }
            } else if cmd == LC_CODE_SIGNATURE {
                let data: &LinkeditDataCommand<LE> = command.data().map_err(malformed)?;
                signature = Some((
                    at,
                    u64::from(data.dataoff.get(LE)),
                    u64::from(data.datasize.get(LE)),
                ));
            }
            at += command.raw_data().len();
        }
        let missing = |what: &str| Error::Other(format!("the Mach-O file has no {what}"));
        Ok(Commands {
            all,
            end: at,
            text: text.ok_or_else(|| missing("__TEXT segment"))?,
            fastboot: fastboot.ok_or_else(|| missing("__FASTBOOT segment"))?,
            section_at: section_at.ok_or_else(|| missing("__fastboot section"))?,
            linkedit: linkedit.ok_or_else(|| missing("__LINKEDIT segment"))?,
            signature,
        })
    }
}

/// `image` with `contents` in its `fastboot` section, `__LINKEDIT` moved
/// to follow it, and its code signature, if it has one, renewed.
///
/// The caller has checked that the section is alone in its segment, which
/// `__LINKEDIT`, the last segment, follows. A load command this rewriter
/// does not know is an error: it might point into `__LINKEDIT`.
pub fn replace_section(image: &[u8], contents: &[u8]) -> Result<Vec<u8>> {
    let commands = Commands::read(image)?;
    let Commands {
        fastboot, linkedit, ..
    } = commands;
    let linkedit_end = linkedit.fileoff.saturating_add(linkedit.filesize);
    let in_order = [
        commands.fastboot.fileoff,
        linkedit.fileoff,
        commands
            .signature
            .map_or(linkedit.fileoff, |(_, offset, _)| offset),
        linkedit_end,
        image.len() as u64,
    ];
    // The load commands, which are patched in the copy of what precedes the
    // section, must lie there.
    if !in_order.is_sorted() || commands.end as u64 > commands.fastboot.fileoff {
        return Err(Error::Other(
            "the Mach-O file's segments are not where its load commands say".into(),
        ));
    }
    let signing = match commands.signature {
        None => None,
        Some((_, offset, size)) => {
            if offset + size != linkedit_end {
                return Err(Error::Other(
                    "the Mach-O code signature does not end __LINKEDIT".into(),
                ));
            }
            let old = &image[offset as usize..linkedit_end as usize];
            let (identifier, flags) = codesign::identifier_and_flags(old)
                .ok_or_else(|| Error::Other("the Mach-O code signature cannot be read".into()))?;
            let text = commands.text;
            Some(codesign::Signing {
                identifier,
                flags,
                exec_segment: (text.fileoff, text.fileoff + text.filesize),
            })
        }
    };
    let kept_end = commands
        .signature
        .map_or(linkedit_end, |(_, offset, _)| offset);

    let size = (contents.len() as u64).next_multiple_of(PAGE);
    let new_linkedit = fastboot.fileoff + size;
    let mut out = image[..fastboot.fileoff as usize].to_vec();
    out.extend_from_slice(contents);
    out.resize(new_linkedit as usize, 0);
    out.extend_from_slice(&image[linkedit.fileoff as usize..kept_end as usize]);

    // The section and its segment take the new length.
    field_at::<Section64<LE>>(&mut out, commands.section_at, COMMANDS)?
        .size
        .set(LE, contents.len() as u64);
    let segment = field_at::<SegmentCommand64<LE>>(&mut out, fastboot.at, COMMANDS)?;
    segment.vmsize.set(LE, size);
    segment.filesize.set(LE, size);
    // `__LINKEDIT` moves, and so does everything in it.
    let segment = field_at::<SegmentCommand64<LE>>(&mut out, linkedit.at, COMMANDS)?;
    segment.vmaddr.set(LE, fastboot.vmaddr + size);
    segment.fileoff.set(LE, new_linkedit);
    let shift = Shift {
        from: linkedit.fileoff,
        to: new_linkedit,
    };
    for &(at, holds) in &commands.all {
        shift.command(&mut out, at, holds)?;
    }

    if let (Some(signing), Some((at, _, _))) = (signing, commands.signature) {
        let code_limit = out.len();
        let signature_len = codesign::signature_len(code_limit, &signing.identifier);
        let command = field_at::<LinkeditDataCommand<LE>>(&mut out, at, COMMANDS)?;
        command.dataoff.set(LE, code_limit as u32);
        command.datasize.set(LE, signature_len as u32);
        let filesize = (code_limit + signature_len) as u64 - new_linkedit;
        let segment = field_at::<SegmentCommand64<LE>>(&mut out, linkedit.at, COMMANDS)?;
        segment.filesize.set(LE, filesize);
        segment.vmsize.set(LE, filesize.next_multiple_of(PAGE));
        let signature = codesign::sign(&out, &signing);
        out.extend_from_slice(&signature);
    }
    Ok(out)
}

/// `__LINKEDIT` moving from file offset `from` to `to`: the offsets into
/// it that load commands hold move by as much.
struct Shift {
    from: u64,
    to: u64,
}

impl Shift {
    /// `offset` moved; zero (no table) stays zero.
    fn offset(&self, offset: &mut U32<LE>) -> Result<()> {
        let old = offset.get(LE);
        if old != 0 {
            let new = i128::from(old) + i128::from(self.to) - i128::from(self.from);
            let new = u32::try_from(new)
                .map_err(|_| Error::Other("the Mach-O file would exceed 4 GiB".into()))?;
            offset.set(LE, new);
        }
        Ok(())
    }

    /// Moves the offsets of the load command at `at` in `image`.
    fn command(&self, image: &mut [u8], at: usize, holds: Holds) -> Result<()> {
        match holds {
            Holds::Segment | Holds::Nothing => Ok(()),
            Holds::Symtab => {
                let c = field_at::<SymtabCommand<LE>>(image, at, COMMANDS)?;
                self.offset(&mut c.symoff)?;
                self.offset(&mut c.stroff)
            }
            Holds::Dysymtab => {
                let c = field_at::<DysymtabCommand<LE>>(image, at, COMMANDS)?;
                for offset in [
                    &mut c.tocoff,
                    &mut c.modtaboff,
                    &mut c.extrefsymoff,
                    &mut c.indirectsymoff,
                    &mut c.extreloff,
                    &mut c.locreloff,
                ] {
                    self.offset(offset)?;
                }
                Ok(())
            }
            Holds::DyldInfo => {
                let c = field_at::<DyldInfoCommand<LE>>(image, at, COMMANDS)?;
                for offset in [
                    &mut c.rebase_off,
                    &mut c.bind_off,
                    &mut c.weak_bind_off,
                    &mut c.lazy_bind_off,
                    &mut c.export_off,
                ] {
                    self.offset(offset)?;
                }
                Ok(())
            }
            Holds::LinkeditData => {
                self.offset(&mut field_at::<LinkeditDataCommand<LE>>(image, at, COMMANDS)?.dataoff)
            }
        }
    }
}

/// Checks that the code signature of `image`, if it has one, signs it.
pub fn check_signature(image: &[u8]) -> Result<()> {
    let Some((_, offset, size)) = Commands::read(image)?.signature else {
        return Ok(());
    };
    let (offset, end) = (offset as usize, (offset + size) as usize);
    let signature = image
        .get(offset..end)
        .ok_or_else(|| Error::Other("the Mach-O code signature lies past the file's end".into()))?;
    codesign::verify(&image[..offset], signature)
        .map_err(|why| Error::Other(format!("the Mach-O code signature is invalid: {why}")))
}
