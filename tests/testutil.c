/* testutil.c — see testutil.h. */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "input.h"
#include "validate.h"
#include "xml_policy.h"

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

const char *tu_srcdir(void)
{
    return env_or("HHREG_SRCDIR", ".");
}

const char *tu_schema_dir(void)
{
    return env_or("HHREG_SCHEMA_DIR", "schemas");
}

const char *tu_bin(void)
{
    return env_or("HHREG_BIN", "./hhreg");
}

char *tu_src(const char *relative)
{
    return hh_xasprintf("%s/%s", tu_srcdir(), relative);
}

char *tu_tempdir(void)
{
    const char *base = env_or("TMPDIR", "/tmp");
    char *dir = hh_xasprintf("%s/hhreg-test-XXXXXX", base);
    ck_assert_msg(mkdtemp(dir) != NULL, "mkdtemp: %s", strerror(errno));
    return dir;
}

char *tu_store_dir, *tu_store_db;

void tu_init_store(const char *db)
{
    /* not under valgrind: it only sets the scene, for nearly every test (two seconds of
     * CPU each, eight minutes a run of make check-valgrind); the tests that are about
     * making a store run their own `hhreg init` under it */
    int was = tu_no_valgrind;
    tu_no_valgrind = 1;
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_no_valgrind = was;
    ck_assert_msg(r.status == 0, "hhreg init: %s", r.err);
    tu_result_free(&r);
}

void tu_store_setup(void)
{
    tu_store_dir = tu_tempdir();
    tu_store_db = tu_path(tu_store_dir, "t.db");
    tu_init_store(tu_store_db);
}

void tu_store_teardown(void)
{
    tu_rmrf(tu_store_dir);
    free(tu_store_db);
    free(tu_store_dir);
    tu_store_db = tu_store_dir = NULL;
}

static char *grid_dir, *grid_db;

void tu_grid_import_first(int n)
{
    grid_dir = tu_tempdir();
    grid_db = tu_path(grid_dir, "grid.db");
    char *samples = tu_src("samples/households"), *forms = samples;
    if (n > 0) { /* the first n sample files, copied into a directory of their own */
        forms = tu_path(grid_dir, "forms");
        ck_assert_int_eq(mkdir(forms, 0700), 0);
        struct dirent **names;
        int all = scandir(samples, &names, NULL, alphasort), copied = 0;
        ck_assert_msg(all > 0, "no samples in %s", samples);
        for (int i = 0; i < all; i++) {
            size_t len = strlen(names[i]->d_name);
            if (copied < n && len > 4 && strcmp(names[i]->d_name + len - 4, ".xml") == 0) {
                char *from = tu_path(samples, names[i]->d_name), *to = tu_path(forms, names[i]->d_name);
                char *xml = tu_read_file(from, &len);
                tu_write_file(to, xml, len);
                copied++;
                free(xml);
                free(to);
                free(from);
            }
            free(names[i]);
        }
        free(names);
        free(samples);
        ck_assert_int_eq(copied, n);
    }
    tu_init_store(grid_db);
    /* not under valgrind: the samples suite imports the same grid under it, and here
     * it only sets the scene (a minute a suite under valgrind) */
    tu_no_valgrind = 1;
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", grid_db, forms, NULL);
    tu_no_valgrind = 0;
    ck_assert_msg(r.status == 0, "hhreg import of the grid: %s", r.err);
    tu_result_free(&r);
    free(forms);
}

void tu_grid_import(void)
{
    tu_grid_import_first(0);
}

void tu_grid_remove(void)
{
    tu_rmrf(grid_dir);
    free(grid_db);
    free(grid_dir);
    grid_db = grid_dir = NULL;
}

const char *tu_grid_db(void)
{
    return grid_db;
}

void tu_import_formula_name(void)
{
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    char *xml = tu_read_file(form, NULL);
    char *at = strstr(xml, "<name>");
    ck_assert(at != NULL);
    char *end = strstr(at, "</name>");
    char *evil = hh_xasprintf("%.*s<name>" TU_FORMULA_NAME "%s", (int)(at - xml), xml, end);
    char *evil_path = tu_path(tu_store_dir, "formula.xml");
    tu_write_file(evil_path, evil, strlen(evil));
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, evil_path, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    free(evil_path);
    free(evil);
    free(xml);
    free(form);
}

void tu_grid_setup(void)
{
    ck_assert_msg(grid_db != NULL, "tu_grid_setup needs tu_grid_import as the test case's unchecked fixture");
    tu_store_dir = tu_tempdir();
    tu_store_db = tu_path(tu_store_dir, "t.db");
    size_t len;
    char *grid = tu_read_file(grid_db, &len);
    tu_write_file(tu_store_db, grid, len);
    free(grid);
    ck_assert_int_eq(chmod(tu_store_db, 0600), 0);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmrf(const char *path)
{
    nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path(const char *dir, const char *name)
{
    return hh_xasprintf("%s/%s", dir, name);
}

char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    hh_buf b;
    hh_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        hh_buf_append(&b, chunk, n);
    fclose(f);
    if (len)
        *len = b.len;
    return hh_buf_detach(&b);
}

void tu_write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static char *slurp_fd(int fd)
{
    hh_buf b;
    hh_buf_init(&b);
    char chunk[65536];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0)
        hh_buf_append(&b, chunk, (size_t)n);
    return hh_buf_detach(&b);
}

