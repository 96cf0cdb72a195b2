#!/usr/bin/env bash
# Import time of a Python extension module with a frozen static, in one
# command:
#
#   benches/python/run.sh [--runs N]
#
# Builds examples/python (`neighbours`, a PyO3 module whose table of the
# word list's words one edit apart is a `#[fastboot::frozen]` static) with
# --release, and the same module without the frozen static (its `frozen`
# feature off: the same functions, no table); freezes the table through
# `import` (FASTBOOT_FREEZE); makes five modules, each in a directory of
# its own: the table computed (no snapshot), thawed from `<module>.snap`
# beside it, from a snapshot appended to it (footer), from its `fastboot`
# section (`cargo fastboot embed`), and the module without the table;
# checks each (strict mode: the thawed ones say where they thawed from);
# then times the five whole processes
#
#   python3 -c "import sys; sys.path.insert(0, DIR); import neighbours; neighbours.lookup('walk')"
#
# in ONE hyperfine run (-N, --warmup 3; N runs each, or hyperfine's choice:
# at least 10, for at least 3 s), and writes a Markdown table of the
# medians and their ratios to the module without the table to
# docs/python.md (the numbers to docs/python.json), with the instructions
# each process executes (valgrind's callgrind, PYTHONHASHSEED=0: the same
# count whatever else the machine does; not for the computing one, which
# would take minutes under valgrind). The interpreter is
# Debian's /usr/bin/python3 (PYTHON=... for another): a shim such as
# pyenv's would be timed too. Run it on a quiet machine: it records the
# load average before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs=()
while (($#)); do
    case $1 in
        --runs) runs=(--runs "$2"); shift 2 ;;
        *) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
    esac
done

python=${PYTHON:-/usr/bin/python3}
docs=${PYTHON_BENCH_DOCS:-docs}
target=${CARGO_TARGET_DIR:-$PWD/target}
work=$target/python-bench
rm -rf "$work"
mkdir -p "$work" "$docs"
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v valgrind >/dev/null || missing+=(valgrind)
if ((${#missing[@]})); then
    as_root apt-get update -qq
    as_root apt-get install -y -qq "${missing[@]}"
fi

# The module, built by cargo as a cdylib (in the repository's target
# directory: examples/python is a workspace of its own), installed in
# $work/$1 under the name Python imports; the other arguments go to cargo
# build.
build() {
    local dir=$work/$1
    shift
    CARGO_TARGET_DIR=$target cargo build --release --quiet --lib \
        --manifest-path examples/python/Cargo.toml "$@"
    mkdir -p "$dir"
    cp "$target/release/libneighbours.so" "$dir/neighbours.so"
}
build without --no-default-features
build computed
for variant in file footer section; do
    mkdir -p "$work/$variant"
done

# The freeze run: importing the module computes its table, writes the
# snapshot and exits. Its line says how long computing took.
(cd "$work/computed" && FASTBOOT_FREEZE="$work/neighbours.snap" "$python" -c "import neighbours") \
    2>&1 | tee "$work/freeze.log" >&2
cp "$work/computed/neighbours.so" "$work/file/neighbours.so"
cp "$work/neighbours.snap" "$work/file/neighbours.so.snap"
cargo fastboot embed --footer "$work/computed/neighbours.so" "$work/neighbours.snap" \
    -o "$work/footer/neighbours.so"
cargo fastboot embed --section "$work/computed/neighbours.so" "$work/neighbours.snap" \
    -o "$work/section/neighbours.so"

# The script each process runs, importing the module of directory $1.
script() {
    echo "import sys; sys.path.insert(0, '$work/$1'); import neighbours; neighbours.lookup('walk')"
}

# Each variant is what it says: the thawed ones import in strict mode and
# report where the table came from; the computing one reports why it
# computed; all but the one without the table give the same neighbours.
check() {
    local variant=$1 expected=$2
    shift 2
    local said
    said=$(env "$@" "$python" -c "$(script "$variant")
print(neighbours.lookup('walk'), neighbours.report())")
    echo "$variant: $said" >&2
    case $said in
        "$expected") ;;
        *) echo "$variant: expected $expected" >&2; exit 1 ;;
    esac
}
walk="['Salk', 'balk', 'calk', 'talk', 'wack', 'wale', 'walks', 'wall', 'wank']"
check without "None []"
check computed "$walk [('neighbours::table::by_word', 'computed (no snapshot found)')]"
check file "$walk [('neighbours::table::by_word', 'file $work/file/neighbours.so.snap')]" FASTBOOT=strict
check footer "$walk [('neighbours::table::by_word', 'footer')]" FASTBOOT=strict
check section "$walk [('neighbours::table::by_word', 'section')]" FASTBOOT=strict

# The instructions "$@" executes, under callgrind.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for variant in without section footer file; do
    echo "$variant $(PYTHONHASHSEED=0 instructions "$python" -c "$(script "$variant")")"
done >"$work/instructions"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >"$work/load"
hyperfine -N --warmup 3 "${runs[@]}" --style basic --export-json "$work/hyperfine.json" \
    -n "without the frozen static" "$python -c \"$(script without)\"" \
    -n "section" "$python -c \"$(script section)\"" \
    -n "footer" "$python -c \"$(script footer)\"" \
    -n "file" "$python -c \"$(script file)\"" \
    -n "computed" "$python -c \"$(script computed)\"" >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/load"

"$python" benches/python/table.py "$work" "$docs" "$python" "${runs[@]}"
