/* test_parallel.c — `hhreg import -j N`: the same stores and the same messages, in
 * the same order, as -j 1, on a corpus mixing valid, invalid, repeated and revised
 * forms, one-form files and a batch; a progress line only on a terminal; forms from
 * a slow pipe stored while it stays open; -j's default, the cores it may use. */
#define _GNU_SOURCE
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>

#include "cores.h"
#include "testutil.h"

Suite *make_parallel_suite(void);

/* Everything a store holds that does not depend on the clock, as one text. */
static char *canonical_dump(const char *db)
{
    char *cmd = hh_xasprintf(
        "sqlite3 '%s' \"SELECT id, current_revision, deleted_at IS NULL FROM household ORDER BY 1;"
        " SELECT household_id, revision, form_sha256, source, hex(xml), size, elderly60, living_alone FROM revision ORDER BY 1, 2;"
        " SELECT * FROM person ORDER BY 1, 2, 3; SELECT * FROM visit ORDER BY 1, 2, 3;"
        " SELECT * FROM form_warning ORDER BY 1, 2, 3; SELECT * FROM document ORDER BY 1, 2;"
        " SELECT seq, operation, household_id, revision FROM audit ORDER BY seq\"",
        db);
    char *dump = tu_shell(cmd);
    free(cmd);
    return dump;
}

/* A corpus: a batch of generated households (the first 812 take the ids of the
 * stored sample grid with other content, so they are revisions; the rest are new),
 * revised copies of stored forms (one repeated), and every invalid sample. */
static char *make_corpus(const char *dir)
{
    char *corpus = tu_path(dir, "corpus");
    ck_assert_int_eq(mkdir(corpus, 0700), 0);
    char *batch = tu_path(corpus, "z-batch.xml");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "1700", "--seed", "5", "--real-area", "--batch", batch,
                           NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    for (int i = 1; i <= 40; i++) {
        char *name = hh_xasprintf("samples/households/510105016003-03-%04d.xml", i * 20);
        char *src = tu_src(name);
        char *xml = tu_read_file(src, NULL);
        char *at = strstr(xml, "<tenure>");
        ck_assert(at != NULL);
        char *edited = hh_xasprintf("%.*s<tenure>public-rental%s", (int)(at - xml), xml, strstr(at, "</tenure>"));
        char *file = hh_xasprintf("%s/revised-%02d.xml", corpus, i);
        tu_write_file(file, edited, strlen(edited));
        free(file);
        free(edited);
        free(xml);
        free(src);
        free(name);
    }
    char *cmd = hh_xasprintf("cp '%s'/samples/invalid/*.xml '%s'/ && cp '%s'/revised-01.xml '%s'/revised-99.xml",
                             tu_srcdir(), corpus, corpus, corpus);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(batch);
    return corpus;
}

START_TEST(many_jobs_give_the_store_and_messages_of_one)
{
    char *dir = tu_tempdir();
    char *corpus = make_corpus(dir);
    char *forms = tu_src("samples/households");
    char *dumps[2], *errs[2], *outs[2];
    const char *jobs[2] = { "1", "4" };
    for (int k = 0; k < 2; k++) {
        char *db = hh_xasprintf("%s/j%s.db", dir, jobs[k]);
        /* under check-valgrind only the subject runs under it: the corpus imported with
         * several jobs (-j 1 is the reference, and the grid imported first sets the scene) */
        tu_no_valgrind = 1;
        tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "import", "-q", "-j", jobs[k], "--db", db, forms, NULL);
        ck_assert_int_eq(r.status, 0);
        tu_result_free(&r);
        tu_no_valgrind = k == 0;
        r = tu_hhreg(NULL, NULL, "import", "-j", jobs[k], "--batch-size", "37", "--db", db, corpus, NULL);
        tu_no_valgrind = 0;
        ck_assert_int_eq(r.status, 1);
        ck_assert_msg(strchr(r.err, '\r') == NULL, "a progress line on a pipe");
        outs[k] = r.out;
        errs[k] = r.err;
        dumps[k] = canonical_dump(db);
        free(db);
    }
    long total, stored, unchanged, revised, refused;
    ck_assert_int_eq(sscanf(outs[0], "%ld form(s): %ld stored, %ld unchanged, %ld revised, %ld refused", &total,
                            &stored, &unchanged, &revised, &refused),
                     5);
    ck_assert_msg(stored > 800 && revised > 700 && refused > 60, "not a mixed corpus: %s", outs[0]);
    ck_assert_str_eq(outs[0], outs[1]);
    ck_assert_str_eq(errs[0], errs[1]);
    ck_assert(strstr(errs[0], "[STORE-REPEAT]") && strstr(errs[0], "[ID-CHECKSUM]"));
    ck_assert_msg(strlen(dumps[0]) > 1000000, "the dump is too small to mean anything");
    ck_assert_msg(strcmp(dumps[0], dumps[1]) == 0, "-j 1 and -j 4 stores differ");
    for (int k = 0; k < 2; k++) {
        free(dumps[k]);
        free(errs[k]);
        free(outs[k]);
    }
    tu_rmrf(dir);
    free(forms);
    free(corpus);
    free(dir);
}
END_TEST

