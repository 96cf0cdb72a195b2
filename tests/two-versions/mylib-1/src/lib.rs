//! `mylib` 1.0.0 (mylib-1): a library with a frozen static, as each version
//! of a real library would have.

/// The library's table: its values differ from one copy to another.
#[fastboot::frozen]
pub fn table() -> Vec<u32> {
    (1..=5).collect()
}

/// The sum of the table, as the library's own code reads it.
pub fn total() -> u32 {
    table().iter().map(|n| n.to_native()).sum()
}
