/* store_merge.c — bringing another store into this one (`hhreg merge`), the
 * conflicts that leaves, and their resolution (docs/merge.md). A revision is the same
 * in two stores when it was made in the same store, with the same number there and
 * the same form (made_in, origin, form_sha256), or when it has the same form and the
 * same parent (a file imported on both sides); each store numbers the revisions it
 * holds itself, and a parent is found through that identity. Everything of the
 * source is copied as it is stored there (its forms were validated when stored);
 * nothing here is overwritten: a household's current revision only moves forward
 * to a revision edited from it, and two revisions neither edited from the other are
 * a conflict, both kept. One transaction per source, a SAVEPOINT per household: a
 * household refused leaves nothing of it behind and the others go on. */
#include "store_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dates.h"

/* The source store, attached to the connection under this name while it is merged. */
#define SOURCE "merge_source"

/* The revisions reached from revision ?2 (side 0) and, for M_COMMON, ?3 (side 1) of
 * household ?1 here, through both parents. */
#define LINEAGE(start)                                                                                      \
    "WITH RECURSIVE up(r, side) AS (" start                                                                 \
    " UNION SELECT v.parent, up.side FROM main.revision v JOIN up ON v.household_id = ?1 AND v.revision = up.r" \
    "  WHERE v.parent IS NOT NULL"                                                                          \
    " UNION SELECT v.merged_from, up.side FROM main.revision v JOIN up"                                      \
    "  ON v.household_id = ?1 AND v.revision = up.r WHERE v.merged_from IS NOT NULL) "
/* The rows of `table` kept with revision ?2 of household ?1 there, copied to revision ?3 here. */
#define FROM_SOURCE(table, columns)                                                                 \
    "INSERT INTO main." table "(household_id, revision, " columns ") SELECT household_id, ?3, " columns \
    " FROM " SOURCE "." table " WHERE household_id = ?1 AND revision = ?2"
#define SAME_VISIT(key, kind, ctype, absent, required, xml, codes, member, column, json, group) \
    " AND m." column " IS v." column

enum merge_stmt {
    M_HOUSEHOLDS, M_REVISIONS, M_SAME, M_COPY_REVISION, M_COPY_PERSONS, M_COPY_VISITS, M_COPY_WARNINGS,
    M_ADD_HOUSEHOLD, M_ANCESTOR, M_COMMON, M_KNOWN_CONFLICT, M_ADD_CONFLICT, M_VISIT_LOG, M_REVIEWS,
    M_ADD_REVIEW, M_COPY_REVIEW_ITEMS, M_SET_CURRENT, M_SETTLE, M_COUNT
};

