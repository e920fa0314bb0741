/* import.h — the import pipeline: read → validate → store, for files, directories
 * (every *.xml below them, in name order) and standard input ("-").
 *
 * Each form is stored all-or-nothing; forms share transactions of `batch_size` for
 * speed, and a form counts as stored only once its transaction commits. Invalid
 * forms are reported and skipped; with `strict`, one refusal undoes the whole run.
 * A household that appears twice in one run is refused the second time; a form
 * equal to an earlier (not the current) revision of its household is counted
 * "older" and not stored unless allow_older (store.h). When the store itself
 * fails (disk full, I/O error, busy) the import stops, the open transaction is
 * rolled back, its forms and the valid forms after it are counted "not stored",
 * and hh_importer_finish reports it. */
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
    bool allow_older;        /* store forms equal to an earlier revision as new revisions */
    int base_revision;       /* guided entry's one form: the revision the edit started from (0: none) */
    bool new_household;      /* guided entry's one form, a new household's: never over a stored one */
    bool bulk;               /* document numbers indexed in bulk (hh_store_bulk_begin): hhreg import, not --strict */
} hh_import_options;

typedef struct hh_import_summary {
    long stored, unchanged, revised;
    long older;              /* equal to an earlier revision: not made current */
    long refused;            /* invalid, or refused by the store */
    long conflicts;          /* of those refused: the household moved on since base_revision */
    long not_stored;         /* valid, but the store failed before they were committed */
    long warnings;
    bool io_error;           /* an input could not be read, or the store failed */
    bool rolled_back;        /* strict mode undid the run */
} hh_import_summary;

typedef struct hh_importer hh_importer;
struct hh_form_result;

hh_importer *hh_importer_new(hh_store *store, const hh_schemaset *set, const hh_import_options *opt);
/* Imports the paths, in order; I/O problems are printed to opt->messages and
 * remembered. With opt->jobs > 1, forms are validated on that many threads while
 * this thread stores them in input order. */
void hh_importer_run(hh_importer *im, char *const *paths, size_t n_paths);
/* Takes one form already read and checked in memory (import_work.h: guided entry's
 * form) as the next of the run: its messages, the repeat check, the store. The
 * result stays the caller's. */
void hh_importer_take(hh_importer *im, struct hh_form_result *r);
/* Commits (or, strict with refusals, rolls back) and fills `out`. */
void hh_importer_finish(hh_importer *im, hh_import_summary *out);
void hh_importer_free(hh_importer *im);

#endif
