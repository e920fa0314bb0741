/* test_bulk.c — an import's document numbers indexed in bulk (store_bulk.c): the
 * same forms imported with and without it refuse the same forms with the same
 * messages and leave the same index, merges or not in between; numbers a stopped
 * import left pending are found by every lookup and `check`, and merged by the next
 * import; two imports side by side see each other's numbers. Real store files,
 * real forms from `hhreg sample`, the importer in this process. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "store.h"
#include "store_internal.h"
#include "testutil.h"

Suite *make_bulk_suite(void);

static char *dir, *sample;

static void setup(void)
{
    dir = tu_tempdir();
    sample = tu_path(dir, "sample.xml");
    tu_result r = tu_hhreg(NULL, NULL, "sample", "--households", "40", "--seed", "3", "--batch", sample, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
}

static void teardown(void)
{
    unsetenv("HHREG_BULK_MERGE_AT");
    tu_rmrf(dir);
    free(sample);
    free(dir);
}

/* The k-th household element (from 1) of the sample batch, with its line break. */
static char *household(int k)
{
    size_t len;
    char *batch = tu_read_file(sample, &len);
    const char *at = batch;
    for (int i = 0; i < k; i++) {
        at = strstr(at + 1, "  <household ");
        ck_assert(at);
    }
    const char *end = strstr(at, "</household>\n");
    ck_assert(end);
    char *h = strndup(at, (size_t)(end + strlen("</household>\n") - at));
    free(batch);
    return h;
}

/* The part of `xml` from `from` to the end of `to`. */
static char *between(const char *xml, const char *from, const char *to)
{
    const char *a = strstr(xml, from), *b = a ? strstr(a, to) : NULL;
    ck_assert(a && b);
    return strndup(a, (size_t)(b + strlen(to) - a));
}

/* Household `body`'s form with household `owner`'s id and address: a revision of
 * `owner` holding `body`'s persons, or a new household claiming their documents. */
static char *graft(int body, int owner)
{
    char *b = household(body), *o = household(owner);
    char *b_id = between(b, "id=\"", "\">"), *o_id = between(o, "id=\"", "\">");
    char *b_addr = between(b, "<address>", "</address>"), *o_addr = between(o, "<address>", "</address>");
    hh_buf out;
    hh_buf_init(&out);
    const char *id_at = strstr(b, b_id), *addr_at = strstr(b, b_addr);
    hh_buf_append(&out, b, (size_t)(id_at - b));
    hh_buf_puts(&out, o_id);
    const char *rest = id_at + strlen(b_id);
    hh_buf_append(&out, rest, (size_t)(addr_at - rest));
    hh_buf_puts(&out, o_addr);
    hh_buf_puts(&out, addr_at + strlen(b_addr));
    free(b);
    free(o);
    free(b_id);
    free(o_id);
    free(b_addr);
    free(o_addr);
    return hh_buf_detach(&out);
}

/* A batch file of the forms given, as { body, owner } pairs (owner 0: as generated). */
static char *batch_of(const char *name, const int (*forms)[2], size_t n)
{
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<households xmlns=\"urn:hhreg:household:1\">\n");
    for (size_t i = 0; i < n; i++) {
        char *h = forms[i][1] ? graft(forms[i][0], forms[i][1]) : household(forms[i][0]);
        hh_buf_puts(&b, h);
        free(h);
    }
    hh_buf_puts(&b, "</households>\n");
    char *path = tu_path(dir, name);
    tu_write_file(path, b.data, b.len);
    hh_buf_free(&b);
    return path;
}

/* A new store file, made as `hhreg init` makes it. */
static void init(const char *db)
{
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
}

