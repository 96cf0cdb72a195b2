#!/usr/bin/env python3
"""How many pages one read fault maps, in a private read-only mapping of a
file, depending on the mapping's address and on madvise.

Usage: fault_around.py FILE [ADVICE...]   (ADVICE: none, random,
sequential, willneed, hugepage; default none)

Maps 8 MiB of FILE from file offset 32 MiB at an address congruent to that
offset modulo 2 MiB, and again 4 KiB off, reads one byte in the middle of
the second 2 MiB block, and counts the pages then present in the mapping
(/proc/self/pagemap) and the faults taken (getrusage). The file must be
larger than 40 MiB, and cached: the folios it is cached in decide the
result (see folios.py).
"""
import ctypes
import os
import resource
import struct
import sys

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
PROT_READ, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS = 1, 2, 0x10, 0x20
PAGE, HUGE = 4096, 2 << 20
ADVICE = {"none": None, "random": 1, "sequential": 2, "willneed": 3, "hugepage": 14}


def probe(path, shift, advice):
    """Faults and pages mapped by one read, the mapping `shift` bytes past congruence."""
    fd = os.open(path, os.O_RDONLY)
    offset, length = 16 * HUGE, 4 * HUGE
    reserved = libc.mmap(None, length + 2 * HUGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    address = (reserved + HUGE - 1) // HUGE * HUGE + shift
    assert libc.mmap(address, length, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, offset) == address
    if ADVICE[advice] is not None:
        assert libc.madvise(address, length, ADVICE[advice]) == 0
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    ctypes.c_char.from_address(address + HUGE + HUGE // 2).value
    faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
    with open("/proc/self/pagemap", "rb") as pagemap:
        pagemap.seek(address // PAGE * 8)
        entries = pagemap.read(length // PAGE * 8)
    present = sum(struct.unpack_from("<Q", entries, 8 * i)[0] >> 63 for i in range(length // PAGE))
    libc.munmap(reserved, length + 2 * HUGE)
    os.close(fd)
    return faults, present


path = sys.argv[1]
for advice in sys.argv[2:] or ["none"]:
    for shift, where in [(0, "congruent mod 2 MiB"), (PAGE, "4 KiB off")]:
        faults, present = probe(path, shift, advice)
        print(f"{os.path.basename(path)}: {where:19}, madvise {advice:10}: {faults} fault, {present} pages mapped ({present * 4} KiB)")
