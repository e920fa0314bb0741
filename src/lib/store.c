/* store.c — opening, identifying, migrating and configuring the store file, the
 * prepared-statement cache, transactions and appending to the audit log (which
 * opening and migrating do too) (see store.h). */
#include "store_internal.h"

#include "dates.h"
#include "digest.h"
#include "items.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* Where a new revision was made, its number there, and what it replaced: this store,
 * its number here, and the revision it was edited from (the household's current one,
 * NULL for the first; see migrations 10 and 12). */
#define REVISION_LINEAGE "made_in, origin, parent"
#define REVISION_LINEAGE_OF(revision, parent) "(SELECT id FROM store_identity), " revision ", " parent
/* The rows of `table` kept with revision ?2 of household ?1, copied to revision ?3. */
#define COPY_ROWS(table, columns)                                                                 \
    "INSERT INTO " table "(household_id, revision, " columns ") SELECT household_id, ?3, " columns \
    " FROM " table " WHERE household_id = ?1 AND revision = ?2"

/* The number of the next audit row: as AUTOINCREMENT gives it, or past the last row. */
#define AUDIT_NEXT_SEQ                                                                                   \
    "(SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0),"                 \
    " coalesce((SELECT max(seq) FROM audit), 0)) + 1)"

static const char *const statement_sql[STMT_COUNT] = {
    /* and the number its next revision takes: one after its newest (a conflict a merge
     * found keeps its current revision below the one merged in) */
    [STMT_HOUSEHOLD_GET] = "SELECT current_revision, deleted_at, delete_reason,"
                           " (SELECT max(revision) FROM revision WHERE household_id = ?1) + 1 FROM household WHERE id = ?1",
    [STMT_REVISION_WITH_SHA] = "SELECT max(revision) FROM revision WHERE household_id = ?1 AND form_sha256 = ?2",
    [STMT_HOUSEHOLD_INSERT] = "INSERT INTO household(id, current_revision, created_at) VALUES (?1, ?2, ?3)",
    [STMT_HOUSEHOLD_SET_REVISION] = "UPDATE household SET current_revision = ?2 WHERE id = ?1",
    /* the household id is an item (its column household_id); ?16 on: the items */
    [STMT_REVISION_INSERT] =
        "INSERT INTO revision(revision, stored_at, stored_by, source, " REVISION_RECORD_COLUMNS ", " REVISION_LINEAGE
        ", merged_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15" HH_HOUSEHOLD_ITEMS(HH_ITEM_SQL_PARAM)
        ", " REVISION_LINEAGE_OF("?1", ":parent") ", :settles)",
    /* ?6 on: the items */
    [STMT_PERSON_INSERT] =
        "INSERT INTO person(household_id, revision, " PERSON_RECORD_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5"
        HH_PERSON_ITEMS(HH_ITEM_SQL_PARAM) ")",
    /* ?4 on: the items */
    [STMT_VISIT_INSERT] =
        "INSERT INTO visit(household_id, revision, seq" HH_VISIT_ITEMS(HH_ITEM_SQL_COLUMN) ") VALUES (?1, ?2, ?3"
        HH_VISIT_ITEMS(HH_ITEM_SQL_PARAM) ")",
    /* the visit log's next number for the household, given back (RETURNING) */
    [STMT_VISIT_LOG_INSERT] =
        "INSERT INTO visit_log(household_id, seq, recorded_at, recorded_by" HH_VISIT_ITEMS(HH_ITEM_SQL_COLUMN) ")"
        " SELECT ?1, coalesce(max(seq), 0) + 1, ?2, ?3" HH_VISIT_ITEMS(HH_ITEM_SQL_PARAM)
        " FROM visit_log WHERE household_id = ?1 RETURNING seq",
    [STMT_WARNING_INSERT] =
        "INSERT INTO form_warning(household_id, revision, seq, rule_id, path, message_en, message_zh)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [STMT_DOCUMENT_FIND] =
        "SELECT household_id, line FROM document_any WHERE document_type = ?1 AND document_number = ?2"
        " AND household_id <> ?3",
    /* bulk loading (store_bulk.c): the merged numbers here, the pending ones in memory */
    [STMT_DOCUMENT_FIND_MERGED] =
        "SELECT household_id, line FROM document WHERE document_type = ?1 AND document_number = ?2"
        " AND household_id <> ?3",
    [STMT_DOCUMENT_PENDING_CLEAR] = "DELETE FROM document_pending WHERE household_id = ?1",
    [STMT_DOCUMENT_PENDING_INSERT] =
        "INSERT INTO document_pending(document_type, document_number, household_id, line) VALUES (?1, ?2, ?3, ?4)",
    [STMT_DOCUMENT_PENDING_AT] =
        "SELECT household_id, line FROM document_pending WHERE seq = ?1 AND document_type = ?2 AND document_number = ?3",
    [STMT_DOCUMENT_PENDING_LAST] = "SELECT coalesce(max(seq), 0) FROM document_pending",
    [STMT_DOCUMENT_CLEAR] = "DELETE FROM document WHERE household_id = ?1",
    /* prepared once: sqlite3_exec would compile them again for every form */
    [STMT_SAVEPOINT] = "SAVEPOINT form",
    [STMT_RELEASE] = "RELEASE form",
    [STMT_DOCUMENT_INSERT] =
        "INSERT INTO document(document_type, document_number, household_id, line) VALUES (?1, ?2, ?3, ?4)",
    /* the next number AUTOINCREMENT would give (AUDIT_NEXT_SEQ), and the link of the
     * chain (see hh_audit_link), in one statement: atomic without a transaction of the
     * caller's. VALUES, not INSERT ... SELECT: an INSERT that selects from its own table
     * has the rows copied into a temporary table first, half the insert's time. */
    [STMT_AUDIT_INSERT] =
        "INSERT INTO audit(seq, at, actor, operation, household_id, revision, detail, chain)"
        " VALUES (" AUDIT_NEXT_SEQ ", ?1, ?2, ?3, ?4, ?5, ?6, hh_audit_link((SELECT chain FROM audit ORDER BY seq DESC"
        " LIMIT 1), " AUDIT_NEXT_SEQ ", ?1, ?2, ?3, ?4, ?5, ?6))",
    /* undelete, resolve: revision ?2 of household ?1 copied as revision ?3 (stored at ?4
     * by ?5 from ?6), edited from revision ?7, settling revision ?8 (or NULL) */
    [STMT_REVISION_COPY] =
        "INSERT INTO revision(revision, stored_at, stored_by, source, " REVISION_RECORD_COLUMNS ", " REVISION_LINEAGE
        ", merged_from) SELECT ?3, ?4, ?5, ?6, " REVISION_RECORD_COLUMNS ", " REVISION_LINEAGE_OF("?3", "?7") ", ?8"
        " FROM revision WHERE household_id = ?1 AND revision = ?2",
    [STMT_PERSON_COPY] = COPY_ROWS("person", PERSON_RECORD_COLUMNS),
    [STMT_VISIT_COPY] = COPY_ROWS("visit", VISIT_RECORD_COLUMNS),
    [STMT_WARNING_COPY] = COPY_ROWS("form_warning", WARNING_RECORD_COLUMNS),
    /* the first document number of revision ?2 of household ?1 that another household holds */
    [STMT_DOCUMENT_HELD] =
        "SELECT p.line, d.household_id, d.line FROM person p JOIN document_any d USING (document_type, document_number)"
        " WHERE p.household_id = ?1 AND p.revision = ?2 AND d.household_id <> ?1 ORDER BY p.line LIMIT 1",
    [STMT_DOCUMENT_INDEX_REVISION] =
        "INSERT INTO document(document_type, document_number, household_id, line)"
        " SELECT document_type, document_number, household_id, line FROM person"
        " WHERE household_id = ?1 AND revision = ?2 AND document_number IS NOT NULL",
    [STMT_HOUSEHOLD_DELETE] = "UPDATE household SET deleted_at = ?2, delete_reason = ?3 WHERE id = ?1",
    [STMT_HOUSEHOLD_UNDELETE] =
        "UPDATE household SET current_revision = ?2, deleted_at = NULL, delete_reason = NULL WHERE id = ?1",
    /* the repeat table of a run: in the connection's TEMP schema, made by store_ids.c */
    [STMT_SEEN_FIND] = "SELECT source FROM temp.import_seen WHERE id = ?1",
    [STMT_SEEN_ADD] = "INSERT INTO temp.import_seen(id, source) VALUES (?1, ?2)",
    /* ?1 the prefix, ?2 where the serial after it starts */
    [STMT_NEXT_SERIAL] = "SELECT coalesce(max(CAST(substr(id, ?2) AS INTEGER)), 0) + 1 FROM household"
                         " WHERE substr(id, 1, ?2 - 1) = ?1",
    /* the decision that holds for revision ?2 of household ?1 (store_review.h): the
     * latest on it or on the revisions before it from which each next one only
     * recorded visits — the same content digest, every earlier visit kept as it was,
     * more visits, and the enumeration date unchanged or moved to the newest visit's.
     * The run starts at the last revision (up to ?2) that is not such a step. */
    [STMT_REVIEW_HOLDING] =
        "SELECT seq, revision, decision, at, reviewer, comment FROM review"
        " WHERE household_id = ?1 AND revision <= ?2 AND revision >= ("
        "  SELECT coalesce(max(k.revision), 1) FROM revision k"
        "  JOIN revision p ON p.household_id = k.household_id AND p.revision = k.revision - 1"
        "  WHERE k.household_id = ?1 AND k.revision <= ?2 AND NOT coalesce(("  /* NULL digests: a step */
        "   k.content_sha256 = p.content_sha256"
        "   AND (SELECT count(*) FROM visit WHERE household_id = ?1 AND revision = k.revision)"
        "     > (SELECT count(*) FROM visit WHERE household_id = ?1 AND revision = p.revision)"
        "   AND (k.enumeration_date = p.enumeration_date OR k.enumeration_date ="
        "     (SELECT max(date) FROM visit WHERE household_id = ?1 AND revision = k.revision))"
        "   AND NOT EXISTS (SELECT 1 FROM visit pv WHERE pv.household_id = ?1 AND pv.revision = p.revision"
        "    AND NOT EXISTS (SELECT 1 FROM visit kv WHERE kv.household_id = ?1 AND kv.revision = k.revision"
        "     AND kv.seq = pv.seq AND kv.date IS pv.date AND kv.enumerator IS pv.enumerator"
        "     AND kv.purpose IS pv.purpose AND kv.outcome IS pv.outcome AND kv.note IS pv.note))), 0))"
        " ORDER BY seq DESC LIMIT 1",
};

