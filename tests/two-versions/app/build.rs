fn main() {
    fastboot_ld::link();
}
