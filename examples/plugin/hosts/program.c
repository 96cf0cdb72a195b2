/* A C program with the plugin linked in as a static library (libplugin.a):
   its frozen statics live in this executable, which freezes (with
   FASTBOOT_FREEZE set, before main) and thaws like a Rust program. Given a
   shared build of the plugin as its argument, it also loads that, which
   thaws from its own snapshot: the two never read each other's. */
#include <dlfcn.h>

#include "plugin.h"

uint64_t plugin_len(void);
uint64_t plugin_value(uint64_t key);
uint64_t plugin_mismatches(void);
int plugin_origin(void);

int main(int argc, char **argv) {
    report("program", plugin_len, plugin_value, plugin_mismatches, plugin_origin);
    if (argc > 1) {
        void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        if (!lib) {
            fprintf(stderr, "program: %s\n", dlerror());
            return 1;
        }
        report("library", (plugin_len_fn)dlsym(lib, "plugin_len"),
               (plugin_value_fn)dlsym(lib, "plugin_value"),
               (plugin_mismatches_fn)dlsym(lib, "plugin_mismatches"),
               (plugin_origin_fn)dlsym(lib, "plugin_origin"));
    }
    return 0;
}
