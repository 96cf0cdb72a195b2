//! What `cargo fastboot` does with cargo: building one executable and
//! embedding its snapshot ([`build`]), choosing the runner cargo would use
//! for a target ([`target_runner`]), being cargo's runner for tests and
//! benchmarks ([`test_runner`]), running a program or library in
//! fastboot's modes ([`modes`]), and loading a library in a host of the
//! tool's own ([`library_host`]).

pub mod build;
pub mod library_host;
pub mod modes;
pub mod target_runner;
pub mod test_runner;
