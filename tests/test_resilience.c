/* test_resilience.c — what the store must survive (security guide items 21 and 23):
 * an import killed with SIGKILL at random moments, round after round; a disk that
 * fills up (a tiny tmpfs in a private mount namespace, and RLIMIT_FSIZE); two
 * imports and exports at the same time on one store; a writer that holds the store
 * longer than the busy timeout. After each, `hhreg check` passes, every form is
 * stored whole or not at all, and a re-run ends with exactly the expected store.
 *
 * The kill loop is 12 rounds over 10,000 forms plus 1,000 revisions (a minute; each
 * round kills an import at a random moment of its 200 batches); under valgrind
 * or a sanitizer, which run the binary 3-30 times slower, it is scaled down. */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

Suite *make_resilience_suite(void);

#define NS "xmlns=\"urn:hhreg:household:1\""

static void setup(void)
{
    tu_store_setup();
    tu_limit_fsize = 0;
}

/* What a kill could break below hhreg check's re-validation of every form: SQLite's
 * page structure, and each revision's rows (nothing half-written). */
static void assert_rows_whole(const char *db, long households)
{
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM pragma_quick_check WHERE quick_check <> 'ok'"), 0);
    /* every stored revision has exactly its persons: nothing half-written */
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision r WHERE r.size <>"
                                      " (SELECT count(*) FROM person p WHERE p.household_id = r.household_id"
                                      " AND p.revision = r.revision)"),
                     0);
    if (households >= 0)
        ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM household"), households);
}

static void assert_store_sound(const char *db, long households)
{
    tu_result r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "hhreg check failed: %s%s", r.out, r.err);
    tu_result_free(&r);
    assert_rows_whole(db, households);
}

/* A batch of n generated households at `path`. */
static void make_batch(const char *path, long n, int seed)
{
    char count[32], s[32];
    snprintf(count, sizeof count, "%ld", n);
    snprintf(s, sizeof s, "%d", seed);
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", count, "--seed", s, "--batch", path, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
}

/* The start of the `n`th (0-based) <household in `xml`, or its end tag. */
static char *nth_household(char *xml, long n)
{
    char *at = strstr(xml, "<household ");
    for (long i = 0; i < n && at; i++)
        at = strstr(at + 1, "<household ");
    return at ? at : strstr(xml, "</households>");
}

/* Splits the batch at `path` into its first half and the rest. */
static void split_batch(const char *path, const char *first, const char *second)
{
    char *xml = tu_read_file(path, NULL);
    long n = 0;
    for (char *at = strstr(xml, "<household "); at; at = strstr(at + 1, "<household "))
        n++;
    char *body = nth_household(xml, 0), *middle = nth_household(xml, n / 2);
    char *end = strstr(middle, "</households>");
    ck_assert(body && middle && end);
    *end = '\0';
    char *a = hh_xasprintf("<households " NS ">%.*s</households>", (int)(middle - body), body);
    char *b = hh_xasprintf("<households " NS ">%s</households>", middle);
    tu_write_file(first, a, strlen(a));
    tu_write_file(second, b, strlen(b));
    free(a);
    free(b);
    free(xml);
}

/* A batch of new revisions of the first `n` households of the batch at `path`:
 * each gains a follow-up visit. */
static void make_revisions(const char *path, long n, const char *to)
{
    char *xml = tu_read_file(path, NULL);
    *nth_household(xml, n) = '\0';
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_puts(&b, "<households " NS ">\n");
    for (char *at = nth_household(xml, 0), *end; (end = strstr(at, "</household>")); at = end + 12) {
        hh_buf_append(&b, at, (size_t)(end - at));
        hh_buf_puts(&b, "<visit date=\"2026-01-05\" enumerator=\"E0301\" purpose=\"follow-up\" outcome=\"done\"/>"
                        "</household>\n");
    }
    hh_buf_puts(&b, "</households>\n");
    tu_write_file(to, b.data, b.len);
    hh_buf_free(&b);
    free(xml);
}

/* Starts hhreg with the NULL-terminated arguments in the background, its standard
 * error to `err_path` (NULL: discarded). */
