/* store_ids.c — household ids as a run meets them: the repeat table of an import
 * (which ids this connection has met, and where) and the next free serial that
 * guided entry proposes (see store.h). */
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

/* The repeat table lives in the connection's TEMP schema: private to this
 * connection, dropped when a run ends (hh_store_seen_forget), gone when the store is
 * closed. Made (inside the caller's transaction, if any)
 * before its first statement is prepared. */
static int seen_table(hh_store *s, hh_buf *err)
{
    if (s->stmts[STMT_SEEN_FIND])
        return 0;
    return hh_store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS import_seen(id TEXT PRIMARY KEY, source TEXT NOT NULL)",
                         err);
}

/* The cached statement `which`; NULL with `err` saying what could not be done. */
static sqlite3_stmt *statement(hh_store *s, enum hh_stmt which, const char *what, hh_buf *err)
{
    hh_buf ignored; /* hh_store_stmt's message names the file only */
    hh_buf_init(&ignored);
    sqlite3_stmt *st = hh_store_stmt(s, which, &ignored);
    hh_buf_free(&ignored);
    if (!st)
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
    return st;
}

/* Steps `st` once and resets it: 1 with a row (its first column's text, malloc'd,
 * in *text when `text` is given), 0 without; -1 with `err` saying what could not
 * be done. */
static int step_once(hh_store *s, sqlite3_stmt *st, const char *what, char **text, hh_buf *err)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && text)
        *text = hh_xstrdup((const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int hh_store_seen(hh_store *s, const char *id, const char *source, char **first, hh_buf *err)
{
    const char *look_up = hh_tr("look up the households this run has met", "查找本次运行已遇到的住户"),
               *record = hh_tr("record a household this run has met", "记录本次运行遇到的住户");
    *first = NULL;
    sqlite3_stmt *st = seen_table(s, err) ? NULL : statement(s, STMT_SEEN_FIND, look_up, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    int rc = step_once(s, st, look_up, first, err);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    st = statement(s, STMT_SEEN_ADD, record, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, id);
    hh_store_bind_text(st, 2, source);
    return step_once(s, st, record, NULL, err) < 0 ? -1 : 0;
}

void hh_store_seen_forget(hh_store *s)
{
    if (!s->stmts[STMT_SEEN_FIND])
        return; /* no run met a household on this connection */
    /* The table goes with its statements: a run whose transaction was rolled back
     * took the table's creation with it, and the next run must make it again. */
    sqlite3_finalize(s->stmts[STMT_SEEN_FIND]);
    sqlite3_finalize(s->stmts[STMT_SEEN_ADD]);
    s->stmts[STMT_SEEN_FIND] = s->stmts[STMT_SEEN_ADD] = NULL;
    hh_buf err; /* nothing to tell: a table that cannot be dropped is made again, IF NOT EXISTS, and emptied */
    hh_buf_init(&err);
    if (hh_store_exec(s, "DROP TABLE IF EXISTS temp.import_seen", &err) != 0)
        hh_store_exec(s, "DELETE FROM temp.import_seen", &err);
    hh_buf_free(&err);
}

int hh_store_next_serial(hh_store *s, const char *prefix, long *serial, hh_buf *err)
{
    const char *what = hh_tr("read the household ids", "读取住户编号");
    sqlite3_stmt *st = statement(s, STMT_NEXT_SERIAL, what, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, prefix);
    sqlite3_bind_int(st, 2, (int)strlen(prefix) + 1);
    char *text = NULL;
    int rc = step_once(s, st, what, &text, err);
    if (rc == 1)
        *serial = atol(text);
    free(text);
    return rc == 1 ? 0 : -1;
}