const char *hh_store_default_path(void)
{
    const char *env = getenv("HHREG_DB");
    return env && *env ? env : "hhreg.db";
}

const char *hh_store_sqlite_version(void)
{
    return sqlite3_libversion();
}

const char *hh_store_path(const hh_store *s)
{
    return s->path;
}

bool hh_store_read_only_here(const hh_store *s)
{
    return s->read_only_here;
}

bool hh_store_owned_by_caller(const hh_store *s)
{
    struct stat st;
    return stat(s->path, &st) == 0 && st.st_uid == geteuid();
}

const char *hh_store_read_only_message(void)
{
    return hh_tr("the store is read-only here (its file or directory cannot be written): it can be read "
                 "(list, show, history, due, find, check, backup) but not changed, nor exported from (an export is "
                 "recorded in it)",
                 "此处的存储库是只读的（其文件或目录不可写）：可以读取（list、show、history、due、find、check、backup），"
                 "但不能修改，也不能从中导出（导出会记录在存储库中）");
}

const char *hh_store_errmsg(hh_store *s)
{
    int code = sqlite3_errcode(s->db) & 0xff; /* extended codes are on */
    if (code == SQLITE_READONLY && s->read_only)
        return hh_store_read_only_message();
    if (code != SQLITE_BUSY && code != SQLITE_LOCKED)
        return sqlite3_errmsg(s->db);
    snprintf(s->busy_message, sizeof s->busy_message,
             hh_tr("the store stayed busy for more than %d s: another program (another hhreg import, edit or "
                   "delete) is writing to it; try again when it has finished (HHREG_BUSY_TIMEOUT_MS sets how long to "
                   "wait)",
                   "存储库持续繁忙超过 %d 秒：另一程序（另一个 hhreg import、edit 或 delete）正在写入；"
                   "请待其结束后重试（等待时长由 HHREG_BUSY_TIMEOUT_MS 设定）"),
             (s->busy_timeout_ms + 999) / 1000);
    return s->busy_message;
}

