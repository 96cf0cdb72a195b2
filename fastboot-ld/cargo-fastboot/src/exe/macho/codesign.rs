//! Ad-hoc code signatures for Mach-O executables, as ld64 writes them
//! ("linker-signed"): a superblob holding one code directory, which gives
//! the SHA-256 of every 4 KiB page of the file before the signature. arm64
//! macOS runs no program without a valid one, so embedding renews it.
//!
//! The structures are `object`'s (from Apple's `cs_blobs.h`, big-endian),
//! and so is the reader; `object` does not write signatures, which is what
//! this module adds.

use object::macho::{
    CsBlobIndex, CsCodeDirectoryV0, CsCodeDirectoryV1, CsCodeDirectoryV2, CsCodeDirectoryV3,
    CsCodeDirectoryV4, CsFlags, CsSuperBlob, CSMAGIC_CODEDIRECTORY, CSMAGIC_EMBEDDED_SIGNATURE,
    CSSLOT_CODEDIRECTORY, CS_EXECSEG_MAIN_BINARY, CS_HASHTYPE_SHA256, CS_SUPPORTSEXECSEG,
};
use object::read::macho::{CodeDirectory, CodeSignature};
use object::{BigEndian as BE, U32, U64};
use sha2::{Digest, Sha256};

/// `CS_ADHOC | CS_LINKER_SIGNED`.
#[cfg(test)]
pub const LINKER_SIGNED_AD_HOC: u32 = object::macho::CS_ADHOC.0 | object::macho::CS_LINKER_SIGNED.0;
const HASH_LEN: usize = 32;
const PAGE_SHIFT: u8 = 12;
const PAGE: usize = 1 << PAGE_SHIFT;
/// A superblob with one index entry.
const SUPERBLOB_HEADER_LEN: usize = size_of::<CsSuperBlob>() + size_of::<CsBlobIndex>();
/// A version 0x20400 code directory's fixed fields.
const CODE_DIRECTORY_HEADER_LEN: usize = size_of::<CsCodeDirectoryV0>()
    + size_of::<CsCodeDirectoryV1>()
    + size_of::<CsCodeDirectoryV2>()
    + size_of::<CsCodeDirectoryV3>()
    + size_of::<CsCodeDirectoryV4>();

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
    let total = SUPERBLOB_HEADER_LEN + directory_len;
    let (code_limit, code_limit_64) = match u32::try_from(code.len()) {
        Ok(limit) => (limit, 0),
        Err(_) => (u32::MAX, code.len() as u64),
    };
    let (base, limit) = signing.exec_segment;

    let mut blob = Vec::with_capacity(total.next_multiple_of(16));
    let mut put = |bytes: &[u8]| blob.extend_from_slice(bytes);
    put(object::pod::bytes_of(&CsSuperBlob {
        magic: U32::new(BE, CSMAGIC_EMBEDDED_SIGNATURE),
        length: U32::new(BE, total as u32),
        count: U32::new(BE, 1),
    }));
    put(object::pod::bytes_of(&CsBlobIndex {
        slot: U32::new(BE, CSSLOT_CODEDIRECTORY),
        offset: U32::new(BE, SUPERBLOB_HEADER_LEN as u32),
    }));
    put(object::pod::bytes_of(&CsCodeDirectoryV0 {
        magic: U32::new(BE, CSMAGIC_CODEDIRECTORY),
        length: U32::new(BE, directory_len as u32),
        version: U32::new(BE, CS_SUPPORTSEXECSEG),
        flags: U32::new(BE, CsFlags(signing.flags)),
        hash_offset: U32::new(BE, hash_offset as u32),
        ident_offset: U32::new(BE, ident_offset as u32),
        n_special_slots: U32::new(BE, 0),
        n_code_slots: U32::new(BE, pages as u32),
        code_limit: U32::new(BE, code_limit),
        hash_size: HASH_LEN as u8,
        hash_type: CS_HASHTYPE_SHA256,
        platform: 0,
        page_size: PAGE_SHIFT,
        spare2: U32::new(BE, 0),
    }));
    put(object::pod::bytes_of(&CsCodeDirectoryV1 {
        scatter_offset: U32::new(BE, 0),
    }));
    put(object::pod::bytes_of(&CsCodeDirectoryV2 {
        team_offset: U32::new(BE, 0),
    }));
    put(object::pod::bytes_of(&CsCodeDirectoryV3 {
        spare3: U32::new(BE, 0),
        code_limit64: U64::new(BE, code_limit_64),
    }));
    put(object::pod::bytes_of(&CsCodeDirectoryV4 {
        exec_seg_base: U64::new(BE, base),
        exec_seg_limit: U64::new(BE, limit),
        exec_seg_flags: U64::new(BE, CS_EXECSEG_MAIN_BINARY),
    }));
    put(signing.identifier.as_bytes());
    put(&[0]);
    for page in code.chunks(PAGE) {
        put(&Sha256::digest(page));
    }
    debug_assert_eq!(blob.len(), total);
    blob.resize(total.next_multiple_of(16), 0);
    blob
}

/// The code directory in `signature`, a superblob.
fn code_directory(signature: &[u8]) -> Result<CodeDirectory<'_>, String> {
    let mut blobs = CodeSignature::parse(signature)
        .map_err(|e| e.to_string())?
        .blobs();
    while let Some(blob) = blobs.next().map_err(|e| e.to_string())? {
        if blob.slot() == CSSLOT_CODEDIRECTORY {
            if let Some(directory) = blob.code_directory().map_err(|e| e.to_string())? {
                return Ok(directory);
            }
        }
    }
    Err("no code directory".into())
}

/// The identifier and flags of an existing signature, to keep them.
pub fn identifier_and_flags(signature: &[u8]) -> Option<(String, u32)> {
    let directory = code_directory(signature).ok()?;
    let identifier = String::from_utf8_lossy(directory.ident().ok()?).into_owned();
    Some((identifier, directory.header().flags.get(BE).0))
}

/// Checks that `signature` signs `code`: a code directory whose code limit
/// is `code`'s length and whose page hashes are those of `code`.
pub fn verify(code: &[u8], signature: &[u8]) -> Result<(), String> {
    let directory = code_directory(signature)?;
    let header = directory.header();
    let limit = directory.code_limit();
    if limit != code.len() as u64 {
        return Err(format!(
            "code limit {limit}, but {} bytes precede the signature",
            code.len()
        ));
    }
    if usize::from(header.hash_size) != HASH_LEN
        || header.hash_type != CS_HASHTYPE_SHA256
        || header.page_size != PAGE_SHIFT
    {
        return Err("not SHA-256 hashes of 4 KiB pages".into());
    }
    let pages = header.n_code_slots.get(BE) as usize;
    if pages != code.len().div_ceil(PAGE) {
        return Err(format!("{pages} page hashes for {} bytes", code.len()));
    }
    for (i, page) in code.chunks(PAGE).enumerate() {
        let hash = directory
            .code_hash(i as u32)
            .map_err(|_| "truncated hashes".to_owned())?;
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
