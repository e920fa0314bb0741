/* cmd_show.c — `hhreg show ID`: one household as a grid worker reads it (items,
 * persons, visits, derived values, kept warnings), or the stored XML (--xml), or
 * JSON (--json). Derived values come from the core library, computed on the stored
 * form. */
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "cli.h"
#include "form_json.h"

typedef struct show_args {
    enum { AS_TEXT, AS_XML, AS_JSON } format;
    long revision;
} show_args;

static const char *L(hh_lang lang, const char *en, const char *zh)
{
    return lang == HH_LANG_ZH ? zh : en;
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static void print_person(const hh_person *p, const hh_person_derived *pd, hh_lang lang)
{
    printf("  %2d  %s  %s, %s, %s (%s %d, %s)\n", p->line, p->name, p->relationship, p->sex, p->birth_date,
           L(lang, "age", "年龄"), pd->age, hh_age_group_label(pd->age_group));
    printf("      %s %s %s; %s %s", L(lang, "document", "证件"), p->document_type, or_dash(p->document_number),
           L(lang, "nationality", "国籍"), p->nationality);
    if (p->ethnicity)
        printf(", %s", p->ethnicity);
    printf("; %s", p->residence);
    if (p->registered_in)
        printf(" (%s)", p->registered_in);
    printf("\n      %s %s, %s %s, %s %s\n", L(lang, "marital", "婚姻"), or_dash(p->marital_status),
           L(lang, "education ISCED", "受教育程度 ISCED"),
           p->education >= 0 ? (const char[]){ (char)('0' + p->education), 0 } : "-",
           L(lang, "activity", "从业"), or_dash(p->activity));
    if (p->functioning[0]) {
        printf("      %s", L(lang, "functioning", "功能"));
        for (int d = 0; d < HH_WG_DOMAINS; d++)
            printf(" %s=%d", hh_wg_domain_names[d], p->functioning[d]);
        printf("\n");
    }
    if (p->certificate_type)
        printf("      %s %s, %s %d\n", L(lang, "disability certificate", "残疾人证"), p->certificate_type,
               L(lang, "grade", "等级"), p->certificate_grade);
    if (pd->disabled || pd->elderly60)
        printf("      %s%s%s\n", pd->elderly65 ? L(lang, "[65+] ", "[65岁以上] ") : pd->elderly60 ? L(lang, "[60+] ", "[60岁以上] ") : "",
               pd->disabled ? L(lang, "[disability] ", "[残疾] ") : "", "");
    if (p->phone || p->languages)
        printf("      %s %s, %s %s\n", L(lang, "phone", "电话"), or_dash(p->phone), L(lang, "languages", "语言"),
               or_dash(p->languages));
    if (p->notes)
        printf("      %s %s\n", L(lang, "notes", "备注"), p->notes);
}

static void print_warning(const char *rule, const char *path, const char *en, const char *zh, void *arg)
{
    hh_lang lang = *(hh_lang *)arg;
    printf("  [%s] %s: %s\n", rule, path, lang == HH_LANG_ZH ? zh : en);
}

static void print_text(hh_store *s, const hh_household *h, int revision, hh_lang lang)
{
    hh_household_derived hd;
    hh_person_derived *pd = calloc(h->n_persons ? h->n_persons : 1, sizeof *pd);
    hh_derive(h, &hd, pd);
    printf("%s %s (%s %d)\n", L(lang, "Household", "户"), h->id, L(lang, "revision", "版本"), revision);
    printf("  %s %s %s %s, %s %d, %s%s%s %s, %s %s, %s %s\n", L(lang, "address", "地址"), h->district, h->street,
           h->community, L(lang, "grid", "网格"), h->grid, h->estate ? h->estate : "", h->estate ? " " : "",
           L(lang, "building", "楼栋"), h->building, L(lang, "unit", "单元"), h->unit, L(lang, "room", "室"), h->room);
    printf("  %s %s, %s, %s", L(lang, "type", "类型"), h->household_type, h->dwelling_type, h->tenure);
    if (h->floor_area >= 0)
        printf(", %.1f m²", h->floor_area);
    printf("\n  %s %s, %s %s\n", L(lang, "phone", "电话"), or_dash(h->phone), L(lang, "preferred language", "首选语言"),
           h->preferred_language);
    printf("  %s %s%s%s, %s %s\n", L(lang, "low-income allowance", "低保"), h->low_income ? L(lang, "yes", "是") : L(lang, "no", "否"),
           h->low_income_since ? L(lang, " since ", "，起始于 ") : "", h->low_income_since ? h->low_income_since : "",
           L(lang, "extreme hardship", "特困供养"), h->extreme_hardship ? L(lang, "yes", "是") : L(lang, "no", "否"));
    if (h->needs)
        printf("  %s %s\n", L(lang, "needs", "需求"), h->needs);
    printf("  %s %s %s %s, %s, %s %s, %s %s\n", L(lang, "enumerated", "登记"), h->enumeration_date,
           L(lang, "by", "登记员"), h->enumerator, h->enumeration_status, L(lang, "respondent", "受访人"), h->respondent,
           L(lang, "consent", "同意"), h->consent ? L(lang, "yes", "是") : L(lang, "no", "否"));
    printf("  %s: %s %d; 60+ %d; 65+ %d; %s %d%s%s%s\n", L(lang, "derived", "派生"), L(lang, "size", "人数"), hd.size,
           hd.elderly60, hd.elderly65, L(lang, "with disability", "残疾人"), hd.disabled,
           hd.living_alone ? L(lang, "; elderly living alone", "；独居老人") : "",
           hd.empty_nest && !hd.living_alone ? L(lang, "; empty nest", "；空巢") : "",
           hd.low_income ? L(lang, "; low-income household", "；低保户") : "");
    printf("%s\n", L(lang, "Persons", "人员"));
    for (size_t i = 0; i < h->n_persons; i++)
        print_person(&h->persons[i], &pd[i], lang);
    if (h->n_visits)
        printf("%s\n", L(lang, "Visits", "走访"));
    for (size_t i = 0; i < h->n_visits; i++) {
        const hh_visit *v = &h->visits[i];
        printf("  %s %s %s %s%s%s\n", v->date, v->enumerator, v->purpose, v->outcome, v->note ? "  " : "",
               v->note ? v->note : "");
    }
    hh_buf err;
    hh_buf_init(&err);
    printf("%s\n", L(lang, "Warnings kept with this revision", "本版本保留的警告"));
    hh_store_warnings(s, h->id, revision, print_warning, &lang, &err);
    hh_buf_free(&err);
    free(pd);
}

static int own_option(int opt, const char *arg, void *st)
{
    show_args *a = st;
    switch (opt) {
    case 'x': a->format = AS_XML; return 0;
    case 'j': a->format = AS_JSON; return 0;
    case 'r':
        if (!cli_number(arg, 1, 1000000, &a->revision))
            return cli_fail(cli_find_command("show"), "--revision takes a revision number (1, 2, ...)");
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
    rc = hh_store_get_xml(s, argv[rest], (int)a.revision, &xml, &len, &revision, &err);
    if (rc < 0) {
        cli_fail(cmd, "%s", err.data);
    } else if (rc > 0) {
        fprintf(stderr, "hhreg show: no household %s%s in %s\n", argv[rest], a.revision ? " with that revision" : "",
                c->db_path);
    } else if (a.format == AS_XML) {
        fwrite(xml, 1, len, stdout);
        if (len && xml[len - 1] != '\n')
            putchar('\n');
    } else {
        /* the stored form passed validation; it is read the one way check reads it */
        xmlDocPtr doc = hh_store_parse_form(xml, len, argv[rest]);
        hh_household *h = doc ? hh_household_from_doc(doc) : NULL;
        if (!h) {
            rc = -1;
            cli_fail(cmd, "the stored form of %s cannot be read; run 'hhreg check'", argv[rest]);
        } else if (a.format == AS_JSON) {
            hh_buf out;
            hh_buf_init(&out);
            hh_household_json(&out, h);
            printf("%s\n", out.data);
            hh_buf_free(&out);
        } else {
            print_text(s, h, revision, c->lang);
        }
        hh_household_free(h);
        xmlFreeDoc(doc);
    }
    free(xml);
    hh_buf_free(&err);
    hh_store_close(s);
    return rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
