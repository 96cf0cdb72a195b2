//! A fixture as test suites have them: expensive to compute, shared by
//! every test. Here, the first 1,000,000 primes by trial division, about a
//! second of one core in a release build.

/// How many primes the fixture holds.
pub const PRIMES: usize = 1_000_000;

/// The first [`PRIMES`] primes, computed once per freeze instead of once
/// per test process.
#[fastboot::frozen]
pub fn primes() -> Vec<u64> {
    let mut primes: Vec<u64> = Vec::with_capacity(PRIMES);
    let mut candidate = 2u64;
    while primes.len() < PRIMES {
        if primes
            .iter()
            .take_while(|&&p| p * p <= candidate)
            .all(|&p| candidate % p != 0)
        {
            primes.push(candidate);
        }
        candidate += 1;
    }
    primes
}
