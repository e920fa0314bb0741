/* postgres.c — the `postgres` export plugin: loads a store into a central
 * PostgreSQL database (libpq), where a district's or a city's stores meet and
 * statisticians query them with SQL (docs/central.md).
 *
 * The household's review state (submitted, approved, returned: ABI 1.7) comes along.
 *
 * One run is one transaction: the households handed over are COPYed into staging
 * tables in batches (so memory stays flat), each batch then moved into the central
 * tables by set-based statements — the persons and visits of each household
 * replaced, the household upserted, a deleted household's rows removed and its
 * tombstone kept (no personal data of it stays) — while the
 * host reads the next; and the store's watermark
 * (its last change, ABI 1.6) kept in the same transaction. Into central tables that
 * are empty (a database's first load) the rows are COPYed straight in: there is
 * nothing to replace, and the upserts were a third of the load's time. The next run asks the
 * host for the changes after it, so a run repeated after a crash loads exactly what
 * is missing, and several stores feed one database, each with its own watermark.
 *
 * The tables' columns come from the host's item dictionary (ABI 1.4): an item's
 * column is its JSON key in snake case, prefixed with its group (enumeration_date,
 * functioning_seeing) except the address's. The tables are partitioned by district
 * (declarative LIST partitioning), a partition made the first time a district
 * arrives. Connection through libpq's own means (conninfo, PGHOST/PGSERVICE,
 * .pgpass); a password in conninfo is refused. No error quotes a value of a row. */
#include <ctype.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hhreg/plugin.h"

/* The kinds of rows sent, each to its own table. */
enum { ROWS_HOUSEHOLD, ROWS_PERSON, ROWS_VISIT, ROWS_TOMBSTONE, ROWS_REVISION, N_ROWS };

/* Households staged before the rows are sent (about 500 KB of COPY text; a grid of 812 is two batches). */
#define BATCH 500
#define MAX_COLUMNS 96

/* A growing text buffer (the plugin sees only the public headers). */
typedef struct text {
    char *data;
    size_t len, cap;
    int failed; /* out of memory: something was not added */
} text;

static int grow(text *t, size_t more)
{
    if (t->len + more + 1 <= t->cap)
        return 0;
    size_t cap = t->cap ? t->cap : 4096;
    while (cap < t->len + more + 1)
        cap *= 2;
    char *data = t->failed ? NULL : realloc(t->data, cap);
    if (!data) {
        t->failed = 1;
        return -1;
    }
    t->data = data;
    t->cap = cap;
    return 0;
}

static void add(text *t, const char *s, size_t n)
{
    if (grow(t, n) == 0) {
        memcpy(t->data + t->len, s, n);
        t->len += n;
        t->data[t->len] = '\0';
    }
}

static void adds(text *t, const char *s)
{
    add(t, s, strlen(s));
}

static void vaddf(text *t, const char *format, va_list ap) __attribute__((format(printf, 2, 0)));
static void vaddf(text *t, const char *format, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, format, ap);
    if (n >= 0 && grow(t, (size_t)n) == 0) {
        vsnprintf(t->data + t->len, (size_t)n + 1, format, again);
        t->len += (size_t)n;
    }
    va_end(again);
}

