/* store_accounts.c — the account rows of the store (store_accounts.h): added,
 * read, given a new password, disabled and listed, each change audited in its own
 * write transaction. Rare operations: statements are prepared when used. */
#include "store_accounts.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "store_internal.h"

const char *hh_account_area(const hh_account *a, size_t i, char area[static 16])
{
    size_t n = hh_grid_code_area_len(a->grids[i]);
    if (n > 15)
        return NULL; /* not a code: nothing to walk */
    memcpy(area, a->grids[i], n);
    area[n] = '\0';
    for (size_t k = 0; k < a->n_grids; k++) {
        size_t m = hh_grid_code_area_len(a->grids[k]);
        bool wider = m < n && hh_grid_holds(a->grids[k], area);
        if (k != i && (wider || (k < i && m == n && strncmp(a->grids[k], area, n) == 0)))
            return NULL;
    }
    return area;
}

bool hh_account_has_buildings(const hh_account *a)
{
    for (size_t i = 0; i < a->n_grids; i++)
        if (hh_building_code(a->grids[i]))
            return true;
    return false;
}

void hh_account_clear(hh_account *a)
{
    free(a->name);
    free(a->password_hash);
    free(a->created_at);
    for (size_t i = 0; i < a->n_grids; i++)
        free(a->grids[i]);
    free(a->grids);
    memset(a, 0, sizeof *a);
}

/* Statements run a few times a call: prepared, not cached; a failure says what failed. */
#define prepare(s, sql, err) hh_store_prepare(s, sql, hh_tr("read the accounts", "读取账户"), err)
/* A statement of every request (a session's lookup, its account): kept, given back with
 * sqlite3_reset (hh_store_cached). */
#define cached(s, sql, err) hh_store_cached(s, sql, hh_tr("read the accounts", "读取账户"), err)

/* Steps the change `st` once and finalizes it: the rows changed, or -1 with `err`. */
static int step_change(hh_store *s, sqlite3_stmt *st, hh_buf *err)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot change the account: %s", "%s：无法修改账户：%s"), s->path,
                      hh_store_errmsg(s));
        return -1;
    }
    return sqlite3_changes(s->db);
}

/* Runs `sql` with `name` bound to ?1 (and `text` to ?2 when given); the number of
 * rows changed, or -1 with `err`. */
static int change(hh_store *s, const char *sql, const char *name, const char *text, hh_buf *err)
{
    sqlite3_stmt *st = prepare(s, sql, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, name);
    if (text)
        hh_store_bind_text(st, 2, text);
    return step_change(s, st, err);
}

static const char *text_of(sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    return t ? (const char *)t : "";
}

/* An account's columns, its grids last, in one string (GRID_SEPARATOR between
 * them: a code holds no control character), then `more` columns; FROM account. The
 * grids come in the order of the subquery's ORDER BY, which SQLite's group_concat
 * keeps in practice but does not promise (its own ORDER BY needs SQLite 3.44);
 * nothing depends on their order but how they are listed. */
#define GRID_SEPARATOR '\x1f'
#define ACCOUNT_SELECT(more)                                                                                     \
    "SELECT account.name, account.role, account.password_hash, account.created_at, account.disabled_at,"      \
    " account.locked_until, (SELECT group_concat(grid, char(31)) FROM (SELECT grid FROM account_grid"          \
    " WHERE account_grid.account = account.name ORDER BY grid))" more " FROM account"
#define ACCOUNT_COLUMNS ACCOUNT_SELECT("")
/* the column after ACCOUNT_SELECT's own */
#define ACCOUNT_MORE 7

