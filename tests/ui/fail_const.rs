#[fastboot::frozen]
const fn numbers() -> [u32; 3] {
    [1, 2, 3]
}

fn main() {}
