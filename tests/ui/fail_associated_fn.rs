struct Catalog;

impl Catalog {
    #[fastboot::frozen]
    fn names() -> Vec<String> {
        vec!["a".to_owned()]
    }
}

fn main() {}
