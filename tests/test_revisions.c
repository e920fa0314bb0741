/* test_revisions.c — re-importing: identical forms change nothing, changed forms
 * become new revisions and the old ones stay, deletes are tombstones, an ID number
 * held by another household is refused, naming it only to the store's owner. No
 * lost updates: an older delivery does not revert a later edit, and an edit saved
 * after another revision was stored is a conflict that keeps the draft. Review
 * decisions hold through visits, not through changes. All through
 * the real binary (guided entry on a pseudo-terminal) on real store files. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pty.h"
#include "testutil.h"

Suite *make_revisions_suite(void);

#define HH "510105016003-03-0002"
#define TEN_WORDS "say more. "
#define A_HUNDRED TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS TEN_WORDS
#define A_THOUSAND A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED A_HUNDRED
#define LONG_COMMENT A_THOUSAND A_THOUSAND A_HUNDRED /* 2,100 bytes */

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

/* The digests are kept with every revision, so their canonical stream may never
 * change: these are the values stores have held since migration 6 for the sample
 * household (two visits, an enumeration date), the content digest without them. */
START_TEST(a_forms_digests_are_those_stores_already_hold)
{
    import_expect(form, 0, "1 stored");
    ck_assert_int_eq(tu_sql_count(tu_store_db,
                                  "SELECT count(*) FROM revision WHERE form_sha256 = "
                                  "'16107a334fb2b29ecc063cd16cb36acc6ee10b170fce927c2f35d56a3146c95a' AND content_sha256 = "
                                  "'8764ee892a6a3e1191f3cd61dfe4edc24c1fb6aabe2f5f0ec5ef84021031a205'"),
                     1);
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
    /* someone else's store (root included): the holder is not named */
    if (geteuid() != 0) {
        fprintf(stderr, "revisions: the not-the-owner half of the STORE-ID-DUP test needs root (chown)\n");
    } else {
        ck_assert_int_eq(chown(tu_store_db, 65534, 65534), 0);
        r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", other, NULL);
        ck_assert_int_eq(r.status, 1);
        ck_assert_msg(strstr(r.err, "[STORE-ID-DUP] person[1]/document: document number already held by another "
                                    "household: check the number;") && !strstr(r.err, HH),
                      "%s", r.err);
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "zh", other, NULL);
        ck_assert_msg(strstr(r.err, "证件号码已登记在其他户") && !strstr(r.err, HH), "%s", r.err);
        tu_result_free(&r);
    }
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
    /* every form read is counted: the valid one as not stored */
    ck_assert_msg(strstr(r.out, "2 form(s): 0 stored, 0 unchanged, 0 revised, 1 refused, 0 older, 1 not stored;") &&
                      strstr(r.out, "(--strict: nothing stored)"),
                  "%s", r.out);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 0);
    free(bad);
}
END_TEST

/* --- no lost updates ---------------------------------------------------------------- */

static void start_edit(tu_pty *t, const char *option1, const char *option2)
{
    const char *args[] = { "edit", "--db", tu_store_db, "--lang", "en", "--enumerator", "E0300", HH,
                           option1, option2, NULL };
    tu_pty_start(t, args);
}

/* On the review screen: changes the household phone (its review line found by label). */
static void change_phone(tu_pty *t, const char *phone)
{
    tu_pty_expect(t, "Number to change", 30);
    const char *listing = strstr(t->seen.data, "Review"), *at = listing ? strstr(listing, "Household phone:") : NULL;
    ck_assert_msg(at != NULL, "the review lists no household phone");
    while (at > listing && at[-1] != '\n')
        at--;
    char number[16];
    snprintf(number, sizeof number, "%ld", strtol(at, NULL, 10));
    tu_pty_send(t, number);
    tu_pty_answer(t, "Household phone [", phone);
}

static long current_revision(void)
{
    return tu_sql_count(tu_store_db, "SELECT current_revision FROM household WHERE id = '" HH "'");
}

