/* test_accounts.c — the accounts of hhreg serve (accounts.h, store_accounts.h,
 * `hhreg user`): names, roles and grids checked before anything is stored; the
 * password kept only as an argon2id hash, nowhere in the store's files; every change
 * audited without it; a new password or a disabled account ends its sessions. */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accounts.h"
#include "testutil.h"

Suite *make_accounts_suite(void);

#define PASSWORD "correct horse battery staple"

static tu_result expect(int status, tu_result r)
{
    ck_assert_msg(r.status == status, "exit %d, not %d: %s%s", r.status, status, r.out, r.err);
    return r;
}

/* Expects success and forgets the output. */
static void ok(tu_result r)
{
    r = expect(0, r);
    tu_result_free(&r);
}

/* `hhreg user ARGS... --password-stdin` with `password` as its first input line. */
static tu_result user_with_password(const char *password, const char *action, const char *name, const char *role,
                                    const char *grid)
{
    char *input = tu_path(tu_store_dir, "password.txt");
    char *line = hh_xasprintf("%s\n", password);
    tu_write_file(input, line, strlen(line));
    tu_result r = role ? tu_hhreg(NULL, input, "user", action, name, "--role", role, grid ? "--grid" : NULL, grid,
                                  "--password-stdin", "--db", tu_store_db, NULL)
                       : tu_hhreg(NULL, input, "user", action, name, "--password-stdin", "--db", tu_store_db, NULL);
    unlink(input);
    free(line);
    free(input);
    return r;
}

/* Whether `needle` occurs in the bytes of the store or its side files. */
static bool in_store_files(const char *needle)
{
    bool found = false;
    const char *suffix[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < 4; i++) {
        char *path = hh_xasprintf("%s%s", tu_store_db, suffix[i]);
        size_t len = 0;
        char *data = access(path, F_OK) == 0 ? tu_read_file(path, &len) : NULL;
        found |= data && memmem(data, len, needle, strlen(needle)) != NULL;
        free(data);
        free(path);
    }
    return found;
}

START_TEST(an_account_is_added_listed_and_disabled)
{
    ok(user_with_password(PASSWORD, "add", "wang.li", "enumerator", "510105016003-03"));
    ok(user_with_password(PASSWORD "!", "add", "chen.sup", "supervisor", "510105016003"));
    tu_result r = expect(0, tu_hhreg(NULL, NULL, "user", "list", "--db", tu_store_db, NULL));
    ck_assert_msg(strstr(r.out, "wang.li") && strstr(r.out, "enumerator") && strstr(r.out, "510105016003-03"), "%s",
                  r.out);
    tu_result_free(&r);
    r = expect(0, tu_hhreg(NULL, NULL, "user", "list", "--json", "--db", tu_store_db, NULL));
    ck_assert_msg(strstr(r.out, "{\"name\":\"chen.sup\",\"role\":\"supervisor\",\"grids\":[\"510105016003\"]"), "%s",
                  r.out);
    ck_assert_msg(strstr(r.out, "\"disabled\":false"), "%s", r.out);
    tu_result_free(&r);
    /* the hash only: argon2id, and the password is in no file of the store */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM account WHERE password_hash LIKE '$argon2id$%'"),
                     2);
    ck_assert(!in_store_files("horse battery"));
    ok(tu_hhreg(NULL, NULL, "user", "disable", "wang.li", "--db", tu_store_db, NULL));
    r = expect(0, tu_hhreg(NULL, NULL, "user", "list", "--json", "--db", tu_store_db, NULL));
    ck_assert_msg(strstr(r.out, "\"name\":\"wang.li\"") && strstr(r.out, "\"disabled\":true"), "%s", r.out);
    tu_result_free(&r);
    /* a name is never given twice, not even a disabled one's */
    r = expect(1, user_with_password(PASSWORD, "add", "wang.li", "enumerator", "510105016003-04"));
    ck_assert_msg(strstr(r.err, "taken"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'account'"), 3);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%horse%'"), 0);
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL));
}
END_TEST

/* What `user add` refuses, each with a plain message that never repeats the password,
 * and nothing stored. */
