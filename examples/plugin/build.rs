//! Links the shared library as fastboot links programs (see `fastboot_ld::link`).

fn main() {
    // The shared library gets the program's treatment: the `fastboot`
    // section in its last segment, and a build-id.
    fastboot_ld::link();
    println!("cargo:rerun-if-changed=build.rs");
}
