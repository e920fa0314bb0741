/* test_cli.c — the hhreg command as users and scripts meet it: help and version,
 * exit codes, JSON output, standard input, batches, areas, languages, and that
 * memory stays flat as a batch grows. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h> /* doctor names the SQLite in use */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <libxml/xmlstring.h> /* xmlCheckUTF8 */

#include "hhreg/plugin.h"
#include "store.h"
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
    ck_assert_msg(strstr(r.err, "hhreg validate: /nonexistent/form.xml: cannot be opened: No such file"), "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "--lang", "zh", "import", "--db", tu_store_db, "/nonexistent/form.xml", NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "hhreg import: /nonexistent/form.xml: 无法打开：没有那个文件或目录"), "%s", r.err);
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
    /* a date well written that the calendar has not is told as such, a date mistyped as one */
    char *xml = tu_read_file(good, NULL), *birth = strstr(xml, "<birthDate>"), *end = strstr(xml, "</birthDate>");
    ck_assert(birth && end);
    static const char *const dates[] = { "1950-02-30", "1950-2-3" };
    char *files[2];
    for (int i = 0; i < 2; i++) {
        char *form = hh_xasprintf("%.*s%s%s", (int)(birth + 11 - xml), xml, dates[i], end);
        files[i] = tu_path(tu_store_dir, i ? "mistyped.xml" : "feb30.xml");
        tu_write_file(files[i], form, strlen(form));
        free(form);
    }
    r = tu_hhreg(NULL, NULL, "validate", "--lang", "en", files[0], files[1], NULL);
    ck_assert_msg(r.status == 1 &&
                      strstr(r.out, "feb30.xml:26: error: [XSD-TYPE] person/birthDate: is written YYYY-MM-DD, but that "
                                    "month has fewer days") &&
                      strstr(r.out, "mistyped.xml:26: error: [XSD-TYPE] person/birthDate: is not a valid date written "
                                    "YYYY-MM-DD"),
                  "%s", r.out);
    tu_result_free(&r);
    free(xml);
    free(files[0]);
    free(files[1]);
    free(good);
    free(warn);
    free(bad);
}
END_TEST

/* validate's messages go to standard output and its summary (and a file refused) to
 * standard error: into one file (2>&1), each whole and the summary last. It came in
 * the middle of the messages, where standard output's buffer ended, and cut a
 * Chinese character in two (a user trial). Not under valgrind: the order is the subject. */
START_TEST(validate_into_one_file_keeps_every_line_whole)
{
    char *dir = tu_src("samples/invalid"), *log = tu_path(tu_store_dir, "v.log");
    char *cmd = hh_xasprintf("cd '%s' && '%s' --lang zh validate . > '%s' 2>&1", dir, tu_bin(), log);
    int status = system(cmd);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "%s: %d", cmd, status);
    size_t len;
    char *text = tu_read_file(log, &len);
    ck_assert_msg(len > 8192 && xmlCheckUTF8((const unsigned char *)text), "%zu bytes, not all UTF-8", len);
    const char *last = strrchr(text, '\n');
    ck_assert(last && last == text + len - 1);
    while (last > text && last[-1] != '\n')
        last--;
    ck_assert_msg(strstr(last, " 份表单：有效 ") == strchr(last, ' '), "the last line: %s", last);
    free(text);
    free(cmd);
    free(log);
    free(dir);
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

/* Blanks around a value are not part of it: a district system's export that pads
 * values (spaces, a tab, line ends, the ideographic space a Chinese input method
 * types) is read as meant, stored without them, and is the very form unpadded. */
