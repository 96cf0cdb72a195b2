//! The checksum used for snapshot metadata and entry data.

/// 64-bit XXH3 of `bytes`: fast enough (tens of GB/s) to check a whole entry
/// at first access.
pub fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Checksum of an entry's data, seeded with its fingerprint, so that data
/// moved to another entry no longer matches.
pub(crate) fn entry_checksum(fingerprint: u64, bytes: &[u8]) -> u64 {
    checksum_with_seed(bytes, fingerprint)
}

/// 64-bit XXH3 of `bytes` with `seed`.
pub(crate) fn checksum_with_seed(bytes: &[u8], seed: u64) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, seed)
}

/// Checksum of the concatenation of `parts`, without concatenating them.
pub(crate) fn checksum_parts(parts: &[&[u8]]) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.digest()
}

/// Checksum of `bytes` read as if `bytes[hole]` were zero, without copying.
pub(crate) fn checksum_with_hole(bytes: &[u8], hole: std::ops::Range<usize>) -> u64 {
    checksum_parts(&[
        &bytes[..hole.start],
        &[0u8; 64][..hole.len()],
        &bytes[hole.end..],
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_hash_like_their_concatenation() {
        assert_eq!(
            checksum_parts(&[b"abc", b"", b"defgh"]),
            checksum(b"abcdefgh")
        );
    }

    #[test]
    fn a_hole_reads_as_zeros() {
        let bytes: Vec<u8> = (0..200u8).collect();
        let mut zeroed = bytes.clone();
        zeroed[32..40].fill(0);
        assert_eq!(checksum_with_hole(&bytes, 32..40), checksum(&zeroed));
    }
}
