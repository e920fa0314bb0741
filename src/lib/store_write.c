/* store_write.c — storing a form as a household revision, tombstones and the audit
 * log (see store.h). Each form runs inside its own SAVEPOINT, so a failure part-way
 * leaves nothing of that form behind while the surrounding batch goes on. */
#include "store_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dates.h"

static int step_done(hh_store *s, sqlite3_stmt *st, hh_buf *err)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        sqlite3_reset(st);
        return -1;
    }
    sqlite3_reset(st);
    return 0;
}

/* Runs a cached statement without parameters or rows. */
static int run(hh_store *s, enum hh_stmt which, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, which, err);
    return st ? step_done(s, st, err) : -1;
}

int hh_audit(hh_store *s, const char *actor, const char *operation, const char *household,
             int revision, const char *detail, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_AUDIT_INSERT, err);
    if (!st)
        return -1;
    char now[21];
    hh_timestamp_now(now);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    hh_bind_text(st, 2, actor ? actor : "hhreg");
    hh_bind_text(st, 3, operation);
    hh_bind_text(st, 4, household);
    if (revision > 0)
        sqlite3_bind_int(st, 5, revision);
    hh_bind_text(st, 6, detail);
    return step_done(s, st, err);
}

static void bind_int_or_null(sqlite3_stmt *st, int index, int value, int absent)
{
    if (value == absent)
        sqlite3_bind_null(st, index);
    else
        sqlite3_bind_int(st, index, value);
}

static int insert_revision(hh_store *s, const hh_put_request *rq, int rev, const char *now,
                           const hh_household_derived *hd, hh_buf *err)
{
    const hh_household *h = rq->household;
    sqlite3_stmt *st = hh_store_stmt(s, STMT_REVISION_INSERT, err);
    if (!st)
        return -1;
    int i = 1;
    hh_bind_text(st, i++, h->id);
    sqlite3_bind_int(st, i++, rev);
    hh_bind_text(st, i++, now);
    hh_bind_text(st, i++, rq->actor ? rq->actor : "hhreg");
    hh_bind_text(st, i++, rq->source ? rq->source : "-");
    hh_bind_text(st, i++, rq->sha256);
    sqlite3_bind_blob(st, i++, rq->xml, (int)rq->xml_len, SQLITE_STATIC);
    const char *texts[] = { h->district_code, h->district, h->street_code, h->street,
                            h->community_code, h->community };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        hh_bind_text(st, i++, texts[k]);
    sqlite3_bind_int(st, i++, h->grid);
    const char *place[] = { h->estate, h->building, h->unit, h->room, h->household_type,
                            h->dwelling_type, h->tenure };
    for (size_t k = 0; k < sizeof place / sizeof place[0]; k++)
        hh_bind_text(st, i++, place[k]);
    if (h->floor_area < 0)
        sqlite3_bind_null(st, i++);
    else
        sqlite3_bind_double(st, i++, h->floor_area);
    hh_bind_text(st, i++, h->phone);
    hh_bind_text(st, i++, h->preferred_language);
    sqlite3_bind_int(st, i++, h->low_income);
    hh_bind_text(st, i++, h->low_income_since);
    sqlite3_bind_int(st, i++, h->extreme_hardship);
    hh_bind_text(st, i++, h->needs);
    hh_bind_text(st, i++, h->enumerator);
    hh_bind_text(st, i++, h->enumeration_date);
    hh_bind_text(st, i++, h->enumeration_status);
    hh_bind_text(st, i++, h->respondent);
    sqlite3_bind_int(st, i++, h->consent);
    bind_int_or_null(st, i++, h->member_count, -1);
    sqlite3_bind_int(st, i++, hd->size);
    sqlite3_bind_int(st, i++, hd->elderly60);
    sqlite3_bind_int(st, i++, hd->elderly65);
    sqlite3_bind_int(st, i++, hd->disabled);
    sqlite3_bind_int(st, i++, hd->living_alone);
    sqlite3_bind_int(st, i++, hd->empty_nest);
    if (rq->xml_size)
        sqlite3_bind_int64(st, i++, (sqlite3_int64)rq->xml_size);
    else
        sqlite3_bind_null(st, i++);
    return step_done(s, st, err);
}

