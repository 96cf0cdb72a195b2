//! Eight independent frozen statics of about half a second each (on this
//! project's reference machine): what a parallel freeze run computes on
//! every core. Each is a histogram of the Collatz stopping times of its own
//! range of numbers, a real computation with a small result.
//!
//! `FASTBOOT_FREEZE=eight.snap cargo run --release --example eight_statics`
//! freezes it (`FASTBOOT_FREEZE_THREADS=1` on one thread); run it with
//! `FASTBOOT_SNAPSHOT=eight.snap` to thaw the values.

/// How many numbers each static walks.
const NUMBERS: u64 = 3_300_000;

/// The histogram of the Collatz stopping times of the `NUMBERS` numbers
/// from `start` on, in 512 buckets.
fn stopping_times(start: u64) -> Vec<u32> {
    let mut histogram = vec![0u32; 512];
    for n in start..start + NUMBERS {
        let (mut x, mut steps) = (n, 0usize);
        while x != 1 {
            x = if x % 2 == 0 { x / 2 } else { 3 * x + 1 };
            steps += 1;
        }
        histogram[steps.min(511)] += 1;
    }
    histogram
}

macro_rules! statics {
    ($($name:ident = $start:literal;)*) => {
        $(
            /// One range's histogram.
            #[fastboot::frozen]
            fn $name() -> Vec<u32> {
                stopping_times($start)
            }
        )*

        /// Every static's most common stopping time.
        fn modes() -> Vec<usize> {
            [$($name()),*]
                .iter()
                .map(|h| (0..h.len()).max_by_key(|&i| h[i].to_native()).unwrap_or(0))
                .collect()
        }
    };
}

statics! {
    range_1 = 1;
    range_2 = 10_000_001;
    range_3 = 20_000_001;
    range_4 = 30_000_001;
    range_5 = 40_000_001;
    range_6 = 50_000_001;
    range_7 = 60_000_001;
    range_8 = 70_000_001;
}

#[fastboot::main]
fn main() {
    println!("most common stopping times: {:?}", modes());
}
