/* store_exports.c — the export runs kept in the store (see store_exports.h): a row
 * each in `export_run`, changed only by these functions; each change is one
 * transaction with its line in the audit log. */
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "store_exports.h"
#include "store_internal.h"

void hh_export_run_free(hh_export_run *r)
{
    free(r->plugin);
    free(r->area);
    free(r->options);
    free(r->output);
    free(r->requested_by);
    free(r->requested_at);
    free(r->state);
    free(r->finished_at);
    free(r->message);
    free(r->released_by);
    free(r->released_at);
    memset(r, 0, sizeof *r);
}

/* Statements run a few times a call: prepared, not cached; a failure says what failed. */
#define prepare(s, sql, err) hh_store_prepare(s, sql, hh_tr("use the export runs", "使用导出记录"), err)

/* Runs the prepared change `st` (finalized) and its audit line in one transaction;
 * `changes` is how many rows it must change (any number: -1); an insert's row id
 * into *row when `row` is given. */
static int change(hh_store *s, sqlite3_stmt *st, int changes, const char *actor, const char *operation,
                  const char *detail, long *row, hh_buf *err)
{
    int rc = st ? hh_store_begin(s, err) : -1;
    if (rc == 0) {
        rc = hh_store_step_done(s, st, err);
        if (row)
            *row = (long)sqlite3_last_insert_rowid(s->db);
        if (rc == 0 && changes >= 0 && sqlite3_changes(s->db) != changes) {
            hh_buf_printf(err, hh_tr("%s: the export run is not in the state that allows this",
                                     "%s：该导出当前的状态不允许此操作"),
                          s->path);
            rc = -1;
        }
        if (rc == 0)
            rc = hh_store_audit(s, actor, operation, NULL, 0, detail, err);
        if (rc == 0)
            rc = hh_store_commit(s, err);
        if (rc)
            hh_store_rollback(s);
    }
    sqlite3_finalize(st);
    return rc;
}

int hh_export_run_add(hh_store *s, const char *plugin, const char *area, const char *options, const char *output,
                      const char *by, long *id, hh_buf *err)
{
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = prepare(s,
                               "INSERT INTO export_run(plugin, area, options, output, requested_by, requested_at, state)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'running')",
                               err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, plugin);
    hh_store_bind_text(st, 2, area);
    hh_store_bind_text(st, 3, options);
    hh_store_bind_text(st, 4, output);
    hh_store_bind_text(st, 5, by);
    hh_store_bind_text(st, 6, now);
    char *detail = hh_xasprintf("export run of %s started over HTTP%s%s", plugin, area ? " for area " : "",
                                area ? area : "");
    int rc = change(s, st, 1, by, "export-run", detail, id, err);
    free(detail);
    return rc;
}