void hh_store_say_reason(hh_store *s, int last, hh_buf *err)
{
    int sys = sqlite3_system_errno(s->db);
    if (!sys && (last == ENOSPC || last == EFBIG || last == EDQUOT || last == EIO))
        sys = last;
    if (sys)
        hh_buf_printf(err, " (%s)", hh_system_reason(sys));
}

/* Says why a statement failed, with the operating system's reason; -1. */
static int say_failure(hh_store *s, int last, hh_buf *err)
{
    hh_buf_printf(err, "%s: %s", s->path, hh_store_errmsg(s));
    hh_store_say_reason(s, last, err);
    return -1;
}

int hh_store_cache_kb(hh_store *s, int kb, hh_buf *err)
{
    const char *cache = getenv("HHREG_CACHE_KB");
    char *sql = hh_xasprintf("PRAGMA cache_size = -%d;", cache && atoi(cache) > 0 ? atoi(cache) : kb);
    int rc = hh_store_exec(s, sql, err);
    free(sql);
    return rc;
}

int hh_store_exec(hh_store *s, const char *sql, hh_buf *err)
{
    char *msg = NULL;
    errno = 0;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        sqlite3_free(msg);
        return say_failure(s, errno, err);
    }
    return 0;
}

/* Runs the cached statement `sql` (one, without rows) as hh_store_exec would. */
static int exec_cached(hh_store *s, const char *sql, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_cached(s, sql, hh_tr("run a statement", "执行语句"), err);
    if (!st)
        return -1;
    errno = 0;
    int rc = sqlite3_step(st), last = errno;
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : say_failure(s, last, err);
}

