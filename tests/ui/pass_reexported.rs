// A crate that re-exports fastboot names it with `crate = path`.
mod framework {
    pub use fastboot as engine;
}

#[framework::engine::frozen(crate = framework::engine)]
fn squares() -> Vec<u64> {
    (0..10u64).map(|i| i * i).collect()
}

#[framework::engine::main(crate = framework::engine)]
fn main() {
    assert_eq!(squares().len(), 10);
}
