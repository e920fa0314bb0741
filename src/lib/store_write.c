/* store_write.c — storing a form as a household revision, tombstones and undoing
 * them (undelete) (see store.h). Each form runs inside its own
 * SAVEPOINT, so a failure part-way leaves nothing of that form behind while the
 * surrounding batch goes on. */
#include "store_internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dates.h"
#include "messages.h"
#include "store_submissions.h"
#include "items.h"

/* Runs a cached statement without parameters or rows. */
static int run(hh_store *s, enum hh_stmt which, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, which, err);
    return st ? hh_store_step_done(s, st, err) : -1;
}

/* Binds the items of `scope` held in `record` from parameter `first` on, in table order
 * (the statements list their columns from the same table). */
static void bind_items(sqlite3_stmt *st, int first, hh_item_scope scope, const void *record)
{
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t k = 0; k < n; k++) {
        const hh_item *it = &items[k];
        const void *at = hh_item_at(it, record);
        int index = first + (int)k;
        if (!hh_item_given(it, record))
            sqlite3_bind_null(st, index);
        else if (it->ctype == HH_ITEM_C_STR)
            hh_store_bind_text(st, index, *(char *const *)at);
        else if (it->ctype == HH_ITEM_C_INT)
            sqlite3_bind_int(st, index, *(const int *)at);
        else if (it->ctype == HH_ITEM_C_REAL)
            sqlite3_bind_double(st, index, *(const double *)at);
        else
            sqlite3_bind_int(st, index, *(const int *)at != 0);
    }
}

static int insert_revision(hh_store *s, const hh_put_request *rq, int rev, int parent, const char *now,
                           const hh_household_derived *hd, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_REVISION_INSERT, err);
    if (!st)
        return -1;
    sqlite3_bind_int(st, 1, rev);
    hh_store_bind_text(st, 2, now);
    hh_store_bind_text(st, 3, rq->actor ? rq->actor : "hhreg");
    hh_store_bind_text(st, 4, rq->source ? rq->source : "-");
    hh_store_bind_text(st, 5, rq->sha256);
    sqlite3_bind_blob(st, 6, rq->xml, (int)rq->xml_len, SQLITE_STATIC);
    if (rq->xml_size)
        sqlite3_bind_int64(st, 7, (sqlite3_int64)rq->xml_size);
    else
        sqlite3_bind_null(st, 7);
    const int derived[] = { hd->size, hd->elderly60, hd->elderly65, hd->disabled, hd->living_alone, hd->empty_nest };
    for (int k = 0; k < 6; k++)
        sqlite3_bind_int(st, 8 + k, derived[k]);
    hh_store_bind_text(st, 14, rq->content_sha256);
    sqlite3_bind_int64(st, 15, (sqlite3_int64)rq->household->n_visits);
    bind_items(st, 16, HH_ITEM_HOUSEHOLD, rq->household);
    int at_parent = sqlite3_bind_parameter_index(st, ":parent");
    if (parent > 0)
        sqlite3_bind_int(st, at_parent, parent);
    else
        sqlite3_bind_null(st, at_parent);
    int at_settles = sqlite3_bind_parameter_index(st, ":settles");
    if (rq->settles > 0)
        sqlite3_bind_int(st, at_settles, rq->settles);
    else
        sqlite3_bind_null(st, at_settles);
    return hh_store_step_done(s, st, err);
}

static int insert_person(hh_store *s, const char *id, int rev, const hh_person *p,
                         const hh_person_derived *pd, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_PERSON_INSERT, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, rev);
    sqlite3_bind_int(st, 3, pd->age);
    hh_store_bind_text(st, 4, hh_age_group_label(pd->age_group));
    sqlite3_bind_int(st, 5, pd->disabled);
    bind_items(st, 6, HH_ITEM_PERSON, p);
    return hh_store_step_done(s, st, err);
}

static int insert_visit(hh_store *s, const char *id, int rev, int seq, const hh_visit *v, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_VISIT_INSERT, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, rev);
    sqlite3_bind_int(st, 3, seq);
    bind_items(st, 4, HH_ITEM_VISIT, v);
    return hh_store_step_done(s, st, err);
}

