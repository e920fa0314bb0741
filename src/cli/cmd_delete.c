/* cmd_delete.c — `hhreg delete ID --reason TEXT`: a tombstone with a reason; every
 * revision stays in the store and in `hhreg history`. */
#include "cli.h"

static int own_option(int opt, const char *arg, void *st)
{
    if (opt == 'r')
        *(const char **)st = arg;
    return 0;
}

int cmd_delete(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("delete");
    static const struct option own[] = { { "reason", required_argument, NULL, 'r' }, { 0, 0, 0, 0 } };
    const char *reason = NULL;
    static const cli_spec spec = { own, NULL, own_option, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &reason, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (!reason || !*reason)
        return cli_fail(cmd, "say why with --reason TEXT");
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    hh_buf err;
    hh_buf_init(&err);
    rc = hh_store_delete(s, argv[rest], reason, c->actor, &err);
    if (rc)
        fprintf(stderr, "hhreg delete: %s\n", err.data);
    else
        printf("household %s deleted (its revisions are kept)\n", argv[rest]);
    hh_buf_free(&err);
    hh_store_close(s);
    return rc ? EXIT_PROBLEMS : EXIT_OK;
}
