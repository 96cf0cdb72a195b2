"""A Python host that knows nothing of fastboot: loads the plugin named by
its argument with ctypes and prints one line about it, as loader.c does.
Loading it with FASTBOOT_FREEZE set freezes the plugin and exits."""
import ctypes
import sys

MASK = (1 << 64) - 1


def mix(key):
    """The plugin's value for `key`, computed here (as `plugin::mix`)."""
    z = (key + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


lib = ctypes.CDLL(sys.argv[1])
for name in ("plugin_len", "plugin_value", "plugin_mismatches"):
    getattr(lib, name).restype = ctypes.c_uint64
lib.plugin_value.argtypes = [ctypes.c_uint64]
n = lib.plugin_len()
wrong = sum(lib.plugin_value(key) != mix(key) for key in range(n))
print(f"library len {n} wrong {wrong} mismatches {lib.plugin_mismatches()} "
      f"origin {lib.plugin_origin()}", flush=True)