START_TEST(a_bad_account_is_refused_and_nothing_is_stored)
{
    static const struct {
        const char *name, *role, *grid, *password, *why;
    } cases[] = {
        { "Wang", "enumerator", "510105016003-03", PASSWORD, "starts with a letter" },
        { "\xe7\x8e\x8b", "enumerator", "510105016003-03", PASSWORD, "a-z" },
        { "a.name.that.is.far.too.long.for.an.account", "enumerator", "510105016003-03", PASSWORD, "32" },
        { "wang", "boss", "510105016003-03", PASSWORD, "--role" },
        { "wang", "enumerator", NULL, PASSWORD, "at least one --grid" },
        { "wang", "enumerator", "510105016003-3", PASSWORD, "a grid is a community code" },
        { "wang", "enumerator", "510105016003", PASSWORD, "only a supervisor" },
        { "wang", "admin", "510105016003-03", PASSWORD, "given no grid" },
        { "wang", "enumerator", "510105016003-03", "nine char", "at least 10" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_result r = expect(2, user_with_password(cases[i].password, "add", cases[i].name, cases[i].role,
                                                   cases[i].grid));
        ck_assert_msg(strstr(r.err, cases[i].why), "case %zu: %s", i, r.err);
        ck_assert_msg(!strstr(r.err, cases[i].password), "case %zu repeats the password: %s", i, r.err);
        tu_result_free(&r);
    }
    char long_password[HH_PASSWORD_MAX + 2];
    memset(long_password, 'x', sizeof long_password - 1);
    long_password[sizeof long_password - 1] = '\0';
    tu_result r = expect(2, user_with_password(long_password, "add", "wang", "enumerator", "510105016003-03"));
    ck_assert_msg(strstr(r.err, "at most 1024"), "%s", r.err);
    tu_result_free(&r);
    /* no terminal and no --password-stdin: said, not hung */
    r = expect(2, tu_hhreg(NULL, NULL, "user", "add", "wang", "--role", "enumerator", "--grid", "510105016003-03",
                           "--db", tu_store_db, NULL));
    ck_assert_msg(strstr(r.err, "--password-stdin"), "%s", r.err);
    tu_result_free(&r);
    r = expect(2, tu_hhreg(NULL, NULL, "user", "rename", "wang", "--db", tu_store_db, NULL));
    ck_assert_msg(strstr(r.err, "add, passwd, disable or list"), "%s", r.err);
    tu_result_free(&r);
    r = expect(1, tu_hhreg(NULL, NULL, "user", "disable", "nobody", "--db", tu_store_db, NULL));
    ck_assert_msg(strstr(r.err, "no account of that name"), "%s", r.err);
    tu_result_free(&r);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM account"), 0);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'account'"), 0);
}
END_TEST

/* A new password replaces the hash and ends every session of the account (a stolen
 * session dies with the password change); so does disabling it. */
START_TEST(a_new_password_or_a_disabled_account_ends_its_sessions)
{
    ok(user_with_password(PASSWORD, "add", "wang.li", "enumerator", "510105016003-03"));
    ok(user_with_password(PASSWORD, "add", "zhao.min", "enumerator", "510105016003-04"));
    long before = tu_sql_count(tu_store_db, "SELECT count(DISTINCT password_hash) FROM account");
    ck_assert_int_eq(before, 2); /* salted: the same password, two hashes */
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "INSERT INTO session VALUES ('a', 'wang.li', 'c', 1, 1),"
                                              " ('b', 'wang.li', 'c', 1, 1), ('c', 'zhao.min', 'c', 1, 1)"),
                     0);
    ok(user_with_password("a new and longer one", "passwd", "wang.li", NULL, NULL));
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM session WHERE account = 'wang.li'"), 0);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM session"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(DISTINCT password_hash) FROM account"), 2);
    ok(tu_hhreg(NULL, NULL, "user", "disable", "zhao.min", "--db", tu_store_db, NULL));
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM session"), 0);
    tu_result r = expect(1, user_with_password("a new and longer one", "passwd", "nobody", NULL, NULL));
    tu_result_free(&r);
}
END_TEST

/* The library's own parts: grids, hashes and tokens. */
START_TEST(grids_hashes_and_tokens)
{
    ck_assert(hh_grid_holds("510105016003-03", "510105016003-03-0001"));
    ck_assert(hh_grid_holds("510105016003", "510105016003-03-0001"));
    ck_assert(!hh_grid_holds("510105016003-03", "510105016003-030-001"));
    ck_assert(!hh_grid_holds("510105016003-0", "510105016003-03-0001"));
    ck_assert(!hh_grid_holds("51010501600", "510105016003-03-0001"));
    ck_assert(!hh_grid_holds("510105016003-03", "510105016003-04-0001"));
    hh_buf err;
    hh_buf_init(&err);
    char *hash = hh_password_hash(PASSWORD, &err);
    ck_assert_ptr_nonnull(hash);
    ck_assert(hh_password_verify(hash, PASSWORD));
    ck_assert(!hh_password_verify(hash, PASSWORD " "));
    ck_assert(!hh_password_verify("not a hash", PASSWORD));
    free(hash);
    hh_buf_free(&err);
    char a[HH_TOKEN_HEX], b[HH_TOKEN_HEX], ha[HH_TOKEN_HEX];
    hh_token_new(a);
    hh_token_new(b);
    ck_assert_uint_eq(strlen(a), 64);
    ck_assert_uint_eq(strspn(a, "0123456789abcdef"), 64);
    ck_assert(!hh_token_equal(a, b));
    ck_assert(hh_token_equal(a, a));
    ck_assert(!hh_token_equal(a, "short"));
    hh_token_hash(a, ha);
    ck_assert_uint_eq(strlen(ha), 64);
    ck_assert_str_ne(ha, a);
    ck_assert_int_eq(hh_role_parse("supervisor"), HH_ROLE_SUPERVISOR);
    ck_assert_int_eq(hh_role_parse("root"), -1);
}
END_TEST

Suite *make_accounts_suite(void)
{
    Suite *s = suite_create("accounts");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600); /* argon2id under valgrind: seconds a hash */
    tcase_add_checked_fixture(tc, tu_store_setup, tu_store_teardown);
    tcase_add_test(tc, an_account_is_added_listed_and_disabled);
    tcase_add_test(tc, a_bad_account_is_refused_and_nothing_is_stored);
    tcase_add_test(tc, a_new_password_or_a_disabled_account_ends_its_sessions);
    tcase_add_test(tc, grids_hashes_and_tokens);
    suite_add_tcase(s, tc);
    return s;
}
