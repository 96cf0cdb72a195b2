//! The floor: a process that does nothing.

fn main() {}
