/* store_exports.h — the export runs of `hhreg serve` (store schema 8): an admin
 * starts a plugin over the store, the server runs `hhreg export` in a child process
 * and keeps the output in its exports directory; an admin may then release a run of
 * a plugin whose output is protected (summary, anonymise) to the statisticians.
 * A run is `running`, then `done` or `failed` with what `hhreg export` said; a run
 * found `running` when the server starts was cut short by a stop and is `failed`.
 * Who started, finished and released a run is in the audit log too. */
#ifndef HH_STORE_EXPORTS_H
#define HH_STORE_EXPORTS_H

#include <stdbool.h>

#include "json.h"
#include "store.h"

typedef struct hh_export_run {
    long id;
    char *plugin, *area;         /* area: NULL for the whole store */
    char *options;               /* "KEY=VALUE" lines, as `hhreg export --opt` takes them */
    char *output;                /* the output's name in the exports directory */
    char *requested_by, *requested_at;
    char *state;                 /* "running", "done", "failed" */
    char *finished_at, *message; /* NULL while running */
    char *released_by, *released_at; /* NULL until released */
} hh_export_run;

void hh_export_run_free(hh_export_run *r);

/* Records a new running run; its id into *id. Begins and ends its own transaction.
 * 0; -1 with `err`. */
int hh_export_run_add(hh_store *s, const char *plugin, const char *area, const char *options, const char *output,
                      const char *by, long *id, hh_buf *err);
/* Run `id` ended: `done` when `ok`, else `failed`, with `message` (what hhreg export
 * said). 0; -1 with `err`. */
int hh_export_run_finish(hh_store *s, long id, bool ok, const char *message, hh_buf *err);
/* Marks every run still `running` as failed (the server stopped during it): how
 * many, or -1 with `err`. */
long hh_export_runs_abandon(hh_store *s, hh_buf *err);
/* Releases run `id` to the statisticians, by `by`. 0; -1 with `err`. */
int hh_export_run_release(hh_store *s, long id, const char *by, hh_buf *err);
/* Run `id` into *out (free it): 0, 1 when there is none, -1 with `err`. */
int hh_export_run_get(hh_store *s, long id, hh_export_run *out, hh_buf *err);
/* Calls `fn` for each run, newest first (only the released ones with
 * `released_only`); stops at the first non-zero return and returns it; -1 with
 * `err` when the store fails. */
int hh_export_run_each(hh_store *s, bool released_only, int (*fn)(const hh_export_run *r, void *arg), void *arg,
                       hh_buf *err);

/* A run as a JSON object (docs/API.md, "Exports"): under `key` in an object (NULL in an
 * array), left open for the caller to add to and end. `for_admin`: also its options
 * (a seed, a key file's path), who asked for it and what hhreg export said (paths of
 * the server's files among it). */
void hh_export_run_json(hh_json *j, const char *key, const hh_export_run *r, bool for_admin);

#endif
