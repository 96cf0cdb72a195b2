//! Links the programs with fastboot's linker script, so that snapshots can
//! be embedded in their `fastboot` section.

fn main() {
    fastboot_ld::link();
    println!("cargo:rerun-if-changed=build.rs");
}
