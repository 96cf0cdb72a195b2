#!/usr/bin/env python3
"""Interleaved medians of a few whole processes, for a quick comparison
outside the harness: runs each command once in turn (posix_spawn, output
to /dev/null), round after round, after 3 warm-up rounds, and prints each
one's median wall time, its ratio to the first command's, its median
minor page faults and its major faults in all.

Usage: interleave.py ROUNDS 'CMD ARGS' 'CMD ARGS' ...
"""
import os
import shlex
import statistics
import sys
import time

rounds = int(sys.argv[1])
commands = [shlex.split(c) for c in sys.argv[2:]]
null = os.open(os.devnull, os.O_WRONLY)
actions = [(os.POSIX_SPAWN_DUP2, null, 1)]
times = [[] for _ in commands]
faults = [[] for _ in commands]
major = [[] for _ in commands]
for round in range(3 + rounds):
    for i, command in enumerate(commands):
        start = time.perf_counter()
        pid = os.posix_spawn(command[0], command, os.environ, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        elapsed = time.perf_counter() - start
        assert os.waitstatus_to_exitcode(status) == 0, command
        if round >= 3:
            times[i].append(elapsed)
            faults[i].append(usage.ru_minflt)
            major[i].append(usage.ru_majflt)
base = statistics.median(times[0])
for command, t, f, m in zip(commands, times, faults, major):
    median = statistics.median(t)
    print(
        f"{' '.join(command)}: {median * 1e6:.1f} us, {median / base:.3f}x the first,"
        f" {statistics.median(f):.0f} minor faults, {sum(m)} major in all"
    )