static pid_t spawn(const char *err_path, const char *const *args)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        int err = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600) : null;
        dup2(null, 0);
        dup2(null, 1);
        dup2(err, 2);
        const char *argv[16] = { tu_bin() };
        for (int i = 0; args[i] && i < 14; i++)
            argv[i + 1] = args[i];
        execv(tu_bin(), (char *const *)argv);
        _exit(127);
    }
    return pid;
}

static int reap(pid_t pid)
{
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static long now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec * 1000L + tv.tv_usec / 1000;
}

/* Rows of (household, revision, digest) in one store and not the other, both ways. */
static long revisions_differing(const char *db, const char *reference)
{
    sqlite3 *h;
    long n = -1;
    char *attach = sqlite3_mprintf("ATTACH %Q AS ref", reference);
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_exec(h, attach, NULL, NULL, NULL) == SQLITE_OK) {
        sqlite3_stmt *st;
        const char *sql = "SELECT (SELECT count(*) FROM (SELECT household_id, revision, form_sha256 FROM main.revision"
                          " EXCEPT SELECT household_id, revision, form_sha256 FROM ref.revision)) +"
                          " (SELECT count(*) FROM (SELECT household_id, revision, form_sha256 FROM ref.revision"
                          " EXCEPT SELECT household_id, revision, form_sha256 FROM main.revision))";
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_free(attach);
    sqlite3_close(h);
    return n;
}

/* Sets the store back to an empty one, or to a copy of `from`. */
static void reset_store(const char *from)
{
    static const char *const files[] = { "", "-wal", "-shm" };
    for (int k = 0; k < 3; k++) {
        char *f = hh_xasprintf("%s%s", tu_store_db, files[k]);
        unlink(f);
        free(f);
    }
    if (from) {
        size_t len;
        char *data = tu_read_file(from, &len);
        tu_write_file(tu_store_db, data, len);
        free(data);
        ck_assert_int_eq(chmod(tu_store_db, 0600), 0); /* as hhreg made it: check reports a wider mode */
    } else {
        tu_result r = tu_hhreg(NULL, NULL, "init", "--db", tu_store_db, NULL);
        ck_assert_int_eq(r.status, 0);
        tu_result_free(&r);
    }
}

/* Waits for `pid` until `deadline` (ms); kills it with SIGKILL then. 1 if killed. */
static int kill_at(pid_t pid, long deadline)
{
    int status;
    while (now_ms() < deadline)
        if (waitpid(pid, &status, WNOHANG) == pid)
            return 0;
        else
            usleep(2000);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return 1;
}