/* The review of a local store (hhreg review): the queue, a return with comments,
 * what due and history say of it; a changed form waits again, a visit alone keeps
 * the decision; refusals change nothing and quote no comment. */
START_TEST(a_reviewed_form_keeps_its_decision_through_visits_not_changes)
{
    import_expect(form, 0, "1 stored");
    tu_result r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, HH "   543-1-102  r1  E0300"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    static const struct {
        const char *args[4];
        int status;
        const char *says;
    } refused[] = {
        { { "--return", HH, NULL }, 1, "needs a comment" },
        { { "--approve", "--revision", "2", HH }, 1, "at revision 1 now, not 2" },
        { { "--return", "--item", "person[7]/name=secret words", HH }, 1, "names no item of this form" },
        { { "--return", "--comment", "\033]0;x\007", HH }, 1, "control character" },
        { { "--return", "--comment", "  \xe3\x80\x80 ", HH }, 1, "needs a comment" }, /* blanks, an ideographic space */
        { { "--return", "--comment", LONG_COMMENT, HH }, 1, "longer than 2000 bytes" },
        { { "--return", "--comment", "one line\n" HH "   543-1-999  r1", HH }, 1, "control character" },
        { { "--return", "--item", "person/name=\xe2\x80\xae" "desrever", HH }, 1, "control character" },
        { { "--return", "--item", "person/name=which of three?", HH }, 1, "names no item of this form" },
        { { "--return", "--item", "person[4]/phone=a fourth person?", HH }, 1, "names no item of this form" },
        { { "--return", "--item", "person[2]/favourite=not an item", HH }, 1, "names no item of this form" },
        { { "--return", "--item", "no-equals-sign", HH }, 2, "--item takes PATH=TEXT" },
        { { "--approve", "--return", HH, NULL }, 2, "not both" },
        { { HH, NULL }, 2, "--approve or --return" },
        { { "--approve", "510105016003-03-0999", NULL }, 1, "" },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const char *const *a = refused[i].args;
        r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, a[0], a[1], a[2], a[3], NULL);
        ck_assert_msg(r.status == refused[i].status && strstr(r.err, refused[i].says) && !strstr(r.err, "secret"),
                      "%zu: exit %d: %s%s", i, r.status, r.out, r.err);
        tu_result_free(&r);
    }
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--lang", "zh", "--return", HH, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.err, "退回的表单须附意见"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM review"), 0);
    /* a comment on an item the form does not answer (person 2 has no phone) is on that item */
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--return", "--comment", "call the daughter", "--item",
                 "person[1]/birthDate=ID says 1950", "--item", "person[2]/phone=ask for her own", HH, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "returned to its enumerator with 2 item comment"), "%s%s", r.out,
                  r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--returned", "--json", NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "\"state\":\"returned\",\"revision\":1") &&
                      strstr(r.out, "{\"path\":\"person[1]/birthDate\",\"comment\":\"ID says 1950\"}") &&
                      strstr(r.out, "{\"path\":\"person[2]/phone\",\"comment\":\"ask for her own\"}"),
                  "%s%s", r.out, r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "due", "--db", tu_store_db, "--lang", "zh", NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "表单被审核退回"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    /* edit opens the returned form with what the reviewer said, before any question */
    r = tu_hhreg(NULL, NULL, "edit", "--db", tu_store_db, "--lang", "en", HH, NULL);
    ck_assert_msg(strstr(r.out, "The reviewer returned this form:") && strstr(r.out, "call the daughter") &&
                      strstr(r.out, "person[2]/phone: ask for her own") &&
                      strstr(r.out, "returned") < strstr(r.out, "Review"),
                  "%s%s", r.out, r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "enter", "--db", tu_store_db, "--discard", HH, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    /* the changed form waits for review again; approved, a visit alone keeps it so */
    import_expect(changed, 0, "1 revised");
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, HH "   543-1-102  r2"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--approve", "--revision", "2", "--comment",
                 " \xe3\x80\x80", HH, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "approved"), "%s%s", r.out, r.err);
    tu_result_free(&r);
    /* blanks are no comment: none is kept */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM review WHERE revision = 2 AND comment IS NULL"), 1);
    char *xml = tu_read_file(changed, NULL), *visited = tu_path(tu_store_dir, "visited.xml");
    char *date = strstr(xml, "date=\"2026-10-10\" status="), *end = strstr(xml, "</household>");
    ck_assert(date && end);
    memcpy(date + 6, "2026-11-20", 10);
    *end = '\0';
    char *with_visit = hh_xasprintf("%s<visit date=\"2026-11-20\" enumerator=\"E0300\" purpose=\"routine\""
                                    " outcome=\"done\"/></household>\n", xml);
    tu_write_file(visited, with_visit, strlen(with_visit));
    import_expect(visited, 0, "1 revised");
    r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "No form waits for review."), "%s%s", r.out, r.err);
    tu_result_free(&r);
    /* not a visit: an earlier visit's note rewritten, or the enumeration date moved alone */
    static const struct {
        const char *from, *to;
    } not_visits[] = { { ">检查天然气管道和燃气灶具<", ">已检查<" }, { "date=\"2026-11-20\" status=", "date=\"2026-11-21\" status=" } };
    for (size_t i = 0; i < sizeof not_visits / sizeof not_visits[0]; i++) {
        char *at = strstr(with_visit, not_visits[i].from);
        ck_assert_ptr_nonnull(at);
        *at = '\0';
        char *edited = hh_xasprintf("%s%s%s", with_visit, not_visits[i].to, at + strlen(not_visits[i].from));
        tu_write_file(visited, edited, strlen(edited));
        import_expect(visited, 0, "1 revised");
        r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, NULL);
        ck_assert_msg(r.status == 0 && strstr(r.out, HH), "%zu: %s%s", i, r.out, r.err);
        tu_result_free(&r);
        r = tu_hhreg(NULL, NULL, "review", "--db", tu_store_db, "--approve", HH, NULL);
        ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
        tu_result_free(&r);
        free(with_visit);
        with_visit = edited;
    }
    r = tu_hhreg(NULL, NULL, "history", "--db", tu_store_db, HH, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "by root: call the daughter\n       person[1]/birthDate: ID says 1950") &&
                      strstr(r.out, "approved "),
                  "%s%s", r.out, r.err);
    tu_result_free(&r);
    /* the audit log: who decided what, never the words */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'review'"), 4);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%daughter%'"), 0);
    r = tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    free(with_visit);
    free(visited);
    free(xml);
}
END_TEST