long hh_store_sql_long(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int pragma_int(hh_store *s, const char *pragma, int *value, hh_buf *err)
{
    sqlite3_stmt *st;
    char *sql = hh_xasprintf("PRAGMA %s", pragma);
    int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);
    free(sql);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        *value = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_OK) {
        hh_buf_printf(err, hh_tr("%s: cannot read the store: %s", "%s：无法读取存储库：%s"), s->path,
                      hh_store_errmsg(s));
        return -1;
    }
    return 0;
}

static int table_count(hh_store *s, int *n, hh_buf *err)
{
    return pragma_int(s, "schema_version", n, err);
}

sqlite3_stmt *hh_store_stmt(hh_store *s, enum hh_stmt which, hh_buf *err)
{
    sqlite3_stmt *st = s->stmts[which];
    if (!st) {
        if (sqlite3_prepare_v3(s->db, statement_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
            hh_buf_printf(err, "%s: %s", s->path, hh_store_errmsg(s));
            return NULL;
        }
        s->stmts[which] = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return st;
}

sqlite3_stmt *hh_store_prepare(hh_store *s, const char *sql, const char *what, hh_buf *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
        sqlite3_finalize(st);
        return NULL;
    }
    return st;
}

sqlite3_stmt *hh_store_cached(hh_store *s, const char *sql, const char *what, hh_buf *err)
{
    struct hh_store_cached *c = NULL;
    for (int i = 0; i < s->n_cached && !c; i++)
        if (s->cached[i].key == sql)
            c = &s->cached[i];
    for (int i = 0; i < s->n_cached && !c; i++)
        if (strcmp(s->cached[i].sql, sql) == 0)
            c = &s->cached[i];
    if (c) {
        sqlite3_reset(c->st);
        sqlite3_clear_bindings(c->st);
        return c->st;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        hh_buf_printf(err, hh_tr("%s: cannot %s: %s", "%s：无法%s：%s"), s->path, what, hh_store_errmsg(s));
        sqlite3_finalize(st);
        return NULL;
    }
    if (s->n_cached == HH_STORE_CACHED_MAX) { /* the oldest goes */
        sqlite3_finalize(s->cached[0].st);
        free(s->cached[0].sql);
        memmove(&s->cached[0], &s->cached[1], (HH_STORE_CACHED_MAX - 1) * sizeof s->cached[0]);
        s->n_cached--;
    }
    s->cached[s->n_cached++] = (struct hh_store_cached){ sql, hh_xstrdup(sql), st };
    return st;
}

char *hh_store_column_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? hh_xstrdup((const char *)t) : NULL;
}