START_TEST(kill_nine_at_random_moments)
{
    long forms = tu_slowed_down() ? 2000 : 10000, revised = forms / 10;
    int rounds = tu_slowed_down() ? 3 : 12;
    char *batch = tu_path(tu_store_dir, "batch.xml"), *revisions = tu_path(tu_store_dir, "revisions.xml");
    char *reference = tu_path(tu_store_dir, "reference.db");
    make_batch(batch, forms, 21);
    make_revisions(batch, revised, revisions);
    /* a household appears once per import: the revisions are a second import */
    const char *to_reference[2][8] = { { "import", "-q", "--db", reference, batch, NULL },
                                       { "import", "-q", "--db", reference, revisions, NULL } };
    const char *to_store[2][8] = { { "import", "-q", "--batch-size", "50", "--db", tu_store_db, batch, NULL },
                                   { "import", "-q", "--batch-size", "50", "--db", tu_store_db, revisions, NULL } };
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", reference, NULL);
    tu_result_free(&r);
    long step_ms[2];
    for (int step = 0; step < 2; step++) {
        long started = now_ms();
        ck_assert_int_eq(reap(spawn(NULL, to_reference[step])), 0);
        step_ms[step] = now_ms() - started;
    }
    ck_assert_int_eq(tu_sql_count(reference, "SELECT count(*) FROM revision"), forms + revised);

    /* the first half of the kills hit the import of the forms, the second half
     * (once that import has been run to its end) the import of the revisions; a
     * store in which the killed import had already finished its work is checked
     * and set back, so that every round kills an import with work left to do. The
     * kill comes at a random moment within a window first as long as the import
     * took; an import that finishes first (another suite may be using the other
     * core, or a re-run skips what is stored) shortens its window by a third and
     * does not count as a round. */
    srand((unsigned)time(NULL));
    int killed = 0, completed = 0, attempts = 0;
    long window[2] = { step_ms[0] * 9 / 10 + 1, step_ms[1] * 9 / 10 + 1 };
    char *base = tu_path(tu_store_dir, "base.db");
    for (int step = 0; killed < rounds; attempts++) {
        ck_assert_msg(attempts < 4 * rounds, "only %d of %d imports could be killed in %d attempts", killed, rounds,
                      attempts);
        long goal = step ? forms + revised : forms;
        if (!step && killed == rounds / 2) {
            step = 1;
            goal = forms + revised;
            reset_store(NULL);
            ck_assert_int_eq(reap(spawn(NULL, to_store[0])), 0);
            char *vacuum = hh_xasprintf("VACUUM INTO '%s'", base);
            ck_assert_int_eq(tu_sql_exec(tu_store_db, vacuum), 0);
            free(vacuum);
            /* in WAL mode, as hhreg leaves a store (VACUUM INTO writes a rollback-journal
             * file): else a kill while the next import switches it leaves a hot journal,
             * which the read-only checks below cannot roll back */
            ck_assert_int_eq(tu_sql_exec(base, "PRAGMA journal_mode = WAL"), 0);
        }
        long deadline = now_ms() + window[step] / 50 + rand() % window[step];
        int was_killed = kill_at(spawn(NULL, to_store[step]), deadline);
        killed += was_killed;
        if (!was_killed)
            window[step] = window[step] * 2 / 3 + 1;
        /* hhreg check re-validates every form (seconds for 10,000): after every
         * fourth attempt; SQLite's quick check and the rows after each */
        if (attempts % 4 == 0)
            assert_store_sound(tu_store_db, -1);
        else
            assert_rows_whole(tu_store_db, -1);
        long stored = tu_sql_count(tu_store_db, "SELECT count(*) FROM revision");
        ck_assert_int_le(stored, goal);
        ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE revision > 2"), 0);
        fprintf(stderr, "resilience: attempt %d: %s, %ld of %ld forms and revisions stored\n", attempts,
                was_killed ? "killed" : "finished first", stored, goal);
        if (stored == goal && killed < rounds) {
            if (step)
                ck_assert_int_eq(revisions_differing(tu_store_db, reference), 0);
            completed++;
            reset_store(step ? base : NULL);
        }
    }
    /* the re-run: the import that was killed, to its end */
    ck_assert_int_eq(reap(spawn(NULL, to_store[1])), 0);
    assert_store_sound(tu_store_db, forms);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), forms + revised);
    ck_assert_int_eq(revisions_differing(tu_store_db, reference), 0);
    fprintf(stderr, "resilience: %d imports (%ld forms, then %ld revisions) killed with SIGKILL at random in %d "
                    "attempts, %d stores reset after their work was done; the store stayed sound and ended equal "
                    "to the reference\n",
            killed, forms, revised, attempts, completed);
    free(base);
    free(batch);
    free(revisions);
    free(reference);
}
END_TEST

/* The counts of an import's summary line in `out`. */
typedef struct summary {
    long total, stored, unchanged, revised, refused, older, not_stored;
} summary;

static summary summary_of(const char *out)
{
    summary s;
    const char *line = strstr(out, " form(s): ");
    while (line && line > out && line[-1] != '\n')
        line--;
    ck_assert_msg(line && sscanf(line, "%ld form(s): %ld stored, %ld unchanged, %ld revised, %ld refused, %ld older, "
                                       "%ld not stored;",
                                 &s.total, &s.stored, &s.unchanged, &s.revised, &s.refused, &s.older,
                                 &s.not_stored) == 7,
                  "no summary line: %s", out);
    return s;
}

/* How many error diagnostics `err` holds. */
static long errors_in(const char *err)
{
    long n = 0;
    for (const char *at = strstr(err, ": error: ["); at; at = strstr(at + 1, ": error: ["))
        n++;
    return n;
}

