/* store_submissions.c — see store_submissions.h: the kept answers to submissions
 * over HTTP (table `submission`, store schema 5; the body's digest, 16) and who
 * holds an address. */
#include "store_submissions.h"

#include <stdlib.h>

#include "store_internal.h"

/* Each statement here runs for every submission: cached (hh_store_cached). */
int hh_store_submission_find(hh_store *s, const char *account, const char *key, const char *body_sha256,
                             int *status, char **answer, hh_buf *err)
{
    const char *what = hh_tr("read the answers kept for submissions", "读取为提交保留的答复");
    /* an answer kept before store schema 16 has no digest: taken as the same request */
    sqlite3_stmt *st = hh_store_cached(s,
                                       "SELECT status, answer, body_sha256 IS NULL OR body_sha256 = ?3 FROM submission"
                                       " WHERE account = ?1 AND client_key = ?2",
                                       what, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, account);
    hh_store_bind_text(st, 2, key);
    hh_store_bind_text(st, 3, body_sha256);
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW ? (sqlite3_column_int(st, 2) ? 1 : 2) : 0;
    if (found == 1) {
        *status = sqlite3_column_int(st, 0);
        *answer = hh_xstrdup((const char *)sqlite3_column_text(st, 1));
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
        found = -1;
    }
    sqlite3_reset(st);
    return found;
}

int hh_store_submission_keep(hh_store *s, const char *account, const char *key, const char *body_sha256,
                             const char *household, int status, const char *answer, hh_buf *err)
{
    const char *what = hh_tr("keep the answer to a submission", "保留对提交的答复");
    sqlite3_stmt *st = hh_store_cached(s,
                               "INSERT INTO submission (account, client_key, household_id, status, answer, at, body_sha256)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?6)",
                               what, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, account);
    hh_store_bind_text(st, 2, key);
    hh_store_bind_text(st, 3, household);
    sqlite3_bind_int(st, 4, status);
    hh_store_bind_text(st, 5, answer);
    hh_store_bind_text(st, 6, body_sha256);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE)
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : -1;
}

int hh_store_address_holder(hh_store *s, const char *community, const char *building, const char *unit,
                            const char *room, const char *except, char **holder, hh_buf *err)
{
    const char *what = hh_tr("look up who lives at an address", "查找住在某地址的住户");
    sqlite3_stmt *st = hh_store_cached(s,
                               "SELECT h.id FROM household h JOIN revision r"
                               " ON r.household_id = h.id AND r.revision = h.current_revision"
                               " WHERE h.deleted_at IS NULL AND r.community_code = ?1 AND r.building = ?2"
                               " AND r.unit = ?3 AND r.room = ?4 AND (?5 IS NULL OR h.id <> ?5)"
                               " ORDER BY h.id LIMIT 1",
                               what, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, community);
    hh_store_bind_text(st, 2, building);
    hh_store_bind_text(st, 3, unit);
    hh_store_bind_text(st, 4, room);
    hh_store_bind_text(st, 5, except);
    *holder = NULL;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *holder = hh_xstrdup((const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE)
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}
