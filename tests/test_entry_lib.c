/* test_entry_lib.c — guided entry's logic as the library gives it to any front end
 * (entry_session.h), without a terminal: typed text turned into answers or a
 * reason in both languages; the default each question offers; the address
 * remembered for the next household and a later visit moving the enumeration
 * date; diagnostics of the real validator (XSD and rules)
 * matched to the questions they concern; a typed household saved from memory into
 * a real store exactly as `hhreg import` stores the same form from a file
 * (revision, digest, XML, persons, visits, audit), then unchanged, revised,
 * refused as a conflict and refused as invalid; a stored household read back
 * through the library as show and edit read it; the forms answers are checked by
 * are the schema's patterns; and the wall that keeps libxml2 out of the command's
 * sources. */
#include <check.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "dates.h"
#include "entry_session.h"
#include "form_json.h"
#include "input.h"
#include "testutil.h"

Suite *make_entrylib_suite(void);

#define SAMPLE_ID "510105016003-03-0001"

static hh_code_labels *labels(void)
{
    char *xsd = tu_path(tu_schema_dir(), "household-1.xsd");
    hh_buf err;
    hh_buf_init(&err);
    hh_code_labels *l = hh_code_labels_load(xsd, &err);
    ck_assert_msg(l != NULL, "%s", err.data);
    hh_buf_free(&err);
    free(xsd);
    return l;
}

/* The answer to question `key` of `scope` for `text`, or NULL with the reason in `why`. */
static char *parse(const hh_code_labels *l, hh_q_scope scope, const char *key, const char *text, hh_lang lang,
                   char why[256])
{
    const hh_question *q = hh_question_find(scope, key);
    ck_assert_msg(q != NULL, "no question %s", key);
    const char **codes = q->kind == HH_Q_CODE ? hh_code_list(l, q->code_list) : NULL;
    why[0] = '\0';
    char *v = hh_entry_parse_answer(q, text, codes, lang, why, 256);
    free(codes);
    return v;
}

/* Checks that `text` gives `want` (NULL: refused, with `reason` in the message). */
static void expect(const hh_code_labels *l, hh_q_scope scope, const char *key, const char *text, hh_lang lang,
                   const char *want, const char *reason)
{
    char why[256];
    char *v = parse(l, scope, key, text, lang, why);
    if (want)
        ck_assert_msg(v && strcmp(v, want) == 0, "%s: '%s' gave '%s' (%s), not '%s'", key, text, v ? v : "(refused)",
                      why, want);
    else
        ck_assert_msg(!v && strstr(why, reason), "%s: '%s' gave '%s' / reason '%s', not refused with '%s'", key, text,
                      v ? v : "(refused)", why, reason);
    free(v);
}

/* The conditions' table (served as data by GET /api/v1/items) is in hh_item_when's
 * order and names what items.def names; hh_question_applies reads it. */
START_TEST(the_conditions_are_one_table_in_order)
{
    size_t n;
    const hh_condition *c = hh_conditions(&n);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(c[i].when, (int)i);
    for (size_t i = 0; i < hh_item_question_count; i++) {
        const hh_item_question *q = &hh_item_questions[i];
        ck_assert_msg((size_t)q->when < n && strcmp(c[q->when].name, q->when_name) == 0, "%s: %s", q->key,
                      q->when_name);
    }
    /* as data and as asked: marital status from 15 or while the age is unknown */
    const hh_question *marital = hh_question_find(HH_SCOPE_PERSON, "marital-status");
    hh_answers *a = hh_answers_new();
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date", "2026-10-20");
    ck_assert(hh_question_applies(marital, a, 1));
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "birth-date", "2015-01-01");
    ck_assert(!hh_question_applies(marital, a, 1));
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "birth-date", "2011-10-20");
    ck_assert(hh_question_applies(marital, a, 1));
    const hh_question *since = hh_question_find(HH_SCOPE_HOUSEHOLD, "low-income-since");
    ck_assert(!hh_question_applies(since, a, 0));
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "low-income", "true");
    ck_assert(hh_question_applies(since, a, 0));
    hh_answers_free(a);
}
END_TEST

static void typed(const hh_code_labels *l, hh_q_scope scope, const char *key, const char *text, hh_lang lang,
                  const char *want, const char *reason);

/* A long code list is searched by typing: the start of an English label or part of
 * a Chinese one names the code that it alone matches; several matches are refused
 * with them. A resident ID gives the sex and birth date offered for a person. */
START_TEST(a_long_list_is_searched_and_the_id_fills_sex_and_birth)
{
    hh_code_labels *l = labels();
    const hh_q_scope P = HH_SCOPE_PERSON;
    typed(l, P, "ethnicity", "Uyg", HH_LANG_EN, "Uyghur", NULL);
    typed(l, P, "ethnicity", "维吾尔", HH_LANG_ZH, "Uyghur", NULL);
    char why[256];
    const hh_question *ethnicity = hh_question_find(P, "ethnicity"), *relationship = hh_question_find(P, "relationship");
    char *v = hh_entry_parse_typed(ethnicity, "Mon", l, true, HH_LANG_EN, why, sizeof why); /* Mongol, Monpa */
    ck_assert_msg(!v && strstr(why, "did you mean") && strstr(why, "Mongol") && strstr(why, "Monpa"), "%s", why);
    v = hh_entry_parse_typed(relationship, "grandc", l, true, HH_LANG_EN, why, sizeof why); /* a short list: not searched */
    ck_assert_msg(!v, "%s", v);
    hh_answers *a = hh_answers_new();
    char date[11];
    hh_answer_set(a, P, 1, "document-type", "resident-id");
    hh_answer_set(a, P, 1, "document-number", "11010519491231002X"); /* a woman born 1949-12-31 */
    ck_assert_str_eq(hh_answers_from_resident_id(a, 1, "sex", date), "female");
    ck_assert_str_eq(hh_answers_from_resident_id(a, 1, "birth-date", date), "1949-12-31");
    ck_assert(hh_answers_from_resident_id(a, 1, "nationality", date) == NULL);
    hh_answer_set(a, P, 1, "document-number", "110105194912310021"); /* a wrong check character */
    ck_assert(hh_answers_from_resident_id(a, 1, "sex", date) == NULL);
    hh_answer_set(a, P, 1, "document-type", "passport");
    hh_answer_set(a, P, 1, "document-number", "11010519491231002X");
    ck_assert(hh_answers_from_resident_id(a, 1, "birth-date", date) == NULL);
    hh_answers_free(a);
    hh_code_labels_free(l);
}
END_TEST

