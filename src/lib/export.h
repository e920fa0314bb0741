/* export.h — the export driver: runs one plugin over the store.
 *
 * hh_export runs the plugin in a child process, so a plugin that crashes, aborts,
 * leaks or scribbles on standard output cannot harm hhreg, the store or the
 * output: the child opens the store itself, read-only, and reads it in one read
 * transaction (one snapshot for every pass, checked with PRAGMA quick_check after
 * the last pass and before the plugin's end, which hears that the run failed: a
 * damaged index hides rows without an error), household by household in id
 * order, handing each to the plugin as the read-only hhreg_household of
 * <hhreg/plugin.h>. Before the plugin is loaded the child closes every other
 * descriptor and confines itself (export_sandbox.h); it runs in its own process
 * group, which is killed as a whole when it ends or its time is up. Whatever the
 * plugin prints on standard output goes to standard error.
 *
 * The output depends on what -o names. A new or regular file is written to an
 * unnamed temporary file (O_TMPFILE; a 0600 PATH.hhreg-PID.XXXXXX where the
 * filesystem lacks it, removed by the next export to that directory should hhreg
 * be killed) linked into place only when the child reported success and exited
 * cleanly, and after the export is in the audit log; otherwise no file is left,
 * whatever happened to either process. Standard output, a character device or a
 * FIFO (or a link to one, such as /dev/stdout) is written through, recorded in the
 * audit log before it starts; a reader that goes away ends the export
 * (reader_stopped). A link to anything else, a directory for a one-file plugin,
 * a block device or a socket is refused. The file is made 0600 (or --mode) before
 * it is put in place; --mode applies only to what hhreg creates, not to a stream.
 * A plugin that writes a directory of files
 * (HHREG_PLUGIN_DIRECTORY) fills a 0700 staging directory TARGET.hhreg-PID beside
 * the target, renamed to TARGET on success and removed otherwise (only a kill -9
 * of hhreg itself can leave it; the next export to that target sweeps it away).
 * The plugin's options are validated against its declaration. */
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
    long timeout_seconds;        /* the plugin's wall-clock and CPU time; 0: unlimited */
    long memory_mb;              /* the plugin's address space in MiB; 0: unlimited */
    unsigned mode;               /* --mode: the output file's permissions (a directory's
                                    files; the directory gets x where r is given);
                                    0: 0600 (0700). Checked by hh_export_check_mode. */
    long long since;             /* --since: only what changed after this entry of the
                                    change feed (plugin.h, "Incremental export"); -1: all */
    bool allow_network;          /* --allow-network: the plugin may open sockets (a plugin
                                    with HHREG_PLUGIN_NETWORK needs it) */
} hh_export_request;

typedef struct hh_export_result {
    long households;
    long tombstones;             /* deletions of the run (handed over, or not taken) */
    long long since;             /* the run's watermark (-1: everything) and the newest */
    long long last_change;       /* change it saw, the watermark of the next run */
    char *plugin_version;        /* malloc'd, once the plugin is loaded */
    char *error;                 /* malloc'd message on failure, else NULL */
    int reader_stopped;          /* it failed because the reader of a stream went away */
} hh_export_result;

/* Runs the export in a child process (see above) over the store at `store_path`;
 * returns 0, or -1 with result->error set. Warnings from the plugin go to
 * `warnings` (may be NULL). It forks: the calling process must hold no open store
 * (SQLite connections must not cross a fork). */
int hh_export(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq, FILE *warnings,
              hh_export_result *result);
/* The export itself, in this process, written to `out` (flushed, not closed; NULL:
 * -o names an existing directory) — or, for a plugin that writes a directory of
 * files, into the new directory `staging` (NULL: there is no output directory),
 * left complete on success; what the child of hh_export runs. It confines the
 * calling process for good (export_sandbox.h) before it loads the plugin. Records
 * nothing in the audit log. */
int hh_export_in_process(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                         FILE *out, const char *staging, FILE *warnings, hh_export_result *result);
void hh_export_result_free(hh_export_result *r);
/* Sets result->error from the format; returns -1. */
int hh_export_fail(hh_export_result *result, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parses --mode MODE (octal, e.g. 0640) into `mode`: permissions only, readable by
 * the owner, never writable by others, no execute, set-user-ID, set-group-ID or
 * sticky bit. 0, or -1 with `err` saying what is refused. */
int hh_export_check_mode(const char *text, unsigned *mode, hh_buf *err);
/* The range "MIN..MAX" of an INT or DATE option (in `choices`, since ABI 1.3: only
 * for a plugin with min_api_minor 3 or more, as an older host ignored it), or NULL. */
const char *hh_option_range(const hhreg_plugin *p, const hhreg_option_spec *o);
/* Checks the plugin's declaration of its options (ranges, defaults) and KEY=VALUE
 * options against it; 0 or -1 with `err`. */
int hh_export_check_options(const hhreg_plugin *p, const char *const *options, size_t n, hh_buf *err);

#endif
