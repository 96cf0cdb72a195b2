//! Ad-hoc code signatures for Mach-O executables, as ld64 writes them
//! ("linker-signed"): a superblob holding one code directory, which gives
//! the SHA-256 of every 4 KiB page of the file before the signature. arm64
//! macOS runs no program without a valid one, so embedding renews it.
//!
//! Layouts are those of Apple's `cs_blobs.h`; every field is big-endian.

use sha2::{Digest, Sha256};

const SUPERBLOB_MAGIC: u32 = 0xfade_0cc0;
const CODE_DIRECTORY_MAGIC: u32 = 0xfade_0c02;
/// The code directory version with the executable segment fields.
const VERSION: u32 = 0x20400;
/// `CS_ADHOC | CS_LINKER_SIGNED`.
#[cfg(test)]
pub const LINKER_SIGNED_AD_HOC: u32 = 0x0002_0002;
/// `CS_EXECSEG_MAIN_BINARY`.
const EXECSEG_MAIN_BINARY: u64 = 1;
const SLOT_CODE_DIRECTORY: u32 = 0;
const HASH_SHA256: u8 = 2;
const HASH_LEN: usize = 32;
const PAGE_SHIFT: u8 = 12;
const PAGE: usize = 1 << PAGE_SHIFT;
/// A superblob with one index entry.
const SUPERBLOB_HEADER_LEN: usize = 12 + 8;
/// A version 0x20400 code directory's fixed fields.
const CODE_DIRECTORY_HEADER_LEN: usize = 88;

/// What a signature says besides its page hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    /// The signing identifier (ld64 uses the output's file name).
    pub identifier: String,
    /// The code directory's flags.
    pub flags: u32,
    /// The file range of the executable segment, `__TEXT`.
    pub exec_segment: (u64, u64),
}

/// The length of the signature of `code_limit` bytes, padded to 16 as
/// ld64 pads it.
pub fn signature_len(code_limit: usize, identifier: &str) -> usize {
    let pages = code_limit.div_ceil(PAGE);
    (SUPERBLOB_HEADER_LEN + CODE_DIRECTORY_HEADER_LEN + identifier.len() + 1 + pages * HASH_LEN)
        .next_multiple_of(16)
}

