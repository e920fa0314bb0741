/* export.h — the export driver: runs one plugin over the store.
 *
 * The plugin's options are validated against its declaration; the store is read in
 * one read transaction (one snapshot for every pass), household by household in id
 * order, handed to the plugin as the read-only hhreg_household of
 * <hhreg/plugin.h>. Output goes to a temporary file (0600) beside the target and is
 * renamed over it only when the plugin and the writes all succeeded; a failing
 * export leaves no file. Every export is recorded in the audit log. */
#ifndef HH_EXPORT_H
#define HH_EXPORT_H

#include "plugin_loader.h"
#include "store.h"

typedef struct hh_export_request {
    const char *plugin;
    const char *output;          /* NULL or "-": standard output */
    const char *const *options;  /* "KEY=VALUE" strings */
    size_t n_options;
    const char *area;            /* NULL: all households */
    const char *actor;
    const char *schema_dir;      /* for code labels; NULL: the installed one */
} hh_export_request;

typedef struct hh_export_result {
    long households;
    char *error;                 /* malloc'd message on failure, else NULL */
} hh_export_result;

/* Runs the export; returns 0, or -1 with result->error set. Warnings from the
 * plugin go to `warnings` (may be NULL). */
int hh_export(hh_store *s, const hh_plugin_dirs *dirs, const hh_export_request *rq, FILE *warnings,
              hh_export_result *result);
/* Checks KEY=VALUE options against a plugin's declaration; 0 or -1 with `err`. */
int hh_export_check_options(const hhreg_plugin *p, const char *const *options, size_t n, hh_buf *err);

#endif
