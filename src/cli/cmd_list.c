/* cmd_list.c — `hhreg list`: the current households, one line each, with flags for
 * the groups a grid worker looks after. */
#include <string.h>

#include "cli.h"
#include "form_json.h"

typedef struct list_args {
    const char *area;
    bool all, json;
    long rows;
    hh_buf out;
    hh_json rows_json;      /* array elements, written into `out` */
    hh_lang lang;
} list_args;

static void flags(const hh_list_row *r, char out[8])
{
    int n = 0;
    if (r->living_alone)
        out[n++] = 'A';
    if (r->empty_nest && !r->living_alone)
        out[n++] = 'E';
    if (r->disabled)
        out[n++] = 'D';
    if (r->low_income)
        out[n++] = 'L';
    if (r->foreign)
        out[n++] = 'F';
    if (r->deleted)
        out[n++] = 'X';
    if (r->conflict)
        out[n++] = 'C';
    if (!n)
        out[n++] = '-';
    out[n] = '\0';
}

static void print_row(const hh_list_row *r, void *arg)
{
    list_args *a = arg;
    char f[8];
    flags(r, f);
    if (a->json) {
        hh_list_row_json(&a->rows_json, r);
    } else {
        printf("%-22s %-6s %-4s %-6s %4d %4d  %s\n", r->id, r->building, r->unit, r->room, r->size,
               r->revision, f);
    }
    a->rows++;
}

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    list_args *a = st;
    switch (opt) {
    case 'a': a->area = arg; return 0;
    case 'A': a->all = true; return 0;
    case 'j': a->json = true; return 0;
    }
    return EXIT_USAGE;
}

int cmd_list(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("list");
    static const struct option own[] = { { "area", required_argument, NULL, 'a' },
                                         { "all", no_argument, NULL, 'A' },
                                         { "json", no_argument, NULL, 'j' },
                                         { 0, 0, 0, 0 } };
    list_args a;
    memset(&a, 0, sizeof a);
    a.lang = c->lang;
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    hh_buf_init(&a.out);
    hh_json_init(&a.rows_json, &a.out);
    hh_buf err;
    hh_buf_init(&err);
    if (!a.json)
        printf("%-22s %-6s %-4s %-6s %4s %4s  %s\n",
               c->lang == HH_LANG_ZH ? "户编号" : "ID", c->lang == HH_LANG_ZH ? "楼栋" : "BLDG",
               c->lang == HH_LANG_ZH ? "单元" : "UNIT", c->lang == HH_LANG_ZH ? "室" : "ROOM",
               c->lang == HH_LANG_ZH ? "人数" : "SIZE", c->lang == HH_LANG_ZH ? "版本" : "REV",
               c->lang == HH_LANG_ZH ? "标记（A 独居老人 E 空巢 D 残疾 L 低保 F 外籍 X 已删除 C 合并冲突）"
                                     : "FLAGS (A alone 60+, E empty nest, D disability, L low income, F foreign,"
                                       " X deleted, C conflict)");
    rc = hh_store_list(s, a.area, a.all ? HH_LIST_ALL : HH_LIST_CURRENT_OR_IN_CONFLICT, print_row, &a, &err);
    if (rc == 0 && a.json)
        printf("[%s]\n", a.out.data);
    if (rc == 0 && a.rows == 0)
        cli_warn_unknown_area(c, cmd, s, a.area);
    if (rc)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&err);
    hh_buf_free(&a.out);
    hh_store_close(s);
    return rc ? EXIT_USAGE : EXIT_OK;
}
