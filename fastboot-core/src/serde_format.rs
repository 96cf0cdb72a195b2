//! The encoding of [`Serde`](crate::mode::Serde) entries: MessagePack,
//! with `rmp-serde`.
//!
//! Self-describing, so that values deserialized through `deserialize_any`
//! (`serde_json::Value`, `toml::Value`, untagged enums) can be frozen too,
//! and compact: structs are written as arrays, without field names.

use crate::archive::{ArchiveError, ArchiveResult};
use crate::report::InvalidData;

/// The format's name, part of every serde entry's fingerprint.
pub const NAME: &str = "serde/MessagePack";

/// `value` in MessagePack, in the 16-byte aligned buffer snapshots are
/// written from.
pub fn encode<T: serde::Serialize>(value: &T) -> ArchiveResult {
    let mut bytes = rkyv::util::AlignedVec::new();
    rmp_serde::encode::write(&mut bytes, value).map_err(|e| ArchiveError::serde(e.to_string()))?;
    Ok(bytes)
}

/// The value in `bytes`; any bytes give a value or an error, never
/// undefined behaviour.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, InvalidData> {
    rmp_serde::from_slice(bytes).map_err(|e| InvalidData::Rejected(format!("{NAME}: {e}")))
}