/* The warnings of `w`, numbered on from *seq. */
static int insert_warnings(hh_store *s, const char *id, int rev, const hh_diags *w, int *seq, hh_buf *err)
{
    for (size_t k = 0; w && k < w->n; k++) {
        const hh_diag *g = &w->items[k];
        if (g->severity != HH_WARNING)
            continue;
        sqlite3_stmt *st = hh_store_stmt(s, STMT_WARNING_INSERT, err);
        if (!st)
            return -1;
        hh_store_bind_text(st, 1, id);
        sqlite3_bind_int(st, 2, rev);
        sqlite3_bind_int(st, 3, ++*seq);
        hh_store_bind_text(st, 4, g->rule);
        hh_store_bind_text(st, 5, g->path);
        hh_store_bind_text(st, 6, g->msg_en);
        hh_store_bind_text(st, 7, g->msg_zh);
        if (hh_store_step_done(s, st, err))
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

/* The STORE-ID-DUP refusal, naming the holder only to whom may see it. */
static void document_held(hh_store *s, const hh_put_request *rq, const char *path, const char *holder, int line,
                          hh_diags *d)
{
    if (hh_store_owned_by_caller(s))
        hh_msg_store_id_dup(d, rq->file, rq->line, path, holder, line);
    else
        hh_msg_store_id_dup_hidden(d, rq->file, rq->line, path);
}

/* Who other than household `id` holds a document number: 1 with the holder (malloc'd)
 * and its person's line, 0 nobody, -1 with `err`. In bulk loading the pending
 * numbers are looked up in memory, the merged ones here; else both tables here. */
static int document_holder(hh_store *s, const char *type, const char *number, const char *id, char **holder,
                           int *line, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, s->bulk ? STMT_DOCUMENT_FIND_MERGED : STMT_DOCUMENT_FIND, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, type);
    hh_store_bind_text(st, 2, number);
    hh_store_bind_text(st, 3, id);
    int found = hh_store_step_holder(s, st, holder, line, err);
    if (found || !s->bulk)
        return found;
    found = hh_store_bulk_holder(s, type, number, holder, line, err);
    if (found > 0 && strcmp(*holder, id) == 0) { /* the household's own: kept till its numbers are replaced */
        free(*holder);
        found = 0;
    }
    return found;
}

/* 1 and a diagnostic when a document number is held by another household. */
static int documents_taken(hh_store *s, const hh_put_request *rq, hh_diags *d, hh_buf *err)
{
    const hh_household *h = rq->household;
    for (size_t k = 0; k < h->n_persons; k++) {
        const hh_person *p = &h->persons[k];
        if (!p->document_number)
            continue;
        char *holder;
        int line, found = document_holder(s, p->document_type, p->document_number, h->id, &holder, &line, err);
        if (found > 0) {
            char path[64];
            person_path(h, k, "document", path, sizeof path);
            document_held(s, rq, path, holder, line, d);
            free(holder);
        }
        if (found)
            return found;
    }
    return 0;
}

/* ROOM-HELD, a warning kept with the form, when another current household lives
 * at its building, unit and room (named only to the store's owner); -1 on a
 * store failure. */
static int room_held(hh_store *s, const hh_put_request *rq, hh_diags *d, hh_buf *err)
{
    const hh_household *h = rq->household;
    char *holder;
    int held = hh_store_address_holder(s, h->community_code, h->building, h->unit, h->room, h->id, &holder, err);
    if (held > 0 && hh_store_owned_by_caller(s))
        hh_msg_room_held(d, rq->file, rq->line, "address/room", holder);
    else if (held > 0)
        hh_msg_room_held_hidden(d, rq->file, rq->line, "address/room");
    if (held > 0)
        free(holder);
    return held < 0 ? -1 : 0;
}

int hh_store_clear_documents(hh_store *s, const char *id, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_CLEAR, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    if (hh_store_step_done(s, st, err) || !(st = hh_store_stmt(s, STMT_DOCUMENT_PENDING_CLEAR, err)))
        return -1;
    hh_store_bind_text(st, 1, id);
    return hh_store_step_done(s, st, err);
}

/* A bulk load's pending number, unless an earlier person of the same form holds it
 * (what the index's uniqueness refuses without bulk loading). */
static int add_pending_document(hh_store *s, const hh_household *h, const hh_person *p, hh_buf *err)
{
    char *holder;
    int line, found = hh_store_bulk_holder(s, p->document_type, p->document_number, &holder, &line, err);
    if (found > 0) {
        hh_buf_printf(err, hh_tr("household %s: persons %d and %d have the same document number",
                                 "住户 %s：第 %d 人与第 %d 人的证件号码相同"),
                      h->id, line, p->line);
        free(holder);
    }
    return found ? -1 : hh_store_bulk_add(s, p->document_type, p->document_number, h->id, p->line, err);
}

static int index_documents(hh_store *s, const hh_household *h, hh_buf *err)
{
    if (hh_store_clear_documents(s, h->id, err))
        return -1;
    for (size_t k = 0; k < h->n_persons; k++) {
        const hh_person *p = &h->persons[k];
        if (!p->document_number)
            continue;
        if (s->bulk) {
            if (add_pending_document(s, h, p, err))
                return -1;
            continue;
        }
        sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_INSERT, err);
        if (!st)
            return -1;
        hh_store_bind_text(st, 1, p->document_type);
        hh_store_bind_text(st, 2, p->document_number);
        hh_store_bind_text(st, 3, h->id);
        sqlite3_bind_int(st, 4, p->line);
        if (hh_store_step_done(s, st, err))
            return -1;
    }
    return 0;
}

