//! The forms `#[fastboot::frozen]` accepts; compiled and run.

use std::collections::BTreeMap;

use fastboot::rkyv;

#[derive(rkyv::Archive, rkyv::Serialize)]
#[rkyv(crate = fastboot::rkyv)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

mod statics {
    use super::Point;
    use std::collections::BTreeMap;

    /// Doc comments are kept.
    #[fastboot::frozen]
    #[allow(clippy::needless_return)]
    pub(crate) fn squares() -> BTreeMap<u32, u32> {
        return (1..=3).map(|n| (n, n * n)).collect();
    }

    #[fastboot::frozen]
    pub(crate) fn corner() -> Point {
        Point { x: 3, y: -4 }
    }

    #[fastboot::frozen]
    pub fn r#type() -> String {
        if cfg!(debug_assertions) {
            return "debug".to_owned();
        }
        "release".to_owned()
    }

    #[fastboot::frozen]
    pub(super) fn pairs() -> Vec<(String, u64)> {
        vec![("a".to_owned(), 1), ("b".to_owned(), 2)]
    }
}

#[fastboot::main]
fn main() {
    let squares: &'static fastboot::Archived<BTreeMap<u32, u32>> = statics::squares();
    assert_eq!(squares.len(), 3);
    assert_eq!(squares.get(&3.into()).map(|v| v.to_native()), Some(9));

    let corner: &'static fastboot::Archived<Point> = statics::corner();
    assert_eq!((corner.x.to_native(), corner.y.to_native()), (3, -4));

    assert!(["debug", "release"].contains(&statics::r#type().as_str()));

    let pairs = statics::pairs();
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[1].0, "b");
    assert_eq!(pairs[1].1, 2);

    // The same value every call.
    assert!(std::ptr::eq(statics::corner(), statics::corner()));
}