static int insert_person(hh_store *s, const char *id, int rev, const hh_person *p,
                         const hh_person_derived *pd, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_PERSON_INSERT, err);
    if (!st)
        return -1;
    int i = 1;
    hh_bind_text(st, i++, id);
    sqlite3_bind_int(st, i++, rev);
    sqlite3_bind_int(st, i++, p->line);
    const char *texts[] = { p->name, p->relationship, p->sex, p->birth_date, p->document_type,
                            p->document_number, p->nationality, p->ethnicity, p->residence,
                            p->registered_in, p->marital_status };
    for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++)
        hh_bind_text(st, i++, texts[k]);
    bind_int_or_null(st, i++, p->education, -1);
    hh_bind_text(st, i++, p->activity);
    for (int d = 0; d < HH_WG_DOMAINS; d++)
        bind_int_or_null(st, i++, p->functioning[d], 0);
    hh_bind_text(st, i++, p->certificate_type);
    bind_int_or_null(st, i++, p->certificate_grade, 0);
    hh_bind_text(st, i++, p->phone);
    hh_bind_text(st, i++, p->languages);
    hh_bind_text(st, i++, p->notes);
    sqlite3_bind_int(st, i++, pd->age);
    hh_bind_text(st, i++, hh_age_group_label(pd->age_group));
    sqlite3_bind_int(st, i++, pd->disabled);
    return step_done(s, st, err);
}

static int insert_visit(hh_store *s, const char *id, int rev, int seq, const hh_visit *v, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_VISIT_INSERT, err);
    if (!st)
        return -1;
    hh_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, rev);
    sqlite3_bind_int(st, 3, seq);
    hh_bind_text(st, 4, v->date);
    hh_bind_text(st, 5, v->enumerator);
    hh_bind_text(st, 6, v->purpose);
    hh_bind_text(st, 7, v->outcome);
    hh_bind_text(st, 8, v->note);
    return step_done(s, st, err);
}

static int insert_warnings(hh_store *s, const char *id, int rev, const hh_diags *w, hh_buf *err)
{
    int seq = 0;
    for (size_t k = 0; w && k < w->n; k++) {
        const hh_diag *g = &w->items[k];
        if (g->severity != HH_WARNING)
            continue;
        sqlite3_stmt *st = hh_store_stmt(s, STMT_WARNING_INSERT, err);
        if (!st)
            return -1;
        hh_bind_text(st, 1, id);
        sqlite3_bind_int(st, 2, rev);
        sqlite3_bind_int(st, 3, ++seq);
        hh_bind_text(st, 4, g->rule);
        hh_bind_text(st, 5, g->path);
        hh_bind_text(st, 6, g->msg_en);
        hh_bind_text(st, 7, g->msg_zh);
        if (step_done(s, st, err))
            return -1;
    }
    return 0;
}

static void person_path(const hh_household *h, size_t k, const char *item, char *out, size_t n)
{
    if (h->n_persons > 1)
        snprintf(out, n, "person[%zu]/%s", k + 1, item);
    else
        snprintf(out, n, "person/%s", item);
}

/* Whether messages may name another household: only to the store file's owner
 * (a worker running hhreg on someone else's store, root included, is not). */
static bool caller_owns_store(const hh_store *s)
{
    struct stat st;
    return stat(s->path, &st) == 0 && st.st_uid == geteuid();
}

/* The STORE-ID-DUP refusal, naming the holder only to whom may see it. */
static void document_held(hh_store *s, const hh_put_request *rq, const char *path, const char *holder, int line,
                          hh_diags *d)
{
    const char *en, *zh;
    if (caller_owns_store(s))
        hh_diags_addmsg(d, rq->file, rq->line, HH_ERROR, "STORE-ID-DUP", path, holder, line);
    else if (hh_message_lookup("STORE-ID-DUP-HIDDEN", &en, &zh))
        hh_diags_add(d, rq->file, rq->line, HH_ERROR, "STORE-ID-DUP", path, en, zh);
}

/* 1 and a diagnostic when a document number is held by another household. */
static int documents_taken(hh_store *s, const hh_put_request *rq, hh_diags *d, hh_buf *err)
{
    const hh_household *h = rq->household;
    for (size_t k = 0; k < h->n_persons; k++) {
        const hh_person *p = &h->persons[k];
        if (!p->document_number)
            continue;
        sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_FIND, err);
        if (!st)
            return -1;
        hh_bind_text(st, 1, p->document_type);
        hh_bind_text(st, 2, p->document_number);
        hh_bind_text(st, 3, h->id);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            char path[64];
            person_path(h, k, "document", path, sizeof path);
            document_held(s, rq, path, (const char *)sqlite3_column_text(st, 0), sqlite3_column_int(st, 1), d);
            sqlite3_reset(st);
            return 1;
        }
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            hh_buf_printf(err, "%s", hh_store_errmsg(s));
            return -1;
        }
    }
    return 0;
}