static const char *const merge_sql[M_COUNT] = {
    [M_HOUSEHOLDS] = "SELECT id, current_revision, created_at, deleted_at, delete_reason FROM " SOURCE ".household"
                     " ORDER BY id",
    [M_REVISIONS] = "SELECT revision, made_in, origin, parent, merged_from, form_sha256 FROM " SOURCE ".revision"
                    " WHERE household_id = ?1 ORDER BY revision",
    /* revision ?2/?3 with form ?4, edited from ?5 here: the same one, or the same form
     * stored from the same parent here (a file imported on both sides) */
    [M_SAME] = "SELECT revision FROM main.revision WHERE household_id = ?1 AND form_sha256 = ?4"
               " AND ((made_in = ?2 AND origin = ?3) OR parent IS ?5)"
               " ORDER BY made_in = ?2 AND origin = ?3 DESC, revision LIMIT 1",
    /* revision ?2 there as revision ?3 here, edited from ?4 (and ?5) here */
    [M_COPY_REVISION] =
        "INSERT INTO main.revision(revision, stored_at, stored_by, source, " REVISION_RECORD_COLUMNS
        ", made_in, origin, parent, merged_from) SELECT ?3, stored_at, stored_by, source, " REVISION_RECORD_COLUMNS
        ", made_in, origin, ?4, ?5 FROM " SOURCE ".revision WHERE household_id = ?1 AND revision = ?2",
    [M_COPY_PERSONS] = FROM_SOURCE("person", PERSON_RECORD_COLUMNS),
    [M_COPY_VISITS] = FROM_SOURCE("visit", VISIT_RECORD_COLUMNS),
    [M_COPY_WARNINGS] = FROM_SOURCE("form_warning", WARNING_RECORD_COLUMNS),
    /* its current revision is set once its revisions are in */
    [M_ADD_HOUSEHOLD] = "INSERT INTO main.household(id, current_revision, created_at) VALUES (?1, 0, ?2)",
    /* 1 when revision ?3 is revision ?2 or one it was edited from */
    [M_ANCESTOR] = LINEAGE("SELECT ?2, 0") "SELECT count(*) FROM up WHERE r = ?3",
    /* 1 when revisions ?2 and ?3 were both edited from one revision (or one is the other's) */
    [M_COMMON] = LINEAGE("SELECT * FROM (VALUES (?2, 0), (?3, 1))")
        "SELECT count(*) > 0 FROM (SELECT r FROM up GROUP BY r HAVING count(DISTINCT side) = 2)",
    [M_KNOWN_CONFLICT] = "SELECT count(*) FROM main.conflict WHERE household_id = ?1 AND other = ?2",
    [M_ADD_CONFLICT] = "INSERT INTO main.conflict(household_id, revision, other, kind, source_store, found_at,"
                       " found_by, deleted_at, delete_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    /* the visits logged there and not here, numbered after this store's, in their order */
    [M_VISIT_LOG] =
        "INSERT INTO main.visit_log(household_id, seq, " VISIT_LOG_RECORD_COLUMNS ")"
        " SELECT ?1, (SELECT coalesce(max(seq), 0) FROM main.visit_log WHERE household_id = ?1)"
        " + row_number() OVER (ORDER BY v.recorded_at, v.seq), " VISIT_LOG_RECORD_COLUMNS
        " FROM " SOURCE ".visit_log v WHERE v.household_id = ?1 AND NOT EXISTS (SELECT 1 FROM main.visit_log m"
        "  WHERE m.household_id = ?1 AND m.recorded_at IS v.recorded_at AND m.recorded_by IS v.recorded_by"
        HH_VISIT_ITEMS(SAME_VISIT) ") ORDER BY v.recorded_at, v.seq",
    [M_REVIEWS] = "SELECT seq, revision, decision, at, reviewer, comment FROM " SOURCE ".review"
                  " WHERE household_id = ?1 ORDER BY seq",
    /* a decision not yet here, on revision ?2 here; its number here given back */
    [M_ADD_REVIEW] = "INSERT INTO main.review(household_id, revision, decision, at, reviewer, comment)"
                     " SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM main.review WHERE"
                     " household_id = ?1 AND revision = ?2 AND decision = ?3 AND at = ?4 AND reviewer = ?5)"
                     " RETURNING seq",
    [M_COPY_REVIEW_ITEMS] = "INSERT INTO main.review_item(review, path, comment) SELECT ?2, path, comment"
                            " FROM " SOURCE ".review_item WHERE review = ?1",
    [M_SET_CURRENT] = "UPDATE main.household SET current_revision = ?2 WHERE id = ?1",
    /* the open conflicts revision ?2 settles, at ?3 by ?4: it was edited from both
     * sides through a resolution (a revision merged from one of them: every resolve
     * makes one). Descending from both is not enough: the edit of an edit-and-delete
     * conflict descends from the revision deleted here, and it, or any later edit of
     * it, would have settled its own conflict, the deletion undone unasked. */
    [M_SETTLE] = LINEAGE("SELECT ?2, 0") "UPDATE main.conflict SET resolved_at = ?3, resolved_by = ?4, resolution = ?2"
                                         " WHERE household_id = ?1 AND resolved_at IS NULL"
                                         " AND revision IN (SELECT r FROM up) AND other IN (SELECT r FROM up)"
                                         " AND EXISTS (SELECT 1 FROM main.revision v WHERE v.household_id = ?1"
                                         "  AND v.revision IN (SELECT r FROM up)"
                                         "  AND v.merged_from IN (conflict.revision, conflict.other))",
};

typedef struct merge {
    hh_store *s;
    sqlite3_stmt *st[M_COUNT];
    const char *source_id, *actor;
    char now[21];
    hh_merge_counts *counts;
    void (*note)(const hh_merge_note *n, void *arg);
    void *arg;
} merge;

/* A household of the source as its row says, with its revisions mapped to numbers here. */
typedef struct source_household {
    const char *id, *created_at, *deleted_at, *delete_reason;
    int current;
    int n, *there, *here; /* revision there[k] there is here[k] here */
} source_household;

static sqlite3_stmt *stmt(merge *m, enum merge_stmt which)
{
    sqlite3_reset(m->st[which]);
    sqlite3_clear_bindings(m->st[which]);
    return m->st[which];
}

static void bind_int_or_null(sqlite3_stmt *st, int i, int v)
{
    if (v > 0)
        sqlite3_bind_int(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

/* The first column of the first row of a statement bound by the caller: >= 0, or -1 with `err`. */
static int step_int(merge *m, sqlite3_stmt *st, hh_buf *err)
{
    int rc = sqlite3_step(st), v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(m->s));
        return -1;
    }
    return v;
}

/* The end of a loop over the rows of `st`, whose last step gave `rc`: 0 when it ran
 * to the end, else -1 with `err` (SQLite's message unless the loop said why). */