START_TEST(typed_text_becomes_an_answer_or_a_reason)
{
    hh_code_labels *l = labels();
    const hh_q_scope H = HH_SCOPE_HOUSEHOLD, P = HH_SCOPE_PERSON;
    const char **sexes = hh_code_list(l, "SexCode");
    ck_assert(sexes && sexes[0] && sexes[1]);
    /* a code by its number or as itself; a number outside the list says the range */
    expect(l, P, "sex", "2", HH_LANG_EN, sexes[1], NULL);
    expect(l, P, "sex", sexes[0], HH_LANG_EN, sexes[0], NULL);
    size_t n = 0;
    while (sexes[n])
        n++;
    char range[64], beyond[24];
    snprintf(range, sizeof range, "choose a number from 1 to %zu", n);
    snprintf(beyond, sizeof beyond, "%zu", n + 1);
    expect(l, P, "sex", beyond, HH_LANG_EN, NULL, range);
    expect(l, P, "sex", "0", HH_LANG_EN, NULL, range);
    snprintf(range, sizeof range, "请输入 1 到 %zu 之间的序号", n);
    expect(l, P, "sex", "woman", HH_LANG_ZH, NULL, range);
    free(sexes);
    /* codes that are numbers (ISCED 0-8) are their own menu numbers: 2 is one level
     * however it is read (the menu once showed primary, ISCED 1, as 2 and stored 2) */
    const char **levels = hh_code_list(l, "EducationCode");
    ck_assert_int_eq(hh_code_menu_number(levels, 0), 0);
    ck_assert_int_eq(hh_code_menu_number(levels, 2), 2);
    free(levels);
    expect(l, P, "education", "2", HH_LANG_EN, "2", NULL);
    expect(l, P, "education", "0", HH_LANG_EN, "0", NULL);
    expect(l, P, "education", "9", HH_LANG_EN, NULL, "choose a number from 0 to 8");
    /* a person's languages: codes apart by spaces, told plainly (the schema's words were
     * "pattern [a-zA-Z]{2,3}…; not a valid value of LanguageList") */
    typed(l, P, "languages", "zh en ur", HH_LANG_EN, "zh en ur", NULL);
    typed(l, P, "languages", "zh, en", HH_LANG_EN, NULL, "language codes of two or three letters, apart by spaces");
    typed(l, P, "languages", "越南语", HH_LANG_ZH, NULL, "语言代码（两三个字母），以空格分开");
    /* yes and no, in both languages */
    expect(l, H, "consent", "是", HH_LANG_EN, "true", NULL);
    expect(l, H, "consent", "Y", HH_LANG_EN, "true", NULL);
    expect(l, H, "consent", "N", HH_LANG_EN, "false", NULL);
    expect(l, H, "consent", "0", HH_LANG_EN, "false", NULL);
    expect(l, H, "consent", "maybe", HH_LANG_EN, NULL, "answer y (yes) or n (no)");
    expect(l, H, "consent", "maybe", HH_LANG_ZH, NULL, "请回答 y（是）或 n（否）");
    /* dates and months: only the full ISO form of a real day */
    expect(l, P, "birth-date", "1970-05-04", HH_LANG_EN, "1970-05-04", NULL);
    expect(l, P, "birth-date", "1970-5-4", HH_LANG_EN, NULL, "write the date as YYYY-MM-DD");
    /* well written, but no day: said so, not "write it as" what it already is (a user trial) */
    expect(l, P, "birth-date", "1970-02-30", HH_LANG_EN, NULL, "that month has fewer days");
    expect(l, P, "birth-date", "1970-04-31", HH_LANG_ZH, NULL, "该月没有这么多天");
    expect(l, P, "birth-date", "1970-13-01", HH_LANG_EN, NULL, "write the date as YYYY-MM-DD"); /* no such month */
    expect(l, P, "birth-date", "1970-02-00", HH_LANG_EN, NULL, "write the date as YYYY-MM-DD");
    expect(l, H, "low-income-since", "2020-03", HH_LANG_EN, "2020-03", NULL);
    expect(l, H, "low-income-since", "2020-13", HH_LANG_ZH, NULL, "请按 YYYY-MM 格式填写年月");
    /* numbers within the question's bounds; whole where the item is whole */
    expect(l, H, "grid", "3", HH_LANG_EN, "3", NULL);
    expect(l, H, "grid", "3.5", HH_LANG_EN, NULL, "a number from 1 to 99");
    expect(l, H, "grid", "100", HH_LANG_EN, NULL, "a number from 1 to 99");
    expect(l, H, "grid", "three", HH_LANG_EN, NULL, "a number from 1 to 99");
    expect(l, H, "floor-area", "62.5", HH_LANG_EN, "62.5", NULL);
    /* text: at most q->max characters, counted as characters, not bytes */
    const hh_question *name = hh_question_find(P, "name");
    hh_buf text;
    hh_buf_init(&text);
    for (int i = 0; i < (int)name->max; i++)
        hh_buf_puts(&text, "王");
    expect(l, P, "name", text.data, HH_LANG_EN, text.data, NULL);
    hh_buf_puts(&text, "王");
    char limit[64];
    snprintf(limit, sizeof limit, "at most %g characters", name->max);
    expect(l, P, "name", text.data, HH_LANG_EN, NULL, limit);
    hh_buf_free(&text);
    /* left empty: kept as "" when optional, else asked again */
    expect(l, H, "phone", "", HH_LANG_EN, "", NULL);
    expect(l, P, "name", "", HH_LANG_EN, NULL, "an answer is needed");
    expect(l, P, "name", "", HH_LANG_ZH, NULL, "此项必填");
    hh_code_labels_free(l);
}
END_TEST

/* Checks that `text` typed for `key` gives `want`, or is refused (want NULL) with
 * `reason` in a message that does not quote the text. */
static void typed(const hh_code_labels *l, hh_q_scope scope, const char *key, const char *text, hh_lang lang,
                  const char *want, const char *reason)
{
    const hh_question *q = hh_question_find(scope, key);
    ck_assert_msg(q != NULL, "no question %s", key);
    char why[256];
    char *v = hh_entry_parse_typed(q, text, l, true, lang, why, sizeof why);
    if (want)
        ck_assert_msg(v && strcmp(v, want) == 0, "%s: '%s' gave '%s' (%s), not '%s'", key, text, v ? v : "(refused)",
                      why, want);
    else
        ck_assert_msg(!v && strstr(why, reason) && !strstr(why, text) && !strstr(why, "pattern"),
                      "%s: '%s' gave '%s' / reason '%s', not refused with '%s' alone", key, text, v ? v : "(refused)",
                      why, reason);
    free(v);
}

/* Issue 17, 5: what people type is forgiven and normalised, a near miss refused
 * with suggestions, an item's form explained plainly; no reason quotes the text. */
START_TEST(typed_text_is_forgiven_and_normalised)
{
    hh_code_labels *l = labels();
    const hh_q_scope H = HH_SCOPE_HOUSEHOLD, P = HH_SCOPE_PERSON;
    static const char *const dates[] = { "1942/3/15", "1942-3-15", "19420315", "1942年3月15日", "1942.03.15",
                                         "1942-03-15" };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
        typed(l, P, "birth-date", dates[i], HH_LANG_EN, "1942-03-15", NULL);
    typed(l, P, "birth-date", "1942/2/30", HH_LANG_EN, NULL, "that month has fewer days: check the day");
    typed(l, P, "birth-date", "1942/3/15/1", HH_LANG_EN, NULL, "write the date as YYYY-MM-DD");
    typed(l, H, "low-income-since", "2019/6", HH_LANG_EN, "2019-06", NULL);
    typed(l, H, "low-income-since", "2019年6月", HH_LANG_EN, "2019-06", NULL);
    typed(l, H, "low-income-since", "201906", HH_LANG_EN, "2019-06", NULL);
    typed(l, H, "enumeration-date", "2026/10/2", HH_LANG_EN, "2026-10-02", NULL);
    /* an arrow key where the terminal does no line editing, a GBK terminal: refused at once, not at saving */
    typed(l, P, "name", "王\x1b[D秀英", HH_LANG_EN, NULL, "the answer holds a control key");
    typed(l, P, "notes", "a\tb", HH_LANG_ZH, NULL, "控制键");
    typed(l, P, "name", "\xcd\xf5\xd0\xe3", HH_LANG_EN, NULL, "not UTF-8 text"); /* 王秀 in GBK */
    typed(l, P, "name", "王\xe7\x8e", HH_LANG_EN, NULL, "not UTF-8 text");       /* cut short */
    typed(l, P, "name", "\xc0\xaf", HH_LANG_EN, NULL, "not UTF-8 text");         /* overlong */
    typed(l, P, "name", "Zoë 王秀英 😀", HH_LANG_EN, "Zoë 王秀英 😀", NULL);
    /* a right-to-left override (U+202E) or isolate (U+2067) shows text as other text; a right-to-left mark does not */
    typed(l, P, "name", "王\xe2\x80\xae英秀", HH_LANG_EN, NULL, "reverses the direction of text");
    typed(l, P, "notes", "\xe2\x81\xa7" "abc\xe2\x81\xa9", HH_LANG_ZH, NULL, "改变文字方向");
    typed(l, P, "notes", "\xd8\xa8\xe2\x80\x8f 1", HH_LANG_EN, "\xd8\xa8\xe2\x80\x8f 1", NULL);
    /* a passport number in lower case */
    typed(l, P, "document-number", "ab1234567", HH_LANG_EN, "AB1234567", NULL);
    typed(l, P, "document-number", "ab-12", HH_LANG_EN, NULL, "5 to 30 letters and digits");
    /* codes by number, code, or label in English or Chinese, any case (the default is shown as its label) */
    const char *resident_en = hh_code_label(l, "ResidenceCode", "registered-resident", "en");
    const char *resident_zh = hh_code_label(l, "ResidenceCode", "registered-resident", "zh");
    ck_assert(resident_en && resident_zh);
    typed(l, P, "residence", resident_en, HH_LANG_EN, "registered-resident", NULL);
    typed(l, P, "residence", resident_zh, HH_LANG_EN, "registered-resident", NULL);
    typed(l, P, "residence", "REGISTERED-RESIDENT", HH_LANG_EN, "registered-resident", NULL);
    typed(l, P, "sex", hh_code_label(l, "SexCode", "female", "zh"), HH_LANG_EN, "female", NULL);
    typed(l, P, "sex", "Female", HH_LANG_EN, "female", NULL);
    const char **sexes = hh_code_list(l, "SexCode");
    typed(l, P, "sex", "1", HH_LANG_EN, sexes[0], NULL);
    free(sexes);
    typed(l, P, "document-type", "pasport", HH_LANG_EN, NULL, "did you mean: passport");
    /* nationality by code or name */
    typed(l, P, "nationality", "Pakistan", HH_LANG_EN, "PAK", NULL);
    typed(l, P, "nationality", "巴基斯坦", HH_LANG_EN, "PAK", NULL);
    typed(l, P, "nationality", "pak", HH_LANG_EN, "PAK", NULL);
    typed(l, P, "nationality", "中国", HH_LANG_EN, "CHN", NULL);
    typed(l, P, "nationality", "PKA", HH_LANG_EN, NULL, "did you mean: ");
    typed(l, P, "nationality", "PKA", HH_LANG_EN, NULL, "PAK");
    typed(l, P, "nationality", "PKA", HH_LANG_ZH, NULL, "是否为：");
    typed(l, P, "nationality", "Atlantis", HH_LANG_EN, NULL, "not a country");
    /* items with a form: a plain reason, not the schema's pattern */
    typed(l, H, "language", "English", HH_LANG_EN, NULL, "a language code of two or three letters");
    typed(l, H, "language", "English", HH_LANG_ZH, NULL, "语言代码");
    typed(l, H, "language", "ur", HH_LANG_EN, "ur", NULL);
    typed(l, H, "street-code", "51010501X", HH_LANG_EN, NULL, "9 digits");
    typed(l, H, "id", "510105016003-3-1", HH_LANG_EN, NULL, "12 digits-2 digits-4 digits");
    typed(l, H, "phone", "028-87x5", HH_LANG_EN, NULL, "a phone number");
    /* a phone number as it is written down, a document number as it is read out or
     * typed on a Chinese keyboard: as the phone client takes them */
    typed(l, H, "phone", "(028) 8765-4321", HH_LANG_EN, "02887654321", NULL);
    typed(l, P, "phone", "138 1234 5678", HH_LANG_EN, "13812345678", NULL);
    typed(l, P, "phone", "＋８６　１３８－１２３４－５６７８", HH_LANG_EN, "+8613812345678", NULL);
    typed(l, H, "phone", "（０２８）８７６５－４３２１", HH_LANG_EN, "02887654321", NULL);
    /* a relation as people say it: one of the names a label joins (女婿/儿媳) */
    typed(l, P, "relationship", "儿媳", HH_LANG_ZH, "child-in-law", NULL);
    typed(l, P, "relationship", "孙子女", HH_LANG_ZH, "grandchild", NULL);
    typed(l, P, "relationship", "公婆", HH_LANG_ZH, "parent-in-law", NULL);
    typed(l, P, "sex", "woman", HH_LANG_EN, NULL, "not in the list: choose a number from 1 to 2, or type a code or name");
    typed(l, P, "document-number", "ｅａ 1234567", HH_LANG_EN, "EA1234567", NULL);
    typed(l, H, "enumerator", "E 03", HH_LANG_EN, NULL, "an enumerator id");
    hh_code_labels_free(l);
}
END_TEST

