//! Embedding a snapshot into an executable (ELF, PE or Mach-O): in its
//! `fastboot` section (loaded with the program, no I/O at startup), or
//! appended after the image with a footer (works with any linker).
//!
//! Both refuse a snapshot that the executable did not produce, replace any
//! snapshot already embedded, and write the output atomically with the
//! input's permissions; the input is changed only if it is the output.

use std::fmt;
use std::path::Path;

use fastboot_core::__private::hex;
use fastboot_core::format::Snapshot;

use super::appended;
use crate::error::{Error, Result};
use crate::exe::{self, macho, Executable, Format};
use crate::output::{permissions_of, write_atomically};

/// Where to put the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Replace the contents of the `fastboot` section (needs
    /// `fastboot_ld::link()` on Linux and macOS; a PE image gets the section).
    Section,
    /// Append the snapshot and a footer to the file.
    Footer,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Section => "section",
            Method::Footer => "footer",
        })
    }
}

/// Embeds the snapshot file `snapshot` into the executable `binary` by
/// `method`, writing `output` (which may be `binary`).
pub fn embed(binary: &Path, snapshot: &Path, output: &Path, method: Method) -> Result<()> {
    match method {
        Method::Section => embed_section(binary, snapshot, output),
        Method::Footer => embed_footer(binary, snapshot, output),
    }
}

/// The method to use for `binary` when none is asked for: the section if
/// its layout allows it, else the footer, with the reason the section
/// cannot be used.
pub fn choose_method(binary: &Path) -> Result<(Method, Option<String>)> {
    let exe = Executable::open(binary)?;
    Ok(match exe.section_usable() {
        Ok(()) => (Method::Section, None),
        Err(why) => (Method::Footer, Some(why.to_string())),
    })
}

/// Writes `output`: `binary` with the snapshot in its `fastboot` section.
///
/// The section must be where it can take any length and the program finds
/// it: alone at the start of an ELF executable's last loadable segment or
/// in a Mach-O segment of its own before `__LINKEDIT`, as
/// `fastboot_ld::link()` arranges; a PE image gets a last section of its own.
/// A Mach-O executable's code signature is renewed (ad hoc). A snapshot
/// appended to `binary` is dropped. Works in process, for an executable of
/// any target.
pub fn embed_section(binary: &Path, snapshot: &Path, output: &Path) -> Result<()> {
    let exe = Executable::open(binary)?;
    exe.section_usable()?;
    let snapshot = produced_by(&exe, snapshot)?;
    let permissions = permissions_of(binary)?;

    let image = appended::strip(&exe.bytes, exe.info.extent)?;
    let result = exe::replace_section(exe.info.format, image, &snapshot)?;
    check_section_result(&exe, result, &snapshot)
        .and_then(|checked| write_atomically(output, &checked.bytes, Some(permissions)))
}

/// Writes `output`: `binary` without any snapshot it had appended, zero
/// padding to a multiple of 4096 bytes, the snapshot, and a footer.
///
/// Works on any executable but a signed Mach-O one, whose signature must
/// end the file (`codesign --verify --strict` rejects bytes after it). A
/// snapshot in the `fastboot` section would be
/// found before the footer's, so it is taken out: the placeholder is
/// written over it (ELF, Mach-O, whose signature is renewed), or the
/// section removed (PE).
pub fn embed_footer(binary: &Path, snapshot: &Path, output: &Path) -> Result<()> {
    let exe = Executable::open(binary)?;
    exe.footer_usable()?;
    let snapshot = produced_by(&exe, snapshot)?;
    let permissions = permissions_of(binary)?;

    let image = exe::clear_section(&exe, appended::strip(&exe.bytes, exe.info.extent)?)?;
    write_atomically(
        output,
        &appended::append(&image, &snapshot),
        Some(permissions),
    )
}

/// Checks that the snapshot was produced by this executable.
pub fn check_producer(exe: &Executable, snapshot: &Snapshot<'_>) -> Result<()> {
    let ours = exe.build_id()?;
    if snapshot.producer() != ours.as_bytes() {
        return Err(Error::ForeignSnapshot {
            snapshot: hex(snapshot.producer()),
            binary: ours.to_string(),
        });
    }
    Ok(())
}

/// Parses the snapshot `bytes`, read from `path`, whatever rkyv layout its
/// archives were written with (the program checks that when it thaws).
pub fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Snapshot<'a>> {
    Snapshot::parse_any_abi(bytes).map_err(|error| Error::BadSnapshot {
        path: path.to_owned(),
        error,
    })
}

/// The snapshot in the file at `path`, checked to be one that `exe`
/// produced.
fn produced_by(exe: &Executable, path: &Path) -> Result<Vec<u8>> {
    let mut bytes = std::fs::read(path).map_err(Error::at(path))?;
    let snapshot = parse(path, &bytes)?;
    check_producer(exe, &snapshot)?;
    let len = snapshot.as_bytes().len();
    bytes.truncate(len);
    Ok(bytes)
}

/// Checks the rewritten executable `bytes`: same identity, the section
/// still where the program finds it, holding the snapshot.
fn check_section_result(
    original: &Executable,
    bytes: Vec<u8>,
    snapshot: &[u8],
) -> Result<Executable> {
    let result = Executable::from_bytes(&original.path, bytes)?;
    let unexpected = |what: &str| {
        Error::Other(format!(
            "rewriting {} went wrong: {what}",
            original.path.display()
        ))
    };
    if result.info.build_id != original.info.build_id {
        return Err(unexpected("its identity changed"));
    }
    if result.section_usable().is_err() || result.info.section.is_none() {
        return Err(unexpected("the fastboot section left its segment"));
    }
    if result.info.format == Format::MachO {
        macho::check_signature(&result.bytes)?;
    }
    if result.section_bytes() != Some(snapshot) {
        return Err(unexpected(
            "the fastboot section does not hold the snapshot",
        ));
    }
    Ok(result)
}