static int loop_done(merge *m, sqlite3_stmt *st, int rc, hh_buf *err)
{
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return 0;
    if (!err->len)
        hh_buf_printf(err, "%s", hh_store_errmsg(m->s));
    return -1;
}

static int here_of(const source_household *h, int there)
{
    for (int k = 0; k < h->n; k++)
        if (h->there[k] == there)
            return h->here[k];
    return 0;
}

/* Is revision `a` here revision `b` or one it was edited from? 1, 0, -1 with `err`. */
static int descends(merge *m, const char *id, int a, int b, hh_buf *err)
{
    sqlite3_stmt *st = stmt(m, M_ANCESTOR);
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, a);
    sqlite3_bind_int(st, 3, b);
    return step_int(m, st, err);
}

static int copy_rows(merge *m, enum merge_stmt which, const char *id, int there, int here, hh_buf *err)
{
    sqlite3_stmt *st = stmt(m, which);
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, there);
    sqlite3_bind_int(st, 3, here);
    return hh_store_step_done(m->s, st, err);
}

/* Maps each revision of the household there to one here, copying those not here yet
 * after this store's newest (`next`), their parents mapped: 0, or -1 with `err`. */
static int map_revisions(merge *m, source_household *h, int next, hh_buf *err)
{
    sqlite3_stmt *rv = stmt(m, M_REVISIONS);
    hh_store_bind_text(rv, 1, h->id);
    int rc;
    while ((rc = sqlite3_step(rv)) == SQLITE_ROW) {
        int there = sqlite3_column_int(rv, 0);
        h->there = hh_xrealloc(h->there, (size_t)(h->n + 1) * sizeof *h->there);
        h->here = hh_xrealloc(h->here, (size_t)(h->n + 1) * sizeof *h->here);
        sqlite3_stmt *same = stmt(m, M_SAME);
        hh_store_bind_text(same, 1, h->id);
        for (int c = 1; c <= 3; c++)
            sqlite3_bind_value(same, c + 1, sqlite3_column_value(rv, c == 3 ? 5 : c));
        int parent = here_of(h, sqlite3_column_int(rv, 3)), settles = here_of(h, sqlite3_column_int(rv, 4));
        bind_int_or_null(same, 5, parent);
        int here = step_int(m, same, err);
        if (here < 0)
            break;
        if (here == 0) {
            here = next++;
            sqlite3_stmt *cp = stmt(m, M_COPY_REVISION);
            hh_store_bind_text(cp, 1, h->id);
            sqlite3_bind_int(cp, 2, there);
            sqlite3_bind_int(cp, 3, here);
            bind_int_or_null(cp, 4, parent);
            bind_int_or_null(cp, 5, settles);
            if (hh_store_step_done(m->s, cp, err) || copy_rows(m, M_COPY_PERSONS, h->id, there, here, err) ||
                copy_rows(m, M_COPY_VISITS, h->id, there, here, err) ||
                copy_rows(m, M_COPY_WARNINGS, h->id, there, here, err))
                break;
        }
        h->there[h->n] = there;
        h->here[h->n++] = here;
    }
    return loop_done(m, rv, rc, err);
}

/* The source's review decisions not here yet, on their revisions here: 0 or -1. */
static int merge_reviews(merge *m, const source_household *h, hh_buf *err)
{
    sqlite3_stmt *rv = stmt(m, M_REVIEWS);
    hh_store_bind_text(rv, 1, h->id);
    int rc;
    while ((rc = sqlite3_step(rv)) == SQLITE_ROW) {
        sqlite3_stmt *add = stmt(m, M_ADD_REVIEW);
        hh_store_bind_text(add, 1, h->id);
        sqlite3_bind_int(add, 2, here_of(h, sqlite3_column_int(rv, 1)));
        for (int c = 2; c <= 5; c++)
            sqlite3_bind_value(add, c + 1, sqlite3_column_value(rv, c));
        int seq = step_int(m, add, err);
        if (seq < 0)
            break;
        if (seq > 0) {
            sqlite3_stmt *items = stmt(m, M_COPY_REVIEW_ITEMS);
            sqlite3_bind_int64(items, 1, sqlite3_column_int64(rv, 0));
            sqlite3_bind_int(items, 2, seq);
            if (hh_store_step_done(m->s, items, err))
                break;
        }
    }
    return loop_done(m, rv, rc, err);
}

/* Makes revision `rev` the household's current one, its document numbers indexed;
 * 1 with the reason in `why` when another household here holds one of them. A
 * household `deleted` (there) claims none: it holds none, as a deletion here frees
 * them, and it was refused at every merge for a number its deletion had freed. */