/* Fills `a` from a row of ACCOUNT_SELECT. */
static void read_account(sqlite3_stmt *row, hh_account *a)
{
    memset(a, 0, sizeof *a);
    a->name = hh_xstrdup(text_of(row, 0));
    int role = hh_role_parse(text_of(row, 1));
    a->role = role < 0 ? HH_ROLE_ENUMERATOR : (hh_role)role; /* the CHECK constraint allows no other */
    a->password_hash = hh_xstrdup(text_of(row, 2));
    a->created_at = hh_xstrdup(text_of(row, 3));
    a->disabled = sqlite3_column_type(row, 4) != SQLITE_NULL;
    a->locked_until = sqlite3_column_int64(row, 5);
    for (const char *grid = sqlite3_column_type(row, 6) != SQLITE_NULL ? text_of(row, 6) : NULL; grid;) {
        const char *end = strchr(grid, GRID_SEPARATOR);
        a->grids = hh_xrealloc(a->grids, (a->n_grids + 1) * sizeof *a->grids);
        a->grids[a->n_grids++] = end ? hh_xstrndup(grid, (size_t)(end - grid)) : hh_xstrdup(grid);
        grid = end ? end + 1 : NULL;
    }
}

int hh_store_account_get(hh_store *s, const char *name, hh_account *a, hh_buf *err)
{
    memset(a, 0, sizeof *a);
    sqlite3_stmt *st = cached(s, ACCOUNT_COLUMNS " WHERE name = ?1", err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, name);
    int rc = sqlite3_step(st), result = rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
    if (rc == SQLITE_ROW)
        read_account(st, a);
    else if (rc != SQLITE_DONE)
        hh_buf_printf(err, hh_tr("%s: cannot read the accounts: %s", "%s：无法读取账户：%s"), s->path,
                      hh_store_errmsg(s));
    sqlite3_reset(st);
    if (result != 0)
        hh_account_clear(a);
    return result;
}

int hh_store_account_list(hh_store *s, void (*fn)(const hh_account *a, void *arg), void *arg, hh_buf *err)
{
    sqlite3_stmt *st = prepare(s, ACCOUNT_COLUMNS " ORDER BY name", err);
    if (!st)
        return -1;
    int rc, result = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        hh_account a;
        read_account(st, &a);
        fn(&a, arg);
        hh_account_clear(&a);
    }
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot read the accounts: %s", "%s：无法读取账户：%s"), s->path,
                      hh_store_errmsg(s));
        result = -1;
    }
    sqlite3_finalize(st);
    return result;
}

/* Ends a write transaction begun for one account change: committed when `rc` is 0,
 * else rolled back; `rc` (or -1 when the commit fails). */
static int finish(hh_store *s, int rc, hh_buf *err)
{
    if (rc == 0)
        return hh_store_commit(s, err) ? -1 : 0;
    hh_store_rollback(s);
    return rc;
}

int hh_store_account_add(hh_store *s, const char *name, hh_role role, const char *password_hash,
                         const char *const *grids, size_t n_grids, const char *actor, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    char now[21];
    hh_timestamp_now(now);
    sqlite3_stmt *st = prepare(s,
                               "INSERT INTO account(name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)"
                               " ON CONFLICT(name) DO NOTHING",
                               err);
    int rc = st ? 0 : -1;
    if (st) {
        hh_store_bind_text(st, 1, name);
        hh_store_bind_text(st, 2, hh_role_name(role));
        hh_store_bind_text(st, 3, password_hash);
        hh_store_bind_text(st, 4, now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            hh_buf_printf(err, hh_tr("%s: cannot add the account: %s", "%s：无法添加账户：%s"), s->path,
                          hh_store_errmsg(s));
            rc = -1;
        } else if (sqlite3_changes(s->db) == 0)
            rc = 1;
        sqlite3_finalize(st);
    }
    for (size_t i = 0; rc == 0 && i < n_grids; i++)
        rc = change(s, "INSERT OR IGNORE INTO account_grid(account, grid) VALUES (?1, ?2)", name, grids[i], err) < 0
                 ? -1
                 : 0;
    if (rc == 0) {
        hh_buf detail;
        hh_buf_init(&detail);
        hh_buf_printf(&detail, "account %s added, role %s", name, hh_role_name(role));
        for (size_t i = 0; i < n_grids; i++)
            hh_buf_printf(&detail, "%s%s", i ? ", " : ", grids ", grids[i]);
        rc = hh_store_audit(s, actor, "account", NULL, 0, detail.data, err);
        hh_buf_free(&detail);
    }
    return finish(s, rc, err);
}

/* Changes account `name` by `update` (with ?2 `value`), ends its sessions, audits
 * `what`. */