START_TEST(a_full_file_size_limit_mid_import)
{
    char *batch = tu_path(tu_store_dir, "batch.xml");
    const long forms = tu_slowed_down() ? 1500 : 3000; /* either way far more than the room left */
    make_batch(batch, forms, 22);
    struct stat st;
    stat(tu_store_db, &st);
    tu_limit_fsize = st.st_size + 512 * 1024; /* room for a few hundred forms */
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, batch, NULL);
    tu_limit_fsize = 0;
    ck_assert_msg(r.status == 2, "exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.err, "File too large") && strstr(r.err, "run the same import again"),
                  "no clear message: %s", r.err);
    /* the forms of the failed transaction are "not stored", not "refused" (the
     * refused ones are the sample's few duplicate ID numbers, each with its error) */
    summary sum = summary_of(r.out);
    ck_assert_msg(sum.not_stored > 0 && sum.refused <= errors_in(r.err), "%s", r.out);
    tu_result_free(&r);
    assert_store_sound(tu_store_db, -1);
    ck_assert_int_lt(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), forms);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, batch, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    assert_store_sound(tu_store_db, forms);
    free(batch);
}
END_TEST

/* tests/disk-full.sh in a private mount namespace, where it may mount a tmpfs:
 * as root directly, otherwise as the root of a new user namespace. */
START_TEST(a_full_filesystem_mid_import)
{
    char *script = tu_src("tests/disk-full.sh");
    char *mnt = tu_path(tu_store_dir, "tiny");
    ck_assert_int_eq(mkdir(mnt, 0700), 0);
    char *batch = tu_path(tu_store_dir, "batch.xml");
    make_batch(batch, 3000, 23);
    char *cmd = hh_xasprintf("unshare --mount %s sh '%s' '%s' '%s' 2>&1",
                             geteuid() == 0 ? "--propagation private" : "--map-root-user", script, mnt, batch);
    FILE *p = popen(cmd, "r");
    hh_buf out;
    hh_buf_init(&out);
    char line[4096];
    while (p && fgets(line, sizeof line, p))
        hh_buf_puts(&out, line);
    int status = p ? pclose(p) : -1;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 77 || code == 127 || (code == 1 && strstr(out.data ? out.data : "", "unshare:")))
        fprintf(stderr, "resilience: a_full_filesystem_mid_import skipped: no private tmpfs here (%s)\n",
                out.data ? out.data : "");
    else
        ck_assert_msg(code == 0, "disk-full.sh failed (%d):\n%s", code, out.data);
    hh_buf_free(&out);
    free(cmd);
    free(batch);
    rmdir(mnt);
    free(mnt);
    free(script);
}
END_TEST

/* The household ids of a JSON-lines export, one per line. */
static char **exported_ids(const char *path, long *n)
{
    char *text = tu_read_file(path, NULL);
    char **ids = NULL;
    *n = 0;
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        ck_assert_msg(strncmp(line, "{\"id\":\"", 7) == 0, "not a household line in %s", path);
        char *q = strchr(line + 7, '"');
        ids = hh_xrealloc(ids, (size_t)(*n + 1) * sizeof *ids);
        ids[(*n)++] = hh_xstrndup(line + 7, (size_t)(q - line - 7));
        line = end ? end + 1 : NULL;
    }
    free(text);
    return ids;
}

/* How many of the forms of batch `path`, in input order, are in `ids`; fails unless
 * they are a prefix of the batch (a snapshot sees whole transactions, in order). */
static long prefix_in(const char *path, char **ids, long n)
{
    char *xml = tu_read_file(path, NULL);
    long seen = 0, position = 0, gap = -1;
    for (char *at = strstr(xml, "<household id=\""); at; at = strstr(at + 1, "<household id=\"")) {
        const char *id = at + 15;
        size_t len = (size_t)(strchr(id, '"') - id);
        int found = 0;
        for (long i = 0; i < n && !found; i++)
            found = strlen(ids[i]) == len && strncmp(ids[i], id, len) == 0;
        if (found) {
            ck_assert_msg(gap < 0, "%s: form %ld exported after form %ld was missing: not one snapshot", path,
                          position, gap);
            seen++;
        } else if (gap < 0) {
            gap = position;
        }
        position++;
    }
    free(xml);
    return seen;
}

