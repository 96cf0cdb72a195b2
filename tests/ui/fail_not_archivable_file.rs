#[fastboot::frozen]
fn config() -> std::fs::File {
    std::fs::File::open("/etc/hostname").unwrap()
}

fn main() {}
