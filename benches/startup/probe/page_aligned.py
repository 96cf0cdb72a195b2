#!/usr/bin/env python3
"""Writes a copy of an executable whose last loadable segment asks for
4 KiB alignment again (p_align 0x1000): the same bytes at the same offsets,
but loaded at a 4 KiB-aligned bias, so that its snapshot is no longer
congruent to the file modulo 2 MiB. The A/B pair for the section's huge-page
placement. Both files are written in one write each, so that the page cache
holds them alike.

Usage: page_aligned.py PROGRAM OUT_SAME OUT_PAGE_ALIGNED
"""
import os
import struct
import sys

PT_LOAD = 1
source, same, aligned = sys.argv[1:4]
data = bytearray(open(source, "rb").read())
assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "64-bit little-endian ELF only"
(phoff,) = struct.unpack_from("<Q", data, 0x20)
phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
loads = [phoff + i * phentsize for i in range(phnum) if struct.unpack_from("<I", data, phoff + i * phentsize)[0] == PT_LOAD]
last = max(loads, key=lambda at: struct.unpack_from("<Q", data, at + 16)[0])  # by p_vaddr
for path, contents in [(same, bytes(data)), (aligned, None)]:
    if contents is None:
        struct.pack_into("<Q", data, last + 48, 0x1000)  # p_align
        contents = bytes(data)
    with open(path, "wb") as out:
        out.write(contents)
    os.chmod(path, 0o755)
