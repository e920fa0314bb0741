/* cmd_merge.c — `hhreg merge SOURCE...` brings other stores into this one (a grid
 * worker's laptop into the community's store, communities into a street's), `hhreg
 * conflicts` lists what it could not settle, and `hhreg resolve ID --keep REV` (or
 * `--with FILE`, a merged form checked as import checks it) settles it with a new
 * revision (docs/merge.md). The work is the store's
 * (store_merge.c); this file reports it. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "form_json.h"
#include "import_work.h"
#include "json.h"
#include "paths.h"

static void on_note(const hh_merge_note *n, void *arg)
{
    const cli *c = arg;
    if (n->refused)
        fprintf(stderr, cli_tr(c, "hhreg merge: household %s not merged: %s\n", "hhreg merge：住户 %s 未合并：%s\n"),
                n->household, n->reason);
    else
        fprintf(stderr,
                cli_tr(c, "hhreg merge: household %s: conflict, both versions kept (hhreg conflicts %s)\n",
                       "hhreg merge：住户 %s：冲突，两个版本均保留（hhreg conflicts %s）\n"),
                n->household, n->household);
}

int cmd_merge(cli *c, int argc, char **argv)
{
    static const struct option own[] = { { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, NULL, 1, -1 };
    const command *cmd = cli_find_command("merge");
    int rest, rc = cli_parse(c, cmd, &spec, NULL, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store_to_change(c, cmd);
    if (!s)
        return EXIT_USAGE;
    int status = EXIT_OK;
    for (int k = rest; k < argc; k++) {
        hh_merge_counts n;
        hh_buf err;
        hh_buf_init(&err);
        if (hh_store_merge(s, argv[k], c->actor, &n, on_note, c, &err)) {
            fprintf(stderr, cli_tr(c, "hhreg merge: %s; nothing of it was merged\n", "hhreg merge：%s；未合并其任何内容\n"),
                    err.data);
            status = EXIT_USAGE;
        } else {
            char *shown = hh_printable(argv[k]);
            printf(cli_tr(c, "%s: %ld added, %ld updated, %ld unchanged, %ld conflicts, %ld refused; %ld logged visits new\n",
                          "%s：新增 %ld 户，更新 %ld 户，未变 %ld 户，冲突 %ld 户，拒绝 %ld 户；新走访记录 %ld 条\n"),
                   shown, n.added, n.updated, n.unchanged, n.conflicts, n.refused, n.visits);
            free(shown);
            if ((n.conflicts || n.refused) && status == EXIT_OK)
                status = EXIT_PROBLEMS;
        }
        hh_buf_free(&err);
    }
    hh_store_close(s);
    return status;
}

typedef struct conflicts_args {
    const cli *c;
    bool all, json;
    long n;
    hh_json j;
} conflicts_args;

static int conflicts_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    (void)arg;
    conflicts_args *a = st;
    if (opt == 'a')
        a->all = true;
    else
        a->json = true;
    return 0;
}

static void on_conflict(const hh_conflict *k, void *arg)
{
    conflicts_args *a = arg;
    a->n++;
    if (a->json) {
        hh_conflict_json(&a->j, k);
        return;
    }
    const cli *c = a->c;
    printf("%-22s %-20s %9d %9d  %.8s  %s", k->household, k->kind, k->revision, k->other, k->source_store,
           k->found_at);
    if (k->resolved_at)
        printf(cli_tr(c, "  resolved by revision %d (%s)", "  已由第 %d 版解决（%s）"), k->resolution,
               k->resolved_by);
    putchar('\n');
    if (k->deleted_at) { /* what the decision turns on: why the other store deleted it */
        char *why = hh_printable(k->delete_reason ? k->delete_reason : "");
        printf(cli_tr(c, "    deleted there %s: %s\n", "    对方已于 %s 删除：%s\n"), k->deleted_at, why);
        free(why);
    }
}

