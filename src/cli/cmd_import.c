/* cmd_import.c — `hhreg import FILE|DIR|-...`: validate and store forms. Problems go
 * to stderr as they are found, the summary line to stdout. */
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cores.h"
#include "import.h"

typedef struct import_args {
    bool strict, quiet, allow_older;
    long batch_size, jobs;
} import_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    import_args *a = st;
    switch (opt) {
    case 's': a->strict = true; return 0;
    case 'q': a->quiet = true; return 0;
    case 'o': a->allow_older = true; return 0;
    case 'j':
        if (!cli_number(arg, 1, 256, &a->jobs))
            return cli_fail(cli_find_command("import"), cli_tr(c, "-j takes a number of jobs from 1 to 256", "-j 取 1 到 256 的线程数"));
        return 0;
    case 'b':
        if (!cli_number(arg, 1, 1000000, &a->batch_size))
            return cli_fail(cli_find_command("import"), cli_tr(c, "--batch-size takes a number from 1 to 1000000", "--batch-size 取 1 到 1000000 的数"));
        return 0;
    }
    return EXIT_USAGE;
}

int cmd_import(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("import");
    static const struct option own[] = { { "strict", no_argument, NULL, 's' },
                                         { "quiet", no_argument, NULL, 'q' },
                                         { "batch-size", required_argument, NULL, 'b' },
                                         { "jobs", required_argument, NULL, 'j' },
                                         { "allow-older", no_argument, NULL, 'o' },
                                         { 0, 0, 0, 0 } };
    import_args a = { false, false, false, 0, hh_cores() };
    static const cli_spec spec = { own, "qj:", own_option, 1, -1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_schemaset *set = cli_load_schemas(c, cmd);
    if (!set)
        return EXIT_USAGE;
    hh_store *store = cli_open_store_to_change(c, cmd);
    if (!store) {
        hh_schemaset_free(set);
        return EXIT_USAGE;
    }
    hh_import_options opt = { .actor = c->actor, .strict = a.strict, .lang = c->lang, .messages = stderr,
                              .batch_size = a.batch_size, .quiet = a.quiet, .jobs = (int)a.jobs,
                              .progress = !a.quiet, .allow_older = a.allow_older, .bulk = true };
    hh_importer *im = hh_importer_new(store, set, &opt);
    hh_import_summary sum;
    memset(&sum, 0, sizeof sum);
    if (im) {
        hh_importer_run(im, argv + rest, (size_t)(argc - rest));
        hh_importer_finish(im, &sum);
        hh_importer_free(im);
    } else {
        sum.io_error = true;
    }
    long total = sum.stored + sum.unchanged + sum.revised + sum.refused + sum.older + sum.not_stored;
    printf(cli_tr(c,
                  "%ld form(s): %ld stored, %ld unchanged, %ld revised, %ld refused, %ld older, %ld not stored; "
                  "%ld warning(s)%s\n",
                  "%ld 份表单：存储 %ld，未变 %ld，修订 %ld，拒绝 %ld，较旧 %ld，未存储 %ld；警告 %ld 条%s\n"),
           total, sum.stored, sum.unchanged, sum.revised, sum.refused, sum.older, sum.not_stored, sum.warnings,
           sum.rolled_back ? cli_tr(c, " (--strict: nothing stored)", "（--strict：什么都没有存储）") : "");
    hh_store_close(store);
    hh_schemaset_free(set);
    if (sum.io_error)
        return EXIT_USAGE;
    return sum.refused || sum.older ? EXIT_PROBLEMS : EXIT_OK;
}
