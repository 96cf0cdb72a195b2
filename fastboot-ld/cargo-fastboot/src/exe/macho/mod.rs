//! Mach-O executables (macOS): their facts, read with `object`, and the
//! `fastboot` section's contents replaced after linking.
//!
//! The `fastboot` section is `__FASTBOOT,__fastboot`, alone in a segment of
//! its own, which ld64 places after the data segments and before
//! `__LINKEDIT`. Growing it moves `__LINKEDIT` (symbols, fixups, export
//! trie, signature), which nothing addresses but its own load commands'
//! file offsets: those are shifted ([`replace_section`]). The code signature covers
//! every page before it, so it is computed anew ([`codesign`]), keeping its
//! identifier and flags. The identity is the `LC_UUID` that ld64 always
//! writes, which no change here touches.

pub mod codesign;
mod read;
mod rewrite;
#[cfg(test)]
mod tests;

pub use read::parse;
pub use rewrite::{check_signature, replace_section};

/// The segment holding the `fastboot` section.
pub const SEGMENT: &[u8] = b"__FASTBOOT";
/// The `fastboot` section's Mach-O name.
pub const SECTION: &[u8] = b"__fastboot";
/// The segment that ends every executable: symbols, fixups, signature.
pub const LINKEDIT: &[u8] = b"__LINKEDIT";
/// Segments start on 16 KiB pages on arm64 (a multiple of x86-64's 4 KiB).
const PAGE: u64 = 0x4000;

/// Whether `bytes` start like a 64-bit little-endian Mach-O file.
pub fn is_macho(bytes: &[u8]) -> bool {
    bytes.starts_with(&object::macho::MH_MAGIC_64.to_le_bytes())
}

/// A segment's or section's name field, without its zero padding.
pub fn trimmed(name: &[u8; 16]) -> &[u8] {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    &name[..end]
}