/* Imports `file` into `db` in this process, `batch` forms a transaction; what it said. */
static char *import(const char *db, const char *file, bool bulk, int jobs, long batch, hh_import_summary *sum)
{
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(db, false, &s, &err) == 0, "%s", err.data);
    char *said = NULL;
    size_t said_len = 0;
    FILE *messages = open_memstream(&said, &said_len);
    hh_import_options opt = { .actor = "test", .messages = messages, .jobs = jobs, .batch_size = batch, .bulk = bulk };
    hh_importer *im = hh_importer_new(s, tu_schemas(), &opt);
    ck_assert(im);
    char *paths[] = { (char *)file };
    hh_importer_run(im, paths, 1);
    hh_importer_finish(im, sum);
    hh_importer_free(im);
    hh_store_close(s);
    fclose(messages);
    hh_buf_free(&err);
    return said;
}

/* The index as a whole and every household's state, one line each. */
static char *index_and_households(const char *db)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_int_eq(sqlite3_prepare_v2(h,
                                        "SELECT document_type || ' ' || document_number || ' ' || household_id || ' '"
                                        " || line FROM document_any UNION ALL SELECT id || ' ' || current_revision"
                                        " FROM household ORDER BY 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    hh_buf b;
    hh_buf_init(&b);
    while (sqlite3_step(st) == SQLITE_ROW)
        hh_buf_printf(&b, "%s\n", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return hh_buf_detach(&b);
}

static void check_passes(const char *db)
{
    tu_result r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
}

/* Households 1-10 stored, then a batch in which numbers move between households:
 * held by a household stored before or by one of this batch, released by a
 * revision before or after another household claims them. (A household comes once
 * in an import: a second copy is refused as a repeat.) */
static const int moves[][2] = {
    { 11, 0 }, { 12, 0 }, { 13, 0 }, { 14, 0 }, { 15, 0 }, { 16, 0 }, { 17, 0 }, { 18, 0 }, { 19, 0 }, { 20, 0 },
    { 12, 31 }, /* refused: 12's numbers, pending */
    { 3, 32 },  /* refused: 3's numbers, stored before */
    { 23, 3 },  /* 3 revised: takes 23's numbers, gives its own back */
    { 3, 33 },  /* stored: 3's old numbers are free */
    { 26, 7 },  /* 7 revised: takes 26's numbers */
    { 7, 34 },  /* stored: 7's old numbers are free */
    { 26, 35 }, /* refused: 26's numbers, now 7's, pending */
    { 5, 36 },  /* refused: 5 still holds them */
    { 30, 5 },  /* 5 revised */
    { 5, 37 },  /* stored */
    { 23, 38 }, /* refused: 23's numbers, now 3's */
};
#define MOVES_REFUSED 5

static void compare_with_and_without_bulk(int jobs, long batch, const char *merge_at)
{
    const int first[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 }, { 5, 0 },
                             { 6, 0 }, { 7, 0 }, { 8, 0 }, { 9, 0 }, { 10, 0 } };
    char *before = batch_of("before.xml", first, 10);
    char *file = batch_of("moves.xml", moves, sizeof moves / sizeof moves[0]);
    char *one = tu_path(dir, "one-by-one.db"), *bulk = tu_path(dir, "bulk.db");
    hh_import_summary a, b;
    init(one);
    init(bulk);
    free(import(one, before, false, 1, 0, &a));
    free(import(bulk, before, false, 1, 0, &b));
    ck_assert_int_eq(a.stored, 10);
    if (merge_at)
        setenv("HHREG_BULK_MERGE_AT", merge_at, 1);
    char *said_one = import(one, file, false, jobs, batch, &a);
    char *said_bulk = import(bulk, file, true, jobs, batch, &b);
    ck_assert_msg(a.refused == MOVES_REFUSED && a.stored == 13 && a.revised == 3, "refused %ld, stored %ld: %s",
                  a.refused, a.stored, said_one);
    ck_assert_msg(strstr(said_one, "moves.xml:") && strstr(said_one, "[STORE-ID-DUP]"), "%s", said_one);
    ck_assert_str_eq(said_bulk, said_one);
    ck_assert(b.refused == a.refused && b.stored == a.stored && b.revised == a.revised && !b.io_error);
    char *index_one = index_and_households(one), *index_bulk = index_and_households(bulk);
    ck_assert_str_eq(index_bulk, index_one);
    ck_assert_int_eq(tu_sql_count(bulk, "SELECT count(*) FROM document_pending"), 0);
    check_passes(bulk);
    free(index_one);
    free(index_bulk);
    free(said_one);
    free(said_bulk);
    free(one);
    free(bulk);
    free(file);
    free(before);
}

START_TEST(bulk_loading_refuses_what_one_by_one_refuses)
{
    compare_with_and_without_bulk(1, 0, NULL);
}
END_TEST

/* Merges between the transactions (of two forms each) once three numbers wait. */
START_TEST(merges_between_transactions_change_nothing)
{
    compare_with_and_without_bulk(1, 2, "3");
}
END_TEST

START_TEST(with_two_jobs_too)
{
    compare_with_and_without_bulk(2, 3, "5");
}
END_TEST

/* Imports `file` through store connection `s` as it is (in bulk loading or not),
 * without ending bulk loading; what it said. */
static char *import_on(hh_store *s, const char *file, long batch, hh_import_summary *sum)
{
    char *said = NULL;
    size_t said_len = 0;
    FILE *messages = open_memstream(&said, &said_len);
    hh_import_options opt = { .actor = "test", .messages = messages, .jobs = 1, .batch_size = batch };
    hh_importer *im = hh_importer_new(s, tu_schemas(), &opt);
    char *paths[] = { (char *)file };
    hh_importer_run(im, paths, 1);
    hh_importer_finish(im, sum);
    hh_importer_free(im);
    fclose(messages);
    return said;
}

static hh_store *open_in_bulk(const char *db)
{
    hh_store *s;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(db, false, &s, &err) == 0 && hh_store_bulk_begin(s, &err) == 0, "%s", err.data);
    hh_buf_free(&err);
    return s;
}

