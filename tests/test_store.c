/* test_store.c — the store file: how it is created and identified, what it refuses
 * to open, and that a stored form comes back whole. */
#include <check.h>
#include <dirent.h>
#include <iconv.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "import.h"
#include "store.h"
#include "store_checkpoint.h"
#include "store_internal.h"
#include "testutil.h"

/* What migrations 16 down to 11 made, undone, newest first: a store as schema 10
 * left it. The tests of older stores undo more after it. */
#define UNDO_MIGRATIONS_TO_10                                                                                     \
    "ALTER TABLE submission DROP COLUMN body_sha256;"                                                             \
    " DROP TRIGGER feed_revision; DROP TRIGGER feed_visit; DROP TRIGGER feed_review;"                             \
    " DROP VIEW document_any; DROP TABLE document_pending; DROP TABLE conflict;"                                  \
    " ALTER TABLE revision DROP COLUMN origin; ALTER TABLE revision DROP COLUMN visits;"                          \
    " ALTER TABLE revision DROP COLUMN merged_from; DROP TRIGGER feed_tombstone; DROP TABLE change;"


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
    tu_init_store(db);
    tu_result r;
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
    tu_init_store(db);
    tu_result r;
    r = tu_hhreg(NULL, NULL, "import", "--db", db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.err, "[PHONE-MISSING]") != NULL);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM form_warning WHERE rule_id = 'PHONE-MISSING'"), 1);
    char *id = tu_form_id(form);
    r = tu_hhreg(NULL, NULL, "show", "--db", db, "--lang", "en", id, NULL);
    free(id);
    ck_assert_msg(strstr(r.out, "[PHONE-MISSING] phone") != NULL, "%s", r.out);
    tu_result_free(&r);
    free(form);
}
END_TEST

/* Two generated households, the second moved into the first's room: validate
 * warns when it meets both, import warns against the store and keeps the warning
 * with the form, naming the first household (the caller owns the store). */
START_TEST(a_second_household_in_a_room_is_a_warning_kept_with_it)
{
    char *forms = tu_path(dir, "forms");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "2", "-o", forms, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    char *first = tu_path(forms, "000105016003-03-0001.xml"), *second = tu_path(forms, "000105016003-03-0002.xml");
    size_t len;
    char *xml = tu_read_file(second, &len), *room = strstr(xml, "<room>102</room>");
    ck_assert_msg(room != NULL, "the second generated household is not in room 102");
    room[8] = '1'; /* room 101, the first household's */
    tu_write_file(second, xml, len);
    free(xml);
    r = tu_hhreg(NULL, NULL, "validate", "--lang", "en", forms, NULL);
    ck_assert_int_eq(r.status, 0); /* a warning */
    ck_assert_msg(strstr(r.out, "warning: [ROOM-HELD] address/room: household 000105016003-03-0001 is already "
                                "registered at this building, unit and room"), "%s", r.out);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "validate", "--lang", "en", first, first, NULL); /* the same household twice */
    ck_assert_msg(!strstr(r.out, "ROOM-HELD"), "%s", r.out);
    tu_result_free(&r);
    tu_init_store(db);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, "--lang", "en", first, NULL);
    ck_assert_msg(r.status == 0 && !strstr(r.err, "ROOM-HELD"), "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, "--lang", "en", second, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 stored"), "%s", r.out);
    ck_assert_msg(strstr(r.err, "[ROOM-HELD] address/room: household 000105016003-03-0001 is already"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM form_warning WHERE rule_id = 'ROOM-HELD' AND "
                                      "household_id = '000105016003-03-0002'"), 1);
    /* the first household's new revision is not warned about its own room */
    r = tu_hhreg(NULL, NULL, "import", "--db", db, "--lang", "en", first, NULL);
    ck_assert_msg(strstr(r.out, "1 unchanged") && !strstr(r.err, "ROOM-HELD"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    free(first);
    free(second);
    tu_rmrf(forms);
    free(forms);
}
END_TEST

/* Issue 20 item 1: each store knows itself — a random UUID made with it, never
 * changed, kept by a backup, different in another store — and each revision the store
 * it was made in and the revision it replaced. */
START_TEST(a_store_knows_itself_and_each_revision_its_parent)
{
    char *form = tu_src("samples/households/510105016003-03-0101.xml"), *copy = tu_path(dir, "copy.db"),
         *other = tu_path(dir, "other.db");
    const char *id = "510105016003-03-0101";
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    const char *const steps[][5] = { { "delete", "--reason", "moved" }, { "undelete", "--reason", "back" } };
    for (size_t i = 0; i < 2; i++) {
        r = tu_hhreg(NULL, NULL, steps[i][0], "--db", db, id, steps[i][1], steps[i][2], NULL);
        ck_assert_int_eq(r.status, 0);
        tu_result_free(&r);
    }
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM store_identity WHERE id GLOB '[0-9a-f][0-9a-f][0-9a-f]"
                                      "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]-*-4*'"),
                     1);
    /* revision 2 (the undelete) replaced revision 1, both made here */
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision r JOIN store_identity i ON r.made_in = i.id"
                                      " WHERE (r.revision = 1 AND r.parent IS NULL) OR (r.revision = 2 AND r.parent = 1)"),
                     2);
    r = tu_hhreg(NULL, NULL, "history", "--db", db, "--json", id, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "\"parent\":null") && strstr(r.out, "\"parent\":1") &&
                      strstr(r.out, "\"madeIn\":\""),
                  "%s", r.out);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_exec(db, "UPDATE store_identity SET id = 'x'") != 0, 1); /* never changed */
    r = tu_hhreg(NULL, NULL, "backup", "--db", db, copy, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "init", "--db", other, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    /* the backup has the same id, another store its own */
    r = tu_hhreg(NULL, NULL, "doctor", "--db", copy, NULL);
    tu_result d = tu_hhreg(NULL, NULL, "doctor", "--db", db, NULL), o = tu_hhreg(NULL, NULL, "doctor", "--db", other, NULL);
    const char *ours = strstr(d.out, "its id: "), *copied = strstr(r.out, "its id: "), *theirs = strstr(o.out, "its id: ");
    ck_assert_msg(ours && copied && theirs && strncmp(ours, copied, 44) == 0 && strncmp(ours, theirs, 44) != 0,
                  "%s\n%s\n%s", d.out, r.out, o.out);
    tu_result_free(&o);
    tu_result_free(&d);
    tu_result_free(&r);
    free(other);
    free(copy);
    free(form);
}
END_TEST