/* Current revision, the number its next one takes (`next`, may be NULL) and deletion
 * time of `id`: 0 found, 1 absent, -1 error. */
static int household_state(hh_store *s, const char *id, int *rev, int *next, char *deleted, size_t n, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_HOUSEHOLD_GET, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    int found = rc == SQLITE_ROW;
    if (found) {
        *rev = sqlite3_column_int(st, 0);
        if (next)
            *next = sqlite3_column_int(st, 3);
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
    hh_store_bind_text(st, 1, id);
    hh_store_bind_text(st, 2, sha);
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
    hh_store_bind_text(st, 1, rq->household->id);
    sqlite3_bind_int(st, 2, cur);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        hh_msg_store_conflict(d, rq->file, rq->line, "household/@id", rq->household->id, cur,
                              (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
                              rq->base_revision);
    else
        hh_buf_printf(err, "%s",
                      rc == SQLITE_DONE ? hh_tr("the current revision is missing", "当前版本缺失")
                                        : hh_store_errmsg(s));
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
    if (same == cur) /* a new household's too: stored before, by this very form (a save that died after it) */
        return HH_PUT_UNCHANGED;
    if (rq->new_household) { /* another household took the id since this one was begun */
        hh_msg_store_id_taken(d, rq->file, rq->line, "household/@id", id);
        return HH_PUT_CONFLICT;
    }
    if (rq->base_revision > 0 && rq->base_revision != cur)
        return conflict(s, rq, cur, d, err) ? HH_PUT_FAILED : HH_PUT_CONFLICT;
    if (same > 0 && rq->base_revision == 0 && !rq->allow_older) {
        hh_msg_store_older(d, rq->file, rq->line, "household/@id", id, same, cur);
        return HH_PUT_OLDER;
    }
    return HH_PUT_REVISED;
}

/* Stores the form as revision `rev`, edited from revision `parent` (0: a new household). */
static int write_revision(hh_store *s, const hh_put_request *rq, int rev, int parent, const hh_diags *store_warnings,
                          hh_buf *err)
{
    bool exists = parent > 0;
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
    hh_store_bind_text(st, 1, h->id);
    sqlite3_bind_int(st, 2, rev);
    if (!exists)
        sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT);
    if (hh_store_step_done(s, st, err) || insert_revision(s, rq, rev, parent, now, &hd, err))
        goto out;
    for (size_t k = 0; k < h->n_persons; k++)
        if (insert_person(s, h->id, rev, &h->persons[k], &pd[k], err))
            goto out;
    for (size_t k = 0; k < h->n_visits; k++)
        if (insert_visit(s, h->id, rev, (int)k + 1, &h->visits[k], err))
            goto out;
    int seq = 0;
    if (insert_warnings(s, h->id, rev, rq->warnings, &seq, err) ||
        insert_warnings(s, h->id, rev, store_warnings, &seq, err) || index_documents(s, h, err) ||
        hh_store_audit(s, rq->actor, exists ? "revise" : "store", h->id, rev, NULL, err))
        goto out;
    rc = 0;
out:
    free(pd);
    return rc;
}

hh_put_result hh_store_put(hh_store *s, const hh_put_request *rq, hh_diags *d, int *revision)
{
    const hh_household *h = rq->household;
    hh_buf err;
    hh_buf_init(&err);
    hh_put_result result = HH_PUT_FAILED;
    int cur = 0, last = 0;
    char deleted[32] = "";
    hh_diags store_warnings; /* found here, kept with the revision like the form's */
    hh_diags_init(&store_warnings);
    errno = 0;
    if (run(s, STMT_SAVEPOINT, &err))
        goto fail;
    int next = 1;
    int state = household_state(s, h->id, &cur, &next, deleted, sizeof deleted, &err);
    if (state < 0)
        goto rollback;
    if (state == 0 && *deleted) {
        hh_msg_store_deleted(d, rq->file, rq->line, "household/@id", h->id, deleted);
        result = HH_PUT_REFUSED;
        goto rollback;
    }
    if (state == 0) {
        result = compare_with_stored(s, rq, cur, d, &err);
        *revision = cur; /* stored after it when REVISED */
        if (result == HH_PUT_UNCHANGED)
            goto release;
        if (result != HH_PUT_REVISED)
            goto rollback;
        result = HH_PUT_FAILED;
    }
    int taken = documents_taken(s, rq, d, &err);
    if (taken) {
        result = taken > 0 ? HH_PUT_REFUSED : HH_PUT_FAILED;
        goto rollback;
    }
    if ((!rq->address_free && room_held(s, rq, &store_warnings, &err)) ||
        write_revision(s, rq, next, cur, &store_warnings, &err))
        goto rollback;
    hh_diags_move(d, &store_warnings);
    *revision = next;
    result = state == 0 ? HH_PUT_REVISED : HH_PUT_STORED;
release:
    if (run(s, STMT_RELEASE, &err) == 0) {
        hh_buf_free(&err);
        hh_diags_free(&store_warnings);
        return result;
    }
    result = HH_PUT_FAILED;
rollback:
    last = errno; /* the failure's, before the rollback's own calls */
    sqlite3_exec(s->db, "ROLLBACK TO form; RELEASE form", NULL, NULL, NULL);
fail:
    if (result == HH_PUT_FAILED)
        hh_store_say_reason(s, last ? last : errno, &err);
    if (result == HH_PUT_FAILED)
        hh_msg_store_fail(d, rq->file, rq->line, "household",
                          err.len ? err.data : hh_tr("unknown SQLite error", "未知的 SQLite 错误"));
    hh_buf_free(&err);
    hh_diags_free(&store_warnings);
    return result;
}

/* Runs cached statement `which` with household `id` and up to two more integers (0: none). */
static int run_for(hh_store *s, enum hh_stmt which, const char *id, int a, int b, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, which, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    if (a)
        sqlite3_bind_int(st, 2, a);
    if (b)
        sqlite3_bind_int(st, 3, b);
    return hh_store_step_done(s, st, err);
}

int hh_store_mark_deleted(hh_store *s, const char *id, int rev, const char *at, const char *reason,
                          const char *actor, const char *detail, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_HOUSEHOLD_DELETE, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    hh_store_bind_text(st, 2, at);
    hh_store_bind_text(st, 3, reason);
    return hh_store_step_done(s, st, err) || hh_store_clear_documents(s, id, err) ||
                   hh_store_audit(s, actor, "delete", id, rev, detail, err)
               ? -1
               : 0;
}

int hh_store_delete(hh_store *s, const char *id, const char *reason, const char *actor, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    int rev = 0;
    char deleted[32] = "";
    int state = household_state(s, id, &rev, NULL, deleted, sizeof deleted, err);
    if (state != 0 || *deleted) {
        if (state == 1)
            hh_buf_printf(err, hh_tr("no household %s in %s", "%2$s 中没有住户 %1$s"), id, s->path);
        else if (state == 0)
            hh_buf_printf(err, hh_tr("household %s was already deleted on %s", "住户 %s 已于 %s 删除"), id, deleted);
        hh_store_rollback(s);
        return -1;
    }
    char now[21];
    hh_timestamp_now(now);
    if (hh_store_mark_deleted(s, id, rev, now, reason, actor, NULL, err) || hh_store_commit(s, err)) {
        hh_store_rollback(s);
        return -1;
    }
    return 0;
}

/* The enumeration date of household `id`'s current revision into `out`; 0, or -1 with `err`. */
static int current_enumeration_date(hh_store *s, const char *id, char out[11], hh_buf *err)
{
    sqlite3_stmt *st = hh_store_prepare(s,
                                        "SELECT r.enumeration_date FROM household h JOIN revision r ON r.household_id"
                                        " = h.id AND r.revision = h.current_revision WHERE h.id = ?1",
                                        hh_tr("read the enumeration date", "读取登记日期"), err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    const unsigned char *date = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    snprintf(out, 11, "%s", date ? (const char *)date : "");
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        hh_buf_printf(err, hh_tr("%s: cannot read the enumeration date of %s", "%1$s：无法读取住户 %2$s 的登记日期"),
                      s->path, id);
    return rc == SQLITE_ROW ? 0 : -1;
}

int hh_store_log_visit(hh_store *s, const char *id, const hh_visit *v, const char *actor, int *seq, hh_buf *err)
{
    hhreg_date on;
    if (!v->date || !hhreg_date_parse(v->date, false, &on) || hhreg_date_days(on) > hhreg_date_days(hh_date_today())) {
        hh_buf_puts(err, hh_tr("the visit's date is not a date of today or before", "走访日期须为今天或之前的日期"));
        return 1;
    }
    bool own = sqlite3_get_autocommit(s->db); /* else inside the caller's transaction */
    if (own && hh_store_begin(s, err))
        return -1;
    int rev = 0, rc = -1;
    char deleted[32] = "";
    char enumerated[11] = "";
    int state = household_state(s, id, &rev, NULL, deleted, sizeof deleted, err);
    if (state == 0 && !*deleted && current_enumeration_date(s, id, enumerated, err))
        state = -1;
    bool before = state == 0 && !*deleted && strcmp(v->date, enumerated) < 0;
    sqlite3_stmt *st = state == 0 && !*deleted && !before ? hh_store_stmt(s, STMT_VISIT_LOG_INSERT, err) : NULL;
    if (state > 0 || *deleted) {
        hh_buf_printf(err,
                      *deleted ? hh_tr("household %s was deleted on %s", "住户 %s 已于 %s 删除")
                               : hh_tr("no household %s in %s", "%2$s 中没有住户 %1$s"),
                      id, *deleted ? deleted : s->path);
        rc = 1;
    } else if (before) {
        hh_buf_printf(err,
                      hh_tr("the visit's date is before the form's enumeration date (%s): a visit of the enumeration "
                            "is recorded in the form (hhreg edit)",
                            "走访日期早于表单的登记日期（%s）：登记时的走访应记录在表单中（用“hhreg edit”）"),
                      enumerated);
        rc = 2;
    } else if (st) {
        char now[21];
        hh_timestamp_now(now);
        hh_store_bind_text(st, 1, id);
        hh_store_bind_text(st, 2, now);
        hh_store_bind_text(st, 3, actor ? actor : "hhreg");
        bind_items(st, 4, HH_ITEM_VISIT, v);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *seq = sqlite3_column_int(st, 0);
            rc = 0;
        } else {
            hh_buf_printf(err, hh_tr("%s: cannot record the visit: %s", "%s：无法记录走访：%s"), s->path,
                          hh_store_errmsg(s));
        }
        sqlite3_reset(st);
        char detail[32];
        snprintf(detail, sizeof detail, "visit log %d", *seq);
        if (rc == 0 && (hh_store_audit(s, actor, "visit", id, rev, detail, err) || (own && hh_store_commit(s, err))))
            rc = -1;
    }
    if (rc && own)
        hh_store_rollback(s);
    return rc;
}

/* The tombstone of `id` (0), 1 with `err` when it is unknown or not deleted, -1 on error;
 * *deleted_at and *reason malloc'd. */
static int tombstone(hh_store *s, const char *id, int *rev, int *next, char **deleted_at, char **reason, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_HOUSEHOLD_GET, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *rev = sqlite3_column_int(st, 0);
        *next = sqlite3_column_int(st, 3);
        *deleted_at = hh_xstrdup((const char *)sqlite3_column_text(st, 1));
        *reason = hh_xstrdup((const char *)sqlite3_column_text(st, 2));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        return -1;
    }
    if (rc == SQLITE_DONE)
        hh_buf_printf(err, hh_tr("no household %s in %s", "%2$s 中没有住户 %1$s"), id, s->path);
    else if (!*deleted_at)
        hh_buf_printf(err,
                      hh_tr("household %s is not deleted (revision %d is current); nothing to undelete",
                            "住户 %s 未被删除（当前为第 %d 版）；无需撤销删除"),
                      id, *rev);
    return rc == SQLITE_ROW && *deleted_at ? 0 : 1;
}