START_TEST(blanks_around_values_are_not_part_of_them)
{
    char *sample = tu_src("samples/households/510105016003-03-0101.xml");
    char *text = tu_read_file(sample, NULL);
    static const char *const pads[][2] = {
        { "id=\"510105016003-03-0101\"", "id=\" 510105016003-03-0101\t\"" },
        { "code=\"510105016003\"", "code=\"510105016003 \"" },
        { "<room>601</room>", "<room>\n      601\n    </room>" },
        { ">PK0000001<", ">\xe3\x80\x80PK0000001 <" },
        { "<phone>+923000300709</phone>", "<phone> +923000300709\xe3\x80\x80</phone>" },
        { "<name>Muhammad Imran</name>", "<name>  Muhammad Imran </name>" },
    };
    for (size_t i = 0; i < sizeof pads / sizeof pads[0]; i++) {
        char *at = strstr(text, pads[i][0]);
        ck_assert_msg(at, "the sample has no %s", pads[i][0]);
        char *padded = hh_xasprintf("%.*s%s%s", (int)(at - text), text, pads[i][1], at + strlen(pads[i][0]));
        free(text);
        text = padded;
    }
    char *form = tu_path(tu_store_dir, "padded.xml");
    tu_write_file(form, text, strlen(text));
    tu_result r = tu_hhreg(NULL, NULL, "validate", form, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 stored"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE household_id = "
                                               "'510105016003-03-0101' AND room = '601'"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM document WHERE document_number = 'PK0000001'"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM person WHERE line = 1 AND name = 'Muhammad Imran'"), 1);
    /* what is stored is the form as meant: the sample itself is the same form */
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, sample, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 unchanged"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--json", "0101", NULL);
    ck_assert_msg(strstr(r.out, "\"room\":\"601\"") && strstr(r.out, "\"phone\":\"+923000300709\""), "%s", r.out);
    tu_result_free(&r);
    free(form);
    free(text);
    free(sample);
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
    tu_no_valgrind = 1; /* 1,700 households to list: made and checked without valgrind, listed under it */
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "1700", "--seed", "3", "--batch", batch, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "-q", batch, NULL);
    tu_no_valgrind = 0;
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
    ck_assert_msg(!*r.err, "%s", r.err);
    tu_result_free(&r);
    /* a mistyped area is said, not taken for an empty grid (a user trial: "Nothing is due.") */
    static const char *const listings[][2] = { { "list", NULL }, { "due", NULL }, { "review", "--returned" } };
    for (size_t i = 0; i < 3; i++) {
        r = tu_hhreg(NULL, NULL, listings[i][0], "--db", tu_store_db, "--area", "000105016003-09", listings[i][1], NULL);
        char *said = hh_xasprintf("hhreg %s: warning: no current household's id begins with 000105016003-09 (--area)\n",
                                  listings[i][0]);
        ck_assert_msg(r.status == 0 && strcmp(r.err, said) == 0, "%s: %d %s", listings[i][0], r.status, r.err);
        free(said);
        tu_result_free(&r);
    }
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, "--area", "000105016", "--json", NULL);
    ck_assert(strstr(r.out, "\"id\":\"000105016003-05-0076\"") != NULL);
    tu_result_free(&r);
    tu_no_valgrind = 1;
    r = tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, "--json", NULL);
    tu_no_valgrind = 0;
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
    tu_init_store(store);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", 1);
        dup2(null, 1);
        dup2(null, 2);
        /* SQLite's page cache fills up to its set size as the store grows; keep it small
         * so what is measured is hhreg reading the batch */
        setenv("HHREG_CACHE_KB", "2000", 1);
        /* and the document numbers kept in memory till their merge (some 20-45 bytes each) few */
        setenv("HHREG_BULK_MERGE_AT", "2000", 1);
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
    /* what may fill only after the first thousand forms: the page cache (2 MB here) and
     * the statement journals SQLite keeps in memory (up to 4 MiB); measured 21.5 and
     * 27.7 MB, at this commit and at 03d433e alike, so a bound of 6 MB failed one run
     * in two. A leak of a kilobyte a household still fails it. */
    ck_assert_msg(large < small + 8 * 1024, "peak RSS %ld KiB for 1,000 households, %ld KiB for 12,000", small, large);
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
    /* under valgrind a few thousand: the memory limit that needs millions is off there */
    const long n = tu_slowed_down() ? 4L << 10 : 4L << 20;
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

