/* test_cli.c — the hhreg command as users and scripts meet it: help and version,
 * exit codes, JSON output, standard input, batches, areas, languages, and that
 * memory stays flat as a batch grows. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "testutil.h"

Suite *make_cli_suite(void);




START_TEST(help_version_and_usage_errors)
{
    tu_result r = tu_hhreg(NULL, NULL, "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "validate") && strstr(r.out, "import") && strstr(r.out, "Exit status"));
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "--strict") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "--version", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strncmp(r.out, "hhreg ", 6) == 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "frobnicate", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "not a command") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "validate", "--no-such-option", NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "validate", "--lang", "fr", "x.xml", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "--lang takes zh or en") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "validate", "/nonexistent/form.xml", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "/nonexistent/form.xml: No such file") != NULL);
    tu_result_free(&r);
}
END_TEST

START_TEST(validate_exit_codes_and_json)
{
    char *good = tu_src("samples/households/510105016003-03-0001.xml");
    char *warn = tu_src("samples/invalid/AGE-OVER-105.xml");
    char *bad = tu_src("samples/invalid/ID-CHECKSUM.xml");
    tu_result r = tu_hhreg(NULL, NULL, "validate", good, warn, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "validate", "--json", "--lang", "en", good, bad, NULL);
    ck_assert_int_eq(r.status, 1);
    const char *head = "{\"forms\":2,\"valid\":1,\"invalid\":1,\"problems\":[";
    ck_assert_msg(strncmp(r.out, head, strlen(head)) == 0, "%s", r.out);
    ck_assert(strstr(r.out, "\"rule\":\"ID-CHECKSUM\",\"path\":\"person[3]/document\"") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "validate", "--lang", "zh", bad, NULL);
    ck_assert(strstr(r.out, "居民身份证号码校验码错误") != NULL);
    tu_result_free(&r);
    free(good);
    free(warn);
    free(bad);
}
END_TEST

START_TEST(import_from_standard_input_and_browse)
{
    char *form = tu_src("samples/households/510105016003-03-0101.xml");
    tu_result r = tu_hhreg(NULL, form, "import", "--db", tu_store_db, "-", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "1 stored") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--json", "510105016003-03-0101", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "\"nationality\":\"PAK\"") && strstr(r.out, "\"preferredLanguage\":\"en\"") &&
              strstr(r.out, "\"derived\":{\"size\":3"));
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--lang", "en", "510105016003-03-0101", NULL);
    ck_assert(strstr(r.out, "Household 510105016003-03-0101") && strstr(r.out, "passport"));
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "510105016003-03-9999", NULL);
    ck_assert_int_eq(r.status, 1);
    tu_result_free(&r);
    free(form);
}
END_TEST

START_TEST(store_named_by_environment)
{
    setenv("HHREG_DB", tu_store_db, 1);
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    unsetenv("HHREG_DB");
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 1);
    free(form);
}
END_TEST

START_TEST(list_by_area)
{
    char *batch = tu_path(tu_store_dir, "more.xml");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "1700", "--seed", "3", "--batch", batch, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "-q", batch, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "1700 stored") != NULL);
    tu_result_free(&r);
    long grid4 = tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE id LIKE '000105016003-04-%'");
    ck_assert_int_eq(grid4, 812);
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, "--area", "000105016003-04", NULL);
    int lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 812 + 1); /* and the header */
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, "--area", "000105016", "--json", NULL);
    ck_assert(strstr(r.out, "\"id\":\"000105016003-05-0076\"") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, "--json", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "\"ok\":true,\"households\":1700") != NULL);
    tu_result_free(&r);
    free(batch);
}
END_TEST