/* An import stopped before its last merge (the store closed without
 * hh_store_bulk_end, as when it is killed) leaves its numbers pending: `check`
 * passes, a form claiming one is refused by an import without bulk loading (the
 * server's way) and by `hhreg import`, which merges them. */
START_TEST(numbers_a_stopped_import_left_pending_are_found_and_merged)
{
    char *db = tu_path(dir, "t.db");
    const int first[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 } }, claim_2[][2] = { { 2, 31 } }, claim_1[][2] = { { 1, 32 } },
              release[][2] = { { 4, 2 }, { 2, 33 } };
    char *before = batch_of("before.xml", first, 3), *second = batch_of("claim-2.xml", claim_2, 1),
         *first_again = batch_of("claim-1.xml", claim_1, 1), *release_2 = batch_of("release-2.xml", release, 2);
    init(db);
    hh_store *s = open_in_bulk(db);
    hh_import_summary sum;
    free(import_on(s, before, 0, &sum));
    ck_assert_int_eq(sum.stored, 3);
    hh_store_close(s);
    long pending = tu_sql_count(db, "SELECT count(*) FROM document_pending");
    ck_assert_int_gt(pending, 3);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document"), 0);
    check_passes(db);

    char *said = import(db, second, false, 1, 0, &sum);
    ck_assert_msg(sum.refused == 1 && strstr(said, "[STORE-ID-DUP]") && strstr(said, "-0002"), "%s", said);
    free(said);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document_pending"), pending);
    /* 2 revised without bulk loading: its pending numbers go, another household may take them */
    said = import(db, release_2, false, 1, 0, &sum);
    ck_assert_msg(sum.revised == 1 && sum.stored == 1 && sum.refused == 0, "%s", said);
    free(said);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document_pending WHERE household_id LIKE '%-0002'"), 0);
    check_passes(db);
    pending = tu_sql_count(db, "SELECT count(*) FROM document_any");

    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", db, first_again, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "[STORE-ID-DUP]") && strstr(r.err, "-0001"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document_pending"), 0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document"), pending);
    check_passes(db);
    free(db);
    free(before);
    free(second);
    free(first_again);
    free(release_2);
}
END_TEST

