/* test_central.c — the `postgres` plugin against a real PostgreSQL: the suite makes
 * its own cluster (initdb in a temporary directory, as an unprivileged user when it
 * runs as root; a Unix socket in that directory, no TCP) and removes it at the end;
 * where PostgreSQL is not installed its tests say so and pass without running. A
 * grid loaded and compared row by row with the store, two stores feeding one
 * database, revisions, visits and a deletion arriving incrementally, the plugin
 * killed with SIGKILL mid-run and run again, names with tabs, line breaks,
 * backslashes and quotes, and a wrong connection or login. */
#define _GNU_SOURCE
#include <check.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

Suite *make_central_suite(void);

static char *cluster;   /* the cluster's directory: data/, the socket, the log */
static char *bin;       /* PostgreSQL's programs */
static char *conninfo;  /* --opt conninfo=... */

/* The command run as the cluster's owner: nobody when the suite runs as root. */
static char *as_owner(const char *command)
{
    return geteuid() == 0 ? hh_xasprintf("runuser -u nobody -- %s", command) : hh_xstrdup(command);
}

static void cluster_start(void)
{
    glob_t g;
    if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) != 0 || g.gl_pathc == 0) {
        fprintf(stderr, "central: PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the tests of"
                        " the postgres plugin are skipped; apt-get install postgresql to run them\n");
        globfree(&g);
        return;
    }
    bin = hh_xstrdup(g.gl_pathv[g.gl_pathc - 1]);
    *strrchr(bin, '/') = '\0';
    globfree(&g);
    cluster = tu_tempdir();
    ck_assert_int_eq(chmod(cluster, 0755), 0);
    if (geteuid() == 0) {
        struct passwd *nobody = getpwnam("nobody");
        ck_assert_ptr_nonnull(nobody);
        ck_assert_int_eq(chown(cluster, nobody->pw_uid, nobody->pw_gid), 0);
    }
    char *cmd = hh_xasprintf("%s/initdb -D %s/data -A trust -U hhreg -E UTF8 --no-sync > %s/initdb.log 2>&1", bin,
                             cluster, cluster);
    char *run = as_owner(cmd);
    ck_assert_msg(system(run) == 0, "initdb failed: see %s/initdb.log", cluster);
    free(run);
    free(cmd);
    cmd = hh_xasprintf("%s/pg_ctl -D %s/data -o \"-k %s -c listen_addresses= -c fsync=off\" -l %s/log -w start"
                       " > /dev/null",
                       bin, cluster, cluster, cluster);
    run = as_owner(cmd);
    ck_assert_msg(system(run) == 0, "PostgreSQL did not start: see %s/log", cluster);
    free(run);
    free(cmd);
    conninfo = hh_xasprintf("conninfo=host=%s user=hhreg dbname=postgres", cluster);
}

static void cluster_stop(void)
{
    if (!cluster)
        return;
    char *cmd = hh_xasprintf("%s/pg_ctl -D %s/data -m immediate -w stop > /dev/null", bin, cluster);
    char *run = as_owner(cmd);
    if (system(run) != 0)
        fprintf(stderr, "central: pg_ctl stop failed\n");
    free(run);
    free(cmd);
    tu_rmrf(cluster);
    free(cluster);
    free(bin);
    free(conninfo);
    cluster = bin = conninfo = NULL;
}

/* Each test starts from an empty central database. */
static void setup(void)
{
    tu_grid_setup();
    if (cluster) {
        char *cmd = hh_xasprintf("psql -h %s -U hhreg -d postgres -q -c 'DROP SCHEMA IF EXISTS hhreg CASCADE'"
                                 " > /dev/null 2>&1", cluster);
        ck_assert_int_eq(system(cmd), 0);
        free(cmd);
    }
}

#define SKIP_WITHOUT_POSTGRES() \
    do {                       \
        if (!cluster)          \
            return;            \
    } while (0)

