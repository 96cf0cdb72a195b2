#!/usr/bin/env python3
"""What a program costs right after its file left the page cache, and what
the cache holds afterwards.

Usage: cold.py PROGRAM LOOKUPS [ROUNDS]

Each round evicts PROGRAM's pages (posix_fadvise DONTNEED, as evict.py),
runs it once cold, then once warm, and prints the cold run's wall time and
page faults, how much of the file the cache then holds (mincore through
fincore), and the warm run's page faults.
"""
import os
import resource
import subprocess
import sys
import time

program, lookups = sys.argv[1], sys.argv[2]
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3


def evict(path):
    fd = os.open(path, os.O_RDONLY)
    os.fdatasync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)


def run():
    """Wall time in ms, minor and major faults of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([program, lookups], check=True, stdout=subprocess.DEVNULL)
    wall = (time.perf_counter() - start) * 1e3
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_minflt - before.ru_minflt, after.ru_majflt - before.ru_majflt


for _ in range(rounds):
    evict(program)
    wall, minor, major = run()
    cached = subprocess.run(
        ["fincore", "--bytes", "--noheadings", "--output", "RES", program],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    _, warm_minor, warm_major = run()
    print(
        f"{os.path.basename(program)} {lookups}: cold {wall:.2f} ms, {minor} minor + {major} major faults;"
        f" cached after: {int(cached) // 1024} KiB; warm: {warm_minor} minor + {warm_major} major faults"
    )
