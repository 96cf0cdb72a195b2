#!/usr/bin/env python3
"""Whether two snapshots of two builds of one program hold the same bytes,
apart from what names the build: the header's producer (build-id) and the
metadata checksum that covers it.

    benches/startup/probe/same_snapshot.py a.snap b.snap"""
import sys

CHECKSUM = slice(32, 40)
PRODUCER = slice(48, 112)


def masked(data):
    data = bytearray(data)
    data[CHECKSUM] = bytes(8)
    data[PRODUCER] = bytes(64)
    return bytes(data)


a, b = (open(path, "rb").read() for path in sys.argv[1:3])
if a == b:
    print(f"{len(a)} bytes: identical")
elif masked(a) == masked(b):
    print(f"{len(a)} bytes: identical but for the producer")
else:
    print(f"{len(a)} and {len(b)} bytes: DIFFERENT")
    sys.exit(1)