static int index_documents(hh_store *s, const hh_household *h, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_CLEAR, err);
    if (!st)
        return -1;
    hh_bind_text(st, 1, h->id);
    if (step_done(s, st, err))
        return -1;
    for (size_t k = 0; k < h->n_persons; k++) {
        const hh_person *p = &h->persons[k];
        if (!p->document_number)
            continue;
        if (!(st = hh_store_stmt(s, STMT_DOCUMENT_INSERT, err)))
            return -1;
        hh_bind_text(st, 1, p->document_type);
        hh_bind_text(st, 2, p->document_number);
        hh_bind_text(st, 3, h->id);
        sqlite3_bind_int(st, 4, p->line);
        if (step_done(s, st, err))
            return -1;
    }
    return 0;
}

/* Current revision and deletion time of `id`: 0 found, 1 absent, -1 error. */
static int household_state(hh_store *s, const char *id, int *rev, char *deleted, size_t n, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_HOUSEHOLD_GET, err);
    if (!st)
        return -1;
    hh_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW;
    if (found) {
        *rev = sqlite3_column_int(st, 0);
        const unsigned char *del = sqlite3_column_text(st, 1);
        snprintf(deleted, n, "%s", del ? (const char *)del : "");
    }
    sqlite3_reset(st);
    if (!found && rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        return -1;
    }
    return found ? 0 : 1;
}

/* The newest revision of `id` whose form has digest `sha`: >0, 0 none, -1 error. */
static int revision_with_form(hh_store *s, const char *id, const char *sha, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_REVISION_WITH_SHA, err);
    if (!st)
        return -1;
    hh_bind_text(st, 1, id);
    hh_bind_text(st, 2, sha);
    int rc = sqlite3_step(st), rev = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_reset(st);
    if (rev < 0)
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
    return rev;
}

