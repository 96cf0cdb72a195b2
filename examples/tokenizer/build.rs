//! Links the program for an embedded snapshot, and copies the merge ranks
//! that ship in the tiktoken-rs crate into `OUT_DIR`, where the frozen
//! function's body reads them.

fn main() {
    fastboot_ld::link();
    dependency_file::copy_to_out_dir("tiktoken-rs", "assets/cl100k_base.tiktoken");
    println!("cargo:rerun-if-changed=build.rs");
}
