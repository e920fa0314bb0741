/* store_internal.h — what the store's files share and nothing else sees: the
 * store struct, its cache of prepared statements and the migrations. */
#ifndef HH_STORE_INTERNAL_H
#define HH_STORE_INTERNAL_H

#include "store.h"

enum hh_stmt {
    STMT_HOUSEHOLD_GET, STMT_REVISION_WITH_SHA, STMT_HOUSEHOLD_INSERT, STMT_HOUSEHOLD_SET_REVISION,
    STMT_REVISION_INSERT, STMT_PERSON_INSERT, STMT_VISIT_INSERT, STMT_WARNING_INSERT,
    STMT_DOCUMENT_FIND, STMT_DOCUMENT_CLEAR, STMT_DOCUMENT_INSERT, STMT_AUDIT_INSERT,
    STMT_SAVEPOINT, STMT_RELEASE, STMT_COUNT
};

struct hh_store {
    sqlite3 *db;
    char *path;
    int busy_timeout_ms;
    char busy_message[256];
    sqlite3_stmt *stmts[STMT_COUNT];
};

extern const char *const hh_store_migrations[];
extern const int hh_store_migration_count;

/* The cached prepared statement, reset and with bindings cleared; NULL with `err`. */
sqlite3_stmt *hh_store_stmt(hh_store *s, enum hh_stmt which, hh_buf *err);
/* SQLite's message for the last error, in plain words where SQLite's are not: a
 * store still busy after the timeout is explained, not "database is locked". */
const char *hh_store_errmsg(hh_store *s);
/* Binds a C string, or NULL. */
void hh_bind_text(sqlite3_stmt *st, int index, const char *value);

#endif
