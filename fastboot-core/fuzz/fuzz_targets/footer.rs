//! A footer of arbitrary bytes, and the length of the file it ends.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| fastboot_core_fuzz::check_footer(data));
