#[fastboot::frozen]
fn numbers() -> Vec<u32>
where
    u32: Copy,
{
    vec![1, 2, 3]
}

fn main() {}
