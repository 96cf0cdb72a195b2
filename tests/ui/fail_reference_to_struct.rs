struct Point {
    x: f64,
}

static ORIGIN: Point = Point { x: 0.0 };

#[fastboot::frozen]
fn points() -> Vec<&'static Point> {
    vec![&ORIGIN]
}

fn main() {}