/* --- issue 15: version, doctor, loader messages, undelete, show of a deleted household --- */

/* How many times `needle` occurs in `hay`. */
static int occurrences(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

START_TEST(version_names_the_store_schema_and_plugin_abi)
{
    tu_result r = tu_hhreg(NULL, NULL, "--version", NULL);
    ck_assert_int_eq(r.status, 0);
    char *store = hh_xasprintf("store schema %d", HH_STORE_SCHEMA_VERSION);
    char *abi = hh_xasprintf("plugin ABI %d.%d", HHREG_PLUGIN_ABI_MAJOR, HHREG_HOST_API_MINOR);
    ck_assert_msg(strstr(r.out, store) && strstr(r.out, abi), "%s", r.out);
    /* after an option meant for a command, too, and the same line as doctor's first */
    tu_result late = tu_hhreg(NULL, NULL, "--schema-dir", "/nowhere", "--version", NULL);
    ck_assert_int_eq(late.status, 0);
    ck_assert_str_eq(late.out, r.out);
    tu_result doctor = tu_hhreg(NULL, NULL, "doctor", "--db", "/nowhere/none.db", NULL);
    ck_assert_msg(strncmp(doctor.out, r.out, strlen(r.out)) == 0, "%s", doctor.out);
    tu_result_free(&doctor);
    tu_result_free(&late);
    free(store);
    free(abi);
    tu_result_free(&r);
}
END_TEST

/* A private plugin directory holding the test plugin goodtest.so, and `junk`.so
 * when `junk` is given: a file that is not a shared object. */
static char *plugin_dir_with(const char *junk)
{
    char *dir = tu_path(tu_store_dir, "plugins");
    mkdir(dir, 0700);
    char *from = hh_xasprintf("%s/goodtest.so", getenv("HHREG_TEST_PLUGINS"));
    char *to = tu_path(dir, "goodtest.so");
    size_t len;
    char *data = tu_read_file(from, &len);
    tu_write_file(to, data, len);
    chmod(to, 0644);
    if (junk) {
        char *name = hh_xasprintf("%s.so", junk);
        char *path = tu_path(dir, name);
        tu_write_file(path, "not an ELF file\n", 16);
        chmod(path, 0644);
        free(path);
        free(name);
    }
    free(data);
    free(to);
    free(from);
    return dir;
}

/* The first English words of `text` in a row of three (letters only, two or more
 * each), outside a quoted command ('hhreg init', “hhreg enter --resume”), into
 * `found`; false when there is none. A message in Chinese may name a command, an
 * option, a code or a path, but says the rest in Chinese. */
static bool english_phrase(const char *text, char found[128])
{
    int run = 0;
    const char *start = NULL;
    for (const char *p = text; *p;) {
        if (*p == '\'' || strncmp(p, "\u201c", 3) == 0) { /* skip to the closing quote */
            const char *close = *p == '\'' ? strchr(p + 1, '\'') : strstr(p + 3, "\u201d");
            p = close ? close + (*p == '\'' ? 1 : 3) : p + 1;
            run = 0;
            continue;
        }
        const char *w = p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
            p++;
        bool word = p - w >= 2 && (w == text || !strchr("-/.[@$_", w[-1])) && (*p == ' ' || *p == '\0' || *p == ',' ||
                                                                         *p == ';' || *p == ':' || *p == ')');
        if (word) {
            if (run++ == 0)
                start = w;
            if (run == 3) {
                snprintf(found, 128, "%.*s", (int)(p - start), start);
                return true;
            }
            if (*p == ' ')
                p++;
            else
                run = 0;
            continue;
        }
        run = 0;
        if (p == w)
            p++;
    }
    return false;
}

/* A deleted household is refused by edit and visit at once, before a question is
 * asked (they asked every question and refused only the save), and no draft is left. */
START_TEST(a_deleted_household_is_refused_before_any_question)
{
    char *form = tu_src("samples/households/510105016003-03-0015.xml");
    const char *id = "510105016003-03-0015";
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "delete", "--db", tu_store_db, id, "--reason", "moved away", NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    const char *commands[] = { "edit", "visit" };
    for (size_t i = 0; i < 2; i++) {
        r = tu_hhreg(NULL, NULL, commands[i], "--db", tu_store_db, id, NULL);
        ck_assert_msg(r.status == 1 && strstr(r.err, "is deleted: 'hhreg undelete") && !*r.out, "%s: exit %d\n%s%s",
                      commands[i], r.status, r.out, r.err);
        tu_result_free(&r);
    }
    r = tu_hhreg(NULL, NULL, "enter", "--db", tu_store_db, "--drafts", NULL);
    ck_assert_msg(!strstr(r.out, id), "%s", r.out);
    tu_result_free(&r);
    free(form);
}
END_TEST

/* Issue 17 item 11: what a grid worker meets in every command, asked in Chinese,
 * is said in Chinese — the outputs and the refusals alike. */
START_TEST(a_grid_workers_commands_speak_chinese)
{
    char *form = tu_src("samples/households/510105016003-03-0015.xml"), *missing = tu_path(tu_store_dir, "none.db"),
         *copy = tu_path(tu_store_dir, "copy.db"), *encoding = tu_src("samples/invalid/XML-ENCODING.xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    const char *db = tu_store_db, *id = "510105016003-03-0015";
    const char *const runs[][10] = {
        { "show", "--db", missing, id },
        { "show", "--db", db, id },
        { "show", "--db", db, "999999" },
        { "show", "--db", db, "--bogus" },
        { "list", "--db", db },
        { "history", "--db", db, id },
        { "check", "--db", db },
        { "find", "--db", db, "543-1-801" },
        { "find", "--db", db, "zzzz" },
        { "due", "--db", db, "--days", "1" },
        { "due", "--db", db, "--group", "nonsense" },
        { "review", "--db", db },
        { "delete", "--db", db, id },
        { "enter", "--db", db, "--drafts" },
        { "enter", "--db", db, "--discard" },
        { "edit", "--db", db, "999999" },
        { "visit", "--db", db, "999999" },
        { "validate", encoding },
        { "init", "--db", db },
        { "backup", "--db", db, copy },
        { "doctor", "--db", db },
        { "user", "add", "--db", db, "Bad Name", "--role", "enumerator" },
        { "user", "add", "--db", db, "amy", "--role", "mayor" },
        { "user", "delete", "--db", db, "amy" },
        { "import", "-j", "0", form },
        { "import", "--db", db, form },
        { "validate", form },
        { "show", "--revision", "x", id },
        { "sample", "--households", "3" },
        { "export", "--plugin-timeout", "soon", "jsonl" },
        { "serve", "--address-failures", "0" },
        { "nonsense" },
        { "list", "--lang", "fr" },
        /* the library's own reasons, from below the command */
        { "review", "--db", db, "--approve", "--revision", "9", id },
        { "review", "--db", db, "--return", "--item", "nowhere/at-all=x", id },
        { "user", "add", "--db", db, "sam", "--role", "statistician", "--grid", "510105016003-03" },
        { "backup", "--db", db, copy },
        { "export", "--db", db, "nosuch" },
        { "plugins", "--plugin-dir", missing },
        { "init", "--db", "/proc/none/none.db" },
        { "delete", "--db", db, id, "--reason", "moved" },
        { "delete", "--db", db, id, "--reason", "moved" },
        { "undelete", "--db", db, id, "--reason", "back" },
        { "undelete", "--db", db, id, "--reason", "back" },
        { "history", "--db", db, "999999" },
        /* the system's reasons, in its words (glibc's Chinese translation) */
        { "validate", missing },
        { "import", "--db", db, tu_store_dir, "/proc/none.xml" },
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *const *a = runs[i];
        r = tu_hhreg(NULL, NULL, "--lang", "zh", a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], NULL);
        char phrase[128];
        ck_assert_msg(!english_phrase(r.out, phrase) && !english_phrase(r.err, phrase),
                      "hhreg %s (run %zu) says \"%s\" in English:\n%.300s%.300s", a[0], i, phrase, r.out, r.err);
        ck_assert_msg(*r.out || *r.err, "hhreg %s (run %zu) says nothing", a[0], i);
        tu_result_free(&r);
    }
    free(form);
    free(missing);
    free(copy);
    free(encoding);
}
END_TEST

/* Issue 17 item 11: the help of hhreg and of each command it lists, asked in
 * Chinese, is in Chinese: everything but the synopsis (a command line, like a
 * quoted command) and the option names. */
START_TEST(every_commands_help_is_in_chinese_too)
{
    tu_result all = tu_hhreg(NULL, NULL, "--lang", "zh", "--help", NULL);
    ck_assert_int_eq(all.status, 0);
    char phrase[128];
    ck_assert_msg(!english_phrase(all.out, phrase), "hhreg --help says \"%s\" in English:\n%s", phrase, all.out);
    size_t commands = 0;
    for (const char *line = strstr(all.out, "\n  "); line; line = strstr(line + 1, "\n  ")) {
        char name[32];
        if (sscanf(line, " %31[a-z]", name) != 1)
            continue;
        tu_result r = tu_hhreg(NULL, NULL, name, "--help", "--lang", "zh", NULL);
        ck_assert_msg(r.status == 0 && strncmp(r.out, "用法：hhreg ", strlen("用法：hhreg ")) == 0,
                      "hhreg %s --help in Chinese: exit %d\n%s%s", name, r.status, r.out, r.err);
        const char *after_synopsis = strchr(r.out, '\n');
        ck_assert_msg(!english_phrase(after_synopsis, phrase), "hhreg %s --help says \"%s\" in English:\n%s", name,
                      phrase, r.out);
        tu_result en = tu_hhreg(NULL, NULL, "help", name, "--lang", "en", NULL);
        ck_assert_msg(en.status == 0 && strncmp(en.out, "Usage: hhreg ", strlen("Usage: hhreg ")) == 0 &&
                          strstr(en.out, "Common options:"),
                      "hhreg help %s in English:\n%s%s", name, en.out, en.err);
        tu_result_free(&en);
        tu_result_free(&r);
        commands++;
    }
    ck_assert_uint_ge(commands, 20);
    tu_result_free(&all);
}
END_TEST

START_TEST(doctor_says_what_is_installed_and_where)
{
    char *plugins = plugin_dir_with(NULL);
    char *nowhere = tu_path(tu_store_dir, "not-yet.db");
    unsetenv("HHREG_PLUGIN_PATH");
    /* a new user's first run: no store yet is not a problem */
    tu_result r = tu_hhreg(NULL, NULL, "doctor", "--db", nowhere, "--plugin-dir", plugins, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    char *version = hh_xasprintf("store schema %d, plugin ABI %d.%d", HH_STORE_SCHEMA_VERSION,
                                 HHREG_PLUGIN_ABI_MAJOR, HHREG_HOST_API_MINOR);
    char *sqlite = hh_xasprintf("SQLite %s", sqlite3_libversion());
    char *loaded = hh_xasprintf("loaded:  goodtest 0.1  %s/goodtest.so", plugins);
    ck_assert_msg(strstr(r.out, version) && strstr(r.out, sqlite) && strstr(r.out, "libxml2 2.") &&
                      strstr(r.out, nowhere) && strstr(r.out, "not there yet; 'hhreg init' creates it") &&
                      strstr(r.out, tu_schema_dir()) && strstr(r.out, "the form schema and its rules load") &&
                      strstr(r.out, loaded),
                  "%s", r.out);
    tu_result_free(&r);
    /* the store found; a plugin refused with its reason; a directory that is not there */
    char *missing = tu_path(tu_store_dir, "no-such-dir");
    setenv("HHREG_PLUGIN_PATH", missing, 1);
    free(plugin_dir_with("junk"));
    r = tu_hhreg(NULL, NULL, "doctor", "--db", tu_store_db, "--plugin-dir", plugins, NULL);
    unsetenv("HHREG_PLUGIN_PATH");
    char *store = hh_xasprintf("found: an hhreg store of schema version %d", HH_STORE_SCHEMA_VERSION);
    char *refused = hh_xasprintf("refused: %s/junk.so: cannot be loaded", plugins);
    char *absent = hh_xasprintf("%s (does not exist)", missing);
    ck_assert_msg(r.status == 1 && strstr(r.out, store) && strstr(r.out, refused) && strstr(r.out, absent) &&
                      strstr(r.out, loaded),
                  "exit %d: %s", r.status, r.out);
    tu_result_free(&r);
    /* schemas that cannot be loaded are said so */
    r = tu_hhreg(NULL, NULL, "doctor", "--db", tu_store_db, "--schema-dir", tu_store_dir, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.out, "cannot be used"), "exit %d: %s", r.status, r.out);
    tu_result_free(&r);
    free(absent);
    free(refused);
    free(store);
    free(missing);
    free(loaded);
    free(sqlite);
    free(version);
    free(nowhere);
    free(plugins);
}
END_TEST

START_TEST(loader_messages_name_what_the_user_gave)
{
    char *plugins = plugin_dir_with("junk");
    char *missing = tu_path(tu_store_dir, "typo");
    unsetenv("HHREG_PLUGIN_PATH");
    /* a --plugin-dir that does not exist is reported, by plugins and by export */
    tu_result r = tu_hhreg(NULL, NULL, "plugins", "--plugin-dir", missing, NULL);
    char *said = hh_xasprintf("plugin directory %s (--plugin-dir): it does not exist", missing);
    ck_assert_msg(r.status == 1 && strstr(r.err, said), "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    char *out = tu_path(tu_store_dir, "out.jsonl");
    r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", missing, "-o", out, "goodtest", NULL);
    ck_assert_msg(r.status != 0 && strstr(r.err, said), "exit %d: %s", r.status, r.err);
    ck_assert(access(out, F_OK) != 0);
    tu_result_free(&r);
    /* a file that is not a shared object is named by its path */
    char *junk = hh_xasprintf("%s/junk.so: cannot be loaded: ", plugins);
    r = tu_hhreg(NULL, NULL, "plugins", "--plugin-dir", plugins, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, junk) && strstr(r.err, "not a shared object") &&
                      !strstr(r.err, "/proc/self/fd"),
                  "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", plugins, "-o", out, "junk", NULL);
    ck_assert_msg(r.status != 0 && strstr(r.err, junk) && !strstr(r.err, "/proc/self/fd"), "%s", r.err);
    tu_result_free(&r);
    /* a symbolic link to a directory, named by --plugin-dir and in $HHREG_PLUGIN_PATH:
     * refused once, saying what to do */
    char *link = tu_path(tu_store_dir, "linked-plugins");
    ck_assert_int_eq(symlink(plugins, link), 0);
    setenv("HHREG_PLUGIN_PATH", link, 1);
    r = tu_hhreg(NULL, NULL, "plugins", "--plugin-dir", link, NULL);
    unsetenv("HHREG_PLUGIN_PATH");
    ck_assert_msg(r.status == 1 && occurrences(r.err, "symbolic link") == 1 &&
                      strstr(r.err, "name the directory it points to"),
                  "%s", r.err);
    tu_result_free(&r);
    free(link);
    free(junk);
    free(out);
    free(said);
    free(missing);
    free(plugins);
}
END_TEST

/* Runs hhreg, expecting exit `status`; returns the result for more checks. */
static tu_result expect_exit(int status, const char *cmd, const char *a1, const char *a2, const char *a3)
{
    tu_result r = tu_hhreg(NULL, NULL, cmd, "--db", tu_store_db, a1, a2, a3, NULL);
    ck_assert_msg(r.status == status, "hhreg %s: exit %d, not %d: %s%s", cmd, r.status, status, r.out, r.err);
    return r;
}

START_TEST(undelete_makes_a_deleted_household_current_again)
{
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    char *other = tu_src("samples/households/510105016003-03-0101.xml");
    const char *id = "510105016003-03-0001";
    tu_result r = expect_exit(0, "import", form, other, NULL);
    tu_result_free(&r);
    r = expect_exit(0, "delete", "--reason", "moved away", id);
    tu_result_free(&r);
    /* show says so at the top, and show --json carries it */
    r = expect_exit(0, "show", id, NULL, NULL);
    ck_assert_msg(strncmp(r.out, "DELETED on ", 11) == 0 && strstr(r.out, ": moved away\n"), "%s", r.out);
    tu_result_free(&r);
    r = expect_exit(0, "show", "--json", id, NULL);
    ck_assert_msg(strncmp(r.out, "{\"deleted\":{\"at\":\"", 18) == 0 &&
                      strstr(r.out, "\"reason\":\"moved away\"},\"id\":\"510105016003-03-0001\""),
                  "%s", r.out);
    tu_result_free(&r);
    /* refused: an unknown id, one not deleted, no reason */
    r = expect_exit(1, "undelete", "--reason", "back", "510105016003-03-9999");
    ck_assert(strstr(r.err, "no household matches that reference") != NULL);
    tu_result_free(&r);
    r = expect_exit(1, "undelete", "--reason", "back", "510105016003-03-0101");
    ck_assert(strstr(r.err, "household 510105016003-03-0101 is not deleted") != NULL);
    tu_result_free(&r);
    r = expect_exit(2, "undelete", id, NULL, NULL);
    ck_assert(strstr(r.err, "--reason") != NULL);
    tu_result_free(&r);
    long persons = tu_sql_count(tu_store_db, "SELECT count(*) FROM person WHERE household_id = "
                                             "'510105016003-03-0001' AND revision = 1");
    r = expect_exit(0, "undelete", "--reason", "came back", id);
    ck_assert(strstr(r.out, "as revision 2") != NULL);
    tu_result_free(&r);
    /* a new revision with the same form, rows and documents, audited; check passes */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM person WHERE household_id = "
                                               "'510105016003-03-0001' AND revision = 2"),
                     persons);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM document WHERE household_id = "
                                               "'510105016003-03-0001'"),
                     tu_sql_count(tu_store_db, "SELECT count(*) FROM person WHERE household_id = "
                                               "'510105016003-03-0001' AND revision = 1 AND document_number "
                                               "IS NOT NULL"));
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'undelete' AND "
                                               "household_id = '510105016003-03-0001' AND revision = 2"),
                     1);
    r = expect_exit(0, "history", id, NULL, NULL);
    ck_assert_msg(strstr(r.out, "undelete: came back (deleted ") && strstr(r.out, ": moved away)"), "%s", r.out);
    tu_result_free(&r);
    r = expect_exit(0, "show", id, NULL, NULL);
    ck_assert_msg(strncmp(r.out, "Household 510105016003-03-0001 (revision 2)", 43) == 0, "%s", r.out);
    tu_result_free(&r);
    r = expect_exit(0, "list", NULL, NULL, NULL);
    ck_assert(strstr(r.out, id) != NULL);
    tu_result_free(&r);
    r = expect_exit(0, "check", NULL, NULL, NULL);
    tu_result_free(&r);
    /* the same form delivered again changes nothing */
    r = expect_exit(0, "import", form, NULL, NULL);
    ck_assert(strstr(r.out, "1 unchanged") != NULL);
    tu_result_free(&r);
    /* deleted again, and its ID number taken by another household meanwhile: refused */
    r = expect_exit(0, "delete", "--reason", "moved again", id);
    tu_result_free(&r);
    size_t len;
    char *xml = tu_read_file(form, &len);
    char *at = strstr(xml, "id=\"510105016003-03-0001\"");
    memcpy(at + 20, "9", 1); /* -0001 -> -9001: another household, same persons */
    char *copy = tu_path(tu_store_dir, "copy.xml");
    tu_write_file(copy, xml, len);
    r = expect_exit(0, "import", copy, NULL, NULL);
    tu_result_free(&r);
    r = expect_exit(1, "undelete", "--reason", "back", id);
    ck_assert_msg(strstr(r.err, "is now held by household 510105016003-03-9001"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE id = '510105016003-03-0001'"
                                               " AND deleted_at IS NOT NULL AND current_revision = 2"),
                     1);
    r = expect_exit(0, "check", NULL, NULL, NULL);
    tu_result_free(&r);
    free(copy);
    free(xml);
    free(other);
    free(form);
}
END_TEST

