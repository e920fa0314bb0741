/* test_rules.c — the consistency rules: the rules file compiles; every rule has a
 * form in samples/invalid that triggers exactly it, in both languages; the messages
 * of every invalid sample are the ones recorded in samples/invalid/EXPECTED.txt;
 * a broken rules file is refused with its file, line and rule, and so is a rule
 * that says one of its parts twice (found by fuzz_rules, where it leaked). */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rules.h"
#include "testutil.h"

Suite *make_rules_suite(void);

static hh_diags validate_sample(const char *name)
{
    char *rel = hh_xasprintf("samples/invalid/%s.xml", name);
    char *path = tu_src(rel);
    ck_assert_msg(access(path, R_OK) == 0, "no sample form %s for rule %s", rel, name);
    char *xml = tu_read_file(path, NULL);
    hh_diags d;
    hh_diags_init(&d);
    tu_validate_memory(xml, &d);
    free(xml);
    free(path);
    free(rel);
    return d;
}

START_TEST(the_rules_file_compiles)
{
    const hh_schemaset *set = tu_schemas();
    ck_assert_uint_ge(hh_rules_count(set->rules), 40);
}
END_TEST

START_TEST(every_rule_has_a_sample_that_triggers_it)
{
    const hh_schemaset *set = tu_schemas();
    for (size_t i = 0; i < hh_rules_count(set->rules); i++) {
        const char *id = hh_rules_id(set->rules, i);
        hh_diags d = validate_sample(id);
        ck_assert_msg(tu_has_rule(&d, id), "samples/invalid/%s.xml does not trigger %s", id, id);
        for (size_t k = 0; k < d.n; k++) {
            if (strcmp(d.items[k].rule, id) != 0)
                continue;
            ck_assert_int_eq(d.items[k].severity, hh_rules_severity(set->rules, i));
            ck_assert_msg(strcmp(d.items[k].msg_en, d.items[k].msg_zh) != 0, "%s: no Chinese message", id);
            ck_assert_msg(d.items[k].line > 1, "%s: no line", id);
            ck_assert_msg(*d.items[k].path, "%s: no item path", id);
        }
        hh_diags_free(&d);
    }
}
END_TEST

START_TEST(warnings_alone_leave_a_form_valid)
{
    const char *warnings[] = { "HEAD-AGE-YOUNG", "CHILD-AGE-NEAR", "PARENT-AGE-NEAR", "GRANDCHILD-AGE-NEAR",
                               "AGE-OVER-105", "LARGE-HOUSEHOLD", "PHONE-MISSING" };
    for (size_t i = 0; i < sizeof warnings / sizeof warnings[0]; i++) {
        hh_diags d = validate_sample(warnings[i]);
        ck_assert_msg(d.errors == 0 && d.warnings == 1, "%s: %zu errors, %zu warnings", warnings[i], d.errors,
                      d.warnings);
        hh_diags_free(&d);
    }
}
END_TEST

START_TEST(expected_messages_are_produced_exactly)
{
    char *expected_path = tu_src("samples/invalid/EXPECTED.txt");
    char *expected = tu_read_file(expected_path, NULL);
    /* run from the source tree so the file names read as in EXPECTED.txt */
    char *cmd = hh_xasprintf("cd '%s' && LC_ALL=C HHREG_SCHEMA_DIR='%s' '%s' validate --lang en samples/invalid/*.xml 2>/dev/null",
                             tu_srcdir(), tu_schema_dir(), tu_bin());
    FILE *p = popen(cmd, "r");
    ck_assert(p != NULL);
    hh_buf got;
    hh_buf_init(&got);
    char line[4096];
    while (fgets(line, sizeof line, p))
        hh_buf_puts(&got, line);
    int status = pclose(p);
    ck_assert_int_eq(WEXITSTATUS(status), 1);
    ck_assert_str_eq(got.data, expected);
    hh_buf_free(&got);
    free(cmd);
    free(expected);
    free(expected_path);
}
END_TEST

START_TEST(a_broken_rules_file_names_file_line_and_rule)
{
    tu_schemas(); /* libxml2's own messages silenced, as hhreg does */
    char *dir = tu_tempdir();
    const char *files[] = { "household-1.xsd", "rules-1.xml" };
    for (int i = 0; i < 2; i++) {
        char *from = hh_xasprintf("%s/%s", tu_schema_dir(), files[i]);
        size_t len;
        char *data = tu_read_file(from, &len);
        if (i == 1) {
            char *at = strstr(data, "count(f:person[f:relationship = 'head']) = 1");
            ck_assert(at != NULL);
            memcpy(at, "count(f:person[[", 16);
        }
        char *to = tu_path(dir, files[i]);
        tu_write_file(to, data, len);
        free(to);
        free(data);
        free(from);
    }
    hh_buf err;
    hh_buf_init(&err);
    ck_assert(hh_schemaset_load(dir, &err) == NULL);
    ck_assert_msg(strstr(err.data, "rules-1.xml:") && strstr(err.data, "rule HEAD-COUNT") &&
                      strstr(err.data, "does not compile"),
                  "%s", err.data);
    hh_buf_free(&err);
    tu_rmrf(dir);
    free(dir);
}
END_TEST

START_TEST(a_part_given_twice_is_refused_and_freed)
{
    static const char text[] =
        "<rules xmlns='urn:hhreg:rules:1' xmlns:f='urn:hhreg:household:1'>\n"
        "  <rule id='TWICE' severity='error'>\n"
        "    <context>self::f:household</context>\n"
        "    <context>f:person</context>\n"
        "    <message xml:lang='en'>x</message><message xml:lang='zh'>x</message>\n"
        "  </rule>\n"
        "</rules>\n";
    hh_buf err;
    hh_buf_init(&err);
    ck_assert(hh_rules_load_memory(text, sizeof text - 1, "twice.xml", &err) == NULL);
    ck_assert_str_eq(err.data, "twice.xml:4: rule TWICE: <context> is given twice; a rule has one");
    hh_buf_free(&err);
    /* the input fuzz_rules found: it must be refused the same way, with nothing leaked
     * (the sanitizer and valgrind runs of this suite check the leak) */
    char *path = tu_src("fuzz/regressions/rules-context-given-twice");
    size_t len;
    char *found = tu_read_file(path, &len);
    hh_buf_init(&err);
    ck_assert(hh_rules_load_memory(found, len, "found.xml", &err) == NULL);
    ck_assert_msg(strstr(err.data, "is given twice"), "%s", err.data);
    hh_buf_free(&err);
    free(found);
    free(path);
}
END_TEST

START_TEST(rules_run_only_on_structurally_valid_forms)
{
    hh_diags d = validate_sample("XSD-TYPE");
    ck_assert_int_eq(d.n, 1);
    ck_assert_str_eq(d.items[0].rule, "XSD-TYPE");
    hh_diags_free(&d);
}
END_TEST

Suite *make_rules_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, the_rules_file_compiles);
    tcase_add_test(tc, every_rule_has_a_sample_that_triggers_it);
    tcase_add_test(tc, warnings_alone_leave_a_form_valid);
    tcase_add_test(tc, expected_messages_are_produced_exactly);
    tcase_add_test(tc, a_broken_rules_file_names_file_line_and_rule);
    tcase_add_test(tc, a_part_given_twice_is_refused_and_freed);
    tcase_add_test(tc, rules_run_only_on_structurally_valid_forms);
    suite_add_tcase(s, tc);
    return s;
}
