/* store_internal.h — what the store's files share and nothing else sees: the
 * store struct, its cache of prepared statements and the migrations. */
#ifndef HH_STORE_INTERNAL_H
#define HH_STORE_INTERNAL_H

#include <sqlite3.h>

#include "items.h"
#include "store.h"

enum hh_stmt {
    STMT_HOUSEHOLD_GET, STMT_REVISION_WITH_SHA, STMT_HOUSEHOLD_INSERT, STMT_HOUSEHOLD_SET_REVISION,
    STMT_REVISION_INSERT, STMT_PERSON_INSERT, STMT_VISIT_INSERT, STMT_VISIT_LOG_INSERT, STMT_WARNING_INSERT,
    STMT_DOCUMENT_FIND, STMT_DOCUMENT_CLEAR, STMT_DOCUMENT_INSERT, STMT_AUDIT_INSERT,
    STMT_SAVEPOINT, STMT_RELEASE, STMT_REVISION_COPY, STMT_PERSON_COPY, STMT_VISIT_COPY, STMT_WARNING_COPY,
    STMT_DOCUMENT_HELD, STMT_DOCUMENT_INDEX_REVISION, STMT_HOUSEHOLD_DELETE, STMT_HOUSEHOLD_UNDELETE, STMT_SEEN_FIND, STMT_SEEN_ADD,
    STMT_NEXT_SERIAL, STMT_REVIEW_HOLDING, STMT_DOCUMENT_FIND_MERGED, STMT_DOCUMENT_PENDING_CLEAR,
    STMT_DOCUMENT_PENDING_INSERT, STMT_DOCUMENT_PENDING_AT, STMT_DOCUMENT_PENDING_LAST, STMT_COUNT
};

/* The columns of a revision after its number and who stored it when from where, and
 * of a person, a form's visit and a warning after its household and revision: for
 * storing a form and for copying a revision (undelete, resolve, merge). The items'
 * columns come from the item table (items.def). */
#define REVISION_RECORD_COLUMNS                                                                          \
    "form_sha256, xml, xml_size, size, elderly60, elderly65, disabled, living_alone, empty_nest,"      \
    " content_sha256, visits"                                                                          \
    HH_HOUSEHOLD_ITEMS(HH_ITEM_SQL_COLUMN)
#define PERSON_RECORD_COLUMNS "age, age_group, disabled" HH_PERSON_ITEMS(HH_ITEM_SQL_COLUMN)
#define VISIT_RECORD_COLUMNS "seq" HH_VISIT_ITEMS(HH_ITEM_SQL_COLUMN)
#define WARNING_RECORD_COLUMNS "seq, rule_id, path, message_en, message_zh"
#define VISIT_LOG_RECORD_COLUMNS "recorded_at, recorded_by" HH_VISIT_ITEMS(HH_ITEM_SQL_COLUMN)

/* How many statements hh_store_cached keeps; the oldest goes when more are asked. */
#define HH_STORE_CACHED_MAX 48

typedef struct hh_store_bulk hh_store_bulk; /* store_bulk.c */

struct hh_store {
    sqlite3 *db;
    char *path;
    int busy_timeout_ms;
    bool read_only;             /* opened read-only: asked, or read_only_here */
    bool read_only_here;        /* the file or its directory cannot be written here */
    bool as_is;                 /* read-only, an older schema version kept (hh_store_open_as_is) */
    char busy_message[256];
    sqlite3_stmt *stmts[STMT_COUNT];
    struct hh_store_cached {      /* hh_store_cached's statements, by their SQL */
        const char *key;          /* the caller's pointer, looked for first */
        char *sql;                /* its text */
        sqlite3_stmt *st;
    } cached[HH_STORE_CACHED_MAX];
    int n_cached;
    hh_store_bulk *bulk;        /* an import's document numbers, from hh_store_bulk_begin */
};

extern const char *const hh_store_migrations[];
extern const int hh_store_migration_count;
/* What migration `version` does after its SQL, inside the same transaction: 0 or -1
 * with `err`. */
