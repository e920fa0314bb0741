/* cmd_user.c — `hhreg user add|passwd|disable|list`: the accounts of `hhreg serve`
 * (accounts.h). A password is read from the terminal without echo, typed twice, or
 * with --password-stdin as the first line of standard input (scripts, tests); it is
 * never an argument, where other users of the machine could read it in ps. */
#include "cli.h"
#include "json.h"
#include "store_accounts.h"

#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

typedef struct user_options {
    const char *role;
    const char **grids;
    size_t n_grids;
    bool password_stdin, json;
} user_options;

enum { OPT_ROLE = OPT_FIRST_OWN, OPT_GRID, OPT_PASSWORD_STDIN, OPT_JSON };

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    user_options *o = st;
    if (opt == OPT_ROLE)
        o->role = arg;
    else if (opt == OPT_GRID) {
        o->grids = hh_xrealloc(o->grids, (o->n_grids + 1) * sizeof *o->grids);
        o->grids[o->n_grids++] = arg;
    } else if (opt == OPT_PASSWORD_STDIN)
        o->password_stdin = true;
    else if (opt == OPT_JSON)
        o->json = true;
    return 0;
}

/* One line of `in` without its line end, at most HH_PASSWORD_MAX + 1 bytes kept
 * (a longer one is then refused as too long); NULL at end of input. */
static char *read_line(FILE *in)
{
    char line[HH_PASSWORD_MAX + 3];
    if (!fgets(line, sizeof line, in))
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    char *copy = hh_xstrdup(line);
    explicit_bzero(line, sizeof line); /* no copy of a password is left on the stack */
    return copy;
}

/* Reads `prompt`'s answer from the terminal with echo off. */
static char *ask_hidden(FILE *tty, const char *prompt)
{
    struct termios before, quiet;
    fprintf(tty, "%s", prompt);
    fflush(tty);
    bool restore = tcgetattr(fileno(tty), &before) == 0;
    if (restore) {
        quiet = before;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
    }
    char *answer = read_line(tty);
    if (restore)
        tcsetattr(fileno(tty), TCSAFLUSH, &before);
    fprintf(tty, "\n");
    return answer;
}

static void forget(char *password)
{
    if (password) {
        memset(password, 0, strlen(password));
        free(password);
    }
}

/* The new password of account `name`, checked: from standard input, or typed twice
 * on the terminal. NULL after saying why not. */
static char *new_password(const cli *c, const command *cmd, const user_options *o, const char *name)
{
    char *password = NULL;
    if (o->password_stdin) {
        password = read_line(stdin);
        if (!password) {
            cli_fail(cmd, cli_tr(c, "--password-stdin: standard input ended before a password line",
                                   "--password-stdin：标准输入在密码行之前就结束了"));
            return NULL;
        }
    } else {
        FILE *tty = fopen("/dev/tty", "r+");
        if (!tty) {
            cli_fail(cmd, cli_tr(c, "no terminal to type the password on: give it on standard input with --password-stdin",
                                   "没有可输入密码的终端：请用 --password-stdin 从标准输入给出"));
            return NULL;
        }
        char *prompt = hh_xasprintf(cli_tr(c, "New password for %s: ", "%s 的新密码："), name);
        password = ask_hidden(tty, prompt);
        char *again = password ? ask_hidden(tty, cli_tr(c, "The same password again: ", "再输入一次同一密码：")) : NULL;
        free(prompt);
        fclose(tty);
        bool same = again && strcmp(password, again) == 0;
        forget(again);
        if (!same) {
            forget(password);
            cli_fail(cmd, cli_tr(c, "the two passwords typed differ (or input ended); nothing was changed",
                                   "两次输入的密码不同（或输入结束了）；未作任何改动"));
            return NULL;
        }
    }
    const char *weak = hh_password_weakness(password);
    if (weak) {
        forget(password);
        cli_fail(cmd, cli_tr(c, "%s; nothing was changed", "%s；未作任何改动"), weak);
        return NULL;
    }
    return password;
}