long tu_limit_cpu, tu_limit_fsize, tu_limit_memory;
int tu_no_valgrind;

void tu_apply_limits(void)
{
    struct rlimit rl;
    if (tu_limit_cpu) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)tu_limit_cpu;
        setrlimit(RLIMIT_CPU, &rl);
    }
    if (tu_limit_fsize) {
        signal(SIGXFSZ, SIG_IGN);
        rl.rlim_cur = rl.rlim_max = (rlim_t)tu_limit_fsize;
        setrlimit(RLIMIT_FSIZE, &rl);
    }
    const char *sanitized = getenv("HHREG_SANITIZED");
    if (tu_limit_memory && !(sanitized && *sanitized) && !getenv("HHREG_VALGRIND")) {
        rl.rlim_cur = rl.rlim_max = (rlim_t)tu_limit_memory;
        setrlimit(RLIMIT_AS, &rl);
    }
}

int tu_valgrind_prefix(const char **argv)
{
    if (!getenv("HHREG_VALGRIND") || tu_no_valgrind)
        return 0;
    /* make check-valgrind: any leak or memory error fails the command (exit 99) */
    static const char *const vg[] = { "valgrind", "-q", "--leak-check=full",
                                      "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=99" };
    static char *suppressions; /* the reports that are not hhreg's: tests/valgrind.supp */
    if (!suppressions) {
        char *file = tu_src("tests/valgrind.supp");
        suppressions = hh_xasprintf("--suppressions=%s", file);
        free(file);
    }
    int argc = 0;
    for (size_t i = 0; i < sizeof vg / sizeof vg[0]; i++)
        argv[argc++] = vg[i];
    argv[argc++] = suppressions;
    return argc;
}

/* The command line of hhreg with the arguments `arg`, `ap`… (NULL-terminated), under
 * valgrind for make check-valgrind; argv has room for 72. */
static void hhreg_argv(const char **argv, const char *arg, va_list ap)
{
    int argc = tu_valgrind_prefix(argv);
    argv[argc++] = tu_bin();
    for (const char *a = arg; a && argc < 71; a = va_arg(ap, const char *))
        argv[argc++] = a;
    argv[argc] = NULL;
}

pid_t tu_hhreg_start(int *out, const char *arg, ...)
{
    const char *argv[72];
    va_list ap;
    va_start(ap, arg);
    hhreg_argv(argv, arg, ap);
    va_end(ap);
    int pipe_fds[2];
    ck_assert_int_eq(pipe(pipe_fds), 0);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        if (in < 0)
            _exit(127);
        dup2(in, 0);
        dup2(pipe_fds[1], 1);
        close(pipe_fds[0]);
        close(pipe_fds[1]);
        tu_apply_limits();
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(pipe_fds[1]);
    *out = pipe_fds[0];
    return pid;
}

tu_result tu_hhreg(const char *cwd, const char *stdin_path, const char *arg, ...)
{
    const char *argv[72];
    va_list ap;
    va_start(ap, arg);
    hhreg_argv(argv, arg, ap);
    va_end(ap);

    char out_name[] = "/tmp/hhreg-out-XXXXXX", err_name[] = "/tmp/hhreg-err-XXXXXX";
    int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name);
    ck_assert(out_fd >= 0 && err_fd >= 0);
    unlink(out_name);
    unlink(err_name);
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        if (in < 0 || (cwd && chdir(cwd) != 0))
            _exit(127);
        dup2(in, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        tu_apply_limits();
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    tu_result r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    lseek(out_fd, 0, SEEK_SET);
    lseek(err_fd, 0, SEEK_SET);
    r.out = slurp_fd(out_fd);
    r.err = slurp_fd(err_fd);
    close(out_fd);
    close(err_fd);
    return r;
}

void tu_result_free(tu_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

static hh_schemaset *schemas;

static void free_schemas(void)
{
    hh_schemaset_free(schemas);
}

const hh_schemaset *tu_schemas(void)
{
    if (!schemas) {
        hh_xml_policy_init();
        hh_buf err;
        hh_buf_init(&err);
        schemas = hh_schemaset_load(tu_schema_dir(), &err);
        ck_assert_msg(schemas != NULL, "schemas: %s", err.data);
        hh_buf_free(&err);
        atexit(free_schemas);
    }
    return schemas;
}

typedef struct memory_run {
    hh_validator *v;
    hh_diags *d;
} memory_run;

static int validate_one(hh_form_input *form, void *arg)
{
    memory_run *m = arg;
    hh_validator_check(m->v, form, m->d);
    return 0;
}

long tu_validate_memory(const char *xml, hh_diags *d)
{
    memory_run m = { hh_validator_new(tu_schemas()), d };
    hh_read_stats st = hh_read_forms_memory(xml, strlen(xml), "test.xml", d, validate_one, &m);
    hh_validator_free(m.v);
    return st.forms;
}

int tu_has_rule(const hh_diags *d, const char *rule)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->items[i].rule, rule) == 0)
            return 1;
    return 0;
}

