//! A plugin with a C ABI and a frozen table, for hosts that know nothing of
//! Rust or fastboot: Python's `ctypes`, a C program's `dlopen`, Windows'
//! `LoadLibrary`, or a C program it is linked into as a static library.
//!
//! As a shared library it thaws from its own snapshot (its `fastboot`
//! section, one appended to its file, or `<library>.snap` beside it), never
//! from its host's. Loading it with `FASTBOOT_FREEZE=<file>` set freezes it
//! and exits the host.

use std::ffi::c_int;

use fastboot::{Origin, Outcome};

/// How many keys the table holds.
pub const LEN: u64 = 1 << 17;

/// The value for `key`: the output function of `SplitMix64`, a stand-in for an
/// answer that takes work to compute.
pub fn mix(key: u64) -> u64 {
    let mut z = key.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The value of every key, computed once at build time.
#[fastboot::frozen]
fn table() -> Vec<u64> {
    (0..LEN).map(mix).collect()
}

/// The number of keys.
#[no_mangle]
pub extern "C" fn plugin_len() -> u64 {
    table().len() as u64
}

/// The value for `key`, from the frozen table; `u64::MAX` for a key out of
/// range.
#[no_mangle]
pub extern "C" fn plugin_value(key: u64) -> u64 {
    usize::try_from(key)
        .ok()
        .and_then(|key| table().get(key))
        .map_or(u64::MAX, |value| value.to_native())
}

/// How many of the table's values differ from [`mix`] of their key: every
/// one is compared. 0 when the table is right; the length is checked too.
#[no_mangle]
pub extern "C" fn plugin_mismatches() -> u64 {
    let table = table();
    let wrong = (0..LEN)
        .filter(|&key| table.get(key as usize).map(|v| v.to_native()) != Some(mix(key)))
        .count() as u64;
    wrong + u64::from(table.len() as u64 != LEN)
}

/// Where the table came from: 0 not accessed yet, 1 this library's
/// `fastboot` section, 2 a snapshot appended to its file, 3 a snapshot
/// file, 4 computed.
#[no_mangle]
pub extern "C" fn plugin_origin() -> c_int {
    let report = fastboot::report();
    match report.first().and_then(|entry| entry.outcome.as_ref()) {
        None => 0,
        Some(Outcome::Thawed(Origin::Section)) => 1,
        Some(Outcome::Thawed(Origin::Footer)) => 2,
        Some(Outcome::Thawed(_)) => 3,
        Some(_) => 4,
    }
}