/* What a Chinese input method types for ASCII is read as ASCII; its punctuation
 * stays unless asked for, and other text is untouched. */
START_TEST(the_keyboard_s_full_width_forms_are_read_as_ascii)
{
    char line[] = "５４３－２－１６０１，ＩＤ（ｘ）　Ｎｏ．＋王";
    ck_assert_uint_eq(hh_ascii_forms(line, "-+/."), strlen("543-2-1601，ID（x） No.+王"));
    ck_assert_str_eq(line, "543-2-1601，ID（x） No.+王");
    char paren[] = "（０２８）";
    hh_ascii_forms(paren, "()");
    ck_assert_str_eq(paren, "(028)");
    char cut[] = "\xEF\xBC"; /* a character cut short is left as it is */
    ck_assert_uint_eq(hh_ascii_forms(cut, "-"), 2);
    char empty[] = "";
    ck_assert_uint_eq(hh_ascii_forms(empty, ""), 0);
}
END_TEST

/* The nodes `xpath` finds from `at` (NULL: the document), or NULL; the caller frees it. */
static xmlXPathObjectPtr find_in_schema(xmlXPathContextPtr x, xmlNodePtr at, const char *xpath)
{
    x->node = at ? at : xmlDocGetRootElement(x->doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST xpath, x);
    if (o && (!o->nodesetval || o->nodesetval->nodeNr == 0)) {
        xmlXPathFreeObject(o);
        o = NULL;
    }
    return o;
}

/* The first node `xpath` finds from `at`, or NULL. */
static xmlNodePtr first_in_schema(xmlXPathContextPtr x, xmlNodePtr at, const char *xpath)
{
    xmlXPathObjectPtr o = find_in_schema(x, at, xpath);
    xmlNodePtr n = o ? o->nodesetval->nodeTab[0] : NULL;
    xmlXPathFreeObject(o);
    return n;
}

/* The named type `name` of the schema (simple or complex), or NULL (xs:token: XML Schema's own). */
static xmlNodePtr named_type(xmlXPathContextPtr x, const xmlChar *name)
{
    if (!name || xmlStrchr(name, ':'))
        return NULL;
    char *xpath = hh_xasprintf("/xs:schema/xs:simpleType[@name='%s'] | /xs:schema/xs:complexType[@name='%s']",
                               (const char *)name, (const char *)name);
    xmlNodePtr n = first_in_schema(x, NULL, xpath);
    free(xpath);
    return n;
}

/* The declaration of the item at `path` (hh_question.path: "address/district/@code")
 * within complex type `type`, walking the schema's structure step by step; NULL when
 * a step is not declared. */
static xmlNodePtr declaration_of(xmlXPathContextPtr x, const char *type, const char *path)
{
    xmlNodePtr at = named_type(x, BAD_CAST type);
    char *steps = hh_xstrdup(path), *save = NULL;
    for (char *step = strtok_r(steps, "/", &save); step && at; step = strtok_r(NULL, "/", &save)) {
        /* the type's own items: its sequence's elements, its attributes (or its simple content's) */
        char *xpath = *step == '@'
                          ? hh_xasprintf("(xs:attribute | xs:simpleContent/xs:extension/xs:attribute |"
                                         " xs:complexContent/xs:extension/xs:attribute)[@name='%s']",
                                         step + 1)
                          : hh_xasprintf("(xs:sequence/xs:element | xs:all/xs:element | xs:choice/xs:element |"
                                         " xs:complexContent/xs:extension/xs:sequence/xs:element)[@name='%s']",
                                         step);
        xmlNodePtr declared = first_in_schema(x, at, xpath);
        free(xpath);
        xmlChar *named = declared ? xmlGetProp(declared, BAD_CAST "type") : NULL;
        at = named ? named_type(x, named) : declared ? first_in_schema(x, declared, "xs:complexType") : NULL;
        if (!save || !*save)
            at = declared;
        xmlFree(named);
    }
    free(steps);
    return at;
}

/* The xs:pattern of the item declared at `decl`: its inline type's, or its named
 * type's through the types it restricts or extends (malloc'd), or NULL. */
static char *pattern_of(xmlXPathContextPtr x, xmlNodePtr decl)
{
    xmlChar *type = xmlGetProp(decl, BAD_CAST "type");
    xmlNodePtr at = type ? named_type(x, type) : decl;
    xmlFree(type);
    char *pattern = NULL;
    for (int depth = 0; at && !pattern && depth < 8; depth++) {
        xmlNodePtr p = first_in_schema(x, at, "(xs:restriction | xs:simpleType/xs:restriction)/xs:pattern");
        if (p) {
            pattern = (char *)xmlGetProp(p, BAD_CAST "value");
        } else {
            xmlNodePtr derived = first_in_schema(x, at, "xs:restriction | xs:simpleContent/xs:extension");
            xmlChar *base = derived ? xmlGetProp(derived, BAD_CAST "base") : NULL;
            at = named_type(x, base);
            xmlFree(base);
        }
    }
    return pattern;
}

/* For an item whose type is a list (LanguageList: xs:list of LanguageTag), the
 * pattern of its items' type (malloc'd), or NULL. */
static char *list_item_pattern(xmlXPathContextPtr x, xmlNodePtr decl)
{
    xmlChar *type = xmlGetProp(decl, BAD_CAST "type");
    xmlNodePtr at = type ? named_type(x, type) : decl;
    xmlFree(type);
    xmlNodePtr list = at ? first_in_schema(x, at, ".//xs:list") : NULL;
    xmlChar *item = list ? xmlGetProp(list, BAD_CAST "itemType") : NULL;
    xmlNodePtr item_type = item ? named_type(x, item) : NULL;
    xmlFree(item);
    return item_type ? pattern_of(x, item_type) : NULL;
}

/* The forms guided entry and the phone client check answers by (hh_question_form) are
 * the schema's patterns: the item a question asks for, found in household-1.xsd by
 * its path from its scope's type (Household, Person, Visit), has the form unanchored
 * as its type's pattern (through the types it derives from), or the form made
 * optional ("(…)?"), or for a list the items' pattern apart by spaces; a pattern
 * changed in the schema alone fails here. */