int hh_store_migration_finish(hh_store *s, int version, hh_buf *err);
/* The triggers that keep history append-only, as created; ends with { NULL, NULL }. */
typedef struct hh_store_trigger {
    const char *name, *sql;
} hh_store_trigger;
extern const hh_store_trigger hh_store_triggers[];

/* Copies revision `from` of household `id` as its revision `to`, edited from revision
 * `parent`, settling the conflicting revision `settles` (0: none), stored now by
 * `actor` from `source`, and makes it current: undeleted, its document numbers
 * indexed. Inside the caller's transaction; 0 or -1 with `err`. */
int hh_store_copy_revision(hh_store *s, const char *id, int from, int to, int parent, int settles,
                           const char *source, const char *actor, hh_buf *err);

/* Drops household `id`'s document numbers from the index, merged and pending (a
 * bulk load's: store_bulk.c). Inside the caller's transaction; 0 or -1 with `err`. */
int hh_store_clear_documents(hh_store *s, const char *id, hh_buf *err);
/* Whether another household holds a document number of revision `rev` of `id`: 1
 * with the first such person's line in *line (and, when not NULL, the holder's id,
 * malloc'd, and its person's line), 0 when none, -1 with `err`. */
int hh_store_document_held(hh_store *s, const char *id, int rev, int *line, char **holder, int *holder_line,
                           hh_buf *err);
/* Appends who holds it: "household ID (person N)" to the store file's owner (who may
 * read any household of it, as for STORE-ID-DUP), else "another household". */
void hh_store_say_document_holder(hh_store *s, const char *holder, int holder_line, hh_buf *b);
/* Marks household `id` (current revision `rev`) deleted at `at` for `reason`, drops
 * its document numbers from the index and audits it ("delete", `detail` or NULL).
 * Inside the caller's transaction; 0 or -1 with `err`. */
int hh_store_mark_deleted(hh_store *s, const char *id, int rev, const char *at, const char *reason,
                          const char *actor, const char *detail, hh_buf *err);

/* Bulk loading's side of the store (store_bulk.c). Inside a write transaction just
 * begun: 1 when the pending rows are to be merged first (the memory cannot vouch for
 * them, or enough wait), 0 not, -1 with `err`. */
int hh_store_bulk_merge_due(hh_store *s, hh_buf *err);
/* Merges the pending rows in a transaction of its own (none may be open). */
int hh_store_bulk_merge(hh_store *s, hh_buf *err);
/* A transaction was rolled back: the memory is not trusted until the next merge. */
void hh_store_bulk_rolled_back(hh_store *s);
/* Who holds pending number `type` `number`: 1 with the household (malloc'd) and its
 * person's line, 0 none, -1 with `err`. */
int hh_store_bulk_holder(hh_store *s, const char *type, const char *number, char **holder, int *line, hh_buf *err);
/* Appends a number of household `id`'s person `line` to the pending ones. */
int hh_store_bulk_add(hh_store *s, const char *type, const char *number, const char *id, int line, hh_buf *err);
void hh_store_bulk_free(hh_store *s);

/* SQLite's page cache of the connection: $HHREG_CACHE_KB if set, else `kb` KiB. 24 MB
 * kept the document-number index (random keys) in memory during a district-sized
 * import (100,000 forms with -j 2 17.8 s -> 16.0 s, peak RSS 47 MB); bulk loading
 * (store_bulk.c) needs less. */
#define HH_STORE_CACHE_KB 24000
int hh_store_cache_kb(hh_store *s, int kb, hh_buf *err);

/* Appends " (REASON)", the operating system's reason for SQLite's last failure:
 * SQLite's record of it, else `last` (errno when it failed) if it is one of the disk
 * errors that explain themselves (SQLite keeps none for a full disk). */
void hh_store_say_reason(hh_store *s, int last, hh_buf *err);

/* Runs SQL without results; 0 or -1 with the SQLite message in `err`. */
int hh_store_exec(hh_store *s, const char *sql, hh_buf *err);
/* Steps `st` once (a statement without rows, or its first row ignored) and resets
 * it; 0, or -1 with SQLite's message in `err`. */
