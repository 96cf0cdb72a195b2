//! Snapshots in executables: embedded in the `fastboot` section or
//! appended with a footer, read back, described, and compared between two
//! freeze runs.

pub mod appended;
pub mod embed;
pub mod inspect;
pub mod read;
pub mod reproducible;

pub use embed::{embed, embed_footer, embed_section, Method};
pub use inspect::describe;
pub use read::{read_snapshot, Located};