START_TEST(progress_only_on_a_terminal)
{
    char *dir = tu_tempdir();
    char *db = tu_path(dir, "p.db");
    char *forms = tu_path(dir, "batch.xml");
    /* a few seconds whatever the build (the import below runs without valgrind) */
    const char *sanitized = getenv("HHREG_SANITIZED"), *households = sanitized && *sanitized ? "2000" : "6000";
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", households, "--batch", forms, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_result_free(&r);
    /* script(1) gives the command a pseudo-terminal; the first progress line comes
     * after a quarter second, so the input is large enough to last longer */
    char *cmd = hh_xasprintf("HHREG_SCHEMA_DIR='%s' script -qec \"'%s' import -j 2 --db '%s' '%s'\" /dev/null",
                             tu_schema_dir(), tu_bin(), db, forms);
    FILE *p = popen(cmd, "r");
    hh_buf b;
    hh_buf_init(&b);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        hh_buf_append(&b, chunk, n);
    ck_assert_int_eq(pclose(p), 0);
    char *stored = hh_xasprintf("%s form(s): %s stored", households, households);
    ck_assert_msg(strstr(b.data, stored), "%s", b.data);
    free(stored);
    ck_assert_msg(strstr(b.data, " forms/s, 0 refused"), "no progress line on a terminal");
    hh_buf_free(&b);
    free(cmd);
    tu_rmrf(dir);
    free(forms);
    free(db);
    free(dir);
}
END_TEST

/* A batch coming slowly through a pipe is stored while the pipe stays open: once no
 * form came for a second, the open transaction is committed, and others see it. */
START_TEST(forms_from_a_slow_pipe_are_stored_while_it_stays_open)
{
    char *dir = tu_tempdir();
    char *db = tu_path(dir, "pipe.db");
    char *fifo = tu_path(dir, "forms");
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_result_free(&r);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    char *sample = tu_src("samples/households/510105016003-03-0001.xml");
    char *file = tu_read_file(sample, NULL);
    /* the batch's start, one member and the start of the next; the rest never
     * comes. A member is given out once its end tag has come, so the first is stored */
    char *sample2 = tu_src("samples/households/510105016003-03-0002.xml");
    char *file2 = tu_read_file(sample2, NULL);
    *strstr(file2, "<person") = '\0';
    char *form = hh_xasprintf("<households xmlns=\"urn:hhreg:household:1\">\n%s%s", strstr(file, "<household "),
                              strstr(file2, "<household "));
    size_t len = strlen(form);
    pid_t feeder = fork();
    ck_assert(feeder >= 0);
    if (feeder == 0) {
        /* one form, then the pipe stays open until the household can be read (up to
         * two minutes, for valgrind); exit 0 only if it was seen before closing */
        int fd = open(fifo, O_WRONLY);
        if (fd < 0 || write(fd, form, len) != (ssize_t)len)
            _exit(2);
        long seen = 0;
        for (int i = 0; i < 1200 && seen != 1; i++) {
            usleep(100000);
            seen = tu_sql_count(db, "SELECT count(*) FROM household");
        }
        close(fd);
        _exit(seen == 1 ? 0 : 1);
    }
    r = tu_hhreg(NULL, fifo, "import", "-j", "2", "--db", db, "-", NULL);
    int status;
    ck_assert_int_eq(waitpid(feeder, &status, 0), feeder);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the form was not stored while the pipe was open (feeder status %d)", status);
    /* the batch never ended: the stored form stays, the unfinished batch is reported */
    ck_assert_msg(strstr(r.out, "1 stored"), "%d %s %s", r.status, r.out, r.err);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM household"), 1);
    tu_result_free(&r);
    free(form);
    free(file2);
    free(sample2);
    free(file);
    free(sample);
    tu_rmrf(dir);
    free(fifo);
    free(db);
    free(dir);
}
END_TEST

/* The cores -j's default and the server's checkers are counted by (hh_cores, which
 * cmd_import.c and server_forms.c take) follow the CPUs the process may run on, as
 * taskset or a container's cpuset narrow them, not the machine's count. */
START_TEST(the_default_jobs_are_the_cores_it_may_use)
{
    cpu_set_t all, one;
    ck_assert_int_eq(sched_getaffinity(0, sizeof all, &all), 0);
    ck_assert_int_le(hh_cores(), CPU_COUNT(&all));
    CPU_ZERO(&one);
    for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
        if (CPU_ISSET(cpu, &all)) {
            CPU_SET(cpu, &one);
            break;
        }
    ck_assert_int_eq(sched_setaffinity(0, sizeof one, &one), 0);
    long narrowed = hh_cores();
    ck_assert_int_eq(sched_setaffinity(0, sizeof all, &all), 0);
    ck_assert_int_eq(narrowed, 1);
}
END_TEST

Suite *make_parallel_suite(void)
{
    Suite *s = suite_create("parallel");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, many_jobs_give_the_store_and_messages_of_one);
    tcase_add_test(tc, progress_only_on_a_terminal);
    tcase_add_test(tc, forms_from_a_slow_pipe_are_stored_while_it_stays_open);
    tcase_add_test(tc, the_default_jobs_are_the_cores_it_may_use);
    suite_add_tcase(s, tc);
    return s;
}