/// The signature of `code`, the file's bytes before the signature, padded
/// with zeros to [`signature_len`].
pub fn sign(code: &[u8], signing: &Signing) -> Vec<u8> {
    let pages = code.len().div_ceil(PAGE);
    let ident_offset = CODE_DIRECTORY_HEADER_LEN;
    let hash_offset = ident_offset + signing.identifier.len() + 1;
    let directory_len = hash_offset + pages * HASH_LEN;

    let mut directory = Vec::with_capacity(directory_len);
    let mut u32s = |values: &[u32]| {
        for v in values {
            directory.extend_from_slice(&v.to_be_bytes());
        }
    };
    u32s(&[
        CODE_DIRECTORY_MAGIC,
        directory_len as u32,
        VERSION,
        signing.flags,
        hash_offset as u32,
        ident_offset as u32,
        0, // special slots
        pages as u32,
        u32::try_from(code.len()).unwrap_or(u32::MAX),
    ]);
    directory.extend_from_slice(&[HASH_LEN as u8, HASH_SHA256, 0, PAGE_SHIFT]);
    directory.extend_from_slice(&[0; 4 * 4]); // spare2, scatter, team, spare3
    let code_limit_64 = if u32::try_from(code.len()).is_ok() {
        0
    } else {
        code.len() as u64
    };
    directory.extend_from_slice(&code_limit_64.to_be_bytes());
    let (base, limit) = signing.exec_segment;
    for v in [base, limit, EXECSEG_MAIN_BINARY] {
        directory.extend_from_slice(&v.to_be_bytes());
    }
    debug_assert_eq!(directory.len(), CODE_DIRECTORY_HEADER_LEN);
    directory.extend_from_slice(signing.identifier.as_bytes());
    directory.push(0);
    for page in code.chunks(PAGE) {
        directory.extend_from_slice(&Sha256::digest(page));
    }

    let mut blob = Vec::with_capacity(signature_len(code.len(), &signing.identifier));
    let total = SUPERBLOB_HEADER_LEN + directory.len();
    for v in [
        SUPERBLOB_MAGIC,
        total as u32,
        1,
        SLOT_CODE_DIRECTORY,
        SUPERBLOB_HEADER_LEN as u32,
    ] {
        blob.extend_from_slice(&v.to_be_bytes());
    }
    blob.extend_from_slice(&directory);
    blob.resize(total.next_multiple_of(16), 0);
    blob
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The code directory in `signature`, a superblob.
fn code_directory(signature: &[u8]) -> Option<&[u8]> {
    if be32(signature, 0)? != SUPERBLOB_MAGIC {
        return None;
    }
    let count = be32(signature, 8)? as usize;
    (0..count).find_map(|i| {
        let at = 12 + i * 8;
        if be32(signature, at)? != SLOT_CODE_DIRECTORY {
            return None;
        }
        let offset = be32(signature, at + 4)? as usize;
        let directory = signature.get(offset..)?;
        (be32(directory, 0)? == CODE_DIRECTORY_MAGIC).then_some(directory)
    })
}

/// The identifier and flags of an existing signature, to keep them.
pub fn identifier_and_flags(signature: &[u8]) -> Option<(String, u32)> {
    let directory = code_directory(signature)?;
    let flags = be32(directory, 12)?;
    let ident = directory.get(be32(directory, 20)? as usize..)?;
    let end = ident.iter().position(|&b| b == 0)?;
    Some((String::from_utf8_lossy(&ident[..end]).into_owned(), flags))
}

/// Checks that `signature` signs `code`: a code directory whose code limit
/// is `code`'s length and whose page hashes are those of `code`.
pub fn verify(code: &[u8], signature: &[u8]) -> Result<(), String> {
    let directory = code_directory(signature).ok_or("no code directory")?;
    let field = |at| be32(directory, at).ok_or("truncated code directory");
    let (hash_offset, pages, limit) = (field(16)? as usize, field(28)? as usize, field(32)?);
    if limit as usize != code.len() {
        return Err(format!(
            "code limit {limit}, but {} bytes precede the signature",
            code.len()
        ));
    }
    let header = directory.get(36..40).ok_or("truncated code directory")?;
    if header[..2] != [HASH_LEN as u8, HASH_SHA256] || header[3] != PAGE_SHIFT {
        return Err("not SHA-256 hashes of 4 KiB pages".into());
    }
    if pages != code.len().div_ceil(PAGE) {
        return Err(format!("{pages} page hashes for {} bytes", code.len()));
    }
    for (i, page) in code.chunks(PAGE).enumerate() {
        let at = hash_offset + i * HASH_LEN;
        let hash = directory.get(at..at + HASH_LEN).ok_or("truncated hashes")?;
        if hash != Sha256::digest(page).as_slice() {
            return Err(format!("page {i} does not match its hash"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signing() -> Signing {
        Signing {
            identifier: "word_index-5f3a".into(),
            flags: LINKER_SIGNED_AD_HOC,
            exec_segment: (0, 0x4000),
        }
    }

    #[test]
    fn a_signature_verifies_and_keeps_its_identifier() {
        let code: Vec<u8> = (0..3 * PAGE + 100).map(|i| (i % 251) as u8).collect();
        let signature = sign(&code, &signing());
        assert_eq!(
            signature.len(),
            signature_len(code.len(), "word_index-5f3a")
        );
        assert_eq!(verify(&code, &signature), Ok(()));
        assert_eq!(
            identifier_and_flags(&signature),
            Some(("word_index-5f3a".into(), LINKER_SIGNED_AD_HOC))
        );
    }

    #[test]
    fn any_change_to_the_code_fails_verification() {
        let mut code = vec![7u8; 2 * PAGE];
        let signature = sign(&code, &signing());
        code[PAGE + 1] ^= 1;
        assert_eq!(
            verify(&code, &signature),
            Err("page 1 does not match its hash".into())
        );
        code.push(0);
        assert!(verify(&code, &signature)
            .unwrap_err()
            .starts_with("code limit"));
    }
}
