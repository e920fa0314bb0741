/* export.h — the export driver: runs one plugin over the store.
 *
 * hh_export runs the plugin in a child process, so a plugin that crashes, aborts,
 * leaks or scribbles on standard output cannot harm hhreg, the store or the
 * output: the child opens the store itself and reads it in one read transaction
 * (one snapshot for every pass), household by household in id order, handing each
 * to the plugin as the read-only hhreg_household of <hhreg/plugin.h>. Whatever the
 * plugin prints on standard output goes to standard error. A file output is an
 * unnamed temporary file (O_TMPFILE; a 0600 PATH.hhreg-XXXXXX where the filesystem
 * lacks it) linked into place only when the child reported success and exited
 * cleanly; otherwise no file is left, whatever happened to either process. A
 * plugin that writes a directory of files (HHREG_PLUGIN_DIRECTORY) fills a 0700
 * staging directory TARGET.hhreg-PID beside the target, renamed to TARGET on
 * success and removed otherwise (only a kill -9 of hhreg itself can leave it; the
 * next export to that target sweeps it away). The
 * plugin's options are validated against its declaration. Every export that
 * succeeds is recorded in the audit log. */
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
    char *plugin_version;        /* malloc'd, once the plugin is loaded */
    char *error;                 /* malloc'd message on failure, else NULL */
} hh_export_result;

/* Runs the export in a child process (see above) over the store at `store_path`;
 * returns 0, or -1 with result->error set. Warnings from the plugin go to
 * `warnings` (may be NULL). It forks: the calling process must hold no open store
 * (SQLite connections must not cross a fork). */
int hh_export(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq, FILE *warnings,
              hh_export_result *result);
/* The export itself, in this process, written to `out` (flushed, not closed) —
 * or, for a plugin that writes a directory of files, into the new directory
 * `staging` (NULL: there is no output directory), left complete on success and
 * removed on failure; what the child of hh_export runs. Records nothing in the
 * audit log. */
int hh_export_in_process(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                         FILE *out, const char *staging, FILE *warnings, hh_export_result *result);
void hh_export_result_free(hh_export_result *r);
/* Checks KEY=VALUE options against a plugin's declaration; 0 or -1 with `err`. */
int hh_export_check_options(const hhreg_plugin *p, const char *const *options, size_t n, hh_buf *err);

#endif
