/* plugin_loader.h — finding and loading export plugins safely.
 *
 * Plugins are looked up by name, in order, in the directories of an
 * hh_plugin_dirs: --plugin-dir, then $HHREG_PLUGIN_PATH (colon-separated), then the
 * installed plugin directory. A plugin is loaded only when its name matches
 * ^[a-z0-9][a-z0-9_-]{0,31}$, its directory is not a symbolic link and not group- or
 * world-writable, and NAME.so there is a regular file (not a link), owned by root
 * or the user and not group- or world-writable. It is opened once with O_NOFOLLOW,
 * checked with fstat and loaded from that descriptor with RTLD_NOW | RTLD_LOCAL;
 * its descriptor is checked (magic, ABI major, API minor, size, name) before any of
 * its functions is called. Every refusal names the file and the reason. */
#ifndef HH_PLUGIN_LOADER_H
#define HH_PLUGIN_LOADER_H

#include <stdbool.h>
#include "hhreg/plugin.h"
#include "util.h"

#define HH_PLUGIN_MAX_DIRS 16

typedef struct hh_plugin_dirs {
    char *dirs[HH_PLUGIN_MAX_DIRS];
    size_t n;
} hh_plugin_dirs;

/* The search path: `first` (may be NULL), $HHREG_PLUGIN_PATH, the installed one. */
void hh_plugin_dirs_init(hh_plugin_dirs *d, const char *first);
void hh_plugin_dirs_free(hh_plugin_dirs *d);
const char *hh_default_plugin_dir(void);

typedef struct hh_plugin {
    void *handle;
    const hhreg_plugin *desc;
    char *path;
} hh_plugin;

bool hh_plugin_name_valid(const char *name);
/* The descriptor's flags (HHREG_PLUGIN_*); 0 for a 1.0 descriptor, which has none. */
unsigned hh_plugin_flags(const hhreg_plugin *p);
/* Loads plugin `name`; 0, or -1 with the reason in `err`. */
int hh_plugin_load(const hh_plugin_dirs *d, const char *name, hh_plugin *out, hh_buf *err);
void hh_plugin_unload(hh_plugin *p);

/* Calls `fn` for every NAME.so in the search path, in path then name order: with
 * the loaded plugin, or with NULL and the reason it was refused. A name found
 * earlier in the path hides later ones. */
void hh_plugin_scan(const hh_plugin_dirs *d,
                    void (*fn)(const char *path, const hh_plugin *p, const char *refusal, void *arg),
                    void *arg);

#endif
