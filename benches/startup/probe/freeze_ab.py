#!/usr/bin/env python3
"""Freeze runs of several builds of a program, interleaved: each program once
in turn, N rounds; prints the medians of the wall time (around the process),
of the time the run reports computing ("computed in ... ms" lines), and of
their difference, the time spent freezing.

    STARTUP_ENTRIES=90MB benches/startup/probe/freeze_ab.py 7 before=./before/fastboot_app after=./after/fastboot_app

Peak RSS is measured separately (`/usr/bin/time -v`)."""
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    rounds = int(sys.argv[1])
    programs = [spec.split("=", 1) for spec in sys.argv[2:]]
    results = {label: [] for label, _ in programs}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(rounds):
            for label, path in programs:
                env = dict(os.environ, FASTBOOT_FREEZE=os.path.join(scratch, label + ".snap"))
                start = time.perf_counter()
                run = subprocess.run([path], env=env, capture_output=True, check=True)
                wall = time.perf_counter() - start
                output = run.stdout + run.stderr
                computed = sum(float(ms) for ms in re.findall(rb"computed in ([0-9.]+) ms", output)) / 1e3
                results[label].append((wall, computed, wall - computed))
    for label, runs in results.items():
        wall, computed, freezing = (statistics.median(column) for column in zip(*runs))
        print(f"{label:<28} wall {wall:.3f} s  computed {computed:.3f} s  freezing {freezing:.3f} s  (medians of {len(runs)})")


if __name__ == "__main__":
    main()
