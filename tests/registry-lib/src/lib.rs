//! A library crate defining frozen statics: the program linking it gets
//! them in its snapshot without naming them anywhere.

/// The first 5,000 primes, by trial division.
#[fastboot::frozen]
pub fn primes() -> Vec<u64> {
    let mut primes: Vec<u64> = Vec::new();
    let mut candidate = 2u64;
    while primes.len() < 5_000 {
        if primes
            .iter()
            .take_while(|p| *p * *p <= candidate)
            .all(|p| candidate % *p != 0)
        {
            primes.push(candidate);
        }
        candidate += 1;
    }
    primes
}

/// Roman numerals from 1 to 3999, only ever reached through the registry.
#[fastboot::frozen]
fn roman_numerals() -> Vec<String> {
    (1..4000).map(roman).collect()
}

fn roman(mut n: u32) -> String {
    const DIGITS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digit) in DIGITS {
        while n >= value {
            out.push_str(digit);
            n -= value;
        }
    }
    out
}

/// The numeral for `n` (1 to 3999), from the frozen table.
pub fn roman_numeral(n: u32) -> Option<&'static str> {
    let index = usize::try_from(n.checked_sub(1)?).ok()?;
    roman_numerals()
        .get(index)
        .map(fastboot::rkyv::string::ArchivedString::as_str)
}