/* A query's rows as psql -At gives them ('|' between columns). */
static char *query(const char *sql)
{
    char *cmd = hh_xasprintf("psql -h %s -U hhreg -d postgres -At -v ON_ERROR_STOP=1 -c \"%s\"", cluster, sql);
    char *out = tu_shell(cmd);
    free(cmd);
    return out;
}

static long query_long(const char *sql)
{
    char *out = query(sql);
    long v = atol(out);
    free(out);
    return v;
}

/* A load, with one more option `extra` ("schema=...") or none. */
static tu_result load(const char *db, const char *extra)
{
    return tu_hhreg(NULL, NULL, "export", "--db", db, "--plugin-dir", getenv("HHREG_PLUGINS"), "--allow-network",
                    "--opt", conninfo, "--opt", extra ? extra : "create=yes", "--opt", "create=yes", "postgres",
                    NULL);
}

/* A load that reports `report`; what the plugin said, for the caller to free. */
static char *load_said(const char *db, const char *report)
{
    tu_result r = tu_hhreg(NULL, NULL, "export", "--db", db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                           "--allow-network", "--opt", conninfo, "--opt", "create=yes", "postgres", NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, report) != NULL, "wanted '%s' in %s", report, r.out);
    /* the server's notices (a partition or table there already) are not the user's */
    ck_assert_msg(!strstr(r.err, "NOTICE"), "%s", r.err);
    char *said = r.err;
    r.err = NULL;
    tu_result_free(&r);
    return said;
}

static void load_ok(const char *db, const char *report)
{
    free(load_said(db, report));
}

#define STRAIGHT "(the central tables are empty: straight into them)"

/* The store's current persons, as `sqlite3` lists them, against the central ones. */
static void assert_same_persons(const char *db)
{
    char *cmd = hh_xasprintf("sqlite3 -separator '|' %s \"SELECT p.household_id, p.line, p.name, p.sex, p.birth_date,"
                             " coalesce(p.document_number, ''), p.age FROM person p JOIN household h ON h.id ="
                             " p.household_id AND p.revision = h.current_revision WHERE h.deleted_at IS NULL"
                             " ORDER BY 1, 2\"",
                             db);
    char *store = tu_shell(cmd);
    char *central = query("SELECT household_id, line, name, sex, birth_date, coalesce(document_number, ''), age"
                          " FROM hhreg.person ORDER BY 1, 2");
    ck_assert_msg(strcmp(store, central) == 0, "the central persons differ from the store's");
    free(central);
    free(store);
    free(cmd);
}