START_TEST(an_older_delivery_does_not_revert_a_later_edit)
{
    import_expect(form, 0, "1 stored");
    tu_pty t;
    start_edit(&t, NULL, NULL);
    change_phone(&t, "13900001111");
    tu_pty_answer(&t, "Number to change", "s");
    tu_pty_expect(&t, "Stored a new revision of", 30);
    ck_assert_int_eq(tu_pty_wait(&t), 0);
    tu_pty_free(&t);
    ck_assert_int_eq(current_revision(), 2);
    /* the delivery of revision 1 again, with one job and with two: older, not stored */
    const char *jobs[] = { "1", "2" };
    for (size_t i = 0; i < 2; i++) {
        tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", "-j", jobs[i], form, NULL);
        ck_assert_msg(r.status == 1, "exit %d: %s%s", r.status, r.out, r.err);
        ck_assert_msg(strstr(r.out, "1 form(s): 0 stored, 0 unchanged, 0 revised, 0 refused, 1 older, 0 not stored;"),
                      "%s", r.out);
        ck_assert_msg(strstr(r.err, "[STORE-OLDER] household/@id: household " HH ": this form equals its revision 1, "
                                    "older than the current revision 2"),
                      "%s", r.err);
        tu_result_free(&r);
        ck_assert_int_eq(current_revision(), 2);
        ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 2);
    }
    /* asked for: a new revision with the old content */
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--allow-older", form, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    ck_assert(strstr(r.out, "1 revised") != NULL);
    tu_result_free(&r);
    ck_assert_int_eq(current_revision(), 3);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision a JOIN revision b ON "
                                               "a.form_sha256 = b.form_sha256 WHERE a.revision = 1 AND b.revision = 3"),
                     1);
    /* revision 2 is now the older one */
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, NULL);
    ck_assert(r.status == 0 && strstr(r.out, "1 unchanged"));
    tu_result_free(&r);
}
END_TEST

