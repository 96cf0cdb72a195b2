use fastboot::rkyv;

#[derive(rkyv::Archive, rkyv::Serialize)]
#[rkyv(crate = fastboot::rkyv)]
struct Point {
    x: f64,
    y: f64,
}

#[fastboot::frozen(deserialize)]
fn origin() -> Point {
    Point { x: 0.0, y: 0.0 }
}

fn main() {}
