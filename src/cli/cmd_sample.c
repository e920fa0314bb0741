/* cmd_sample.c — `hhreg sample`: realistic sample forms, one file each or a batch;
 * existing files are kept unless --force, links never followed (sample.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sample.h"

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    hh_sample_options *o = st;
    const command *cmd = cli_find_command("sample");
    long n;
    switch (opt) {
    case 'n':
        if (!cli_number(arg, 1, 100000000, &n))
            return cli_fail(cmd, cli_tr(c, "--households takes a number from 1 to 100000000", "--households 取 1 到 100000000 的数"));
        o->households = n;
        return 0;
    case 's':
        if (!cli_number(arg, 0, 2147483647L, &n))
            return cli_fail(cmd, cli_tr(c, "--seed takes a whole number", "--seed 取整数"));
        o->seed = (uint64_t)n;
        return 0;
    case 'o': o->out_dir = arg; return 0;
    case 'b': o->batch_file = arg; return 0;
    case 'd': o->enumeration_date = arg; return 0;
    case 'f': o->force = true; return 0;
    case 'r': o->real_area = true; return 0;
    }
    return EXIT_USAGE;
}

int cmd_sample(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("sample");
    static const struct option own[] = { { "households", required_argument, NULL, 'n' },
                                         { "seed", required_argument, NULL, 's' },
                                         { "output", required_argument, NULL, 'o' },
                                         { "batch", required_argument, NULL, 'b' },
                                         { "date", required_argument, NULL, 'd' },
                                         { "force", no_argument, NULL, 'f' },
                                         { "real-area", no_argument, NULL, 'r' },
                                         { 0, 0, 0, 0 } };
    hh_sample_options o = { 0, 1, NULL, NULL, NULL, false, false };
    static const cli_spec spec = { own, "o:", own_option, 0, 0 };
    int rest, rc = cli_parse(c, cmd, &spec, &o, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (o.households <= 0)
        return cli_fail(cmd, cli_tr(c, "say how many with --households N", "请用 --households N 说明户数"));
    if (!o.out_dir == !o.batch_file)
        return cli_fail(cmd, cli_tr(c, "name either a directory (-o DIR) or a batch file (--batch FILE)",
                                     "请给出一个目录（-o DIR）或一个批量文件（--batch FILE），二者选一"));
    hh_buf err;
    hh_buf_init(&err);
    rc = hh_sample_generate(&o, &err);
    if (rc)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&err);
    return rc ? EXIT_USAGE : EXIT_OK;
}
