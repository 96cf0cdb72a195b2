#!/usr/bin/env python3
"""The cost of madvise(MADV_HUGEPAGE) on a fresh private mapping of FILE:
maps it, advises it (or, as the baseline, calls getppid), unmaps it, N times;
prints the median of each, in microseconds, and their difference.

Usage: madvise_cost.py FILE [N]
"""
import ctypes
import os
import statistics
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
PROT_READ, MAP_PRIVATE, MADV_HUGEPAGE = 1, 2, 14

path = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
fd = os.open(path, os.O_RDONLY)
length = os.fstat(fd).st_size // 4096 * 4096


def once(advise):
    addr = libc.mmap(None, length, PROT_READ, MAP_PRIVATE, fd, 0)
    start = time.perf_counter_ns()
    if advise:
        assert libc.madvise(addr, length, MADV_HUGEPAGE) == 0
    else:
        libc.getppid()
    elapsed = time.perf_counter_ns() - start
    libc.munmap(addr, length)
    return elapsed


samples = {True: [], False: []}
for _ in range(runs):
    for advise in (True, False):
        samples[advise].append(once(advise))
advised, baseline = (statistics.median(samples[a]) / 1e3 for a in (True, False))
print(f"{length >> 20} MiB mapping: madvise(MADV_HUGEPAGE) {advised:.2f} us, getppid {baseline:.2f} us (medians of {runs}, interleaved): the advice costs {advised - baseline:.2f} us more")
