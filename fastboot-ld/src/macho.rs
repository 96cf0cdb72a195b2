//! Mach-O executables (macOS): their facts, read with `object`, and the
//! `fastboot` section's contents replaced after linking.
//!
//! The `fastboot` section is `__FASTBOOT,__fastboot`, alone in a segment of
//! its own, which ld64 places after the data segments and before
//! `__LINKEDIT`. Growing it moves `__LINKEDIT` (symbols, fixups, export
//! trie, signature), which nothing addresses but its own load commands'
//! file offsets: those are shifted. The code signature covers every page
//! before it, so it is computed anew (see [`crate::codesign`]), keeping its
//! identifier and flags. The identity is the `LC_UUID` that ld64 always
//! writes, which no change here touches.

use std::path::Path;

use fastboot_core::__private::BuildId;
use object::macho::{
    DyldInfoCommand, DysymtabCommand, LinkeditDataCommand, LoadCommandType, MachHeader64,
    Section64, SegmentCommand64, SymtabCommand, LC_CODE_SIGNATURE, VM_PROT_WRITE,
};
use object::read::macho::{MachHeader, Section as _, Segment as _};
use object::{Endianness, LittleEndian as LE, Pod, ReadRef, U32};

use crate::codesign;
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
    })
}

/// Segments start on 16 KiB pages on arm64 (a multiple of x86-64's 4 KiB).
const PAGE: u64 = 0x4000;

/// What a load command holds that moving `__LINKEDIT` concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holds {
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
struct SegmentAt {
    /// Offset of the load command.
    at: usize,
    vmaddr: u64,
    fileoff: u64,
    filesize: u64,
}

/// The load commands that replacing the section reads or changes.
#[derive(Debug)]
struct Commands {
    /// Every load command: its offset and what it holds.
    all: Vec<(usize, Holds)>,
    /// Where the load commands end.
    end: usize,
    text: SegmentAt,
    fastboot: SegmentAt,
    /// Offset of the `__fastboot` section header.
    section_at: usize,
    linkedit: SegmentAt,
    /// Offset of `LC_CODE_SIGNATURE`, and the signature's file range.
    signature: Option<(usize, u64, u64)>,
}

fn malformed(e: object::read::Error) -> Error {
    Error::Other(format!("malformed Mach-O file: {e}"))
}

