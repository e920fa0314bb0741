/* test_backup.c — `hhreg backup FILE` and the restore hhreg(1) describes: a private,
 * checked copy that reads back as the store did; an existing file or link never
 * replaced; a store with problems copied as it is, the problems said; an older
 * store copied without being upgraded; a backup stopped by SIGTERM leaves nothing
 * half-written beside it; backups taken while a real import runs in another
 * process, each a consistent store. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_internal.h"

#include "testutil.h"

Suite *make_backup_suite(void);

/* Expects exit `status` of a finished run; returns it for more checks. */
static tu_result expect(int status, tu_result r)
{
    ck_assert_msg(r.status == status, "exit %d, not %d: %s%s", r.status, status, r.out, r.err);
    return r;
}
#define run(status, ...) expect((status), tu_hhreg(NULL, NULL, __VA_ARGS__, NULL))

/* The names in `dir` besides the store and its side files, sorted, each followed by a space. */
static char *other_files(const char *dir)
{
    char *command = hh_xasprintf("ls -A '%s' | { grep -v '^t\\.db' || true; } | sort | tr '\\n' ' '", dir);
    char *out = tu_shell(command);
    free(command);
    return out;
}

static void import_forms(const char *path)
{
    tu_result r = run(0, "import", "--db", tu_store_db, "-q", path);
    tu_result_free(&r);
}

