/* plugin_loader.h — finding and loading export plugins safely.
 *
 * Plugins are looked up by name, in order, in the directories of an
 * hh_plugin_dirs: --plugin-dir, then $HHREG_PLUGIN_PATH (colon-separated), then the
 * installed plugin directory. A plugin is loaded only when its name matches
 * ^[a-z0-9][a-z0-9_-]{0,31}$ and:
 *  - every directory from / down to its directory (a relative one from the
 *    working directory, whose own path is physical) is entered with O_NOFOLLOW:
 *    none is a symbolic link, each is owned by root or the user and is not group-
 *    or world-writable, except that an ancestor (never the plugin directory
 *    itself) may be writable by others when its sticky bit is set, as /tmp is —
 *    the next directory down, which must pass these same checks, cannot then be
 *    renamed or replaced by another user;
 *  - NAME.so there is a regular file (not a link), owned by root or the user and
 *    not group- or world-writable;
 *  - no other directory of the search path after it holds a NAME.so, unless the
 *    plugin comes from --plugin-dir (the user named it) or shadowing is allowed
 *    (--allow-shadow): an environment variable or a stray directory must not
 *    silently put a file in the place of an installed plugin.
 * It is opened once with O_NOFOLLOW, checked with fstat and loaded from that
 * descriptor with RTLD_NOW | RTLD_LOCAL; its descriptor is checked (magic, ABI
 * major, API minor, size, name) before any of its functions is called. Every
 * refusal names the file (by its path, never the /proc/self/fd name it is loaded
 * through) and the reason. A directory named twice in the path is searched once; a
 * --plugin-dir that does not exist is reported (others are skipped). */
#ifndef HH_PLUGIN_LOADER_H
#define HH_PLUGIN_LOADER_H

#include <stdbool.h>
#include "hhreg/plugin.h"
#include "util.h"

#define HH_PLUGIN_MAX_DIRS 16

typedef struct hh_plugin_dirs {
    char *dirs[HH_PLUGIN_MAX_DIRS];
    size_t n;
    size_t chosen;      /* how many leading directories came from --plugin-dir */
    bool allow_shadow;  /* --allow-shadow: a plugin may hide one of the same name */
} hh_plugin_dirs;

/* The search path: `first` (may be NULL), $HHREG_PLUGIN_PATH, the installed one;
 * shadowing not allowed. */
void hh_plugin_dirs_init(hh_plugin_dirs *d, const char *first);
void hh_plugin_dirs_free(hh_plugin_dirs *d);
const char *hh_default_plugin_dir(void);

typedef struct hh_plugin {
    void *handle;
    const hhreg_plugin *desc;
    char *path;         /* the file loaded: absolute, no links, as the kernel names it */
} hh_plugin;

bool hh_plugin_name_valid(const char *name);
/* The descriptor's flags (HHREG_PLUGIN_*); 0 for a 1.0 descriptor, which has none. */
unsigned hh_plugin_flags(const hhreg_plugin *p);
/* The descriptor's tombstone callback (ABI 1.6); NULL when it has none or is older. */
typedef int (*hhreg_tombstone_fn)(hhreg_ctx *ctx, void *state, const hhreg_tombstone *t);
hhreg_tombstone_fn hh_plugin_tombstone(const hhreg_plugin *p);
/* The descriptor's revision callback (ABI 1.8); NULL when it has none or is older. */
typedef int (*hhreg_revision_fn)(hhreg_ctx *ctx, void *state, const hhreg_revision *r);
hhreg_revision_fn hh_plugin_revision(const hhreg_plugin *p);
/* Loads plugin `name`; 0, or -1 with the reason in `err`. */
int hh_plugin_load(const hh_plugin_dirs *d, const char *name, hh_plugin *out, hh_buf *err);
void hh_plugin_unload(hh_plugin *p);
/* The file hh_plugin_load would load for `name`, after the same checks of its
 * location (malloc'd, absolute), or NULL with the reason in `err`. */
char *hh_plugin_locate(const hh_plugin_dirs *d, const char *name, hh_buf *err);

/* Calls `fn` for every NAME.so in the search path, in path then name order: with
 * the loaded plugin, or with NULL and the reason it was refused (a refused
 * directory is reported once, with its path). A name found earlier in the path
 * hides later ones, and is refused as hh_plugin_load refuses it when shadowing is
 * not allowed. */
void hh_plugin_scan(const hh_plugin_dirs *d,
                    void (*fn)(const char *path, const hh_plugin *p, const char *refusal, void *arg),
                    void *arg);

#endif