START_TEST(a_grid_is_loaded_as_the_store_holds_it)
{
    SKIP_WITHOUT_POSTGRES();
    char *said = load_said(tu_store_db, "\"households\":812,\"persons\":1751");
    ck_assert_msg(strstr(said, STRAIGHT), "a first load COPYs straight into the empty tables: %s", said);
    free(said);
    assert_same_persons(tu_store_db);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household"), 812);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.visit"),
                     tu_sql_count(tu_store_db, "SELECT count(*) FROM visit"));
    /* a household's values against show --json: the floor area, the head's name and derived age */
    tu_result r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--json", "510105016003-03-0001", NULL);
    char *row = query("SELECT floor_area, enumeration_date, size FROM hhreg.household WHERE id = '510105016003-03-0001'");
    ck_assert_msg(strstr(r.out, "\"floorArea\":49.70") && strcmp(row, "49.70|2026-10-11|1\n") == 0, "%s", row);
    free(row);
    tu_result_free(&r);
    /* the review state comes along: a decision made, then loaded incrementally */
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household WHERE review_state = 'submitted'"), 812);
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--approve", "510105016003-03-0001", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    said = load_said(tu_store_db, "\"households\":1,");
    ck_assert_msg(!strstr(said, STRAIGHT), "a load into tables that hold rows upserts: %s", said);
    free(said);
    row = query("SELECT review_state FROM hhreg.household WHERE id = '510105016003-03-0001'");
    ck_assert_str_eq(row, "approved\n");
    free(row);
    /* partitioned by district */
    ck_assert_int_eq(query_long("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent"
                                " WHERE c.relname IN ('household', 'person', 'visit')"),
                     3);
    /* nothing changed: nothing loaded */
    load_ok(tu_store_db, "\"households\":0,\"persons\":0");
    /* a column the office added to a central table: its default in new rows, loaded
     * straight in or staged; a household's value kept when it is loaded again */
    free(query("ALTER TABLE hhreg.household ADD COLUMN office_flag boolean DEFAULT true;"
               " TRUNCATE hhreg.household, hhreg.person, hhreg.visit, hhreg.source"));
    load_ok(tu_store_db, "\"households\":812,\"persons\":1751");
    assert_same_persons(tu_store_db);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household WHERE office_flag"), 812);
    free(query("UPDATE hhreg.household SET office_flag = false WHERE id = '510105016003-03-0001';"
               " DELETE FROM hhreg.person WHERE household_id = '510105016003-03-0002';"
               " DELETE FROM hhreg.household WHERE id = '510105016003-03-0002'; DELETE FROM hhreg.source"));
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--return", "510105016003-03-0001", "--comment",
                 "recheck", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    /* whole again (no watermark), and staged: the tables hold rows */
    said = load_said(tu_store_db, "\"households\":812,");
    ck_assert_msg(!strstr(said, STRAIGHT), "%s", said);
    free(said);
    row = query("SELECT id, review_state, office_flag FROM hhreg.household WHERE id IN ('510105016003-03-0001',"
                " '510105016003-03-0002') ORDER BY 1");
    ck_assert_str_eq(row, "510105016003-03-0001|returned|f\n510105016003-03-0002|submitted|t\n");
    free(row);
    assert_same_persons(tu_store_db);
}
END_TEST

