#!/usr/bin/env bash
# The spell-checking workload, measured in one command:
#
#   benches/workloads/spellcheck.sh [--rounds R] [--runs N] [WORD]
#
# Builds, freezes and embeds the `spellcheck` example (Debian's
# hunspell-en-us dictionary, every word form frozen), builds spellbook's
# program (examples/spellcheck/examples/spellbook.rs) and an empty
# `fn main() {}` (benches/startup/plain), checks that both checkers print
# the same answer for WORD, then times the three whole processes with
# hyperfine (-N: no shell; --warmup 3), in R interleaved rounds of N runs
# each (40 × 15 by default: a load that changes during the run weighs on
# all three alike), the fastboot program with FASTBOOT=strict (its
# dictionary must be thawed from its section). Prints a Markdown table:
# the median of all runs, its ratio to the empty main's, spellbook's
# median over it, the mean CPU time (user + system, which a busy machine
# inflates less than the wall time), the instructions executed (valgrind's
# callgrind: the same count in every run, whatever the load), peak RSS;
# then the snapshot size and the freeze time. Warm page cache; run it on a
# quiet machine (it prints the load average it starts with).
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=40 runs=15
while [ $# -gt 1 ]; do
    case $1 in
        --rounds) rounds=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) break ;;
    esac
done
word=${1:-misspeling}
target=${CARGO_TARGET_DIR:-target}
out=$target/workloads/spellcheck
mkdir -p "$out"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -e /usr/share/hunspell/en_US.aff ] || missing+=(hunspell-en-us)
[ -x /usr/bin/time ] || missing+=(time)
command -v valgrind >/dev/null || missing+=(valgrind)
if ((${#missing[@]})); then
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}"
fi

cargo build --release --quiet -p startup-plain --bin empty
cargo build --release --quiet -p spellcheck --bin spellcheck --example spellbook
cargo fastboot build --release --quiet -p spellcheck --bin spellcheck >/dev/null 2>"$out/build.log"
empty=$target/release/empty
spellbook=$target/release/examples/spellbook
fastboot=$target/fastboot/spellcheck

# The freeze run alone, timed: expanding the dictionary and archiving it.
start=$(date +%s%N)
FASTBOOT_FREEZE="$out/spellcheck.snap" "$target/release/spellcheck" >"$out/freeze.log" 2>&1
freeze_ms=$((($(date +%s%N) - start) / 1000000))
snapshot_bytes=$(stat -c %s "$out/spellcheck.snap")

export FASTBOOT=strict
answer=$("$fastboot" "$word")
if [ "$answer" != "$("$spellbook" "$word")" ]; then
    echo "spellcheck and spellbook disagree on $word" >&2
    exit 1
fi
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : //p'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (measure on a quiet machine)" >&2
rm -f "$out"/round*.json
for round in $(seq "$rounds"); do
    hyperfine -N --warmup 3 --runs "$runs" --style basic --export-json "$out/round$round.json" \
        -n empty "$empty" \
        -n fastboot "$fastboot $word" \
        -n spellbook "$spellbook $word" >"$out/round$round.log" 2>&1
done

python3 - "$(rss_kb "$empty")" "$(rss_kb "$fastboot" "$word")" "$(rss_kb "$spellbook" "$word")" \
    "$(instructions "$empty")" "$(instructions "$fastboot" "$word")" \
    "$(instructions "$spellbook" "$word")" "$out"/round*.json <<'PY'
import json, statistics, sys
names = ["empty", "fastboot", "spellbook"]
rss = dict(zip(names, sys.argv[1:4]))
instructions = dict(zip(names, map(int, sys.argv[4:7])))
times = {name: [] for name in names}
cpu = {name: [] for name in names}
for path in sys.argv[7:]:
    for result in json.load(open(path))["results"]:
        times[result["command"]] += result["times"]
        cpu[result["command"]].append(result["user"] + result["system"])
median = {name: statistics.median(times[name]) for name in names}
labels = {
    "empty": "empty `fn main() {}`",
    "fastboot": "fastboot `spellcheck`, section, strict",
    "spellbook": "spellbook `Dictionary::new` + `check`",
}
print(f"{len(times['empty'])} runs each, interleaved in {len(sys.argv) - 7} rounds\n")
print("| program | median | × empty main | spellbook ÷ it | CPU (user + sys) "
      "| instructions | × empty main | peak RSS |")
print("|---|--:|--:|--:|--:|--:|--:|--:|")
for name in names:
    m = median[name]
    print(f"| {labels[name]} | {m * 1e3:.2f} ms | {m / median['empty']:.2f}× "
          f"| {median['spellbook'] / m:.0f}× | {statistics.mean(cpu[name]) * 1e3:.2f} ms "
          f"| {instructions[name]:,} | {instructions[name] / instructions['empty']:.2f}× "
          f"| {int(rss[name]) / 1024:.1f} MB |")
PY
echo
echo "snapshot: $snapshot_bytes bytes; freeze run: $freeze_ms ms ($(grep -o 'computed in [^)]*' "$out/freeze.log" | head -1))"
echo "answer: $answer"