/* Peak RSS in KiB of `hhreg import` on a generated batch of n households. */
static long import_peak_rss(long n)
{
    char count[32];
    snprintf(count, sizeof count, "%ld", n);
    char *batch = tu_path(tu_store_dir, "batch.xml");
    char *store = tu_path(tu_store_dir, "rss.db");
    unlink(batch);
    unlink(store);
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", count, "--batch", batch, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "init", "--db", store, NULL);
    tu_result_free(&r);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 1);
        dup2(null, 2);
        /* SQLite's page cache fills up to its set size as the store grows; keep it small
         * so what is measured is hhreg reading the batch */
        setenv("HHREG_CACHE_KB", "2000", 1);
        execl(tu_bin(), tu_bin(), "import", "-q", "--db", store, batch, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(tu_sql_count(store, "SELECT count(*) FROM household"), n);
    free(batch);
    free(store);
    return ru.ru_maxrss;
}

START_TEST(memory_does_not_grow_with_a_batch)
{
    const char *sanitized = getenv("HHREG_SANITIZED");
    if (sanitized && *sanitized) {
        /* ASan's shadow memory and quarantine make RSS say nothing about hhreg */
        fprintf(stderr, "memory_does_not_grow_with_a_batch: skipped in a sanitizer build\n");
        return;
    }
    long small = import_peak_rss(1000);
    long large = import_peak_rss(12000);
    ck_assert_msg(large < small + 6 * 1024, "peak RSS %ld KiB for 1,000 households, %ld KiB for 12,000", small, large);
}
END_TEST

/* Elements other than households in a batch are named up to a point and then
 * counted: a 20 MB batch of them once piled up more than a GB of messages. */
START_TEST(foreign_elements_in_a_batch_are_counted_not_piled_up)
{
    char *path = tu_path(tu_store_dir, "foreign.xml");
    FILE *f = fopen(path, "w");
    ck_assert(f != NULL);
    fputs("<households xmlns=\"urn:hhreg:household:1\">\n", f);
    const long n = 4L << 20;
    for (long i = 0; i < n; i++)
        fputs("<x/>\n", f);
    char *sample = tu_src("samples/households/510105016003-03-0001.xml");
    char *form = tu_read_file(sample, NULL);
    fputs(strstr(form, "<household "), f);
    fputs("</households>\n", f);
    fclose(f);
    tu_limit_memory = 256L << 20;
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", path, NULL);
    tu_limit_memory = 0;
    ck_assert_msg(r.status == 1 && strstr(r.out, "1 stored"), "exit %d, %s", r.status, r.out);
    long named = 0;
    for (const char *at = r.err; (at = strstr(at, "[XSD-CONTENT]")); at++)
        named++;
    ck_assert_int_eq(named, 10);
    char *more = hh_xasprintf("%s:%ld: error: [XML-SKIPPED] %ld more elements that are not households were skipped",
                              path, n + 1, n - 10);
    ck_assert_msg(strstr(r.err, more) != NULL, "wanted '%s' in: %.2000s", more, r.err);
    tu_result_free(&r);
    free(more);
    free(form);
    free(sample);
    free(path);
}
END_TEST

/* A FIFO named as input waits a bounded time for its writer; once a writer has
 * come, it may be as slow as it likes. */
START_TEST(a_fifo_waits_for_its_writer_a_bounded_time)
{
    char *fifo = tu_path(tu_store_dir, "forms.fifo");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    setenv("HHREG_FIFO_WAIT", "1", 1);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, fifo, NULL);
    ck_assert_msg(r.status == 2, "exit %d: %s", r.status, r.err);
    char *why = hh_xasprintf("%s: a FIFO that no writer opened within 1 s", fifo);
    ck_assert_msg(strstr(r.err, why) != NULL, "wanted '%s' in: %s", why, r.err);
    tu_result_free(&r);
    /* a writer that comes in time and then says nothing for longer than the wait */
    char *sample = tu_src("samples/households/510105016003-03-0001.xml");
    size_t len;
    char *form = tu_read_file(sample, &len);
    pid_t writer = fork();
    ck_assert(writer >= 0);
    if (writer == 0) {
        int fd = open(fifo, O_WRONLY);
        sleep(3);
        _exit(fd >= 0 && write(fd, form, len) == (ssize_t)len ? 0 : 1);
    }
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, fifo, NULL);
    int status;
    waitpid(writer, &status, 0);
    unsetenv("HHREG_FIFO_WAIT");
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 stored"), "exit %d: %s %s", r.status, r.out, r.err);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    tu_result_free(&r);
    free(form);
    free(sample);
    free(why);
    free(fifo);
}
END_TEST