static int make_current(merge *m, const char *id, int rev, bool deleted, hh_buf *why, hh_buf *err)
{
    sqlite3_stmt *st = stmt(m, M_SET_CURRENT);
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, rev);
    if (hh_store_step_done(m->s, st, err))
        return -1;
    if (deleted) /* a deleted household holds no document number: nothing to claim, or refuse */
        return hh_store_clear_documents(m->s, id, err);
    int line = 0, holder_line = 0;
    char *holder = NULL;
    int held = hh_store_clear_documents(m->s, id, err) ? -1
               : hh_store_document_held(m->s, id, rev, &line, &holder, &holder_line, err);
    if (held > 0) {
        hh_buf_printf(why, hh_tr("the ID document of its person %d is held here by ", "其第 %d 人的证件号码已由本库"),
                      line);
        hh_store_say_document_holder(m->s, holder, holder_line, why);
        hh_buf_puts(why, hh_tr("; correct one of them, then merge again", "持有；请更正其中之一后再合并"));
    }
    free(holder);
    if (held != 0)
        return held;
    if (!(st = hh_store_stmt(m->s, STMT_DOCUMENT_INDEX_REVISION, err)))
        return -1;
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, rev);
    return hh_store_step_done(m->s, st, err);
}

static int audit(merge *m, const char *id, int rev, const char *what, hh_buf *err)
{
    char *detail = hh_xasprintf("%s from store %s", what, m->source_id);
    int rc = hh_store_audit(m->s, m->actor, "merge", id, rev, detail, err);
    free(detail);
    return rc;
}

/* Records a conflict between revision `here` (current) and `other` unless it is known
 * already: 1 recorded, 0 known, -1 with `err`. */
static int add_conflict(merge *m, const source_household *h, int here, int other, const char *kind, hh_buf *err)
{
    sqlite3_stmt *st = stmt(m, M_KNOWN_CONFLICT);
    hh_store_bind_text(st, 1, h->id);
    sqlite3_bind_int(st, 2, other);
    int known = step_int(m, st, err);
    if (known != 0)
        return known < 0 ? -1 : 0;
    st = stmt(m, M_ADD_CONFLICT);
    hh_store_bind_text(st, 1, h->id);
    sqlite3_bind_int(st, 2, here);
    sqlite3_bind_int(st, 3, other);
    hh_store_bind_text(st, 4, kind);
    hh_store_bind_text(st, 5, m->source_id);
    hh_store_bind_text(st, 6, m->now);
    hh_store_bind_text(st, 7, m->actor);
    if (strcmp(kind, "edit-and-delete") == 0 && h->deleted_at) {
        hh_store_bind_text(st, 8, h->deleted_at);
        hh_store_bind_text(st, 9, h->delete_reason);
    }
    if (hh_store_step_done(m->s, st, err))
        return -1;
    char *what = hh_xasprintf("conflict (%s) with revision %d", kind, other);
    int rc = audit(m, h->id, here, what, err);
    free(what);
    return rc ? -1 : 1;
}

typedef enum { FAILED = -1, ADDED, UPDATED, UNCHANGED, CONFLICT, REFUSED } outcome;

/* Revision `there`, made current here, descends from both sides of the household's
 * open conflicts when the other store resolved them (its resolution has both as
 * parents): they are settled by it here too, with an audit entry, as docs/merge.md
 * says. How many were, or -1 with `err`. */
static int settle_conflicts(merge *m, const char *id, int there, hh_buf *err)
{
    sqlite3_stmt *st = stmt(m, M_SETTLE);
    hh_store_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, there);
    hh_store_bind_text(st, 3, m->now);
    hh_store_bind_text(st, 4, m->actor ? m->actor : "hhreg");
    if (hh_store_step_done(m->s, st, err))
        return -1;
    int settled = sqlite3_changes(m->s->db);
    if (settled == 0)
        return 0;
    char *what = hh_xasprintf("%d conflict(s) settled by revision %d, merged from store %s", settled, there,
                              m->source_id);
    int rc = hh_store_audit(m->s, m->actor, "resolve", id, there, what, err);
    free(what);
    return rc ? -1 : settled;
}

/* Where the household stands once its revisions are in, its current revision here
 * `here` (0: new here; `deleted` here) against the source's, `there` here (deleted
 * there: h->deleted_at). Forward when `there` was edited from `here`, behind the
 * other way round; neither is a conflict. */
