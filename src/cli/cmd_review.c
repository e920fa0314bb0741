/* cmd_review.c — `hhreg review`: the supervisor's review of a local store
 * (store_review.h). Without an ID, the queue: the households whose current form
 * waits for review (--returned: those returned to the enumerator, with why), by id
 * and address, never a name. With an ID, a decision on its current revision:
 * --approve, or --return with a comment on the form (--comment) and on items
 * (--item PATH=TEXT, the paths `validate` prints). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store_review.h"

#define MAX_ITEMS 64

typedef struct review_args {
    const char *area, *comment;
    long revision;
    int decision;           /* HH_REVIEW_APPROVED, HH_REVIEW_RETURNED, or 0: list */
    bool returned, json, both, bad_item, bad_revision, too_many;
    hh_review_note notes[MAX_ITEMS];
    size_t n_notes;
    hh_lang lang;
    long listed;
    hh_json out;
} review_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    review_args *a = st;
    switch (opt) {
    case 'a': a->area = arg; return 0;
    case 'c': a->comment = arg; return 0;
    case 'j': a->json = true; return 0;
    case 'R': a->returned = true; return 0;
    case 'A':
    case 'B':
        a->both |= a->decision != 0;
        a->decision = opt == 'A' ? HH_REVIEW_APPROVED : HH_REVIEW_RETURNED;
        return 0;
    case 'r':
        a->bad_revision = !cli_number(arg, 1, 1000000, &a->revision);
        return a->bad_revision ? EXIT_USAGE : 0;
    case 'i': {
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg || !eq[1]) {
            a->bad_item = true;
            return EXIT_USAGE;
        }
        if (a->n_notes == MAX_ITEMS) {
            a->too_many = true;
            return EXIT_USAGE;
        }
        /* the option's own text, split: freed with the args */
        hh_review_note *n = &a->notes[a->n_notes++];
        n->path = hh_xstrndup(arg, (size_t)(eq - arg));
        n->comment = hh_xstrdup(eq + 1);
        return 0;
    }
    }
    return EXIT_USAGE;
}

static void print_row(const hh_review_row *row, void *arg)
{
    review_args *a = arg;
    a->listed++;
    if (a->json) {
        hh_review_row_json(&a->out, row);
        return;
    }
    const hh_review *r = row->review;
    /* what people typed goes to the terminal as text, never as its control sequences */
    hh_buf line;
    hh_buf_init(&line);
    hh_buf_printf(&line, "%-22s %s-%s-%s  r%d  ", row->id, row->building, row->unit, row->room, row->revision);
    hh_buf_put_printable(&line, row->enumerator);
    hh_buf_printf(&line, " %s\n", row->stored_at);
    if (r->state == HH_REVIEW_RETURNED)
        hh_review_text(&line, r, a->lang, "    ");
    fputs(line.data, stdout);
    hh_buf_free(&line);
}

static int list(cli *c, const command *cmd, hh_store *s, review_args *a)
{
    hh_buf out, err;
    hh_buf_init(&out);
    hh_buf_init(&err);
    hh_json_init(&a->out, &out);
    hh_json_array(&a->out, NULL);
    int rc = hh_store_begin_read(s, &err);
    if (rc == 0)
        rc = hh_review_each(s, a->area, a->returned ? HH_REVIEW_RETURNED : HH_REVIEW_SUBMITTED, print_row, a, &err);
    hh_store_rollback(s);
    hh_json_end(&a->out);
    if (rc == 0 && a->json)
        printf("%s\n", out.data);
    else if (rc == 0 && a->listed == 0)
        printf("%s\n", a->returned ? cli_tr(c, "No form is returned.", "没有被退回的表单。")
                                   : cli_tr(c, "No form waits for review.", "没有待审核的表单。"));
    if (rc == 0 && a->listed == 0)
        cli_warn_unknown_area(c, cmd, s, a->area);
    if (rc)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&out);
    hh_buf_free(&err);
    return rc ? EXIT_USAGE : EXIT_OK;
}

