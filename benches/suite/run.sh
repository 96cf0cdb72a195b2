#!/usr/bin/env bash
# This crate's 100 tests, sharing a fixture that takes about a second to
# compute, timed with hyperfine (-N, no shell), with the fixture at 8 MB and
# at 90 MB (feature fixture-90mb):
#
# Test processes, one test each, the test binary run directly, in rounds
# (the commands alternating, 10 runs each a round, after 3 warm-up runs;
# medians of all rounds' runs):
#   without the fixture    the ignored reference test: the same work, no fixture
#   fixture embedded       the snapshot `cargo fastboot` appended to the
#                          binary: trusted, no checksum, no validation
#   fixture in a file      the same binary as cargo built it, with the
#                          snapshot in <binary>.snap beside it: checksummed
#                          and validated (what `cargo fastboot` did before)
#
# Whole runs (medians of RUNS runs after one warm-up; CPU: user + system,
# hyperfine's means):
#   cargo nextest run --release                     every test computes it
#   cargo fastboot nextest run --release            every test thaws it
#   the same, freezing first                        froze and embedded, then thawed
# Every plain run and every freezing run starts with the test binaries as
# cargo built them (copies kept with their times, so cargo rebuilds
# nothing); the steady-state runs keep the snapshots embedded in them.
#
#   benches/suite/run.sh [8MB] [90MB]      (default: both; RUNS=3 ROUNDS=20)
#
# Installs hyperfine and cargo-nextest if missing. About 10 minutes on 2
# quiet cores (35 with other builds running); writes results.md and
# results.json beside this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(8MB 90MB)

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest

target=${CARGO_TARGET_DIR:-$here/target}
export CARGO_TARGET_DIR=$target
cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p cargo-fastboot --bin cargo-fastboot
fastboot="$target/release/cargo-fastboot fastboot"
deps=$target/release/deps
work=$target/suite-bench
rm -rf "$work"
mkdir -p "$work"
cd "$here"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average: $load_start" >&2

for variant in "${variants[@]}"; do
    case $variant in
        8MB) features=() ;;
        90MB) features=(--features fixture-90mb) ;;
        *) echo "unknown variant $variant (8MB or 90MB)" >&2; exit 2 ;;
    esac
    out=$work/$variant
    pristine=$out/pristine
    mkdir -p "$pristine"

    # Fresh test binaries, as cargo builds them (touched sources make
    # cargo link them again, so none carries an earlier run's snapshot).
    touch src/lib.rs tests/primes.rs
    cargo test --release --no-run --message-format=json "${features[@]}" 2>/dev/null |
        python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and m["profile"]["test"]:
        print(m["target"]["name"], m["executable"])' >"$out/binaries"
    lib=$(awk '$1 == "suite_bench" {print $2}' "$out/binaries")
    primes=$(awk '$1 == "primes" {print $2}' "$out/binaries")
    rm -f "$lib.snap" "$primes.snap"
    cp -p "$lib" "$primes" "$pristine/"
    restore="cp -p $pristine/$(basename "$lib") $pristine/$(basename "$primes") $deps/"

    # The snapshot embedded by cargo fastboot (which also warms nextest up),
    # and the same snapshot as a file beside the binary as cargo built it.
    $fastboot nextest run --release "${features[@]}" >/dev/null 2>&1
    FASTBOOT_FREEZE="$pristine/$(basename "$primes").snap" "$pristine/$(basename "$primes")" >/dev/null

    for round in $(seq "${ROUNDS:-20}"); do
        hyperfine -N --warmup 3 --runs 10 --style none --export-json "$out/process-$round.json" \
            -n "without the fixture" "$primes --ignored --exact without_fixture" \
            -n "fixture embedded" "$primes --exact prime_00" \
            -n "fixture in a file" "$pristine/$(basename "$primes") --exact prime_00" \
            >/dev/null
    done

    hyperfine -N --warmup 1 --runs "${RUNS:-3}" --export-json "$out/suite.json" \
        --prepare "$restore" -n "cargo nextest run" "cargo nextest run --release ${features[*]}" \
        --prepare true -n "cargo fastboot nextest run" "$fastboot nextest run --release ${features[*]}" \
        --prepare "$restore" -n "cargo fastboot nextest run, freezing first" \
        "$fastboot nextest run --release ${features[*]}"
done

LOAD_START=$load_start LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg) \
    python3 "$here/report.py" "$work" "${variants[@]}" >"$here/results.md"
echo "wrote $here/results.md and $here/results.json" >&2
