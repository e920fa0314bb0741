/* cmd_backup.c — `hhreg backup FILE`: a consistent copy of the store in a new file,
 * checked as `hhreg check` checks a store before it is put in place, safe while
 * another hhreg imports (store_backup.h). Restoring is described in hhreg(1). */
#include "cli.h"
#include "store_backup.h"

#include <signal.h>

int cmd_backup(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("backup");
    static const cli_spec spec = { NULL, NULL, NULL, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, NULL, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_schemaset *set = cli_load_schemas(c, cmd);
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    /* read-only and as it is: a backup changes nothing, not even the schema version */
    if (set && hh_store_open_as_is(c->db_path, &s, &err) != 0)
        cli_fail(cmd, "%s", err.data);
    if (!s) {
        hh_buf_free(&err);
        hh_schemaset_free(set);
        return EXIT_USAGE;
    }
    hh_diags problems;
    hh_diags_init(&problems);
    /* A stop (SIGINT, SIGTERM, SIGHUP) is held back for the whole backup, so the exit
     * status is the truth: the signal's (130, 143, 129) only when no copy was put in
     * place; one that comes once the copy is in place does not undo it, and the
     * backup ends as done (0 or 1). */
    sigset_t stops, before;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigprocmask(SIG_BLOCK, &stops, &before);
    rc = hh_store_backup(s, argv[rest], set, &problems, &err);
    for (size_t i = 0; i < problems.n; i++)
        hh_diag_print(stderr, &problems.items[i], c->lang);
    bool problems_found = problems.errors > 0;
    if (!rc && err.len) /* a note: the copy is in place */
        fprintf(stderr, "hhreg backup: %s\n", err.data);
    if (rc)
        cli_fail(cmd, "%s", err.data);
    else if (problems_found)
        fprintf(stderr,
                cli_tr(c,
                       "hhreg backup: %s: written, but the store has %zu problem(s) by hhreg's check (above), "
                       "and so has the copy: run 'hhreg check' on the store\n",
                       "hhreg backup：%s：已写出，但按 hhreg 的检查存储库有 %zu 个问题（见上），副本亦然：请对存储库运行“hhreg check”\n"),
                argv[rest], problems.errors);
    else
        printf(cli_tr(c, "%s: a copy of %s, checked; to restore it see RESTORING A BACKUP in hhreg(1)\n",
                      "%s：%s 的副本，已检查；恢复方法见 hhreg(1) 的 RESTORING A BACKUP 一节\n"),
               argv[rest], c->db_path);
    hh_buf_free(&err);
    hh_diags_free(&problems);
    hh_store_close(s);
    hh_schemaset_free(set);
    if (rc) /* nothing was put in place: a stop held back is taken now */
        sigprocmask(SIG_SETMASK, &before, NULL);
    /* a copy of a store with problems is written and said as a failed check (1);
     * no copy at all, a store or file that cannot be used (2) */
    return rc ? EXIT_USAGE : problems_found ? EXIT_PROBLEMS : EXIT_OK;
}