START_TEST(two_imports_and_exports_at_once)
{
    long forms = tu_slowed_down() ? 1000 : 6000;
    char *all = tu_path(tu_store_dir, "all.xml"), *a = tu_path(tu_store_dir, "a.xml"), *b = tu_path(tu_store_dir, "b.xml");
    char *err_a = tu_path(tu_store_dir, "a.err"), *err_b = tu_path(tu_store_dir, "b.err");
    make_batch(all, forms, 31);
    split_batch(all, a, b);
    const char *import_a[] = { "import", "-q", "--batch-size", "20", "--db", tu_store_db, a, NULL };
    const char *import_b[] = { "import", "-q", "--batch-size", "20", "--db", tu_store_db, b, NULL };
    pid_t pids[2] = { spawn(err_a, import_a), spawn(err_b, import_b) };
    long exported_total = 0, exports = 0;
    for (int i = 0; i < 4; i++) {
        usleep(150000);
        char *out = tu_path(tu_store_dir, "export.jsonl");
        tu_result r = tu_hhreg(NULL, NULL, "export", "--db", tu_store_db, "--plugin-dir", getenv("HHREG_PLUGINS"),
                               "-o", out, "jsonl", NULL);
        ck_assert_msg(r.status == 0, "export %d: %s", i, r.err);
        ck_assert(strstr(r.err, "locked") == NULL);
        long n;
        char **ids = exported_ids(out, &n);
        ck_assert_int_eq(prefix_in(a, ids, n) + prefix_in(b, ids, n), n);
        char *said = hh_xasprintf("SELECT count(*) FROM audit WHERE operation = 'export' AND detail LIKE "
                                  "'plugin jsonl %%, %ld household(s), to %%'", n);
        ck_assert_int_ge(tu_sql_count(tu_store_db, said), 1);
        free(said);
        exported_total += n;
        exports++;
        for (long k = 0; k < n; k++)
            free(ids[k]);
        free(ids);
        tu_result_free(&r);
        free(out);
    }
    for (int i = 0; i < 2; i++)
        ck_assert_msg(reap(pids[i]) == 0, "import %d failed", i);
    char *errors[2] = { tu_read_file(err_a, NULL), tu_read_file(err_b, NULL) };
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(errors[i][0] == '\0', "import %d said: %s", i, errors[i]);
        free(errors[i]);
    }
    assert_store_sound(tu_store_db, forms);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), forms);
    ck_assert_int_eq(exports, 4);
    fprintf(stderr, "resilience: 4 exports during two imports saw %ld households in all\n", exported_total);
    free(all);
    free(a);
    free(b);
    free(err_a);
    free(err_b);
}
END_TEST

START_TEST(a_busy_store_is_waited_for_then_explained)
{
    char *forms = tu_src("samples/households");
    /* held until hhreg has given up (a fixed three seconds raced hhreg's start under
     * valgrind): a plain message, nothing stored */
    pid_t holder = tu_hold_write_lock(tu_store_db, 600000);
    setenv("HHREG_BUSY_TIMEOUT_MS", "500", 1);
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, forms, NULL);
    unsetenv("HHREG_BUSY_TIMEOUT_MS");
    ck_assert_msg(r.status == 2, "exit %d: %s", r.status, r.err);
    ck_assert_msg(strstr(r.err, "the store stayed busy for more than 1 s: another program") &&
                      !strstr(r.err, "locked"),
                  "%s", r.err);
    summary sum = summary_of(r.out); /* every form counted, none as refused */
    ck_assert_msg(sum.not_stored >= 1 && sum.total == sum.not_stored, "%s", r.out);
    tu_result_free(&r);
    kill(holder, SIGKILL);
    reap(holder);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 0);
    /* held for a second: the import waits and completes */
    holder = tu_hold_write_lock(tu_store_db, 1000);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, forms, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
    tu_result_free(&r);
    reap(holder);
    assert_store_sound(tu_store_db, 812);
    free(forms);
}
END_TEST

Suite *make_resilience_suite(void)
{
    Suite *s = suite_create("resilience");
    TCase *tc = tcase_create("crashes-disks-concurrency");
    tcase_set_timeout(tc, 1800);
    tcase_set_tags(tc, TU_SLOW); /* the kill loop: all of it is left out of check-quick */
    tcase_add_checked_fixture(tc, setup, tu_store_teardown);
    tcase_add_test(tc, kill_nine_at_random_moments);
    tcase_add_test(tc, a_full_file_size_limit_mid_import);
    tcase_add_test(tc, a_full_filesystem_mid_import);
    tcase_add_test(tc, two_imports_and_exports_at_once);
    tcase_add_test(tc, a_busy_store_is_waited_for_then_explained);
    suite_add_tcase(s, tc);
    return s;
}
