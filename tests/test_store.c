/* test_store.c — the store file: how it is created and identified, what it refuses
 * to open, and that a stored form comes back whole. */
#include <check.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store.h"
#include "testutil.h"

Suite *make_store_suite(void);

static char *dir, *db;

static void setup(void)
{
    dir = tu_tempdir();
    db = tu_path(dir, "t.db");
}

static void teardown(void)
{
    tu_rmrf(dir);
    free(db);
    free(dir);
}

static void make_sqlite_file(const char *path, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static char *open_error(const char *path, bool create)
{
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_open(path, create, &s, &err);
    ck_assert_int_eq(rc, -1);
    ck_assert(s == NULL);
    return hh_buf_detach(&err);
}

START_TEST(init_creates_a_private_identified_wal_store)
{
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    ck_assert_int_eq(r.status, 0);
    struct stat st;
    ck_assert_int_eq(stat(db, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA application_id"), HH_STORE_APPLICATION_ID);
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA user_version"), HH_STORE_SCHEMA_VERSION);
    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_stmt *q;
    sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q, NULL);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "wal");
    sqlite3_finalize(q);
    sqlite3_close(h);
    tu_result_free(&r);
    /* a second init leaves it as it is */
    r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE operation = 'init'"), 1);
    tu_result_free(&r);
}
END_TEST

START_TEST(a_missing_store_is_not_created_by_accident)
{
    char *err = open_error(db, false);
    ck_assert_msg(strstr(err, "hhreg init") != NULL, "%s", err);
    free(err);
    struct stat st;
    ck_assert_int_ne(stat(db, &st), 0);
}
END_TEST

START_TEST(a_foreign_database_is_refused)
{
    make_sqlite_file(db, "PRAGMA application_id = 1234; CREATE TABLE t(x);");
    char *err = open_error(db, true);
    ck_assert_msg(strstr(err, "not an hhreg store") != NULL, "%s", err);
    free(err);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_master"), 1); /* untouched */
}
END_TEST

START_TEST(an_unidentified_database_with_tables_is_refused)
{
    make_sqlite_file(db, "CREATE TABLE people(name TEXT);");
    char *err = open_error(db, true);
    ck_assert_msg(strstr(err, "not an hhreg store") != NULL, "%s", err);
    free(err);
}
END_TEST

START_TEST(a_newer_store_is_refused)
{
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_int_eq(hh_store_open(db, true, &s, &err), 0);
    hh_store_close(s);
    make_sqlite_file(db, "PRAGMA user_version = 99;");
    char *msg = open_error(db, false);
    ck_assert_msg(strstr(msg, "newer hhreg") != NULL, "%s", msg);
    free(msg);
    hh_buf_free(&err);
}
END_TEST

START_TEST(a_stored_form_comes_back_whole)
{
    char *form = tu_src("samples/households/510105016003-03-0101.xml");
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "show", "--db", db, "--xml", "510105016003-03-0101", NULL);
    ck_assert_int_eq(r.status, 0);
    size_t len;
    char *original = tu_read_file(form, &len);
    ck_assert_str_eq(r.out, original); /* byte for byte, as received */
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM person WHERE household_id = '510105016003-03-0101'"),
                     tu_sql_count(db, "SELECT size FROM revision WHERE household_id = '510105016003-03-0101'"));
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM person WHERE nationality = 'PAK'"), 3);
    free(original);
    free(form);
}
END_TEST

START_TEST(warnings_are_kept_with_the_form)
{
    char *form = tu_src("samples/invalid/PHONE-MISSING.xml");
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.err, "[PHONE-MISSING]") != NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM form_warning WHERE rule_id = 'PHONE-MISSING'"), 1);
    char *id = tu_form_id(form);
    r = tu_hhreg(NULL, NULL, "show", "--db", db, "--lang", "en", id, NULL);
    free(id);
    ck_assert_msg(strstr(r.out, "[PHONE-MISSING] enumeration") != NULL, "%s", r.out);
    tu_result_free(&r);
    free(form);
}
END_TEST

START_TEST(forms_are_kept_compressed_and_an_older_store_is_migrated)
{
    char *form = tu_src("samples/households/510105016003-03-0101.xml");
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, form, NULL);
    tu_result_free(&r);
    size_t len;
    char *original = tu_read_file(form, &len);
    ck_assert_int_eq(tu_sql_count(db, "SELECT xml_size FROM revision"), (long)len);
    ck_assert_int_lt(tu_sql_count(db, "SELECT length(xml) FROM revision"), (long)len / 2);
    /* make it a store of schema version 1, which kept the XML as received */
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "DROP TRIGGER revision_kept_u", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(h, "UPDATE revision SET xml = ?1, xml_size = NULL", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_blob(st, 1, original, (int)len, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_exec(h, "ALTER TABLE revision DROP COLUMN xml_size; PRAGMA user_version = 1;", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    r = tu_hhreg(NULL, NULL, "show", "--db", db, "--xml", "510105016003-03-0101", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, original);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA user_version"), HH_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE operation = 'migrate'"), 1);
    r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    free(original);
    free(form);
}
END_TEST

Suite *make_store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, init_creates_a_private_identified_wal_store);
    tcase_add_test(tc, a_missing_store_is_not_created_by_accident);
    tcase_add_test(tc, a_foreign_database_is_refused);
    tcase_add_test(tc, an_unidentified_database_with_tables_is_refused);
    tcase_add_test(tc, a_newer_store_is_refused);
    tcase_add_test(tc, a_stored_form_comes_back_whole);
    tcase_add_test(tc, warnings_are_kept_with_the_form);
    tcase_add_test(tc, forms_are_kept_compressed_and_an_older_store_is_migrated);
    suite_add_tcase(s, tc);
    return s;
}
