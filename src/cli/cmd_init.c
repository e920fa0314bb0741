/* cmd_init.c — `hhreg init`: create the store, or confirm an existing one is usable
 * (migrating it if an older hhreg made it). */
#include "cli.h"

int cmd_init(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("init");
    int rest, rc = cli_parse(c, cmd, NULL, NULL, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store(c, cmd, true);
    if (!s)
        return EXIT_USAGE;
    char *shown = hh_printable(c->db_path);
    printf(cli_tr(c, "store %s is ready (store schema version %d)\n", "存储库 %s 已就绪（存储库结构版本 %d）\n"), shown,
           hh_store_schema_version(s));
    free(shown);
    hh_store_close(s);
    return EXIT_OK;
}
