//! The programs fastboot's startup benchmark compares fastboot against,
//! linked without fastboot (see the `src/bin` directory and
//! `benches/startup/README.md`):
//!
//! - `empty`: `fn main() {}`, the floor of any process;
//! - `lazylock`: computes the map in a `LazyLock`;
//! - `serde_bincode`: reads the map from a file and deserializes it (serde +
//!   bincode 2);
//! - `rkyv_include`: the map archived with rkyv at build time, embedded with
//!   `include_bytes!` and accessed in place;
//! - `gen`: writes the data files the last two use.
//!
//! Every program but `empty` obtains the map, looks up the same keys (as
//! many as its first argument says, see
//! [`lookups_arg`](startup_workload::lookups_arg)) and prints one line.
