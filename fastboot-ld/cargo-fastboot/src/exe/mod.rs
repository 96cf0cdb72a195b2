//! Executables, whatever their format: what the tool needs to know about
//! one (its identity, its `fastboot` section and whether a snapshot can be
//! embedded there, where its image ends), read from its headers with
//! `object` by each format's module (`elf`, `pe`, `macho`), and the
//! `fastboot` section's contents replaced or taken out after linking.

mod elf;
mod fields;
pub mod macho;
mod pe;

use std::path::{Path, PathBuf};

use fastboot_core::contract::{BuildId, PLACEHOLDER};
use object::{ReadCache, ReadRef};

use crate::error::{Error, Result};

/// An executable file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Linux and most Unix systems.
    Elf,
    /// Windows.
    Pe,
    /// macOS.
    MachO,
}

impl Format {
    /// The format `bytes` start like, if any.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        if elf::is_elf(bytes) {
            Some(Format::Elf)
        } else if bytes.starts_with(&object::pe::IMAGE_DOS_SIGNATURE.to_le_bytes()) {
            Some(Format::Pe)
        } else if macho::is_macho(bytes) {
            Some(Format::MachO)
        } else {
            None
        }
    }
}

/// The `fastboot` section of an executable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FastbootSection {
    /// Offset of its contents in the file.
    pub offset: u64,
    /// Length of its contents.
    pub size: u64,
    /// Its virtual address.
    pub addr: u64,
    /// Whether it lies where a snapshot of any length can replace its
    /// contents and the program finds it there: alone at the start of the
    /// last loadable segment (ELF), the image's last section (PE), alone in
    /// the segment before `__LINKEDIT` (Mach-O).
    pub own_segment: bool,
}

/// The facts about an executable that embedding depends on.
#[derive(Debug, Clone)]
pub struct Info {
    /// Its format.
    pub format: Format,
    /// Its identity (GNU build-id, CodeView GUID and age, or `LC_UUID`), if
    /// it has one.
    pub build_id: Option<BuildId>,
    /// Its `fastboot` section, if it has one.
    pub section: Option<FastbootSection>,
    /// Why a snapshot cannot be put in a `fastboot` section, beyond not
    /// having a usable one: a format-specific obstacle.
    pub section_obstacle: Option<&'static str>,
    /// Why a snapshot cannot be appended to it, if it cannot.
    pub footer_obstacle: Option<&'static str>,
    /// Where the image ends: anything after this offset was appended.
    pub extent: u64,
    /// Whether it has frozen statics: a non-empty registry.
    pub has_frozen_statics: bool,
    /// Whether it is a shared library (`.so`, DLL, `.dylib`), which a host
    /// program loads, rather than a program.
    pub library: bool,
}

impl Info {
    /// Reads the headers of the executable `bytes`, read from `path`: the
    /// whole file in memory, or a [`ReadCache`] that reads only what is
    /// needed.
    pub fn parse<'data, R: ReadRef<'data>>(path: &Path, bytes: R) -> Result<Self> {
        let start = bytes.read_bytes_at(0, 4).unwrap_or_default();
        match Format::detect(start) {
            Some(Format::Elf) => elf::parse(path, bytes),
            Some(Format::Pe) => pe::parse(path, bytes),
            Some(Format::MachO) => macho::parse(path, bytes),
            None => Err(Error::NotExecutable(path.to_owned())),
        }
    }

    /// Reads the headers of the executable at `path`, and only them.
    pub fn read(path: &Path) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(Error::at(path))?;
        Self::parse(path, &ReadCache::new(file))
    }
}

/// An executable read into memory, with its facts.
#[derive(Debug, Clone)]
pub struct Executable {
    /// Where it was read from.
    pub path: PathBuf,
    /// The whole file.
    pub bytes: Vec<u8>,
    /// Its facts.
    pub info: Info,
}

impl Executable {
    /// Reads and parses the executable at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(Error::at(path))?;
        Self::from_bytes(path, bytes)
    }

    /// Parses `bytes`, the contents of the executable at `path`.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self> {
        let info = Info::parse(path, bytes.as_slice())?;
        Ok(Executable {
            path: path.to_owned(),
            bytes,
            info,
        })
    }

    /// Its identity; an error, saying how to give it one, if it has none.
    pub fn build_id(&self) -> Result<BuildId> {
        self.info.build_id.ok_or_else(|| Error::NoBuildId {
            path: self.path.clone(),
            hint: match self.info.format {
                Format::Elf => "no GNU build-id note: link with -Wl,--build-id",
                Format::Pe => {
                    "no CodeView record: link with -Wl,--build-id (GNU ld, lld) \
                     or with a PDB (link.exe, lld-link); fastboot_ld::link() sees to it"
                }
                Format::MachO => "no LC_UUID: do not link with -no_uuid",
            },
        })
    }

    /// Whether a snapshot can be embedded in a `fastboot` section; if not,
    /// why.
    pub fn section_usable(&self) -> Result<()> {
        if let Some(why) = self.info.section_obstacle {
            return Err(Error::SectionUnusable {
                path: self.path.clone(),
                why,
            });
        }
        match (self.info.format, self.info.section) {
            // A PE image gets a `fastboot` section when one is embedded.
            (Format::Pe, None) => Ok(()),
            (_, None) => Err(Error::NoSection(self.path.clone())),
            (_, Some(section)) if !section.own_segment => {
                Err(Error::NotOwnSegment(self.path.clone()))
            }
            (_, Some(_)) => Ok(()),
        }
    }

    /// Whether a snapshot can be appended; if not, why.
    pub fn footer_usable(&self) -> Result<()> {
        match self.info.footer_obstacle {
            None => Ok(()),
            Some(why) => Err(Error::FooterUnusable {
                path: self.path.clone(),
                why,
            }),
        }
    }

    /// The contents of its `fastboot` section, if it has one.
    pub fn section_bytes(&self) -> Option<&[u8]> {
        let s = self.info.section?;
        let start = usize::try_from(s.offset).ok()?;
        let len = usize::try_from(s.size).ok()?;
        self.bytes.get(start..start.checked_add(len)?)
    }
}

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

#[cfg(test)]
mod tests {
    use fastboot_core::contract::{registry_section, SECTION_NAME};
    use fastboot_ld::link::{PE_SCRIPT, SCRIPT};

    #[test]
    fn the_linker_scripts_name_the_sections_of_the_contract() {
        // fastboot-ld has no dependency, so it spells them out.
        assert!(SCRIPT.contains(&format!("KEEP(*({SECTION_NAME}))")));
        let registry = registry_section::PE;
        assert!(PE_SCRIPT.contains(&format!("{registry} ")));
        assert!(PE_SCRIPT.contains(&format!("KEEP(*(SORT({registry}$*)))")));
    }
}
