/* testutil.h — helpers shared by the Check suites: where the sources, schemas and
 * the hhreg binary are (from the environment `make check` sets), temporary
 * directories, running the real binary with captured output, and small file
 * helpers. Every string returned is malloc'd and freed by the caller. */
#ifndef HH_TESTUTIL_H
#define HH_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <sys/types.h>

#include "diag.h"
#include "schemaset.h"

const char *tu_srcdir(void);
const char *tu_schema_dir(void);
const char *tu_bin(void);
/* A path below the source tree, e.g. tu_src("samples/households"). */
char *tu_src(const char *relative);

char *tu_tempdir(void);
/* hhreg init of a new store `db` that only sets a test's scene: never under
 * valgrind (the tests about making a store run their own init under it). */
void tu_init_store(const char *db);
/* A fresh temporary directory holding an initialised store; tu_store_dir and
 * tu_store_db name them until tu_store_teardown removes both. For
 * tcase_add_checked_fixture. */
void tu_store_setup(void);
void tu_store_teardown(void);
extern char *tu_store_dir, *tu_store_db;
/* The sample grid (samples/households, 812 forms) imported once per test case
 * and copied into each test's store: an import costs seconds, and a minute under
 * valgrind. In a suite:
 *     tcase_add_unchecked_fixture(tc, tu_grid_import, tu_grid_remove);
 *     tcase_add_checked_fixture(tc, tu_grid_setup, tu_store_teardown);
 * tu_grid_setup makes tu_store_dir / tu_store_db as tu_store_setup does, the
 * store holding the grid (mode 0600, as hhreg makes a store). */
void tu_grid_import(void);
/* The same with the grid's first `n` households only (all of them if n is 0): for
 * a suite whose subject is the same for 60 households as for 812, under valgrind
 * or a sanitizer. */
void tu_grid_import_first(int n);
void tu_grid_remove(void);
void tu_grid_setup(void);
/* The path of the store tu_grid_import made (for a suite's own once-only work on it). */
const char *tu_grid_db(void);
/* Imports into tu_store_db the sample household 510105016003-03-0001 with its first
 * person's name set to the spreadsheet formula TU_FORMULA_NAME (a new revision):
 * what a CSV export must neutralise. */
#define TU_FORMULA_NAME "=HYPERLINK(\"http://example.invalid\",\"x\")"
void tu_import_formula_name(void);
void tu_rmrf(const char *path);
char *tu_path(const char *dir, const char *name);

char *tu_read_file(const char *path, size_t *len);
void tu_write_file(const char *path, const char *data, size_t len);

typedef struct tu_result {
    int status;          /* exit status, or 128 + signal */
    char *out, *err;
} tu_result;

/* Limits applied to the next tu_hhreg children (0: none): CPU seconds, largest
 * file size in bytes (SIGXFSZ ignored, so writes fail as on a full disk), and
 * address space (skipped in sanitizer builds, which reserve far more). */
extern long tu_limit_cpu, tu_limit_fsize, tu_limit_memory;
/* Set: the next tu_hhreg children run without valgrind even under
 * check-valgrind (for a plugin that leaks on purpose). */
extern int tu_no_valgrind;
/* Under make check-valgrind (HHREG_VALGRIND set, tu_no_valgrind not): writes
 * the valgrind command that must precede hhreg into argv (at most 8 entries,
 * with tests/valgrind.supp) and returns how many; else 0. */
int tu_valgrind_prefix(const char **argv);
/* True when hhreg runs under valgrind or a sanitizer (3-30 times slower): tests
 * that make a lot of work scale it down. */
int tu_slowed_down(void);
/* Applies those limits to the calling (child) process. */
void tu_apply_limits(void);

/* Runs hhreg with the NULL-terminated arguments, in `cwd` (NULL: here), with
 * `stdin_path` as standard input (NULL: /dev/null). With HHREG_VALGRIND set in the
 * environment it runs under valgrind, and a leak or memory error exits 99. */
tu_result tu_hhreg(const char *cwd, const char *stdin_path, const char *arg, ...);
void tu_result_free(tu_result *r);
/* Starts hhreg with the NULL-terminated arguments in the background (under valgrind
 * as tu_hhreg), its standard output on the pipe *out, standard error inherited. */
pid_t tu_hhreg_start(int *out, const char *arg, ...);

/* The schemas of the source tree, loaded once per process. */
const hh_schemaset *tu_schemas(void);
/* Validates XML held in memory; diagnostics go to `d`; returns the number of forms. */
long tu_validate_memory(const char *xml, hh_diags *d);
/* True if some diagnostic carries rule `rule`. */
int tu_has_rule(const hh_diags *d, const char *rule);
/* The household id of the form file at `path` (its first id="..."). */
char *tu_form_id(const char *path);
/* The standard output of a shell command, which must exit 0 (else the test fails
 * showing the command). */
char *tu_shell(const char *command);
/* The sample household 510105016003-03-0001 grown to `persons` persons (its head,
 * then non-relatives without a document) and `visits` visits: a valid form of
 * any size, for the structural caps and the cost of the rules. */
char *tu_large_form(int persons, int visits);
/* Runs `sql` on the SQLite file `db` with the plain SQLite API; returns its result code. */
int tu_sql_exec(const char *db, const char *sql);
/* A count from `sql` on the store file at `db` (-1 on failure). */
long tu_sql_count(const char *db, const char *sql);
/* How many entries the first leaf page (in key order) of the index named `index`
 * holds in the store at `db`. */
long tu_first_leaf_cells(const char *db, const char *index);
/* Damages the store at `db` as a failing disk or a careless hand might, silently: the
 * first leaf page (in key order) of the index named `index` loses its last two cells,
 * which hides the rows of the two keys at tu_first_leaf_cells - 2 and - 1 (counted
 * from 0 in key order) from every read through it, without an error. */
void tu_damage_index(const char *db, const char *index);
/* The household table's primary-key index, damaged so. */
#define TU_HOUSEHOLD_INDEX "sqlite_autoindex_household_1"
/* Holds the write lock of the store at `db` (BEGIN IMMEDIATE) for `ms` milliseconds
 * in a child process; returns its pid once the lock is taken. */
pid_t tu_hold_write_lock(const char *db, int ms);
/* The tag of the tests `make check-quick` leaves out (CK_EXCLUDE_TAGS=slow): the
 * kill loop, a hundred thousand households, the browser, other runs of many
 * seconds. tu_slow_tcase adds to `s` a test case so tagged, with `timeout` seconds;
 * the caller adds its fixtures and tests. */
#define TU_SLOW "slow"
TCase *tu_slow_tcase(Suite *s, const char *name, double timeout);

#endif
