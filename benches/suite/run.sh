#!/usr/bin/env bash
# Whole test runs of this crate (100 tests sharing a fixture that takes
# about a second to compute), timed with hyperfine in one run:
#
#   cargo nextest run --release                     every test computes it
#   cargo fastboot nextest run --release            every test thaws it
#   the same, after removing the snapshots          freeze once, then thaw
#
# Installs hyperfine and cargo-nextest if missing. About 4 minutes on 2
# cores; writes results.md and results.json beside this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine; }
command -v cargo-nextest >/dev/null || cargo install --locked cargo-nextest

cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p fastboot-ld --bin cargo-fastboot
fastboot="$root/target/release/cargo-fastboot fastboot"
cd "$here"
# Build everything first, and freeze once, so that no timed run compiles.
cargo nextest run --release --no-fail-fast >/dev/null 2>&1
$fastboot nextest run --release >/dev/null 2>&1
deps=target/release/deps

# Every run of the plain suite and of the freezing one starts with no
# snapshot beside the test binaries (a binary finds one there by itself,
# plain `cargo nextest` included); the steady-state runs keep theirs.
# -N: no shell, so the pattern reaches find as it is.
remove="find $deps -name *.snap -delete"
hyperfine -N --warmup 1 --runs "${RUNS:-3}" \
    --export-markdown results.md --export-json results.json \
    --prepare "$remove" -n "cargo nextest run" "cargo nextest run --release" \
    --prepare true -n "cargo fastboot nextest run" "$fastboot nextest run --release" \
    --prepare "$remove" -n "cargo fastboot nextest run, freezing first" "$fastboot nextest run --release"
