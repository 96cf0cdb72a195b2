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

    /// The modes, with `crate = path` in either order.
    #[fastboot::frozen(deserialize)]
    pub fn owned_squares() -> BTreeMap<u32, u32> {
        (1..=3).map(|n| (n, n * n)).collect()
    }

    #[fastboot::frozen(crate = ::fastboot, serde)]
    pub fn serde_pairs() -> Vec<(String, u64)> {
        vec![("a".to_owned(), 1)]
    }

    /// `&'static` references wherever the macro can reach them.
    #[fastboot::frozen]
    pub fn name() -> &'static str {
        "fastboot"
    }

    #[fastboot::frozen(deserialize)]
    pub fn bytes() -> &'static [u8] {
        b"bytes"
    }

    #[fastboot::frozen]
    pub fn maybe() -> Option<&'static str> {
        Some("maybe")
    }

    #[fastboot::frozen(deserialize)]
    pub fn pair() -> [&'static str; 2] {
        ["left", "right"]
    }

    #[fastboot::frozen]
    pub fn ordered() -> BTreeMap<&'static str, u32> {
        BTreeMap::from([("one", 1), ("two", 2)])
    }

    #[fastboot::frozen(deserialize)]
    pub fn set() -> std::collections::HashSet<&'static str> {
        ["a", "b"].into_iter().collect()
    }

    #[fastboot::frozen(deserialize)]
    pub fn keyed() -> std::collections::HashMap<String, Vec<&'static str>> {
        std::collections::HashMap::from([("k".to_owned(), vec!["v"])])
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

    let owned: &'static BTreeMap<u32, u32> = statics::owned_squares();
    assert_eq!(owned.get(&3), Some(&9));
    assert_eq!(statics::serde_pairs(), &vec![("a".to_owned(), 1)]);
    assert_eq!(statics::name().as_str(), "fastboot");
    assert_eq!(*statics::bytes(), b"bytes");
    assert_eq!(statics::maybe().as_ref().map(|s| s.as_str()), Some("maybe"));
    assert_eq!(statics::pair(), &["left", "right"]);
    assert_eq!(statics::ordered().get("two").map(|n| n.to_native()), Some(2));
    assert!(statics::set().contains("b"));
    assert_eq!(statics::keyed()["k"], vec!["v"]);

    // The same value every call.
    assert!(std::ptr::eq(statics::corner(), statics::corner()));
}
