fn main() {
    fastboot_ld::link();
    println!("cargo:rerun-if-changed=build.rs");
}
