/* A host that knows nothing of fastboot: loads the plugin named by its
   argument (dlopen, or LoadLibrary on Windows) and reports on it. Loading
   it with FASTBOOT_FREEZE set freezes the plugin and exits. */
#include "plugin.h"

#ifdef _WIN32
#include <windows.h>
#define LOAD(path) ((void *)LoadLibraryA(path))
#define SYMBOL(lib, name) ((void *)GetProcAddress((HMODULE)(lib), name))
#else
#include <dlfcn.h>
#define LOAD(path) dlopen(path, RTLD_NOW)
#define SYMBOL(lib, name) dlsym(lib, name)
#endif

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: loader PLUGIN\n");
        return 2;
    }
    void *lib = LOAD(argv[1]);
    if (!lib) {
        fprintf(stderr, "loader: cannot load %s\n", argv[1]);
        return 1;
    }
    report("library", (plugin_len_fn)SYMBOL(lib, "plugin_len"),
           (plugin_value_fn)SYMBOL(lib, "plugin_value"),
           (plugin_mismatches_fn)SYMBOL(lib, "plugin_mismatches"),
           (plugin_origin_fn)SYMBOL(lib, "plugin_origin"));
    return 0;
}