/* In a directory, nothing that looks like a form is passed over in silence: a
 * symbolic link, a FIFO, a path longer than the system's limit. */
START_TEST(files_skipped_in_a_directory_are_named)
{
    char *dir = tu_path(tu_store_dir, "forms");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    char *sample = tu_src("samples/households");
    char *form = tu_path(sample, "510105016003-03-0001.xml");
    char *copy = tu_path(dir, "a.xml");
    size_t len;
    char *xml = tu_read_file(form, &len);
    tu_write_file(copy, xml, len);
    char *link = tu_path(dir, "link.xml");
    ck_assert_int_eq(symlink(form, link), 0);
    char *link_dir = tu_path(dir, "more");
    ck_assert_int_eq(symlink(sample, link_dir), 0);
    char *fifo = tu_path(dir, "pipe.xml");
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    /* a form more than PATH_MAX bytes down */
    char *deep = tu_path(dir, "deep");
    ck_assert_int_eq(mkdir(deep, 0700), 0);
    int fd = open(deep, O_RDONLY | O_DIRECTORY);
    char name[201];
    memset(name, 'd', 200);
    name[200] = '\0';
    for (int i = 0; i < 22; i++) {
        ck_assert_int_eq(mkdirat(fd, name, 0700), 0);
        int next = openat(fd, name, O_RDONLY | O_DIRECTORY);
        close(fd);
        fd = next;
        ck_assert(fd >= 0);
    }
    int out = openat(fd, "far.xml", O_WRONLY | O_CREAT, 0600);
    ck_assert(out >= 0 && write(out, xml, len) == (ssize_t)len);
    close(out);
    close(fd);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, dir, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.out, "1 stored"), "exit %d: %s %s", r.status, r.out, r.err);
    const char *named[][2] = {
        { link, "a symbolic link; links in a directory are not followed" },
        { link_dir, "a symbolic link; links in a directory are not followed" },
        { fifo, "not a regular file" },
        { deep, "File name too long" },
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
        char *line = hh_xasprintf("%s", named[i][0]);
        ck_assert_msg(strstr(r.err, line) && strstr(r.err, named[i][1]), "%s (%s) not named in: %.3000s",
                      named[i][0], named[i][1], r.err);
        free(line);
    }
    tu_result_free(&r);
    char *rm = hh_xasprintf("rm -rf '%s'", deep);
    free(tu_shell(rm));
    free(rm);
    free(deep);
    free(fifo);
    free(link_dir);
    free(link);
    free(xml);
    free(copy);
    free(form);
    free(sample);
    free(dir);
}
END_TEST

Suite *make_cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, tu_store_setup, tu_store_teardown);
    tcase_add_test(tc, help_version_and_usage_errors);
    tcase_add_test(tc, validate_exit_codes_and_json);
    tcase_add_test(tc, import_from_standard_input_and_browse);
    tcase_add_test(tc, store_named_by_environment);
    tcase_add_test(tc, list_by_area);
    tcase_add_test(tc, memory_does_not_grow_with_a_batch);
    tcase_add_test(tc, foreign_elements_in_a_batch_are_counted_not_piled_up);
    tcase_add_test(tc, a_fifo_waits_for_its_writer_a_bounded_time);
    tcase_add_test(tc, files_skipped_in_a_directory_are_named);
    suite_add_tcase(s, tc);
    return s;
}
