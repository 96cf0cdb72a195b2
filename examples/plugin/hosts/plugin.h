/* The plugin's C API (src/lib.rs), and what its hosts check of it. */
#ifndef PLUGIN_H
#define PLUGIN_H

#include <stdint.h>
#include <stdio.h>

typedef uint64_t (*plugin_len_fn)(void);
typedef uint64_t (*plugin_value_fn)(uint64_t key);
typedef uint64_t (*plugin_mismatches_fn)(void);
typedef int (*plugin_origin_fn)(void);

/* The plugin's value for `key`, computed here (SplitMix64's output
   function, as `plugin::mix`). */
static uint64_t mix(uint64_t key) {
    uint64_t z = key + UINT64_C(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* Prints one line about a plugin: its table's length, how many of its
   values differ from `mix` here (every key is compared), how many the
   plugin itself finds wrong, and where its table came from (1 section,
   2 footer, 3 file, 4 computed). */
static void report(const char *who, plugin_len_fn len, plugin_value_fn value,
                   plugin_mismatches_fn mismatches, plugin_origin_fn origin) {
    uint64_t n = len(), wrong = 0;
    for (uint64_t key = 0; key < n; key++) {
        wrong += value(key) != mix(key);
    }
    printf("%s len %llu wrong %llu mismatches %llu origin %d\n", who,
           (unsigned long long)n, (unsigned long long)wrong,
           (unsigned long long)mismatches(), origin());
    fflush(stdout);
}

#endif