/* The STORE-CONFLICT refusal: who stored the current revision, and when. */
static int conflict(hh_store *s, const hh_put_request *rq, int cur, hh_diags *d, hh_buf *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT stored_by, stored_at FROM revision WHERE household_id = ?1 AND revision = ?2",
                           -1, &st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        return -1;
    }
    hh_bind_text(st, 1, rq->household->id);
    sqlite3_bind_int(st, 2, cur);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        hh_diags_addmsg(d, rq->file, rq->line, HH_ERROR, "STORE-CONFLICT", "household/@id", rq->household->id, cur,
                        (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                        rq->base_revision);
    else
        hh_buf_printf(err, "%s", rc == SQLITE_DONE ? "the current revision is missing" : hh_store_errmsg(s));
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* For a household stored before (current revision `cur`): UNCHANGED, CONFLICT or
 * OLDER (with its diagnostic), REVISED to go on and store it, FAILED with `err`. */
static hh_put_result compare_with_stored(hh_store *s, const hh_put_request *rq, int cur, hh_diags *d, hh_buf *err)
{
    const char *id = rq->household->id;
    int same = revision_with_form(s, id, rq->sha256, err);
    if (same < 0)
        return HH_PUT_FAILED;
    if (same == cur)
        return HH_PUT_UNCHANGED;
    if (rq->base_revision > 0 && rq->base_revision != cur)
        return conflict(s, rq, cur, d, err) ? HH_PUT_FAILED : HH_PUT_CONFLICT;
    if (same > 0 && rq->base_revision == 0 && !rq->allow_older) {
        hh_diags_addmsg(d, rq->file, rq->line, HH_ERROR, "STORE-OLDER", "household/@id", id, same, cur);
        return HH_PUT_OLDER;
    }
    return HH_PUT_REVISED;
}

static int write_revision(hh_store *s, const hh_put_request *rq, int rev, bool exists, hh_buf *err)
{
    const hh_household *h = rq->household;
    char now[21];
    hh_timestamp_now(now);
    hh_household_derived hd;
    hh_person_derived *pd = hh_xcalloc(h->n_persons, sizeof *pd);
    hh_derive(h, &hd, pd);
    sqlite3_stmt *st = hh_store_stmt(s, exists ? STMT_HOUSEHOLD_SET_REVISION : STMT_HOUSEHOLD_INSERT, err);
    int rc = -1;
    if (!st)
        goto out;
    hh_bind_text(st, 1, h->id);
    sqlite3_bind_int(st, 2, rev);
    if (!exists)
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    if (step_done(s, st, err) || insert_revision(s, rq, rev, now, &hd, err))
        goto out;
    for (size_t k = 0; k < h->n_persons; k++)
        if (insert_person(s, h->id, rev, &h->persons[k], &pd[k], err))
            goto out;
    for (size_t k = 0; k < h->n_visits; k++)
        if (insert_visit(s, h->id, rev, (int)k + 1, &h->visits[k], err))
            goto out;
    if (insert_warnings(s, h->id, rev, rq->warnings, err) || index_documents(s, h, err) ||
        hh_audit(s, rq->actor, exists ? "revise" : "store", h->id, rev, NULL, err))
        goto out;
    rc = 0;
out:
    free(pd);
    return rc;
}

/* The SQLite error with the operating system's reason, when there is one. */
static void describe_failure(hh_store *s, hh_buf *err)
{
    int sys = sqlite3_system_errno(s->db);
    if (sys)
        hh_buf_printf(err, " (%s)", strerror(sys));
}

hh_put_result hh_store_put(hh_store *s, const hh_put_request *rq, hh_diags *d, int *revision)
{
    const hh_household *h = rq->household;
    hh_buf err;
    hh_buf_init(&err);
    hh_put_result result = HH_PUT_FAILED;
    int cur = 0;
    char deleted[32] = "";
    if (run(s, STMT_SAVEPOINT, &err))
        goto fail;
    int state = household_state(s, h->id, &cur, deleted, sizeof deleted, &err);
    if (state < 0)
        goto rollback;
    if (state == 0 && *deleted) {
        hh_diags_addmsg(d, rq->file, rq->line, HH_ERROR, "STORE-DELETED", "household/@id", h->id, deleted);
        result = HH_PUT_REFUSED;
        goto rollback;
    }
    if (state == 0) {
        result = compare_with_stored(s, rq, cur, d, &err);
        if (result == HH_PUT_UNCHANGED) {
            *revision = cur;
            goto release;
        }
        if (result != HH_PUT_REVISED)
            goto rollback;
        result = HH_PUT_FAILED;
    }
    int taken = documents_taken(s, rq, d, &err);
    if (taken) {
        result = taken > 0 ? HH_PUT_REFUSED : HH_PUT_FAILED;
        goto rollback;
    }
    if (write_revision(s, rq, cur + 1, state == 0, &err))
        goto rollback;
    *revision = cur + 1;
    result = state == 0 ? HH_PUT_REVISED : HH_PUT_STORED;
release:
    if (run(s, STMT_RELEASE, &err) == 0) {
        hh_buf_free(&err);
        return result;
    }
    result = HH_PUT_FAILED;
rollback:
    sqlite3_exec(s->db, "ROLLBACK TO form; RELEASE form", NULL, NULL, NULL);
fail:
    if (result == HH_PUT_FAILED)
        describe_failure(s, &err);
    if (result == HH_PUT_FAILED)
        hh_diags_addmsg(d, rq->file, rq->line, HH_ERROR, "STORE-FAIL", "household",
                        err.len ? err.data : "unknown SQLite error");
    hh_buf_free(&err);
    return result;
}

int hh_store_delete(hh_store *s, const char *id, const char *reason, const char *actor, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    int rev = 0;
    char deleted[32] = "";
    int state = household_state(s, id, &rev, deleted, sizeof deleted, err);
    if (state != 0 || *deleted) {
        if (state == 1)
            hh_buf_printf(err, "no household %s in %s", id, s->path);
        else if (state == 0)
            hh_buf_printf(err, "household %s was already deleted on %s", id, deleted);
        hh_store_rollback(s);
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE household SET deleted_at = ?2, delete_reason = ?3 WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        hh_store_rollback(s);
        return -1;
    }
    char now[21];
    hh_timestamp_now(now);
    hh_bind_text(st, 1, id);
    hh_bind_text(st, 2, now);
    hh_bind_text(st, 3, reason);
    int rc = step_done(s, st, err);
    sqlite3_finalize(st);
    if (rc == 0) {
        st = hh_store_stmt(s, STMT_DOCUMENT_CLEAR, err);
        rc = st ? 0 : -1;
        if (st) {
            hh_bind_text(st, 1, id);
            rc = step_done(s, st, err);
        }
    }
    if (rc || hh_audit(s, actor, "delete", id, rev, NULL, err) || hh_store_commit(s, err)) {
        hh_store_rollback(s);
        return -1;
    }
    return 0;
}
