#[fastboot::frozen]
extern "C" fn number() -> u32 {
    42
}

fn main() {}
