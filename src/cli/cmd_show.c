/* cmd_show.c — `hhreg show ID`: one household as a grid worker reads it (items,
 * persons, visits, derived values, kept warnings), or the stored XML (--xml), or
 * JSON (--json). Derived values come from the core library, computed on the stored
 * form. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "code_labels.h"
#include "form_json.h"
#include "items.h"

typedef struct show_args {
    enum { AS_TEXT, AS_XML, AS_JSON } format;
    long revision;
} show_args;

/* --- the items, laid out from the item dictionary --------------------------------
 * Each line of the text layout is a template naming items by their key in items.def;
 * the value, whether it is given and how it is written come from the item's row:
 *   {key}     the value: text as is, a number, "yes"/"no" (是/否) for a boolean,
 *             a floor area with one decimal; nothing when not given
 *   {key|-}   the same, "-" when not given (or empty)
 *   {key:2}   a number right-aligned in 2 columns
 *   [ ... ]   printed only when one of the items inside is given
 * The layout is the one thing here that names items: how a household is read aloud
 * to a grid worker is a choice, not something the table can know. Values that are
 * not items (the revision, derived values) are printed by hand around it. */

typedef struct layout_line {
    const char *en, *zh;
} layout_line;

static const layout_line household_layout[] = {
    { "  address {district} {street} {community}, grid {grid}, [{estate} ]building {building}, unit {unit}, room "
      "{room}\n",
      "  地址 {district} {street} {community}, 网格 {grid}, [{estate} ]楼栋 {building}, 单元 {unit}, 室 {room}\n" },
    { "  type {household-type}, {dwelling-type}, {tenure|-}[, {floor-area} m²]\n",
      "  类型 {household-type}, {dwelling-type}, {tenure|-}[, {floor-area} m²]\n" },
    { "  phone {phone|-}, preferred language {language}\n", "  电话 {phone|-}, 首选语言 {language}\n" },
    { "  low-income allowance {low-income|-}[ since {low-income-since}], extreme hardship {extreme-hardship|-}\n",
      "  低保 {low-income|-}[，起始于 {low-income-since}], 特困供养 {extreme-hardship|-}\n" },
    { "[  needs {needs}\n]", "[  需求 {needs}\n]" },
    { "  enumerated {enumeration-date} by {enumerator}, {status}, respondent {respondent|-}, consent {consent|-}\n",
      "  登记 {enumeration-date} 登记员 {enumerator}, {status}, 受访人 {respondent|-}, 同意 {consent|-}\n" },
};

/* A person's lines come in three parts, with derived values printed between them. */
static const layout_line person_head = { "  {line:2}  {name}  {relationship}, {sex}, {birth-date}",
                                         "  {line:2}  {name}  {relationship}, {sex}, {birth-date}" };
static const layout_line person_layout[] = {
    { "      document {document-type} {document-number|-}; nationality {nationality}[, {ethnicity}]; "
      "{residence}[ ({registered-in})]\n",
      "      证件 {document-type} {document-number|-}; 国籍 {nationality}[, {ethnicity}]; {residence}[ "
      "({registered-in})]\n" },
    { "      marital {marital-status|-}, education ISCED {education|-}, activity {activity|-}\n",
      "      婚姻 {marital-status|-}, 受教育程度 {education|-}, 从业 {activity|-}\n" },
    { "[      functioning seeing={seeing} hearing={hearing} walking={walking} cognition={cognition} "
      "selfCare={self-care} communication={communication}\n]",
      "[      功能 视力={seeing} 听力={hearing} 行走={walking} 认知={cognition} "
      "自理={self-care} 交流={communication}\n]" },
    { "[      disability certificate {certificate-type}, grade {certificate-grade}\n]",
      "[      残疾人证 {certificate-type}, 等级 {certificate-grade}\n]" },
};
static const layout_line person_tail[] = {
    { "[      phone {phone|-}, languages {languages|-}\n]", "[      电话 {phone|-}, 语言 {languages|-}\n]" },
    { "[      notes {notes}\n]", "[      备注 {notes}\n]" },
};
static const layout_line visit_layout = { "  {date} {enumerator} {purpose} {outcome}[  {note}]\n",
                                          "  {date} {enumerator} {purpose} {outcome}[  {note}]\n" };