int hh_store_step_done(hh_store *s, sqlite3_stmt *st, hh_buf *err)
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

int hh_store_step_holder(hh_store *s, sqlite3_stmt *st, char **holder, int *line, hh_buf *err)
{
    int rc = sqlite3_step(st), found = rc == SQLITE_ROW;
    if (found) {
        *holder = hh_store_column_dup(st, 0);
        *line = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (!found && rc != SQLITE_DONE) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        return -1;
    }
    return found;
}

void hh_store_bind_text(sqlite3_stmt *st, int index, const char *value)
{
    if (value)
        sqlite3_bind_text(st, index, value, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, index);
}

/* hh_audit_link(previous, seq, at, actor, operation, household_id, revision, detail):
 * the audit row's link in the chain, SHA-256 (hex) over the previous row's link and
 * this row's fields. Each field is fed as a type tag, its length and its bytes, so
 * NULL, '' and 0 differ and no two rows give the same stream. One definition,
 * used by the insert, migration 3 and `check`. */
static void audit_link(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    hh_buf stream;
    hh_buf_init(&stream);
    for (int i = 0; i < argc; i++) {
        int type = sqlite3_value_type(argv[i]);
        const unsigned char *text = type == SQLITE_NULL ? NULL : sqlite3_value_text(argv[i]);
        int len = text ? sqlite3_value_bytes(argv[i]) : 0;
        hh_buf_printf(&stream, "%c%d:", type == SQLITE_NULL ? 'N' : type == SQLITE_INTEGER ? 'I' : 'T', len);
        hh_buf_append(&stream, text ? (const char *)text : "", (size_t)len);
    }
    char hex[65];
    int rc = hh_sha256_hex(stream.data, stream.len, hex);
    hh_buf_free(&stream);
    if (rc != 0) {
        sqlite3_result_error(ctx, hh_tr("cannot compute SHA-256", "无法计算 SHA-256"), -1);
        return;
    }
    sqlite3_result_text(ctx, hex, 64, SQLITE_TRANSIENT);
}

int hh_store_audit(hh_store *s, const char *actor, const char *operation, const char *household,
             int revision, const char *detail, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_AUDIT_INSERT, err);
    if (!st)
        return -1;
    char now[21];
    hh_timestamp_now(now);
    sqlite3_bind_text(st, 1, now, -1, SQLITE_TRANSIENT);
    hh_store_bind_text(st, 2, actor ? actor : "hhreg");
    hh_store_bind_text(st, 3, operation);
    hh_store_bind_text(st, 4, household);
    if (revision > 0)
        sqlite3_bind_int(st, 5, revision);
    hh_store_bind_text(st, 6, detail);
    return hh_store_step_done(s, st, err);
}

static int migrate(hh_store *s, int from, hh_buf *err)
{
    if (hh_store_exec(s, "BEGIN IMMEDIATE", err))
        return -1;
    for (int v = from; v < hh_store_migration_count; v++) {
        if (hh_store_exec(s, hh_store_migrations[v], err) || hh_store_migration_finish(s, v + 1, err))
            goto fail;
    }
    char *sql = hh_xasprintf("PRAGMA application_id = %d; PRAGMA user_version = %d;",
                             HH_STORE_APPLICATION_ID, hh_store_migration_count);
    int rc = hh_store_exec(s, sql, err);
    free(sql);
    if (rc)
        goto fail;
    char detail[64];
    snprintf(detail, sizeof detail, "schema version %d to %d", from, hh_store_migration_count);
    if (hh_store_audit(s, NULL, from == 0 ? "init" : "migrate", NULL, 0, detail, err))
        goto fail;
    return hh_store_exec(s, "COMMIT", err);
fail:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return -1;
}

