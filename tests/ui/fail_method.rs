struct Catalog;

impl Catalog {
    #[fastboot::frozen]
    fn names(&self) -> Vec<String> {
        vec!["a".to_owned()]
    }
}

fn main() {}
