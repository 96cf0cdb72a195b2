//! The checksum used for snapshot metadata and entry data.

/// 64-bit XXH3 of `bytes`: fast enough (tens of GB/s) to check a whole entry
/// at first access.
pub fn checksum(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Checksum of an entry's data, seeded with its fingerprint, so that data
/// moved to another entry no longer matches.
pub fn entry_checksum(fingerprint: u64, bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, fingerprint)
}
