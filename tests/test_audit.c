/* test_audit.c — the audit log: one entry per change, in the same transaction, naming
 * who and which household but never a value; it cannot be rewritten. */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

Suite *make_audit_suite(void);

START_TEST(changes_are_logged_with_who_and_what)
{
    char *dir = tu_tempdir();
    char *db = tu_path(dir, "t.db");
    char *forms = tu_src("samples/households");
    tu_init_store(db);
    tu_result r;
    r = tu_hhreg(NULL, NULL, "import", "--db", db, "--enumerator", "E0503", "-q", forms, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "delete", "--db", db, "--enumerator", "E0504", "--reason", "duplicate entry",
                 "510105016003-03-0007", NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE operation = 'store' AND actor = 'E0503'"), 812);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE operation = 'delete' AND actor = 'E0504'"
                                      " AND household_id = '510105016003-03-0007'"),
                     1);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE at NOT LIKE '____-__-__T__:__:__Z'"), 0);

    /* never values: no name, document number, phone or reason appears in the log */
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit a JOIN person p ON"
                                      " instr(coalesce(a.detail, '') || a.actor || coalesce(a.household_id, ''), p.name) > 0"
                                      " OR instr(coalesce(a.detail, ''), p.document_number) > 0"),
                     0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE detail LIKE '%duplicate entry%'"), 0);

    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "UPDATE audit SET actor = 'someone else'", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "UPDATE revision SET xml = 'x'", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "DELETE FROM person", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "DELETE FROM household", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    tu_rmrf(dir);
    free(forms);
    free(db);
    free(dir);
}
END_TEST

Suite *make_audit_suite(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, changes_are_logged_with_who_and_what);
    suite_add_tcase(s, tc);
    return s;
}
