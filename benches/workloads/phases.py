"""In-process phases of the tokenizer, medians over fresh processes.

usage: phases.py TOKENIZE [--runs N] [OPTION]... QUERY

Runs the `tokenize` program (embedded, FASTBOOT=strict) N times (21 by
default) with `OPTION... --phases QUERY`, and prints the medians of what it
reports on standard error: the first access to the frozen ranks, building
the tokenizer (the regex compilation, unless --without-regex), the
encoding.
"""

import os
import re
import statistics
import subprocess
import sys

LINE = re.compile(r"in (\S+); tokenizer built in (\S+); \d+ ids encoded in (\S+)")
UNITS = {"ns": 1e-3, "µs": 1.0, "ms": 1e3, "s": 1e6}


def microseconds(duration: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\D+)", duration).groups()
    return float(value) * UNITS[unit]


def main() -> None:
    args = sys.argv[1:]
    runs = 21
    if "--runs" in args:
        i = args.index("--runs")
        runs = int(args[i + 1])
        del args[i : i + 2]
    program, options, query = args[0], args[1:-1], args[-1]
    env = dict(os.environ, FASTBOOT="strict")
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [program, *options, "--phases", query], env=env, capture_output=True, text=True, check=True
        )
        samples.append([microseconds(d) for d in LINE.search(done.stderr).groups()])
    medians = [statistics.median(s[i] for s in samples) for i in range(3)]
    print(
        f"{' '.join([os.path.basename(program), *options])}: medians of {runs} runs: "
        f"ranks thawed in {medians[0]:.1f} µs, tokenizer built in {medians[1]:.1f} µs, "
        f"encoded in {medians[2]:.1f} µs"
    )


if __name__ == "__main__":
    main()
