#!/usr/bin/env python3
"""Drops FILE's clean pages from the page cache (posix_fadvise DONTNEED),
as if it had been evicted, without touching any other file's.

Usage: evict.py FILE...
"""
import os
import sys

for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    os.fdatasync(fd)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