static int update_account(hh_store *s, const char *name, const char *update, const char *value, const char *what,
                          const char *actor, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    int changed = change(s, update, name, value, err);
    int rc = changed < 0 ? -1 : changed == 0 ? 1 : 0;
    if (rc == 0 && change(s, "DELETE FROM session WHERE account = ?1", name, NULL, err) < 0)
        rc = -1;
    if (rc == 0) {
        char *detail = hh_xasprintf("account %s: %s; its sessions ended", name, what);
        rc = hh_store_audit(s, actor, "account", NULL, 0, detail, err);
        free(detail);
    }
    return finish(s, rc, err);
}

int hh_store_account_assign(hh_store *s, const char *name, const char *code, bool assign, const char *actor,
                            hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    hh_account a;
    int rc = hh_store_account_get(s, name, &a, err);
    hh_account_clear(&a);
    if (rc == 0 && change(s,
                          assign ? "INSERT OR IGNORE INTO account_grid(account, grid) VALUES (?1, ?2)"
                                 : "DELETE FROM account_grid WHERE account = ?1 AND grid = ?2",
                          name, code, err) < 0)
        rc = -1;
    if (rc == 0) {
        char *detail = hh_xasprintf("account %s: %s %s", name, assign ? "assigned" : "no longer assigned", code);
        rc = hh_store_audit(s, actor, "account", NULL, 0, detail, err);
        free(detail);
    }
    return finish(s, rc, err);
}

int hh_store_account_set_password(hh_store *s, const char *name, const char *password_hash, const char *actor,
                                  hh_buf *err)
{
    return update_account(s, name,
                          "UPDATE account SET password_hash = ?2, failed_logins = 0, first_failed_at = NULL,"
                          " locked_until = NULL WHERE name = ?1",
                          password_hash, "password changed", actor, err);
}

int hh_store_account_disable(hh_store *s, const char *name, const char *actor, hh_buf *err)
{
    char now[21];
    hh_timestamp_now(now);
    return update_account(s, name, "UPDATE account SET disabled_at = coalesce(disabled_at, ?2) WHERE name = ?1", now,
                          "disabled", actor, err);
}

/* Runs `sql` with the integers `a` (?1) and `b` (?2) and the text `name` (?3), those
 * of them it has; the rows changed, or -1 with `err`. */
static int change_numbers(hh_store *s, const char *sql, long long a, long long b, const char *name, hh_buf *err)
{
    sqlite3_stmt *st = prepare(s, sql, err);
    if (!st)
        return -1;
    int params = sqlite3_bind_parameter_count(st);
    sqlite3_bind_int64(st, 1, a);
    if (params >= 2)
        sqlite3_bind_int64(st, 2, b);
    if (params >= 3)
        hh_store_bind_text(st, 3, name);
    return step_change(s, st, err);
}

int hh_store_login_failed(hh_store *s, const char *name, long long now, const hh_login_policy *policy,
                          const char *from, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    /* a failure outside the window starts a new count */
    int rc = change_numbers(s,
                            "UPDATE account SET failed_logins = CASE WHEN first_failed_at IS NULL OR first_failed_at < ?1"
                            " THEN 1 ELSE failed_logins + 1 END, first_failed_at = CASE WHEN first_failed_at IS NULL OR"
                            " first_failed_at < ?1 THEN ?2 ELSE first_failed_at END WHERE name = ?3",
                            now - policy->window, now, name, err);
    int locked = rc > 0 ? change_numbers(s,
                                         "UPDATE account SET locked_until = ?2, failed_logins = 0, first_failed_at ="
                                         " NULL WHERE failed_logins >= ?1 AND name = ?3",
                                         policy->max_failures, now + policy->lock, name, err)
                        : rc;
    if (locked >= 0) {
        char *detail = hh_xasprintf(locked > 0 ? "login refused from %s; account locked for %d s"
                                               : "login refused from %s",
                                    from, policy->lock);
        rc = hh_store_audit(s, rc > 0 ? name : "unknown account", "login", NULL, 0, detail, err);
        free(detail);
    } else
        rc = -1;
    return finish(s, rc, err);
}

