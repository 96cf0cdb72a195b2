#[fastboot::frozen]
fn defaults<T: Default>() -> Vec<T> {
    vec![T::default()]
}

fn main() {}
