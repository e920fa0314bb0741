/* test_phone.c — the phone client (www/) in a real browser: tests/phone/scenario.py
 * drives Debian's chromium headless through chromedriver (python3-selenium) at
 * 360x640 against a real `hhreg serve` on loopback with a real store of the sample
 * grid, and asserts each step on the page and in the store: sign in, an elderly
 * woman living alone with a disability certificate (sex and birth date from her ID
 * number, a wrong check character shown at its item and corrected), a foreign family
 * of four with passports, two households entered offline kept when the tab is closed
 * and another opened and sent when the connection is back, a form the server refuses shown
 * at its item and corrected, a visit recorded from the due list, a form the
 * supervisor (on a second browser) returned with a comment on an item fixed and
 * approved, a warning shown in the review, the progress page, another grid's
 * household refused, signing out clearing the phone. Where chromium, chromedriver or selenium is missing it says so and
 * passes without running. The screenshots go to $HHREG_PHONE_SHOTS when it is set
 * (docs/screenshots/ holds the ones of the user guide). */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve_client.h"
#include "testutil.h"

Suite *make_phone_suite(void);

/* What the scenario needs: the browser, its driver, selenium for Debian's python. */
static const char *missing(void)
{
    if (access("/usr/bin/chromium", X_OK) != 0)
        return "/usr/bin/chromium";
    if (access("/usr/bin/chromedriver", X_OK) != 0)
        return "/usr/bin/chromedriver (apt-get install chromium-driver)";
    if (system("/usr/bin/python3 -c 'import selenium' 2>/dev/null") != 0)
        return "selenium (apt-get install python3-selenium)";
    return NULL;
}

/* A household of grid 04, which the grid 03 worker must not open. */
static void import_other_grid(void)
{
    char *sample = tu_src("samples/households/510105016003-03-0001.xml");
    char *xml = tu_read_file(sample, NULL);
    char *at = strstr(xml, "510105016003-03-0001");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "510105016003-04-0001", 20);
    char *grid = strstr(xml, "<grid>3</grid>");
    ck_assert_ptr_nonnull(grid);
    grid[6] = '4';
    char *number = strstr(xml, "510105200209070004"); /* another woman born that day: her own ID number */
    ck_assert_ptr_nonnull(number);
    memcpy(number, "510105200209070020", 18);
    char *file = tu_path(tu_store_dir, "other-grid.xml");
    tu_write_file(file, xml, strlen(xml));
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, file, NULL);
    ck_assert_msg(r.status == 0, "import: %s", r.err);
    tu_result_free(&r);
    free(file);
    free(xml);
    free(sample);
}

START_TEST(a_grid_worker_enters_households_online_and_offline)
{
    const char *absent = missing();
    if (absent) {
        fprintf(stderr, "phone: %s is missing: the browser test of the phone client is skipped\n", absent);
        return;
    }
    import_other_grid();
    tu_serve_add_user("enum03", "enumerator", "510105016003-03");
    tu_serve_add_user("super", "supervisor", "510105016003");
    char *www = tu_src("www");
    int out;
    pid_t server = tu_hhreg_start(&out, "serve", "--listen", "127.0.0.1:0", "--db", tu_store_db, "--www", www, NULL);
    int port = tu_serve_port(out);
    const char *keep = getenv("HHREG_PHONE_SHOTS");
    char *shots = keep && *keep ? hh_xstrdup(keep) : tu_path(tu_store_dir, "shots");
    mkdir(shots, 0700);
    char *scenario = tu_src("tests/phone/scenario.py"), *log = tu_path(tu_store_dir, "scenario.log");
    char *cmd = hh_xasprintf("HHREG_TEST_PASSWORD='%s' timeout 600 /usr/bin/python3 '%s' http://127.0.0.1:%d '%s' '%s' > '%s' 2>&1",
                             TU_SERVE_PASSWORD, scenario, port, tu_store_db, shots, log);
    int status = system(cmd);
    tu_serve_stop(server, out);
    char *said = tu_read_file(log, NULL);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "%s(screenshots in %s)", said, shots);
    ck_assert(strstr(said, "every step held") != NULL);
    /* the store as the scenario left it: the four households it entered, whole, and the
     * one where nobody was home, without persons; the one corrected after a refusal and
     * the one returned by the supervisor revised once */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household h JOIN revision r ON r.household_id = h.id"
                                               " AND r.revision = h.current_revision WHERE r.building = '543' AND r.unit = '9'"),
                     5);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE building = '543' AND unit = '9'"), 7);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM person p JOIN household h ON p.household_id = h.id"
                                               " AND p.revision = h.current_revision WHERE h.id > '510105016003-03-0812'"
                                               " AND h.id < '510105016003-04'"),
                     1 + 4 + 1 + 1);
    free(said);
    free(cmd);
    free(log);
    free(scenario);
    free(shots);
    free(www);
}
END_TEST

Suite *make_phone_suite(void)
{
    Suite *s = suite_create("phone");
    /* slow: a browser, and under valgrind the server at a thirtieth of its speed
     * would only repeat what the serve suites run under it */
    TCase *tc = tu_slow_tcase(s, "browser", 900);
    tcase_add_unchecked_fixture(tc, tu_grid_import, tu_grid_remove);
    tcase_add_checked_fixture(tc, tu_grid_setup, tu_store_teardown);
    tcase_add_test(tc, a_grid_worker_enters_households_online_and_offline);
    return s;
}
