//! Links the module with fastboot's linker script, so that a snapshot can be
//! embedded in its `fastboot` section.

fn main() {
    fastboot_ld::link();
    println!("cargo:rerun-if-changed=build.rs");
}
