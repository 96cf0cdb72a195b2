#[fastboot::frozen]
fn numbers() {
    println!("nothing to freeze");
}

fn main() {}
