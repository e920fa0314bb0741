/* import.c — see import.h. The per-form handler is the whole data path in order:
 * validate, read into a household, refuse repeats, digest, store. */
#include "import.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/tree.h>

#include "digest.h"
#include "form.h"
#include "input.h"
#include "paths.h"
#include "validate.h"

#define DEFAULT_BATCH 500

struct hh_importer {
    hh_store *store;
    hh_import_options opt;
    hh_validator *validator;
    hh_import_summary sum;
    long pending_stored, pending_revised;   /* not yet committed */
    bool in_transaction, failed;
    sqlite3_stmt *seen_find, *seen_add;
};

static void print_diags(hh_importer *im, const hh_diags *d)
{
    if (!im->opt.messages)
        return;
    for (size_t i = 0; i < d->n; i++)
        if (!im->opt.quiet || d->items[i].severity == HH_ERROR)
            hh_diag_print(im->opt.messages, &d->items[i], im->opt.lang);
}

static void store_failed(hh_importer *im, const char *what)
{
    if (im->opt.messages)
        fprintf(im->opt.messages,
                "hhreg: %s: %s; the import stopped and the %ld form(s) of its open transaction were not stored. "
                "The store is consistent: free space (or fix the disk) and run the same import again.\n",
                hh_store_path(im->store), what, im->pending_stored + im->pending_revised);
    hh_store_rollback(im->store);
    im->in_transaction = false;
    im->sum.refused += im->pending_stored + im->pending_revised;
    im->pending_stored = im->pending_revised = 0;
    im->failed = true;
    im->sum.io_error = true;
}

static int commit(hh_importer *im)
{
    if (!im->in_transaction)
        return 0;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_commit(im->store, &err);
    if (rc)
        store_failed(im, err.data);
    else {
        im->sum.stored += im->pending_stored;
        im->sum.revised += im->pending_revised;
        im->pending_stored = im->pending_revised = 0;
        im->in_transaction = false;
    }
    hh_buf_free(&err);
    return rc;
}

static int begin(hh_importer *im)
{
    if (im->in_transaction)
        return 0;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_begin(im->store, &err);
    if (rc == 0) {
        im->in_transaction = true;
        rc = hh_store_exec(im->store,
                           "CREATE TEMP TABLE IF NOT EXISTS import_seen(id TEXT PRIMARY KEY, source TEXT NOT NULL)",
                           &err);
    }
    if (rc)
        store_failed(im, err.data);
    hh_buf_free(&err);
    return rc;
}

/* The source where this run saw `id` before, malloc'd, or NULL. Records it otherwise. */
static char *seen_before(hh_importer *im, const char *id, const char *source)
{
    sqlite3 *db = hh_store_db(im->store);
    if (!im->seen_find) {
        sqlite3_prepare_v2(db, "SELECT source FROM temp.import_seen WHERE id = ?1", -1, &im->seen_find, NULL);
        sqlite3_prepare_v2(db, "INSERT INTO temp.import_seen(id, source) VALUES (?1, ?2)", -1, &im->seen_add, NULL);
    }
    char *first = NULL;
    sqlite3_reset(im->seen_find);
    sqlite3_bind_text(im->seen_find, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(im->seen_find) == SQLITE_ROW)
        first = hh_xstrdup((const char *)sqlite3_column_text(im->seen_find, 0));
    sqlite3_reset(im->seen_find);
    if (!first) {
        sqlite3_reset(im->seen_add);
        sqlite3_bind_text(im->seen_add, 1, id, -1, SQLITE_STATIC);
        sqlite3_bind_text(im->seen_add, 2, source, -1, SQLITE_STATIC);
        sqlite3_step(im->seen_add);
        sqlite3_reset(im->seen_add);
    }
    return first;
}