static outcome settle(merge *m, const source_household *h, int here, bool deleted, hh_buf *why, hh_buf *err)
{
    int there = here_of(h, h->current), rc;
    bool deleted_there = h->deleted_at != NULL;
    if (here == 0) {
        if ((rc = make_current(m, h->id, there, deleted_there, why, err)) != 0)
            return rc > 0 ? REFUSED : FAILED;
        if (deleted_there &&
            hh_store_mark_deleted(m->s, h->id, there, h->deleted_at, h->delete_reason, m->actor, "merged", err))
            return FAILED;
        return audit(m, h->id, there, "added", err) ? FAILED : ADDED;
    }
    int forward = descends(m, h->id, there, here, err), behind = descends(m, h->id, here, there, err);
    if (forward < 0 || behind < 0)
        return FAILED;
    if (forward && !deleted) {
        if (there != here && (rc = make_current(m, h->id, there, deleted_there, why, err)) != 0)
            return rc > 0 ? REFUSED : FAILED;
        if (deleted_there &&
            hh_store_mark_deleted(m->s, h->id, there, h->deleted_at, h->delete_reason, m->actor, "merged", err))
            return FAILED;
        if (there == here && !deleted_there)
            return UNCHANGED;
        if (there != here && settle_conflicts(m, h->id, there, err) < 0)
            return FAILED;
        return audit(m, h->id, there, "updated", err) ? FAILED : UPDATED;
    }
    if (forward && deleted && !deleted_there && there != here) {
        /* deleted here, and `there` resolved this household's open conflict (an edit
         * against this deletion) on the other side: taken, live again, as a
         * resolution here makes it */
        int settled = settle_conflicts(m, h->id, there, err);
        if (settled < 0)
            return FAILED;
        if (settled > 0) {
            sqlite3_stmt *live = NULL;
            if ((rc = make_current(m, h->id, there, false, why, err)) != 0)
                return rc > 0 ? REFUSED : FAILED;
            if (!(live = hh_store_stmt(m->s, STMT_HOUSEHOLD_UNDELETE, err)))
                return FAILED;
            hh_store_bind_text(live, 1, h->id);
            sqlite3_bind_int(live, 2, there);
            char *how = hh_xasprintf("a resolution merged from store %s", m->source_id);
            rc = hh_store_step_done(m->s, live, err) || hh_store_audit(m->s, m->actor, "undelete", h->id, there, how, err) ||
                 audit(m, h->id, there, "updated", err);
            free(how);
            if (rc)
                return FAILED;
            return UPDATED;
        }
    }
    if (deleted && deleted_there)
        return UNCHANGED; /* gone on both sides */
    if ((there == here && deleted) || (behind && there != here && !(deleted_there && !deleted)))
        return UNCHANGED; /* deleted here since; or older there */
    sqlite3_stmt *st = stmt(m, M_COMMON);
    hh_store_bind_text(st, 1, h->id);
    sqlite3_bind_int(st, 2, here);
    sqlite3_bind_int(st, 3, there);
    int common = step_int(m, st, err);
    if (common < 0)
        return FAILED;
    const char *kind = !common ? "different-household" : deleted != deleted_there ? "edit-and-delete" : "concurrent-edit";
    rc = add_conflict(m, h, here, there, kind, err);
    return rc < 0 ? FAILED : rc > 0 ? CONFLICT : UNCHANGED;
}

static int merge_household(merge *m, source_household *h, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(m->s, STMT_HOUSEHOLD_GET, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, h->id);
    int rc = sqlite3_step(st);
    bool exists = rc == SQLITE_ROW, deleted = exists && sqlite3_column_type(st, 1) != SQLITE_NULL;
    int here = exists ? sqlite3_column_int(st, 0) : 0, next = exists ? sqlite3_column_int(st, 3) : 1;
    sqlite3_reset(st);
    if (!exists && rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(m->s));
        return -1;
    }
    hh_buf why;
    hh_buf_init(&why);
    outcome o = FAILED;
    if (hh_store_part_begin(m->s, err))
        goto out;
    if (!exists) {
        st = stmt(m, M_ADD_HOUSEHOLD);
        hh_store_bind_text(st, 1, h->id);
        hh_store_bind_text(st, 2, h->created_at);
        if (hh_store_step_done(m->s, st, err))
            goto undo;
    }
    if (map_revisions(m, h, next, err) || here_of(h, h->current) == 0) {
        if (!err->len)
            hh_buf_printf(err, hh_tr("household %s: its current revision %d is not in the store",
                                     "住户 %s：其当前版本 %d 不在存储库中"),
                          h->id, h->current);
        goto undo;
    }
    o = settle(m, h, here, deleted, &why, err);
    if (o == FAILED || o == REFUSED)
        goto undo;
    st = stmt(m, M_VISIT_LOG);
    hh_store_bind_text(st, 1, h->id);
    if (hh_store_step_done(m->s, st, err))
        goto undo;
    m->counts->visits += sqlite3_changes(m->s->db); /* the statement's rows, not its triggers' */
    if (merge_reviews(m, h, err) || hh_store_part_end(m->s, true, err))
        goto undo;
    goto counted;
