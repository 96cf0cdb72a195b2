//! The encoding of [`Serde`](crate::mode::Serde) entries: MessagePack,
//! with `rmp-serde`.
//!
//! Chosen by measurement (`cargo bench --bench serde_formats`): it is
//! self-describing, so that values deserialized through `deserialize_any`
//! (`serde_json::Value`, `toml::Value`, untagged enums, flattened structs)
//! can be frozen too; it decodes as fast as postcard and bincode (which
//! cannot decode those) and faster than CBOR; and its decoder turns any
//! bytes into a value or an error: lengths are checked against the bytes
//! left, nesting is limited to 1,024 levels, and it has no `unsafe` code.
//!
//! Structs are written as maps, with their field names (`write_named`):
//! the compact form, as arrays, does not round-trip `toml::Value`'s dates,
//! which toml writes as a struct and reads back as a map.

use crate::archive::{ArchiveError, ArchiveResult};
use crate::sink::ArchiveSink;
use crate::vocabulary::InvalidData;

/// The format's name, part of every serde entry's fingerprint.
pub const NAME: &str = "serde/MessagePack";

/// Writes `value` in MessagePack into `sink`.
pub fn encode<T: serde::Serialize>(value: &T, sink: &mut ArchiveSink) -> ArchiveResult {
    rmp_serde::encode::write_named(sink, value).map_err(|e| ArchiveError::serde(e.to_string()))
}

/// The value in `bytes`; any bytes give a value or an error, never
/// undefined behaviour.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, InvalidData> {
    rmp_serde::from_slice(bytes).map_err(|e| InvalidData::Rejected(format!("{NAME}: {e}")))
}