START_TEST(changes_arrive_incrementally_and_two_stores_feed_one_database)
{
    SKIP_WITHOUT_POSTGRES();
    load_ok(tu_store_db, "\"households\":812");
    /* a revision, a visit logged, a deletion */
    char *path = tu_src("samples/households/510105016003-03-0002.xml"), *xml = tu_read_file(path, NULL);
    char *at = strstr(xml, "<floorArea>");
    ck_assert(at != NULL);
    memcpy(at + 11, "99", 2);
    char *file = tu_path(tu_store_dir, "changed.xml");
    tu_write_file(file, xml, strlen(xml));
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, file, NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "INSERT INTO visit_log(household_id, seq, date, enumerator, purpose,"
                                              " outcome, recorded_at, recorded_by) VALUES ('510105016003-03-0004', 1,"
                                              " '2026-11-20', 'E0300', 'care', 'contacted', '2026-11-20T10:00:00Z',"
                                              " 'worker')"),
                     0);
    r = tu_hhreg(NULL, NULL, "delete", "--db", tu_store_db, "--reason", "moved", "510105016003-03-0005", NULL);
    tu_result_free(&r);
    /* an office's own trigger warns: its warning is the plugin's line, not libpq's bare one */
    free(query("CREATE FUNCTION hhreg.warn() RETURNS trigger LANGUAGE plpgsql AS \\$\\$ BEGIN"
               " RAISE WARNING 'seen by the office'; RETURN NULL; END \\$\\$;"
               " CREATE TRIGGER warn AFTER INSERT ON hhreg.tombstone FOR EACH STATEMENT EXECUTE FUNCTION hhreg.warn()"));
    char *said = load_said(tu_store_db, "\"households\":2,\"persons\":");
    ck_assert_msg(strstr(said, "hhreg export: plugin postgres: the central database says: WARNING:  seen by the office\n"),
                  "%s", said);
    free(said);
    free(query("DROP TRIGGER warn ON hhreg.tombstone; DROP FUNCTION hhreg.warn()"));
    /* a deleted household leaves its tombstone and its revisions, no row: nothing of
     * its phone, address or enumerator (it kept its row, marked deleted) */
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household WHERE id = '510105016003-03-0005'"), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.person WHERE household_id = '510105016003-03-0005'"), 0);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.tombstone"), 1);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.revision WHERE household_id = '510105016003-03-0005'"), 1);
    /* and a full load into a new schema gives the same tables */
    tu_result full = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                              "--allow-network", "--opt", conninfo, "--opt", "schema=fresh", "--opt", "create=yes",
                              "--opt", "full=yes", "postgres", NULL);
    ck_assert_msg(full.status == 0, "%s", full.err);
    tu_result_free(&full);
    static const char *const same[][2] = { /* what, of which table */
        { "count(*)", "household" }, { "count(*)", "person" }, { "count(*)", "tombstone" },
        { "count(*)", "revision" }, { "sum(floor_area)::bigint", "household" },
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *incremental = hh_xasprintf("SELECT %s FROM hhreg.%s", same[i][0], same[i][1]),
             *whole = hh_xasprintf("SELECT %s FROM fresh.%s", same[i][0], same[i][1]);
        ck_assert_msg(query_long(incremental) == query_long(whole), "%s: %ld incrementally, %ld in a full load",
                      incremental, query_long(incremental), query_long(whole));
        free(incremental);
        free(whole);
    }
    ck_assert_int_eq(query_long("SELECT floor_area FROM hhreg.household WHERE id = '510105016003-03-0002'"), 99);
    /* the history: every revision of the store, each once, the new one with its parent */
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.revision"),
                     tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"));
    char *lineage = query("SELECT revision, origin, parent, change > 0, made_in IS NOT NULL, length(content_sha256) FROM"
                          " hhreg.revision WHERE household_id = '510105016003-03-0002' ORDER BY revision");
    ck_assert_str_eq(lineage, "1|1||t|t|64\n2|2|1|t|t|64\n");
    free(lineage);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.visit WHERE household_id = '510105016003-03-0004'"),
                     tu_sql_count(tu_store_db, "SELECT count(*) FROM visit v JOIN household h ON h.id ="
                                               " v.household_id AND v.revision = h.current_revision WHERE h.id ="
                                               " '510105016003-03-0004'") + 1);
    assert_same_persons(tu_store_db);
    /* a second store: another grid */
    char *second = tu_path(tu_store_dir, "second.db"), *dir = tu_path(tu_store_dir, "grid");
    r = tu_hhreg(NULL, NULL, "sample", "--households", "30", "--seed", "7", "-o", dir, NULL);
    tu_result_free(&r);
    tu_init_store(second);
    r = tu_hhreg(NULL, NULL, "import", "--db", second, dir, NULL);
    tu_result_free(&r);
    load_ok(second, "\"households\":30");
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.source"), 2);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household WHERE deleted_at IS NULL"), 811 + 30);
    load_ok(tu_store_db, "\"households\":0");
    free(dir);
    free(second);
    free(file);
    free(xml);
    free(path);
}
END_TEST

/* Two stores of two districts (the grid's and the sample's) loaded at once into a
 * new database: the runs take turns (each would otherwise wait for the other's new
 * partition), and both succeed. */
START_TEST(two_loads_at_once_take_turns)
{
    SKIP_WITHOUT_POSTGRES();
    char *second = tu_path(tu_store_dir, "second.db"), *dir = tu_path(tu_store_dir, "grid");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "40", "--seed", "3", "-o", dir, NULL);
    tu_result_free(&r);
    tu_init_store(second);
    r = tu_hhreg(NULL, NULL, "import", "--db", second, dir, NULL);
    ck_assert_msg(r.status <= 1 && strstr(r.out, "40 stored"), "%s %s", r.out, r.err);
    tu_result_free(&r);
    const char *dbs[] = { tu_store_db, second };
    pid_t pids[2];
    int outs[2];
    for (int k = 0; k < 2; k++)
        pids[k] = tu_hhreg_start(&outs[k], "export", "--db", dbs[k], "--plugin-dir", getenv("HHREG_PLUGINS"),
                                 "--allow-network", "--opt", conninfo, "--opt", "create=yes", "postgres", NULL);
    for (int k = 0; k < 2; k++) {
        int status;
        waitpid(pids[k], &status, 0);
        close(outs[k]);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "load %d: status %d", k, status);
    }
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household"), 812 + 40);
    ck_assert_int_eq(query_long("SELECT count(DISTINCT district_code) FROM hhreg.household"), 2);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.source"), 2);
    free(dir);
    free(second);
}
END_TEST

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