/* Decides what the file is: ours (maybe older), empty, or something else. */
static int identify(hh_store *s, bool create, hh_buf *err)
{
    int app_id, version, schema_cookie;
    if (pragma_int(s, "application_id", &app_id, err) || pragma_int(s, "user_version", &version, err) ||
        table_count(s, &schema_cookie, err))
        return -1;
    if (app_id == 0 && schema_cookie == 0) {
        if (!create) {
            hh_buf_printf(err,
                          hh_tr("%s: this file is empty, not an hhreg store; create one with 'hhreg init'",
                                "%s：此文件是空的，不是 hhreg 存储库；请用“hhreg init”创建"),
                          s->path);
            return -1;
        }
        return migrate(s, 0, err);
    }
    if (app_id != HH_STORE_APPLICATION_ID) {
        hh_buf_printf(err,
                      hh_tr("%s: not an hhreg store (application_id 0x%08x); refusing to touch it",
                            "%s：不是 hhreg 存储库（application_id 0x%08x）；拒绝改动它"),
                      s->path, (unsigned)app_id);
        return -1;
    }
    if (version < hh_store_migration_count && s->read_only) {
        if (s->as_is)
            return 0; /* a backup copies an older store as it is */
        hh_buf_printf(err,
                      hh_tr("%s: this store (schema version %d) must be upgraded to version %d before it can be "
                            "used, and it is read-only here; run hhreg where it can be written once",
                            "%s：此存储库（模式版本 %d）须先升级到版本 %d 才能使用，而它在此处是只读的；"
                            "请在能写入它的地方运行一次 hhreg"),
                      s->path, version, hh_store_migration_count);
        return -1;
    }
    if (version < 0) { /* a damaged header: no migration starts below 0 */
        hh_buf_printf(err,
                      hh_tr("%s: the store's schema version (%d) is damaged; refusing to touch it",
                            "%s：存储库的模式版本（%d）已损坏；拒绝改动它"),
                      s->path, version);
        return -1;
    }
    if (version > hh_store_migration_count) {
        hh_buf_printf(err,
                      hh_tr("%s: made by a newer hhreg (store schema version %d; this hhreg knows up to %d); "
                            "upgrade hhreg to use it",
                            "%s：由较新的 hhreg 创建（存储库模式版本 %d；本 hhreg 最高只支持到 %d）；"
                            "请升级 hhreg 后再使用"),
                      s->path, version, hh_store_migration_count);
        return -1;
    }
    return version < hh_store_migration_count ? migrate(s, version, err) : 0;
}

/* Process-wide, and only possible before SQLite's first use (otherwise a no-op):
 * - Each form is stored inside a SAVEPOINT, whose statement journal SQLite writes to
 *   a temporary file once it passes 64 KiB: about 34 pwrite calls a form, a sixth of
 *   an import's time. A form's journal is some 120 KiB; up to 4 MiB stay in memory.
 * - SQLite counts the memory it uses (for sqlite3_memory_used, which hhreg never
 *   asks) under one mutex of the process, taken at every allocation of every
 *   connection. Under bench-load the server's writer slept on it hundreds of times
 *   a second while the request threads read sessions on their own connection. */
static void configure_sqlite(void)
{
    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, 4 << 20);
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* True when the store cannot be written here: the file, or its directory (where
 * SQLite keeps the -wal and -shm files), is read-only (a read-only mount, a file
 * mode that forbids it). */
static bool read_only_here(const char *path, bool *read_only_mount)
{
    char *copy = hh_xstrdup(path);
    struct statvfs fs;
    *read_only_mount = statvfs(dirname(copy), &fs) == 0 && (fs.f_flag & ST_RDONLY);
    bool dir_read_only = *read_only_mount || access(dirname(strcpy(copy, path)), W_OK) != 0;
    free(copy);
    return dir_read_only || access(path, W_OK) != 0;
}

/* Opens the file: read-write; or read-only when asked (`read_only`, an export's
 * plugin process) or when it cannot be written here, and then, on a read-only mount
 * where no -wal is left, as immutable (nobody can change it there; a directory that
 * only this user may not write could still be written by its owner meanwhile, so it
 * is read with SQLite's locks). */