static void addf(text *t, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void addf(text *t, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vaddf(t, format, ap);
    va_end(ap);
}

/* One field of a COPY row in text format: \N for NULL, backslash, tab, line feed
 * and carriage return escaped; `last` ends the row. */
static void field(text *t, const char *v, int last)
{
    if (!v) {
        adds(t, "\\N");
    } else {
        for (const char *c = v; *c;) {
            size_t plain = strcspn(c, "\\\t\n\r"); /* copied as they are, in one piece */
            add(t, c, plain);
            c += plain;
            if (*c) {
                adds(t, *c == '\\' ? "\\\\" : *c == '\t' ? "\\t" : *c == '\n' ? "\\n" : "\\r");
                c++;
            }
        }
    }
    add(t, last ? "\n" : "\t", 1);
}

static void field_int(text *t, long long v, int last)
{
    char n[24];
    snprintf(n, sizeof n, "%lld", v);
    field(t, n, last);
}

/* A revision number that is 0 when there is none (a first revision's parent): NULL. */
static void field_revision(text *t, int v, int last)
{
    if (v > 0)
        field_int(t, v, last);
    else
        field(t, NULL, last);
}

/* The table of one scope: its columns and their SQL types, from the item dictionary. */
typedef struct table {
    const char *name;
    int scope;
    size_t n;
    char column[MAX_COLUMNS][64];
    const char *type[MAX_COLUMNS];
    size_t n_items, item[MAX_COLUMNS]; /* the scope's items written, by index, in column order */
} table;

/* The sender: a thread of the plugin's own that COPYs one batch of rows while the
 * host reads the next, so that reading the store and the server's inserting overlap
 * (one after the other, a first load of 465,116 households took 35.7 s). While it
 * is busy it alone uses the connection; what goes wrong is kept in `said`, for the
 * host's thread to report. */
typedef struct sender {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int running, busy, quit, failed;
    text batch[N_ROWS];
    char said[512];
} sender;

typedef struct state {
    hhreg_ctx *ctx;
    const hhreg_host_api *api;
    PGconn *db;
    char schema[64];
    table household, person, visit;
    text rows[N_ROWS]; /* staged COPY text: households, persons, visits, tombstones, revisions */
    text copy[N_ROWS]; /* the COPY statement of each */
    int straight; /* the central tables were empty: the rows go straight into them */
    char (*districts)[13]; /* the districts whose partitions are made */
    size_t n_districts;
    long pending, households, persons, visits, tombstones, revisions;
    long long since;
    sender send;
} state;

static const char *const stage_of[] = { "stage_household", "stage_person", "stage_visit", "stage_tombstone",
                                        "stage_revision" };

/* The columns the plugin adds around the items, per table, and their types. */
static const char *const household_meta[][2] = {
    { "store_id", "uuid NOT NULL" }, { "revision", "integer NOT NULL" }, { "made_in", "uuid" },
    { "parent", "integer" }, { "change", "bigint NOT NULL" }, { "deleted_at", "timestamptz" },
    { "review_state", "text" },
};
static const char *const household_derived[][2] = {
    { "size", "integer" }, { "elderly60", "integer" }, { "elderly65", "integer" },
    { "persons_with_disability", "integer" }, { "elderly_living_alone", "boolean" }, { "empty_nest", "boolean" },
};
static const char *const person_derived[][2] = {
    { "age", "integer" }, { "age_group", "text" }, { "elderly60", "boolean" }, { "elderly65", "boolean" },
    { "disabled", "boolean" },
};

/* What went wrong in the central database, said by the host (or kept for it, on
 * the sender's thread). */
static void fail(state *st, const char *what, const PGresult *r)
{
    char said[sizeof st->send.said];
    const char *code = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    /* data exceptions and constraint violations quote the value: never shown */
    if (code && (strncmp(code, "22", 2) == 0 || strncmp(code, "23", 2) == 0))
        snprintf(said, sizeof said, "%s: the central database refused a row (SQLSTATE %s); no value is shown", what,
                 code);
    else if (r && PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY))
        snprintf(said, sizeof said, "%s: %s (SQLSTATE %s)", what, PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY),
                 code ? code : "?");
    else {
        const char *m = PQerrorMessage(st->db);
        int n = (int)strcspn(m, "\n");
        snprintf(said, sizeof said, "%s: %.*s", what, n ? n : (int)sizeof said,
                 n ? m : "the connection to the central database failed");
    }
    if (st->send.running && pthread_equal(pthread_self(), st->send.thread))
        memcpy(st->send.said, said, sizeof said);
    else
        st->api->error(st->ctx, "%s", said);
}

/* Runs `sql` (with up to two text parameters); 0, or -1 with the error said. */
static int run(state *st, const char *what, const char *sql, const char *p1, const char *p2, PGresult **out)
{
    const char *params[2] = { p1, p2 };
    int n = p2 ? 2 : p1 ? 1 : 0;
    PGresult *r = PQexecParams(st->db, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType s = PQresultStatus(r);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        fail(st, what, r);
        PQclear(r);
        return -1;
    }
    if (out)
        *out = r;
    else
        PQclear(r);
    return 0;
}