START_TEST(a_run_killed_midway_is_completed_by_the_next)
{
    SKIP_WITHOUT_POSTGRES();
    long started = now_ms();
    tu_result r = load(tu_store_db, "schema=timing"); /* how long a whole load takes here */
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    long took = now_ms() - started;
    srand((unsigned)time(NULL));
    int killed = 0;
    for (int round = 0; round < 5; round++) {
        int out;
        pid_t pid = tu_hhreg_start(&out, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                                   "--allow-network", "--opt", conninfo, "--opt", "create=yes", "postgres", NULL);
        usleep((useconds_t)(rand() % (took + 1)) * 1000);
        kill(pid, SIGKILL); /* the plugin's process dies with hhreg (PR_SET_PDEATHSIG) */
        int status;
        waitpid(pid, &status, 0);
        close(out);
        killed += WIFSIGNALED(status);
    }
    fprintf(stderr, "central: %d of 5 loads killed mid-way\n", killed);
    r = load(tu_store_db, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.household"), 812);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.person"), 1751);
    ck_assert_int_eq(query_long("SELECT runs FROM hhreg.source") >= 1, 1);
    assert_same_persons(tu_store_db);
}
END_TEST

START_TEST(names_with_tabs_newlines_backslashes_and_quotes_arrive_intact)
{
    SKIP_WITHOUT_POSTGRES();
    /* the store's row changed in place stands for whatever a form may carry */
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "DROP TRIGGER person_kept_u; UPDATE person SET name = 'a' || char(9)"
                                              " || 'b' || char(10) || 'c\\N\\\\d\"''e' WHERE household_id ="
                                              " '510105016003-03-0001' AND line = 1"),
                     0);
    load_ok(tu_store_db, "\"households\":812");
    char *got = query("SELECT encode(convert_to(name, 'UTF8'), 'hex') FROM hhreg.person WHERE household_id ="
                      " '510105016003-03-0001'");
    /* a TAB b LF c \ N \ \ d " ' e */
    ck_assert_str_eq(got, "6109620a635c4e5c5c64222765\n");
    free(got);
}
END_TEST

/* A central database made before the table of revisions: the load says how to add
 * it, a store loaded before then is refused until a full run fills in its history,
 * and that run holds every revision. */
START_TEST(an_older_central_database_gets_the_revisions)
{
    SKIP_WITHOUT_POSTGRES();
    load_ok(tu_store_db, "\"households\":");
    free(query("DROP TABLE hhreg.revision"));
    tu_result r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                           "--allow-network", "--opt", conninfo, "postgres", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "no table hhreg.revision") && strstr(r.err, "create=yes"), "%s",
                  r.err);
    tu_result_free(&r);
    r = load(tu_store_db, NULL); /* the table made, but this store's history would stay missing */
    ck_assert_msg(r.status == 1 && strstr(r.err, "none of its revisions") && strstr(r.err, "full=yes"), "%s", r.err);
    tu_result_free(&r);
    r = load(tu_store_db, "full=yes");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.revision"),
                     tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"));
}
END_TEST

/* A store damaged since the last load where the run reads it: the household deleted
 * since is one whose index entry is lost. The check after the last pass (the change
 * feed against what was handed over) fails, and the plugin's end hears it before
 * committing anything. */
