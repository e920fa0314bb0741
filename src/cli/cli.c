/* cli.c — the options and helpers every command shares (see cli.h). */
#include "cli.h"
#include "config.h"
#include "hhreg/plugin.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const command *cli_find_command(const char *name)
{
    for (const command *c = hh_commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

void cli_usage(FILE *out, const command *cmd)
{
    fprintf(out, "Usage: hhreg %s %s\n%s\n", cmd->name, cmd->args, cmd->summary);
    if (cmd->options && *cmd->options)
        fprintf(out, "\nOptions:\n%s", cmd->options);
    fputs("\nCommon options:\n"
          "  --db FILE          the store (default $HHREG_DB, else ./hhreg.db)\n"
          "  --schema-dir DIR   schemas to validate with (default: the installed ones)\n"
          "  --lang zh|en       language of messages (default from the locale)\n"
          "  --enumerator ID    who does this, for the audit log (default $HHREG_ENUMERATOR)\n"
          "  --help             this text\n"
          "\nExit status: 0 success, 1 invalid or refused forms or a failed check, 2 usage or I/O error.\n",
          out);
}

int cli_fail(const command *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "hhreg %s: ", cmd->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return EXIT_USAGE;
}

int cli_common_option(cli *c, const command *cmd, int opt, const char *arg)
{
    switch (opt) {
    case OPT_DB:
        c->db_path = arg;
        return 0;
    case OPT_SCHEMA_DIR:
        c->schema_dir = arg;
        return 0;
    case OPT_ENUMERATOR:
        if (!*arg)
            return cli_fail(cmd, cli_tr(c, "--enumerator needs an id", "--enumerator 需要普查员编号"));
        c->actor = c->enumerator = arg;
        return 0;
    case OPT_LANG:
        if (hh_lang_parse(arg, &c->lang) != 0)
            return cli_fail(cmd, "--lang takes zh or en, not '%s'", arg);
        return 0;
    case OPT_HELP:
        cli_usage(stdout, cmd);
        return -1; /* caller turns this into EXIT_OK */
    default:
        fprintf(stderr, "Try 'hhreg %s --help'.\n", cmd->name);
        return EXIT_USAGE;
    }
}

int cli_parse(cli *c, const command *cmd, const cli_spec *spec, void *st, int argc, char **argv, int *rest)
{
    const struct option *own = spec ? spec->own : NULL;
    const char *shortopts = spec ? spec->shortopts : NULL;
    int (*on_own)(int, const char *, void *) = spec ? spec->on_own : NULL;
    static const struct option common[] = { CLI_COMMON_OPTIONS };
    size_t n_common = sizeof common / sizeof common[0], n_own = 0;
    while (own && own[n_own].name)
        n_own++;
    struct option *all = calloc(n_common + n_own + 1, sizeof *all);
    if (!all)
        return EXIT_USAGE;
    memcpy(all, common, sizeof common);
    if (n_own)
        memcpy(all + n_common, own, n_own * sizeof *own);
    int rc = 0, opt;
    optind = 1;
    opterr = 1;
    while (rc == 0 && (opt = getopt_long(argc, argv, shortopts ? shortopts : "", all, NULL)) != -1) {
        if (opt >= OPT_DB && opt < OPT_FIRST_OWN)
            rc = cli_common_option(c, cmd, opt, optarg);
        else if (opt == '?' || opt == ':' || !on_own)
            rc = cli_common_option(c, cmd, opt, optarg);
        else
            rc = on_own(opt, optarg, st);
    }
    free(all);
    *rest = optind;
    int operands = argc - optind, min = spec ? spec->min_operands : 0, max = spec ? spec->max_operands : 0;
    if (rc == 0 && (operands < min || (max >= 0 && operands > max)))
        rc = cli_fail(cmd, cli_tr(c, "%s; usage: hhreg %s %s", "%s；用法：hhreg %s %s"),
                      operands < min ? cli_tr(c, "an argument is missing", "缺少参数") : cli_tr(c, "too many arguments", "参数过多"),
                      cmd->name, cmd->args);
    return rc;
}

bool cli_number(const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return false;
    *out = v;
    return true;
}

void cli_print_version(FILE *out)
{
    fprintf(out, "hhreg %s (form schema urn:hhreg:household:1, store schema %d, plugin ABI %d.%d)\n",
            PACKAGE_VERSION, HH_STORE_SCHEMA_VERSION, HHREG_PLUGIN_ABI_MAJOR, HHREG_HOST_API_MINOR);
}

hh_store *cli_open_store(const cli *c, const command *cmd, bool create)
{
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    struct stat st;
    if (!create && stat(c->db_path, &st) != 0 && errno == ENOENT) /* the one a worker meets first, in their language */
        cli_fail(cmd, cli_tr(c, "%s: no store here; create one with 'hhreg init' (or name it with --db)",
                             "%s：此处没有存储库；请用“hhreg init”创建（或用 --db 指定）"),
                 c->db_path);
    else if (hh_store_open(c->db_path, create, &s, &err) != 0)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&err);
    return s;
}

hh_schemaset *cli_load_schemas(const cli *c, const command *cmd)
{
    hh_buf err;
    hh_buf_init(&err);
    hh_schemaset *set = hh_schemaset_load(c->schema_dir, &err);
    if (!set)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&err);
    return set;
}