int hh_store_document_held(hh_store *s, const char *id, int rev, int *line, char **holder, int *holder_line,
                           hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_HELD, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, rev);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *line = sqlite3_column_int(st, 0);
        if (holder)
            *holder = hh_xstrdup((const char *)sqlite3_column_text(st, 1));
        if (holder_line)
            *holder_line = sqlite3_column_int(st, 2);
    } else if (rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

void hh_store_say_document_holder(hh_store *s, const char *holder, int holder_line, hh_buf *b)
{
    if (holder && hh_store_owned_by_caller(s))
        hh_buf_printf(b, hh_tr("household %s (person %d)", "住户 %s（第 %d 人）"), holder, holder_line);
    else
        hh_buf_puts(b, hh_tr("another household", "另一住户"));
}

/* 1 with `err` when a document number of revision `rev` is now held by another
 * household (named only to the store file's owner, as for STORE-ID-DUP). */
static int documents_held_since(hh_store *s, const char *id, int rev, hh_buf *err)
{
    int line = 0, holder_line = 0;
    char *holder = NULL;
    int held = hh_store_document_held(s, id, rev, &line, &holder, &holder_line, err);
    if (held > 0) {
        hh_buf_printf(err,
                      hh_tr("household %s cannot be undeleted: the ID document of its person %d is now held by ",
                            "住户 %s 无法撤销删除：其第 %d 人的证件号码现由"),
                      id, line);
        hh_store_say_document_holder(s, holder, holder_line, err);
        hh_buf_puts(err, hh_tr("; correct one of them first", "持有；请先更正其中之一"));
    }
    free(holder);
    return held;
}

int hh_store_copy_revision(hh_store *s, const char *id, int from, int to, int parent, int settles,
                           const char *source, const char *actor, hh_buf *err)
{
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = hh_store_stmt(s, STMT_REVISION_COPY, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    hh_store_bind_text(st, 4, now);
    hh_store_bind_text(st, 5, actor ? actor : "hhreg");
    hh_store_bind_text(st, 6, source);
    sqlite3_bind_int(st, 7, parent);
    if (settles > 0)
        sqlite3_bind_int(st, 8, settles);
    if (hh_store_step_done(s, st, err))
        return -1;
    if (sqlite3_changes(s->db) != 1) {
        hh_buf_printf(err, hh_tr("household %s has no revision %d", "住户 %s 没有第 %d 版"), id, from);
        return -1;
    }
    return run_for(s, STMT_PERSON_COPY, id, from, to, err) || run_for(s, STMT_VISIT_COPY, id, from, to, err) ||
                   run_for(s, STMT_WARNING_COPY, id, from, to, err) || hh_store_clear_documents(s, id, err) ||
                   run_for(s, STMT_DOCUMENT_INDEX_REVISION, id, to, 0, err) ||
                   run_for(s, STMT_HOUSEHOLD_UNDELETE, id, to, 0, err)
               ? -1
               : 0;
}

int hh_store_undelete(hh_store *s, const char *id, const char *reason, const char *actor, int *revision,
                      hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    int rev = 0, next = 0, rc;
    char *deleted_at = NULL, *old_reason = NULL, *source = NULL;
    if ((rc = tombstone(s, id, &rev, &next, &deleted_at, &old_reason, err)) != 0 ||
        (rc = documents_held_since(s, id, rev, err)) != 0)
        goto out;
    /* the reasons stay with the history: the tombstone's own columns are cleared */
    source = hh_xasprintf("undelete: %s (deleted %s: %s)", reason, deleted_at, old_reason ? old_reason : "");
    rc = -1;
    if (hh_store_copy_revision(s, id, rev, next, rev, 0, source, actor, err) ||
        hh_store_audit(s, actor, "undelete", id, next, NULL, err) || hh_store_commit(s, err))
        goto out;
    *revision = next;
    rc = 0;
out:
    if (rc)
        hh_store_rollback(s);
    free(deleted_at);
    free(old_reason);
    free(source);
    return rc;
}
