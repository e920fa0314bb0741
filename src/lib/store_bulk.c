/* store_bulk.c — the document numbers of an import, indexed in bulk (store.h:
 * hh_store_bulk_begin).
 *
 * A number added to `document` is a random key of its index. At a million
 * households each one dirtied a page of that index which the next commit wrote out
 * again: 100,000 forms took 23.6 s with -j 2 into an empty store and 28-36 s into
 * one of 100,000 to 900,000 households, against 19-24 s throughout with no numbers
 * indexed at all. Here each number is appended to `document_pending` (migration 15)
 * and remembered by a keyed hash beside its row; every MERGE_AT numbers, and at the
 * end, the pending rows go into `document` in key order, each page of the index
 * written once a merge.
 *
 * A form's numbers are looked up in `document` by SQL, as before, and here in
 * memory, where a hit is confirmed against the row it names: the refusal is the one
 * a store without bulk loading makes, at the same form. The memory is trusted only
 * while the pending rows are the ones this connection left: when a transaction
 * begins and the table's last row is another (rows are numbered by AUTOINCREMENT,
 * never twice), or a transaction was rolled back, the
 * pending rows are merged first and the memory starts empty. A merge runs in a
 * transaction of its own, between the caller's (hh_store_begin), never inside a
 * form's SAVEPOINT, so rolling a form back cannot bring back rows the memory has
 * forgotten. */
#include "store_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

/* Numbers kept pending before a merge ($HHREG_BULK_MERGE_AT may say fewer): the
 * memory is 16 bytes a slot, at most three quarters of the slots taken, 8 MiB at
 * this size with the numbers of the transaction that passes it.
 * Each merge writes every page of the index that one of them falls in — at a
 * million households nearly all of it — so fewer, larger merges write less. */
#define MERGE_AT (1u << 18)
#define FIRST_SLOTS 4096u
/* The page cache while loading in bulk (KiB): the index is no longer written at
 * random, and a merge's sort takes as much memory as the cache is large. */
#define BULK_CACHE_KB 8000

typedef struct pending_slot {
    uint64_t hash;
    sqlite3_int64 rowid; /* 0: empty (rowids start at 1) */
} pending_slot;

struct hh_store_bulk {
    unsigned char key[crypto_shorthash_KEYBYTES];
    pending_slot *slots;
    size_t cap, used;
    size_t merge_at;          /* MERGE_AT, or fewer */
    sqlite3_int64 last_rowid; /* the pending table's last row as this connection left it */
    bool unsure;              /* a rollback may have undone what the memory holds */
};

static uint64_t number_hash(const hh_store_bulk *b, const char *type, const char *number)
{
    size_t lt = strlen(type), ln = strlen(number);
    unsigned char stack[128], *in = lt + ln + 1 <= sizeof stack ? stack : hh_xmalloc(lt + ln + 1);
    memcpy(in, type, lt);
    in[lt] = 0; /* "ab" + "c" is not "a" + "bc" */
    memcpy(in + lt + 1, number, ln);
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, in, lt + ln + 1, b->key);
    if (in != stack)
        free(in);
    uint64_t h;
    memcpy(&h, out, sizeof h);
    return h;
}

static void remember(hh_store_bulk *b, uint64_t hash, sqlite3_int64 rowid)
{
    if (4 * (b->used + 1) > 3 * b->cap) {
        pending_slot *old = b->slots;
        size_t old_cap = b->cap;
        b->cap = old_cap ? 2 * old_cap : FIRST_SLOTS;
        b->slots = hh_xcalloc(b->cap, sizeof *b->slots);
        b->used = 0;
        for (size_t k = 0; k < old_cap; k++)
            if (old[k].rowid)
                remember(b, old[k].hash, old[k].rowid);
        free(old);
    }
    size_t at = (size_t)hash & (b->cap - 1);
    while (b->slots[at].rowid)
        at = (at + 1) & (b->cap - 1);
    b->slots[at] = (pending_slot){ hash, rowid };
    b->used++;
}

static void forget_all(hh_store_bulk *b)
{
    if (b->slots)
        memset(b->slots, 0, b->cap * sizeof *b->slots);
    b->used = 0;
    b->last_rowid = 0;
    b->unsure = false;
}

/* Every pending row into `document`, in key order, in a transaction of its own:
 * none may be open. INSERT OR ROLLBACK with foreign keys off (each pending row's
 * household was checked when the row was added) needs no statement journal:
 * SQLite 3.40's, spilled to a file past SQLITE_CONFIG_STMTJRNL_SPILL, failed a
 * merge of 214,075 numbers with "database or disk is full" (a merge made so in the
 * sqlite3 shell, whose spill is 64 KiB, did not fail). */