undo:
    if (o == REFUSED ? hh_store_part_end(m->s, false, err) != 0 : (hh_store_part_end(m->s, false, &why), true))
        o = FAILED;
    if (o == FAILED)
        goto out;
counted:
    switch (o) {
    case ADDED: m->counts->added++; break;
    case UPDATED: m->counts->updated++; break;
    case UNCHANGED: m->counts->unchanged++; break;
    case CONFLICT: m->counts->conflicts++; break;
    case REFUSED: m->counts->refused++; break;
    case FAILED: break;
    }
    if ((o == CONFLICT || o == REFUSED) && m->note) {
        hh_merge_note n = { h->id, o == REFUSED, o == REFUSED ? why.data : NULL };
        m->note(&n, m->arg);
    }
out:
    hh_buf_free(&why);
    return o == FAILED ? -1 : 0;
}

/* The source, checked to be a store of this schema other than this one, and its id. */
static char *source_identity(hh_store *s, const char *path, hh_buf *err)
{
    struct stat a, b;
    if (stat(path, &a) != 0 && errno == ENOENT) { /* not open_store's advice, which is about --db */
        hh_buf_printf(err, hh_tr("%s: no such store to merge from", "%s：没有这个要合并的存储库"), path);
        return NULL;
    }
    if (stat(path, &a) == 0 && stat(s->path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino) {
        hh_buf_printf(err, hh_tr("%s: this is the store being merged into", "%s：这正是合并的目标存储库"), path);
        return NULL;
    }
    hh_store *src;
    if (hh_store_open_read_only(path, &src, err))
        return NULL;
    char *id = NULL;
    int version = hh_store_schema_version(src);
    if (version != HH_STORE_SCHEMA_VERSION)
        hh_buf_printf(err,
                      hh_tr("%s: a store of schema version %d, not %d; open it once with this hhreg (e.g. hhreg"
                            " check --db %s) to bring it up to date, then merge it",
                            "%s：存储库模式版本为 %d 而非 %d；请先用本版 hhreg 打开一次（如 hhreg check --db %s）"
                            "使其升级，再合并"),
                      path, version, HH_STORE_SCHEMA_VERSION, path);
    else if (!(id = hh_store_identity(src)))
        hh_buf_printf(err, hh_tr("%s: the store has no identity", "%s：存储库没有标识"), path);
    hh_store_close(src);
    return id;
}

static void finalize_all(merge *m)
{
    for (int k = 0; k < M_COUNT; k++)
        sqlite3_finalize(m->st[k]);
}

int hh_store_merge(hh_store *s, const char *path, const char *actor, hh_merge_counts *counts,
                   void (*note)(const hh_merge_note *n, void *arg), void *arg, hh_buf *err)
{
    memset(counts, 0, sizeof *counts);
    char *source_id = source_identity(s, path, err);
    if (!source_id)
        return -1;
    merge m = { .s = s, .source_id = source_id, .actor = actor ? actor : "hhreg", .counts = counts,
                .note = note, .arg = arg };
    hh_timestamp_now(m.now);
    sqlite3_stmt *attach = hh_store_prepare(s, "ATTACH ?1 AS " SOURCE, "open the store to merge", err);
    if (!attach) {
        free(source_id);
        return -1;
    }
    hh_store_bind_text(attach, 1, path);
    int rc = hh_store_step_done(s, attach, err);
    sqlite3_finalize(attach);
    if (rc) {
        free(source_id);
        return -1;
    }
    for (int k = 0; k < M_COUNT && rc == 0; k++)
        if (!(m.st[k] = hh_store_prepare(s, merge_sql[k], "read the store to merge", err)))
            rc = -1;
    if (rc == 0)
        rc = hh_store_begin(s, err);
    sqlite3_stmt *list = rc == 0 ? stmt(&m, M_HOUSEHOLDS) : NULL;
    int step = SQLITE_DONE;
    while (list && (step = sqlite3_step(list)) == SQLITE_ROW) {
        source_household h = {
            .id = (const char *)sqlite3_column_text(list, 0), .current = sqlite3_column_int(list, 1),
            .created_at = (const char *)sqlite3_column_text(list, 2),
            .deleted_at = (const char *)sqlite3_column_text(list, 3),
            .delete_reason = (const char *)sqlite3_column_text(list, 4),
        };
        rc = merge_household(&m, &h, err);
        free(h.there);
        free(h.here);
        if (rc)
            break;
    }
    if (list)
        sqlite3_reset(list);
    if (rc == 0 && step != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot read the store to merge: %s", "%s：无法读取要合并的存储库：%s"), path,
                      hh_store_errmsg(s));
        rc = -1;
    }
    if (rc == 0) {
        char *detail = hh_xasprintf("store %s (%s): %ld added, %ld updated, %ld unchanged, %ld conflicts,"
                                    " %ld refused, %ld logged visits",
                                    source_id, path, counts->added, counts->updated, counts->unchanged,
                                    counts->conflicts, counts->refused, counts->visits);
        rc = hh_store_audit(s, m.actor, "merge", NULL, 0, detail, err) || hh_store_commit(s, err) ? -1 : 0;
        free(detail);
    }
    if (rc)
        hh_store_rollback(s);
    finalize_all(&m);
    sqlite3_exec(s->db, "DETACH " SOURCE, NULL, NULL, NULL);
    free(source_id);
    return rc;
}

