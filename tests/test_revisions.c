/* test_revisions.c — re-importing: identical forms change nothing, changed forms
 * become new revisions and the old ones stay, deletes are tombstones, an ID number
 * held by another household is refused naming it. All through the real binary on
 * real store files. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

Suite *make_revisions_suite(void);

#define HH "510105016003-03-0002"

static char *form, *changed;

static void setup(void)
{
    tu_store_setup();
    form = tu_src("samples/households/" HH ".xml");
    changed = tu_path(tu_store_dir, "changed.xml");
    char *xml = tu_read_file(form, NULL);
    char *at = strstr(xml, "<floorArea>");
    ck_assert(at != NULL);
    memcpy(at + 11, "99", 2);
    tu_write_file(changed, xml, strlen(xml));
    free(xml);
}

static void teardown(void)
{
    tu_store_teardown();
    free(form);
    free(changed);
}

static void import_expect(const char *path, int status, const char *summary)
{
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, path, NULL);
    ck_assert_msg(r.status == status, "exit %d: %s%s", r.status, r.out, r.err);
    ck_assert_msg(strstr(r.out, summary) != NULL, "wanted '%s' in: %s", summary, r.out);
    tu_result_free(&r);
}

START_TEST(identical_forms_change_nothing)
{
    import_expect(form, 0, "1 stored");
    long audit = tu_sql_count(tu_store_db, "SELECT count(*) FROM audit");
    import_expect(form, 0, "1 unchanged");
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit"), audit);
}
END_TEST

START_TEST(a_changed_form_is_a_new_revision_and_the_old_one_stays)
{
    import_expect(form, 0, "1 stored");
    import_expect(changed, 0, "1 revised");
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT current_revision FROM household WHERE id = '" HH "'"), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM person WHERE household_id = '" HH "'"),
                     2 * tu_sql_count(tu_store_db, "SELECT size FROM revision WHERE revision = 1"));
    tu_result r = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--xml", "--revision", "1", HH, NULL);
    char *original = tu_read_file(form, NULL);
    ck_assert_str_eq(r.out, original);
    free(original);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "history", "--db", tu_store_db, HH, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "r1 ") && strstr(r.out, "r2   *"));
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "history", "--db", tu_store_db, "--json", HH, NULL);
    ck_assert(strstr(r.out, "\"revision\":2,\"current\":true") != NULL);
    tu_result_free(&r);
}
END_TEST

START_TEST(a_delete_is_a_tombstone)
{
    import_expect(form, 0, "1 stored");
    tu_result r = tu_hhreg(NULL, NULL, "delete", "--db", tu_store_db, HH, NULL);
    ck_assert_int_eq(r.status, 2); /* no reason */
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "delete", "--db", tu_store_db, "--reason", "moved to Chongqing", HH, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE deleted_at IS NOT NULL"), 1);
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, "--json", NULL);
    ck_assert_str_eq(r.out, "[]\n");
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "list", "--db", tu_store_db, "--all", "--json", NULL);
    ck_assert(strstr(r.out, "\"deleted\":true") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "[STORE-DELETED]") != NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
}
END_TEST

START_TEST(an_id_number_of_another_household_is_refused_by_name)
{
    import_expect(form, 0, "1 stored");
    char *xml = tu_read_file(form, NULL);
    char *at = strstr(xml, HH);
    memcpy(at + strlen(HH) - 4, "0900", 4);
    char *other = tu_path(tu_store_dir, "other.xml");
    tu_write_file(other, xml, strlen(xml));
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", other, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "[STORE-ID-DUP] person[1]/document: document number already held by household " HH) != NULL,
                  "%s", r.err);
    ck_assert(strstr(r.out, "1 refused") != NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 1);
    free(other);
    free(xml);
}
END_TEST

START_TEST(a_household_twice_in_one_run_is_refused_the_second_time)
{
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, changed, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "[STORE-REPEAT]") != NULL);
    ck_assert(strstr(r.out, "1 stored, 0 unchanged, 0 revised, 1 refused") != NULL);
    tu_result_free(&r);
}
END_TEST

START_TEST(strict_stores_nothing_unless_all_are_valid)
{
    char *bad = tu_src("samples/invalid/ID-SEX.xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--strict", form, bad, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.out, "nothing stored") != NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 0);
    free(bad);
}
END_TEST

Suite *make_revisions_suite(void)
{
    Suite *s = suite_create("revisions");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, identical_forms_change_nothing);
    tcase_add_test(tc, a_changed_form_is_a_new_revision_and_the_old_one_stays);
    tcase_add_test(tc, a_delete_is_a_tombstone);
    tcase_add_test(tc, an_id_number_of_another_household_is_refused_by_name);
    tcase_add_test(tc, a_household_twice_in_one_run_is_refused_the_second_time);
    tcase_add_test(tc, strict_stores_nothing_unless_all_are_valid);
    suite_add_tcase(s, tc);
    return s;
}
