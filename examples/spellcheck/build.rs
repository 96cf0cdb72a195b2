//! Links the programs with fastboot's linker script, so that `cargo
//! fastboot build` can embed the snapshot in their `fastboot` section.

fn main() {
    fastboot_ld::link();
    println!("cargo:rerun-if-changed=build.rs");
}
