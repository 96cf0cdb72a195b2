//! The identity a snapshot is tied to, called its build-id whatever the
//! platform: the GNU build-id (ELF), the CodeView record's GUID and age
//! (PE) or the `LC_UUID` (Mach-O) of the program that
//! froze it, which changes with any change of its code or data.

use std::fmt::{self, Write as _};

use crate::format::MAX_PRODUCER_LEN;

/// A build-id (see the module): an identity of the linked program, different
/// for any change of its code or data.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct BuildId {
    len: u8,
    bytes: [u8; MAX_PRODUCER_LEN],
}

impl BuildId {
    /// A build-id from its bytes; `None` if empty or longer than a snapshot
    /// header can hold.
    pub fn new(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() || bytes.len() > MAX_PRODUCER_LEN {
            return None;
        }
        let mut id = BuildId {
            len: bytes.len() as u8,
            bytes: [0; MAX_PRODUCER_LEN],
        };
        id.bytes[..bytes.len()].copy_from_slice(bytes);
        Some(id)
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl fmt::Display for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        hex(self.as_bytes()).fmt(f)
    }
}

impl fmt::Debug for BuildId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BuildId({self})")
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// The build-id of the running program, if it was linked with one.
pub fn current_build_id() -> Option<BuildId> {
    crate::os::identity().and_then(BuildId::new)
}
