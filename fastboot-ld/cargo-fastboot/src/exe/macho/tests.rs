//! Mach-O reading and rewriting on synthetic executables laid out as ld64
//! lays them out.

use super::rewrite::{Commands, Holds};
use super::*;
use crate::error::Error;
use crate::exe::{Executable, Format};
use crate::snapshot::read::read_snapshot;
use fastboot_core::contract::PLACEHOLDER;
use fastboot_core::format::{self, EntryData};
use fastboot_core::Origin;
use object::macho::{LC_CODE_SIGNATURE, LC_SEGMENT_64, LC_SYMTAB, LC_UUID};

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    bytes[at..at + 4].copy_from_slice(&value.to_le_bytes());
}

fn put_u64(bytes: &mut [u8], at: usize, value: u64) {
    bytes[at..at + 8].copy_from_slice(&value.to_le_bytes());
}

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

fn with_section(mut command: Vec<u8>, name: &str, addr: u64, size: u64, offset: u32) -> Vec<u8> {
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
    let dir = std::env::temp_dir().join(format!("fastboot-macho-{test}-{}", std::process::id()));
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
        crate::snapshot::embed::embed_section(&binary, &snapshot, &output).unwrap();
        let found = read_snapshot(&output).unwrap();
        assert!(found.origin == Origin::Section, "{:?}", found.origin);
        assert_eq!(found.snapshot().unwrap().producer(), UUID);
        check_signature(&std::fs::read(&output).unwrap()).unwrap();
    }

    // Appending instead (unsigned) takes the snapshot out of the section.
    let output = dir.join("out");
    crate::snapshot::embed::embed_footer(&output, &snapshot, &output).unwrap();
    let found = read_snapshot(&output).unwrap();
    assert!(found.origin == Origin::Footer, "{:?}", found.origin);
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
    let result = crate::snapshot::embed::embed_footer(&binary, &snapshot, &output);
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