impl Commands {
    fn read(image: &[u8]) -> Result<Self> {
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
                            read_at::<Section64<LE>>(image, s)
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

/// The structure `T` at `at` in `bytes`.
fn read_at<T: Pod>(bytes: &[u8], at: usize) -> Result<&T> {
    bytes
        .get(at..)
        .and_then(|b| object::pod::from_bytes::<T>(b).ok())
        .map(|(value, _)| value)
        .ok_or_else(|| Error::Other("truncated Mach-O load commands".into()))
}

/// The structure `T` at `at` in `bytes`, to change it in place.
fn field_at<T: Pod>(bytes: &mut [u8], at: usize) -> Result<&mut T> {
    bytes
        .get_mut(at..)
        .and_then(|b| object::pod::from_bytes_mut::<T>(b).ok())
        .map(|(value, _)| value)
        .ok_or_else(|| Error::Other("truncated Mach-O load commands".into()))
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
    field_at::<Section64<LE>>(&mut out, commands.section_at)?
        .size
        .set(LE, contents.len() as u64);
    let segment = field_at::<SegmentCommand64<LE>>(&mut out, fastboot.at)?;
    segment.vmsize.set(LE, size);
    segment.filesize.set(LE, size);
    // `__LINKEDIT` moves, and so does everything in it.
    let segment = field_at::<SegmentCommand64<LE>>(&mut out, linkedit.at)?;
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
        let command = field_at::<LinkeditDataCommand<LE>>(&mut out, at)?;
        command.dataoff.set(LE, code_limit as u32);
        command.datasize.set(LE, signature_len as u32);
        let filesize = (code_limit + signature_len) as u64 - new_linkedit;
        let segment = field_at::<SegmentCommand64<LE>>(&mut out, linkedit.at)?;
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
                let c = field_at::<SymtabCommand<LE>>(image, at)?;
                self.offset(&mut c.symoff)?;
                self.offset(&mut c.stroff)
            }
            Holds::Dysymtab => {
                let c = field_at::<DysymtabCommand<LE>>(image, at)?;
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
                let c = field_at::<DyldInfoCommand<LE>>(image, at)?;
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
                self.offset(&mut field_at::<LinkeditDataCommand<LE>>(image, at)?.dataoff)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exe::{Executable, Format};
    use crate::le::{put_u32, put_u64};
    use crate::read::{read_snapshot, Location};
    use fastboot_core::__private::section::PLACEHOLDER;
    use fastboot_core::format::{self, EntryData};
    use object::macho::{LC_SEGMENT_64, LC_SYMTAB, LC_UUID};

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }

    const BASE: u64 = 0x1_0000_0000;
    const UUID: [u8; 16] = *b"fastboot-macho-1";

    fn segment(name: &str, vmaddr: u64, fileoff: u64, filesize: u64, prot: u32) -> Vec<u8> {
        let mut c = vec![0u8; 72];
        put_u32(&mut c, 0, LC_SEGMENT_64.0);
        put_u32(&mut c, 4, 72);
        c[8..8 + name.len()].copy_from_slice(name.as_bytes());
        put_u64(&mut c, 24, vmaddr);
        put_u64(&mut c, 32, filesize.next_multiple_of(PAGE));
        put_u64(&mut c, 40, fileoff);
        put_u64(&mut c, 48, filesize);
        put_u32(&mut c, 56, prot);
        put_u32(&mut c, 60, prot);
        c
    }

    fn with_section(
        mut command: Vec<u8>,
        name: &str,
        addr: u64,
        size: u64,
        offset: u32,
    ) -> Vec<u8> {
        let segname = command[8..24].to_vec();
        let mut s = vec![0u8; 80];
        s[..name.len()].copy_from_slice(name.as_bytes());
        s[16..32].copy_from_slice(&segname);
        put_u64(&mut s, 32, addr);
        put_u64(&mut s, 40, size);
        put_u32(&mut s, 48, offset);
        command.extend_from_slice(&s);
        let len = command.len() as u32;
        put_u32(&mut command, 4, len);
        put_u32(&mut command, 64, 1);
        command
    }

    fn command(cmd: u32, fields: &[u32]) -> Vec<u8> {
        let mut c = Vec::new();
        for v in [cmd, 8 + 4 * fields.len() as u32].iter().chain(fields) {
            c.extend_from_slice(&v.to_le_bytes());
        }
        c
    }

    /// An arm64 executable as ld64 lays one out with `fastboot_ld::link()`:
    /// `__TEXT`, `__FASTBOOT` holding the placeholder, `__LINKEDIT` with a
    /// symbol table and, if `signed`, a linker-signed ad-hoc signature.
    fn synthetic(signed: bool) -> Vec<u8> {
        synthetic_with(signed, &[])
    }

    /// [`synthetic`], with the load commands `extra` after the others.
    fn synthetic_with(signed: bool, extra: &[Vec<u8>]) -> Vec<u8> {
        let linkedit = 2 * PAGE;
        let symbols = b"\x01\0\0\0\x0f\x01\0\0\0\x10\0\0\x01\0\0\0";
        let strings = b"\0_main\0\0\0\0\0\0\0\0\0\0";
        let code_limit = linkedit + 32;
        let identifier = "synthetic-5f3a";
        let signature_len = codesign::signature_len(code_limit as usize, identifier) as u64;
        let linkedit_size = 32 + if signed { signature_len } else { 0 };
        let mut uuid = command(LC_UUID.0, &[0; 4]);
        uuid[8..24].copy_from_slice(&UUID);
        let mut commands = vec![
            with_section(
                segment("__TEXT", BASE, 0, PAGE, 5),
                "__text",
                BASE + 0x1000,
                0x100,
                0x1000,
            ),
            with_section(
                segment("__FASTBOOT", BASE + PAGE, PAGE, PAGE, 1),
                "__fastboot",
                BASE + PAGE,
                PLACEHOLDER.len() as u64,
                PAGE as u32,
            ),
            segment("__LINKEDIT", BASE + linkedit, linkedit, linkedit_size, 1),
            uuid,
            command(LC_SYMTAB.0, &[linkedit as u32, 1, linkedit as u32 + 16, 16]),
        ];
        if signed {
            commands.push(command(
                LC_CODE_SIGNATURE.0,
                &[code_limit as u32, signature_len as u32],
            ));
        }
        commands.extend_from_slice(extra);
        let mut image = vec![0u8; 32];
        put_u32(&mut image, 0, 0xfeed_facf);
        put_u32(&mut image, 4, 0x0100_000c); // arm64
        put_u32(&mut image, 12, 2); // MH_EXECUTE
        put_u32(&mut image, 16, commands.len() as u32);
        put_u32(
            &mut image,
            20,
            commands.iter().map(Vec::len).sum::<usize>() as u32,
        );
        for c in &commands {
            image.extend_from_slice(c);
        }
        image.resize(0x1000, 0);
        image.extend(0..=255u8);
        image.resize(PAGE as usize, 0);
        image.extend_from_slice(&PLACEHOLDER);
        image.resize(linkedit as usize, 0);
        image.extend_from_slice(symbols);
        image.extend_from_slice(strings);
        if signed {
            let signing = codesign::Signing {
                identifier: identifier.into(),
                flags: codesign::LINKER_SIGNED_AD_HOC,
                exec_segment: (0, PAGE),
            };
            let signature = codesign::sign(&image, &signing);
            image.extend_from_slice(&signature);
        }
        image
    }

    /// The bytes of `image`'s symbol name table, found by its `LC_SYMTAB`.
    fn strings(image: &[u8]) -> &[u8] {
        let commands = Commands::read(image).unwrap();
        let (at, _) = commands
            .all
            .iter()
            .find(|(_, holds)| *holds == Holds::Symtab)
            .unwrap();
        let offset = u32_at(image, at + 16) as usize;
        &image[offset..offset + 16]
    }

    /// The first 32-bit field after `cmd` and `cmdsize` of the (first)
    /// load command `cmd` in `image`.
    fn first_field(image: &[u8], cmd: u32) -> u32 {
        let commands = Commands::read(image).unwrap();
        let (at, _) = commands
            .all
            .iter()
            .find(|(at, _)| u32_at(image, *at) == cmd)
            .unwrap();
        u32_at(image, at + 8)
    }

    #[test]
    fn an_unknown_load_command_is_an_error_not_skipped() {
        // A command this rewriter does not know may hold offsets into
        // `__LINKEDIT`: writing it unchanged under a new signature would
        // give a broken program that looks valid.
        let image = synthetic_with(false, &[command(0x7f, &[0, 0])]);
        let Err(err) = replace_section(&image, b"snapshot") else {
            panic!("an unknown load command was skipped");
        };
        assert!(err.to_string().contains("load command 0x7f"), "{err}");
    }

    #[test]
    fn function_variant_tables_move_with_linkedit() {
        // LC_FUNCTION_VARIANTS and LC_FUNCTION_VARIANT_FIXUPS (recent
        // ld64) point into `__LINKEDIT` like LC_FUNCTION_STARTS.
        let linkedit = 2 * PAGE as u32;
        let variants = [
            command(0x37, &[linkedit + 8, 8]),
            command(0x38, &[linkedit + 16, 8]),
        ];
        let image = synthetic_with(true, &variants);
        let grown = replace_section(&image, &vec![5u8; 40_000]).unwrap();
        let moved = Commands::read(&grown).unwrap().linkedit.fileoff as u32;
        assert_eq!(first_field(&grown, 0x37), moved + 8);
        assert_eq!(first_field(&grown, 0x38), moved + 16);
        check_signature(&grown).unwrap();
    }

    fn parse(image: &[u8]) -> Executable {
        Executable::from_bytes("synthetic".as_ref(), image.to_vec()).unwrap()
    }

    #[test]
    fn a_synthetic_executable_is_read_like_ld64_output() {
        let exe = parse(&synthetic(true));
        assert_eq!(exe.info.format, Format::MachO);
        assert_eq!(exe.build_id().unwrap().as_bytes(), UUID);
        let section = exe.info.section.unwrap();
        assert!(section.own_segment, "{section:?}");
        assert_eq!(exe.section_bytes(), Some(&PLACEHOLDER[..]));
        assert_eq!(exe.section_usable().ok(), Some(()));
        check_signature(&exe.bytes).unwrap();
    }

    #[test]
    fn growing_the_section_moves_linkedit_and_renews_the_signature() {
        let original = synthetic(true);
        let contents: Vec<u8> = (0..40_000u32).map(|i| (i % 253) as u8).collect();
        let grown = replace_section(&original, &contents).unwrap();

        let exe = parse(&grown);
        assert_eq!(exe.section_bytes(), Some(&contents[..]));
        assert!(exe.info.section.unwrap().own_segment);
        assert_eq!(exe.build_id().unwrap().as_bytes(), UUID);
        assert_eq!(
            strings(&grown),
            strings(&original),
            "symbols moved with __LINKEDIT"
        );
        check_signature(&grown).unwrap();
        let commands = Commands::read(&grown).unwrap();
        let (linkedit, fastboot) = (commands.linkedit, commands.fastboot);
        assert_eq!(
            linkedit.fileoff,
            fastboot.fileoff + contents.len().next_multiple_of(PAGE as usize) as u64
        );
        assert_eq!(linkedit.fileoff % PAGE, 0);
        assert_eq!(linkedit.vmaddr - BASE, linkedit.fileoff);
        assert_eq!(linkedit.fileoff + linkedit.filesize, grown.len() as u64);

        // Any change after signing is caught.
        let mut tampered = grown.clone();
        tampered[PAGE as usize + 5] ^= 1;
        assert!(check_signature(&tampered).is_err());

        // Putting the placeholder back gives the original bytes.
        assert_eq!(replace_section(&grown, &PLACEHOLDER).unwrap(), original);
    }

    #[test]
    fn a_writable_fastboot_segment_is_refused() {
        let mut image = synthetic(false);
        let at = Commands::read(&image).unwrap().fastboot.at;
        put_u32(&mut image, at + 56, 3);
        let err = parse(&image).section_usable().unwrap_err();
        assert!(err.to_string().contains("segment is writable"), "{err}");
    }

    #[test]
    fn a_truncated_executable_is_an_error_not_a_panic() {
        let image = synthetic(true);
        let linkedit = 2 * PAGE as usize;
        let cuts = [0, 40, 100, 0x3000, 0x5000, linkedit + 10, image.len() - 1];
        for len in cuts {
            let result = replace_section(&image[..len], b"snapshot");
            assert!(result.is_err(), "{len}");
        }
    }

    #[test]
    fn an_unsigned_executable_stays_unsigned() {
        let original = synthetic(false);
        let contents = vec![9u8; 20_000];
        let grown = replace_section(&original, &contents).unwrap();
        assert!(Commands::read(&grown).unwrap().signature.is_none());
        assert_eq!(strings(&grown), strings(&original));
        assert_eq!(parse(&grown).section_bytes(), Some(&contents[..]));
    }

    #[test]
    fn a_segment_between_fastboot_and_linkedit_is_refused() {
        let mut image = synthetic(false);
        // Rename __LINKEDIT: __FASTBOOT is then followed by another segment.
        let at = Commands::read(&image).unwrap().linkedit.at;
        image[at + 8..at + 18].copy_from_slice(b"__OTHERSEG");
        let exe = parse(&image);
        assert!(!exe.info.section.unwrap().own_segment);
        assert!(matches!(exe.section_usable(), Err(Error::NotOwnSegment(_))));
    }

    /// A directory with the snapshot `app.snap` of [`UUID`].
    fn with_snapshot(test: &str) -> (std::path::PathBuf, std::path::PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("fastboot-macho-{test}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let snapshot = dir.join("app.snap");
        let entry = EntryData {
            name: "app::table",
            fingerprint: 7,
            bytes: &[0u8; 64],
        };
        std::fs::write(&snapshot, format::write(&UUID, &[entry]).unwrap()).unwrap();
        (dir, snapshot)
    }

    #[test]
    fn embedding_and_reading_back_through_the_public_api() {
        let (dir, snapshot) = with_snapshot("api");
        for signed in [true, false] {
            let (binary, output) = (dir.join("app"), dir.join("out"));
            std::fs::write(&binary, synthetic(signed)).unwrap();
            crate::embed::embed_section(&binary, &snapshot, &output).unwrap();
            let found = read_snapshot(&output).unwrap();
            assert!(
                matches!(found.location, Location::Section { .. }),
                "{:?}",
                found.location
            );
            assert_eq!(found.snapshot().unwrap().producer(), UUID);
            check_signature(&std::fs::read(&output).unwrap()).unwrap();
        }

        // Appending instead (unsigned) takes the snapshot out of the section.
        let output = dir.join("out");
        crate::embed::embed_footer(&output, &snapshot, &output).unwrap();
        let found = read_snapshot(&output).unwrap();
        assert!(
            matches!(found.location, Location::Footer { .. }),
            "{:?}",
            found.location
        );
        assert_eq!(
            parse(&std::fs::read(&output).unwrap()[..found_image_len(&output)]).section_bytes(),
            Some(&PLACEHOLDER[..])
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_snapshot_is_not_appended_after_a_code_signature() {
        // macOS's `codesign --verify --strict` rejects a signed file with
        // bytes after its signature.
        let (dir, snapshot) = with_snapshot("signed-footer");
        let (binary, output) = (dir.join("app"), dir.join("out"));
        std::fs::write(&binary, synthetic(true)).unwrap();
        let result = crate::embed::embed_footer(&binary, &snapshot, &output);
        let Err(err) = result else {
            panic!("a snapshot was appended after the code signature");
        };
        let message = err.to_string();
        assert!(message.contains("code signature"), "{message}");
        assert!(message.contains("fastboot_ld::link()"), "{message}");
        assert!(!output.exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The length of the image at `path`, without what was appended.
    fn found_image_len(path: &std::path::Path) -> usize {
        Executable::open(path).unwrap().info.extent as usize
    }
}