static int open_file(hh_store *s, bool create, bool exists, bool read_only, bool one_thread, hh_buf *err)
{
    bool read_only_mount = false;
    s->read_only_here = exists && read_only_here(s->path, &read_only_mount);
    s->read_only = read_only || s->read_only_here;
    char *wal = hh_xasprintf("%s-wal", s->path);
    bool immutable = s->read_only && read_only_mount && access(wal, F_OK) != 0;
    free(wal);
    char *uri = NULL;
    if (s->read_only) {
        /* characters that mean something in a URI are escaped */
        sqlite3_str *e = sqlite3_str_new(NULL);
        sqlite3_str_appendall(e, "file:");
        for (const char *c = s->path; *c; c++) {
            if (*c == '%' || *c == '?' || *c == '#')
                sqlite3_str_appendf(e, "%%%02X", (unsigned char)*c);
            else
                sqlite3_str_appendchar(e, 1, *c);
        }
        sqlite3_str_appendf(e, "?mode=ro%s", immutable ? "&immutable=1" : "");
        uri = sqlite3_str_finish(e);
    }
    int flags = s->read_only ? SQLITE_OPEN_READONLY | SQLITE_OPEN_URI
                             : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(uri ? uri : s->path, &s->db,
                             flags | SQLITE_OPEN_NOFOLLOW | (one_thread ? SQLITE_OPEN_NOMUTEX : 0), NULL);
    sqlite3_free(uri);
    if (rc != SQLITE_OK) {
        char *dir = hh_xstrdup(s->path);
        struct stat st;
        if (rc == SQLITE_CANTOPEN && create && stat(dirname(dir), &st) != 0) /* SQLite says only "unable to open" */
            hh_buf_printf(err, hh_tr("%s: cannot create the store: the directory %s does not exist",
                                     "%s：无法创建存储库：目录 %s 不存在"),
                          s->path, dir);
        else
            hh_buf_printf(err, hh_tr("%s: cannot open the store: %s", "%s：无法打开存储库：%s"), s->path,
                          s->db ? sqlite3_errmsg(s->db) : hh_tr("out of memory", "内存不足"));
        free(dir);
        return -1;
    }
    return 0;
}

/* SQLite gives the -wal and -shm files the mode of the store itself (even past the
 * umask): whatever mode the store was found with (`check` reports a wide one), they
 * are made private as soon as they exist. They stay while the store is open. By name,
 * never through a descriptor of our own: closing one would drop SQLite's locks on the
 * file (POSIX locks are per process); a link is not followed. */
static void keep_side_files_private(const char *path)
{
    const char *suffix[] = { "-wal", "-shm" };
    for (int i = 0; i < 2; i++) {
        char *side = hh_xasprintf("%s%s", path, suffix[i]);
        struct stat st;
        if (lstat(side, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 077))
            fchmodat(AT_FDCWD, side, st.st_mode & 0600, AT_SYMLINK_NOFOLLOW);
        free(side);
    }
}

/* Opens the store read-write (creating it with `create`) or, `read_only`, with
 * SQLITE_OPEN_READONLY and query_only, temporary tables in memory; `one_thread`:
 * for one thread at a time (SQLITE_OPEN_NOMUTEX). */
