#!/usr/bin/env bash
# The mappings over 8 MiB of a program, as /proc/PID/smaps shows them when
# it exits: smaps_at_exit.sh PROGRAM [ARGS...]
#
# gdb stops the program at its exit_group system call (ASLR off, as gdb
# runs programs) and copies its smaps; only the address range, file offset,
# Size, Rss, FilePmdMapped, THPeligible and VmFlags of each large mapping
# are printed.
set -euo pipefail
out=$(mktemp)
trap 'rm -f "$out"' EXIT
gdb -q -batch -ex 'set startup-with-shell off' -ex 'catch syscall exit_group' -ex run \
    -ex "python import gdb; open('$out', 'w').write(open('/proc/%d/smaps' % gdb.selected_inferior().pid).read())" \
    --args "$@" >/dev/null 2>&1
awk '
    /^[0-9a-f]+-[0-9a-f]+ / { header = $0; large = 0; next }
    /^Size:/ { large = $2 > 8192; if (large) print header }
    large && /^(Size|Rss|FilePmdMapped|THPeligible|VmFlags):/ { print "    " $0 }
' "$out"
