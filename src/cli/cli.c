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

void cli_usage(FILE *out, const command *cmd, hh_lang lang)
{
    bool zh = lang == HH_LANG_ZH;
    const char *options = zh ? cmd->options_zh : cmd->options;
    fprintf(out, zh ? "用法：hhreg %s %s\n%s\n" : "Usage: hhreg %s %s\n%s\n", cmd->name, cmd->args,
            zh ? cmd->summary_zh : cmd->summary);
    if (options && *options)
        fprintf(out, zh ? "\n选项：\n%s" : "\nOptions:\n%s", options);
    fputs(zh ? "\n通用选项：\n"
               "  --db FILE          存储库（默认 $HHREG_DB，否则为 ./hhreg.db）\n"
               "  --schema-dir DIR   校验所用的模式（默认：安装的模式）\n"
               "  --lang zh|en       消息的语言（默认取自区域设置）\n"
               "  --enumerator ID    操作人，记入审计日志（默认 $HHREG_ENUMERATOR）\n"
               "  --help             本说明\n"
             : "\nCommon options:\n"
               "  --db FILE          the store (default $HHREG_DB, else ./hhreg.db)\n"
               "  --schema-dir DIR   schemas to validate with (default: the installed ones)\n"
               "  --lang zh|en       language of messages (default from the locale)\n"
               "  --enumerator ID    who does this, for the audit log (default $HHREG_ENUMERATOR)\n"
               "  --help             this text\n",
          out);
    cli_exit_status(out, lang);
}

void cli_exit_status(FILE *out, hh_lang lang)
{
    fputs(lang == HH_LANG_ZH ? "\n退出状态：0 成功，1 有无效或被拒绝的表单或检查未通过，2 用法错误或输入输出错误。\n"
                             : "\nExit status: 0 success, 1 invalid or refused forms or a failed check, 2 usage or I/O error.\n",
          out);
}

void cli_usage_all(FILE *out, hh_lang lang)
{
    bool zh = lang == HH_LANG_ZH;
    fputs(zh ? "用法：hhreg 命令 [选项] [参数]\n住户登记：校验、存储和浏览住户表单。\n\n命令：\n"
             : "Usage: hhreg COMMAND [OPTIONS] [ARGS]\n"
               "Household registration: validate, store and browse household forms.\n\nCommands:\n",
          out);
    for (const command *c = hh_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, zh ? c->summary_zh : c->summary);
    fputs(zh ? "\n运行“hhreg 命令 --help”查看该命令的选项；另见 hhreg(1)。\n"
             : "\nRun 'hhreg COMMAND --help' for a command's options; see hhreg(1).\n",
          out);
    cli_exit_status(out, lang);
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
            return cli_fail(cmd, cli_tr(c, "--lang takes zh or en, not '%s'", "--lang 取 zh 或 en，而不是“%s”"), arg);
        return 0;
    default:
        fprintf(stderr, cli_tr(c, "Try 'hhreg %s --help'.\n", "请看“hhreg %s --help”。\n"), cmd->name);
        return EXIT_USAGE;
    }
}

int cli_parse(cli *c, const command *cmd, const cli_spec *spec, void *st, int argc, char **argv, int *rest)
{
    const struct option *own = spec ? spec->own : NULL;
    const char *shortopts = spec ? spec->shortopts : NULL;
    int (*on_own)(const cli *, int, const char *, void *) = spec ? spec->on_own : NULL;
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
    bool help = false;
    while (rc == 0 && (opt = getopt_long(argc, argv, shortopts ? shortopts : "", all, NULL)) != -1) {
        if (opt == OPT_HELP)
            help = true;
        else if (opt >= OPT_DB && opt < OPT_FIRST_OWN)
            rc = cli_common_option(c, cmd, opt, optarg);
        else if (opt == '?' || opt == ':' || !on_own)
            rc = cli_common_option(c, cmd, opt, optarg);
        else
            rc = on_own(c, opt, optarg, st);
    }
    free(all);
    if (help && rc == 0) {
        cli_usage(stdout, cmd, c->lang);
        return -1; /* caller turns this into EXIT_OK */
    }
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

void cli_print_version(FILE *out, hh_lang lang)
{
    fprintf(out,
            lang == HH_LANG_ZH ? "hhreg %s（表单模式 urn:hhreg:household:1，存储库结构版本 %d，插件 ABI %d.%d）\n"
                               : "hhreg %s (form schema urn:hhreg:household:1, store schema %d, plugin ABI %d.%d)\n",
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

hh_store *cli_open_store_to_change(const cli *c, const command *cmd)
{
    hh_store *s = cli_open_store(c, cmd, false);
    if (s && hh_store_read_only_here(s)) {
        cli_fail(cmd, "%s: %s", hh_store_path(s), hh_store_read_only_message());
        hh_store_close(s);
        return NULL;
    }
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