static int runf(state *st, const char *what, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int runf(state *st, const char *what, const char *format, ...)
{
    text sql = { 0 };
    va_list ap;
    va_start(ap, format);
    vaddf(&sql, format, ap);
    va_end(ap);
    int rc = sql.data && !sql.failed ? run(st, what, sql.data, NULL, NULL, NULL) : -1;
    free(sql.data);
    return rc;
}

/* floorArea -> floor_area; a group's items take its name first (enumeration_date),
 * the address's not (district_code). */
static void column_name(const hhreg_item *it, char *out, size_t size)
{
    size_t n = 0;
    const char *parts[2] = { it->group && strcmp(it->group, "address") != 0 ? it->group : NULL, it->name };
    for (int p = 0; p < 2; p++) {
        if (!parts[p])
            continue;
        if (n && n + 1 < size)
            out[n++] = '_';
        for (const char *c = parts[p]; *c && n + 2 < size; c++) {
            if (isupper((unsigned char)*c)) {
                out[n++] = '_';
                out[n++] = (char)tolower((unsigned char)*c);
            } else {
                out[n++] = *c;
            }
        }
    }
    out[n] = '\0';
}

static const char *sql_type(const hhreg_item *it)
{
    return it->kind == HHREG_ITEM_DATE ? "date" : it->kind == HHREG_ITEM_NUMBER ? "numeric"
                                       : it->kind == HHREG_ITEM_BOOLEAN       ? "boolean"
                                                                               : "text";
}

static void add_column(table *t, const char *name, const char *type)
{
    if (t->n < MAX_COLUMNS) {
        snprintf(t->column[t->n], sizeof t->column[t->n], "%s", name);
        t->type[t->n++] = type;
    }
}

/* The columns of `t`: its keys, what the plugin adds, then the scope's items. */
static void describe(state *st, table *t, const char *name, int scope)
{
    t->name = name;
    t->scope = scope;
    t->n = 0;
    add_column(t, "district_code", "text NOT NULL");
    if (scope == HHREG_SCOPE_HOUSEHOLD)
        for (size_t k = 0; k < sizeof household_meta / sizeof household_meta[0]; k++)
            add_column(t, household_meta[k][0], household_meta[k][1]);
    else
        add_column(t, "household_id", "text NOT NULL");
    if (scope == HHREG_SCOPE_VISIT)
        add_column(t, "seq", "integer NOT NULL");
    size_t items = st->api->item_count(st->ctx, scope);
    t->n_items = 0;
    for (size_t k = 0; k < items && t->n < MAX_COLUMNS; k++) {
        const hhreg_item *it = st->api->item(st->ctx, scope, k);
        char c[64];
        column_name(it, c, sizeof c);
        if (strcmp(c, "district_code") != 0) { /* the household's is the partition key, first */
            add_column(t, c, sql_type(it));
            t->item[t->n_items++] = k;
        }
    }
    if (scope == HHREG_SCOPE_HOUSEHOLD)
        for (size_t k = 0; k < sizeof household_derived / sizeof household_derived[0]; k++)
            add_column(t, household_derived[k][0], household_derived[k][1]);
    if (scope == HHREG_SCOPE_PERSON)
        for (size_t k = 0; k < sizeof person_derived / sizeof person_derived[0]; k++)
            add_column(t, person_derived[k][0], person_derived[k][1]);
}

static const char *key_of(const table *t)
{
    return t->scope == HHREG_SCOPE_HOUSEHOLD ? "district_code, id"
           : t->scope == HHREG_SCOPE_PERSON  ? "district_code, household_id, line"
                                             : "district_code, household_id, seq";
}

static int create_tables(state *st)
{
    /* the schema only when it is missing: an account with rights on an administrator's
     * schema, not on the database, may still make the tables (CREATE SCHEMA IF NOT
     * EXISTS asks for the database's right first) */
    PGresult *r;
    if (run(st, "read the central schema", "SELECT to_regnamespace($1) IS NULL", st->schema, NULL, &r))
        return -1;
    int missing = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if ((missing && runf(st, "create the schema", "CREATE SCHEMA %s", st->schema)) ||
        runf(st, "create the table of stores",
             "CREATE TABLE IF NOT EXISTS %s.source (store_id uuid PRIMARY KEY, last_change bigint NOT NULL,"
             " loaded_at timestamptz NOT NULL, runs bigint NOT NULL DEFAULT 1)",
             st->schema) ||
        runf(st, "create the table of deletions",
             "CREATE TABLE IF NOT EXISTS %s.tombstone (district_code text NOT NULL, household_id text NOT NULL,"
             " store_id uuid NOT NULL, revision integer NOT NULL, deleted_at timestamptz NOT NULL, reason text,"
             " change bigint NOT NULL, PRIMARY KEY (district_code, household_id, store_id, change))",
             st->schema) ||
        runf(st, "create the table of revisions",
             "CREATE TABLE IF NOT EXISTS %s.revision (district_code text NOT NULL, household_id text NOT NULL,"
             " store_id uuid NOT NULL, revision integer NOT NULL, made_in uuid, origin integer NOT NULL,"
             " parent integer, merged_from integer, stored_at timestamptz NOT NULL, content_sha256 text,"
             " change bigint NOT NULL,"
             " PRIMARY KEY (district_code, household_id, store_id, revision))",
             st->schema))
        return -1;
    const table *tables[] = { &st->household, &st->person, &st->visit };
    for (int k = 0; k < 3; k++) {
        const table *t = tables[k];
        text sql = { 0 };
        addf(&sql, "CREATE TABLE IF NOT EXISTS %s.%s (", st->schema, t->name);
        for (size_t c = 0; c < t->n; c++)
            addf(&sql, "%s%s %s", c ? ", " : "", t->column[c], t->type[c]);
        addf(&sql, ", PRIMARY KEY (%s)) PARTITION BY LIST (district_code)", key_of(t));
        int rc = sql.data ? run(st, "create the central tables", sql.data, NULL, NULL, NULL) : -1;
        free(sql.data);
        if (rc)
            return -1;
    }
    return 0;
}

/* The central tables must hold every column this host's items make, and the table
 * of revisions (added on 2026-12-06) must be there. */
static int check_tables(state *st)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT to_regclass('%s.revision') IS NOT NULL", st->schema);
    PGresult *there;
    if (run(st, "read the central tables", sql, NULL, NULL, &there))
        return -1;
    int revisions = PQntuples(there) == 1 && strcmp(PQgetvalue(there, 0, 0), "t") == 0;
    PQclear(there);
    if (!revisions) {
        st->api->error(st->ctx, "the central database has no table %s.revision (its tables were made by an older"
                                " hhreg): run once with --opt create=yes, or have it made as docs/central.md shows",
                       st->schema);
        return -1;
    }
    const table *tables[] = { &st->household, &st->person, &st->visit };
    for (int k = 0; k < 3; k++) {
        PGresult *r;
        if (run(st, "read the central tables",
                "SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
                st->schema, tables[k]->name, &r))
            return -1;
        int found = PQntuples(r);
        for (size_t c = 0; c < tables[k]->n; c++) {
            int here = 0;
            for (int i = 0; i < PQntuples(r) && !here; i++)
                here = strcmp(PQgetvalue(r, i, 0), tables[k]->column[c]) == 0;
            if (!here) {
                if (found)
                    st->api->error(st->ctx, "the central table %s.%s has no column %s: it was made by an older"
                                            " hhreg; add the column (docs/central.md)",
                                   st->schema, tables[k]->name, tables[k]->column[c]);
                else
                    st->api->error(st->ctx, "the central database has no table %s.%s: make the tables once with"
                                            " --opt create=yes",
                                   st->schema, tables[k]->name);
                PQclear(r);
                return -1;
            }
        }
        PQclear(r);
    }
    return 0;
}