START_TEST(an_edit_saved_after_another_revision_is_a_conflict_that_keeps_the_draft)
{
    import_expect(form, 0, "1 stored");
    tu_pty t;
    start_edit(&t, NULL, NULL);
    change_phone(&t, "13900001111");
    import_expect(changed, 0, "1 revised"); /* meanwhile, another delivery becomes revision 2 */
    tu_pty_answer(&t, "Number to change", "s");
    tu_pty_expect(&t, "[STORE-CONFLICT] household/@id: household " HH " was changed (revision 2, stored by ", 30);
    tu_pty_expect(&t, "after this edit started from revision 1", 5);
    tu_pty_expect(&t, "Your answers are kept in the draft", 5);
    tu_pty_expect(&t, "'hhreg edit " HH " --resume --force'", 5);
    ck_assert_int_eq(tu_pty_wait(&t), 1);
    tu_pty_free(&t);
    ck_assert_int_eq(current_revision(), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE floor_area = 99.6"), 1);
    char *draft = hh_xasprintf("%s.drafts/" HH ".draft", tu_store_db);
    char *kept = tu_read_file(draft, NULL);
    ck_assert_msg(kept && strstr(kept, "13900001111"), "the draft lost the answer");
    free(kept);
    /* resumed without --force: the same conflict, nothing stored */
    start_edit(&t, "--resume", NULL);
    tu_pty_answer(&t, "Number to change", "s");
    tu_pty_expect(&t, "[STORE-CONFLICT]", 30);
    ck_assert_int_eq(tu_pty_wait(&t), 1);
    tu_pty_free(&t);
    ck_assert_int_eq(current_revision(), 2);
    /* the worker decides: the draft over revision 2, which stays in the history */
    start_edit(&t, "--resume", "--force");
    tu_pty_expect(&t, "Since your edit began (revision 1), revision 2 changed: Floor area", 30); /* what it undoes */
    tu_pty_expect(&t, "Saving replaces revision 2 with the draft", 30);
    tu_pty_answer(&t, "Number to change", "s");
    tu_pty_expect(&t, "Stored a new revision of", 30);
    ck_assert_int_eq(tu_pty_wait(&t), 0);
    tu_pty_free(&t);
    ck_assert_int_eq(current_revision(), 3);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE revision = 3 AND "
                                               "phone = '13900001111'"),
                     1);
    struct stat st;
    ck_assert_int_ne(stat(draft, &st), 0);
    free(draft);
}
END_TEST

Suite *make_revisions_suite(void)
{
    Suite *s = suite_create("revisions");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300); /* guided entry on a loaded machine */
    tcase_add_test(tc, identical_forms_change_nothing);
    tcase_add_test(tc, a_forms_digests_are_those_stores_already_hold);
    tcase_add_test(tc, a_changed_form_is_a_new_revision_and_the_old_one_stays);
    tcase_add_test(tc, a_delete_is_a_tombstone);
    tcase_add_test(tc, an_id_number_of_another_household_is_refused_by_name);
    tcase_add_test(tc, a_household_twice_in_one_run_is_refused_the_second_time);
    tcase_add_test(tc, strict_stores_nothing_unless_all_are_valid);
    tcase_add_test(tc, an_older_delivery_does_not_revert_a_later_edit);
    tcase_add_test(tc, a_reviewed_form_keeps_its_decision_through_visits_not_changes);
    tcase_add_test(tc, an_edit_saved_after_another_revision_is_a_conflict_that_keeps_the_draft);
    suite_add_tcase(s, tc);
    return s;
}
