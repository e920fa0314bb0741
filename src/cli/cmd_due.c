/* cmd_due.c — `hhreg due`: the grid worker's week, what is owed to each household
 * of the store (or of --area) today: the visits to special groups, revisits after
 * nobody was home, the month's milestones (due.h). One line each, by id and
 * address — no name, no phone — or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dates.h"
#include "due.h"
#include "store_review.h"

typedef struct due_args {
    const char *area;
    long days;
    unsigned groups;
    bool json;
    char bad;               /* the option refused: 'd' or 'g' */
    hhreg_date today;
    hh_lang lang;
    long listed;
    hh_json out;
    hh_store *store;
    hh_buf *err;
} due_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    due_args *a = st;
    switch (opt) {
    case 'a': a->area = arg; return 0;
    case 'j': a->json = true; return 0;
    case 'd':
        if (cli_number(arg, 0, 3650, &a->days))
            return 0;
        a->bad = 'd';
        return EXIT_USAGE;
    case 'g':
        a->groups |= hh_group_named(arg);
        if (hh_group_named(arg))
            return 0;
        a->bad = 'g';
        return EXIT_USAGE;
    }
    return EXIT_USAGE;
}

/* A group as the session's language says it: its --group name in English. */
static const char *group_label(const due_args *a, unsigned g)
{
    static const char *const zh[] = { "独居老人", "残疾人", "低保", "80岁以上", "境外人员" };
    for (unsigned i = 0; a->lang == HH_LANG_ZH && i < sizeof zh / sizeof zh[0]; i++)
        if (g == 1u << i)
            return zh[i];
    return hh_group_name(g);
}

/* The reasons, in the session's language, into `b`. */
static void reasons(const due_args *a, const hh_due *d, hh_buf *b)
{
    bool zh = a->lang == HH_LANG_ZH;
    if (d->visit) {
        hh_buf_puts(b, zh ? "应走访（" : "visit (");
        for (unsigned g = 1, first = 1; g <= HH_GROUPS_ALL; g <<= 1)
            if (d->groups & a->groups & g) {
                hh_buf_printf(b, "%s%s", first ? "" : zh ? "、" : ", ", group_label(a, g));
                first = 0;
            }
        if (d->last_visit)
            hh_buf_printf(b, zh ? "；上次 %s，%ld 天前）" : "; last %s, %ld days ago)", d->last_visit, d->days_since);
        else
            hh_buf_puts(b, zh ? "；从未走访）" : "; never visited)");
    }
    if (d->revisit)
        hh_buf_printf(b, "%s%s", b->len ? "; " : "", zh ? "无人在家，须再访" : "revisit: nobody was home");
    if (d->turns_80)
        hh_buf_printf(b, "%s%s", b->len ? "; " : "", zh ? "本月有人满80岁" : "a resident turns 80 this month");
    if (d->low_income_review)
        hh_buf_printf(b, "%s%s", b->len ? "; " : "", zh ? "低保年审" : "low-income allowance: yearly review");
    if (d->returned)
        hh_buf_printf(b, "%s%s", b->len ? "; " : "",
                      zh ? "表单被审核退回（见 hhreg review --returned）" : "form returned by review (see hhreg review --returned)");
}

static int each(const hh_current *c, void *arg)
{
    const hh_household *h = c->household;
    int revision = c->revision;
    due_args *a = arg;
    int returned = hh_review_is_returned(a->store, h->id, revision, a->err);
    if (returned < 0)
        return -1;
    hh_due d;
    if (!hh_due_of(h, a->today, (int)a->days, a->groups, returned, &d))
        return 0;
    a->listed++;
    if (a->json) {
        hh_due_json(&a->out, h, &d);
        return 0;
    }
    hh_buf why;
    hh_buf_init(&why);
    reasons(a, &d, &why);
    printf("%-22s %s-%s-%s  %s\n", h->id, h->building, h->unit, h->room, why.data);
    hh_buf_free(&why);
    return 0;
}

int cmd_due(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("due");
    static const struct option own[] = { { "area", required_argument, NULL, 'a' },
                                         { "days", required_argument, NULL, 'd' },
                                         { "group", required_argument, NULL, 'g' },
                                         { "json", no_argument, NULL, 'j' },
                                         { 0, 0, 0, 0 } };
    due_args a;
    memset(&a, 0, sizeof a);
    a.days = 30;
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    a.lang = c->lang; /* as --lang left it */
    if (a.bad == 'g')
        return cli_fail(cmd, cli_tr(c, "--group takes alone, disability, low-income, elderly-80 or foreign",
                                    "--group 可取 alone、disability、low-income、elderly-80 或 foreign"));
    if (a.bad == 'd')
        return cli_fail(cmd, cli_tr(c, "--days takes a number of days from 0 to 3650", "--days 应为 0 到 3650 之间的天数"));
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (!a.groups)
        a.groups = HH_GROUPS_ALL;
    a.today = hh_date_today();
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    hh_buf out, err;
    hh_buf_init(&out);
    hh_buf_init(&err);
    hh_json_init(&a.out, &out);
    hh_json_array(&a.out, NULL);
    a.store = s;
    a.err = &err;
    rc = hh_store_begin_read(s, &err);
    if (rc == 0)
        rc = hh_store_each_household(s, a.area, -1, false, each, &a, &err);
    hh_store_rollback(s);
    hh_json_end(&a.out);
    if (rc == 0 && a.json)
        printf("%s\n", out.data);
    else if (rc == 0 && a.listed == 0)
        printf("%s\n", cli_tr(c, "Nothing is due.", "没有到期事项。"));
    if (rc == 0 && a.listed == 0)
        cli_warn_unknown_area(c, cmd, s, a.area);
    if (rc)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&out);
    hh_buf_free(&err);
    hh_store_close(s);
    return rc ? EXIT_USAGE : EXIT_OK;
}
