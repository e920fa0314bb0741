/* test_messages.c — the catalogue of built-in messages (src/lib/messages.def): both
 * languages of every message take the same arguments, the typed functions put them
 * in the right places, and the messages that replaced a wrong one are told: a
 * digest failure (FORM-DIGEST, not STORE-FAIL) and an over-long XML declaration
 * (XML-PARSE without a number read from a string); and an input the parallel import
 * cannot read is told as such (its result kind HH_RESULT_UNREADABLE). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "messages.h"
#include "testutil.h"

Suite *make_messages_suite(void);

static const struct {
    const char *id, *rule, *en, *zh;
} catalogue[] = {
#define HH_MSG(name, id, rule, params, args, en, zh) { id, rule, en, zh },
#include "messages.def"
#undef HH_MSG
};
#define N_MESSAGES (sizeof catalogue / sizeof catalogue[0])

#define MAX_ARGS 9

/* The conversions of the printf format `f` by argument: types[i] is what argument
 * i+1 is taken as — its length modifier and conversion ("s", "d", "ld", "zu").
 * Positional (%2$d) and sequential conversions are both read. Returns the number
 * of arguments, or -1 when the format mixes the two kinds, leaves an argument out,
 * takes one as two types, or has a conversion this reader does not know. */
static int conversions(const char *f, char types[MAX_ARGS][4])
{
    int n = 0, next = 1, positional = -1;
    memset(types, 0, MAX_ARGS * sizeof types[0]);
    for (const char *p = strchr(f, '%'); p; p = strchr(p, '%')) {
        p++;
        if (*p == '%') {
            p++;
            continue;
        }
        int arg = next++;
        const char *digits = p;
        while (*p >= '0' && *p <= '9')
            p++;
        int is_positional = *p == '$' && p > digits;
        if (is_positional)
            arg = atoi(digits), p++;
        else
            p = digits;
        if (positional >= 0 && positional != is_positional)
            return -1;
        positional = is_positional;
        p += strspn(p, "-+ #0");
        p += strspn(p, "0123456789");
        if (*p == '.')
            p += 1 + strspn(p + 1, "0123456789");
        char type[4] = "";
        size_t len = strspn(p, "hlzjt");
        if (len > 2 || !strchr("sdiuxXcgfe", p[len]) || !p[len])
            return -1;
        memcpy(type, p, len + 1);
        p += len + 1;
        if (arg < 1 || arg > MAX_ARGS || (types[arg - 1][0] && strcmp(types[arg - 1], type) != 0))
            return -1;
        strcpy(types[arg - 1], type);
        n = arg > n ? arg : n;
    }
    for (int i = 0; i < n; i++)
        if (!types[i][0])
            return -1;
    return n;
}

/* Whether the two formats take the same arguments as the same types. */
static int same_conversions(const char *a, const char *b)
{
    char ta[MAX_ARGS][4], tb[MAX_ARGS][4];
    int na = conversions(a, ta), nb = conversions(b, tb);
    return na >= 0 && na == nb && memcmp(ta, tb, sizeof ta) == 0;
}

START_TEST(the_reader_of_conversions_tells_formats_apart)
{
    ck_assert(same_conversions("%s at line %d", "第 %2$d 行的 %1$s"));
    ck_assert(same_conversions("%ld of %ld", "%2$ld / %1$ld"));
    ck_assert(same_conversions("100%% of %zu", "%zu 的 100%%"));
    ck_assert(same_conversions("no argument", "没有参数"));
    ck_assert(!same_conversions("%s", "%d"));
    ck_assert(!same_conversions("%ld", "%d"));
    ck_assert(!same_conversions("%s %d", "%d %s"));
    ck_assert(!same_conversions("%s %s", "%s"));
    ck_assert(!same_conversions("%s", "%1$s %s"));   /* positional and sequential mixed */
    ck_assert(!same_conversions("%s %d", "%2$d"));   /* the first argument left out */
    ck_assert(!same_conversions("%s", "%1$s %1$d")); /* one argument as two types */
    ck_assert(!same_conversions("%s", "%s%"));       /* a lone % at the end */
}
END_TEST

START_TEST(english_and_chinese_take_the_same_conversions)
{
    for (size_t i = 0; i < N_MESSAGES; i++) {
        char types[MAX_ARGS][4];
        ck_assert_msg(conversions(catalogue[i].en, types) >= 0, "%s: the English format cannot be read",
                      catalogue[i].id);
        ck_assert_msg(same_conversions(catalogue[i].en, catalogue[i].zh),
                      "%s: the English and Chinese formats take different arguments", catalogue[i].id);
    }
}
END_TEST

START_TEST(every_message_has_its_own_id_under_its_rule_and_chinese)
{
    for (size_t i = 0; i < N_MESSAGES; i++) {
        size_t rule_len = strlen(catalogue[i].rule);
        ck_assert_msg(strncmp(catalogue[i].id, catalogue[i].rule, rule_len) == 0 &&
                          (catalogue[i].id[rule_len] == '\0' || catalogue[i].id[rule_len] == '-'),
                      "%s is told under rule %s", catalogue[i].id, catalogue[i].rule);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcmp(catalogue[i].id, catalogue[j].id) != 0, "%s twice", catalogue[i].id);
        int chinese = 0;
        for (const unsigned char *p = (const unsigned char *)catalogue[i].zh; *p; p++)
            chinese |= *p >= 0x80;
        ck_assert_msg(chinese && strcmp(catalogue[i].en, catalogue[i].zh) != 0, "%s: no Chinese", catalogue[i].id);
    }
}
END_TEST