START_TEST(forms_are_kept_compressed_and_an_older_store_is_migrated)
{
    char *form = tu_src("samples/households/510105016003-03-0101.xml");
    tu_init_store(db);
    tu_result r;
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
    ck_assert_int_eq(sqlite3_exec(h,
                                  UNDO_MIGRATIONS_TO_10
                                  " DROP TABLE store_identity; ALTER TABLE revision DROP COLUMN made_in;"
                                  " ALTER TABLE revision DROP COLUMN parent;"
                                  " DROP TABLE visit_log; DROP TABLE export_run; DROP TABLE review_item; DROP TABLE review;"
                                  " ALTER TABLE revision DROP COLUMN content_sha256;"
                                  " DROP INDEX revision_address; DROP TABLE submission; DROP TABLE session; DROP TABLE account_grid;"
                                  " DROP TABLE account;"
                                  " ALTER TABLE revision DROP COLUMN xml_size; ALTER TABLE audit DROP COLUMN chain;"
                                  " CREATE TRIGGER revision_kept_u BEFORE UPDATE ON revision BEGIN"
                                  " SELECT RAISE(ABORT, 'revisions are never changed'); END;"
                                  " PRAGMA user_version = 1;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    r = tu_hhreg(NULL, NULL, "show", "--db", db, "--xml", "510105016003-03-0101", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.out, original);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA user_version"), HH_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE operation = 'migrate'"), 1);
    /* it was given an identity, and its revision was made in it, the first of its household */
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision r, store_identity i WHERE r.made_in = i.id"
                                      " AND r.parent IS NULL AND length(i.id) = 36"),
                     1);
    /* and its revision the first entry of the change feed */
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM change WHERE seq = 1 AND kind = 'revision'"
                                      " AND household_id = '510105016003-03-0101' AND revision = 1"),
                     1);
    r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    free(original);
    free(form);
}
END_TEST


/* --- damage and tampering: what `check` finds (issue 14, items 3, 11 and 14) ------ */

#define FORM_A "510105016003-03-0001"
#define FORM_B "510105016003-03-0002"
#define FORM_C "510105016003-03-0101"

/* A store in `db` holding three sample households. */
static void store_three(void)
{
    char *a = tu_src("samples/households/" FORM_A ".xml"), *b = tu_src("samples/households/" FORM_B ".xml"),
         *c = tu_src("samples/households/" FORM_C ".xml");
    tu_init_store(db);
    tu_result r;
    r = tu_hhreg(NULL, NULL, "import", "-q", "--db", db, a, b, c, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    free(a);
    free(b);
    free(c);
}

/* Changes the store as someone with the sqlite3 C API would. */
static void tamper(const char *sql)
{
    ck_assert_msg(tu_sql_exec(db, sql) == SQLITE_OK, "tampering failed: %s", sql);
}

/* `hhreg check` must fail (exit 1) with `finding` in its report; returns the report. */
static char *check_finds(const char *finding)
{
    tu_result r = tu_hhreg(NULL, NULL, "check", "--lang", "en", "--db", db, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.out, finding), "check (exit %d) did not report '%s':\n%s%s", r.status,
                  finding, r.out, r.err);
    char *out = r.out;
    r.out = NULL;
    tu_result_free(&r);
    return out;
}

static void check_passes(void)
{
    tu_result r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "check failed:\n%s%s", r.out, r.err);
    tu_result_free(&r);
}

/* A store of schema 6 kept tenure, the allowance and hardship NOT NULL, and the
 * respondent and consent too; migrations 7 and 13 lift that in place (a form that
 * found nobody home records none of them) and leave every stored row and `check` as
 * they were. */
