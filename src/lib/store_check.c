/* store_check.c — see store_check.h. Corruption is reported, never repaired: SQLite's messages
 * are passed on as STORE-INTEGRITY problems naming the store file. */
#include "store_check.h"

#include <stdio.h>
#include <string.h>

#include "input.h"
#include "validate.h"

static long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void integrity(hh_store *s, hh_diags *d, hh_check_report *r)
{
    sqlite3 *db = hh_store_db(s);
    const char *checks[] = { "PRAGMA integrity_check", "PRAGMA foreign_key_check" };
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(db, checks[k], -1, &st, NULL) != SQLITE_OK) {
            hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, "STORE-INTEGRITY", "", sqlite3_errmsg(db),
                         sqlite3_errmsg(db));
            r->integrity_problems++;
            continue;
        }
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            char msg[512];
            if (k == 0) {
                const char *text = (const char *)sqlite3_column_text(st, 0);
                if (text && strcmp(text, "ok") == 0)
                    continue;
                snprintf(msg, sizeof msg, "integrity check: %s", text ? text : "?");
            } else {
                snprintf(msg, sizeof msg, "foreign key check: row %lld of table %s has no parent in %s",
                         (long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 0),
                         sqlite3_column_text(st, 2));
            }
            hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, "STORE-INTEGRITY", "", msg, msg);
            r->integrity_problems++;
        }
        if (rc != SQLITE_DONE) {
            hh_diags_add(d, hh_store_path(s), 0, HH_ERROR, "STORE-INTEGRITY", "", sqlite3_errstr(rc),
                         sqlite3_errstr(rc));
            r->integrity_problems++;
        }
        sqlite3_finalize(st);
    }
}

typedef struct revalidation {
    hh_validator *v;
    hh_diags *d;
    hh_check_report *r;
} revalidation;

static int check_form(hh_form_input *form, void *arg)
{
    revalidation *rv = arg;
    size_t before = rv->d->errors;
    hh_diags mine;
    hh_diags_init(&mine);
    hh_validator_check(rv->v, form, &mine);
    /* warnings were accepted when the form was stored; only errors matter now */
    for (size_t i = 0; i < mine.n; i++) {
        const hh_diag *g = &mine.items[i];
        if (g->severity == HH_ERROR)
            hh_diags_add(rv->d, g->file, g->line, HH_ERROR, g->rule, g->path, g->msg_en, g->msg_zh);
    }
    hh_diags_free(&mine);
    if (rv->d->errors > before)
        rv->r->invalid_forms++;
    return 0;
}

static int revalidate(const char *id, int revision, const char *xml, size_t len, void *arg)
{
    revalidation *rv = arg;
    char name[96];
    snprintf(name, sizeof name, "%s@r%d", id, revision);
    size_t before = rv->d->errors;
    hh_read_stats st = hh_read_forms_memory(xml, len, name, rv->d, check_form, rv);
    if (st.refused && rv->d->errors > before)
        rv->r->invalid_forms++;
    return 0;
}

int hh_store_check(hh_store *s, const hh_schemaset *set, hh_diags *d, hh_check_report *r, hh_buf *err)
{
    memset(r, 0, sizeof *r);
    sqlite3 *db = hh_store_db(s);
    integrity(s, d, r);
    if (r->integrity_problems)
        return 0;
    r->households = count(db, "SELECT count(*) FROM household WHERE deleted_at IS NULL");
    r->deleted = count(db, "SELECT count(*) FROM household WHERE deleted_at IS NOT NULL");
    r->revisions = count(db, "SELECT count(*) FROM revision");
    r->persons = count(db, "SELECT count(*) FROM person p JOIN household h ON h.id = p.household_id"
                           " AND h.current_revision = p.revision WHERE h.deleted_at IS NULL");
    r->visits = count(db, "SELECT count(*) FROM visit v JOIN household h ON h.id = v.household_id"
                          " AND h.current_revision = v.revision WHERE h.deleted_at IS NULL");
    r->warnings = count(db, "SELECT count(*) FROM form_warning w JOIN household h ON h.id = w.household_id"
                            " AND h.current_revision = w.revision WHERE h.deleted_at IS NULL");
    r->audit_entries = count(db, "SELECT count(*) FROM audit");
    revalidation rv = { hh_validator_new(set), d, r };
    if (!rv.v) {
        hh_buf_puts(err, "cannot create a validator");
        return -1;
    }
    int rc = hh_store_each_current(s, revalidate, &rv, err);
    hh_validator_free(rv.v);
    return rc;
}