/* --- conflicts and their resolution --------------------------------------------- */

int hh_store_each_conflict(hh_store *s, const char *area, bool resolved_too,
                           void (*fn)(const hh_conflict *c, void *arg), void *arg, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_prepare(
        s,
        "SELECT seq, household_id, revision, other, kind, source_store, found_at, found_by, deleted_at,"
        " delete_reason, resolved_at, resolved_by, resolution FROM conflict"
        " WHERE (?1 IS NULL OR substr(household_id, 1, length(?1)) = ?1) AND (?2 OR resolved_at IS NULL)"
        " ORDER BY household_id, seq",
        "read the conflicts", err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, area);
    sqlite3_bind_int(st, 2, resolved_too);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t[13];
        for (int k = 0; k < 13; k++)
            t[k] = (const char *)sqlite3_column_text(st, k);
        hh_conflict c = { sqlite3_column_int64(st, 0), t[1], sqlite3_column_int(st, 2), sqlite3_column_int(st, 3),
                          t[4], t[5], t[6], t[7], t[8], t[9], t[10], t[11], sqlite3_column_int(st, 12) };
        fn(&c, arg);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot read the conflicts: %s", "%s：无法读取冲突：%s"), s->path,
                      hh_store_errmsg(s));
        return -1;
    }
    return 0;
}

/* The current revision, the next number and the first open conflict's other side
 * of household `id`: 0; HH_RESOLVE_NO_HOUSEHOLD or _NOTHING_OPEN with `err`; -1. */