/* The argon2id hash of a new password for `name`, or NULL after saying why not. */
static char *new_password_hash(const cli *c, const command *cmd, const user_options *o, const char *name)
{
    char *password = new_password(c, cmd, o, name);
    if (!password)
        return NULL;
    hh_buf err;
    hh_buf_init(&err);
    char *hash = hh_password_hash(password, &err);
    forget(password);
    if (!hash)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&err);
    return hash;
}

/* `add`'s options checked against each other: the role's name and grids. */
static int check_add(const cli *c, const command *cmd, const user_options *o, const char *name, hh_role *role)
{
    if (!hh_account_name_valid(name))
        return cli_fail(cmd, cli_tr(c, "an account name has 1 to 32 characters a-z, 0-9, '.', '_' or '-', and starts "
                                        "with a letter",
                                     "账号名由 1 到 32 个字符 a-z、0-9、“.”、“_”或“-”组成，以字母开头"));
    int r = o->role ? hh_role_parse(o->role) : -1;
    if (r < 0)
        return cli_fail(cmd, cli_tr(c, "give --role enumerator, supervisor, statistician or admin",
                                     "请给出 --role enumerator、supervisor、statistician 或 admin"));
    *role = (hh_role)r;
    for (size_t i = 0; i < o->n_grids; i++) {
        if (!hh_grid_code_valid(o->grids[i]))
            return cli_fail(cmd, cli_tr(c, "--grid %zu: a grid is a community code and a grid number (510105016003-03), "
                                            "a building of a grid (510105016003-03/543, the building as the forms give "
                                            "it) or a supervisor's whole community (510105016003)",
                                         "--grid %zu：网格是社区代码加网格号（510105016003-03），或网格内的楼栋"
                                         "（510105016003-03/543，楼栋同表单所填），或网格长负责的整个社区（510105016003）"),
                            i + 1);
        const char *refusal = hh_role_grid_refusal(*role, o->grids[i]);
        if (refusal)
            return cli_fail(cmd, cli_tr(c, "--grid %zu: %s", "--grid %zu：%s"), i + 1, refusal);
        for (size_t k = 0; k < i; k++)
            if (hh_grid_codes_overlap(o->grids[k], o->grids[i]))
                return cli_fail(cmd, cli_tr(c, "--grid %zu overlaps --grid %zu: give each grid once, or the community alone",
                                             "--grid %zu 与 --grid %zu 重叠：每个网格只给一次，或只给社区"),
                                i + 1, k + 1);
    }
    if ((*role == HH_ROLE_ENUMERATOR || *role == HH_ROLE_SUPERVISOR) && o->n_grids == 0)
        return cli_fail(cmd, cli_tr(c, "an %s sees only the households of their grids: give at least one --grid",
                                     "%s 只能看到其网格内的户：请至少给出一个 --grid"),
                        hh_role_name(*role));
    return 0;
}

static void print_account(const hh_account *a, void *arg)
{
    hh_json *j = arg;
    if (j) {
        hh_json_object(j, NULL);
        hh_json_str(j, "name", a->name);
        hh_json_str(j, "role", hh_role_name(a->role));
        hh_json_array(j, "grids");
        for (size_t i = 0; i < a->n_grids; i++)
            hh_json_str(j, NULL, a->grids[i]);
        hh_json_end(j);
        hh_json_str(j, "created", a->created_at);
        hh_json_bool(j, "disabled", a->disabled);
        hh_json_end(j);
        return;
    }
    printf("%-20s %-12s %-9s", a->name, hh_role_name(a->role), a->disabled ? "disabled" : "active");
    for (size_t i = 0; i < a->n_grids; i++)
        printf("%s%s", i ? ", " : " ", a->grids[i]);
    printf("\n");
}