/* `make demo` (run here into a private DEMO_DIR): the grid only, the invalid forms shown
 * refused by validate and never stored, no error make ignores. */
START_TEST(make_demo_stores_the_grid_only)
{
    const char *builddir = getenv("HHREG_BUILDDIR");
    ck_assert_msg(builddir != NULL, "HHREG_BUILDDIR is set by make check");
    char *command = hh_xasprintf("make -C '%s' demo DEMO_DIR='%s' 2>&1", builddir, tu_store_dir);
    char *out = tu_shell(command); /* fails the test unless make exits 0 */
    ck_assert_msg(!strstr(out, "(ignored)") && !strstr(out, "Error"), "%s", out);
    ck_assert_msg(strstr(out, "[ID-CHECKSUM]") && strstr(out, "demo.db: 812 household(s) (0 deleted)"), "%s", out);
    char *demo = tu_path(tu_store_dir, "demo.db");
    ck_assert_int_eq(tu_sql_count(demo, "SELECT count(*) FROM household"), 812);
    ck_assert_int_eq(tu_sql_count(demo, "SELECT count(*) FROM revision WHERE source LIKE '%samples/invalid/%'"), 0);
    char *report = tu_path(tu_store_dir, "demo-report.html");
    ck_assert(access(report, F_OK) == 0);
    free(report);
    free(demo);
    free(out);
    free(command);
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
    tcase_add_test(tc, validate_into_one_file_keeps_every_line_whole);
    tcase_add_test(tc, import_from_standard_input_and_browse);
    tcase_add_test(tc, blanks_around_values_are_not_part_of_them);
    tcase_add_test(tc, store_named_by_environment);
    tcase_add_test(tc, list_by_area);
    tcase_add_test(tc, foreign_elements_in_a_batch_are_counted_not_piled_up);
    tcase_add_test(tc, a_fifo_waits_for_its_writer_a_bounded_time);
    tcase_add_test(tc, files_skipped_in_a_directory_are_named);
    tcase_add_test(tc, version_names_the_store_schema_and_plugin_abi);
    tcase_add_test(tc, doctor_says_what_is_installed_and_where);
    tcase_add_test(tc, loader_messages_name_what_the_user_gave);
    tcase_add_test(tc, undelete_makes_a_deleted_household_current_again);
    tcase_add_test(tc, make_demo_stores_the_grid_only);
    tcase_add_test(tc, a_grid_workers_commands_speak_chinese);
    tcase_add_test(tc, a_deleted_household_is_refused_before_any_question);
    suite_add_tcase(s, tc);
    TCase *slow = tu_slow_tcase(s, "a-large-batch", 300);
    tcase_add_checked_fixture(slow, tu_store_setup, tu_store_teardown);
    tcase_add_test(slow, memory_does_not_grow_with_a_batch);
    /* every command's help in both languages: under valgrind help_version_and_usage_errors
     * prints --help and import --help; the rest of the help text runs under ASan only */
    tcase_add_test(slow, every_commands_help_is_in_chinese_too);
    return s;
}