int hh_store_step_done(hh_store *s, sqlite3_stmt *st, hh_buf *err);
/* The first column of the first row of `sql` on `db` as an integer (a count, a
 * PRAGMA's value); -1 when it cannot be read. */
long hh_store_sql_long(sqlite3 *db, const char *sql);
/* Steps `st`, bound and selecting a household id and a person's line, once: 1 with
 * the household (malloc'd) and the line, 0 without a row, -1 with `err`; resets it. */
int hh_store_step_holder(hh_store *s, sqlite3_stmt *st, char **holder, int *line, hh_buf *err);
/* `sql` prepared (for a statement run a few times: not cached; the caller finalizes
 * it); NULL with "PATH: cannot WHAT: SQLite's message" in `err`. */
sqlite3_stmt *hh_store_prepare(hh_store *s, const char *sql, const char *what, hh_buf *err);
/* `sql` (one statement) prepared once for the store's lifetime and kept, as
 * hh_store_prepare says; for a statement run on every request, whose parsing cost
 * the server 12 % of its time (perf, 64 clients submitting forms). The store owns it:
 * the caller gives it back with sqlite3_reset (never finalize), at once — a statement
 * left stepped keeps its read transaction open. */
sqlite3_stmt *hh_store_cached(hh_store *s, const char *sql, const char *what, hh_buf *err);
/* Column `i` of the current row as a malloc'd string, NULL for SQL NULL. */
char *hh_store_column_dup(sqlite3_stmt *st, int i);
/* The cached prepared statement, reset and with bindings cleared; NULL with `err`. */
sqlite3_stmt *hh_store_stmt(hh_store *s, enum hh_stmt which, hh_buf *err);
/* SQLite's message for the last error, in plain words where SQLite's are not: a
 * store still busy after the timeout is explained, not "database is locked". */
const char *hh_store_errmsg(hh_store *s);
/* One revision as its rows hold it, for hh_store_walk. */
typedef struct hh_stored_revision {
    const hh_household *household;             /* from the revision, person and visit rows */
    int revision;
    bool current;                              /* the household's current revision, not deleted */
    const char *xml;                           /* with_xml and readable, else NULL */
    size_t xml_len;
    const char *sha256;                        /* form_sha256 as stored */
    const char *content_sha256;                /* as stored; NULL before store schema 6 */
    const char *made_in;                       /* as stored (store schema 10) */
    int parent;                                /* 0: none */
    long long change;                          /* the household's newest change (schema 11) */
    bool damaged;                              /* a NOT NULL column empty, or the XML unreadable */
    const char *const *unaccounted;            /* rows the store counts and the walk did not read (an
                                                * index lost them), named in English and Chinese
                                                * ({ "persons", "人员" }...); NULL: all there */
    hh_household_derived derived;              /* the derived columns as stored */
    const hh_person_derived *person_derived;   /* per person, as stored (age_group -1: unknown) */
} hh_stored_revision;

/* Calls `fn` for each current household (every_revision: each revision of every
 * household, `area` then an exact household id or NULL) in id (and revision) order,
 * only those changed after `since` when it is >= 0 (current households only);
 * `fn` returns non-zero to stop, negative for an error. Damaged rows are handed
 * over marked, never trusted: the caller decides. */
int hh_store_walk(hh_store *s, bool every_revision, const char *area, long long since, bool with_xml,
                  int (*fn)(const hh_stored_revision *r, void *arg), void *arg, hh_buf *err);

/* The current revision r of each household h, and whether it lies in the area
 * bound to ?1 (a prefix of its id or of its area codes; NULL: everywhere). */
#define STORE_FROM_CURRENT \
    " FROM household h JOIN revision r ON r.household_id = h.id AND r.revision = h.current_revision"
#define STORE_IN_AREA \
    "(?1 IS NULL OR substr(h.id, 1, length(?1)) = ?1 OR substr(r.community_code, 1, length(?1)) = ?1)"

/* Binds a C string, or NULL. */
void hh_store_bind_text(sqlite3_stmt *st, int index, const char *value);

#endif