START_TEST(the_forms_of_answers_are_the_schemas_patterns)
{
    char *xsd_path = tu_src("schemas/household-1.xsd");
    xmlDocPtr xsd = xmlReadFile(xsd_path, NULL, XML_PARSE_NONET);
    ck_assert_msg(xsd != NULL, "%s cannot be read", xsd_path);
    xmlXPathContextPtr x = xmlXPathNewContext(xsd);
    xmlXPathRegisterNs(x, BAD_CAST "xs", BAD_CAST "http://www.w3.org/2001/XMLSchema");
    static const struct { hh_q_scope scope; const char *type; } scopes[] = {
        { HH_SCOPE_HOUSEHOLD, "Household" }, { HH_SCOPE_PERSON, "Person" }, { HH_SCOPE_VISIT, "Visit" },
        { HH_SCOPE_AFTER_ROSTER, "Household" }
    };
    int forms = 0;
    for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
        size_t n;
        const hh_question *qs = hh_questions(scopes[s].scope, &n);
        for (size_t i = 0; i < n; i++) {
            const char *en, *zh, *form = hh_question_form(&qs[i], &en, &zh);
            if (!form)
                continue;
            size_t len = strlen(form);
            ck_assert_msg(len > 2 && form[0] == '^' && form[len - 1] == '$', "%s: %s is not anchored", qs[i].key, form);
            char *exact = hh_xasprintf("%.*s", (int)len - 2, form + 1), *optional = hh_xasprintf("(%s)?", exact);
            xmlNodePtr decl = declaration_of(x, scopes[s].type, qs[i].path);
            ck_assert_msg(decl != NULL, "%s: the schema declares no %s in %s", qs[i].key, qs[i].path, scopes[s].type);
            char *pattern = pattern_of(x, decl);
            if (!pattern) {
                char *item = list_item_pattern(x, decl);
                pattern = item ? (char *)xmlStrdup(BAD_CAST exact) : NULL;
                char *listed = item ? hh_xasprintf("%s( +%s)*", item, item) : NULL;
                ck_assert_msg(!item || strcmp(listed, exact) == 0, "%s: %s is not a list of %s", qs[i].key, form,
                              item);
                free(listed);
                xmlFree(item);
            }
            ck_assert_msg(pattern && (strcmp(pattern, exact) == 0 || strcmp(pattern, optional) == 0),
                          "%s: %s is not the pattern of %s in %s (%s)", qs[i].key, form, qs[i].path, scopes[s].type,
                          pattern ? pattern : "it has none");
            ck_assert(*en && *zh);
            xmlFree(pattern);
            free(exact);
            free(optional);
            forms++;
        }
    }
    ck_assert_int_ge(forms, 8);
    xmlXPathFreeContext(x);
    xmlFreeDoc(xsd);
    free(xsd_path);
}
END_TEST

START_TEST(a_diagnostic_path_names_its_item)
{
    hh_entry_item it;
    hh_entry_item_of("person[2]/document/@type", &it);
    ck_assert(it.scope == HH_SCOPE_PERSON && it.index == 2);
    ck_assert_str_eq(it.path, "document/@type");
    hh_entry_item_of("visit[3]/@date", &it);
    ck_assert(it.scope == HH_SCOPE_VISIT && it.index == 3);
    ck_assert_str_eq(it.path, "@date");
    hh_entry_item_of("person/name", &it); /* a lone person has no [1] in its path */
    ck_assert(it.scope == HH_SCOPE_PERSON && it.index == 1);
    ck_assert_str_eq(it.path, "name");
    hh_entry_item_of("address/street/@code", &it);
    ck_assert(it.scope == HH_SCOPE_HOUSEHOLD && it.index == 0);
    ck_assert_str_eq(it.path, "address/street/@code");
    hh_entry_item_of("household", &it);
    ck_assert(it.scope == HH_SCOPE_HOUSEHOLD && it.index == 0);
    ck_assert_str_eq(it.path, "");

    const hh_question *type = hh_question_find(HH_SCOPE_PERSON, "document-type");
    const hh_question *number = hh_question_find(HH_SCOPE_PERSON, "document-number");
    hh_entry_item_of("person[2]/document/@type", &it);
    ck_assert(hh_entry_item_is(&it, type, 2));
    ck_assert(!hh_entry_item_is(&it, type, 1));      /* another person's */
    ck_assert(!hh_entry_item_is(&it, number, 2));    /* the element's other item */
    hh_entry_item_of("person[2]/document", &it);     /* the element as a whole: both of its items */
    ck_assert(hh_entry_item_is(&it, type, 2) && hh_entry_item_is(&it, number, 2));
    ck_assert(!hh_entry_item_is(&it, hh_question_find(HH_SCOPE_PERSON, "name"), 2));
    /* a question asked after the roster is the household's */
    hh_entry_item_of("enumeration/@respondent", &it);
    ck_assert(hh_entry_item_is(&it, hh_question_find(HH_SCOPE_AFTER_ROSTER, "respondent"), 0));
    ck_assert(!hh_entry_item_is(&it, hh_question_find(HH_SCOPE_HOUSEHOLD, "enumerator"), 0));
}
END_TEST

static const char *offered(const hh_answers *a, hh_q_scope scope, const char *key, char today[11])
{
    const hh_question *q = hh_question_find(scope, key);
    ck_assert_msg(q != NULL, "no question %s", key);
    return hh_entry_default(a, q, scope == HH_SCOPE_HOUSEHOLD || scope == HH_SCOPE_AFTER_ROSTER ? 0 : 1, "E0300", today);
}

START_TEST(each_question_offers_its_default)
{
    hh_answers *a = hh_answers_new();
    char today[11], now[11];
    hh_date_format(hh_date_today(), now);
    /* the enumerator, today, the usual answers; nothing for a name */
    ck_assert_str_eq(offered(a, HH_SCOPE_HOUSEHOLD, "enumerator", today), "E0300");
    /* issue 17, 4: no enumerator id given: none invented (asked); a visit's is the household's */
    ck_assert_ptr_null(hh_entry_default(a, hh_question_find(HH_SCOPE_HOUSEHOLD, "enumerator"), 0, NULL, today));
    ck_assert_ptr_null(hh_entry_default(a, hh_question_find(HH_SCOPE_VISIT, "enumerator"), 1, NULL, today));
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "enumerator", "E0301");
    ck_assert_str_eq(hh_entry_default(a, hh_question_find(HH_SCOPE_VISIT, "enumerator"), 1, NULL, today), "E0301");
    hh_answer_unset(a, HH_SCOPE_HOUSEHOLD, 0, "enumerator");
    ck_assert_str_eq(offered(a, HH_SCOPE_HOUSEHOLD, "enumeration-date", today), now);
    ck_assert_str_eq(offered(a, HH_SCOPE_PERSON, "document-type", today), "resident-id");
    ck_assert_str_eq(offered(a, HH_SCOPE_AFTER_ROSTER, "respondent", today), "proxy"); /* nobody on the roster */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "name", "A");
    ck_assert_str_eq(offered(a, HH_SCOPE_AFTER_ROSTER, "respondent", today), "1");
    hh_answers_remove_item(a, HH_SCOPE_PERSON, 1);
    ck_assert_ptr_null(offered(a, HH_SCOPE_PERSON, "name", today));
    /* issue 17, 4: a registered resident, unless a foreign national (person 1 here) */
    ck_assert_str_eq(offered(a, HH_SCOPE_PERSON, "residence", today), "registered-resident");
    hh_answer_set(a, HH_SCOPE_PERSON, 2, "nationality", "PAK");
    ck_assert_str_eq(offered(a, HH_SCOPE_PERSON, "residence", today), "registered-resident");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "nationality", "PAK");
    ck_assert_str_eq(offered(a, HH_SCOPE_PERSON, "residence", today), "foreign-resident");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "nationality", "CHN");
    ck_assert_str_eq(offered(a, HH_SCOPE_PERSON, "residence", today), "registered-resident");
    /* the last household's address, but never its room */
    hh_answer_set_flag(a, "building", "543");
    hh_answer_set_flag(a, "room", "1601");
    ck_assert_str_eq(offered(a, HH_SCOPE_HOUSEHOLD, "building", today), "543");
    ck_assert_ptr_null(offered(a, HH_SCOPE_HOUSEHOLD, "room", today));
    /* the proposed id, while it belongs to the community answered */
    hh_answer_set_flag(a, "proposed-id", "510105016003-03-0002");
    ck_assert_ptr_null(offered(a, HH_SCOPE_HOUSEHOLD, "id", today));
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "community-code", "510105016003");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "grid", "3");
    ck_assert_str_eq(offered(a, HH_SCOPE_HOUSEHOLD, "id", today), "510105016003-03-0002");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "community-code", "510105016004");
    ck_assert_ptr_null(offered(a, HH_SCOPE_HOUSEHOLD, "id", today));
    /* a visit of the enumeration: on its date, for registration; one recorded today: today */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date", "2026-10-20");
    ck_assert_str_eq(offered(a, HH_SCOPE_VISIT, "date", today), "2026-10-20");
    ck_assert_str_eq(offered(a, HH_SCOPE_VISIT, "purpose", today), "registration");
    hh_answer_set_flag(a, "visit-today", "yes");
    ck_assert_str_eq(offered(a, HH_SCOPE_VISIT, "date", today), now);
    ck_assert_ptr_null(offered(a, HH_SCOPE_VISIT, "purpose", today));
    hh_answers_free(a);
}
END_TEST

