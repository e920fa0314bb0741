/* store_schema.c — the store's SQL schema as numbered migrations. Migration N takes
 * a store from user_version N-1 to N; they run in order inside one BEGIN IMMEDIATE.
 * Tables are STRICT; revisions, persons, visits, warnings and the audit log refuse
 * UPDATE and DELETE through triggers, so history cannot be rewritten by accident;
 * `check` reports a trigger that is gone or changed (hh_store_triggers). */
#include "store_internal.h"

#include <sodium.h>
#include <stdlib.h>

/* The triggers that keep history, each defined once: created below, and expected by
 * `check` word for word (sqlite_schema keeps each statement as written, without ';'). */
#define KEEP(name, event, table, why) \
    "CREATE TRIGGER " name " BEFORE " event " ON " table " BEGIN SELECT RAISE(ABORT, '" why "'); END"
#define TRIGGER_AUDIT_APPEND_ONLY_U KEEP("audit_append_only_u", "UPDATE", "audit", "the audit log is append-only")
#define TRIGGER_AUDIT_APPEND_ONLY_D KEEP("audit_append_only_d", "DELETE", "audit", "the audit log is append-only")
#define TRIGGER_REVISION_KEPT_U KEEP("revision_kept_u", "UPDATE", "revision", "revisions are never changed")
#define TRIGGER_REVISION_KEPT_D KEEP("revision_kept_d", "DELETE", "revision", "revisions are never deleted")
#define TRIGGER_STORE_IDENTITY_KEPT_U \
    KEEP("store_identity_kept_u", "UPDATE", "store_identity", "the store identity is never changed")
#define TRIGGER_STORE_IDENTITY_KEPT_D \
    KEEP("store_identity_kept_d", "DELETE", "store_identity", "the store identity is never changed")
#define TRIGGER_PERSON_KEPT_U KEEP("person_kept_u", "UPDATE", "person", "revisions are never changed")
#define TRIGGER_PERSON_KEPT_D KEEP("person_kept_d", "DELETE", "person", "revisions are never deleted")
#define TRIGGER_VISIT_KEPT_U KEEP("visit_kept_u", "UPDATE", "visit", "revisions are never changed")
#define TRIGGER_VISIT_KEPT_D KEEP("visit_kept_d", "DELETE", "visit", "revisions are never deleted")
#define TRIGGER_REVIEW_KEPT_U KEEP("review_kept_u", "UPDATE", "review", "review decisions are never changed")
#define TRIGGER_REVIEW_KEPT_D KEEP("review_kept_d", "DELETE", "review", "review decisions are never deleted")
#define TRIGGER_REVIEW_ITEM_KEPT_U KEEP("review_item_kept_u", "UPDATE", "review_item", "review decisions are never changed")
#define TRIGGER_REVIEW_ITEM_KEPT_D KEEP("review_item_kept_d", "DELETE", "review_item", "review decisions are never deleted")
#define TRIGGER_VISIT_LOG_KEPT_U KEEP("visit_log_kept_u", "UPDATE", "visit_log", "the visit log is append-only")
#define TRIGGER_VISIT_LOG_KEPT_D KEEP("visit_log_kept_d", "DELETE", "visit_log", "the visit log is append-only")
#define TRIGGER_HOUSEHOLD_KEPT_D \
    KEEP("household_kept_d", "DELETE", "household", "households are deleted with a tombstone, never erased")
#define TRIGGER_CHANGE_KEPT_U KEEP("change_kept_u", "UPDATE", "change", "the change feed is append-only")
#define TRIGGER_CHANGE_KEPT_D KEEP("change_kept_d", "DELETE", "change", "the change feed is append-only")
#define TRIGGER_CONFLICT_KEPT_D KEEP("conflict_kept_d", "DELETE", "conflict", "conflicts are resolved, never erased")
/* The change feed's entries, each made by the row it records (migration 11). */
#define FEED(name, event, table, when, household, kind, revision)                                       \
    "CREATE TRIGGER " name " AFTER " event " ON " table when " BEGIN INSERT INTO change(household_id, kind," \
    " revision) VALUES (" household ", '" kind "', " revision "); END"
