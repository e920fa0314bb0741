/* cmd_enter.c — `hhreg enter [--resume | --discard]`: guided entry of one household
 * on the terminal (entry_flow.c); --resume continues a draft left by enter, edit
 * or visit after Ctrl-C, a closed terminal or a crash. */
#include <stdlib.h>
#include <string.h>

#include "entry_flow.h"

typedef struct enter_args {
    bool resume, discard;
    const char *draft_dir;
} enter_args;

static int own_option(int opt, const char *arg, void *st)
{
    enter_args *a = st;
    switch (opt) {
    case 'r': a->resume = true; return 0;
    case 'd': a->discard = true; return 0;
    case 'D': a->draft_dir = arg; return 0;
    }
    return EXIT_USAGE;
}

int cmd_enter(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("enter");
    static const struct option own[] = { { "resume", no_argument, NULL, 'r' },
                                         { "discard", no_argument, NULL, 'd' },
                                         { "draft-dir", required_argument, NULL, 'D' },
                                         { 0, 0, 0, 0 } };
    enter_args a = { false, false, NULL };
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (a.resume && a.discard)
        return cli_fail(cmd, "--resume and --discard exclude each other");
    entry_conversation s;
    rc = entry_open(&s, c, cmd, a.draft_dir);
    char *what = NULL;
    if (!rc && a.discard) {
        if (entry_draft_exists(&s, &what)) {
            entry_discard_draft(&s);
            printf("discarded the draft (%s)\n", what);
        } else {
            printf("there was no draft in %s\n", s.draft_dir);
        }
    } else if (!rc && a.resume) {
        rc = entry_load_draft(&s);
        if (!rc)
            rc = entry_run(&s);
    } else if (!rc && entry_draft_exists(&s, &what)) {
        rc = cli_fail(cmd, "a draft is waiting (%s): continue it with 'hhreg enter --resume' or drop it with "
                           "'hhreg enter --discard'", what);
    } else if (!rc) {
        rc = entry_run(&s);
    }
    free(what);
    entry_close(&s);
    return rc;
}