/* A typed function puts its arguments in both messages, the Chinese by position. */
START_TEST(a_typed_message_puts_its_arguments_in_both_languages)
{
    hh_diags d;
    hh_diags_init(&d);
    hh_msg_xml_parse_tag(&d, "f.xml", 9, "", "person", 7);
    hh_msg_store_older(&d, "g.xml", 2, "household/@id", "510105016003-03-0001", 2, 5);
    ck_assert_uint_eq(d.n, 2);
    ck_assert_uint_eq(d.errors, 2);
    ck_assert_str_eq(d.items[0].rule, "XML-PARSE");
    ck_assert_str_eq(d.items[0].file, "f.xml");
    ck_assert_int_eq(d.items[0].line, 9);
    ck_assert_str_eq(d.items[0].msg_en,
                     "not well-formed XML: an end tag does not match the start tag <person> of line 7");
    ck_assert_str_eq(d.items[0].msg_zh, "不是格式正确的 XML：结束标记与第 7 行的开始标记 <person> 不匹配");
    ck_assert_str_eq(d.items[1].rule, "STORE-OLDER");
    ck_assert_str_eq(d.items[1].path, "household/@id");
    ck_assert_ptr_nonnull(strstr(d.items[1].msg_en, "household 510105016003-03-0001: this form equals its revision 2, "
                                                    "older than the current revision 5"));
    ck_assert_ptr_nonnull(strstr(d.items[1].msg_zh, "户 510105016003-03-0001：此表与其第 2 版相同，早于当前的第 5 版"));
    hh_diags_free(&d);
}
END_TEST

/* An XML declaration too long for the scanner was told as "libxml2 error N", N read
 * from the bytes of a string (printf's %d given a pointer). */
START_TEST(an_overlong_xml_declaration_is_told_in_words)
{
    char padding[201];
    memset(padding, 'a', 200);
    padding[200] = '\0';
    char *xml = hh_xasprintf("<?xml version=\"1.0\" x=\"%s\"?>\n<household xmlns=\"urn:hhreg:household:1\"/>\n",
                             padding);
    char *path = tu_path(tu_store_dir, "long-declaration.xml");
    tu_write_file(path, xml, strlen(xml));
    static const char *const expected[][2] = {
        { "en", "long-declaration.xml:1: error: [XML-PARSE] not well-formed XML: the XML declaration is too long "
                "to be read\n" },
        { "zh", "long-declaration.xml:1: error: [XML-PARSE] 不是格式正确的 XML：XML 声明过长，无法读取\n" },
    };
    for (size_t i = 0; i < 2; i++) {
        tu_result r = tu_hhreg(NULL, NULL, "validate", "--lang", expected[i][0], path, NULL);
        ck_assert_int_eq(r.status, 1);
        ck_assert_msg(strstr(r.out, expected[i][1]) != NULL, "%s", r.out);
        tu_result_free(&r);
    }
    free(path);
    free(xml);
}
END_TEST

/* A digest the crypto library cannot compute (OpenSSL configured to offer no
 * SHA-256) was reported as STORE-FAIL, as if the store had failed. */
START_TEST(a_digest_failure_is_not_a_store_failure)
{
    char *config = tu_path(tu_store_dir, "no-sha256.cnf");
    static const char no_sha256[] = "openssl_conf = init\n[init]\nalg_section = properties\n"
                                    "[properties]\ndefault_properties = fips=yes\n";
    tu_write_file(config, no_sha256, strlen(no_sha256));
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    setenv("OPENSSL_CONF", config, 1);
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--lang", "en", form, NULL);
    unsetenv("OPENSSL_CONF");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "510105016003-03-0001.xml:2: error: [FORM-DIGEST] household: the form's digest "
                                "could not be computed") != NULL,
                  "%s", r.err);
    ck_assert_msg(strstr(r.err, "STORE-FAIL") == NULL, "%s", r.err);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 0);
    tu_result_free(&r);
    /* the same form is stored once the library is whole again */
    r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, form, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 1);
    tu_result_free(&r);
    free(form);
    free(config);
}
END_TEST

/* The parallel import hands an input it cannot open through its workers as a
 * result of kind HH_RESULT_UNREADABLE: told with the system's reason, exit 2, and
 * the readable form beside it is stored. */
START_TEST(an_unreadable_input_is_told_by_the_parallel_import)
{
    char *missing = tu_path(tu_store_dir, "not-there.xml");
    char *form = tu_src("samples/households/510105016003-03-0001.xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, "--jobs", "2", missing, form, NULL);
    char *told = hh_xasprintf("hhreg import: %s: cannot be opened: No such file or directory\n", missing);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, told) != NULL, "%s", r.err);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM household"), 1);
    tu_result_free(&r);
    free(told);
    free(form);
    free(missing);
}
END_TEST

Suite *make_messages_suite(void)
{
    Suite *s = suite_create("messages");
    TCase *tc = tcase_create("catalogue");
    tcase_add_test(tc, the_reader_of_conversions_tells_formats_apart);
    tcase_add_test(tc, english_and_chinese_take_the_same_conversions);
    tcase_add_test(tc, every_message_has_its_own_id_under_its_rule_and_chinese);
    tcase_add_test(tc, a_typed_message_puts_its_arguments_in_both_languages);
    suite_add_tcase(s, tc);
    tc = tcase_create("told");
    tcase_add_checked_fixture(tc, tu_store_setup, tu_store_teardown);
    tcase_add_test(tc, an_overlong_xml_declaration_is_told_in_words);
    tcase_add_test(tc, a_digest_failure_is_not_a_store_failure);
    tcase_add_test(tc, an_unreadable_input_is_told_by_the_parallel_import);
    suite_add_tcase(s, tc);
    return s;
}
