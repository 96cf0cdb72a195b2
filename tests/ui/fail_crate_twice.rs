#[fastboot::frozen(crate = fastboot, crate = fastboot)]
fn numbers() -> Vec<u32> {
    vec![1, 2, 3]
}

fn main() {}