#define TRIGGER_FEED_REVISION FEED("feed_revision", "INSERT", "revision", "", "new.household_id", "revision", "new.revision")
#define TRIGGER_FEED_VISIT \
    FEED("feed_visit", "INSERT", "visit_log", "", "new.household_id", "visit", \
         "(SELECT current_revision FROM household WHERE id = new.household_id)")
#define TRIGGER_FEED_REVIEW FEED("feed_review", "INSERT", "review", "", "new.household_id", "review", "new.revision")
#define TRIGGER_FEED_TOMBSTONE \
    FEED("feed_tombstone", "UPDATE OF deleted_at", "household", \
         " WHEN new.deleted_at IS NOT NULL AND old.deleted_at IS NULL", "new.id", "tombstone", "new.current_revision")

static const char migration_1[] =
    "CREATE TABLE household ("
    "  id TEXT PRIMARY KEY,"
    "  current_revision INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL,"
    "  deleted_at TEXT,"
    "  delete_reason TEXT"
    ") STRICT;"
    "CREATE TABLE revision ("
    "  household_id TEXT NOT NULL REFERENCES household(id),"
    "  revision INTEGER NOT NULL,"
    "  stored_at TEXT NOT NULL, stored_by TEXT NOT NULL, source TEXT NOT NULL,"
    "  form_sha256 TEXT NOT NULL, xml BLOB NOT NULL,"
    "  district_code TEXT NOT NULL, district TEXT NOT NULL,"
    "  street_code TEXT NOT NULL, street TEXT NOT NULL,"
    "  community_code TEXT NOT NULL, community TEXT NOT NULL,"
    "  grid INTEGER NOT NULL, estate TEXT, building TEXT NOT NULL, unit TEXT NOT NULL, room TEXT NOT NULL,"
    "  household_type TEXT NOT NULL, dwelling_type TEXT NOT NULL, tenure TEXT NOT NULL,"
    "  floor_area REAL, phone TEXT, preferred_language TEXT NOT NULL,"
    "  low_income INTEGER NOT NULL, low_income_since TEXT, extreme_hardship INTEGER NOT NULL, needs TEXT,"
    "  enumerator TEXT NOT NULL, enumeration_date TEXT NOT NULL, enumeration_status TEXT NOT NULL,"
    "  respondent TEXT NOT NULL, consent INTEGER NOT NULL, member_count INTEGER,"
    "  size INTEGER NOT NULL, elderly60 INTEGER NOT NULL, elderly65 INTEGER NOT NULL,"
    "  disabled INTEGER NOT NULL, living_alone INTEGER NOT NULL, empty_nest INTEGER NOT NULL,"
    "  PRIMARY KEY (household_id, revision)"
    ") STRICT;"
    "CREATE INDEX revision_area ON revision(community_code);"
    "CREATE TABLE person ("
    "  household_id TEXT NOT NULL, revision INTEGER NOT NULL, line INTEGER NOT NULL,"
    "  name TEXT NOT NULL, relationship TEXT NOT NULL, sex TEXT NOT NULL, birth_date TEXT NOT NULL,"
    "  document_type TEXT NOT NULL, document_number TEXT, nationality TEXT NOT NULL, ethnicity TEXT,"
    "  residence TEXT NOT NULL, registered_in TEXT, marital_status TEXT, education INTEGER, activity TEXT,"
    "  wg_seeing INTEGER, wg_hearing INTEGER, wg_walking INTEGER, wg_cognition INTEGER,"
    "  wg_selfcare INTEGER, wg_communication INTEGER,"
    "  certificate_type TEXT, certificate_grade INTEGER, phone TEXT, languages TEXT, notes TEXT,"
    "  age INTEGER NOT NULL, age_group TEXT NOT NULL, disabled INTEGER NOT NULL,"
    "  PRIMARY KEY (household_id, revision, line),"
    "  FOREIGN KEY (household_id, revision) REFERENCES revision(household_id, revision)"
    ") STRICT;"
    "CREATE TABLE visit ("
    "  household_id TEXT NOT NULL, revision INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  date TEXT NOT NULL, enumerator TEXT NOT NULL, purpose TEXT NOT NULL, outcome TEXT NOT NULL, note TEXT,"
    "  PRIMARY KEY (household_id, revision, seq),"
    "  FOREIGN KEY (household_id, revision) REFERENCES revision(household_id, revision)"
    ") STRICT;"
    "CREATE TABLE form_warning ("
    "  household_id TEXT NOT NULL, revision INTEGER NOT NULL, seq INTEGER NOT NULL,"
    "  rule_id TEXT NOT NULL, path TEXT NOT NULL, message_en TEXT NOT NULL, message_zh TEXT NOT NULL,"
    "  PRIMARY KEY (household_id, revision, seq),"
    "  FOREIGN KEY (household_id, revision) REFERENCES revision(household_id, revision)"
    ") STRICT;"
    "CREATE TABLE document ("
    "  document_type TEXT NOT NULL, document_number TEXT NOT NULL,"
    "  household_id TEXT NOT NULL REFERENCES household(id), line INTEGER NOT NULL,"
    "  PRIMARY KEY (document_type, document_number)"
    ") STRICT;"
    "CREATE INDEX document_household ON document(household_id);"
    "CREATE TABLE audit ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL,"
    "  operation TEXT NOT NULL, household_id TEXT, revision INTEGER, detail TEXT"
    ") STRICT;"
    TRIGGER_AUDIT_APPEND_ONLY_U ";"
    TRIGGER_AUDIT_APPEND_ONLY_D ";"
    TRIGGER_REVISION_KEPT_U ";"
    TRIGGER_REVISION_KEPT_D ";"
    TRIGGER_PERSON_KEPT_U ";"
    TRIGGER_PERSON_KEPT_D ";"
    TRIGGER_VISIT_KEPT_U ";"
    TRIGGER_VISIT_KEPT_D ";"
    TRIGGER_HOUSEHOLD_KEPT_D ";";