/* The item named at `*t` (just after its '{'); *t is moved past the '}', *dash and
 * *width set from "|-" and ":N". The layout is ours: a key that is not an item of
 * `scope` is a mistake the text suite finds (the line is printed without it). */
static const hh_item *placeholder_item(hh_item_scope scope, const char **t, bool *dash, int *width)
{
    const char *end = strchr(*t, '}');
    size_t n = strcspn(*t, "|:}");
    char key[40];
    snprintf(key, sizeof key, "%.*s", (int)n, *t);
    *dash = (*t)[n] == '|';
    *width = (*t)[n] == ':' ? atoi(*t + n + 1) : 0;
    *t = end + 1;
    return hh_item_find(scope, key);
}

/* The code lists' Chinese labels, loaded by cmd_show for --lang zh (else NULL). */
static hh_code_labels *zh_labels;

/* Item `it` of `record` as show writes it, or NULL when it is not given: a code by
 * its Chinese label with --lang zh (the code itself when the list has none). */
static const char *item_text(const hh_item *it, const void *record, int width, hh_lang lang, char *buf, size_t size)
{
    if (!hh_item_given(it, record))
        return NULL;
    const void *at = hh_item_at(it, record);
    if (zh_labels && it->code_list && (it->ctype == HH_ITEM_C_STR || it->ctype == HH_ITEM_C_INT)) {
        char code[16];
        if (it->ctype == HH_ITEM_C_INT)
            snprintf(code, sizeof code, "%d", *(const int *)at);
        const char *label =
            hh_code_label(zh_labels, it->code_list, it->ctype == HH_ITEM_C_INT ? code : *(char *const *)at, "zh");
        if (label)
            return label;
    }
    switch (it->ctype) {
    case HH_ITEM_C_STR: return *(char *const *)at;
    case HH_ITEM_C_INT: snprintf(buf, size, "%*d", width, *(const int *)at); return buf;
    case HH_ITEM_C_REAL: snprintf(buf, size, "%.1f", *(const double *)at); return buf;
    case HH_ITEM_C_BOOL: return *(const int *)at ? hh_text(lang, "yes", "是") : hh_text(lang, "no", "否");
    }
    return NULL;
}

/* Whether an optional group (the text after its '[') holds an item that is given. */
static bool group_given(hh_item_scope scope, const char *t, const void *record)
{
    const char *end = strchr(t, ']');
    for (const char *k = strchr(t, '{'); k && k < end; k = strchr(k, '{')) {
        k++;
        bool dash;
        int width;
        const hh_item *it = placeholder_item(scope, &k, &dash, &width);
        if (it && hh_item_given(it, record))
            return true;
    }
    return false;
}

static void print_layout(const layout_line *line, hh_item_scope scope, const void *record, hh_lang lang)
{
    for (const char *t = hh_text(lang, line->en, line->zh); *t;) {
        if (*t == '[') {
            t = group_given(scope, t + 1, record) ? t + 1 : strchr(t, ']') + 1;
        } else if (*t == ']') {
            t++;
        } else if (*t == '{') {
            t++;
            bool dash;
            int width;
            char buf[32];
            const hh_item *it = placeholder_item(scope, &t, &dash, &width);
            const char *v = it ? item_text(it, record, width, lang, buf, sizeof buf) : NULL;
            fputs(v && *v ? v : dash ? "-" : v ? v : "", stdout);
        } else {
            size_t n = strcspn(t, "[]{");
            fwrite(t, 1, n, stdout);
            t += n;
        }
    }
}

static void print_layouts(const layout_line *lines, size_t n, hh_item_scope scope, const void *record, hh_lang lang)
{
    for (size_t i = 0; i < n; i++)
        print_layout(&lines[i], scope, record, lang);
}