START_TEST(the_address_carries_over_to_the_next_household)
{
    hh_answers *done = hh_answers_new();
    hh_answer_set(done, HH_SCOPE_HOUSEHOLD, 0, "building", "543");
    hh_answer_set(done, HH_SCOPE_HOUSEHOLD, 0, "room", "1601");
    hh_answer_set(done, HH_SCOPE_HOUSEHOLD, 0, "grid", "3");
    hh_answers *last = hh_entry_address_of(done);
    ck_assert_str_eq(hh_answer_flag(last, "building"), "543");
    ck_assert_str_eq(hh_answer_flag(last, "grid"), "3");
    ck_assert_ptr_null(hh_answer_flag(last, "room"));
    ck_assert_ptr_null(hh_answer(last, HH_SCOPE_HOUSEHOLD, 0, "building")); /* offered, not answered */
    hh_answers *next = hh_answers_new();
    hh_answer_set_flag(next, "grid", "4"); /* already offered: kept */
    hh_entry_offer_address(next, last);
    ck_assert_str_eq(hh_answer_flag(next, "building"), "543");
    ck_assert_str_eq(hh_answer_flag(next, "grid"), "4");
    hh_answers_free(next);
    hh_answers_free(last);
    hh_answers_free(done);
}
END_TEST

/* What the context settles is taken without a question; an edit's or a visit's
 * questions never are; building-unit-room divides at its last two dashes. */
START_TEST(the_context_settles_some_answers_and_the_address_is_typed_at_once)
{
#define SETTLED(a, scope, index, key, actor) hh_entry_settled(a, hh_question_find(scope, key), index, actor)
    hh_answers *a = hh_answers_new();
    ck_assert(!SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "grid", "E1"));     /* nothing remembered yet */
    ck_assert(!SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "enumerator", NULL)); /* asked, never the login */
    ck_assert(SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "enumerator", "E1"));
    ck_assert(SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date", NULL));
    ck_assert(!SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "id", "E1")); /* no id proposed */
    ck_assert(!SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "room", "E1"));
    hh_answer_set_flag(a, "grid", "3");
    ck_assert(SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "grid", "E1"));
    ck_assert(!SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "building", "E1")); /* offered, still asked */
    ck_assert(SETTLED(a, HH_SCOPE_PERSON, 1, "relationship", "E1"));
    ck_assert(!SETTLED(a, HH_SCOPE_PERSON, 2, "relationship", "E1"));
    ck_assert(!SETTLED(a, HH_SCOPE_PERSON, 1, "nationality", "E1"));
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-type", "resident-id");
    ck_assert(SETTLED(a, HH_SCOPE_PERSON, 1, "nationality", "E1"));
    ck_assert(SETTLED(a, HH_SCOPE_AFTER_ROSTER, 0, "respondent", "E1"));
    hh_answer_set(a, HH_SCOPE_PERSON, 2, "name", "B");
    ck_assert(!SETTLED(a, HH_SCOPE_AFTER_ROSTER, 0, "respondent", "E1")); /* two persons: asked */
    ck_assert(!SETTLED(a, HH_SCOPE_VISIT, 1, "purpose", "E1"));
    hh_answer_set_flag(a, "registration-visit", "yes");
    ck_assert(SETTLED(a, HH_SCOPE_VISIT, 1, "purpose", "E1"));
    ck_assert(!SETTLED(a, HH_SCOPE_VISIT, 2, "purpose", "E1"));
    char today[11];
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "nobody-home");
    ck_assert_str_eq(hh_entry_default(a, hh_question_find(HH_SCOPE_VISIT, "outcome"), 1, "E1", today), "nobody-home");
    /* nobody home: nobody answered, so neither consent nor a respondent is asked */
    ck_assert(!hh_question_applies(hh_question_find(HH_SCOPE_HOUSEHOLD, "consent"), a, 0));
    ck_assert(!hh_question_applies(hh_question_find(HH_SCOPE_AFTER_ROSTER, "respondent"), a, 0));
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "refused"); /* the refusal is the answer: no consent */
    ck_assert(hh_question_applies(hh_question_find(HH_SCOPE_HOUSEHOLD, "consent"), a, 0));
    ck_assert_str_eq(hh_entry_default(a, hh_question_find(HH_SCOPE_HOUSEHOLD, "consent"), 0, "E1", today), "false");
    ck_assert(SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "consent", "E1"));
    ck_assert(!hh_question_applies(hh_question_find(HH_SCOPE_AFTER_ROSTER, "respondent"), a, 0));
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "partial");
    hh_answers_remove_item(a, HH_SCOPE_PERSON, 2);
    hh_answers_remove_item(a, HH_SCOPE_PERSON, 1);
    ck_assert(SETTLED(a, HH_SCOPE_AFTER_ROSTER, 0, "respondent", "E1"));
    ck_assert_str_eq(hh_entry_default(a, hh_question_find(HH_SCOPE_AFTER_ROSTER, "respondent"), 0, "E1", today),
                     "proxy"); /* a partial form with nobody on the roster: someone else answered */
    /* refused, then somebody answered after all: the refusal's consent and outcome go */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "refused");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "consent", "false");
    hh_answer_set(a, HH_SCOPE_VISIT, 1, "purpose", "registration");
    hh_answer_set(a, HH_SCOPE_VISIT, 1, "outcome", "refused");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "nobody-home");
    hh_entry_status_changed(a, "refused");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 1, "outcome"), "nobody-home");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "complete");
    hh_entry_status_changed(a, "nobody-home");
    ck_assert_ptr_null(hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "consent"));
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 1, "outcome"), "done");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "nobody-home");
    hh_answer_set_flag(a, "registration-visit", NULL); /* a later visit: done by default */
    ck_assert_str_eq(hh_entry_default(a, hh_question_find(HH_SCOPE_VISIT, "outcome"), 2, "E1", today), "done");
    hh_answer_set_flag(a, "mode", "edit");
    ck_assert(!SETTLED(a, HH_SCOPE_HOUSEHOLD, 0, "grid", "E1"));
    hh_answer_set_flag(a, "mode", NULL); /* a flag dropped */
    ck_assert_ptr_null(hh_answer_flag(a, "mode"));
    hh_answers_free(a);
#undef SETTLED

    static const char *const cases[][4] = { { "543-2-1601", "543", "2", "1601" },
                                            { "成飞512-548-1-101", "成飞512-548", "1", "101" } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out[3];
        ck_assert(hh_entry_split_address(cases[i][0], out));
        for (int k = 0; k < 3; k++) {
            ck_assert_str_eq(out[k], cases[i][k + 1]);
            free(out[k]);
        }
    }
    static const char *const whole[] = { "543", "成飞512-548", "-2-1601", "543--1601", "543-2-", "543-2" };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        char *out[3] = { NULL, NULL, NULL };
        ck_assert_msg(!hh_entry_split_address(whole[i], out) && !out[0], "%s", whole[i]);
    }
    hh_question q = *hh_question_find(HH_SCOPE_PERSON, "phone");
    ck_assert(hh_question_extra(&q));
    ck_assert(!hh_question_extra(hh_question_find(HH_SCOPE_HOUSEHOLD, "phone"))); /* PHONE-MISSING: asked */
}
END_TEST

/* The answers of form `xml` (`len` bytes, read as file `name`), as edit loads them. */
static hh_answers *answers_of(const char *xml, size_t len, const char *name)
{
    xmlDocPtr doc = hh_read_one_form(xml, len, name, NULL);
    ck_assert(doc != NULL);
    hh_household *h = hh_household_from_doc(doc);
    hh_answers *a = hh_answers_new();
    hh_answers_from_household(a, h);
    hh_household_free(h);
    xmlFreeDoc(doc);
    return a;
}

/* The sample household's answers, as edit loads them. */
static hh_answers *sample_answers(void)
{
    char *path = tu_src("samples/households/" SAMPLE_ID ".xml");
    size_t len;
    char *xml = tu_read_file(path, &len);
    hh_answers *a = answers_of(xml, len, path);
    free(xml);
    free(path);
    return a;
}