START_TEST(a_version_6_store_takes_a_form_without_the_household_questions)
{
    char *form = tu_src("samples/households/510105016003-03-0101.xml");
    tu_init_store(db);
    tu_result r;
    r = tu_hhreg(NULL, NULL, "import", "--db", db, form, NULL);
    tu_result_free(&r);
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    long version = 0;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA schema_version", -1, &st, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    version = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    char *back = hh_xasprintf("PRAGMA writable_schema = ON;"
                              " UPDATE sqlite_schema SET sql = replace(replace(replace(replace(replace(sql,"
                              " 'tenure TEXT,', 'tenure TEXT NOT NULL,'), 'low_income INTEGER,',"
                              " 'low_income INTEGER NOT NULL,'), 'extreme_hardship INTEGER,',"
                              " 'extreme_hardship INTEGER NOT NULL,'), 'respondent TEXT,', 'respondent TEXT NOT NULL,'),"
                              " 'consent INTEGER,', 'consent INTEGER NOT NULL,')"
                              " WHERE name = 'revision'; PRAGMA schema_version = %ld; PRAGMA writable_schema = OFF; "
                              UNDO_MIGRATIONS_TO_10
                              " DROP TABLE store_identity; ALTER TABLE revision DROP COLUMN made_in;"
                              " ALTER TABLE revision DROP COLUMN parent;"
                              " DROP TABLE export_run; DROP TABLE visit_log; PRAGMA user_version = 6;",
                              version + 1);
    ck_assert_int_eq(sqlite3_exec(h, back, NULL, NULL, NULL), SQLITE_OK);
    free(back);
    sqlite3_close(h);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'revision' AND"
                                      " sql LIKE '%tenure TEXT NOT NULL%extreme_hardship INTEGER NOT NULL%"
                                      "respondent TEXT NOT NULL, consent INTEGER NOT NULL%'"), 1);
    static const char nobody[] =
        "<household id=\"510105016003-03-0901\" xmlns=\"urn:hhreg:household:1\"><address>"
        "<district code=\"510105\">青羊区</district><street code=\"510105016\">黄田坝街道</street>"
        "<community code=\"510105016003\">华兴社区</community><grid>3</grid><building>543</building>"
        "<unit>1</unit><room>901</room></address><householdType>family</householdType>"
        "<dwellingType>apartment</dwellingType>"
        "<enumeration enumerator=\"E0300\" date=\"2026-10-11\" status=\"refused\" respondent=\"proxy\""
        " consent=\"false\"/><visit date=\"2026-10-11\" enumerator=\"E0300\" purpose=\"registration\""
        " outcome=\"refused\"/></household>\n";
    static const char nobody_home[] = /* nobody answered: no respondent, no consent */
        "<household id=\"510105016003-03-0902\" xmlns=\"urn:hhreg:household:1\"><address>"
        "<district code=\"510105\">青羊区</district><street code=\"510105016\">黄田坝街道</street>"
        "<community code=\"510105016003\">华兴社区</community><grid>3</grid><building>543</building>"
        "<unit>1</unit><room>902</room></address><householdType>family</householdType>"
        "<dwellingType>apartment</dwellingType>"
        "<enumeration enumerator=\"E0300\" date=\"2026-10-11\" status=\"nobody-home\"/>"
        "<visit date=\"2026-10-11\" enumerator=\"E0300\" purpose=\"registration\" outcome=\"nobody-home\"/>"
        "</household>\n";
    char *path = tu_path(dir, "refused.xml"), *path2 = tu_path(dir, "nobody-home.xml");
    tu_write_file(path, nobody, sizeof nobody - 1);
    tu_write_file(path2, nobody_home, sizeof nobody_home - 1);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, path, path2, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "2 stored"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA user_version"), HH_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%NOT NULL%'"
                                      " AND (sql LIKE '%tenure TEXT NOT NULL%' OR sql LIKE '%low_income INTEGER NOT NULL%'"
                                      " OR sql LIKE '%extreme_hardship INTEGER NOT NULL%'"
                                      " OR sql LIKE '%respondent TEXT NOT NULL%' OR sql LIKE '%consent INTEGER NOT NULL%')"),
                     0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision WHERE tenure IS NULL AND low_income IS NULL"
                                      " AND extreme_hardship IS NULL AND enumeration_status = 'refused'"), 1);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision WHERE respondent IS NULL AND consent IS NULL"
                                      " AND enumeration_status = 'nobody-home'"), 1);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision WHERE tenure IS NOT NULL"), 1);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
    r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    free(path2);
    free(path);
    free(form);
}
END_TEST

START_TEST(a_damaged_form_size_is_reported_never_overflows)
{
    store_three();
    check_passes();
    tamper("DROP TRIGGER revision_kept_u");
    long kept = tu_sql_count(db, "SELECT xml_size FROM revision WHERE household_id = '" FORM_B "'");
    ck_assert_int_gt(kept, 0);
    const char *sizes[] = { "-1", "0", "1099511627776", "9223372036854775807", "xml_size + 1", "xml_size - 1",
                            "'4096'" };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        char *sql = hh_xasprintf("UPDATE revision SET xml_size = %s WHERE household_id = '" FORM_B "'", sizes[i]);
        tamper(sql);
        free(sql);
        char *report = check_finds("[STORE-DAMAGED] household " FORM_B ", revision 1: the revision is damaged");
        /* it goes on: the others are checked and counted, and not reported */
        ck_assert_msg(!strstr(report, FORM_A) && !strstr(report, FORM_C) && strstr(report, "3 household(s)"), "%s",
                      report);
        free(report);
        tu_result r = tu_hhreg(NULL, NULL, "show", "--db", db, FORM_B, NULL);
        ck_assert_msg(r.status == 2 && strstr(r.err, "revision 1 of household " FORM_B " is damaged"), "show (%d): %s",
                      r.status, r.err);
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "export", "xml", "--db", db, "--plugin-dir", getenv("HHREG_PLUGINS"), "-o", "-",
                     NULL);
        /* an export fails (never a crash, never fewer households) */
        ck_assert_msg(r.status != 0 && r.status < 128 && strstr(r.err, "damaged"), "export (%d): %s", r.status, r.err);
        tu_result_free(&r);
        /* put it back for the next one */
        sql = hh_xasprintf("UPDATE revision SET xml_size = %ld WHERE household_id = '" FORM_B "'", kept);
        tamper(sql);
        free(sql);
    }
    tamper("UPDATE revision SET xml_size = NULL WHERE household_id = '" FORM_B "'");
    /* compressed bytes kept as if uncompressed: not a crash, a form that cannot be read */
    free(check_finds("[STORE-UNREADABLE] household " FORM_B ", revision 1"));
    tu_result r = tu_hhreg(NULL, NULL, "show", "--db", db, FORM_B, NULL);
    ck_assert_int_eq(r.status, 2);
    tu_result_free(&r);
}
END_TEST

