/* cmd_export.c — `hhreg export NAME`: run one export plugin over the store. */
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "export.h"
#include "export_sandbox.h"

typedef struct export_args {
    const char *plugin_dir, *output, *area;
    const char **options;
    size_t n_options;
    bool allow_shadow, allow_network;
    long timeout, memory;
    long long since;
    unsigned mode;
} export_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    export_args *a = st;
    switch (opt) {
    case 'p': a->plugin_dir = arg; return 0;
    case 'o': a->output = arg; return 0;
    case 'a': a->area = arg; return 0;
    case 'S': a->allow_shadow = true; return 0;
    case 'N': a->allow_network = true; return 0;
    case 'T':
        if (!cli_number(arg, 0, 31536000, &a->timeout))
            return cli_fail(cli_find_command("export"), cli_tr(c, "--plugin-timeout takes seconds, 0 for no limit", "--plugin-timeout 取秒数，0 为不限"));
        return 0;
    case 'M':
        if (!cli_number(arg, 0, 1L << 30, &a->memory))
            return cli_fail(cli_find_command("export"), cli_tr(c, "--plugin-memory takes MiB, 0 for no limit", "--plugin-memory 取 MiB 数，0 为不限"));
        return 0;
    case 'm': {
        hh_buf err;
        hh_buf_init(&err);
        int bad = hh_export_check_mode(arg, &a->mode, &err) != 0;
        if (bad)
            cli_fail(cli_find_command("export"), "%s", err.data);
        hh_buf_free(&err);
        return bad ? EXIT_USAGE : 0;
    }
    case 's': {
        long since;
        if (!cli_number(arg, 0, LONG_MAX, &since))
            return cli_fail(cli_find_command("export"),
                            cli_tr(c, "--since takes the number of a change (0 or more), as an export said it",
                                   "--since 取一个变更序号（0 或以上），即上次导出所报告的数字"));
        a->since = since;
        return 0;
    }
    case 'O':
        a->options = hh_xrealloc(a->options, (a->n_options + 1) * sizeof *a->options);
        a->options[a->n_options++] = arg;
        return 0;
    }
    return EXIT_USAGE;
}

/* The success line names the plugin's file, as loaded. */
static void print_success(const cli *c, const hh_plugin_dirs *dirs, const char *plugin, const char *output, long households)
{
    hh_buf err;
    hh_buf_init(&err);
    char *file = hh_plugin_locate(dirs, plugin, &err);
    char *shown_output = hh_printable(output), *shown_file = hh_printable(file ? file : err.data);
    fprintf(stderr,
            cli_tr(c, "hhreg export: %ld household(s) exported to %s by %s (%s)\n", "hhreg export：%ld 户已导出到 %s（插件 %s，%s）\n"), households, shown_output, plugin,
            shown_file);
    free(shown_output);
    free(shown_file);
    free(file);
    hh_buf_free(&err);
}

/* An incremental run says what it covered and the watermark of the next one. */
static void print_changes(const cli *c, const hh_export_result *r)
{
    fprintf(stderr,
            cli_tr(c, "hhreg export: changes after %lld up to %lld: %ld household(s), %ld deletion(s); next time: --since %lld\n",
                   "hhreg export：变更 %lld 之后至 %lld：%ld 户，删除 %ld 户；下次请用：--since %lld\n"),
            r->since, r->last_change, r->households, r->tombstones, r->last_change);
}

int cmd_export(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("export");
    static const struct option own[] = { { "plugin-dir", required_argument, NULL, 'p' },
                                         { "output", required_argument, NULL, 'o' },
                                         { "opt", required_argument, NULL, 'O' },
                                         { "area", required_argument, NULL, 'a' },
                                         { "allow-shadow", no_argument, NULL, 'S' },
                                         { "plugin-timeout", required_argument, NULL, 'T' },
                                         { "plugin-memory", required_argument, NULL, 'M' },
                                         { "mode", required_argument, NULL, 'm' },
                                         { "since", required_argument, NULL, 's' },
                                         { "allow-network", no_argument, NULL, 'N' },
                                         { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, "o:", own_option, 1, 1 };
    export_args a;
    memset(&a, 0, sizeof a);
    a.timeout = HH_PLUGIN_TIMEOUT_DEFAULT;
    a.memory = HH_PLUGIN_MEMORY_DEFAULT;
    a.since = -1;
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc) {
        free(a.options);
        return rc < 0 ? EXIT_OK : rc;
    }
    /* the store is opened here only to check it (and migrate it); the export opens
     * it again in its own process, as SQLite connections must not cross a fork */
    if (a.mode && (!a.output || strcmp(a.output, "-") == 0)) {
        free(a.options);
        return cli_fail(cmd, cli_tr(c, "--mode is the mode of the file or directory named with -o; standard output has none",
                                   "--mode 是 -o 所指文件或目录的权限；标准输出没有权限"));
    }
    hh_store *s = cli_open_store_to_change(c, cmd); /* its audit entry: refused before it runs where it cannot be */
    if (!s) {
        free(a.options);
        return EXIT_USAGE;
    }
    hh_store_close(s);
    hh_plugin_dirs dirs;
    hh_plugin_dirs_init(&dirs, a.plugin_dir);
    dirs.allow_shadow = a.allow_shadow;
    hh_export_request rq = { argv[rest], a.output, a.options, a.n_options, a.area, c->actor, c->schema_dir,
                             a.timeout, a.memory, a.mode, a.since, a.allow_network };
    hh_export_result result;
    rc = hh_export(c->db_path, &dirs, &rq, stderr, &result);
    int reader_stopped = rc && result.reader_stopped;
    if (rc && !reader_stopped)
        fprintf(stderr, "hhreg export: %s\n", result.error);
    else if (a.output && strcmp(a.output, "-") != 0)
        print_success(c, &dirs, argv[rest], a.output, result.households);
    if (rc == 0 && result.since >= 0)
        print_changes(c, &result);
    else if (rc == 0 && a.area && result.households == 0) { /* a mistyped area: said, not a silent empty file */
        char *area = hh_printable(a.area);
        fprintf(stderr,
                cli_tr(c, "hhreg export: warning: no current household's id begins with %s (--area): the export is empty\n",
                       "hhreg export：警告：没有编号以 %s 开头的现有住户（--area）：导出为空\n"),
                area);
        free(area);
    }
    hh_export_result_free(&result);
    hh_plugin_dirs_free(&dirs);
    free(a.options);
    if (reader_stopped) {
        /* like any filter whose reader went away: ended quietly by SIGPIPE */
        signal(SIGPIPE, SIG_DFL);
        raise(SIGPIPE);
    }
    return rc ? EXIT_PROBLEMS : EXIT_OK;
}
