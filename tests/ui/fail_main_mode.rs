#[fastboot::main(serde)]
fn main() {}