/* 2: the XML of a revision may be kept compressed. xml_size NULL: `xml` holds the
 * form as received; otherwise `xml` is zlib-compressed from xml_size bytes. */
static const char migration_2[] = "ALTER TABLE revision ADD COLUMN xml_size INTEGER;";

/* 3: the audit log becomes a hash chain. Each row's `chain` is hh_audit_link (store.c)
 * over the previous row's chain and its own fields, so a row changed, removed or
 * slipped in outside hhreg breaks every link after it (`check` follows it). The rows
 * already there are linked by link_audit_rows below, the update trigger lifted for it. */
static const char migration_3[] = "ALTER TABLE audit ADD COLUMN chain TEXT; DROP TRIGGER audit_append_only_u;";

/* Links the audit rows of an older store in seq order, one UPDATE a row: one UPDATE
 * of them all would keep every page of the log in its statement journal, which SQLite
 * (3.40, with the 4 MiB spill hhreg sets) fails with "database or disk is full". */
static int link_audit_rows(hh_store *s, hh_buf *err)
{
    sqlite3_stmt *rows = NULL, *link = NULL;
    int rc = sqlite3_prepare_v2(s->db, "SELECT seq FROM audit ORDER BY seq", -1, &rows, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(s->db,
                                "UPDATE audit SET chain = hh_audit_link(?1, seq, at, actor, operation, household_id,"
                                " revision, detail) WHERE seq = ?2 RETURNING chain",
                                -1, &link, NULL);
    char previous[65] = "";
    while (rc == SQLITE_OK && (rc = sqlite3_step(rows)) == SQLITE_ROW) {
        if (*previous)
            sqlite3_bind_text(link, 1, previous, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(link, 1);
        sqlite3_bind_int64(link, 2, sqlite3_column_int64(rows, 0));
        rc = sqlite3_step(link);
        const unsigned char *chain = rc == SQLITE_ROW ? sqlite3_column_text(link, 0) : NULL;
        snprintf(previous, sizeof previous, "%s", chain ? (const char *)chain : "");
        rc = chain && sqlite3_step(link) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        sqlite3_reset(link);
    }
    sqlite3_finalize(rows);
    sqlite3_finalize(link);
    if (rc != SQLITE_DONE) {
        hh_buf_printf(err, hh_tr("%s: cannot link the audit log: %s", "%s：无法为审计日志建立哈希链：%s"), s->path,
                      hh_store_errmsg(s));
        return -1;
    }
    return hh_store_exec(s, TRIGGER_AUDIT_APPEND_ONLY_U ";", err);
}

/* 4: accounts of `hhreg serve` (accounts.h). An account has a role and the grids (or
 * communities) it works in; its password is kept only as an argon2id hash. A session
 * is kept under the SHA-256 of its token, never the token; times are Unix seconds.
 * Failed logins are counted per account for the lock-out. */
static const char migration_4[] =
    "CREATE TABLE account ("
    "  name TEXT PRIMARY KEY,"
    "  role TEXT NOT NULL CHECK (role IN ('enumerator', 'supervisor', 'statistician', 'admin')),"
    "  password_hash TEXT NOT NULL, created_at TEXT NOT NULL, disabled_at TEXT,"
    "  failed_logins INTEGER NOT NULL DEFAULT 0, first_failed_at INTEGER, locked_until INTEGER"
    ") STRICT;"
    "CREATE TABLE account_grid ("
    "  account TEXT NOT NULL REFERENCES account(name), grid TEXT NOT NULL,"
    "  PRIMARY KEY (account, grid)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE TABLE session ("
    "  token_sha256 TEXT PRIMARY KEY, account TEXT NOT NULL REFERENCES account(name),"
    "  csrf TEXT NOT NULL, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX session_account ON session(account);";

/* 5: the answers given to forms submitted over HTTP, under the account and the
 * client-generated id of the submission (Idempotency-Key or clientId): a retried
 * upload gets the first answer again and stores nothing new (store_submissions.h).
 * The answer is the JSON the server sent (ids and statuses, never a form's values). */
static const char migration_5[] =
    "CREATE TABLE submission ("
    "  account TEXT NOT NULL, client_key TEXT NOT NULL, household_id TEXT,"
    "  status INTEGER NOT NULL, answer TEXT NOT NULL, at TEXT NOT NULL,"
    "  PRIMARY KEY (account, client_key)"
    ") STRICT, WITHOUT ROWID;"
    /* who lives at an address (hh_store_address_holder): a lookup per submission,
     * not a scan of every revision (import of 20,000 forms with -j 2: 3.6-3.7 s
     * before, 3.2-3.8 s after) */
    "CREATE INDEX revision_address ON revision(community_code, building, unit, room);";

/* 6: review (review.h). A revision's content digest (digest.h: the form without its
 * visits and the enumeration's date) tells a revision that only records a visit,
 * which keeps the review of the revision before it; older revisions have none and
 * are each judged alone. A decision (approved or returned) is kept with the revision
 * it judged, with a comment for the form and one per item path; decisions are
 * appended, never changed: the latest one counts. */
static const char migration_6[] =
    "ALTER TABLE revision ADD COLUMN content_sha256 TEXT;"
    "CREATE TABLE review ("
    "  seq INTEGER PRIMARY KEY,"
    "  household_id TEXT NOT NULL, revision INTEGER NOT NULL,"
    "  decision TEXT NOT NULL CHECK (decision IN ('approved', 'returned')),"
    "  at TEXT NOT NULL, reviewer TEXT NOT NULL, comment TEXT,"
    "  FOREIGN KEY (household_id, revision) REFERENCES revision(household_id, revision)"
    ") STRICT;"
    "CREATE INDEX review_revision ON review(household_id, revision);"
    "CREATE TABLE review_item ("
    "  review INTEGER NOT NULL REFERENCES review(seq), path TEXT NOT NULL, comment TEXT NOT NULL,"
    "  PRIMARY KEY (review, path)"
    ") STRICT, WITHOUT ROWID;"
    TRIGGER_REVIEW_KEPT_U ";"
    TRIGGER_REVIEW_KEPT_D ";"
    TRIGGER_REVIEW_ITEM_KEPT_U ";"
    TRIGGER_REVIEW_ITEM_KEPT_D ";";

/* 7: a form that found nobody home or was refused records no tenure, low-income
 * allowance or extreme hardship (household-1.xsd; the rules ask them of every other
 * form), so their columns take NULL. SQLite cannot drop a NOT NULL with ALTER TABLE;
 * its documented way for exactly this change ("Making Other Kinds Of Table Schema
 * Changes": removing NOT NULL changes no stored row) is to edit the table's statement
 * in sqlite_schema and bump schema_version, done by relax_revision_columns below with
 * the defensive flag lifted for it: instant, where copying the table would take
 * minutes on a district's store. */
static const char migration_7[] = "";

/* 8: the export runs of `hhreg serve` (store_exports.h): what an admin started,
 * how it ended, and whether it was released to the statisticians. A run's row
 * changes as it ends and when it is released; the audit log keeps each step. */
static const char migration_8[] =
    "CREATE TABLE export_run ("
    "  id INTEGER PRIMARY KEY,"
    "  plugin TEXT NOT NULL, area TEXT, options TEXT NOT NULL, output TEXT NOT NULL,"
    "  requested_by TEXT NOT NULL, requested_at TEXT NOT NULL,"
    "  state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),"
    "  finished_at TEXT, message TEXT, released_by TEXT, released_at TEXT,"
    "  CHECK (released_at IS NULL OR state = 'done')"
    ") STRICT;";

/* 9: the visit log. A visit made after the form was stored (`hhreg visit`, POST
 * /api/v1/households/{id}/visits) is kept here, beside the form rather than in a
 * new revision of it: the form's own visits are those of its enumeration (a visit
 * "not after the enumeration date of the form that records it", the data
 * dictionary says), and moving that date to record a visit would count every age
 * on another day and re-ask the whole form. Numbered per household, appended, never
 * changed. */
static const char migration_9[] =
    "CREATE TABLE visit_log ("
    "  household_id TEXT NOT NULL REFERENCES household(id), seq INTEGER NOT NULL,"
    "  date TEXT NOT NULL, enumerator TEXT NOT NULL, purpose TEXT NOT NULL, outcome TEXT NOT NULL, note TEXT,"
    "  recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL,"
    "  PRIMARY KEY (household_id, seq)"
    ") STRICT;"
    TRIGGER_VISIT_LOG_KEPT_U ";"
    TRIGGER_VISIT_LOG_KEPT_D ";";

/* 10: each store knows itself, for merging stores (issue 20): a random UUID made
 * once, when the store is made or migrated (kept by a backup, which copies the file),
 * and every revision records the store it was made in and its parent, the revision
 * it replaced (NULL: the first). Within one store revisions follow each other, so
 * the parent of revision r is r - 1; a merged store will hold revisions made
 * elsewhere, whose parent says what they were edited from. The store's own revisions
 * get its id and that chain when it is migrated (store_identify below). */
static const char migration_10[] =
    "CREATE TABLE store_identity ("
    "  one INTEGER PRIMARY KEY CHECK (one = 1), id TEXT NOT NULL, created_at TEXT NOT NULL"
    ") STRICT;"
    "ALTER TABLE revision ADD COLUMN made_in TEXT;"
    "ALTER TABLE revision ADD COLUMN parent INTEGER;"
    TRIGGER_STORE_IDENTITY_KEPT_U ";"
    TRIGGER_STORE_IDENTITY_KEPT_D ";";

/* 11: the change feed (issue 20): every revision, logged visit, review decision and
 * tombstone gets the next sequence number of its store, in the order they were
 * stored, so an export can hand over only what changed after a watermark
 * (hh_store_each_household's `since`). Triggers make the entries, so no writer can
 * forget one; an undelete stores a revision, which is its entry. An older store's
 * history is numbered once, in the order of its times (ties: revisions, visits,
 * reviews, tombstones, then by household and revision). */
static const char migration_11[] =
    "CREATE TABLE change ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, household_id TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('revision', 'visit', 'review', 'tombstone')), revision INTEGER"
    ") STRICT;"
    "CREATE INDEX change_household ON change(household_id, seq);"
    "INSERT INTO change(household_id, kind, revision) SELECT household_id, kind, revision FROM ("
    "  SELECT household_id, 'revision' AS kind, revision, stored_at AS at, 0 AS o FROM revision"
    "  UNION ALL SELECT l.household_id, 'visit', h.current_revision, l.recorded_at, 1"
    "   FROM visit_log l JOIN household h ON h.id = l.household_id"
    "  UNION ALL SELECT household_id, 'review', revision, at, 2 FROM review"
    "  UNION ALL SELECT id, 'tombstone', current_revision, deleted_at, 3 FROM household WHERE deleted_at IS NOT NULL"
    ") ORDER BY at, o, household_id, revision;"
    TRIGGER_CHANGE_KEPT_U ";"
    TRIGGER_CHANGE_KEPT_D ";"
    TRIGGER_FEED_REVISION ";"
    TRIGGER_FEED_VISIT ";"
    TRIGGER_FEED_REVIEW ";"
    TRIGGER_FEED_TOMBSTONE ";";

/* 12: merging stores (store_merge.c, docs/merge.md). A revision is known across
 * stores by where it was made and its number there: `origin` (this store's own
 * revisions: their number here), with its form's digest; `merged_from` is a second
 * parent, the other side of a conflict a resolution settled. A conflict is two
 * revisions of one household neither of which was edited from the other: kept both,
 * the household's current one stays, until a supervisor resolves it with a revision
 * of their choosing (`resolution`). Its rows are never deleted. */
static const char migration_12[] =
    "ALTER TABLE revision ADD COLUMN origin INTEGER;"
    "ALTER TABLE revision ADD COLUMN merged_from INTEGER;"
    "CREATE TABLE conflict ("
    "  seq INTEGER PRIMARY KEY, household_id TEXT NOT NULL REFERENCES household(id),"
    "  revision INTEGER NOT NULL, other INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('different-household', 'concurrent-edit', 'edit-and-delete')),"
    "  source_store TEXT NOT NULL, found_at TEXT NOT NULL, found_by TEXT NOT NULL,"
    "  deleted_at TEXT, delete_reason TEXT,"
    "  resolved_at TEXT, resolved_by TEXT, resolution INTEGER,"
    "  FOREIGN KEY (household_id, revision) REFERENCES revision(household_id, revision),"
    "  FOREIGN KEY (household_id, other) REFERENCES revision(household_id, revision)"
    ") STRICT;"
    "CREATE INDEX conflict_household ON conflict(household_id, other);"
    TRIGGER_CONFLICT_KEPT_D ";";

/* 13: nobody answered at a form that found nobody home, so it records no respondent
 * and no consent (household-1.xsd; the rules ask them of every other form): their
 * columns take NULL, made so as migration 7 made its columns. */
static const char migration_13[] = "";

/* 14: how many visits each revision's form records, so a walk that reads them back
 * can tell a visit an index lost (export.c's check of an incremental export: what it
 * hands over is counted against the store's own counts, not found by a whole-file
 * check). The revision's persons are counted by `size` already. Older revisions are
 * counted once, here (count_form_visits). */
static const char migration_14[] = "ALTER TABLE revision ADD COLUMN visits INTEGER;";

/* 15: the document numbers an import adds wait in `document_pending`, a table with
 * no key on the numbers, and are merged into `document` in key order every so many
 * (store_bulk.c): a random key added to `document` itself dirtied a page of its
 * index per number, and at a million households that page was written out at every
 * commit. `seq` is never given twice (AUTOINCREMENT), so a connection that left the
 * last row knows no other has added one since. `document_any` is the index as a
 * whole, both tables: what every other lookup reads. */
static const char migration_15[] =
    "CREATE TABLE document_pending ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, document_type TEXT NOT NULL, document_number TEXT NOT NULL,"
    "  household_id TEXT NOT NULL REFERENCES household(id), line INTEGER NOT NULL"
    ") STRICT;"
    "CREATE INDEX document_pending_household ON document_pending(household_id);"
    "CREATE VIEW document_any AS"
    "  SELECT document_type, document_number, household_id, line FROM document"
    "  UNION ALL SELECT document_type, document_number, household_id, line FROM document_pending;";

/* 16: the SHA-256 of the request a kept answer answered (store_submissions.c): the
 * same submission id sent again with another body is refused, not answered with
 * the first answer while the new form is dropped. NULL for the answers kept before. */
static const char migration_16[] = "ALTER TABLE submission ADD COLUMN body_sha256 TEXT;";

/* A random (version 4) UUID for the store, and its revisions stamped with it; the
 * revisions' trigger is lifted for that one UPDATE and made again as it was. */
static int store_identify(hh_store *s, hh_buf *err)
{
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char *sql = hh_xasprintf(
        "INSERT INTO store_identity(one, id, created_at)"
        " VALUES (1, '%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x',"
        " strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 'now'));"
        "DROP TRIGGER revision_kept_u;"
        "UPDATE revision SET made_in = (SELECT id FROM store_identity), parent = nullif(revision - 1, 0);"
        TRIGGER_REVISION_KEPT_U ";",
        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    int rc = hh_store_exec(s, sql, err);
    free(sql);
    return rc;
}

/* 12: the store's own revisions are known elsewhere by their number here. */
static int number_origins(hh_store *s, hh_buf *err)
{
    return hh_store_exec(s,
                         "DROP TRIGGER revision_kept_u; UPDATE revision SET origin = revision;"
                         TRIGGER_REVISION_KEPT_U ";",
                         err);
}

/* 14: every revision's form visits counted (see migration 14), from the tables
 * themselves (NOT INDEXED, into a table of its own), so that a damaged index cannot
 * make a wrong count that outlives its REINDEX. */
static int count_form_visits(hh_store *s, hh_buf *err)
{
    return hh_store_exec(s,
                         "CREATE TEMP TABLE form_visits (household_id TEXT, revision INTEGER, n INTEGER,"
                         "  PRIMARY KEY (household_id, revision));"
                         "INSERT INTO temp.form_visits SELECT household_id, revision, count(*) FROM visit NOT INDEXED"
                         "  GROUP BY household_id, revision;"
                         "DROP TRIGGER revision_kept_u;"
                         "UPDATE revision NOT INDEXED SET visits = coalesce((SELECT n FROM temp.form_visits f"
                         "  WHERE f.household_id = revision.household_id AND f.revision = revision.revision), 0);"
                         TRIGGER_REVISION_KEPT_U ";"
                         "DROP TABLE temp.form_visits;",
                         err);
}

/* Migrations 7 and 13: the revision columns named take NULL (see migration 7). */
static int relax_revision_columns(hh_store *s, const char *const *columns, hh_buf *err)
{
    long version = hh_store_sql_long(s->db, "PRAGMA schema_version");
    hh_buf sql;
    hh_buf_init(&sql);
    hh_buf_puts(&sql, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = ");
    size_t n = 0;
    while (columns[n])
        n++;
    for (size_t i = 0; i < n; i++)
        hh_buf_puts(&sql, "replace(");
    hh_buf_puts(&sql, "sql");
    for (size_t i = 0; i < n; i++) /* 'tenure TEXT NOT NULL' -> 'tenure TEXT' */
        hh_buf_printf(&sql, ", '%s NOT NULL', '%s')", columns[i], columns[i]);
    hh_buf_printf(&sql,
                  " WHERE type = 'table' AND name = 'revision';"
                  "PRAGMA schema_version = %ld; PRAGMA writable_schema = OFF;",
                  version + 1);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
    int rc = version < 0 ? -1 : hh_store_exec(s, sql.data, err);
    sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    hh_buf_free(&sql);
    if (version < 0)
        hh_buf_printf(err, hh_tr("%s: cannot read the schema version: %s", "%s：无法读取模式版本：%s"), s->path,
                      hh_store_errmsg(s));
    return rc;
}

static const char *const unrecorded_after_nobody_home[] = { "tenure TEXT", "low_income INTEGER",
                                                            "extreme_hardship INTEGER", NULL };
static const char *const unanswered_after_nobody_home[] = { "respondent TEXT", "consent INTEGER", NULL };

int hh_store_migration_finish(hh_store *s, int version, hh_buf *err)
{
    return version == 3    ? link_audit_rows(s, err)
           : version == 7  ? relax_revision_columns(s, unrecorded_after_nobody_home, err)
           : version == 10 ? store_identify(s, err)
           : version == 12 ? number_origins(s, err)
           : version == 13 ? relax_revision_columns(s, unanswered_after_nobody_home, err)
           : version == 14 ? count_form_visits(s, err)
                           : 0;
}

const char *const hh_store_migrations[] = { migration_1, migration_2, migration_3, migration_4, migration_5,
                                              migration_6, migration_7, migration_8, migration_9, migration_10,
                                              migration_11, migration_12, migration_13, migration_14, migration_15,
                                              migration_16 };
const int hh_store_migration_count = sizeof hh_store_migrations / sizeof hh_store_migrations[0];

const hh_store_trigger hh_store_triggers[] = {
    { "audit_append_only_u", TRIGGER_AUDIT_APPEND_ONLY_U },
    { "audit_append_only_d", TRIGGER_AUDIT_APPEND_ONLY_D },
    { "revision_kept_u", TRIGGER_REVISION_KEPT_U },
    { "revision_kept_d", TRIGGER_REVISION_KEPT_D },
    { "person_kept_u", TRIGGER_PERSON_KEPT_U },
    { "person_kept_d", TRIGGER_PERSON_KEPT_D },
    { "visit_kept_u", TRIGGER_VISIT_KEPT_U },
    { "visit_kept_d", TRIGGER_VISIT_KEPT_D },
    { "household_kept_d", TRIGGER_HOUSEHOLD_KEPT_D },
    { "review_kept_u", TRIGGER_REVIEW_KEPT_U },
    { "review_kept_d", TRIGGER_REVIEW_KEPT_D },
    { "review_item_kept_u", TRIGGER_REVIEW_ITEM_KEPT_U },
    { "review_item_kept_d", TRIGGER_REVIEW_ITEM_KEPT_D },
    { "visit_log_kept_u", TRIGGER_VISIT_LOG_KEPT_U },
    { "visit_log_kept_d", TRIGGER_VISIT_LOG_KEPT_D },
    { "store_identity_kept_u", TRIGGER_STORE_IDENTITY_KEPT_U },
    { "store_identity_kept_d", TRIGGER_STORE_IDENTITY_KEPT_D },
    { "change_kept_u", TRIGGER_CHANGE_KEPT_U },
    { "change_kept_d", TRIGGER_CHANGE_KEPT_D },
    { "feed_revision", TRIGGER_FEED_REVISION },
    { "feed_visit", TRIGGER_FEED_VISIT },
    { "feed_review", TRIGGER_FEED_REVIEW },
    { "feed_tombstone", TRIGGER_FEED_TOMBSTONE },
    { "conflict_kept_d", TRIGGER_CONFLICT_KEPT_D },
    { NULL, NULL },
};
_Static_assert(sizeof hh_store_migrations / sizeof hh_store_migrations[0] == HH_STORE_SCHEMA_VERSION,
               "store.h: HH_STORE_SCHEMA_VERSION is the number of migrations");