static void store_form(hh_importer *im, hh_form_input *form, const hh_household *h, hh_diags *d)
{
    char source[512];
    snprintf(source, sizeof source, "%s:%ld", form->file, form->line);
    char *first = seen_before(im, h->id, source);
    if (first) {
        hh_diags_addmsg(d, form->file, form->line, HH_ERROR, "STORE-REPEAT", "household/@id", h->id, first);
        free(first);
        im->sum.refused++;
        return;
    }
    char sha[65];
    xmlChar *dump = NULL;
    int dump_len = 0;
    if (hh_form_digest(form->doc, sha) != 0) {
        hh_diags_addmsg(d, form->file, form->line, HH_ERROR, "STORE-FAIL", "household",
                        "cannot compute the form's digest");
        im->sum.refused++;
        return;
    }
    hh_put_request rq = { h, form->original, form->original_len, sha, source, im->opt.actor, d,
                          form->file, form->line };
    if (!form->original) {
        xmlDocDumpFormatMemoryEnc(form->doc, &dump, &dump_len, "UTF-8", 1);
        rq.xml = (const char *)dump;
        rq.xml_len = (size_t)dump_len;
    }
    int revision = 0;
    switch (hh_store_put(im->store, &rq, d, &revision)) {
    case HH_PUT_STORED: im->pending_stored++; break;
    case HH_PUT_REVISED: im->pending_revised++; break;
    case HH_PUT_UNCHANGED: im->sum.unchanged++; break;
    case HH_PUT_REFUSED: im->sum.refused++; break;
    case HH_PUT_FAILED:
        im->sum.refused++;
        print_diags(im, d);
        hh_diags_clear(d);
        store_failed(im, "writing to the store failed");
        break;
    }
    xmlFree(dump);
}

static int on_form(hh_form_input *form, void *arg)
{
    hh_importer *im = arg;
    hh_diags d;
    hh_diags_init(&d);
    if (hh_validator_check(im->validator, form, &d) > 0) {
        im->sum.refused++;
    } else if (begin(im) == 0) {
        hh_household *h = hh_household_from_doc(form->doc);
        store_form(im, form, h, &d);
        hh_household_free(h);
        im->sum.warnings += (long)d.warnings;
        if (!im->failed && !im->opt.strict &&
            im->pending_stored + im->pending_revised >= im->opt.batch_size)
            commit(im);
    }
    print_diags(im, &d);
    hh_diags_free(&d);
    return im->failed;
}

static void io_problem(const char *path, const char *why, void *arg)
{
    hh_importer *im = arg;
    if (im->opt.messages)
        fprintf(im->opt.messages, "hhreg: %s: %s\n", path, why);
    im->sum.io_error = true;
}

static int import_fd(int fd, const char *name, void *arg)
{
    hh_importer *im = arg;
    hh_diags d;
    hh_diags_init(&d);
    hh_read_stats st = hh_read_forms(fd, name, &d, on_form, im);
    im->sum.refused += st.refused;
    print_diags(im, &d);
    hh_diags_free(&d);
    return im->failed;
}

void hh_importer_add(hh_importer *im, const char *path)
{
    if (im->failed)
        return;
    hh_path_visitor v = { import_fd, io_problem, im };
    hh_visit_path(path, &v);
}

hh_importer *hh_importer_new(hh_store *store, const hh_schemaset *set, const hh_import_options *opt)
{
    hh_importer *im = hh_xcalloc(1, sizeof *im);
    im->store = store;
    im->opt = *opt;
    if (im->opt.batch_size <= 0)
        im->opt.batch_size = DEFAULT_BATCH;
    im->validator = hh_validator_new(set);
    if (!im->validator) {
        free(im);
        return NULL;
    }
    return im;
}

void hh_importer_finish(hh_importer *im, hh_import_summary *out)
{
    if (im->opt.strict && im->in_transaction && im->sum.refused > 0) {
        hh_store_rollback(im->store);
        im->in_transaction = false;
        im->sum.rolled_back = true;
        im->pending_stored = im->pending_revised = 0;
        if (im->opt.messages) {
            hh_diags d;
            hh_diags_init(&d);
            hh_diags_addmsg(&d, "-", 0, HH_ERROR, "STRICT-ABORT", "", (size_t)im->sum.refused);
            fprintf(im->opt.messages, "hhreg: %s\n", hh_diag_message(&d.items[0], im->opt.lang));
            hh_diags_free(&d);
        }
    }
    commit(im);
    *out = im->sum;
}

void hh_importer_free(hh_importer *im)
{
    if (!im)
        return;
    if (im->in_transaction)
        hh_store_rollback(im->store);
    sqlite3_finalize(im->seen_find);
    sqlite3_finalize(im->seen_add);
    hh_validator_free(im->validator);
    free(im);
}