/* The questions of `scope` that diagnostics of rule `rule` in `d` concern, by key ("k1 k2 "). */
static char *concerned(const hh_diags *d, const char *rule, hh_q_scope scope, int index)
{
    hh_buf keys;
    hh_buf_init(&keys);
    size_t n;
    const hh_question *qs = hh_questions(scope, &n);
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->items[i].rule, rule) != 0)
            continue;
        hh_entry_item it;
        hh_entry_item_of(d->items[i].path, &it);
        for (size_t k = 0; k < n; k++)
            if (hh_entry_item_is(&it, &qs[k], index))
                hh_buf_printf(&keys, "%s ", qs[k].key);
    }
    return hh_buf_detach(&keys);
}

START_TEST(the_validator_s_diagnostics_lead_back_to_their_questions)
{
    hh_validator *v = hh_validator_new(tu_schemas());
    hh_answers *a = sample_answers();
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(v, a, false, -1, -1, &d);
    ck_assert_msg(d.errors == 0, "the sample household has %zu errors", d.errors);
    hh_diags_free(&d);

    /* a rule: the resident ID's check character, at person 1's document */
    char id[19];
    snprintf(id, sizeof id, "%s", hh_answer(a, HH_SCOPE_PERSON, 1, "document-number"));
    id[17] = id[17] == '0' ? '1' : '0';
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-number", id);
    hh_diags_init(&d);
    hh_entry_check(v, a, true, 1, 0, &d); /* as after person 1, with stand-ins */
    char *keys = concerned(&d, "ID-CHECKSUM", HH_SCOPE_PERSON, 1);
    ck_assert_msg(strstr(keys, "document-number ") && !strstr(keys, "name "), "ID-CHECKSUM concerns: %s", keys);
    free(keys);
    keys = concerned(&d, "ID-CHECKSUM", HH_SCOPE_PERSON, 2);
    ck_assert_str_eq(keys, "");
    free(keys);
    hh_diags_free(&d);

    /* the XSD: a street code that is not nine digits */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-number", hh_answer(a, HH_SCOPE_PERSON, 2, "document-number"));
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "street-code", "51010501X");
    hh_diags_init(&d);
    hh_entry_check(v, a, true, -1, -1, &d);
    keys = concerned(&d, "XSD-PATTERN", HH_SCOPE_HOUSEHOLD, 0);
    ck_assert_str_eq(keys, "street-code ");
    free(keys);
    hh_diags_free(&d);
    hh_answers_free(a);
    hh_validator_free(v);
}
END_TEST

/* The errors of the answers' form (with stand-ins) at `path`, by rule ("R1 R2 "). */
static char *errors_at(hh_validator *v, const hh_answers *a, const char *path)
{
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(v, a, true, -1, -1, &d);
    hh_buf rules;
    hh_buf_init(&rules);
    hh_buf_puts(&rules, "");
    for (size_t i = 0; i < d.n; i++)
        if (d.items[i].severity == HH_ERROR && strcmp(d.items[i].path, path) == 0)
            hh_buf_printf(&rules, "%s ", d.items[i].rule);
    hh_diags_free(&d);
    return hh_buf_detach(&rules);
}

/* Issue 17, 1: a yes to the low-income allowance is checked with a stand-in for
 * the month it began until that is asked, then stored with it. */
START_TEST(a_low_income_household_can_be_recorded)
{
    hh_validator *v = hh_validator_new(tu_schemas());
    hh_answers *a = sample_answers();
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "low-income", "true");
    const hh_question *since = hh_question_find(HH_SCOPE_HOUSEHOLD, "low-income-since");
    ck_assert(since && hh_question_applies(since, a, 0));
    char *rules = errors_at(v, a, "lowIncome/@since");
    ck_assert_msg(strcmp(rules, "") == 0, "a yes not yet followed by its month is refused: %s", rules);
    free(rules);
    rules = errors_at(v, a, "lowIncome");
    ck_assert_msg(strcmp(rules, "") == 0, "a yes not yet followed by its month is refused: %s", rules);
    free(rules);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "low-income-since", "2019-06");
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(v, a, false, -1, -1, &d);
    ck_assert_msg(d.errors == 0, "%zu errors with the month given", d.errors);
    hh_diags_free(&d);
    hh_answers_free(a);
    hh_validator_free(v);
}
END_TEST

/* As answers, a stored household of room 543-1-ROOM without persons, enumerated on
 * 2026-10-11 with `status`, its registration visit's outcome `outcome`. */
static hh_answers *stored_without_persons(const char *room, const char *status, const char *outcome)
{
    char *form = hh_xasprintf(
        "<household id=\"510105016003-03-0%s\" xmlns=\"urn:hhreg:household:1\"><address>"
        "<district code=\"510105\">青羊区</district><street code=\"510105016\">黄田坝街道</street>"
        "<community code=\"510105016003\">华兴社区</community><grid>3</grid><building>543</building>"
        "<unit>1</unit><room>%s</room></address><householdType>family</householdType>"
        "<dwellingType>apartment</dwellingType><enumeration enumerator=\"E0300\" date=\"2026-10-11\""
        " status=\"%s\"/><visit date=\"2026-10-11\" enumerator=\"E0300\" purpose=\"registration\""
        " outcome=\"%s\"/></household>\n",
        room, room, status, outcome);
    hh_answers *a = answers_of(form, strlen(form), "stored.xml");
    free(form);
    return a;
}

/* A household nobody was home at, found at home on the revisit: its answers (read
 * from the stored form, which has no respondent and no consent) made complete ask
 * for both in the rules' words, not as values of the wrong type. */
START_TEST(a_nobody_home_household_made_complete_is_asked_who_answered)
{
    hh_answers *a = stored_without_persons("901", "nobody-home", "nobody-home");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "complete");
    hh_entry_status_changed(a, "nobody-home");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 1, "outcome"), "done");
    hh_validator *v = hh_validator_new(tu_schemas());
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(v, a, false, -1, -1, &d);
    bool respondent = false, consent = false;
    for (size_t i = 0; i < d.n; i++) {
        ck_assert_msg(strncmp(d.items[i].rule, "XSD-", 4) != 0, "%s at %s: %s", d.items[i].rule, d.items[i].path,
                      d.items[i].msg_en);
        respondent |= strcmp(d.items[i].rule, "RESPONDENT-MISSING") == 0;
        consent |= strcmp(d.items[i].rule, "CONSENT-MISSING") == 0;
    }
    ck_assert(respondent && consent);
    hh_diags_free(&d);
    hh_validator_free(v);
    hh_answers_free(a);
}
END_TEST

/* While the household's first answers are typed (no member count yet), the form
 * with stand-ins passes the schema, so the rules run at each answer: the member
 * count's stand-in was "x", a type error that kept every rule from running until
 * the count was answered. */
START_TEST(the_rules_run_from_the_first_answer)
{
    hh_answers *a = hh_answers_new();
    static const char *const address[][2] = {
        { "district-code", "510105" }, { "district", "青羊区" }, { "street-code", "510106016" }, /* not the district's */
        { "street", "黄田坝街道" }, { "community-code", "510105016003" }, { "community", "华兴社区" }, { "grid", "3" },
    };
    for (size_t i = 0; i < sizeof address / sizeof address[0]; i++)
        hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, address[i][0], address[i][1]);
    hh_validator *v = hh_validator_new(tu_schemas());
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(v, a, true, -1, -1, &d);
    bool codes = false;
    for (size_t i = 0; i < d.n; i++) {
        ck_assert_msg(strncmp(d.items[i].rule, "XSD-", 4) != 0, "%s at %s: %s", d.items[i].rule, d.items[i].path,
                      d.items[i].msg_en);
        codes |= strcmp(d.items[i].rule, "ADDRESS-CODES") == 0;
    }
    ck_assert_msg(codes, "the street code of another district is not told at once");
    hh_diags_free(&d);
    hh_validator_free(v);
    hh_answers_free(a);
}
END_TEST

/* The same household edited on the revisit, days later: the door found shut stays on
 * record, the interview is today's visit and enumeration date; taken back in the same
 * edit, both go. */
