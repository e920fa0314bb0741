/* cmd_delete.c — `hhreg delete ID --reason TEXT`: a tombstone with a reason; every
 * revision stays in the store and in `hhreg history`. `hhreg undelete --reason TEXT
 * ID` reverses it: the household current again as a new revision (its last form,
 * unchanged), audited like delete. Both take one household, named by its id, last
 * digits or address (cli_household_named: never quoted back), and a reason, parsed
 * here once. */
#include <stdlib.h>

#include "cli.h"

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    if (opt == 'r')
        *(const char **)st = arg;
    return 0;
}

/* Parses `NAME --reason TEXT REFERENCE` and opens the store for writing: the store,
 * with *id (malloc'd) and *reason set, or NULL with *status the exit status. */
static hh_store *open_for_reason(cli *c, const command *cmd, int argc, char **argv, char **id,
                                 const char **reason, int *status)
{
    static const struct option own[] = { { "reason", required_argument, NULL, 'r' }, { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, own_option, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, reason, argc, argv, &rest);
    *status = EXIT_USAGE;
    if (rc) {
        *status = rc < 0 ? EXIT_OK : rc;
        return NULL;
    }
    if (!*reason || !**reason) {
        *status = cli_fail(cmd, "%s", cli_tr(c, "say why with --reason TEXT", "请用 --reason 说明删除原因"));
        return NULL;
    }
    hh_store *s = cli_open_store_to_change(c, cmd);
    if (s && (*status = cli_household_named(c, cmd, s, argv[rest], id)) != EXIT_OK) {
        hh_store_close(s);
        return NULL;
    }
    return s;
}

int cmd_delete(cli *c, int argc, char **argv)
{
    char *id = NULL;
    const char *reason = NULL;
    int status;
    hh_store *s = open_for_reason(c, cli_find_command("delete"), argc, argv, &id, &reason, &status);
    if (!s)
        return status;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_delete(s, id, reason, c->actor, &err);
    if (rc)
        fprintf(stderr, "hhreg delete: %s\n", err.data);
    else
        printf(cli_tr(c, "household %s deleted (its revisions are kept)\n", "住户 %s 已删除（其各版本仍保留）\n"), id);
    hh_buf_free(&err);
    hh_store_close(s);
    free(id);
    return rc ? EXIT_PROBLEMS : EXIT_OK;
}

int cmd_undelete(cli *c, int argc, char **argv)
{
    char *id = NULL;
    const char *reason = NULL;
    int status;
    hh_store *s = open_for_reason(c, cli_find_command("undelete"), argc, argv, &id, &reason, &status);
    if (!s)
        return status;
    hh_buf err;
    hh_buf_init(&err);
    int revision = 0;
    int rc = hh_store_undelete(s, id, reason, c->actor, &revision, &err);
    if (rc)
        fprintf(stderr, "hhreg undelete: %s\n", err.data);
    else
        printf(cli_tr(c, "household %s is current again as revision %d (its last form before the delete)\n",
                      "住户 %s 已恢复为现有住户，为第 %d 版（即删除前的最后一份表单）\n"),
               id, revision);
    hh_buf_free(&err);
    hh_store_close(s);
    free(id);
    return rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