/* import --strict (one transaction: its numbers go into the index as they come)
 * merges first what a stopped import left pending, as any import does. */
START_TEST(a_strict_import_merges_what_was_left_pending)
{
    char *db = tu_path(dir, "t.db");
    const int first[][2] = { { 1, 0 }, { 2, 0 } }, more[][2] = { { 3, 0 } };
    char *before = batch_of("before.xml", first, 2), *after = batch_of("after.xml", more, 1);
    init(db);
    hh_store *s = open_in_bulk(db);
    hh_import_summary sum;
    free(import_on(s, before, 0, &sum));
    hh_store_close(s); /* stopped before its last merge */
    ck_assert_int_gt(tu_sql_count(db, "SELECT count(*) FROM document_pending"), 0);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--strict", "--db", db, after, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document_pending"), 0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document"),
                     tu_sql_count(db, "SELECT count(*) FROM document_any"));
    check_passes(db);
    free(db);
    free(before);
    free(after);
}
END_TEST

/* Two connections in bulk loading at once, taking turns: each sees the numbers the
 * other left pending, which its memory does not hold. */
START_TEST(two_bulk_loads_side_by_side_see_each_others_numbers)
{
    char *db = tu_path(dir, "t.db");
    const int first[][2] = { { 1, 0 }, { 2, 0 } }, fourth[][2] = { { 4, 0 } }, claim_4[][2] = { { 4, 31 } },
              claim_1[][2] = { { 1, 32 } };
    char *a_file = batch_of("a.xml", first, 2), *b_file = batch_of("b.xml", fourth, 1),
         *a_claim = batch_of("a-claim.xml", claim_4, 1), *b_claim = batch_of("b-claim.xml", claim_1, 1);
    init(db);
    hh_store *a = open_in_bulk(db), *b = open_in_bulk(db);
    hh_import_summary sum;
    free(import_on(a, a_file, 0, &sum));
    ck_assert_int_eq(sum.stored, 2);
    free(import_on(b, b_file, 0, &sum));
    ck_assert_int_eq(sum.stored, 1);
    char *said = import_on(a, a_claim, 0, &sum); /* 4's numbers: pending, left by b */
    ck_assert_msg(sum.refused == 1 && strstr(said, "-0004"), "%s", said);
    free(said);
    said = import_on(b, b_claim, 0, &sum); /* 1's: left by a, merged since */
    ck_assert_msg(sum.refused == 1 && strstr(said, "-0001"), "%s", said);
    free(said);
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_bulk_end(a, &err) == 0 && hh_store_bulk_end(b, &err) == 0, "%s", err.data);
    hh_buf_free(&err);
    hh_store_close(a);
    hh_store_close(b);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document_pending"), 0);
    check_passes(db);
    /* a number both merged and pending is found by check */
    ck_assert_int_eq(tu_sql_exec(db, "INSERT INTO document_pending(document_type, document_number, household_id, line)"
                                     " SELECT document_type, document_number, household_id, line FROM document"
                                     " WHERE household_id LIKE '%-0002'"),
                     0);
    tu_result r = tu_hhreg(NULL, NULL, "check", "--db", db, NULL);
    ck_assert_msg(r.status != 0 && strstr(r.out, "-0002: a document number of it is indexed twice"), "%s%s", r.out,
                  r.err);
    tu_result_free(&r);
    free(db);
    free(a_file);
    free(b_file);
    free(a_claim);
    free(b_claim);
}
END_TEST

/* With three numbers waiting at most, transactions of two forms: numbers are merged
 * between them (some in the index, some waiting, when the import stops without its
 * last merge), foreign keys are on again after each merge, and what waits is merged
 * by hh_store_merge_waiting_documents (hhreg serve's start). */