START_TEST(a_revisit_in_an_edit_keeps_the_shut_door_and_dates_the_interview_today)
{
    hh_answers *a = stored_without_persons("901", "nobody-home", "nobody-home");
    hh_answer_set_flag(a, "mode", "edit");
    char today[11];
    hh_date_format(hh_date_today(), today);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "complete");
    hh_entry_status_changed(a, "nobody-home");
    ck_assert_int_eq(hh_answers_count(a, HH_SCOPE_VISIT), 2);
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 1, "outcome"), "nobody-home"); /* the shut door, as it was */
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 1, "date"), "2026-10-11");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 2, "date"), today);
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 2, "purpose"), "registration");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 2, "outcome"), "done");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 2, "enumerator"), "E0300");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date"), today);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "nobody-home"); /* taken back */
    hh_entry_status_changed(a, "complete");
    ck_assert_int_eq(hh_answers_count(a, HH_SCOPE_VISIT), 1);
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_VISIT, 1, "outcome"), "nobody-home");
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date"), "2026-10-11");
    /* partial made complete in an edit is the same interview finished: no revisit */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "partial");
    hh_entry_status_changed(a, "nobody-home"); /* a revisit, as above */
    ck_assert_int_eq(hh_answers_count(a, HH_SCOPE_VISIT), 2);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "complete");
    hh_entry_status_changed(a, "partial");
    ck_assert_int_eq(hh_answers_count(a, HH_SCOPE_VISIT), 2);
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date"), today);
    hh_answers_free(a);
    a = stored_without_persons("902", "partial", "done");
    hh_answer_set_flag(a, "mode", "edit");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "status", "complete");
    hh_entry_status_changed(a, "partial");
    ck_assert_int_eq(hh_answers_count(a, HH_SCOPE_VISIT), 1);
    ck_assert_str_eq(hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date"), "2026-10-11");
    hh_answers_free(a);
}
END_TEST

/* The keys of the questions rule `rule`'s first diagnostic involves ("k1 k2 "). */
static char *involved(hh_validator *v, const hh_answers *a, const char *rule)
{
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(v, a, true, -1, -1, &d);
    hh_buf keys;
    hh_buf_init(&keys);
    hh_buf_puts(&keys, "");
    for (size_t i = 0; i < d.n; i++) {
        if (strcmp(d.items[i].rule, rule) != 0)
            continue;
        hh_entry_target t[8];
        size_t n = hh_entry_involved(a, &d.items[i], t, 8);
        for (size_t k = 0; k < n; k++)
            hh_buf_printf(&keys, "%s%d.%s ", t[k].scope == HH_SCOPE_PERSON ? "p" : "h", t[k].index, t[k].q->key);
        break;
    }
    hh_diags_free(&d);
    return hh_buf_detach(&keys);
}

static void expect_involved(hh_validator *v, const hh_answers *a, const char *rule, const char *want)
{
    char *keys = involved(v, a, rule);
    ck_assert_msg(strcmp(keys, want) == 0, "%s involves \"%s\", not \"%s\"", rule, keys, want);
    free(keys);
}

/* Issue 17, 2: a problem comparing two items names both, so the worker may change
 * either: the item it is reported at first, then those the rule's <also> names. */
START_TEST(a_problem_of_two_items_names_both)
{
    hh_validator *v = hh_validator_new(tu_schemas());
    hh_answers *a = sample_answers();
    /* a birth date other than the resident ID's */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "birth-date", "2002-09-08");
    expect_involved(v, a, "ID-BIRTH", "p1.document-number p1.birth-date ");
    /* the ID's sex digit and the sex */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "birth-date", "2002-09-07");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "sex", strcmp(hh_answer(a, HH_SCOPE_PERSON, 1, "sex"), "male") ? "male" : "female");
    expect_involved(v, a, "ID-SEX", "p1.document-number p1.sex ");
    /* a head of eleven years */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-type", "none");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "birth-date", "2015-01-01");
    expect_involved(v, a, "HEAD-AGE", "p1.birth-date p1.relationship ");
    /* a foreign national said to be a registered resident */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "birth-date", "1980-01-01");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "nationality", "PAK");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-type", "passport");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-number", "AB1234567");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "residence", "registered-resident");
    expect_involved(v, a, "RESIDENCE-FOREIGN", "p1.residence p1.nationality ");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "residence", "foreign-resident");
    /* a foreign national without a document: the document's number, its type, the nationality */
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-type", "none");
    hh_answer_unset(a, HH_SCOPE_PERSON, 1, "document-number");
    expect_involved(v, a, "FOREIGN-DOCUMENT", "p1.document-type p1.nationality ");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-type", "passport");
    hh_answer_set(a, HH_SCOPE_PERSON, 1, "document-number", "AB1234567");
    /* a household id of another grid: the id, the community code and the grid */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "grid", "7");
    expect_involved(v, a, "HOUSEHOLD-ID-AREA", "h0.id h0.community-code h0.grid ");
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "grid", "3");
    /* a child as old as the head: the child's birth date, relationship, and the head's birth date */
    static const char *const child[][2] = { { "name", "B" }, { "relationship", "child" }, { "sex", "female" },
                                            { "birth-date", "1980-01-01" }, { "document-type", "passport" },
                                            { "document-number", "AB1234568" }, { "nationality", "PAK" },
                                            { "residence", "foreign-resident" } };
    for (size_t i = 0; i < sizeof child / sizeof child[0]; i++)
        hh_answer_set(a, HH_SCOPE_PERSON, 2, child[i][0], child[i][1]);
    expect_involved(v, a, "CHILD-AGE", "p2.birth-date p2.relationship p1.birth-date ");
    hh_answers_remove_item(a, HH_SCOPE_PERSON, 2);
    /* a visit after the enumeration date: the visit's date, and the household's */
    hh_answer_set(a, HH_SCOPE_VISIT, 1, "date", "2026-12-01");
    expect_involved(v, a, "VISIT-AFTER-ENUMERATION", "h1.date h0.enumeration-date ");
    hh_answer_set(a, HH_SCOPE_VISIT, 1, "date", hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date"));
    /* a problem of one item names that one */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "street-code", "51010501X");
    expect_involved(v, a, "XSD-PATTERN", "h0.street-code ");
    hh_answers_free(a);
    hh_validator_free(v);
}
END_TEST

