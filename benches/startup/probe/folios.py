#!/usr/bin/env python3
"""The sizes of the page-cache folios holding a file's bytes.

Usage: folios.py FILE [OFFSET [LENGTH]]   (run as root: /proc/kpageflags)

Maps FILE (private, read-only) from OFFSET, reads one byte of every page,
then looks up each page's frame in /proc/self/pagemap and its flags in
/proc/kpageflags: a folio is a head page and the tail pages after it. Pages
not yet cached are read by the touch itself (by readahead), so run it on a
file whose pages are cached to see how they were cached.
"""
import collections
import mmap
import os
import struct
import sys

PAGE = 4096
KPF_COMPOUND_TAIL = 1 << 16
PFN_MASK = (1 << 55) - 1

path = sys.argv[1]
offset = int(sys.argv[2], 0) if len(sys.argv) > 2 else 0
fd = os.open(path, os.O_RDONLY)
length = int(sys.argv[3], 0) if len(sys.argv) > 3 else os.fstat(fd).st_size - offset
view = mmap.mmap(fd, length, mmap.MAP_PRIVATE, mmap.PROT_READ, offset=offset)
pages = (length + PAGE - 1) // PAGE
for i in range(pages):
    view[i * PAGE]
start = next(
    int(line.split("-")[0], 16)
    for line in open("/proc/self/maps")
    if line.rstrip().endswith(os.path.realpath(path)) and int(line.split()[2], 16) == offset
)
with open("/proc/self/pagemap", "rb") as pagemap, open("/proc/kpageflags", "rb") as flags:
    pagemap.seek(start // PAGE * 8)
    entries = pagemap.read(pages * 8)
    folios = []
    for i in range(pages):
        (entry,) = struct.unpack_from("<Q", entries, i * 8)
        flags.seek((entry & PFN_MASK) * 8)
        (page_flags,) = struct.unpack("<Q", flags.read(8))
        if page_flags & KPF_COMPOUND_TAIL and folios:
            folios[-1] += 1
        else:
            folios.append(1)
sizes = collections.Counter(n * PAGE // 1024 for n in folios)
print(
    f"{path} [{offset:#x}, +{length:#x}): {pages} pages in {len(folios)} folios: "
    + ", ".join(f"{n} x {kib} KiB" for kib, n in sorted(sizes.items(), reverse=True))
)
