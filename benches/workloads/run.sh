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
# counts the instructions each executes (valgrind's callgrind: the same
# count whatever else the machine does); and prints a Markdown table of
# the medians, ratios, instruction counts, snapshot sizes and freeze times,
# also written to docs/workloads.md (the numbers to docs/workloads.json).
# Run it on a quiet machine: it records the load average before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."

# One workload a line, fields separated by `|`: its name; the fastboot
# program's package, binary and options (before the query); the original
# program's package and binary; the query, passed to both as one argument
# (no single quote).
tokens="The quick brown fox jumps over the lazy dog. Привет, мир! 你好，世界。 fn main() { println!(\"{}\", 42); }"
WORKLOADS=(
    "tokenizer|example-tokenizer|tokenize||workloads-originals|tiktoken|$tokens"
    "tokenizer, no regex|example-tokenizer|tokenize|--without-regex|workloads-originals|tiktoken|$tokens"
    "spellcheck|spellcheck|spellcheck||workloads-originals|spellbook|misspeling"
    "segmenter|example-segmenter|segment||workloads-originals|jieba|我们中出了一个叛徒。今天纽约的天气真好啊，京华大酒店的张尧经理吃了一只北京烤鸭。"
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
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v valgrind >/dev/null || missing+=(valgrind)
if ((${#missing[@]})); then
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}"
fi

# The instructions "$@" executes, under callgrind.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

# cargo run would give every measured program a library search path, which
# costs each process failed opens (see benches/startup/README.md).
unset LD_LIBRARY_PATH

cargo build --release --quiet --package startup-plain --bin empty
empty=$target/release/empty

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/load"
for workload in "${WORKLOADS[@]}"; do
    IFS='|' read -r name package bin options original_package original query <<<"$workload"
    echo "== $name" >&2
    file=${name//[^a-z]/-}
    # The build's log holds the freeze run's lines: sizes and times.
    cargo fastboot build --release --package "$package" --bin "$bin" \
        >"$work/$file.path" 2>"$work/$file.build.log" || { cat "$work/$file.build.log" >&2; exit 1; }
    fastboot=$(tail -n 1 "$work/$file.path")
    cargo build --release --quiet --package "$original_package" --bin "$original"
    original_exe=$target/release/$original

    # shellcheck disable=SC2086 # the options are words
    FASTBOOT=strict "$fastboot" $options "$query" >"$work/$file.fastboot.out"
    "$original_exe" "$query" >"$work/$file.original.out"
    if ! cmp -s "$work/$file.fastboot.out" "$work/$file.original.out"; then
        echo "$name: $bin $options and $original answer differently:" >&2
        diff "$work/$file.fastboot.out" "$work/$file.original.out" >&2 || true
        exit 1
    fi

    # shellcheck disable=SC2086 # the options are words
    {
        instructions "$empty"
        FASTBOOT=strict instructions "$fastboot" $options "$query"
        instructions "$original_exe" "$query"
    } >"$work/$file.instructions"

    FASTBOOT=strict hyperfine -N --warmup 3 --runs "$runs" --style basic \
        --export-json "$work/$file.json" \
        -n "empty main" "$empty" \
        -n "fastboot $bin${options:+ $options}" "$fastboot $options '$query'" \
        -n "$original" "$original_exe '$query'" >&2
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/load"

names=()
for workload in "${WORKLOADS[@]}"; do names+=("${workload%%|*}"); done
python3 benches/workloads/table.py "$work" "$docs" "$runs" "${names[@]}"