static int open_store(const char *path, bool create, bool read_only, bool as_is, bool one_thread, hh_store **out,
                      hh_buf *err)
{
    *out = NULL;
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (!exists) {
        if (!create) {
            hh_buf_printf(err,
                          hh_tr("%s: no store here; create one with 'hhreg init' (or name it with --db)",
                                "%s：此处没有存储库；请用“hhreg init”创建（或用 --db 指定）"),
                          path);
            return -1;
        }
    } else if (!S_ISREG(st.st_mode)) {
        hh_buf_printf(err, hh_tr("%s: not a regular file", "%s：不是普通文件"), path);
        return -1;
    }
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, configure_sqlite);
    hh_store *s = hh_xcalloc(1, sizeof *s);
    s->path = hh_xstrdup(path);
    s->as_is = as_is;
    int rc = open_file(s, create, exists, read_only, one_thread, err);
    if (rc == 0) {
        sqlite3_extended_result_codes(s->db, 1);
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
        sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
        sqlite3_create_function(s->db, "hh_audit_link", 8, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, audit_link,
                                NULL, NULL);
        /* another hhreg writing: wait for it, up to HHREG_BUSY_TIMEOUT_MS (30 s) */
        const char *timeout = getenv("HHREG_BUSY_TIMEOUT_MS");
        s->busy_timeout_ms = timeout && atoi(timeout) > 0 ? atoi(timeout) : 30000;
        sqlite3_busy_timeout(s->db, s->busy_timeout_ms);
        rc = hh_store_cache_kb(s, HH_STORE_CACHE_KB, err);
        /* what the file is is decided before anything is written to it: a foreign
         * file is refused as it was found, in its own journal mode */
        if (rc == 0)
            rc = hh_store_exec(s,
                               "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA trusted_schema = OFF;"
                               " PRAGMA synchronous = FULL;",
                               err) ||
                 identify(s, create, err) ||
                 hh_store_exec(s, s->read_only ? "PRAGMA query_only = ON; PRAGMA temp_store = MEMORY;"
                                               : "PRAGMA journal_mode = WAL;", err);
        if (rc == 0 && !s->read_only)
            keep_side_files_private(path);
    }
    if (rc) {
        hh_store_close(s);
        return -1;
    }
    *out = s;
    return 0;
}

int hh_store_open(const char *path, bool create, hh_store **out, hh_buf *err)
{
    return open_store(path, create, false, false, false, out, err);
}

int hh_store_open_read_only(const char *path, hh_store **out, hh_buf *err)
{
    return open_store(path, false, true, false, true, out, err);
}

int hh_store_open_shared_reader(const char *path, hh_store **out, hh_buf *err)
{
    return open_store(path, false, true, false, false, out, err);
}

int hh_store_open_as_is(const char *path, hh_store **out, hh_buf *err)
{
    return open_store(path, false, true, true, true, out, err);
}

char *hh_store_identity(hh_store *s)
{
    sqlite3_stmt *st = NULL;
    char *id = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id FROM store_identity", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        id = hh_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return id;
}

int hh_store_schema_version(hh_store *s)
{
    int v = 0;
    hh_buf ignored;
    hh_buf_init(&ignored);
    pragma_int(s, "user_version", &v, &ignored);
    hh_buf_free(&ignored);
    return v;
}

void hh_store_close(hh_store *s)
{
    if (!s)
        return;
    for (int i = 0; i < STMT_COUNT; i++)
        sqlite3_finalize(s->stmts[i]);
    for (int i = 0; i < s->n_cached; i++) {
        sqlite3_finalize(s->cached[i].st);
        free(s->cached[i].sql);
    }
    if (s->db)
        sqlite3_close(s->db);
    hh_store_bulk_free(s);
    free(s->path);
    free(s);
}

int hh_store_begin(hh_store *s, hh_buf *err)
{
    for (;;) { /* in bulk loading, what waits is merged first if it must be (store_bulk.c) */
        if (exec_cached(s, "BEGIN IMMEDIATE", err))
            return -1;
        int due = s->bulk ? hh_store_bulk_merge_due(s, err) : 0;
        if (due == 0)
            return 0;
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        if (due < 0 || hh_store_bulk_merge(s, err))
            return -1;
    }
}

int hh_store_begin_read(hh_store *s, hh_buf *err)
{
    return exec_cached(s, "BEGIN", err);
}

int hh_store_commit(hh_store *s, hh_buf *err)
{
    return exec_cached(s, "COMMIT", err);
}

int hh_store_part_begin(hh_store *s, hh_buf *err)
{
    return exec_cached(s, "SAVEPOINT part", err);
}

int hh_store_part_end(hh_store *s, bool keep, hh_buf *err)
{
    return (!keep && exec_cached(s, "ROLLBACK TO part", err)) ? -1 : exec_cached(s, "RELEASE part", err);
}

void hh_store_rollback(hh_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    hh_store_bulk_rolled_back(s);
}
