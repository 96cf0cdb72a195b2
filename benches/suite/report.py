"""Tables of benches/suite/run.sh's measurements, from hyperfine's JSON.

usage: report.py WORK_DIR VARIANT...   (prints Markdown; writes results.json
beside this script: every run's time, by variant and command). LOAD_START
and LOAD_END: the load averages at the start and end of the run.
"""

import glob
import json
import os
import statistics
import sys


def load(path):
    with open(path) as f:
        return json.load(f)["results"]


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def s(seconds):
    return f"{seconds:.3f} s"


def main():
    work, variants = sys.argv[1], sys.argv[2:]
    raw = {}
    print("# benches/suite: results\n")
    print(f"Written by `benches/suite/run.sh {' '.join(variants)}`. 2-core VM shared with "
          f"other work (load average {os.environ.get('LOAD_START', '?')} at the start, "
          f"{os.environ.get('LOAD_END', '?')} at the end): only ratios measured in one run "
          "mean much; the test processes' come from interleaved rounds.\n")
    for variant in variants:
        out = os.path.join(work, variant)
        # Test processes: every round's runs, by command.
        times = {}
        for path in sorted(glob.glob(os.path.join(out, "process-*.json"))):
            for result in load(path):
                times.setdefault(result["command"], []).extend(result["times"])
        base = statistics.median(times["without the fixture"])
        rounds = len(glob.glob(os.path.join(out, "process-*.json")))
        print(f"## Fixture of {variant}\n")
        print(f"One test process (the binary run directly, one test): medians of "
              f"{len(times['without the fixture'])} runs each, in {rounds} interleaved rounds.\n")
        print("| test process | median | × without the fixture |")
        print("|---|--:|--:|")
        for command, runs in times.items():
            median = statistics.median(runs)
            print(f"| {command} | {ms(median)} | {median / base:.2f}× |")
        # Whole runs.
        suite = load(os.path.join(out, "suite.json"))
        plain = suite[0]
        print("\nWhole runs of the 100 tests: medians (wall), means of user + system (CPU).\n")
        print("| run | wall | CPU | plain / this (wall, CPU) |")
        print("|---|--:|--:|--:|")
        for result in suite:
            cpu = result["user"] + result["system"]
            plain_cpu = plain["user"] + plain["system"]
            print(f"| `{result['command']}` | {s(result['median'])} | {s(cpu)} | "
                  f"{plain['median'] / result['median']:.0f}×, {plain_cpu / cpu:.0f}× |")
        print()
        raw[variant] = {"test processes": times, "whole runs": suite}
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.json"), "w") as f:
        json.dump(raw, f, indent=1)


main()