START_TEST(tampering_outside_hhreg_is_reported)
{
    store_three();
    check_passes();
    char *name = NULL;
    {
        sqlite3 *h;
        sqlite3_stmt *st;
        ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
        ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT name FROM person WHERE household_id = '" FORM_A "' AND line = 1",
                                            -1, &st, NULL), SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
        name = hh_xstrdup((const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    tamper("DROP TRIGGER person_kept_u; DROP TRIGGER revision_kept_u; DROP TRIGGER audit_append_only_u;"
           " DROP TRIGGER audit_append_only_d");
    free(check_finds("[STORE-TRIGGER] the safeguard person_kept_u is missing"));
    free(check_finds("[STORE-TRIGGER] the safeguard audit_append_only_d is missing"));
    /* one put back under its name, but doing nothing */
    tamper("DROP TRIGGER visit_kept_d; CREATE TRIGGER visit_kept_d BEFORE DELETE ON visit BEGIN"
           " SELECT RAISE(ABORT, 'revisions are never deleted') WHERE 0; END");
    free(check_finds("[STORE-TRIGGER] the safeguard visit_kept_d is missing or changed"));
    tamper("UPDATE person SET name = 'Someone Else' WHERE household_id = '" FORM_A "' AND line = 1");
    char *report = check_finds("[STORE-ROWS] household " FORM_A ", revision 1: the item 'name'");
    ck_assert_msg(!strstr(report, "Someone Else") && !strstr(report, name), "a value in the report:\n%s", report);
    free(report);
    tamper("UPDATE revision SET form_sha256 = '" "0000000000000000000000000000000000000000000000000000000000000000'"
           " WHERE household_id = '" FORM_C "'");
    free(check_finds("[STORE-DIGEST] household " FORM_C ", revision 1"));
    tamper("UPDATE revision SET elderly60 = elderly60 + 1 WHERE household_id = '" FORM_B "'");
    free(check_finds("[STORE-ROWS] household " FORM_B ", revision 1: the derived values"));
    tamper("UPDATE audit SET actor = 'nobody' WHERE seq = 2");
    free(check_finds("[STORE-AUDIT] the audit log was altered: entry 2 does not follow"));
    free(name);
}
END_TEST

/* What a plugin with write access did in the red-team (tombstones without a delete,
 * document numbers dropped from the index) is found too, naming households only. */
START_TEST(tombstones_the_document_index_and_the_change_feed_are_checked)
{
    store_three();
    check_passes();
    tamper("UPDATE household SET deleted_at = '2026-01-01T00:00:00Z', delete_reason = 'x' WHERE id = '" FORM_A "'");
    free(check_finds("[STORE-ROWS] household " FORM_A ": its deletion mark does not match the audit log"));
    tamper("DELETE FROM document WHERE household_id = '" FORM_B "'");
    free(check_finds("[STORE-ROWS] household " FORM_B ": the index of document numbers differs"));
    tamper("UPDATE household SET current_revision = 7 WHERE id = '" FORM_C "'");
    free(check_finds("[STORE-ROWS] household " FORM_C ": its current revision is not its newest one"));
    /* a revision the change feed lost would never reach an incremental export */
    tamper("DROP TRIGGER change_kept_d; DELETE FROM change WHERE household_id = '" FORM_B "';"
           " CREATE TRIGGER change_kept_d BEFORE DELETE ON change BEGIN"
           " SELECT RAISE(ABORT, 'the change feed is append-only'); END;");
    free(check_finds("[STORE-ROWS] household " FORM_B ": a revision or its deletion is missing from the change feed"));
}
END_TEST

/* Migration 11 numbers an older store's history once, in the order of its times: its
 * revisions, review decisions and tombstones (visits logged too) each get an entry. */
START_TEST(an_older_stores_history_gets_its_change_feed)
{
    store_three();
    tu_result r = tu_hhreg(NULL, NULL, "review", "--db", db, "--approve", FORM_B, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "delete", "--db", db, "--reason", "moved away", FORM_A, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    tamper(UNDO_MIGRATIONS_TO_10 " PRAGMA user_version = 10;");
    r = tu_hhreg(NULL, NULL, "list", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA user_version"), HH_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM change"), 5);
    /* and each revision's form visits counted (migration 14) */
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM revision r WHERE visits IS NOT (SELECT count(*) FROM visit v"
                                      " WHERE v.household_id = r.household_id AND v.revision = r.revision)"),
                     0);
    ck_assert_int_gt(tu_sql_count(db, "SELECT sum(visits) FROM revision"), 0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM change WHERE seq <= 3 AND kind = 'revision'"), 3);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM change WHERE seq = 4 AND kind = 'review' AND household_id = '"
                                      FORM_B "'"),
                     1);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM change WHERE seq = 5 AND kind = 'tombstone' AND"
                                      " household_id = '" FORM_A "'"),
                     1);
    check_passes();
    /* and the feed goes on from there */
    r = tu_hhreg(NULL, NULL, "review", "--db", db, "--approve", FORM_C, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM change WHERE seq = 6 AND kind = 'review'"), 1);
}
END_TEST

