/* test_samples.c — the shipped samples and the generator: the grid of the article is
 * valid and has the shape the article describes; the generator is deterministic. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

Suite *make_samples_suite(void);

START_TEST(the_grid_is_valid_and_looks_like_the_article)
{
    char *dir = tu_tempdir();
    char *db = tu_path(dir, "grid.db");
    char *forms = tu_src("samples/households");
    tu_result r = tu_hhreg(NULL, NULL, "validate", forms, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.err, "812 form(s): 812 valid, 0 invalid") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", db, forms, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM household"), 812);
    long persons = tu_sql_count(db, "SELECT count(*) FROM person");
    ck_assert_msg(persons >= 1650 && persons <= 1820, "%ld persons", persons);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(DISTINCT building) FROM revision"), 12);
    ck_assert_int_eq(tu_sql_count(db, "SELECT min(CAST(building AS INTEGER)) FROM revision"), 543);
    ck_assert_int_eq(tu_sql_count(db, "SELECT max(CAST(building AS INTEGER)) FROM revision"), 554);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM (SELECT DISTINCT building, unit FROM revision)"), 55);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(DISTINCT estate) FROM revision"), 1);
    /* an old factory estate: many elderly; and the groups a grid worker looks after */
    ck_assert_int_ge(tu_sql_count(db, "SELECT count(*) FROM person WHERE age >= 60") * 100 / persons, 30);
    ck_assert_int_ge(tu_sql_count(db, "SELECT count(*) FROM revision WHERE living_alone"), 100);
    ck_assert_int_ge(tu_sql_count(db, "SELECT count(*) FROM person WHERE disabled"), 60);
    ck_assert_int_ge(tu_sql_count(db, "SELECT count(*) FROM person WHERE certificate_type IS NOT NULL"), 20);
    ck_assert_int_ge(tu_sql_count(db, "SELECT count(*) FROM revision WHERE low_income"), 20);
    ck_assert_int_ge(tu_sql_count(db, "SELECT count(*) FROM person WHERE residence = 'migrant'"), 50);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(DISTINCT household_id) FROM person WHERE nationality = 'PAK'"
                                      " AND document_type = 'passport'"),
                     3);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision WHERE preferred_language = 'en'"), 3);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM person WHERE document_type = 'resident-id'"),
                     persons - 9);
    tu_rmrf(dir);
    free(forms);
    free(db);
    free(dir);
}
END_TEST

START_TEST(the_generator_is_deterministic)
{
    char *dir = tu_tempdir();
    char *a = tu_path(dir, "a.xml"), *b = tu_path(dir, "b.xml"), *c = tu_path(dir, "c.xml");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "300", "--seed", "9", "--batch", a, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "sample", "--households", "300", "--seed", "9", "--batch", b, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "sample", "--households", "300", "--seed", "10", "--batch", c, NULL);
    tu_result_free(&r);
    size_t la, lb, lc;
    char *da = tu_read_file(a, &la), *db = tu_read_file(b, &lb), *dc = tu_read_file(c, &lc);
    ck_assert(la == lb && memcmp(da, db, la) == 0);
    ck_assert(la != lc || memcmp(da, dc, la) != 0);
    r = tu_hhreg(NULL, NULL, "validate", a, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "sample", "--households", "3", NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
    free(da);
    free(db);
    free(dc);
    tu_rmrf(dir);
    free(a);
    free(b);
    free(c);
    free(dir);
}
END_TEST

Suite *make_samples_suite(void)
{
    Suite *s = suite_create("samples");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, the_grid_is_valid_and_looks_like_the_article);
    tcase_add_test(tc, the_generator_is_deterministic);
    suite_add_tcase(s, tc);
    return s;
}