int cmd_conflicts(cli *c, int argc, char **argv)
{
    static const struct option own[] = { { "all", no_argument, NULL, 'a' },
                                         { "json", no_argument, NULL, 'j' },
                                         { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, conflicts_option, 0, 1 };
    const command *cmd = cli_find_command("conflicts");
    conflicts_args a = { .c = c };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    char *id = NULL; /* named as resolve names it: its id, last digits or address, never quoted back */
    if (rest < argc && (rc = cli_household_named(c, cmd, s, argv[rest], &id)) != EXIT_OK) {
        hh_store_close(s);
        return rc;
    }
    hh_buf out, err;
    hh_buf_init(&out);
    hh_buf_init(&err);
    hh_json_init(&a.j, &out);
    if (a.json)
        hh_json_array(&a.j, NULL);
    else
        printf("%-22s %-20s %9s %9s  %-8s  %s\n", cli_tr(c, "household", "住户"), cli_tr(c, "kind", "类型"),
               cli_tr(c, "here", "本库版本"), cli_tr(c, "other", "对方版本"), cli_tr(c, "from", "来自"),
               cli_tr(c, "found", "发现于"));
    rc = hh_store_each_conflict(s, id, a.all, on_conflict, &a, &err);
    if (a.json) {
        hh_json_end(&a.j);
        if (!rc)
            printf("%s\n", out.data);
    } else if (!rc) {
        printf(cli_tr(c, "%ld conflict(s)%s\n", "共 %ld 个冲突%s\n"), a.n,
               a.all ? ""
               : a.n ? cli_tr(c, " open; settle one with hhreg resolve --keep REVISION ID",
                              "未解决；用 hhreg resolve --keep 版本号 住户 解决")
                     : cli_tr(c, " open", "未解决"));
    }
    if (rc)
        fprintf(stderr, "hhreg conflicts: %s\n", err.data);
    hh_buf_free(&out);
    hh_buf_free(&err);
    free(id);
    hh_store_close(s);
    return rc ? EXIT_USAGE : EXIT_OK;
}

typedef struct resolve_args {
    int keep;
    const char *with; /* the merged form's file */
} resolve_args;

static int resolve_option(const cli *c, int opt, const char *arg, void *st)
{
    resolve_args *a = st;
    long n;
    if (opt == 'w') {
        a->with = arg;
        return 0;
    }
    if (!cli_number(arg, 1, 1000000000, &n))
        return cli_fail(cli_find_command("resolve"), "%s",
                        cli_tr(c, "--keep takes a revision number", "--keep 需要一个版本号"));
    a->keep = (int)n;
    return 0;
}

/* The merged form of --with: the file's one form, read and checked as `hhreg import`
 * checks it (reader, schema, rules), into `r`; how many forms the file had. */
typedef struct merged_form {
    hh_form_worker *worker;
    hh_form_result *r;
    long forms;
    bool unreadable;
} merged_form;

static int on_merged_form(hh_form_input *form, void *arg)
{
    merged_form *m = arg;
    if (m->forms++ == 0)
        hh_work_on_form(m->worker, form, m->r);
    return 0;
}

static int on_merged_input(int fd, const char *name, void *arg)
{
    merged_form *m = arg;
    hh_read_stats st = hh_read_forms(fd, name, &m->r->diags, on_merged_form, m);
    m->forms += st.refused;
    return 0;
}

static void on_merged_problem(const char *path, const char *why, void *arg)
{
    hh_print_file_problem(stderr, "hhreg resolve", path, why);
    ((merged_form *)arg)->unreadable = true;
}

/* Reads the merged form of `path` into `r`: EXIT_OK when it is one valid form, else
 * the exit code, having said why (its problems printed as `hhreg validate` prints them). */
static int read_merged_form(cli *c, const command *cmd, const char *path, hh_form_result *r)
{
    struct stat st;
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return cli_fail(cmd, cli_tr(c, "%s is not a file: --with takes the file of one household's form",
                                    "%s 不是文件：--with 需要一户表单的文件"),
                        path);
    hh_schemaset *set = cli_load_schemas(c, cmd);
    if (!set)
        return EXIT_USAGE;
    merged_form m = { hh_form_worker_new(set, false), r, 0, false };
    if (!m.worker)
        hh_out_of_memory();
    hh_path_visitor visitor = { on_merged_input, on_merged_problem, &m };
    hh_visit_path(path, &visitor);
    hh_form_worker_free(m.worker);
    hh_schemaset_free(set);
    for (size_t i = 0; i < r->diags.n; i++)
        hh_diag_print(stderr, &r->diags.items[i], c->lang);
    if (m.unreadable)
        return EXIT_USAGE;
    if (m.forms != 1)
        return cli_fail(cmd, cli_tr(c, "%s holds %ld forms: --with takes the one form of the household",
                                    "%s 含有 %ld 份表单：--with 只接受该户的一份表单"),
                        path, m.forms);
    if (!r->household) {
        fprintf(stderr, cli_tr(c, "hhreg resolve: %s is not valid: nothing was changed\n",
                               "hhreg resolve：%s 无效：未做任何更改\n"), path);
        return EXIT_PROBLEMS;
    }
    return EXIT_OK; /* its warnings, printed, are kept with the revision */
}

int cmd_resolve(cli *c, int argc, char **argv)
{
    static const struct option own[] = { { "keep", required_argument, NULL, 'k' },
                                         { "with", required_argument, NULL, 'w' },
                                         { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, resolve_option, 1, 1 };
    const command *cmd = cli_find_command("resolve");
    resolve_args a = { 0, NULL };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (!a.keep == !a.with)
        return cli_fail(cmd, "%s",
                        cli_tr(c, "say which revision to keep with --keep REVISION (hhreg conflicts lists them), "
                                  "or give a merged form with --with FILE; one of the two",
                               "请用 --keep 版本号 指定保留哪一版（hhreg conflicts 会列出），"
                               "或用 --with 文件 给出合并后的表单；二者选一"));
    hh_form_result form;
    hh_form_result_init(&form);
    if (a.with && (rc = read_merged_form(c, cmd, a.with, &form)) != EXIT_OK) {
        hh_form_result_free(&form);
        return rc;
    }
    hh_store *s = cli_open_store_to_change(c, cmd);
    char *id = NULL; /* named by its id, last digits or address, never quoted back */
    int found = s ? cli_household_named(c, cmd, s, argv[rest], &id) : EXIT_USAGE;
    if (found) {
        if (s)
            hh_store_close(s);
        hh_form_result_free(&form);
        return found;
    }
    hh_buf err;
    hh_buf_init(&err);
    int revision = 0;
    if (a.with) {
        char *source = hh_xasprintf("%s:%ld", form.file, form.line);
        hh_put_request put = hh_form_result_put(&form, source, c->actor);
        hh_diags refused;
        hh_diags_init(&refused);
        rc = hh_store_resolve_with(s, id, &put, &refused, &revision, &err);
        for (size_t i = 0; i < refused.n; i++)
            hh_diag_print(stderr, &refused.items[i], c->lang);
        hh_diags_free(&refused);
        free(source);
    } else {
        rc = hh_store_resolve(s, id, a.keep, c->actor, &revision, &err);
    }
    if (rc && err.len)
        fprintf(stderr, "hhreg resolve: %s\n", err.data);
    else if (rc == HH_RESOLVE_FORM_REFUSED)
        fprintf(stderr, cli_tr(c, "hhreg resolve: the store refused %s: nothing was changed\n",
                               "hhreg resolve：存储库拒绝了 %s：未做任何更改\n"), a.with);
    else if (rc == 0 && a.with)
        printf(cli_tr(c, "household %s: revision %d, the merged form of %s, is current; its conflicts are resolved\n",
                      "住户 %s：第 %d 版（%s 中合并后的表单）为当前版本；其冲突已解决\n"),
               id, revision, a.with);
    else if (rc == 0)
        printf(cli_tr(c, "household %s: revision %d, a copy of revision %d, is current; its conflicts are resolved\n",
                      "住户 %s：第 %d 版（复制自第 %d 版）为当前版本；其冲突已解决\n"),
               id, revision, a.keep);
    free(id);
    hh_buf_free(&err);
    hh_form_result_free(&form);
    hh_store_close(s);
    return rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
