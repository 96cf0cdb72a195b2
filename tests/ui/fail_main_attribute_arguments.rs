#[fastboot::main(verbose)]
fn main() {}
