#!/usr/bin/env bash
# The spell-checking workload, measured in one command:
#
#   benches/workloads/spellcheck.sh [--runs N] [WORD]
#
# Builds, freezes and embeds the `spellcheck` example (Debian's
# hunspell-en-us dictionary, every word form frozen), builds spellbook's
# program (examples/spellcheck/examples/spellbook.rs) and an empty
# `fn main() {}` (benches/startup/plain), checks that both checkers print
# the same answer for WORD, then times the three whole processes in one
# hyperfine run (-N: no shell; --warmup 3; medians), the fastboot program
# with FASTBOOT=strict (its dictionary must be thawed from its section).
# Prints a Markdown table: median, ratio to the empty main, ratio of
# spellbook to fastboot, peak RSS; then the snapshot size and the freeze
# time. Warm page cache; run it on a quiet machine (it prints the load
# average it starts with).
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=200
if [ "${1:-}" = --runs ]; then runs=$2; shift 2; fi
word=${1:-misspeling}
target=${CARGO_TARGET_DIR:-target}
out=$target/workloads/spellcheck
mkdir -p "$out"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
[ -e /usr/share/hunspell/en_US.aff ] || missing+=(hunspell-en-us)
[ -x /usr/bin/time ] || missing+=(time)
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

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (measure on a quiet machine)" >&2
hyperfine -N --warmup 3 --runs "$runs" --style basic --export-json "$out/hyperfine.json" \
    -n empty "$empty" \
    -n fastboot "$fastboot $word" \
    -n spellbook "$spellbook $word" >&2

python3 - "$out/hyperfine.json" "$(rss_kb "$empty")" "$(rss_kb "$fastboot" "$word")" \
    "$(rss_kb "$spellbook" "$word")" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
rss = dict(zip(["empty", "fastboot", "spellbook"], sys.argv[2:]))
median = {name: results[name]["median"] for name in rss}
labels = {
    "empty": "empty `fn main() {}`",
    "fastboot": "fastboot `spellcheck`, section, strict",
    "spellbook": "spellbook `Dictionary::new` + `check`",
}
print("| program | median | × empty main | spellbook ÷ it | peak RSS |")
print("|---|--:|--:|--:|--:|")
for name, label in labels.items():
    m = median[name]
    print(f"| {label} | {m * 1e3:.2f} ms | {m / median['empty']:.2f}× "
          f"| {median['spellbook'] / m:.0f}× | {int(rss[name]) / 1024:.1f} MB |")
PY
echo
echo "snapshot: $snapshot_bytes bytes; freeze run: $freeze_ms ms ($(grep -o 'computed in [^)]*' "$out/freeze.log" | head -1))"
echo "answer: $answer"