static void print_person(const hh_person *p, const hh_person_derived *pd, hh_lang lang)
{
    print_layout(&person_head, HH_ITEM_PERSON, p, lang);
    printf(" (%s %d, %s)\n", hh_text(lang, "age", "年龄"), pd->age, hh_age_group_label(pd->age_group));
    print_layouts(person_layout, sizeof person_layout / sizeof person_layout[0], HH_ITEM_PERSON, p, lang);
    if (pd->disabled || pd->elderly60)
        printf("      %s%s%s\n", pd->elderly65 ? hh_text(lang, "[65+] ", "[65岁以上] ") : pd->elderly60 ? hh_text(lang, "[60+] ", "[60岁以上] ") : "",
               pd->disabled ? hh_text(lang, "[disability] ", "[残疾] ") : "", "");
    print_layouts(person_tail, sizeof person_tail / sizeof person_tail[0], HH_ITEM_PERSON, p, lang);
}

typedef struct warnings_printed {
    hh_lang lang;
    size_t n;
} warnings_printed;

static void print_warning(const char *rule, const char *path, const char *en, const char *zh, void *arg)
{
    warnings_printed *w = arg;
    w->n++;
    printf("  [%s] %s: %s\n", rule, path, w->lang == HH_LANG_ZH ? zh : en);
}

/* "  none" under a heading with nothing below it (a household nobody was home at). */
static void print_none(hh_lang lang)
{
    printf("  %s\n", hh_text(lang, "none", "无"));
}

static void print_text(hh_store *s, const hh_household *h, int revision, hh_lang lang)
{
    hh_household_derived hd;
    hh_person_derived *pd = calloc(h->n_persons ? h->n_persons : 1, sizeof *pd);
    hh_derive(h, &hd, pd);
    printf("%s %s (%s %d)\n", hh_text(lang, "Household", "户"), h->id, hh_text(lang, "revision", "版本"), revision);
    print_layouts(household_layout, sizeof household_layout / sizeof household_layout[0], HH_ITEM_HOUSEHOLD, h, lang);
    printf("  %s: %s %d; 60+ %d; 65+ %d; %s %d%s%s%s\n", hh_text(lang, "derived", "派生"), hh_text(lang, "size", "人数"), hd.size,
           hd.elderly60, hd.elderly65, hh_text(lang, "with disability", "残疾人"), hd.disabled,
           hd.living_alone ? hh_text(lang, "; elderly living alone", "；独居老人") : "",
           hd.empty_nest && !hd.living_alone ? hh_text(lang, "; empty nest", "；空巢") : "",
           hd.low_income ? hh_text(lang, "; low-income household", "；低保户") : "");
    printf("%s\n", hh_text(lang, "Persons", "人员"));
    if (!h->n_persons)
        print_none(lang);
    for (size_t i = 0; i < h->n_persons; i++)
        print_person(&h->persons[i], &pd[i], lang);
    if (h->n_visits)
        printf("%s\n", hh_text(lang, "Visits", "走访"));
    for (size_t i = 0; i < h->n_visits; i++)
        print_layout(&visit_layout, HH_ITEM_VISIT, &h->visits[i], lang);
    if (h->n_logged)
        printf("%s\n", hh_text(lang, "Visits since (the visit log; not part of the form)", "此后的走访（走访记录，不属于本表）"));
    for (size_t i = 0; i < h->n_logged; i++)
        print_layout(&visit_layout, HH_ITEM_VISIT, &h->logged[i], lang);
    hh_buf err;
    hh_buf_init(&err);
    printf("%s\n", hh_text(lang, "Warnings kept with this revision", "本版本保留的警告"));
    warnings_printed w = { lang, 0 };
    if (hh_store_warnings(s, h->id, revision, print_warning, &w, &err) != 0)
        fprintf(stderr, "hhreg show: %s\n", err.data ? err.data : "");
    else if (!w.n)
        print_none(lang);
    hh_buf_free(&err);
    free(pd);
}

/* The tombstone of a deleted household, from its history (the current revision's row). */
typedef struct tombstone {
    char *at, *reason;
} tombstone;

static void keep_tombstone(const hh_revision_info *r, void *arg)
{
    tombstone *t = arg;
    if (r->revision == r->current_revision && r->deleted_at) {
        t->at = hh_xstrdup(r->deleted_at);
        t->reason = hh_xstrdup(r->delete_reason ? r->delete_reason : "");
    }
}

