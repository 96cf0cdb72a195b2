//! A fixture as test suites have them: expensive to compute, shared by
//! every test. By default the first 1,000,000 primes by trial division
//! (8 MB, about a second of one core in a release build); with the feature
//! `fixture-90mb`, the first 11,250,000 primes by a sieve (90 MB, about
//! as long to compute).

/// How many primes the fixture holds.
#[cfg(not(feature = "fixture-90mb"))]
pub const PRIMES: usize = 1_000_000;
/// How many primes the fixture holds: 90 MB of `u64`.
#[cfg(feature = "fixture-90mb")]
pub const PRIMES: usize = 11_250_000;

/// The first [`PRIMES`] primes, computed once per freeze instead of once
/// per test process.
#[fastboot::frozen]
pub fn primes() -> Vec<u64> {
    if cfg!(feature = "fixture-90mb") {
        by_sieve(PRIMES)
    } else {
        by_trial_division(PRIMES)
    }
}

/// The first `n` primes, each tested by division by the primes before it.
fn by_trial_division(n: usize) -> Vec<u64> {
    let mut primes: Vec<u64> = Vec::with_capacity(n);
    let mut candidate = 2u64;
    while primes.len() < n {
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

/// The first `n` primes (`n` ≥ 6), by a sieve of Eratosthenes over the odd
/// numbers up to the bound `n (ln n + ln ln n)` on the `n`-th prime.
fn by_sieve(n: usize) -> Vec<u64> {
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a bound of about 2e8, far inside f64's and usize's range"
    )]
    let limit = {
        let n = n as f64;
        (n * (n.ln() + n.ln().ln())) as usize + 1
    };
    // composite[i]: whether 2i + 1 is composite.
    let mut composite = vec![false; limit / 2 + 1];
    let mut primes: Vec<u64> = Vec::with_capacity(n);
    primes.push(2);
    for i in 1..composite.len() {
        if primes.len() == n {
            break;
        }
        if composite[i] {
            continue;
        }
        let p = 2 * i + 1;
        primes.push(p as u64);
        let mut multiple = p * p / 2;
        while multiple < composite.len() {
            composite[multiple] = true;
            multiple += p;
        }
    }
    assert_eq!(primes.len(), n, "the bound holds the first {n} primes");
    primes
}