START_TEST(a_damaged_store_loads_nothing)
{
    SKIP_WITHOUT_POSTGRES();
    load_ok(tu_store_db, "\"households\":");
    char *before = query("SELECT last_change, runs FROM hhreg.source");
    char *serial_of_lost = hh_xasprintf("SELECT CAST(substr(id, 17) AS INTEGER) FROM household ORDER BY id LIMIT 1"
                                        " OFFSET %ld", tu_first_leaf_cells(tu_store_db, TU_HOUSEHOLD_INDEX) - 1);
    char *lost = hh_xasprintf("510105016003-03-%04ld", tu_sql_count(tu_store_db, serial_of_lost));
    tu_result r = tu_hhreg(NULL, NULL, "delete", "--db", tu_store_db, "--reason", "moved", lost, NULL);
    ck_assert_msg(r.status == 0, "%s: %s", lost, r.err);
    tu_result_free(&r);
    free(serial_of_lost);
    free(lost);
    tu_damage_index(tu_store_db, TU_HOUSEHOLD_INDEX);
    r = load(tu_store_db, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "the store is damaged ("), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    char *after = query("SELECT last_change, runs FROM hhreg.source");
    ck_assert_str_eq(after, before); /* no run was recorded, the watermark stayed */
    ck_assert_int_eq(query_long("SELECT count(*) FROM hhreg.tombstone"), 0);
    free(after);
    free(before);
}
END_TEST

START_TEST(a_wrong_connection_or_login_says_so_and_loads_nothing)
{
    SKIP_WITHOUT_POSTGRES();
    char *nowhere = tu_path(tu_store_dir, "no-server");
    char *opt = hh_xasprintf("conninfo=host=%s user=hhreg dbname=postgres", nowhere);
    tu_result r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                           "--allow-network", "--opt", opt, "postgres", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "cannot connect to the central database"), "%s", r.err);
    tu_result_free(&r);
    free(opt);
    opt = hh_xasprintf("conninfo=host=%s user=stranger dbname=postgres", cluster);
    r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                 "--allow-network", "--opt", opt, "postgres", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "stranger") && strstr(r.err, "does not exist"), "%s", r.err);
    tu_result_free(&r);
    free(opt);
    /* a password on the command line is refused before anything is tried */
    opt = hh_xasprintf("conninfo=host=%s user=hhreg password=secret", cluster);
    r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                 "--allow-network", "--opt", opt, "postgres", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, ".pgpass") && !strstr(r.err, "secret"), "%s", r.err);
    tu_result_free(&r);
    free(opt);
    /* without --allow-network the plugin never runs; without create=yes the tables must be there */
    r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"), "--opt",
                 conninfo, "postgres", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "--allow-network"), "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                 "--allow-network", "--opt", conninfo, "postgres", NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "create=yes"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(query_long("SELECT count(*) FROM pg_namespace WHERE nspname = 'hhreg'"), 0);
    free(nowhere);
}
END_TEST

Suite *make_central_suite(void)
{
    Suite *s = suite_create("central");
    TCase *tc = tcase_create("postgres");
    tcase_set_timeout(tc, 900);
    tcase_add_unchecked_fixture(tc, cluster_start, cluster_stop);
    tcase_add_unchecked_fixture(tc, tu_grid_import, tu_grid_remove);
    tcase_add_checked_fixture(tc, setup, tu_store_teardown);
    tcase_add_test(tc, a_grid_is_loaded_as_the_store_holds_it);
    tcase_add_test(tc, changes_arrive_incrementally_and_two_stores_feed_one_database);
    tcase_add_test(tc, two_loads_at_once_take_turns);
    tcase_add_test(tc, a_run_killed_midway_is_completed_by_the_next);
    tcase_add_test(tc, names_with_tabs_newlines_backslashes_and_quotes_arrive_intact);
    tcase_add_test(tc, an_older_central_database_gets_the_revisions);
    tcase_add_test(tc, a_damaged_store_loads_nothing);
    tcase_add_test(tc, a_wrong_connection_or_login_says_so_and_loads_nothing);
    suite_add_tcase(s, tc);
    return s;
}
