/* cmd_plugins.c — `hhreg plugins`: every plugin in the search path with its
 * version, summary, options (type, range, default) and file (the path that is
 * loaded, without links); refused files and directories, and plugins whose option
 * declaration is wrong, with the reason, on stderr. The listing's own words follow
 * --lang; a plugin's summary and option help are its own (English). */
#include <string.h>

#include "cli.h"
#include "export.h"
#include "json.h"
#include "plugin_loader.h"

typedef struct plugins_args {
    const char *plugin_dir;
    bool json, allow_shadow;
    hh_buf out;
    hh_json j;
    long refused, listed;
} plugins_args;

static const char *type_name(hhreg_option_type t)
{
    static const char *names[] = { "string", "int", "bool", "choice", "file", "date" };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

static void show(const char *path, const hh_plugin *p, const char *refusal, void *arg)
{
    plugins_args *a = arg;
    hh_buf err;
    hh_buf_init(&err);
    if (p && hh_export_check_options(p->desc, NULL, 0, &err) != 0) /* its own options, as export checks them */
        refusal = err.data;
    if (!p || err.len) {
        fprintf(stderr, "hhreg plugins: %s%s%s\n", p ? path : "", p ? ": " : "", refusal);
        a->refused++;
        hh_buf_free(&err);
        return;
    }
    hh_buf_free(&err);
    a->listed++;
    const hhreg_plugin *d = p->desc;
    int directory = (hh_plugin_flags(d) & HHREG_PLUGIN_DIRECTORY) != 0;
    int network = (hh_plugin_flags(d) & HHREG_PLUGIN_NETWORK) != 0;
    if (a->json) {
        hh_json *j = &a->j;
        hh_json_object(j, NULL);
        hh_json_str(j, "name", d->name);
        hh_json_str(j, "version", d->version);
        hh_json_str(j, "summary", d->summary);
        hh_json_str(j, "file", path);
        hh_json_str(j, "extension", d->extension);
        hh_json_str(j, "writes", directory ? "directory" : "file");
        hh_json_int(j, "passes", d->passes);
        hh_json_bool(j, "network", network);
        hh_json_array(j, "options");
        for (const hhreg_option_spec *o = d->options; o && o->name; o++) {
            hh_json_object(j, NULL);
            hh_json_str(j, "name", o->name);
            hh_json_str(j, "type", type_name(o->type));
            hh_json_str(j, "default", o->default_value);
            hh_json_str(j, "choices", o->type == HHREG_OPTION_CHOICE ? o->choices : NULL);
            hh_json_str(j, "range", hh_option_range(d, o));
            hh_json_str(j, "help", o->help);
            hh_json_end(j);
        }
        hh_json_end(j);
        hh_json_end(j);
        return;
    }
    printf("%s %s — %s\n    %s\n", d->name, d->version ? d->version : "", d->summary ? d->summary : "", path);
    if (directory)
        printf("%s", hh_tr("    writes a directory of files: -o DIRECTORY (a new one)\n",
                           "    输出为一个目录的文件：-o DIRECTORY（须为新目录）\n"));
    if (network)
        printf("%s", hh_tr("    connects to a server: run it with hhreg export --allow-network\n",
                           "    要连接服务器：请用 hhreg export --allow-network 运行\n"));
    for (const hhreg_option_spec *o = d->options; o && o->name; o++) {
        printf("    --opt %s=%s", o->name, o->type == HHREG_OPTION_CHOICE && o->choices ? o->choices
                                       : o->type == HHREG_OPTION_DATE               ? "YYYY-MM-DD"
                                                                                    : type_name(o->type));
        if (hh_option_range(d, o))
            printf(hh_tr(" in %s", "，范围 %s"), hh_option_range(d, o));
        if (o->default_value)
            printf(hh_tr(" (default %s)", "（默认 %s）"), o->default_value);
        printf("\n        %s\n", o->help ? o->help : "");
    }
}

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    plugins_args *a = st;
    if (opt == 'p')
        a->plugin_dir = arg;
    else if (opt == 'j')
        a->json = true;
    else if (opt == 'S')
        a->allow_shadow = true;
    return 0;
}

int cmd_plugins(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("plugins");
    static const struct option own[] = { { "plugin-dir", required_argument, NULL, 'p' },
                                         { "json", no_argument, NULL, 'j' },
                                         { "allow-shadow", no_argument, NULL, 'S' },
                                         { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    plugins_args a;
    memset(&a, 0, sizeof a);
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_plugin_dirs dirs;
    hh_plugin_dirs_init(&dirs, a.plugin_dir);
    dirs.allow_shadow = a.allow_shadow;
    hh_buf_init(&a.out);
    hh_json_init(&a.j, &a.out);
    hh_plugin_scan(&dirs, show, &a);
    if (a.json)
        printf("[%s]\n", a.out.data);
    if (!a.listed && !a.refused) { /* said, not an empty answer that looks like success */
        hh_buf where;
        hh_buf_init(&where);
        for (size_t i = 0; i < dirs.n; i++)
            hh_buf_printf(&where, "%s%s", i ? ", " : "", dirs.dirs[i]);
        char *shown = hh_printable(where.data ? where.data : "");
        fprintf(stderr,
                cli_tr(c, "hhreg plugins: no plugin found (looked in %s; see hhreg doctor)\n",
                       "hhreg plugins：未找到插件（查找了 %s；见 hhreg doctor）\n"),
                shown);
        free(shown);
        hh_buf_free(&where);
    }
    hh_buf_free(&a.out);
    hh_plugin_dirs_free(&dirs);
    return a.refused ? EXIT_PROBLEMS : EXIT_OK;
}