/* Runs `sql` against the store at `db` with the store at `other` attached as "b"; a count. */
static long count_with(const char *db, const char *other, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char *attach = sqlite3_mprintf("ATTACH %Q AS b", other);
    ck_assert_msg(sqlite3_exec(h, attach, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
    sqlite3_free(attach);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

/* The text `sql` gives on the store at `db` (malloc'd). */
static char *sql_text(const char *db, const char *sql)
{
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st;
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
    ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
    char *text = hh_xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return text;
}

typedef struct saving {
    hh_store *store;
    hh_form_worker *worker;
    char *messages;
    size_t messages_len;
} saving;

/* Reads the answers' form and saves it into tu_store_db; the messages in s->messages. */
static hh_entry_saved save(saving *s, const hh_answers *a, int base, hh_form_result *form)
{
    hh_form_result_init(form);
    hh_entry_form(s->worker, a, "hhreg enter", form);
    free(s->messages);
    FILE *messages = open_memstream(&s->messages, &s->messages_len);
    hh_entry_save_options opt = { "E0300", HH_LANG_EN, messages, base, base == 0 };
    hh_entry_saved saved = hh_entry_save(s->store, tu_schemas(), form, &opt);
    fclose(messages);
    return saved;
}

START_TEST(a_typed_household_is_stored_as_its_file_would_be)
{
    saving s = { NULL, hh_form_worker_new(tu_schemas(), false), NULL, 0 };
    ck_assert(s.worker != NULL);
    hh_buf err;
    hh_buf_init(&err);
    ck_assert_msg(hh_store_open(tu_store_db, false, &s.store, &err) == 0, "%s", err.data);
    hh_answers *a = sample_answers();
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "phone", "13900001111");
    hh_form_result form;
    ck_assert_int_eq(save(&s, a, 0, &form), HH_ENTRY_STORED);
    ck_assert(form.household && strcmp(form.household->id, SAMPLE_ID) == 0);

    /* the same form, as entry used to store it: a file imported by hhreg */
    char *other = tu_path(tu_store_dir, "imported.db"), *file = tu_path(tu_store_dir, SAMPLE_ID ".xml");
    size_t len;
    char *xml = hh_entry_form_xml(a, false, -1, -1, &len);
    tu_write_file(file, xml, len);
    free(xml);
    tu_result r = tu_hhreg(NULL, NULL, "init", "--db", other, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "import", "--strict", "--db", other, "--enumerator", "E0300", file, NULL);
    ck_assert_msg(r.status == 0, "%s%s", r.out, r.err);
    tu_result_free(&r);
    hh_store_close(s.store); /* the comparison reads the file */
    static const char *const same[] = {
        "SELECT count(*) FROM (SELECT * FROM person EXCEPT SELECT * FROM b.person)",
        "SELECT count(*) FROM (SELECT * FROM b.person EXCEPT SELECT * FROM person)",
        "SELECT count(*) FROM (SELECT * FROM visit EXCEPT SELECT * FROM b.visit)",
        "SELECT count(*) FROM (SELECT * FROM form_warning EXCEPT SELECT * FROM b.form_warning)",
        "SELECT count(*) FROM (SELECT * FROM document EXCEPT SELECT * FROM b.document)",
        "SELECT count(*) FROM (SELECT actor, operation, household_id, revision, detail FROM audit EXCEPT "
        "SELECT actor, operation, household_id, revision, detail FROM b.audit)",
    };
    /* the revision, every column but when, from where and in which store it was stored */
    char *revision_equal = sql_text(tu_store_db, "SELECT 'SELECT count(*) FROM revision a, b.revision b WHERE ' "
                                                 "|| group_concat('a.' || name || ' IS b.' || name, ' AND ') "
                                                 "FROM pragma_table_info('revision') "
                                                 "WHERE name NOT IN ('stored_at', 'source', 'made_in')");
    ck_assert_int_eq(count_with(tu_store_db, other, "SELECT count(*) FROM revision"), 1);
    ck_assert_msg(count_with(tu_store_db, other, revision_equal) == 1, "the revisions differ: %s", revision_equal);
    free(revision_equal);
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        ck_assert_msg(count_with(tu_store_db, other, same[i]) == 0, "differs from the imported file: %s", same[i]);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM person"),
                     tu_sql_count(other, "SELECT count(*) FROM person"));
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'store' AND actor = "
                                               "'E0300' AND household_id = '" SAMPLE_ID "' AND revision = 1"), 1);
    /* named by where it came from (and the line of its household tag), not by a file */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE source = 'hhreg enter:2'"), 1);
    hh_form_result_free(&form);
    ck_assert(hh_store_open(tu_store_db, false, &s.store, &err) == 0);

    /* saved again: unchanged; changed from revision 1: revision 2 */
    ck_assert_int_eq(save(&s, a, 1, &form), HH_ENTRY_UNCHANGED);
    hh_form_result_free(&form);
    /* saved again as the new household it was begun as (a save that died after storing
     * it, resumed): unchanged, not taken */
    ck_assert_int_eq(save(&s, a, 0, &form), HH_ENTRY_UNCHANGED);
    hh_form_result_free(&form);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "phone", "13900002222");
    hh_entry_saved saved = save(&s, a, 1, &form);
    ck_assert_msg(saved == HH_ENTRY_REVISED, "saved as %d: %s", (int)saved, s.messages);
    hh_form_result_free(&form);
    /* another new household's form under its id (two drafts given one id): taken, nothing stored */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "phone", "13900004444");
    ck_assert_int_eq(save(&s, a, 0, &form), HH_ENTRY_CONFLICT);
    ck_assert_msg(strstr(s.messages, "[STORE-ID-TAKEN]") && !strstr(s.messages, "13900004444"), "%s", s.messages);
    hh_form_result_free(&form);
    /* an edit that began at revision 1 after revision 2 was stored: a conflict, nothing stored */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "phone", "13900003333");
    ck_assert_int_eq(save(&s, a, 1, &form), HH_ENTRY_CONFLICT);
    ck_assert_msg(strstr(s.messages, "[STORE-CONFLICT]") && !strstr(s.messages, "13900003333"), "%s", s.messages);
    hh_form_result_free(&form);
    /* an invalid form: refused with its errors, nothing stored */
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "street-code", "51010501X");
    ck_assert_int_eq(save(&s, a, 2, &form), HH_ENTRY_REFUSED);
    ck_assert(form.household == NULL && form.diags.errors > 0);
    ck_assert_msg(strstr(s.messages, "XSD-PATTERN"), "%s", s.messages);
    hh_form_result_free(&form);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision"), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE household_id IS NOT NULL"), 2);

    /* a connection whose first save is rolled back (a conflict) saves the next one:
     * the rollback took the repeat table's creation with it (as a server would meet it) */
    hh_store_close(s.store);
    ck_assert(hh_store_open(tu_store_db, false, &s.store, &err) == 0);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "street-code", "510105016");
    ck_assert_int_eq(save(&s, a, 1, &form), HH_ENTRY_CONFLICT);
    hh_form_result_free(&form);
    saved = save(&s, a, 2, &form);
    ck_assert_msg(saved == HH_ENTRY_REVISED, "saved as %d: %s", (int)saved, s.messages);
    hh_form_result_free(&form);

    hh_store_close(s.store);
    hh_form_worker_free(s.worker);
    free(s.messages);
    hh_answers_free(a);
    hh_buf_free(&err);
    free(other);
    free(file);
}
END_TEST

START_TEST(a_stored_household_is_read_through_the_library)
{
    char *file = tu_src("samples/households/" SAMPLE_ID ".xml");
    tu_result r = tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, file, NULL);
    ck_assert_int_eq(r.status, 0);
    tu_result_free(&r);
    hh_store *store;
    hh_buf err;
    hh_buf_init(&err);
    ck_assert(hh_store_open(tu_store_db, false, &store, &err) == 0);
    hh_household *h = NULL;
    int revision = 0;
    ck_assert_int_eq(hh_store_get_household(store, SAMPLE_ID, 0, &h, &revision, &err), 0);
    ck_assert_int_eq(revision, 1);
    /* the household of the file, item for item */
    size_t len;
    char *xml = tu_read_file(file, &len);
    xmlDocPtr doc = hh_read_one_form(xml, len, file, NULL);
    hh_household *expected = hh_household_from_doc(doc);
    hh_buf got, want;
    hh_buf_init(&got);
    hh_buf_init(&want);
    hh_household_json(&got, h);
    hh_household_json(&want, expected);
    ck_assert_str_eq(got.data, want.data);
    hh_household_free(h);
    h = NULL;
    /* no such household or revision: 1, nothing given */
    ck_assert_int_eq(hh_store_get_household(store, "510105016003-03-9999", 0, &h, &revision, &err), 1);
    ck_assert_int_eq(hh_store_get_household(store, SAMPLE_ID, 2, &h, &revision, &err), 1);
    ck_assert(h == NULL);
    hh_store_close(store);
    hh_buf_free(&got);
    hh_buf_free(&want);
    hh_buf_free(&err);
    hh_household_free(expected);
    xmlFreeDoc(doc);
    free(xml);
    free(file);
}
END_TEST

/* The command talks to libxml2 only through the library (which reads every form
 * with the reader's own options): no source of src/cli includes a libxml2 header. */
START_TEST(the_command_includes_no_libxml2_header)
{
    char *dir = tu_src("src/cli");
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "%s", dir);
    hh_buf found;
    hh_buf_init(&found);
    int sources = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 3 || (strcmp(e->d_name + n - 2, ".c") != 0 && strcmp(e->d_name + n - 2, ".h") != 0))
            continue;
        sources++;
        char *path = tu_path(dir, e->d_name);
        char *text = tu_read_file(path, NULL);
        for (const char *at = text; (at = strstr(at, "#include")) != NULL; at++) {
            const char *name = at + strlen("#include");
            while (*name == ' ' || *name == '\t')
                name++;
            if (strncmp(name, "<libxml/", 8) == 0 || strncmp(name, "\"libxml/", 8) == 0)
                hh_buf_printf(&found, " %s", e->d_name);
        }
        free(text);
        free(path);
    }
    closedir(d);
    ck_assert_msg(sources >= 10, "only %d sources in %s", sources, dir);
    ck_assert_msg(found.len == 0, "libxml2 headers included by src/cli/:%s", found.data);
    hh_buf_free(&found);
    free(dir);
}
END_TEST

Suite *make_entrylib_suite(void)
{
    Suite *s = suite_create("entrylib");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, tu_store_setup, tu_store_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, the_conditions_are_one_table_in_order);
    tcase_add_test(tc, a_long_list_is_searched_and_the_id_fills_sex_and_birth);
    tcase_add_test(tc, typed_text_becomes_an_answer_or_a_reason);
    tcase_add_test(tc, the_keyboard_s_full_width_forms_are_read_as_ascii);
    tcase_add_test(tc, each_question_offers_its_default);
    tcase_add_test(tc, the_address_carries_over_to_the_next_household);
    tcase_add_test(tc, the_context_settles_some_answers_and_the_address_is_typed_at_once);
    tcase_add_test(tc, a_diagnostic_path_names_its_item);
    tcase_add_test(tc, the_validator_s_diagnostics_lead_back_to_their_questions);
    tcase_add_test(tc, a_low_income_household_can_be_recorded);
    tcase_add_test(tc, typed_text_is_forgiven_and_normalised);
    tcase_add_test(tc, a_nobody_home_household_made_complete_is_asked_who_answered);
    tcase_add_test(tc, a_revisit_in_an_edit_keeps_the_shut_door_and_dates_the_interview_today);
    tcase_add_test(tc, the_rules_run_from_the_first_answer);
    tcase_add_test(tc, a_problem_of_two_items_names_both);
    tcase_add_test(tc, a_typed_household_is_stored_as_its_file_would_be);
    tcase_add_test(tc, a_stored_household_is_read_through_the_library);
    tcase_add_test(tc, the_command_includes_no_libxml2_header);
    tcase_add_test(tc, the_forms_of_answers_are_the_schemas_patterns);
    suite_add_tcase(s, tc);
    return s;
}