START_TEST(removed_audit_entries_are_reported)
{
    store_three();
    char *keep = hh_xasprintf("cp '%s' '%s.copy'", db, db), *restore = hh_xasprintf("cp '%s.copy' '%s'", db, db);
    ck_assert_int_eq(system(keep), 0);
    tamper("DROP TRIGGER audit_append_only_d; DELETE FROM audit WHERE seq = 2;"
           " CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit BEGIN"
           " SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
    free(check_finds("[STORE-AUDIT] the audit log was altered: the entries between entry 1 and entry 3"));
    /* the last entries: the chain alone cannot show it, the sequence does */
    ck_assert_int_eq(system(restore), 0);
    tamper("DROP TRIGGER audit_append_only_d; DELETE FROM audit WHERE seq >= 2;"
           " CREATE TRIGGER audit_append_only_d BEFORE DELETE ON audit BEGIN"
           " SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
    free(check_finds("[STORE-AUDIT] the audit log was altered: the entries after entry 1 were removed"));
    /* a row slipped in with a made-up link */
    ck_assert_int_eq(system(restore), 0);
    tamper("INSERT INTO audit(at, actor, operation, chain) VALUES ('2026-01-01T00:00:00Z', 'x', 'store', 'ab')");
    free(check_finds("entry 5 does not follow from the one before it"));
    free(keep);
    free(restore);
}
END_TEST

START_TEST(a_version_2_store_gets_a_valid_audit_chain)
{
    /* a store as hhreg with schema version 2 made it, with a few audit entries */
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    for (int v = 0; v < 2; v++) /* migrations 1 and 2 are SQL alone */
        ck_assert_int_eq(sqlite3_exec(h, hh_store_migrations[v], NULL, NULL, NULL), SQLITE_OK);
    /* a district's log: more than a statement journal keeps in memory (a tenth of
     * it under valgrind and the sanitizers, which take minutes over the whole) */
    int entries = tu_slowed_down() ? 15000 : 150000;
    char *fill = hh_xasprintf("PRAGMA application_id = 1212699207; PRAGMA user_version = 2;"
                              " INSERT INTO audit(at, actor, operation, detail) VALUES"
                              " ('2025-01-01T00:00:00Z', 'hhreg', 'init', 'schema version 0 to 2'),"
                              " ('2025-01-02T00:00:00Z', 'E0503', 'export', 'xml'),"
                              " ('2025-01-03T00:00:00Z', 'E0504', 'export', NULL);"
                              " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
                              " INSERT INTO audit(at, actor, operation, household_id, revision)"
                              " SELECT '2025-02-01T00:00:00Z', 'E0503', 'store', 'h' || i, 1 FROM n;",
                              entries);
    ck_assert_int_eq(sqlite3_exec(h, fill, NULL, NULL, NULL), SQLITE_OK);
    free(fill);
    sqlite3_close(h);
    ck_assert_int_eq(chmod(db, 0600), 0); /* as hhreg init makes it */
    check_passes();
    ck_assert_int_eq(tu_sql_count(db, "PRAGMA user_version"), HH_STORE_SCHEMA_VERSION);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE length(chain) = 64"), entries + 4); /* + migrate */
    char *form = tu_src("samples/households/" FORM_A ".xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    free(form);
    check_passes();
    /* the chain of the migrated rows is checked too */
    tamper("DROP TRIGGER audit_append_only_u; UPDATE audit SET detail = 'csv' WHERE seq = 2;"
           " CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit BEGIN"
           " SELECT RAISE(ABORT, 'the audit log is append-only'); END;");
    free(check_finds("entry 2 does not follow"));
}
END_TEST

START_TEST(check_reads_each_form_as_show_does)
{
    store_three();
    /* a declaration padded past any pre-scan, naming GB18030, kept uncompressed: the
     * import reader follows it, `show` reads UTF-8 and fails; check said ok */
    char *form = tu_src("samples/households/" FORM_A ".xml");
    size_t len;
    char *xml = tu_read_file(form, &len);
    const char *body = strstr(xml, "<household");
    ck_assert(body != NULL);
    hh_buf padded;
    hh_buf_init(&padded);
    hh_buf_puts(&padded, "<?xml version=\"1.0\"");
    for (int i = 0; i < 400; i++)
        hh_buf_putc(&padded, ' ');
    hh_buf_puts(&padded, "encoding=\"GB18030\"?>\n");
    /* and the form really in GB18030, so a reader that follows the declaration reads it */
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    ck_assert(cd != (iconv_t)-1);
    size_t in_left = strlen(body), out_left = 4 * in_left;
    char *converted = malloc(out_left), *in = (char *)body, *out = converted;
    ck_assert_int_ne(iconv(cd, &in, &in_left, &out, &out_left), (size_t)-1);
    iconv_close(cd);
    hh_buf_append(&padded, converted, (size_t)(out - converted));
    free(converted);
    sqlite3 *h;
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_exec(h, "DROP TRIGGER revision_kept_u", NULL, NULL, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "UPDATE revision SET xml = ?1, xml_size = NULL WHERE household_id = '" FORM_A "'",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_blob(st, 1, padded.data, (int)padded.len, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    ck_assert_int_eq(sqlite3_exec(h, "CREATE TRIGGER revision_kept_u BEFORE UPDATE ON revision BEGIN"
                                     " SELECT RAISE(ABORT, 'revisions are never changed'); END;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    tu_result r = tu_hhreg(NULL, NULL, "show", "--db", db, FORM_A, NULL);
    int show_status = r.status;
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "check", "--lang", "en", "--db", db, NULL);
    /* whatever show makes of it, check says the same: no "ok" for a form show cannot read */
    if (show_status != 0)
        ck_assert_msg(r.status == 1 && strstr(r.out, FORM_A), "show failed (%d) but check said:\n%s%s", show_status,
                      r.out, r.err);
    ck_assert_msg(r.status == 1 && strstr(r.out, FORM_A), "a GB18030 declaration passed check:\n%s%s", r.out, r.err);
    tu_result_free(&r);
    hh_buf_free(&padded);
    free(xml);
    free(form);
}
END_TEST

/* --- the file itself: foreign, private, read-only (issue 14, Low) ------------------ */

START_TEST(a_foreign_database_is_refused_unchanged)
{
    make_sqlite_file(db, "PRAGMA application_id = 1234; CREATE TABLE t(x); INSERT INTO t VALUES (1);");
    size_t before_len, after_len;
    char *before = tu_read_file(db, &before_len);
    for (int create = 0; create < 2; create++) {
        tu_result r = tu_hhreg(NULL, NULL, create ? "init" : "list", "--db", db, NULL);
        ck_assert_msg(r.status == 2 && strstr(r.err, "not an hhreg store"), "%s", r.err);
        tu_result_free(&r);
    }
    char *after = tu_read_file(db, &after_len);
    ck_assert_msg(before_len == after_len && memcmp(before, after, before_len) == 0, "the foreign file was changed");
    char *wal = hh_xasprintf("%s-wal", db);
    ck_assert_int_ne(access(wal, F_OK), 0);
    sqlite3 *h;
    sqlite3_stmt *q;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &q, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
    ck_assert_str_eq((const char *)sqlite3_column_text(q, 0), "delete");
    sqlite3_finalize(q);
    sqlite3_close(h);
    free(wal);
    free(before);
    free(after);
}
END_TEST

START_TEST(a_store_found_0644_is_reported_and_its_wal_stays_private)
{
    store_three();
    ck_assert_int_eq(chmod(db, 0644), 0);
    mode_t old = umask(022);
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_int_eq(hh_store_open(db, false, &s, &err), 0);
    const char *suffix[] = { "-wal", "-shm" };
    for (int i = 0; i < 2; i++) {
        char *side = hh_xasprintf("%s%s", db, suffix[i]);
        struct stat st;
        ck_assert_msg(stat(side, &st) == 0, "%s was not made", side);
        ck_assert_msg((st.st_mode & 0777) == 0600, "%s is %o", side, st.st_mode & 0777);
        free(side);
    }
    hh_store_close(s);
    hh_buf_free(&err);
    umask(old);
    char *report = check_finds("[STORE-MODE] the store file may be read by other users");
    free(report);
    ck_assert_int_eq(chmod(db, 0600), 0);
    check_passes();
}
END_TEST

/* A store on a read-only bind mount (a private mount namespace; skipped where none can
 * be made): list, show, history and check read it; import and delete say it is
 * read-only, and so does export, which must be recorded in the audit log; nothing
 * appears beside it. */
START_TEST(a_read_only_store_can_be_read)
{
    store_three();
    char *out = tu_path(dir, "out.xml");
    char *form = tu_src("samples/households/510105016003-03-0003.xml"); /* not stored yet */
    char *script = hh_xasprintf(
        "set -u; d='%s'; db=\"$d/t.db\"; bin='%s'; plugins='%s'; schemas='%s'; mount --bind -o ro \"$d\" \"$d\" 2>/dev/null || exit 77\n"
        "touch \"$d/probe\" 2>/dev/null && exit 77\n"
        "for c in list 'show %s' 'history %s' \"check --schema-dir $schemas\"; do\n"
        "  $bin $c --db \"$db\" >/dev/null || { echo \"$c failed\"; exit 1; }; done\n"
        /* an export is recorded in the audit log: refused where that cannot be written */
        "msg=$($bin export xml --db \"$db\" --plugin-dir '%s' -o - 2>&1 >/dev/null)\n"
        "case $msg in *'the store is read-only'*) ;; *) echo \"export: $msg\"; exit 1;; esac\n"
        /* to a file elsewhere too: said before the plugin runs, no file left */
        "msg=$($bin export xml --db \"$db\" --plugin-dir \"$plugins\" -o \"$d.out.xml\" 2>&1); st=$?\n"
        "case $st:$msg in 2:*'the store is read-only'*) ;; *) echo \"export -o: $st: $msg\"; exit 1;; esac\n"
        /* a worker is told before typing a household */
        "msg=$($bin enter --db \"$db\" --schema-dir \"$schemas\" </dev/null 2>&1); st=$?\n"
        "case $st:$msg in 2:*'the store is read-only'*) ;; *) echo \"enter: $st: $msg\"; exit 1;; esac\n"
        /* while the drafts kept elsewhere are still listed */
        "$bin enter --drafts --db \"$db\" --schema-dir \"$schemas\" --draft-dir \"$d.drafts\" >/dev/null ||"
        " { echo 'enter --drafts failed'; exit 1; }\n"
        "[ -e \"$d.out.xml\" ] && { echo 'export -o left a file'; exit 1; }\n"
        "msg=$($bin import --db \"$db\" '%s' 2>&1); [ $? -ne 0 ] || { echo 'import succeeded'; exit 1; }\n"
        "case $msg in *'the store is read-only'*) ;; *) echo \"import: $msg\"; exit 1;; esac\n"
        "msg=$($bin delete --db \"$db\" --reason x %s 2>&1); [ $? -ne 0 ] || { echo 'delete succeeded'; exit 1; }\n"
        "case $msg in *'the store is read-only'*) ;; *) echo \"delete: $msg\"; exit 1;; esac\n"
        "ls \"$d\" | grep -v '^t.db$' && { echo 'files appeared'; exit 1; }; exit 0\n",
        dir, tu_bin()[0] == '/' ? tu_bin() : hh_xasprintf("%s/%s", getcwd(NULL, 0), tu_bin()), getenv("HHREG_PLUGINS"),
        tu_schema_dir()[0] == '/' ? tu_schema_dir() : hh_xasprintf("%s/%s", getcwd(NULL, 0), tu_schema_dir()),
        FORM_A, FORM_A, getenv("HHREG_PLUGINS"), form, FORM_B);
    char *path = tu_path(dir, "..ro.sh");
    tu_write_file(path, script, strlen(script));
    char *cmd = hh_xasprintf("unshare --mount %s sh '%s' 2>&1",
                             geteuid() == 0 ? "--propagation private" : "--map-root-user", path);
    FILE *p = popen(cmd, "r");
    hh_buf text;
    hh_buf_init(&text);
    char line[4096];
    while (p && fgets(line, sizeof line, p))
        hh_buf_puts(&text, line);
    int status = p ? pclose(p) : -1;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code == 77 || code == 127 || (code == 1 && strstr(text.data ? text.data : "", "unshare:")))
        fprintf(stderr, "store: a_read_only_store_can_be_read skipped: no read-only mount here (%s)\n",
                text.data ? text.data : "");
    else
        ck_assert_msg(code == 0, "read-only store (%d):\n%s", code, text.data);
    hh_buf_free(&text);
    free(cmd);
    free(path);
    free(script);
    free(form);
    free(out);
}
END_TEST

/* --- the sealed store: only store*.c speaks SQL ------------------------------ */

/* Whether the source at `path` names SQLite: a call or its header. */
static bool speaks_sql(const char *path)
{
    size_t len;
    char *text = tu_read_file(path, &len);
    ck_assert_msg(text != NULL, "%s", path);
    bool sql = strstr(text, "sqlite3_") || strstr(text, "sqlite3.h");
    free(text);
    return sql;
}

/* The CLI (src/cli) and every library file but the store's own run no SQL and do
 * not include <sqlite3.h>; store.h does not hand SQLite out either. */
START_TEST(only_the_store_speaks_sql)
{
    const char *dirs[] = { "src/cli", "src/lib" };
    int looked_at = 0;
    for (size_t k = 0; k < 2; k++) {
        char *path = tu_src(dirs[k]);
        DIR *d = opendir(path);
        ck_assert_msg(d != NULL, "%s", path);
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            bool source = n > 2 && (strcmp(e->d_name + n - 2, ".c") == 0 || strcmp(e->d_name + n - 2, ".h") == 0);
            bool store_own = strncmp(e->d_name, "store", 5) == 0 && strcmp(e->d_name, "store.h") != 0;
            if (!source || store_own)
                continue;
            char *file = tu_path(path, e->d_name);
            ck_assert_msg(!speaks_sql(file), "%s runs SQL or includes <sqlite3.h>: ask the store (store.h)", file);
            free(file);
            looked_at++;
        }
        closedir(d);
        free(path);
    }
    ck_assert_int_gt(looked_at, 40); /* the walk found the sources */
}
END_TEST

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : 0;
}

/* Commits `n` audit rows of 64 KiB (16 pages each) one by one. */
static void commit_rows(hh_store *s, int n)
{
    enum { ROW = 64 << 10 };
    char *detail = hh_xmalloc(ROW + 1);
    memset(detail, 'x', ROW);
    detail[ROW] = '\0';
    hh_buf err;
    hh_buf_init(&err);
    for (int i = 0; i < n; i++)
        ck_assert_msg(hh_store_audit(s, "test", "test", NULL, 0, detail, &err) == 0, "%s", err.data);
    hh_buf_free(&err);
    free(detail);
}

/* With a checkpointer, the WAL's pages reach the database without a commit copying
 * them (SQLite's own checkpoint is off: only the checkpointer's thread can before
 * the WAL holds 8,000 pages), and under commit after commit the WAL stays bounded. */
START_TEST(the_checkpointer_copies_the_wal_beside_the_writer)
{
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(db, true, &s, &err) == 0, "%s", err.data);
    hh_checkpointer *c = hh_checkpointer_start(s);
    ck_assert_ptr_nonnull(c);
    off_t empty = file_size(db);
    commit_rows(s, 100); /* 1,600 pages: past the 1,000 that wake the thread, far below 8,000 */
    bool copied = false;
    for (int waited = 0; !copied && waited < 300; waited++) { /* up to 30 s: valgrind is slow */
        copied = file_size(db) > empty + (off_t)(2 << 20); /* the first 1,000 pages, some 3.5 MB */
        if (!copied)
            usleep(100000);
    }
    ck_assert_msg(copied, "the database grew from %lld to %lld bytes only", (long long)empty,
                  (long long)file_size(db));
    commit_rows(s, 600); /* 9,600 pages more: the writer's own checkpoint at 8,000 starts the WAL again */
    char *wal = hh_xasprintf("%s-wal", db);
    off_t most = (off_t)(8000 + 32) * (4096 + 24); /* 8,000 pages and one commit's, each with its frame header */
    ck_assert_msg(file_size(wal) <= most, "the WAL holds %lld bytes", (long long)file_size(wal));
    free(wal);
    hh_checkpointer_stop(c);
    hh_store_close(s);
    hh_buf_free(&err);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM audit WHERE operation = 'test'"), 700);
}
END_TEST

/* The number after `prefix` in the id of the form at `path`. */
static long serial_of(const char *path, const char *prefix)
{
    char *id = tu_form_id(path);
    ck_assert_msg(strncmp(id, prefix, strlen(prefix)) == 0, "%s", id);
    long serial = atol(id + strlen(prefix));
    free(id);
    return serial;
}

static long next_serial(const char *prefix)
{
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(db, false, &s, &err) == 0, "%s", err.data);
    long serial = -1;
    ck_assert_msg(hh_store_next_serial(s, prefix, &serial, &err) == 0, "%s", err.data);
    hh_store_close(s);
    hh_buf_free(&err);
    return serial;
}

START_TEST(the_next_serial_is_never_one_already_given)
{
    const char *prefix = "510105016003-03-";
    char *low = tu_src("samples/households/510105016003-03-0003.xml");
    char *high = tu_src("samples/households/510105016003-03-0020.xml");
    tu_init_store(db);
    tu_result r;
    ck_assert_int_eq(next_serial(prefix), 1);
    r = tu_hhreg(NULL, NULL, "import", "--db", db, low, high, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    long last = serial_of(high, prefix);
    ck_assert_int_eq(next_serial(prefix), last + 1);
    char *id = tu_form_id(high);
    r = tu_hhreg(NULL, NULL, "delete", "--db", db, "--reason", "moved away", id, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(next_serial(prefix), last + 1); /* a deleted household's id is not given again */
    /* the prefix is matched as written, not as a LIKE pattern */
    ck_assert_int_eq(next_serial("510105016003-0_-"), 1);
    ck_assert_int_eq(next_serial("510105016003-03%"), 1);
    ck_assert_int_eq(next_serial("510105016003-04-"), 1);
    free(id);
    free(low);
    free(high);
}
END_TEST

/* The repeat table lives in the connection's TEMP schema, made inside the import's
 * first transaction: when that transaction is rolled back, so is the table. A
 * lookup that then fails must say so, not answer "not met" (import.c ignored the
 * failure, so the repeat would have been stored). */
START_TEST(a_repeat_lookup_that_fails_is_reported)
{
    tu_init_store(db);
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(db, false, &s, &err) == 0, "%s", err.data);
    ck_assert_int_eq(hh_store_begin(s, &err), 0);
    char *first = NULL;
    ck_assert_msg(hh_store_seen(s, "510105016003-03-0001", "a.xml:1", &first, &err) == 0, "%s", err.data);
    ck_assert(first == NULL);
    ck_assert_msg(hh_store_seen(s, "510105016003-03-0001", "b.xml:7", &first, &err) == 0, "%s", err.data);
    ck_assert_str_eq(first, "a.xml:1");
    free(first);
    hh_store_rollback(s); /* the repeat table goes with it */
    ck_assert_int_eq(hh_store_seen(s, "510105016003-03-0001", "c.xml:3", &first, &err), -1);
    ck_assert(first == NULL);
    ck_assert_msg(strstr(err.data, db) && strstr(err.data, "cannot look up the households this run has met"), "%s",
                  err.data);
    hh_store_close(s);
    hh_buf_free(&err);
}
END_TEST

/* A store whose repeat table cannot be read (here a TEMP table of that name made
 * beforehand without the column the lookup reads, so the lookup cannot be
 * prepared): the import stops with a plain message and stores nothing, instead of
 * taking every form as unseen and letting the repeat through. */
START_TEST(an_import_whose_repeat_lookup_fails_stops)
{
    tu_init_store(db);
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    size_t len;
    char *xml = tu_read_file(form, &len);
    char *batch = tu_path(dir, "forms");
    ck_assert_int_eq(mkdir(batch, 0700), 0);
    char *a = tu_path(batch, "a.xml"), *b = tu_path(batch, "b.xml"); /* one household, twice */
    tu_write_file(a, xml, len);
    tu_write_file(b, xml, len);
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(db, false, &s, &err) == 0, "%s", err.data);
    ck_assert_int_eq(sqlite3_exec(s->db, "CREATE TEMP TABLE import_seen(id TEXT PRIMARY KEY)", NULL, NULL, NULL),
                     SQLITE_OK);
    char *said = NULL;
    size_t said_len = 0;
    FILE *messages = open_memstream(&said, &said_len);
    hh_import_options opt = { .actor = "test", .messages = messages, .jobs = 1 };
    hh_importer *im = hh_importer_new(s, tu_schemas(), &opt);
    char *paths[] = { batch };
    hh_importer_run(im, paths, 1);
    hh_import_summary sum;
    hh_importer_finish(im, &sum);
    hh_importer_free(im);
    hh_store_close(s);
    fclose(messages);
    ck_assert_msg(strstr(said, "cannot look up the households this run has met") && strstr(said, db), "%s", said);
    ck_assert_msg(sum.stored == 0 && sum.unchanged == 0 && sum.io_error, "stored %ld, unchanged %ld: %s", sum.stored,
                  sum.unchanged, said);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM household"), 0);
    free(said);
    hh_buf_free(&err);
    free(a);
    free(b);
    free(batch);
    free(xml);
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
    tcase_add_test(tc, a_store_knows_itself_and_each_revision_its_parent);
    tcase_add_test(tc, an_unidentified_database_with_tables_is_refused);
    tcase_add_test(tc, a_newer_store_is_refused);
    tcase_add_test(tc, a_stored_form_comes_back_whole);
    tcase_add_test(tc, warnings_are_kept_with_the_form);
    tcase_add_test(tc, a_second_household_in_a_room_is_a_warning_kept_with_it);
    tcase_add_test(tc, forms_are_kept_compressed_and_an_older_store_is_migrated);
    tcase_add_test(tc, a_version_6_store_takes_a_form_without_the_household_questions);
    tcase_add_test(tc, the_checkpointer_copies_the_wal_beside_the_writer);
    suite_add_tcase(s, tc);
    TCase *tamper_tc = tcase_create("tamper");
    tcase_set_timeout(tamper_tc, 600);
    tcase_add_checked_fixture(tamper_tc, setup, teardown);
    tcase_add_test(tamper_tc, a_damaged_form_size_is_reported_never_overflows);
    tcase_add_test(tamper_tc, tampering_outside_hhreg_is_reported);
    tcase_add_test(tamper_tc, removed_audit_entries_are_reported);
    tcase_add_test(tamper_tc, tombstones_the_document_index_and_the_change_feed_are_checked);
    tcase_add_test(tamper_tc, an_older_stores_history_gets_its_change_feed);
    tcase_add_test(tamper_tc, check_reads_each_form_as_show_does);
    tcase_add_test(tamper_tc, a_foreign_database_is_refused_unchanged);
    tcase_add_test(tamper_tc, a_store_found_0644_is_reported_and_its_wal_stays_private);
    tcase_add_test(tamper_tc, a_read_only_store_can_be_read);
    suite_add_tcase(s, tamper_tc);
    TCase *slow = tu_slow_tcase(s, "a-long-audit-log", 600); /* 150,000 entries migrated */
    tcase_add_checked_fixture(slow, setup, teardown);
    tcase_add_test(slow, a_version_2_store_gets_a_valid_audit_chain);
    TCase *sealed_tc = tcase_create("sealed");
    tcase_add_checked_fixture(sealed_tc, setup, teardown);
    tcase_add_test(sealed_tc, only_the_store_speaks_sql);
    tcase_add_test(sealed_tc, the_next_serial_is_never_one_already_given);
    tcase_add_test(sealed_tc, a_repeat_lookup_that_fails_is_reported);
    tcase_add_test(sealed_tc, an_import_whose_repeat_lookup_fails_stops);
    suite_add_tcase(s, sealed_tc);
    return s;
}
