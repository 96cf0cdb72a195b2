#!/usr/bin/env bash
# fastboot's startup benchmark, in one command:
#
#   benches/startup/run.sh [--sizes 1KB,1MB,90MB[,1GB]] [--runs N] [--phase-runs N] [--processes N]
#
# Installs hyperfine if missing (Debian's package), builds every program
# with --release, prepares each size (data files, freeze runs, embedding),
# times whole processes with hyperfine, counts page faults and peak RSS,
# breaks a thaw down into phases, measures the sharing of the snapshot's
# pages, and writes docs/startup.md, docs/startup.json and docs/startup.png
# (the plot: matplotlib, installed from PyPI in a virtual environment under
# the target directory). Run it on a quiet machine: it prints the load
# average it starts with. About 7 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."

docs=${STARTUP_DOCS:-docs}
target=${CARGO_TARGET_DIR:-target}
venv=$target/startup-bench/venv

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v hyperfine >/dev/null; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq hyperfine
fi

# The plot's Python, set up first so that a problem shows before the long run.
if ! "$venv/bin/python" -c 'import matplotlib' 2>/dev/null; then
    if ! python3 -m venv "$venv" 2>/dev/null; then
        as_root apt-get update -qq
        as_root apt-get install -y -qq python3 python3-venv
        python3 -m venv "$venv"
    fi
    "$venv/bin/pip" install --quiet matplotlib
fi

# Built, then run directly: `cargo run` would give the harness, and so every
# program it measures, a library search path that costs each process
# about 150 µs of failed opens.
cargo build --release --quiet --package startup-bench --bin harness
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (measure on a quiet machine)" >&2
"$target/release/harness" --docs "$docs" "$@"
"$venv/bin/python" benches/startup/plot.py "$docs/startup.json" "$docs/startup.png"
echo "wrote $docs/startup.png" >&2
