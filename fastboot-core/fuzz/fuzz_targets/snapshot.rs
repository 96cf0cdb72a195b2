//! A snapshot file of arbitrary bytes: parsed, checked, every entry
//! validated as several types and read if valid. See `src/lib.rs`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fastboot_core_fuzz::check_snapshot(data));