static int decide(cli *c, const command *cmd, hh_store *s, review_args *a, const char *ref)
{
    char *id = NULL;
    int rc = cli_household_named(c, cmd, s, ref, &id); /* a decision changes the household */
    if (rc)
        return rc;
    hh_buf err;
    hh_buf_init(&err);
    hh_decide_result result = hh_review_decide(s, id, (int)a->revision, (hh_review_state)a->decision, a->comment,
                                               a->notes, a->n_notes, c->actor, c->lang, NULL, &err);
    if (result == HH_DECIDED && a->decision == HH_REVIEW_APPROVED)
        printf(cli_tr(c, "household %s approved\n", "住户 %s 已审核通过\n"), id);
    else if (result == HH_DECIDED)
        printf(cli_tr(c, "household %s returned to its enumerator with %zu item comment(s)\n",
                      "住户 %s 已退回给普查员，附 %zu 条项目意见\n"),
               id, a->n_notes);
    else
        fprintf(stderr, "hhreg review: %s\n", err.data);
    hh_buf_free(&err);
    free(id);
    return result == HH_DECIDED ? EXIT_OK : result == HH_DECIDE_FAILED ? EXIT_USAGE : EXIT_PROBLEMS;
}

int cmd_review(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("review");
    static const struct option own[] = { { "area", required_argument, NULL, 'a' },
                                         { "returned", no_argument, NULL, 'R' },
                                         { "json", no_argument, NULL, 'j' },
                                         { "approve", no_argument, NULL, 'A' },
                                         { "return", no_argument, NULL, 'B' },
                                         { "comment", required_argument, NULL, 'c' },
                                         { "item", required_argument, NULL, 'i' },
                                         { "revision", required_argument, NULL, 'r' },
                                         { 0, 0, 0, 0 } };
    review_args a;
    memset(&a, 0, sizeof a);
    static const cli_spec spec = { own, NULL, own_option, 0, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    a.lang = c->lang;
    bool deciding = rest < argc;
    if (a.bad_item)
        rc = cli_fail(cmd, cli_tr(c, "--item takes PATH=TEXT, the path as validate prints it (person[2]/birthDate)",
                                  "--item 应为 路径=意见，路径同 validate 所示（person[2]/birthDate）"));
    else if (a.too_many)
        rc = cli_fail(cmd, cli_tr(c, "at most %d --item comments", "--item 意见至多 %d 条"), MAX_ITEMS);
    else if (a.bad_revision)
        rc = cli_fail(cmd, cli_tr(c, "--revision takes a revision number", "--revision 应为版本号"));
    else if (rc)
        ; /* said already, or the help printed (-1) */
    else if (a.both)
        rc = cli_fail(cmd, cli_tr(c, "--approve or --return, not both", "--approve 与 --return 只能选一个"));
    else if (deciding && !a.decision)
        rc = cli_fail(cmd, cli_tr(c, "say --approve or --return for household %s", "请对住户 %s 指定 --approve 或 --return"),
                      argv[rest]);
    else if (!deciding && (a.decision || a.comment || a.n_notes || a.revision))
        rc = cli_fail(cmd, cli_tr(c, "a decision needs the household's ID", "审核决定须指明住户编号"));
    else if (deciding && (a.returned || a.json || a.area))
        rc = cli_fail(cmd, cli_tr(c, "--returned, --area and --json list the queue: give them without an ID",
                                  "--returned、--area 和 --json 用于列出队列，不能与住户编号同用"));
    if (rc < 0)
        rc = EXIT_OK;
    else if (!rc) {
        hh_store *s = deciding ? cli_open_store_to_change(c, cmd) : cli_open_store(c, cmd, false);
        rc = !s ? EXIT_USAGE : deciding ? decide(c, cmd, s, &a, argv[rest]) : list(c, cmd, s, &a);
        hh_store_close(s);
    }
    for (size_t i = 0; i < a.n_notes; i++) {
        free(a.notes[i].path);
        free(a.notes[i].comment);
    }
    return rc;
}
