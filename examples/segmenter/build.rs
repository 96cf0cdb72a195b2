//! Links the program for an embedded snapshot, and copies the dictionary
//! that ships in the jieba-rs crate into `OUT_DIR`, where the frozen
//! function's body reads it.

fn main() {
    fastboot_ld::link();
    dependency_file::copy_to_out_dir("jieba-rs", "src/data/dict.txt");
    println!("cargo:rerun-if-changed=build.rs");
}