static int move_staged(state *st);

/* Sends rows `t` of table `which` with COPY, and empties `t`; 0 or -1. */
static int send_rows(state *st, text *t, int which)
{
    if (!t->len)
        return 0;
    PGresult *r = PQexec(st->db, st->copy[which].data);
    int ok = PQresultStatus(r) == PGRES_COPY_IN;
    if (!ok)
        fail(st, "load the households", r);
    PQclear(r);
    if (!ok)
        return -1;
    if (PQputCopyData(st->db, t->data, (int)t->len) != 1 || PQputCopyEnd(st->db, NULL) != 1) {
        fail(st, "load the households", NULL);
        return -1;
    }
    int rc = 0;
    while ((r = PQgetResult(st->db)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == 0) {
            fail(st, "load the households", r);
            rc = -1;
        }
        PQclear(r);
    }
    t->len = 0;
    return rc;
}

/* Sends one batch of rows, each kind with COPY, and, unless they went straight into
 * the central tables, moves them there and empties the staging tables, so that the
 * server moves a batch while the host reads the next (an incremental run of 4,651
 * households: moved at the end, 0.99-1.29 s; batch by batch, see docs/central.md);
 * 0 or -1. */
static int send_batch(state *st, text rows[N_ROWS])
{
    int any = 0;
    for (int k = 0; k < N_ROWS; k++) {
        any |= rows[k].len > 0;
        if (send_rows(st, &rows[k], k))
            return -1;
    }
    if (st->straight || !any)
        return 0;
    return move_staged(st) || runf(st, "empty the staging tables", "TRUNCATE %s, %s, %s, %s, %s", stage_of[0],
                                   stage_of[1], stage_of[2], stage_of[3], stage_of[4])
               ? -1
               : 0;
}

static void *sender_main(void *arg)
{
    state *st = arg;
    sender *snd = &st->send;
    pthread_mutex_lock(&snd->lock);
    for (;;) {
        while (!snd->busy && !snd->quit)
            pthread_cond_wait(&snd->changed, &snd->lock);
        if (!snd->busy)
            break;
        pthread_mutex_unlock(&snd->lock);
        int failed = send_batch(st, snd->batch) != 0;
        pthread_mutex_lock(&snd->lock);
        snd->failed |= failed;
        snd->busy = 0;
        pthread_cond_broadcast(&snd->changed);
    }
    pthread_mutex_unlock(&snd->lock);
    return NULL;
}

/* Waits until the sender has sent what it was handed (the connection is then the
 * host thread's); 0, or -1 with what went wrong said. */
static int sender_wait(state *st)
{
    sender *snd = &st->send;
    if (!snd->running)
        return 0;
    pthread_mutex_lock(&snd->lock);
    while (snd->busy)
        pthread_cond_wait(&snd->changed, &snd->lock);
    int failed = snd->failed;
    pthread_mutex_unlock(&snd->lock);
    if (failed && snd->said[0]) {
        st->api->error(st->ctx, "%s", snd->said);
        snd->said[0] = '\0';
    }
    return failed ? -1 : 0;
}

static void sender_start(state *st)
{
    sender *snd = &st->send;
    pthread_mutex_init(&snd->lock, NULL);
    pthread_cond_init(&snd->changed, NULL);
    snd->running = pthread_create(&snd->thread, NULL, sender_main, st) == 0;
    if (!snd->running) { /* then every batch is sent on the host's thread */
        pthread_cond_destroy(&snd->changed);
        pthread_mutex_destroy(&snd->lock);
    }
}

static void sender_stop(state *st)
{
    sender *snd = &st->send;
    if (snd->running) {
        pthread_mutex_lock(&snd->lock);
        snd->quit = 1;
        pthread_cond_broadcast(&snd->changed);
        pthread_mutex_unlock(&snd->lock);
        pthread_join(snd->thread, NULL);
        snd->running = 0;
        pthread_cond_destroy(&snd->changed);
        pthread_mutex_destroy(&snd->lock);
    }
    for (int k = 0; k < N_ROWS; k++)
        free(snd->batch[k].data);
}

/* The rows staged so far handed to the sender (sent here when there is none, or
 * when `now`: then they are sent when this returns); 0 or -1. */
