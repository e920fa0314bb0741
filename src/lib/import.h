/* import.h — the import pipeline: read → validate → store, for files, directories
 * (every *.xml below them, in name order) and standard input ("-").
 *
 * Each form is stored all-or-nothing; forms share transactions of `batch_size` for
 * speed, and a form counts as stored only once its transaction commits. Invalid
 * forms are reported and skipped; with `strict`, one refusal undoes the whole run.
 * A household that appears twice in one run is refused the second time. When the
 * store itself fails (disk full, I/O error) the import stops, the open
 * transaction is rolled back, and hh_importer_finish reports it. */
#ifndef HH_IMPORT_H
#define HH_IMPORT_H

#include <stdbool.h>
#include <stdio.h>
#include "diag.h"
#include "schemaset.h"
#include "store.h"

typedef struct hh_import_options {
    const char *actor;
    bool strict;
    hh_lang lang;
    FILE *messages;          /* diagnostics as they come; NULL for none */
    long batch_size;         /* forms per transaction; 0 means the default */
    bool quiet;              /* print errors only, not warnings */
    int jobs;                /* worker threads validating; 1: all in this thread */
    bool progress;           /* a progress line on `messages`, if it is a terminal */
} hh_import_options;

typedef struct hh_import_summary {
    long stored, unchanged, revised, refused, warnings;
    bool io_error;           /* an input could not be read, or the store failed */
    bool rolled_back;        /* strict mode undid the run */
} hh_import_summary;

typedef struct hh_importer hh_importer;

hh_importer *hh_importer_new(hh_store *store, const hh_schemaset *set, const hh_import_options *opt);
/* Imports the paths, in order; I/O problems are printed to opt->messages and
 * remembered. With opt->jobs > 1, forms are validated on that many threads while
 * this thread stores them in input order. */
void hh_importer_run(hh_importer *im, char *const *paths, size_t n_paths);
/* Commits (or, strict with refusals, rolls back) and fills `out`. */
void hh_importer_finish(hh_importer *im, hh_import_summary *out);
void hh_importer_free(hh_importer *im);

#endif