int hh_export_run_finish(hh_store *s, long id, bool ok, const char *message, hh_buf *err)
{
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = prepare(s,
                               "UPDATE export_run SET state = ?2, finished_at = ?3, message = ?4"
                               " WHERE id = ?1 AND state = 'running'",
                               err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    hh_store_bind_text(st, 2, ok ? "done" : "failed");
    hh_store_bind_text(st, 3, now);
    hh_store_bind_text(st, 4, message);
    char *detail = hh_xasprintf("export run %ld %s", id, ok ? "done" : "failed");
    int rc = change(s, st, 1, "hhreg", "export-run", detail, NULL, err);
    free(detail);
    return rc;
}

long hh_export_runs_abandon(hh_store *s, hh_buf *err)
{
    long running = hh_store_sql_long(s->db, "SELECT count(*) FROM export_run WHERE state = 'running'");
    if (running <= 0)
        return running < 0 ? 0 : running;
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = prepare(s,
                               "UPDATE export_run SET state = 'failed', finished_at = ?1,"
                               " message = 'the server stopped during the run' WHERE state = 'running'",
                               err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, now);
    char *detail = hh_xasprintf("%ld export run(s) cut short by a stop of the server", running);
    int rc = change(s, st, -1, "hhreg", "export-run", detail, NULL, err);
    free(detail);
    return rc ? -1 : running;
}

int hh_export_run_release(hh_store *s, long id, const char *by, hh_buf *err)
{
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = prepare(s,
                               "UPDATE export_run SET released_by = ?2, released_at = ?3"
                               " WHERE id = ?1 AND state = 'done' AND released_at IS NULL",
                               err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    hh_store_bind_text(st, 2, by);
    hh_store_bind_text(st, 3, now);
    char *detail = hh_xasprintf("export run %ld released to the statisticians", id);
    int rc = change(s, st, 1, by, "export-release", detail, NULL, err);
    free(detail);
    return rc;
}

#define RUN_COLUMNS                                                                                               \
    "SELECT id, plugin, area, options, output, requested_by, requested_at, state, finished_at, message,"        \
    " released_by, released_at FROM export_run"

static void read_run(sqlite3_stmt *st, hh_export_run *r)
{
    r->id = (long)sqlite3_column_int64(st, 0);
    char **texts[] = { &r->plugin,       &r->area,  &r->options,     &r->output,  &r->requested_by, &r->requested_at,
                       &r->state,        &r->finished_at, &r->message, &r->released_by, &r->released_at };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        *texts[i] = hh_store_column_dup(st, (int)i + 1);
}

/* Ends a read with `st` (finalized): `result`, or -1 with why when its last step
 * `rc` failed. */
static int read_end(hh_store *s, sqlite3_stmt *st, int rc, int result, hh_buf *err)
{
    if (result >= 0 && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        hh_buf_printf(err, hh_tr("%s: cannot read the export runs: %s", "%s：无法读取导出记录：%s"), s->path,
                      hh_store_errmsg(s));
        result = -1;
    }
    sqlite3_finalize(st);
    return result;
}

int hh_export_run_get(hh_store *s, long id, hh_export_run *out, hh_buf *err)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = prepare(s, RUN_COLUMNS " WHERE id = ?1", err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_run(st, out);
    return read_end(s, st, rc, rc == SQLITE_ROW ? 0 : 1, err);
}

int hh_export_run_each(hh_store *s, bool released_only, int (*fn)(const hh_export_run *r, void *arg), void *arg,
                       hh_buf *err)
{
    sqlite3_stmt *st =
        prepare(s, released_only ? RUN_COLUMNS " WHERE released_at IS NOT NULL ORDER BY id DESC"
                                 : RUN_COLUMNS " ORDER BY id DESC",
                err);
    if (!st)
        return -1;
    int rc, result = 0;
    while (result == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_export_run r;
        read_run(st, &r);
        result = fn(&r, arg);
        hh_export_run_free(&r);
    }
    return read_end(s, st, result ? SQLITE_DONE : rc, result, err);
}

void hh_export_run_json(hh_json *j, const char *key, const hh_export_run *r, bool for_admin)
{
    hh_json_object(j, key);
    hh_json_int(j, "id", r->id);
    hh_json_str(j, "plugin", r->plugin);
    hh_json_str(j, "area", r->area);
    if (for_admin) { /* a seed or a key file's path is the custodian's: a release never says them */
        hh_json_array(j, "options");
        for (const char *o = r->options; o && *o;) {
            size_t n = strcspn(o, "\n");
            char *one = hh_xasprintf("%.*s", (int)n, o);
            hh_json_str(j, NULL, one);
            free(one);
            o += n + (o[n] == '\n');
        }
        hh_json_end(j);
        hh_json_str(j, "requestedBy", r->requested_by);
    }
    hh_json_str(j, "requestedAt", r->requested_at);
    hh_json_str(j, "state", r->state);
    hh_json_str(j, "finishedAt", r->finished_at);
    if (for_admin) {
        hh_json_str(j, "message", r->message);
        hh_json_str(j, "releasedBy", r->released_by);
    }
    hh_json_str(j, "releasedAt", r->released_at);
}