static int send_all(state *st, int now)
{
    for (int k = 0; k < N_ROWS; k++)
        if (st->rows[k].failed) {
            st->api->error(st->ctx, "out of memory");
            return -1;
        }
    if (sender_wait(st))
        return -1;
    st->pending = 0;
    if (!st->send.running || now)
        return send_batch(st, st->rows);
    sender *snd = &st->send;
    pthread_mutex_lock(&snd->lock);
    for (int k = 0; k < N_ROWS; k++) { /* the sender's emptied buffers are filled next */
        text spare = snd->batch[k];
        snd->batch[k] = st->rows[k];
        st->rows[k] = spare;
    }
    snd->busy = 1;
    pthread_cond_broadcast(&snd->changed);
    pthread_mutex_unlock(&snd->lock);
    return 0;
}

static const hhreg_option_spec options[] = {
    { "conninfo", HHREG_OPTION_STRING, NULL,
      "libpq connection string (host=... dbname=... service=...); default: PGHOST, PGSERVICE and the rest of"
      " libpq's environment. Never a password: use ~/.pgpass or PGPASSFILE",
      NULL },
    { "schema", HHREG_OPTION_STRING, "hhreg", "the schema of the central tables", NULL },
    { "create", HHREG_OPTION_BOOL, "no", "make the schema and its tables when they are not there", NULL },
    { "full", HHREG_OPTION_BOOL, "no",
      "load every household, not only the changes after the store's watermark in the central database", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

/* A conninfo that names a password is refused: it would sit in the shell's history
 * and in the process list. */
static int conninfo_ok(state *st, const char *conninfo)
{
    char *why = NULL;
    PQconninfoOption *o = PQconninfoParse(conninfo, &why);
    if (!o) {
        st->api->error(st->ctx, "conninfo: %s", why ? why : "not a connection string");
        PQfreemem(why);
        return -1;
    }
    int password = 0;
    for (PQconninfoOption *k = o; k->keyword; k++)
        if (strcmp(k->keyword, "password") == 0 && k->val && *k->val)
            password = 1;
    PQconninfoFree(o);
    if (password)
        st->api->error(st->ctx, "conninfo names a password: keep it in ~/.pgpass (or PGPASSFILE), never on the"
                                " command line");
    return password ? -1 : 0;
}

static int schema_ok(state *st, const char *schema)
{
    size_t n = strlen(schema);
    int ok = n > 0 && n < sizeof st->schema && (islower((unsigned char)schema[0]) || schema[0] == '_');
    for (size_t k = 0; ok && k < n; k++)
        ok = islower((unsigned char)schema[k]) || isdigit((unsigned char)schema[k]) || schema[k] == '_';
    if (!ok)
        st->api->error(st->ctx, "schema: a name of lower-case letters, digits and _ (at most %zu)",
                       sizeof st->schema - 1);
    else
        snprintf(st->schema, sizeof st->schema, "%s", schema);
    return ok ? 0 : -1;
}

/* The store's watermark in the central database, as the host's own: 0, or -1. */
static int take_watermark(state *st)
{
    const char *store = st->api->store_id(st->ctx);
    char sql[192];
    PGresult *r;
    if (st->api->since(st->ctx) >= 0 || st->api->option_bool(st->ctx, "full"))
        return 0; /* --since given, or everything asked for (every deletion comes too) */
    snprintf(sql, sizeof sql, "SELECT last_change FROM %s.source WHERE store_id = $1", st->schema);
    if (run(st, "read the store's watermark", sql, store, NULL, &r))
        return -1;
    long long mark = PQntuples(r) ? atoll(PQgetvalue(r, 0, 0)) : -1;
    PQclear(r);
    /* a store loaded before the table of revisions was: its older history is missing */
    snprintf(sql, sizeof sql, "SELECT NOT EXISTS (SELECT 1 FROM %s.revision WHERE store_id = $1)", st->schema);
    if (mark > 0 && run(st, "read the central revisions", sql, store, NULL, &r))
        return -1;
    int no_history = mark > 0 && PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    if (mark > 0)
        PQclear(r);
    if (no_history) {
        st->api->error(st->ctx, "the central database holds this store up to change %lld but none of its"
                                " revisions (it was loaded before the table of revisions was made): load it"
                                " whole once with --opt full=yes",
                       mark);
        return -1;
    }
    if (mark >= 0 && st->api->set_since(st->ctx, mark) != 0) {
        st->api->info(st->ctx, "the central database holds this store up to change %lld: load it whole with"
                               " --opt full=yes",
                      mark);
        return -1;
    }
    return 0;
}

/* Runs into one schema take turns, whatever store they load: each holds this lock
 * until it commits. Two at once would each hold a lock on the central tables that
 * the other's new partition (CREATE TABLE ... PARTITION OF) must wait for, and the
 * emptiness decide_straight sees must stay true until the rows are in. */
static int take_turn(state *st)
{
    return run(st, "wait for other loads into the schema", "SELECT pg_advisory_xact_lock(hashtext('hhreg:' || $1))",
               st->schema, NULL, NULL);
}

/* Whether the central tables are empty, so that this run's rows may be COPYed
 * straight into them (decided in its turn: no other run loads meanwhile); 0, or -1. */
static int decide_straight(state *st)
{
    const char *s = st->schema;
    char sql[768];
    snprintf(sql, sizeof sql,
             "SELECT NOT EXISTS (SELECT 1 FROM %s.household) AND NOT EXISTS (SELECT 1 FROM %s.person)"
             " AND NOT EXISTS (SELECT 1 FROM %s.visit) AND NOT EXISTS (SELECT 1 FROM %s.tombstone)"
             " AND NOT EXISTS (SELECT 1 FROM %s.revision)",
             s, s, s, s, s);
    PGresult *r;
    if (run(st, "read the central tables", sql, NULL, NULL, &r))
        return -1;
    st->straight = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    return 0;
}

/* A notice of the server (a WARNING: client_min_messages keeps the rest away) as a
 * line of this plugin's, on standard error as libpq's own would be: it may come on
 * the sender's thread, where no host function may be called (plugin.h). */
static void say_notice(void *arg, const char *message)
{
    (void)arg;
    size_t n = strlen(message);
    while (n && (message[n - 1] == '\n' || message[n - 1] == '\r'))
        n--;
    fprintf(stderr, "hhreg export: plugin postgres: the central database says: %.*s\n", (int)n, message);
}

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    state *st = calloc(1, sizeof *st);
    if (!st)
        return -1;
    st->ctx = ctx;
    st->api = api;
    *out = st;
    const char *conninfo = api->option(ctx, "conninfo");
    if (conninfo_ok(st, conninfo ? conninfo : "") || schema_ok(st, api->option(ctx, "schema")))
        return -1;
    st->db = PQconnectdb(conninfo ? conninfo : "");
    if (st->db)
        PQsetNoticeProcessor(st->db, say_notice, NULL);
    if (PQstatus(st->db) != CONNECTION_OK) {
        fail(st, "cannot connect to the central database", NULL);
        return -1;
    }
    describe(st, &st->household, "household", HHREG_SCOPE_HOUSEHOLD);
    describe(st, &st->person, "person", HHREG_SCOPE_PERSON);
    describe(st, &st->visit, "visit", HHREG_SCOPE_VISIT);
    /* the server's notices ("relation ... already exists, skipping" of each run's
     * CREATE ... IF NOT EXISTS) are not for the user: warnings and errors are */
    if (run(st, "set the encoding", "SET client_encoding = 'UTF8'", NULL, NULL, NULL) ||
        run(st, "set the messages", "SET client_min_messages = warning", NULL, NULL, NULL) ||
        run(st, "begin", "BEGIN", NULL, NULL, NULL) || take_turn(st) ||
        (api->option_bool(ctx, "create") && create_tables(st)) || check_tables(st) || take_watermark(st) ||
        (api->option_bool(ctx, "full") &&
         runf(st, "remove the rows of deleted households", "DELETE FROM %s.household WHERE deleted_at IS NOT NULL",
              st->schema)))
        return -1;
    if (decide_straight(st))
        return -1;
    static const char *const target_of[] = { "household", "person", "visit", "tombstone", "revision" };
    static const char *const own_columns[] = { /* of the tables whose columns are not items */
        [ROWS_TOMBSTONE] = "district_code, household_id, store_id, revision, deleted_at, reason, change",
        [ROWS_REVISION] = "district_code, household_id, store_id, revision, made_in, origin, parent, merged_from,"
                          " stored_at, content_sha256, change",
    };
    const table *tables[] = { &st->household, &st->person, &st->visit };
    for (int k = 0; k < N_ROWS; k++) {
        if (!st->straight && runf(st, "make the staging tables",
                                  "CREATE TEMP TABLE %s (LIKE %s.%s INCLUDING DEFAULTS) ON COMMIT DROP", stage_of[k],
                                  st->schema, target_of[k]))
            return -1;
        /* the columns named: a central table may have more, or in another order */
        text *copy = &st->copy[k];
        if (st->straight)
            addf(copy, "COPY %s.%s (", st->schema, target_of[k]);
        else
            addf(copy, "COPY %s (", stage_of[k]);
        if (k < 3)
            for (size_t c = 0; c < tables[k]->n; c++)
                addf(copy, "%s%s", c ? ", " : "", tables[k]->column[c]);
        else
            adds(copy, own_columns[k]);
        adds(copy, ") FROM STDIN");
        if (copy->failed) {
            api->error(ctx, "out of memory");
            return -1;
        }
    }
    sender_start(st);
    st->since = api->since(ctx);
    const char *how = st->straight ? " (the central tables are empty: straight into them)" : "";
    if (st->since >= 0)
        api->info(ctx, "loading the changes after %lld of store %s%s", st->since, api->store_id(ctx), how);
    else
        api->info(ctx, "loading every household of store %s%s", api->store_id(ctx), how);
    return 0;
}

/* A partition of each central table for district `d` of a household or deletion
 * handed over, made when missing, before any of its rows is sent; 0, or -1. */
static int partition_for(state *st, const char *d)
{
    for (size_t k = st->n_districts; k-- > 0;)
        if (strcmp(st->districts[k], d) == 0)
            return 0;
    int plain = *d != '\0' && strlen(d) <= 12;
    for (const char *c = d; *c && plain; c++)
        plain = isdigit((unsigned char)*c);
    if (!plain) {
        st->api->error(st->ctx, "a district code of the store is not 1-12 digits");
        return -1;
    }
    if (sender_wait(st))
        return -1;
    static const char *const tables[] = { "household", "person", "visit" };
    for (int k = 0; k < 3; k++)
        if (runf(st, "make a district's partition",
                 "CREATE TABLE IF NOT EXISTS %s.%s_%s PARTITION OF %s.%s FOR VALUES IN ('%s')", st->schema, tables[k],
                 d, st->schema, tables[k], d))
            return -1;
    char(*more)[13] = realloc(st->districts, (st->n_districts + 1) * sizeof *st->districts);
    if (!more) {
        st->api->error(st->ctx, "out of memory");
        return -1;
    }
    st->districts = more;
    snprintf(st->districts[st->n_districts++], sizeof *st->districts, "%s", d);
    return 0;
}

/* The item values of `record` in the order of table `tb`'s item columns. */
static void item_fields(state *st, text *t, const void *record, const table *tb, int last)
{
    for (size_t k = 0; k < tb->n_items; k++)
        field(t, st->api->item_text(st->ctx, record, tb->scope, tb->item[k]), last && k + 1 == tb->n_items);
}

static const char *flag(int v)
{
    return v ? "true" : "false";
}

/* One more record staged: the batch handed to the sender when it is full; 0 or -1. */
static int staged(state *st)
{
    return ++st->pending >= BATCH ? send_all(st, 0) : 0;
}

/* The first columns of a deletion's or a revision's row: whose, from which store. */
static void key_fields(state *st, text *t, const char *district, const char *id, int revision)
{
    field(t, district, 0);
    field(t, id, 0);
    field(t, st->api->store_id(st->ctx), 0);
    field_int(t, revision, 0);
}

static int household(hhreg_ctx *ctx, void *arg, unsigned pass, const hhreg_household *h)
{
    (void)ctx;
    (void)pass;
    state *st = arg;
    if (partition_for(st, h->district_code ? h->district_code : ""))
        return -1;
    text *t = &st->rows[ROWS_HOUSEHOLD];
    field(t, h->district_code, 0);
    field(t, st->api->store_id(st->ctx), 0);
    field_int(t, h->revision, 0);
    field(t, h->made_in, 0);
    field_revision(t, h->parent, 0);
    field_int(t, h->change, 0);
    field(t, NULL, 0); /* deleted_at: a household handed over is current */
    const char *review = st->api->review_state(st->ctx, h);
    if (!review)
        return -1; /* the host said why */
    field(t, review, 0);
    item_fields(st, t, h, &st->household, 0);
    field_int(t, h->size, 0);
    field_int(t, h->elderly60, 0);
    field_int(t, h->elderly65, 0);
    field_int(t, h->persons_with_disability, 0);
    field(t, flag(h->elderly_living_alone), 0);
    field(t, flag(h->empty_nest), 1);
    for (size_t k = 0; k < h->n_persons; k++) {
        const hhreg_person *p = &h->persons[k];
        text *pt = &st->rows[ROWS_PERSON];
        field(pt, h->district_code, 0);
        field(pt, h->id, 0);
        item_fields(st, pt, p, &st->person, 0);
        field_int(pt, p->age, 0);
        field(pt, p->age_group, 0);
        field(pt, flag(p->elderly60), 0);
        field(pt, flag(p->elderly65), 0);
        field(pt, flag(p->disabled), 1);
    }
    for (size_t k = 0; k < h->n_visits; k++) {
        text *vt = &st->rows[ROWS_VISIT];
        field(vt, h->district_code, 0);
        field(vt, h->id, 0);
        field_int(vt, (long long)k + 1, 0);
        item_fields(st, vt, &h->visits[k], &st->visit, 1);
    }
    st->households++;
    st->persons += (long)h->n_persons;
    st->visits += (long)h->n_visits;
    return staged(st);
}

static int tombstone(hhreg_ctx *ctx, void *arg, const hhreg_tombstone *ts)
{
    (void)ctx;
    state *st = arg;
    text *t = &st->rows[ROWS_TOMBSTONE];
    char district[7];
    snprintf(district, sizeof district, "%.6s", ts->id); /* a household id begins with its district's code */
    if (partition_for(st, district))
        return -1;
    key_fields(st, t, district, ts->id, ts->revision);
    field(t, ts->deleted_at, 0);
    field(t, ts->reason, 0);
    field_int(t, ts->change, 1);
    st->tombstones++;
    return staged(st);
}

/* A revision's lineage, kept once: revisions never change. */
static int revision(hhreg_ctx *ctx, void *arg, const hhreg_revision *r)
{
    (void)ctx;
    state *st = arg;
    text *t = &st->rows[ROWS_REVISION];
    key_fields(st, t, r->district_code, r->id, r->revision);
    field(t, r->made_in, 0);
    field_int(t, r->origin, 0);
    field_revision(t, r->parent, 0);
    field_revision(t, r->merged_from, 0);
    field(t, r->stored_at, 0);
    field(t, r->content_sha256, 0);
    field_int(t, r->change, 1);
    st->revisions++;
    return staged(st);
}

/* The staged rows moved into the central tables: each household's persons and
 * visits replaced, the household upserted, the deletions applied; 0, or -1. */
static int move_staged(state *st)
{
    text set = { 0 };
    for (size_t c = 1; c < st->household.n; c++) /* all but the key (district_code, id) */
        if (strcmp(st->household.column[c], "id") != 0)
            addf(&set, "%s%s = EXCLUDED.%s", set.len ? ", " : "", st->household.column[c], st->household.column[c]);
    const char *s = st->schema;
    int rc = !set.data || set.failed ||
             runf(st, "replace the persons", "DELETE FROM %s.person p USING stage_household h"
                  " WHERE p.district_code = h.district_code AND p.household_id = h.id", s) ||
             runf(st, "replace the visits", "DELETE FROM %s.visit v USING stage_household h"
                  " WHERE v.district_code = h.district_code AND v.household_id = h.id", s) ||
             runf(st, "store the households", "INSERT INTO %s.household SELECT * FROM stage_household"
                  " ON CONFLICT (district_code, id) DO UPDATE SET %s", s, set.data) ||
             runf(st, "store the persons", "INSERT INTO %s.person SELECT * FROM stage_person", s) ||
             runf(st, "store the visits", "INSERT INTO %s.visit SELECT * FROM stage_visit", s) ||
             runf(st, "store the deletions", "INSERT INTO %s.tombstone SELECT * FROM stage_tombstone"
                  " ON CONFLICT DO NOTHING", s) ||
             runf(st, "store the revisions", "INSERT INTO %s.revision SELECT * FROM stage_revision"
                  " ON CONFLICT DO NOTHING", s) ||
             /* a deleted household leaves its tombstone and revisions, no row: unless this
              * store stored it again after its deletion (undeleted within the run); the
              * change numbers of two stores are not comparable, and the last load wins */
             runf(st, "apply the deletions", "DELETE FROM %s.household h USING stage_tombstone t"
                  " WHERE h.district_code = t.district_code AND h.id = t.household_id"
                  " AND (h.store_id <> t.store_id OR h.change < t.change)", s) ||
             runf(st, "apply the deletions", "DELETE FROM %s.person p USING stage_tombstone t"
                  " WHERE p.district_code = t.district_code AND p.household_id = t.household_id AND NOT EXISTS"
                  " (SELECT 1 FROM %s.household h WHERE h.district_code = t.district_code AND h.id = t.household_id)",
                  s, s) ||
             runf(st, "apply the deletions", "DELETE FROM %s.visit v USING stage_tombstone t"
                  " WHERE v.district_code = t.district_code AND v.household_id = t.household_id AND NOT EXISTS"
                  " (SELECT 1 FROM %s.household h WHERE h.district_code = t.district_code AND h.id = t.household_id)",
                  s, s);
    free(set.data);
    return rc ? -1 : 0;
}

/* The run's end, its last batch sent and moved: the store's watermark kept,
 * committed; 0, or -1. */
static int apply(state *st)
{
    char last[24];
    snprintf(last, sizeof last, "%lld", st->api->last_change(st->ctx));
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO %s.source (store_id, last_change, loaded_at) VALUES ($1, $2, now()) ON CONFLICT (store_id)"
             " DO UPDATE SET last_change = EXCLUDED.last_change, loaded_at = now(), runs = source.runs + 1",
             st->schema);
    return run(st, "keep the watermark", sql, st->api->store_id(st->ctx), last, NULL) ||
                   run(st, "commit", "COMMIT", NULL, NULL, NULL)
               ? -1
               : 0;
}