static int list_accounts(const command *cmd, hh_store *s, bool json)
{
    hh_buf out, err;
    hh_buf_init(&out);
    hh_buf_init(&err);
    hh_json j;
    hh_json_init(&j, &out);
    if (json)
        hh_json_array(&j, NULL);
    int rc = hh_store_account_list(s, print_account, json ? &j : NULL, &err);
    if (json) {
        hh_json_end(&j);
        if (rc == 0)
            printf("%s\n", out.data);
    }
    if (rc)
        cli_fail(cmd, "%s", err.data);
    hh_buf_free(&out);
    hh_buf_free(&err);
    return rc ? EXIT_USAGE : EXIT_OK;
}

int cmd_user(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("user");
    static const struct option own[] = { { "role", required_argument, NULL, OPT_ROLE },
                                          { "grid", required_argument, NULL, OPT_GRID },
                                          { "password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN },
                                          { "json", no_argument, NULL, OPT_JSON },
                                          { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, own_option, 1, 2 };
    user_options o = { 0 };
    int rest, rc = cli_parse(c, cmd, &spec, &o, argc, argv, &rest);
    if (rc) {
        free(o.grids);
        return rc < 0 ? EXIT_OK : rc;
    }
    const char *action = argv[rest], *name = rest + 1 < argc ? argv[rest + 1] : NULL;
    bool listing = strcmp(action, "list") == 0;
    hh_role role = HH_ROLE_ENUMERATOR;
    if (!listing && strcmp(action, "add") && strcmp(action, "passwd") && strcmp(action, "disable"))
        rc = cli_fail(cmd, cli_tr(c, "say what to do: add, passwd, disable or list",
                                  "请说明要做什么：add、passwd、disable 或 list"));
    else if (listing ? name != NULL : name == NULL)
        rc = cli_fail(cmd, listing ? cli_tr(c, "list takes no account name", "list 不带账号名")
                                  : cli_tr(c, "name the account: hhreg user %s NAME", "请给出账号名：hhreg user %s 账号名"),
                      action);
    else if (strcmp(action, "add") == 0)
        rc = check_add(c, cmd, &o, name, &role);
    else if (o.role || o.n_grids)
        rc = cli_fail(cmd, cli_tr(c, "--role and --grid are given only with add", "--role 和 --grid 只用于 add"));
    char *hash = NULL;
    if (!rc && (strcmp(action, "add") == 0 || strcmp(action, "passwd") == 0) &&
        !(hash = new_password_hash(c, cmd, &o, name)))
        rc = EXIT_USAGE;
    hh_store *s = rc ? NULL : listing ? cli_open_store(c, cmd, false) : cli_open_store_to_change(c, cmd);
    if (!rc && !s)
        rc = EXIT_USAGE;
    if (s && listing)
        rc = list_accounts(cmd, s, o.json);
    else if (s) {
        hh_buf err;
        hh_buf_init(&err);
        int done = strcmp(action, "add") == 0
                       ? hh_store_account_add(s, name, role, hash, o.grids, o.n_grids, c->actor, &err)
                   : strcmp(action, "passwd") == 0 ? hh_store_account_set_password(s, name, hash, c->actor, &err)
                                                   : hh_store_account_disable(s, name, c->actor, &err);
        if (done < 0)
            rc = cli_fail(cmd, "%s", err.data);
        else if (done > 0) {
            fprintf(stderr, cli_tr(c, "hhreg user: %s\n", "hhreg user：%s\n"),
                    strcmp(action, "add") == 0
                        ? cli_tr(c, "that account name is taken (a name is never given twice)", "该账号名已被使用（账号名从不重复给出）")
                        : cli_tr(c, "there is no account of that name", "没有这个名字的账号"));
            rc = EXIT_PROBLEMS;
        } else
            printf(cli_tr(c, "account %s: %s\n", "账号 %s：%s\n"), name,
                   strcmp(action, "add") == 0      ? cli_tr(c, "added", "已添加")
                   : strcmp(action, "passwd") == 0 ? cli_tr(c, "password changed; its sessions ended", "密码已更改；其会话已结束")
                                                   : cli_tr(c, "disabled; its sessions ended", "已停用；其会话已结束"));
        hh_buf_free(&err);
    }
    free(hash);
    free(o.grids);
    hh_store_close(s);
    return rc;
}