static void print_deleted(const tombstone *t, hh_lang lang)
{
    printf("%s %s: %s\n%s\n", hh_text(lang, "DELETED on", "已删除，时间"), t->at, t->reason,
           hh_text(lang, "  (kept as history; 'hhreg undelete' makes it current again)",
             "  （作为历史保留；可用 hhreg undelete 恢复）"));
}

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    show_args *a = st;
    switch (opt) {
    case 'x': a->format = AS_XML; return 0;
    case 'j': a->format = AS_JSON; return 0;
    case 'r':
        if (!cli_number(arg, 1, 1000000, &a->revision))
            return cli_fail(cli_find_command("show"), cli_tr(c, "--revision takes a revision number (1, 2, ...)", "--revision 取版本号（1、2……）"));
        return 0;
    }
    return EXIT_USAGE;
}

int cmd_show(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("show");
    static const struct option own[] = { { "xml", no_argument, NULL, 'x' },
                                         { "json", no_argument, NULL, 'j' },
                                         { "revision", required_argument, NULL, 'r' },
                                         { 0, 0, 0, 0 } };
    show_args a = { AS_TEXT, 0 };
    static const cli_spec spec = { own, NULL, own_option, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    char *xml = NULL;
    size_t len = 0;
    int revision = 0;
    hh_buf err;
    hh_buf_init(&err);
    hh_household *h = NULL; /* the stored form, read the one way check reads it */
    char *id = NULL;
    int found = cli_household_ref(c, cmd, s, argv[rest], &id);
    if (found) {
        hh_store_close(s);
        hh_buf_free(&err);
        return found;
    }
    rc = a.format == AS_XML ? hh_store_get_xml(s, id, (int)a.revision, &xml, &len, &revision, &err)
                            : hh_store_get_household(s, id, (int)a.revision, &h, &revision, &err);
    tombstone t = { NULL, NULL };
    if (rc == 0 && a.format != AS_XML && hh_store_history(s, id, keep_tombstone, &t, &err) < 0)
        rc = -1;
    if (rc < 0) {
        cli_fail(cmd, "%s", err.data);
    } else if (rc > 0) {
        fprintf(stderr, c->lang == HH_LANG_ZH ? "hhreg show：住户 %s 没有该版本（%s）\n"
                                              : "hhreg show: household %s has no such revision in %s\n",
                id, c->db_path);
    } else if (a.format == AS_XML) {
        fwrite(xml, 1, len, stdout);
        if (len && xml[len - 1] != '\n')
            putchar('\n');
    } else {
        if (a.format == AS_JSON) {
            hh_buf out;
            hh_buf_init(&out);
            hh_household_json(&out, h);
            /* a deleted household carries its tombstone first: {"deleted":{...},...} */
            if (t.at) {
                hh_buf head;
                hh_buf_init(&head);
                hh_json j;
                hh_json_init(&j, &head);
                hh_json_object(&j, NULL);
                hh_json_str(&j, "at", t.at);
                hh_json_str(&j, "reason", t.reason);
                hh_json_end(&j);
                printf("{\"deleted\":%s,%s\n", head.data, out.data + 1);
                hh_buf_free(&head);
            } else {
                printf("%s\n", out.data);
            }
            hh_buf_free(&out);
        } else {
            if (c->lang == HH_LANG_ZH) {
                char *xsd = hh_xasprintf("%s/household-1.xsd", c->schema_dir ? c->schema_dir : hh_default_schema_dir());
                zh_labels = hh_code_labels_load(xsd, &err); /* without them, the codes */
                free(xsd);
            }
            if (t.at)
                print_deleted(&t, c->lang);
            print_text(s, h, revision, c->lang);
            hh_code_labels_free(zh_labels);
            zh_labels = NULL;
        }
    }
    hh_household_free(h);
    free(id);
    free(xml);
    free(t.at);
    free(t.reason);
    hh_buf_free(&err);
    hh_store_close(s);
    return rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