static int end(hhreg_ctx *ctx, void *arg, int ok)
{
    state *st = arg;
    int rc = -1;
    if (st && st->db && ok && send_all(st, 1) == 0 && apply(st) == 0) {
        rc = 0;
        st->api->info(ctx, "%ld household(s), %ld person(s), %ld visit(s), %ld deletion(s) and %ld revision(s)"
                           " loaded into %s; the store's watermark there is now %lld",
                      st->households, st->persons, st->visits, st->tombstones, st->revisions, st->schema,
                      st->api->last_change(ctx));
        st->api->writef(ctx,
                        "{\"store\":\"%s\",\"since\":%lld,\"lastChange\":%lld,\"households\":%ld,\"persons\":%ld,"
                        "\"visits\":%ld,\"deletions\":%ld,\"revisions\":%ld,\"schema\":\"%s\"}\n",
                        st->api->store_id(ctx), st->since, st->api->last_change(ctx), st->households, st->persons,
                        st->visits, st->tombstones, st->revisions, st->schema);
    }
    if (st) {
        sender_stop(st); /* it ends the batch it is sending */
        if (st->db)
            PQfinish(st->db); /* a transaction not committed is rolled back */
        for (int k = 0; k < N_ROWS; k++) {
            free(st->rows[k].data);
            free(st->copy[k].data);
        }
        free(st->districts);
        free(st);
    }
    return rc;
}

const hhreg_plugin hhreg_plugin_postgres = {
    HHREG_PLUGIN_HEADER(8), /* the item dictionary, the change feed, the network, revisions */
    .name = "postgres",
    .version = "1.0",
    .summary = "load the store into a central PostgreSQL database, incrementally (docs/central.md)",
    .options = options,
    .extension = "json",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML | HHREG_PLUGIN_NETWORK,
    .tombstone = tombstone,
    .revision = revision,
};
