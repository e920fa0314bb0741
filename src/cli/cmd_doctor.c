/* cmd_doctor.c — `hhreg doctor`: what a new user needs to know first, without
 * changing anything: the versions (hhreg, the store schema and plugin ABI it speaks,
 * SQLite and libxml2), where the store, the schemas and the plugins are looked for
 * and what was found there, and each plugin loaded or refused with the reason.
 * A command of its own rather than `check --verbose`: check judges a store (and
 * needs one); doctor describes an installation, with or without a store. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "config.h"
#include "plugin_loader.h"
#include "xml_policy.h"

typedef struct doctor_args {
    const char *plugin_dir;
    long refused;
    const cli *c;
} doctor_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    if (opt == 'p')
        ((doctor_args *)st)->plugin_dir = arg;
    return 0;
}

/* The store, read-only: found and usable, not there yet, or why not. 0 or 1 (a problem). */
static int report_store(const cli *c)
{
    printf(cli_tr(c, "store:   %s (--db, else $HHREG_DB, else ./hhreg.db)\n", "存储库：%s（--db，否则 $HHREG_DB，否则 ./hhreg.db）\n"), c->db_path);
    struct stat st;
    if (stat(c->db_path, &st) != 0) {
        printf(cli_tr(c, "         not there yet; 'hhreg init' creates it\n", "         尚不存在；“hhreg init”会创建它\n"));
        return 0;
    }
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_open_read_only(c->db_path, &s, &err);
    if (rc == 0)
        printf(cli_tr(c, "         found: an hhreg store of schema version %d%s\n", "         找到：结构版本 %d 的 hhreg 存储库%s\n"),
               hh_store_schema_version(s),
               (st.st_mode & 077) ? cli_tr(c, "; readable by others (chmod 600 it)", "；其他用户可读（请 chmod 600）") : "");
    else
        printf(cli_tr(c, "         cannot be used: %s\n", "         无法使用：%s\n"), err.data);
    char *id = rc == 0 ? hh_store_identity(s) : NULL;
    if (id)
        printf(cli_tr(c, "         its id: %s (made with it, kept by its backups)\n",
                      "         其标识：%s（创建时生成，备份中保留）\n"),
               id);
    free(id);
    hh_store_close(s);
    hh_buf_free(&err);
    return rc ? 1 : 0;
}

static int report_schemas(const cli *c)
{
    const char *dir = c->schema_dir ? c->schema_dir : hh_default_schema_dir();
    printf(cli_tr(c, "schemas: %s (--schema-dir, else $HHREG_SCHEMA_DIR, else the installed ones)\n",
                  "模式：  %s（--schema-dir，否则 $HHREG_SCHEMA_DIR，否则为安装的模式）\n"),
           dir);
    hh_buf err;
    hh_buf_init(&err);
    hh_schemaset *set = hh_schemaset_load(c->schema_dir, &err);
    if (set)
        printf(cli_tr(c, "         found: the form schema and its rules load\n", "         找到：表单模式及其规则可以加载\n"));
    else
        printf(cli_tr(c, "         cannot be used: %s\n", "         无法使用：%s\n"), err.data);
    hh_schemaset_free(set);
    hh_buf_free(&err);
    return set ? 0 : 1;
}

static void report_plugin(const char *path, const hh_plugin *p, const char *refusal, void *arg)
{
    doctor_args *a = arg;
    if (p) {
        printf(cli_tr(a->c, "         loaded:  %s %s  %s\n", "         已加载：%s %s  %s\n"), p->desc->name, p->desc->version ? p->desc->version : "", path);
        return;
    }
    printf(cli_tr(a->c, "         refused: %s\n", "         被拒绝：%s\n"), refusal);
    a->refused++;
}

int cmd_doctor(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("doctor");
    static const struct option own[] = { { "plugin-dir", required_argument, NULL, 'p' }, { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    doctor_args a = { NULL, 0, c };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    cli_print_version(stdout, c->lang);
    hh_buf xml;
    hh_buf_init(&xml);
    hh_xml_version(&xml);
    printf(cli_tr(c, "libraries: SQLite %s, libxml2 %s\n", "程序库：SQLite %s，libxml2 %s\n"), hh_store_sqlite_version(), xml.data);
    hh_buf_free(&xml);
    int problems = report_store(c) + report_schemas(c);
    hh_plugin_dirs dirs;
    hh_plugin_dirs_init(&dirs, a.plugin_dir);
    printf(cli_tr(c, "plugins: looked for in (--plugin-dir, then $HHREG_PLUGIN_PATH, then the installed directory)\n",
                  "插件：  查找位置（--plugin-dir，然后 $HHREG_PLUGIN_PATH，然后安装目录）\n"));
    for (size_t i = 0; i < dirs.n; i++) {
        struct stat st;
        printf("         %s%s\n", dirs.dirs[i], stat(dirs.dirs[i], &st) != 0 ? cli_tr(c, " (does not exist)", "（不存在）") : "");
    }
    hh_plugin_scan(&dirs, report_plugin, &a);
    hh_plugin_dirs_free(&dirs);
    return problems || a.refused ? EXIT_PROBLEMS : EXIT_OK;
}
