//! Prints the tables of `mylib` 1.0.0 and 2.0.0, then how each frozen
//! static was obtained.

#[fastboot::main]
fn main() {
    println!("value one {}", mylib_one::total());
    println!("value two {}", mylib_two::total());
    for entry in fastboot::report() {
        let outcome = entry.outcome.map(|o| o.to_string()).unwrap_or_default();
        println!("outcome {}@{} {outcome}", entry.name, entry.version);
    }
}
