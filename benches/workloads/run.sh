#!/usr/bin/env bash
# fastboot on real workloads, against the libraries people use, in one
# command:
#
#   benches/workloads/run.sh [--runs N]
#
# For each workload (one line of WORKLOADS below) it builds the fastboot
# program with `cargo fastboot build --release` (frozen, then embedded in
# its `fastboot` section), the original library's program and an empty
# `fn main() {}` with --release; checks that the two programs print the
# same answer to the workload's query; times the three whole processes in
# one hyperfine run (-N, --warmup 3, N runs each, 100 by default), with
# FASTBOOT=strict so that the fastboot program stops rather than compute;
# and prints a Markdown table of the medians, ratios, snapshot sizes and
# freeze times, also written to docs/workloads.md (the numbers to
# docs/workloads.json). Run it on a quiet machine: it records the load
# average before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."

# One workload a line, fields separated by `|`: its name; the fastboot
# program's package and binary; the original program's package and
# binary; the query, passed to both as one argument (no single quote).
WORKLOADS=(
    "tokenizer|example-tokenizer|tokenize|workloads-originals|tiktoken|The quick brown fox jumps over the lazy dog. Привет, мир! 你好，世界。 fn main() { println!(\"{}\", 42); }"
    "segmenter|example-segmenter|segment|workloads-originals|jieba|我们中出了一个叛徒。今天纽约的天气真好啊，京华大酒店的张尧经理吃了一只北京烤鸭。"
)

runs=100
while (($#)); do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
    esac
done

docs=${WORKLOADS_DOCS:-docs}
target=${CARGO_TARGET_DIR:-target}
work=$target/workloads
mkdir -p "$work" "$docs"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v hyperfine >/dev/null; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq hyperfine
fi

# cargo run would give every measured program a library search path, which
# costs each process failed opens (see benches/startup/README.md).
unset LD_LIBRARY_PATH

cargo build --release --quiet --package startup-plain --bin empty
empty=$target/release/empty

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/load"
for workload in "${WORKLOADS[@]}"; do
    IFS='|' read -r name package bin original_package original query <<<"$workload"
    echo "== $name" >&2
    # The build's log holds the freeze run's lines: sizes and times.
    cargo fastboot build --release --package "$package" --bin "$bin" \
        >"$work/$name.path" 2>"$work/$name.build.log" || { cat "$work/$name.build.log" >&2; exit 1; }
    fastboot=$(tail -n 1 "$work/$name.path")
    cargo build --release --quiet --package "$original_package" --bin "$original"
    original_exe=$target/release/$original

    FASTBOOT=strict "$fastboot" "$query" >"$work/$name.fastboot.out"
    "$original_exe" "$query" >"$work/$name.original.out"
    if ! cmp -s "$work/$name.fastboot.out" "$work/$name.original.out"; then
        echo "$name: $bin and $original answer differently:" >&2
        diff "$work/$name.fastboot.out" "$work/$name.original.out" >&2 || true
        exit 1
    fi

    FASTBOOT=strict hyperfine -N --warmup 3 --runs "$runs" --style basic \
        --export-json "$work/$name.json" \
        -n "empty main" "$empty" \
        -n "fastboot $bin" "$fastboot '$query'" \
        -n "$original" "$original_exe '$query'" >&2
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/load"

names=()
for workload in "${WORKLOADS[@]}"; do names+=("${workload%%|*}"); done
python3 benches/workloads/table.py "$work" "$docs" "$runs" "${names[@]}"
