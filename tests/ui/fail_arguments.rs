#[fastboot::frozen]
fn numbers(count: u32) -> Vec<u32> {
    (0..count).collect()
}

fn main() {}
