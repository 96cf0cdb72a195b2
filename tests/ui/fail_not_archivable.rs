struct Point {
    x: i32,
    y: i32,
}

#[fastboot::frozen]
fn origin() -> Point {
    Point { x: 0, y: 0 }
}

fn main() {}