START_TEST(merges_come_between_transactions)
{
    setenv("HHREG_BULK_MERGE_AT", "3", 1);
    char *db = tu_path(dir, "t.db");
    const int ten[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 }, { 5, 0 },
                           { 6, 0 }, { 7, 0 }, { 8, 0 }, { 9, 0 }, { 10, 0 } };
    char *file = batch_of("ten.xml", ten, 10);
    init(db);
    hh_store *s = open_in_bulk(db);
    hh_import_summary sum;
    free(import_on(s, file, 2, &sum));
    ck_assert_int_eq(sum.stored, 10);
    long merged = tu_sql_count(db, "SELECT count(*) FROM document"),
         waiting = tu_sql_count(db, "SELECT count(*) FROM document_pending");
    ck_assert_msg(merged > 0 && waiting > 0, "%ld merged, %ld waiting", merged, waiting);
    ck_assert_int_eq(hh_store_sql_long(s->db, "PRAGMA foreign_keys"), 1);
    hh_store_close(s); /* as a killed import: the last numbers wait */
    check_passes(db);
    ck_assert_int_eq(hh_store_open(db, false, &s, NULL), 0);
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_merge_waiting_documents(s, &err) == 0, "%s", err.data);
    ck_assert_int_eq(hh_store_sql_long(s->db, "PRAGMA foreign_keys"), 1);
    hh_store_close(s);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document_pending"), 0);
    ck_assert_int_eq(tu_sql_count(db, "SELECT count(*) FROM document"), merged + waiting);
    check_passes(db);
    hh_buf_free(&err);
    free(file);
    free(db);
}
END_TEST

/* hhreg merge makes a revision current over numbers its household left waiting:
 * they go with its old ones, the index holds each number once. */
START_TEST(a_merge_over_waiting_numbers_replaces_them)
{
    char *here = tu_path(dir, "here.db"), *there = tu_path(dir, "there.db");
    const int first[][2] = { { 1, 0 }, { 2, 0 }, { 3, 0 } }, revise_2[][2] = { { 4, 2 } };
    char *before = batch_of("before.xml", first, 3), *revision = batch_of("revise-2.xml", revise_2, 1);
    init(here);
    init(there);
    hh_store *s = open_in_bulk(here);
    hh_import_summary sum;
    free(import_on(s, before, 0, &sum));
    hh_store_close(s); /* stopped before its last merge: all waiting */
    ck_assert_int_gt(tu_sql_count(here, "SELECT count(*) FROM document_pending WHERE household_id LIKE '%-0002'"), 0);
    free(import(there, before, false, 1, 0, &sum));
    free(import(there, revision, false, 1, 0, &sum));
    ck_assert_int_eq(sum.revised, 1);
    tu_result r = tu_hhreg(NULL, NULL, "merge", "--db", here, there, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "1 updated"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(here, "SELECT count(*) FROM document_pending WHERE household_id LIKE '%-0002'"), 0);
    check_passes(here);
    free(before);
    free(revision);
    free(here);
    free(there);
}
END_TEST

Suite *make_bulk_suite(void)
{
    Suite *s = suite_create("bulk");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, bulk_loading_refuses_what_one_by_one_refuses);
    tcase_add_test(tc, merges_between_transactions_change_nothing);
    tcase_add_test(tc, with_two_jobs_too);
    tcase_add_test(tc, numbers_a_stopped_import_left_pending_are_found_and_merged);
    tcase_add_test(tc, a_strict_import_merges_what_was_left_pending);
    tcase_add_test(tc, two_bulk_loads_side_by_side_see_each_others_numbers);
    tcase_add_test(tc, merges_come_between_transactions);
    tcase_add_test(tc, a_merge_over_waiting_numbers_replaces_them);
    suite_add_tcase(s, tc);
    return s;
}