int hh_store_bulk_merge(hh_store *s, hh_buf *err)
{
    int rc = hh_store_exec(s,
                           "PRAGMA foreign_keys = OFF; BEGIN IMMEDIATE;"
                           "INSERT OR ROLLBACK INTO document(document_type, document_number, household_id, line)"
                           " SELECT document_type, document_number, household_id, line FROM document_pending"
                           " ORDER BY document_type, document_number;"
                           "DELETE FROM document_pending; COMMIT;",
                           err);
    if (rc && (sqlite3_extended_errcode(s->db) & 0xff) == SQLITE_CONSTRAINT) { /* never made by hhreg */
        hh_buf_reset(err);
        hh_buf_printf(err,
                      hh_tr("%s: a document number waiting to be indexed is indexed already: the index is damaged; "
                            "'hhreg check' names the households",
                            "%s：一个待索引的证件号码已在索引中：索引已损坏；“hhreg check”会列出相关住户"),
                      s->path);
    }
    if (rc && !sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    hh_buf said; /* the merge's own failure is the one to tell */
    hh_buf_init(&said);
    if (hh_store_exec(s, "PRAGMA foreign_keys = ON", rc ? &said : err))
        rc = -1;
    hh_buf_free(&said);
    if (rc == 0 && s->bulk)
        forget_all(s->bulk);
    return rc;
}

int hh_store_merge_waiting_documents(hh_store *s, hh_buf *err)
{
    long waiting = hh_store_sql_long(s->db, "SELECT EXISTS (SELECT 1 FROM document_pending)");
    if (waiting < 0) {
        hh_buf_printf(err, "%s: %s", s->path, hh_store_errmsg(s));
        return -1;
    }
    return waiting ? hh_store_bulk_merge(s, err) : 0;
}

int hh_store_bulk_begin(hh_store *s, hh_buf *err)
{
    if (sodium_init() < 0) {
        hh_buf_printf(err, "%s", hh_tr("libsodium cannot start", "libsodium 无法启动"));
        return -1;
    }
    if (s->bulk)
        return 0;
    if (hh_store_cache_kb(s, BULK_CACHE_KB, err))
        return -1;
    s->bulk = hh_xcalloc(1, sizeof *s->bulk);
    crypto_shorthash_keygen(s->bulk->key);
    const char *at = getenv("HHREG_BULK_MERGE_AT");
    s->bulk->merge_at = at && atol(at) > 0 && (unsigned long)atol(at) < MERGE_AT ? (size_t)atol(at) : MERGE_AT;
    s->bulk->unsure = true; /* rows another connection left are merged at the first BEGIN */
    return 0;
}

int hh_store_bulk_end(hh_store *s, hh_buf *err)
{
    if (!s->bulk)
        return 0;
    int rc = s->bulk->last_rowid ? hh_store_bulk_merge(s, err) : 0; /* rows it added since its last merge */
    hh_store_bulk_free(s);
    hh_buf ignored; /* a smaller cache than wanted is no failure */
    hh_buf_init(&ignored);
    hh_store_cache_kb(s, HH_STORE_CACHE_KB, &ignored);
    hh_buf_free(&ignored);
    return rc;
}

void hh_store_bulk_free(hh_store *s)
{
    if (!s->bulk)
        return;
    free(s->bulk->slots);
    free(s->bulk);
    s->bulk = NULL;
}

void hh_store_bulk_rolled_back(hh_store *s)
{
    if (s->bulk)
        s->bulk->unsure = true;
}

int hh_store_bulk_merge_due(hh_store *s, hh_buf *err)
{
    hh_store_bulk *b = s->bulk;
    sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_PENDING_LAST, err);
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    sqlite3_int64 last = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (last < 0) {
        hh_buf_printf(err, "%s", hh_store_errmsg(s));
        return -1;
    }
    return b->unsure || last != b->last_rowid || b->used >= b->merge_at;
}

/* The pending row `rowid` if it holds `type` `number`: 1 with its household (malloc'd)
 * and line, 0 when it does not (a row rolled back or merged), -1 with `err`. */
static int pending_row(hh_store *s, sqlite3_int64 rowid, const char *type, const char *number, char **holder,
                       int *line, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_PENDING_AT, err);
    if (!st)
        return -1;
    sqlite3_bind_int64(st, 1, rowid);
    hh_store_bind_text(st, 2, type);
    hh_store_bind_text(st, 3, number);
    return hh_store_step_holder(s, st, holder, line, err);
}

int hh_store_bulk_holder(hh_store *s, const char *type, const char *number, char **holder, int *line, hh_buf *err)
{
    hh_store_bulk *b = s->bulk;
    if (!b->cap)
        return 0;
    uint64_t hash = number_hash(b, type, number);
    for (size_t at = (size_t)hash & (b->cap - 1); b->slots[at].rowid; at = (at + 1) & (b->cap - 1)) {
        if (b->slots[at].hash != hash)
            continue;
        int found = pending_row(s, b->slots[at].rowid, type, number, holder, line, err);
        if (found)
            return found;
    }
    return 0;
}

int hh_store_bulk_add(hh_store *s, const char *type, const char *number, const char *id, int line, hh_buf *err)
{
    sqlite3_stmt *st = hh_store_stmt(s, STMT_DOCUMENT_PENDING_INSERT, err);
    if (!st)
        return -1;
    hh_store_bind_text(st, 1, type);
    hh_store_bind_text(st, 2, number);
    hh_store_bind_text(st, 3, id);
    sqlite3_bind_int(st, 4, line);
    if (hh_store_step_done(s, st, err))
        return -1;
    s->bulk->last_rowid = sqlite3_last_insert_rowid(s->db);
    remember(s->bulk, number_hash(s->bulk, type, number), s->bulk->last_rowid);
    return 0;
}