char *tu_form_id(const char *path)
{
    char *xml = tu_read_file(path, NULL);
    char *at = strstr(xml, " id=\"");
    ck_assert_msg(at != NULL, "%s has no id", path);
    at += 5;
    char *id = hh_xstrndup(at, strcspn(at, "\""));
    free(xml);
    return id;
}

int tu_sql_exec(const char *db, const char *sql)
{
    sqlite3 *h;
    int rc = sqlite3_open(db, &h);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
    sqlite3_close(h);
    return rc;
}

long tu_sql_count(const char *db, const char *sql)
{
    sqlite3 *h;
    long n = -1;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(h, 10000); /* a writer may be at work */
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(h);
    return n;
}

/* The dbstat query of the first leaf page of `index` in key order, for `column`. */
static long first_leaf(const char *db, const char *index, const char *column)
{
    char *sql = hh_xasprintf("SELECT %s FROM dbstat WHERE name = '%s' AND pagetype = 'leaf' ORDER BY path LIMIT 1",
                             column, index);
    long value = tu_sql_count(db, sql);
    free(sql);
    return value;
}

long tu_first_leaf_cells(const char *db, const char *index)
{
    return first_leaf(db, index, "ncell");
}

void tu_damage_index(const char *db, const char *index)
{
    ck_assert_int_eq(tu_sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    long page = first_leaf(db, index, "pageno");
    long page_size = tu_sql_count(db, "PRAGMA page_size");
    ck_assert(page > 1 && page_size >= 512);
    size_t len;
    unsigned char *data = (unsigned char *)tu_read_file(db, &len);
    unsigned char *cells = data + (page - 1) * page_size + 3; /* the page header's cell count */
    unsigned n = (unsigned)cells[0] << 8 | cells[1];
    ck_assert(n > 2);
    cells[0] = (unsigned char)((n - 2) >> 8);
    cells[1] = (unsigned char)(n - 2);
    tu_write_file(db, (char *)data, len);
    free(data);
}

pid_t tu_hold_write_lock(const char *db, int ms)
{
    int ready[2];
    ck_assert_int_eq(pipe(ready), 0);
    pid_t pid = fork();
    if (pid == 0) {
        sqlite3 *h;
        if (sqlite3_open(db, &h) != SQLITE_OK || sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
            write(ready[1], "x", 1) != 1)
            _exit(1);
        usleep((useconds_t)ms * 1000);
        sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(h);
        _exit(0);
    }
    char c;
    ck_assert_int_eq(read(ready[0], &c, 1), 1);
    close(ready[0]);
    close(ready[1]);
    return pid;
}

char *tu_shell(const char *command)
{
    FILE *p = popen(command, "r");
    ck_assert_msg(p != NULL, "cannot run %s", command);
    hh_buf b;
    hh_buf_init(&b);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        hh_buf_append(&b, chunk, n);
    int status = pclose(p);
    ck_assert_msg(status == 0, "'%.300s' failed (status %d)", command, status);
    return hh_buf_detach(&b);
}

char *tu_large_form(int persons, int visits)
{
    static const char member_count[] = "<memberCount>1</memberCount>";
    char *path = tu_src("samples/households/510105016003-03-0001.xml");
    char *xml = tu_read_file(path, NULL);
    const char *count = strstr(xml, member_count), *visit = strstr(xml, "  <visit ");
    ck_assert(count != NULL && visit != NULL && persons >= 1);
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_append(&b, xml, (size_t)(count - xml));
    hh_buf_printf(&b, "<memberCount>%d</memberCount>", persons);
    count += sizeof member_count - 1;
    hh_buf_append(&b, count, (size_t)(visit - count)); /* up to the head's visit */
    for (int line = 2; line <= persons; line++)
        hh_buf_printf(&b,
                      "  <person line=\"%d\"><name>Lodger</name><relationship>non-relative</relationship>"
                      "<sex>male</sex><birthDate>1990-01-01</birthDate><document type=\"none\"></document>"
                      "<nationality>CHN</nationality><ethnicity>Han</ethnicity><residence>registered-resident</residence>"
                      "<maritalStatus>never-married</maritalStatus><education>3</education><activity>employed</activity>"
                      "</person>\n",
                      line);
    for (int i = 0; i < visits; i++)
        hh_buf_puts(&b, "  <visit date=\"2026-10-11\" enumerator=\"E0300\" purpose=\"routine\" outcome=\"done\"/>\n");
    hh_buf_puts(&b, "</household>\n");
    free(xml);
    free(path);
    return hh_buf_detach(&b);
}

int tu_slowed_down(void)
{
    const char *sanitized = getenv("HHREG_SANITIZED");
    return getenv("HHREG_VALGRIND") || (sanitized && *sanitized);
}

TCase *tu_slow_tcase(Suite *s, const char *name, double timeout)
{
    TCase *tc = tcase_create(name);
    tcase_set_tags(tc, TU_SLOW);
    tcase_set_timeout(tc, timeout);
    suite_add_tcase(s, tc);
    return tc;
}
