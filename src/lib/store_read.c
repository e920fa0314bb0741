/* store_read.c — queries for browsing the store: the list of current households, a
 * revision's XML, a household's history and kept warnings, and a walk over every
 * current revision (see store.h). */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

static int prepare(hh_store *s, const char *sql, sqlite3_stmt **st, hh_buf *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, "%s: %s", s->path, sqlite3_errmsg(s->db));
        return -1;
    }
    return 0;
}

static int finish(hh_store *s, sqlite3_stmt *st, int rc, hh_buf *err)
{
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s: %s", s->path, sqlite3_errstr(rc));
        return -1;
    }
    return 0;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

int hh_store_list(hh_store *s, const char *area, bool include_deleted,
                  void (*fn)(const hh_list_row *row, void *arg), void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT h.id, r.estate, r.building, r.unit, r.room, r.community_code, r.enumeration_date,"
                " h.current_revision, r.size, r.elderly60, r.disabled, r.living_alone, r.empty_nest,"
                " r.low_income, h.deleted_at IS NOT NULL"
                " FROM household h JOIN revision r ON r.household_id = h.id AND r.revision = h.current_revision"
                " WHERE (?1 IS NULL OR substr(h.id, 1, length(?1)) = ?1 OR substr(r.community_code, 1, length(?1)) = ?1)"
                " AND (?2 OR h.deleted_at IS NULL) ORDER BY h.id",
                &st, err))
        return -1;
    hh_bind_text(st, 1, area && *area ? area : NULL);
    sqlite3_bind_int(st, 2, include_deleted);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_list_row row = {
            col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), col(st, 5), col(st, 6),
            sqlite3_column_int(st, 7), sqlite3_column_int(st, 8), sqlite3_column_int(st, 9),
            sqlite3_column_int(st, 10), sqlite3_column_int(st, 11), sqlite3_column_int(st, 12),
            sqlite3_column_int(st, 13), sqlite3_column_int(st, 14),
        };
        fn(&row, arg);
    }
    return finish(s, st, rc, err);
}

int hh_store_get_xml(hh_store *s, const char *id, int revision, char **xml, size_t *len,
                     int *revision_out, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT r.xml, r.revision FROM household h JOIN revision r ON r.household_id = h.id"
                " AND r.revision = CASE WHEN ?2 > 0 THEN ?2 ELSE h.current_revision END WHERE h.id = ?1",
                &st, err))
        return -1;
    hh_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, revision);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *len = (size_t)sqlite3_column_bytes(st, 0);
        *xml = hh_xmalloc(*len + 1);
        memcpy(*xml, sqlite3_column_blob(st, 0), *len);
        (*xml)[*len] = '\0';
        *revision_out = sqlite3_column_int(st, 1);
        sqlite3_finalize(st);
        return 0;
    }
    return finish(s, st, rc, err) ? -1 : 1;
}

int hh_store_history(hh_store *s, const char *id, void (*fn)(const hh_revision_info *r, void *arg),
                     void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT r.household_id, r.revision, h.current_revision, r.stored_at, r.stored_by, r.source,"
                " r.form_sha256, h.deleted_at, h.delete_reason,"
                " (SELECT count(*) FROM form_warning w WHERE w.household_id = r.household_id AND w.revision = r.revision)"
                " FROM revision r JOIN household h ON h.id = r.household_id WHERE r.household_id = ?1"
                " ORDER BY r.revision",
                &st, err))
        return -1;
    hh_bind_text(st, 1, id);
    int rc, rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_revision_info r = { col(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2),
                               col(st, 3), col(st, 4), col(st, 5), col(st, 6), col(st, 7), col(st, 8),
                               sqlite3_column_int(st, 9) };
        fn(&r, arg);
        rows++;
    }
    if (finish(s, st, rc, err))
        return -1;
    return rows ? 0 : 1;
}

int hh_store_warnings(hh_store *s, const char *id, int revision,
                      void (*fn)(const char *rule, const char *path, const char *en, const char *zh, void *arg),
                      void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT rule_id, path, message_en, message_zh FROM form_warning"
                " WHERE household_id = ?1 AND revision = ?2 ORDER BY seq",
                &st, err))
        return -1;
    hh_bind_text(st, 1, id);
    sqlite3_bind_int(st, 2, revision);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        fn(col(st, 0), col(st, 1), col(st, 2), col(st, 3), arg);
    return finish(s, st, rc, err);
}

int hh_store_each_current(hh_store *s,
                          int (*fn)(const char *id, int revision, const char *xml, size_t len, void *arg),
                          void *arg, hh_buf *err)
{
    sqlite3_stmt *st;
    if (prepare(s,
                "SELECT h.id, r.revision, r.xml FROM household h JOIN revision r"
                " ON r.household_id = h.id AND r.revision = h.current_revision"
                " WHERE h.deleted_at IS NULL ORDER BY h.id",
                &st, err))
        return -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (fn(col(st, 0), sqlite3_column_int(st, 1), sqlite3_column_blob(st, 2),
               (size_t)sqlite3_column_bytes(st, 2), arg)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    return finish(s, st, rc, err);
}
