/* cmd_enter.c — `hhreg enter [--resume [DRAFT] | --discard [DRAFT] | --drafts]`:
 * guided entry of one household on the terminal (entry_flow.c). Each unfinished
 * household keeps its own draft (entry_drafts.c), so a new household can be begun
 * while others wait; --resume continues one (left by enter, edit or visit after
 * Ctrl-C, a closed terminal or a crash), --discard drops one, --drafts lists them. */
#include <stdlib.h>
#include <string.h>

#include "entry_flow.h"

typedef struct enter_args {
    bool resume, discard, list;
    const char *draft_dir;
} enter_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    enter_args *a = st;
    switch (opt) {
    case 'r': a->resume = true; return 0;
    case 'd': a->discard = true; return 0;
    case 'l': a->list = true; return 0;
    case 'D': a->draft_dir = arg; return 0;
    }
    return EXIT_USAGE;
}

static int discard(entry_conversation *s, const char *ref)
{
    if (!ref && entry_drafts_waiting(s) == 0) {
        printf(s->c->lang == HH_LANG_ZH ? "%s 中没有草稿\n" : "there was no draft in %s\n", s->draft_dir);
        return EXIT_OK;
    }
    int rc = entry_draft_choose(s, ref);
    char *what = NULL;
    if (!rc && entry_draft_exists(s, &what)) {
        entry_discard_draft(s);
        printf(s->c->lang == HH_LANG_ZH ? "已放弃草稿（%s）\n" : "discarded the draft (%s)\n", what);
    }
    free(what);
    return rc;
}

/* A new household; the drafts already waiting are named, not in the way. */
static int begin(entry_conversation *s)
{
    size_t waiting = entry_drafts_waiting(s);
    if (waiting)
        fprintf(s->out,
                s->c->lang == HH_LANG_ZH ? "（另有 %zu 份草稿待完成：hhreg enter --drafts）\n"
                                         : "(%zu other draft(s) waiting: hhreg enter --drafts)\n",
                waiting);
    return entry_run(s);
}

int cmd_enter(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("enter");
    static const struct option own[] = { { "resume", no_argument, NULL, 'r' },
                                         { "discard", no_argument, NULL, 'd' },
                                         { "drafts", no_argument, NULL, 'l' },
                                         { "draft-dir", required_argument, NULL, 'D' },
                                         { 0, 0, 0, 0 } };
    enter_args a = { false, false, false, NULL };
    static const cli_spec spec = { own, NULL, own_option, 0, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (a.resume + a.discard + a.list > 1)
        return cli_fail(cmd, cli_tr(c, "--resume, --discard and --drafts exclude each other",
                                    "--resume、--discard 和 --drafts 不能同时使用"));
    const char *ref = rest < argc ? argv[rest] : NULL;
    if (ref && !a.resume && !a.discard)
        return cli_fail(cmd, cli_tr(c, "a draft is named only with --resume or --discard",
                                    "只有 --resume 或 --discard 才能指明草稿"));
    entry_conversation s;
    rc = entry_open(&s, c, cmd, a.draft_dir, !a.list && !a.discard);
    if (!rc && a.list)
        rc = entry_drafts_list(&s);
    else if (!rc && a.discard)
        rc = discard(&s, ref);
    else if (!rc && a.resume) {
        rc = entry_draft_choose(&s, ref);
        if (!rc)
            rc = entry_load_draft(&s);
        if (!rc)
            rc = entry_run(&s);
    } else if (!rc) {
        rc = begin(&s);
    }
    entry_close(&s);
    return rc;
}