START_TEST(a_backup_is_a_private_checked_copy_that_reads_back_the_same)
{
    char *grid = tu_src("samples/households");
    tu_no_valgrind = 1; /* the scene: the backup below is the subject under valgrind */
    import_forms(grid);
    tu_no_valgrind = 0;
    tu_result r = run(0, "delete", "--db", tu_store_db, "--reason", "moved away", "510105016003-03-0001");
    tu_result_free(&r);
    char *copy = tu_path(tu_store_dir, "backup.db");
    umask(022); /* hhreg, not this process, makes the copy private */
    r = run(0, "backup", "--db", tu_store_db, copy);
    ck_assert(strstr(r.out, "checked") != NULL);
    tu_result_free(&r);
    struct stat st;
    ck_assert_int_eq(lstat(copy, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    /* nothing else left beside it */
    char *left = other_files(tu_store_dir);
    ck_assert_str_eq(left, "backup.db ");
    free(left);
    /* the copy is a store that passes check and lists what the store lists */
    tu_no_valgrind = 1; /* check re-reads 812 forms, under valgrind in the store suite */
    r = run(0, "check", "--db", copy, "--json");
    tu_no_valgrind = 0;
    ck_assert_msg(strstr(r.out, "\"ok\":true,\"households\":811,\"deleted\":1"), "%s", r.out);
    tu_result_free(&r);
    tu_result a = run(0, "list", "--db", tu_store_db, "--all"), b = run(0, "list", "--db", copy, "--all");
    ck_assert_str_eq(a.out, b.out);
    tu_result_free(&a);
    tu_result_free(&b);
    ck_assert_int_eq(tu_sql_count(copy, "SELECT count(*) FROM audit"),
                     tu_sql_count(tu_store_db, "SELECT count(*) FROM audit"));
    free(copy);
    free(grid);
}
END_TEST

START_TEST(an_existing_file_or_link_is_never_replaced)
{
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    import_forms(form);
    char *existing = tu_path(tu_store_dir, "existing.db");
    tu_write_file(existing, "keep me\n", 8);
    tu_result r = run(2, "backup", "--db", tu_store_db, existing);
    ck_assert_msg(strstr(r.err, "already exists") != NULL, "%s", r.err);
    tu_result_free(&r);
    size_t len;
    char *data = tu_read_file(existing, &len);
    ck_assert_int_eq(len, 8);
    ck_assert(memcmp(data, "keep me\n", 8) == 0);
    free(data);
    /* a directory is named as one, not as a file that exists (a user trial) */
    r = run(2, "backup", "--db", tu_store_db, tu_store_dir);
    ck_assert_msg(strstr(r.err, " is a directory; a backup is a file: name a new file"), "%s", r.err);
    tu_result_free(&r);
    /* a link, even to nothing, is not written through */
    char *target = tu_path(tu_store_dir, "elsewhere.db"), *link = tu_path(tu_store_dir, "link.db");
    ck_assert_int_eq(symlink(target, link), 0);
    r = run(2, "backup", "--db", tu_store_db, link);
    tu_result_free(&r);
    ck_assert(access(target, F_OK) != 0);
    char *left = other_files(tu_store_dir);
    ck_assert_str_eq(left, "existing.db link.db ");
    free(left);
    free(link);
    free(target);
    free(existing);
    free(form);
}
END_TEST

/* A target whose directory is reached through a symbolic link: refused by name,
 * saying what to do (SQLite's "No such file or directory" said nothing), and
 * nothing left in the directory. */
START_TEST(a_path_through_a_linked_directory_is_refused_plainly)
{
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    import_forms(form);
    char *real = tu_path(tu_store_dir, "real"), *link = tu_path(tu_store_dir, "linked");
    ck_assert_int_eq(mkdir(real, 0700), 0);
    ck_assert_int_eq(symlink(real, link), 0);
    char *copy = tu_path(link, "backup.db");
    tu_result r = run(2, "backup", "--db", tu_store_db, copy);
    ck_assert_msg(strstr(r.err, "symbolic link") && strstr(r.err, "name the directory it points to"), "%s", r.err);
    tu_result_free(&r);
    char *left = other_files(real);
    ck_assert_str_eq(left, "");
    free(left);
    free(copy);
    free(link);
    free(real);
    free(form);
}
END_TEST

/* A store altered outside hhreg still gets its backup, a faithful copy, with the
 * problems listed and exit 1; the copy has the same problem by hhreg check. */
START_TEST(a_store_with_problems_is_backed_up_as_it_is_and_said)
{
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    import_forms(form);
    /* altered outside hhreg: SQLite's integrity holds, hhreg's check does not */
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "DROP TRIGGER revision_kept_u"), 0);
    char *copy = tu_path(tu_store_dir, "backup.db");
    tu_result r = run(1, "backup", "--db", tu_store_db, copy);
    ck_assert_msg(strstr(r.err, "revision_kept_u") && strstr(r.err, "written, but the store has 1 problem(s)"), "%s",
                  r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(copy, "SELECT count(*) FROM revision"), 1);
    r = run(1, "check", "--db", copy);
    ck_assert_msg(strstr(r.out, "revision_kept_u") || strstr(r.err, "revision_kept_u"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    free(copy);
    free(form);
}
END_TEST

/* Households in the store at `db`, through hhreg (the copy must be a usable store). */
static long households(const char *db)
{
    tu_result r = run(0, "check", "--db", db, "--json");
    const char *at = strstr(r.out, "\"households\":");
    ck_assert_msg(at && strstr(r.out, "\"ok\":true"), "%s", r.out);
    long n = atol(at + 13);
    tu_result_free(&r);
    return n;
}

START_TEST(backups_taken_while_an_import_runs_are_consistent)
{
    int n = tu_slowed_down() ? 600 : 4000;
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    char *batch = tu_path(tu_store_dir, "batch.xml");
    tu_result r = run(0, "sample", "--households", count, "--seed", "15", "--batch", batch);
    tu_result_free(&r);
    /* one form a transaction, on one thread: a long import with many commits */
    pid_t importer = fork();
    ck_assert_int_ge(importer, 0);
    if (importer == 0) {
        tu_result ri = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "-q", "-j", "1", "--batch-size", "1", batch,
                                NULL);
        _exit(ri.status);
    }
    int taken = 0, during = 0, status = 0;
    long previous = 0;
    for (bool running = true; running; taken++) {
        char name[32];
        snprintf(name, sizeof name, "backup-%d.db", taken);
        char *copy = tu_path(tu_store_dir, name);
        r = run(0, "backup", "--db", tu_store_db, copy);
        tu_result_free(&r);
        running = waitpid(importer, &status, WNOHANG) == 0;
        during += running; /* the import was still running when this backup was done */
        long now = households(copy);
        ck_assert_msg(now >= previous && now <= n, "backup %d holds %ld households after %ld", taken, now, previous);
        previous = now;
        free(copy);
    }
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the import failed: %d", status);
    ck_assert_msg(during > 0, "no backup finished while the import ran (%d taken)", taken);
    /* taken after the import: all of it */
    char *last = tu_path(tu_store_dir, "after.db");
    r = run(0, "backup", "--db", tu_store_db, last);
    tu_result_free(&r);
    ck_assert_int_eq(households(last), n);
    free(last);
    free(batch);
}
END_TEST

/* The copy an office wants before upgrading hhreg: a store of schema version 2
 * (as hhreg made it then) is copied as it is; neither it nor the copy is upgraded. */
START_TEST(an_older_store_is_copied_without_being_upgraded)
{
    char *old = tu_path(tu_store_dir, "old.db");
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(old, &h), SQLITE_OK);
    for (int v = 0; v < 2; v++) /* migrations 1 and 2 are SQL alone */
        ck_assert_int_eq(sqlite3_exec(h, hh_store_migrations[v], NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "PRAGMA application_id = 1212699207; PRAGMA user_version = 2;"
                                     " INSERT INTO audit(at, actor, operation, detail) VALUES"
                                     " ('2025-01-01T00:00:00Z', 'hhreg', 'init', 'schema version 0 to 2')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    ck_assert_int_eq(chmod(old, 0600), 0);
    char *copy = tu_path(tu_store_dir, "before-upgrade.db");
    tu_result r = run(0, "backup", "--db", old, copy);
    ck_assert_msg(strstr(r.err, "schema version 2, as it is"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(old, "PRAGMA user_version"), 2);
    ck_assert_int_eq(tu_sql_count(old, "SELECT count(*) FROM audit"), 1);
    ck_assert_int_eq(tu_sql_count(copy, "PRAGMA user_version"), 2);
    ck_assert_int_eq(tu_sql_count(copy, "SELECT count(*) FROM audit"), 1);
    free(copy);
    free(old);
}
END_TEST

/* Ctrl-C, a logout or SIGTERM during a backup: either the whole checked copy is in
 * place or nothing is, and no temporary copy of the personal data is left. */
START_TEST(a_stopped_backup_leaves_nothing_half_written)
{
    char *batch = tu_path(tu_store_dir, "batch.xml");
    tu_result r = run(0, "sample", "--households", "400", "--seed", "3", "--batch", batch);
    tu_result_free(&r);
    import_forms(batch);
    unlink(batch);
    int stopped = 0;
    for (int round = 0; round < 8; round++) {
        char *copy = hh_xasprintf("%s/copy%d.db", tu_store_dir, round);
        /* a stop at 0, 60, ... 420 ms: before, during and after the copy and its check */
        char *cmd = hh_xasprintf("'%s' backup --db '%s' '%s' 2>/dev/null >/dev/null & p=$!; sleep 0.%03d; "
                                 "kill -TERM $p 2>/dev/null; wait $p; echo $?",
                                 tu_bin(), tu_store_db, copy, round * 60);
        char *status = tu_shell(cmd);
        if (atoi(status) == 128 + SIGTERM) {
            stopped++;
            ck_assert_msg(access(copy, F_OK) != 0, "round %d: stopped, yet %s is there", round, copy);
        } else {
            ck_assert_msg(atoi(status) == 0, "round %d: exit %s", round, status);
            r = run(0, "check", "--db", copy);
            tu_result_free(&r);
            unlink(copy);
        }
        char *left = other_files(tu_store_dir);
        ck_assert_msg(strcmp(left, "") == 0, "round %d: left behind: %s", round, left);
        free(left);
        free(status);
        free(cmd);
        free(copy);
    }
    fprintf(stderr, "backup: %d of 8 backups stopped by SIGTERM, nothing left behind\n", stopped);
    ck_assert_int_gt(stopped, 0);
    free(batch);
}
END_TEST

/* RESTORING A BACKUP in hhreg(1): the store's programs stopped, the store and its
 * -wal and -shm moved aside, the backup copied in its place, `hhreg check`. */
START_TEST(a_backup_restores_as_documented)
{
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    char *later = tu_src("samples/households/510105016003-03-0101.xml");
    import_forms(form);
    char *copy = tu_path(tu_store_dir, "backup.db");
    tu_result r = run(0, "backup", "--db", tu_store_db, copy);
    tu_result_free(&r);
    tu_result before = run(0, "list", "--db", tu_store_db);
    import_forms(later);
    char *restore = hh_xasprintf("cd '%s' && mkdir aside && mv t.db* aside/ && cp backup.db t.db", tu_store_dir);
    free(tu_shell(restore));
    free(restore);
    r = run(0, "check", "--db", tu_store_db);
    ck_assert(strstr(r.out, ": ok") != NULL);
    tu_result_free(&r);
    r = run(0, "list", "--db", tu_store_db);
    ck_assert_str_eq(r.out, before.out);
    tu_result_free(&r);
    tu_result_free(&before);
    free(copy);
    free(later);
    free(form);
}
END_TEST

Suite *make_backup_suite(void)
{
    Suite *s = suite_create("backup");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_checked_fixture(tc, tu_store_setup, tu_store_teardown);
    tcase_add_test(tc, a_backup_is_a_private_checked_copy_that_reads_back_the_same);
    tcase_add_test(tc, an_existing_file_or_link_is_never_replaced);
    tcase_add_test(tc, a_path_through_a_linked_directory_is_refused_plainly);
    tcase_add_test(tc, a_store_with_problems_is_backed_up_as_it_is_and_said);
    tcase_add_test(tc, a_backup_restores_as_documented);
    tcase_add_test(tc, an_older_store_is_copied_without_being_upgraded);
    tcase_add_test(tc, a_stopped_backup_leaves_nothing_half_written);
    suite_add_tcase(s, tc);
    TCase *slow = tu_slow_tcase(s, "during-an-import", 600);
    tcase_add_checked_fixture(slow, tu_store_setup, tu_store_teardown);
    tcase_add_test(slow, backups_taken_while_an_import_runs_are_consistent);
    return s;
}