int hh_store_session_start(hh_store *s, const char *name, const char *token_hash, const char *csrf, long long now,
                           const char *from, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    sqlite3_stmt *st = prepare(s, "INSERT INTO session(token_sha256, account, csrf, created_at, last_seen_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?4)", err);
    int rc = st ? 0 : -1;
    if (st) {
        hh_store_bind_text(st, 1, token_hash);
        hh_store_bind_text(st, 2, name);
        hh_store_bind_text(st, 3, csrf);
        sqlite3_bind_int64(st, 4, now);
        if (sqlite3_step(st) != SQLITE_DONE) {
            hh_buf_printf(err, hh_tr("%s: cannot start the session: %s", "%s：无法开始会话：%s"), s->path,
                          hh_store_errmsg(s));
            rc = -1;
        }
        sqlite3_finalize(st);
    }
    if (rc == 0 && change(s, "UPDATE account SET failed_logins = 0, first_failed_at = NULL WHERE name = ?1", name,
                          NULL, err) < 0)
        rc = -1;
    if (rc == 0) {
        char *detail = hh_xasprintf("login from %s", from);
        rc = hh_store_audit(s, name, "login", NULL, 0, detail, err);
        free(detail);
    }
    return finish(s, rc, err);
}

int hh_store_session_find(hh_store *s, const char *token_hash, long long now, int idle, int absolute, hh_account *a,
                          char csrf[HH_TOKEN_HEX], bool *upkeep, hh_buf *err)
{
    memset(a, 0, sizeof *a);
    *upkeep = false;
    /* Every request asks: one statement, the session with its account and grids
     * (one snapshot, no transaction of its own); a write (with its fsync) is due
     * only when the session's last use is a thirtieth of the idle limit old, or it
     * has expired. Measured with 64 clients submitting forms: two write transactions
     * per request became one, and three statements in a read transaction (7.8 % of
     * the server's time) one. */
    sqlite3_stmt *st = cached(s, ACCOUNT_SELECT(", session.csrf, session.last_seen_at, session.created_at")
                                 " JOIN session ON session.account = account.name WHERE session.token_sha256 = ?1",
                              err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, token_hash);
    int step = sqlite3_step(st), rc = 1;
    if (step == SQLITE_ROW) {
        long long last_seen = sqlite3_column_int64(st, ACCOUNT_MORE + 1),
                  created = sqlite3_column_int64(st, ACCOUNT_MORE + 2);
        bool expired = last_seen < now - idle || created < now - absolute;
        *upkeep = expired || now - last_seen >= idle / 30;
        if (!expired && sqlite3_column_type(st, 4) == SQLITE_NULL) { /* not disabled */
            read_account(st, a);
            snprintf(csrf, HH_TOKEN_HEX, "%s", text_of(st, ACCOUNT_MORE));
            rc = 0;
        }
    } else if (step != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot read the sessions: %s", "%s：无法读取会话：%s"), s->path,
                      hh_store_errmsg(s));
        rc = -1;
    }
    sqlite3_reset(st);
    return rc;
}

int hh_store_session_upkeep(hh_store *s, const char *token_hash, long long now, int idle, int absolute, hh_buf *err)
{
    /* sessions past either limit end here, whoever asks */
    if (hh_store_begin(s, err))
        return -1;
    return finish(s,
                  change_numbers(s, "DELETE FROM session WHERE last_seen_at < ?1 OR created_at < ?2", now - idle,
                                 now - absolute, NULL, err) < 0 ||
                          change_numbers(s, "UPDATE session SET last_seen_at = ?1 WHERE token_sha256 = ?3", now, 0,
                                         token_hash, err) < 0
                      ? -1
                      : 0,
                  err);
}

int hh_store_session_end(hh_store *s, const char *token_hash, const char *actor, hh_buf *err)
{
    if (hh_store_begin(s, err))
        return -1;
    int ended = change(s, "DELETE FROM session WHERE token_sha256 = ?1", token_hash, NULL, err);
    int rc = ended < 0 ? -1 : ended == 0 ? 1 : hh_store_audit(s, actor, "logout", NULL, 0, NULL, err);
    return finish(s, rc, err);
}
