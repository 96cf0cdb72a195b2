//! The contract between a program's runtime and the `cargo fastboot` tool:
//! what each side must agree on for the tool to embed a snapshot where the
//! program finds it, and to run the program in fastboot's modes. Both sides
//! use these names; nothing else in the runtime is the tool's business.
//!
//! - The `fastboot` section ([`SECTION_NAME`]), linked holding
//!   [`PLACEHOLDER`], whose contents the tool replaces by a snapshot.
//! - The registry's sections ([`registry_section`]), which tell the tool
//!   whether a program has frozen statics.
//! - The environment variables that select a mode ([`MODE_VAR`],
//!   [`FREEZE_VAR`], [`SNAPSHOT_VAR`]).
//! - A program's identity ([`BuildId`]), which a snapshot records as its
//!   producer.
//! - `<exe>.snap`, where a program looks for its snapshot file
//!   ([`snapshot_beside`]).

pub use crate::config::{FREEZE_VAR, MODE_VAR, SNAPSHOT_VAR};
pub use crate::identity::BuildId;
pub use crate::source::beside as snapshot_beside;
pub use crate::source::section::{NAME as SECTION_NAME, PLACEHOLDER};

/// The registry's sections: where linkme puts the entries of the
/// distributed slice `ENTRIES` (fastboot-core's `registry`), as
/// linkme-impl's `linker.rs` names them for each format. A program has
/// frozen statics if its registry section holds an entry.
pub mod registry_section {
    /// ELF: `linkme_<slice>`.
    pub const ELF: &str = "linkme_ENTRIES";
    /// PE: `.linkme_<slice>$a` (start), `$b` (entries), `$c` (stop), which
    /// the linker merges into one section of this name (cut to its first 8
    /// bytes, [`PE_SHORT`], in a section header without a string table).
    pub const PE: &str = ".linkme_ENTRIES";
    /// [`PE`] as an 8-byte section header name.
    pub const PE_SHORT: &[u8; 8] = b".linkme_";
    /// The length of the PE section with no entry: linkme's start and stop
    /// markers.
    pub const PE_EMPTY_LEN: u64 = 16;
    /// Mach-O: `__DATA,__linkme<hash of the slice's name>`; the section
    /// name's prefix.
    pub const MACHO_PREFIX: &[u8] = b"__linkme";
}