static int open_conflict(hh_store *s, const char *id, int *current, int *next, int *other, bool *deleted,
                         hh_buf *err)
{
    sqlite3_stmt *st = hh_store_prepare(
        s,
        "SELECT h.current_revision, (SELECT max(revision) + 1 FROM revision WHERE household_id = ?1),"
        " (SELECT other FROM conflict WHERE household_id = ?1 AND resolved_at IS NULL ORDER BY seq LIMIT 1),"
        " h.deleted_at IS NOT NULL FROM household h WHERE h.id = ?1",
        "read the conflicts", err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW && sqlite3_column_type(st, 2) != SQLITE_NULL;
    if (rc == SQLITE_ROW) {
        *current = sqlite3_column_int(st, 0);
        *next = sqlite3_column_int(st, 1);
        *other = sqlite3_column_int(st, 2);
        *deleted = sqlite3_column_int(st, 3);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        return -1;
    }
    if (rc == SQLITE_DONE)
        hh_buf_printf(err, hh_tr("no household %s in %s", "%2$s 中没有住户 %1$s"), id, s->path);
    else if (!found)
        hh_buf_printf(err, hh_tr("household %s has no open conflict", "住户 %s 没有未解决的冲突"), id);
    return rc == SQLITE_DONE ? HH_RESOLVE_NO_HOUSEHOLD : found ? 0 : HH_RESOLVE_NOTHING_OPEN;
}

/* HH_RESOLVE_DOCUMENT_HELD with `err` when another household holds one of the
 * document numbers of revision `rev` of `id`; 0, -1 on error. */
static int documents_held(hh_store *s, const char *id, int rev, hh_buf *err)
{
    int line = 0, holder_line = 0;
    char *holder = NULL;
    int held = hh_store_document_held(s, id, rev, &line, &holder, &holder_line, err);
    if (held > 0) {
        hh_buf_printf(err,
                      hh_tr("revision %d of household %s cannot be kept: the ID document of its person %d is held by ",
                            "无法保留住户 %2$s 的第 %1$d 版：其第 %3$d 人的证件号码由"),
                      rev, id, line);
        hh_store_say_document_holder(s, holder, holder_line, err);
        hh_buf_puts(err, hh_tr("; correct one of them first", "持有；请先更正其中之一"));
    }
    free(holder);
    return held > 0 ? HH_RESOLVE_DOCUMENT_HELD : held;
}

/* Stores merged `form` as revision `next` of `id`, edited from `current` and settling
 * `other` (the household cleared of its deletion first when `deleted`): 0;
 * HH_RESOLVE_FORM_REFUSED (why: in `d`) or _DOCUMENT_HELD (in `err`); -1. A form
 * equal to the current revision makes a copy of it, as keeping that one would. */
static int put_merged(hh_store *s, const char *id, const hh_put_request *form, int current, int next, int other,
                      bool deleted, const char *source, hh_diags *d, hh_buf *err)
{
    hh_put_request rq = *form;
    rq.base_revision = current; /* an edit of the current revision, */
    rq.allow_older = true;      /* which may go back to the other side's values */
    rq.settles = other;
    if (deleted) { /* live again: a put refuses a deleted household */
        sqlite3_stmt *st = hh_store_stmt(s, STMT_HOUSEHOLD_UNDELETE, err);
        if (!st)
            return -1;
        hh_store_bind_text(st, 1, id);
        sqlite3_bind_int(st, 2, current);
        if (hh_store_step_done(s, st, err))
            return -1;
    }
    int made = 0, rc;
    switch (hh_store_put(s, &rq, d, &made)) {
    case HH_PUT_REVISED:
        return 0;
    case HH_PUT_UNCHANGED:
        rc = documents_held(s, id, current, err);
        return rc ? rc : hh_store_copy_revision(s, id, current, next, current, other, source, form->actor, err);
    case HH_PUT_REFUSED:
        return HH_RESOLVE_FORM_REFUSED;
    default:
        hh_buf_printf(err, "%s", hh_tr("the form could not be stored", "无法保存该表单"));
        return -1;
    }
}

/* Settles the open conflicts of `id` with revision `keep` copied, or with merged
 * `form` when it is not NULL (hh_store_resolve, hh_store_resolve_with). */
static int resolve_conflicts(hh_store *s, const char *id, int keep, const hh_put_request *form, hh_diags *d, const char *actor,
                  int *revision, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    int current = 0, next = 0, other = 0;
    bool deleted = false;
    int rc = open_conflict(s, id, &current, &next, &other, &deleted, err);
    if (rc == 0 && form && strcmp(form->household->id, id) != 0) {
        hh_buf_printf(err, hh_tr("the form is of household %s, not of %s", "该表单属于住户 %s，而不是 %s"),
                      form->household->id, id);
        rc = HH_RESOLVE_OTHER_HOUSEHOLD;
    }
    if (rc == 0 && !form && (keep < 1 || keep >= next)) {
        hh_buf_printf(err, hh_tr("household %s has no revision %d", "住户 %s 没有第 %d 版"), id, keep);
        rc = HH_RESOLVE_NO_REVISION;
    }
    if (rc == 0 && !form)
        rc = documents_held(s, id, keep, err);
    char *source = form ? hh_xasprintf("resolve: merged form %s", form->source ? form->source : "-")
                        : hh_xasprintf("resolve: revision %d kept", keep);
    /* a new revision edited from the current one, settling the other side: a merge
     * of either side later finds both among its ancestors */
    if (rc == 0)
        rc = form ? put_merged(s, id, form, current, next, other, deleted, source, d, err)
                  : hh_store_copy_revision(s, id, keep, next, current, other, source, actor, err);
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = NULL;
    if (rc == 0) {
        rc = -1;
        st = hh_store_prepare(s,
                              "UPDATE conflict SET resolved_at = ?2, resolved_by = ?3, resolution = ?4"
                              " WHERE household_id = ?1 AND resolved_at IS NULL",
                              "resolve the conflicts", err);
    }
    if (st) {
        hh_store_bind_text(st, 1, id);
        hh_store_bind_text(st, 2, now);
        hh_store_bind_text(st, 3, actor ? actor : "hhreg");
        sqlite3_bind_int(st, 4, next);
        rc = hh_store_step_done(s, st, err) || hh_store_audit(s, actor, "resolve", id, next, source, err) ||
                     (deleted && hh_store_audit(s, actor, "undelete", id, next, source, err)) ||
                     hh_store_commit(s, err)
                 ? -1
                 : 0;
        sqlite3_finalize(st);
    }
    if (rc)
        hh_store_rollback(s);
    else
        *revision = next;
    free(source);
    return rc;
}

int hh_store_resolve(hh_store *s, const char *id, int keep, const char *actor, int *revision, hh_buf *err)
{
    return resolve_conflicts(s, id, keep, NULL, NULL, actor, revision, err);
}

int hh_store_resolve_with(hh_store *s, const char *id, const hh_put_request *form, hh_diags *d, int *revision,
                          hh_buf *err)
{
    return resolve_conflicts(s, id, 0, form, d, form->actor, revision, err);
}
