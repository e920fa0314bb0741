/* server_exports.c — exports over HTTP (docs/API.md, "Exports"). An admin starts a
 * plugin over the store (POST /api/v1/exports/{plugin}); the server runs `hhreg
 * export` for it in a child process, so the plugin is confined exactly as on the
 * command line (export_sandbox.c) and never runs in the server: spawned with
 * posix_spawn (never fork() from a thread of the pool), its messages kept in a file,
 * waited for by a thread of its own, which records how the run ended. One run at a
 * time: exports are the heaviest work a store does. Each run's output lives in its
 * own directory of the exports directory (EXPORTS/ID/...). An admin sees every run
 * and may release one of `summary` or `anonymise` — the plugins whose output is
 * protected — to the statisticians, who see and download only released runs.
 * Nothing of a run's output is ever read into the server's answers but its file
 * names; a download is sent from the file. */
#include "server_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plugin_loader.h"
#include "store_exports.h"

extern char **environ;

/* The most options a run takes, each passed as --opt KEY=VALUE. */
#define MAX_OPTIONS 64

/* The plugins whose output may be released to statisticians: protected tables and
 * anonymised microdata (field-work.md: they never see a name or an ID number). */
static const char *const releasable[] = { "summary", "anonymise" };

static bool is_releasable(const char *plugin)
{
    for (size_t i = 0; i < sizeof releasable / sizeof releasable[0]; i++)
        if (strcmp(plugin, releasable[i]) == 0)
            return true;
    return false;
}

/* The value of option `key` among a run's "KEY=VALUE" lines (malloc'd), or NULL. */
static char *option_of(const char *options, const char *key)
{
    size_t k = strlen(key);
    for (const char *o = options ? options : ""; *o;) {
        size_t n = strcspn(o, "\n");
        if (n > k && strncmp(o, key, k) == 0 && o[k] == '=')
            return hh_xasprintf("%.*s", (int)(n - k - 1), o + k + 1);
        o += n + (o[n] == '\n');
    }
    return NULL;
}

/* Whether a run's output is protected as the statisticians' releases must be:
 * anonymise always is (k-anonymity is not optional); summary only when its options
 * choose a method (suppress, cell-key, round; min-count alone implies suppression)
 * and the public flags — its default, method=none, is for internal use. */
static bool is_protected(const hh_export_run *r)
{
    if (strcmp(r->plugin, "summary") != 0)
        return is_releasable(r->plugin);
    char *method = option_of(r->options, "method"), *protect = option_of(r->options, "protect"),
         *min_count = option_of(r->options, "min-count"), *flags = option_of(r->options, "flags");
    const char *chosen = method ? method : protect;
    bool safe = chosen ? strcmp(chosen, "suppress") == 0 || strcmp(chosen, "cell-key") == 0 ||
                             strcmp(chosen, "round") == 0
                       : min_count && atol(min_count) >= 2;
    safe = safe && (!flags || strcmp(flags, "public") == 0);
    free(method);
    free(protect);
    free(min_count);
    free(flags);
    return safe;
}

struct hh_export_runner {
    char self[4096];        /* this program, run as `hhreg export` (read at start: valgrind says the client's) */
    pthread_mutex_t lock;   /* guards what follows */
    bool running, waiter_joinable;
    pid_t pid;              /* the running `hhreg export` */
    long run_id;
    char *log_path;         /* its messages */
    pthread_t waiter;
};

int hh_exports_make(hh_server *srv, hh_buf *err)
{
    hh_buf why;
    hh_buf_init(&why);
    long abandoned = hh_export_runs_abandon(srv->store, &why);
    if (abandoned < 0)
        hh_buf_printf(err, "%s", why.data);
    hh_buf_free(&why);
    if (abandoned < 0)
        return -1;
    struct hh_export_runner *x = hh_xmalloc(sizeof *x);
    memset(x, 0, sizeof *x);
    ssize_t n = readlink("/proc/self/exe", x->self, sizeof x->self - 1);
    if (n <= 0 || (size_t)n >= sizeof x->self - 1) {
        hh_buf_printf(err, "cannot tell where this program is (/proc/self/exe): %s", strerror(errno));
        free(x);
        return -1;
    }
    pthread_mutex_init(&x->lock, NULL);
    srv->exports = x;
    return 0;
}

void hh_exports_free(hh_server *srv)
{
    struct hh_export_runner *x = srv->exports;
    if (!x)
        return;
    pthread_mutex_lock(&x->lock);
    if (x->running) /* a stop: the run is cut short, and recorded as failed by its waiter */
        kill(-x->pid, SIGTERM);
    bool join = x->waiter_joinable;
    pthread_mutex_unlock(&x->lock);
    if (join)
        pthread_join(x->waiter, NULL);
    pthread_mutex_destroy(&x->lock);
    free(x->log_path);
    free(x);
    srv->exports = NULL;
}

static void run_json(hh_json *j, const hh_server *srv, const hh_export_run *r, bool for_admin);

/* The last lines of what `hhreg export` said (at most 2 KiB: its summary or its
 * reason), for the run's message. */
static char *read_messages(const char *path)
{
    FILE *f = fopen(path, "rb");
    char text[2048] = "";
    size_t n = 0;
    if (f) {
        if (fseek(f, 0, SEEK_END) == 0) {
            long size = ftell(f);
            fseek(f, size > (long)sizeof text - 1 ? size - (long)sizeof text + 1 : 0, SEEK_SET);
        }
        n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
    }
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
        n--;
    text[n] = '\0';
    return hh_xstrdup(text);
}

/* The waiter: the run's end, recorded in the store. */
static void *wait_for_run(void *arg)
{
    hh_server *srv = arg;
    struct hh_export_runner *x = srv->exports;
    pthread_mutex_lock(&x->lock);
    pid_t pid = x->pid;
    long id = x->run_id;
    pthread_mutex_unlock(&x->lock);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    pthread_mutex_lock(&x->lock);
    char *said = read_messages(x->log_path);
    unlink(x->log_path);
    pthread_mutex_unlock(&x->lock);
    if (!ok && !*said) {
        free(said);
        said = hh_xasprintf("hhreg export ended %s %d", WIFSIGNALED(status) ? "by signal" : "with status",
                            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    }
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->store_lock);
    if (hh_export_run_finish(srv->store, id, ok, said, &err) != 0)
        fprintf(stderr, "hhreg serve: export run %ld: %s\n", id, err.data);
    pthread_mutex_unlock(&srv->store_lock);
    hh_buf_free(&err);
    free(said);
    pthread_mutex_lock(&x->lock);
    x->running = false;
    pthread_mutex_unlock(&x->lock);
    return NULL;
}

/* A plain file name chosen for a one-file output ("tables.json"), or NULL. */
static bool plain_file_name(const char *name)
{
    if (!name || !*name || strlen(name) > 100 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return false;
    for (const char *c = name; *c; c++)
        if (!(('a' <= *c && *c <= 'z') || ('A' <= *c && *c <= 'Z') || ('0' <= *c && *c <= '9') || strchr("._-", *c)))
            return false;
    return *name != '.';
}

/* Starts this program with `argv` in a process group of its own, its standard
 * output into the new file `out` (mode 0600) and its standard error there too
 * (`errors_too`) or to /dev/null, the signals the server blocks unblocked and their
 * actions the defaults. 0, or the errno of posix_spawn. */
static int spawn_self(const hh_server *srv, const char *const *argv, const char *out, bool errors_too, pid_t *pid)
{
    posix_spawn_file_actions_t files;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (errors_too)
        posix_spawn_file_actions_adddup2(&files, 1, 2);
    else
        posix_spawn_file_actions_addopen(&files, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGHUP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0); /* its own group: a stop ends it and its plugin together */
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    int rc = posix_spawn(pid, srv->exports->self, &files, &attr, (char *const *)argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&files);
    return rc;
}

/* The kinds of file a run's output is downloaded as: its extension, its type. */
static const struct {
    const char *ext, *type;
} download_types[] = { { "csv", "text/csv; charset=utf-8" },   { "json", "application/json" },
                       { "jsonl", "application/jsonl" },       { "xml", "application/xml" },
                       { "html", "text/html; charset=utf-8" }, { "txt", "text/plain; charset=utf-8" } };

/* The value of a run's option "format" ("KEY=VALUE" lines) when it is the extension
 * of a kind of file above (summary's format=json or html), else NULL: the one output
 * file of a plugin that writes several formats is named after the one asked for. */
static const char *format_extension(const char *options)
{
    const char *format = NULL; /* the last given, as hhreg export takes it */
    size_t format_len = 0;
    for (const char *line = options; line && *line;) {
        size_t len = strcspn(line, "\n");
        if (strncmp(line, "format=", 7) == 0) {
            format = line + 7;
            format_len = len - 7;
        }
        line += len + (line[len] == '\n');
    }
    for (size_t i = 0; format && i < sizeof download_types / sizeof download_types[0]; i++)
        if (format_len == strlen(download_types[i].ext) && strncmp(format, download_types[i].ext, format_len) == 0)
            return download_types[i].ext;
    return NULL;
}

/* The file name extension plugin `plugin` gives its one output file ("csv"), as
 * `hhreg plugins --json` says in a child process (the plugins are loaded there, never
 * here); malloc'd, "" for a directory plugin or when it cannot be told. */
static char *plugin_extension(const hh_server *srv, const char *plugin)
{
    const char *argv[] = { "hhreg", "plugins", "--json", srv->config.plugin_dir ? "--plugin-dir" : NULL,
                           srv->config.plugin_dir, NULL };
    char *out = hh_xasprintf("%s/plugins-XXXXXX", srv->config.exports_dir);
    int fd = mkstemp(out); /* a name of its own: two admins may start runs at once */
    if (fd >= 0)
        close(fd);
    pid_t pid;
    int status = -1;
    if (fd >= 0 && spawn_self(srv, argv, out, false, &pid) == 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    json_error_t error;
    json_t *list = status == 0 ? json_load_file(out, 0, &error) : NULL, *p;
    if (fd >= 0)
        unlink(out);
    free(out);
    size_t i;
    char *ext = NULL;
    json_array_foreach(list, i, p) {
        const char *e = json_string_value(json_object_get(p, "extension"));
        const char *named = json_string_value(json_object_get(p, "name"));
        if (!ext && e && named && strcmp(named, plugin) == 0)
            ext = hh_xstrdup(plain_file_name(e) ? e : "");
    }
    json_decref(list);
    return ext ? ext : hh_xstrdup("");
}

/* Starts `hhreg export` for a run writing `target`, its messages into `log`. 0, or
 * the errno of posix_spawn. */
static int spawn_export(hh_server *srv, const char *plugin, const char *area, const char *options, const char *by,
                        const char *target, const char *log, pid_t *pid)
{
    const char *argv[24 + 2 * MAX_OPTIONS]; /* hhreg's own arguments, then every option */
    size_t n = 0;
    argv[n++] = "hhreg";
    argv[n++] = "export";
    argv[n++] = "--db";
    argv[n++] = hh_store_path(srv->store);
    argv[n++] = "--schema-dir";
    argv[n++] = srv->schemas->dir;
    argv[n++] = "--enumerator";
    argv[n++] = by;
    argv[n++] = "--lang";
    argv[n++] = "en";
    if (srv->config.plugin_dir) {
        argv[n++] = "--plugin-dir";
        argv[n++] = srv->config.plugin_dir;
    }
    if (area) {
        argv[n++] = "--area";
        argv[n++] = area;
    }
    argv[n++] = "-o";
    argv[n++] = target;
    char *copy = hh_xstrdup(options ? options : "");
    for (char *o = strtok(copy, "\n"); o; o = strtok(NULL, "\n")) { /* at most MAX_OPTIONS (options_of) */
        argv[n++] = "--opt";
        argv[n++] = o;
    }
    argv[n++] = plugin;
    argv[n] = NULL;
    int rc = spawn_self(srv, argv, log, true, pid);
    free(copy);
    return rc;
}

/* The body's "options" (["KEY=VALUE", ...]) as lines into `out`; false when it is
 * not an array of such strings (a line break or NUL in one included). */
static bool options_of(json_t *body, hh_buf *out)
{
    json_t *opts = json_object_get(body, "options"), *one;
    size_t i;
    if (!opts)
        return true;
    if (!json_is_array(opts) || json_array_size(opts) > MAX_OPTIONS)
        return false;
    json_array_foreach(opts, i, one) {
        const char *o = json_string_value(one);
        if (!o || strlen(o) != json_string_length(one) || !strchr(o, '=') || *o == '=' || strpbrk(o, "\r\n") ||
            strlen(o) > 4096)
            return false;
        hh_buf_printf(out, "%s%s", out->len ? "\n" : "", o);
    }
    return true;
}

unsigned hh_export_start(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_EXPORT, NULL, NULL))
        return hh_answer_forbidden(rq);
    hh_server *srv = rq->server;
    const char *plugin = rq->arg;
    hh_plugin_dirs dirs;
    hh_plugin_dirs_init(&dirs, srv->config.plugin_dir);
    hh_buf why;
    hh_buf_init(&why);
    char *file = hh_plugin_name_valid(plugin) ? hh_plugin_locate(&dirs, plugin, &why) : NULL;
    hh_plugin_dirs_free(&dirs);
    hh_buf_free(&why);
    if (!file)
        return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-plugin", "There is no export plugin of that name.",
                               "没有该名称的导出插件。");
    free(file);
    if (mkdir(srv->config.exports_dir, 0700) != 0 && errno != EEXIST) /* made with the first run */
        return hh_answer_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "export-start",
                               "The exports directory cannot be made (see the server's --exports-dir).",
                               "无法创建导出目录（见服务器的 --exports-dir）。");
    json_error_t error;
    json_t *body = rq->body.len ? json_loadb(rq->body.data, rq->body.len, JSON_REJECT_DUPLICATES, &error) : NULL;
    if (rq->body.len && !json_is_object(body)) {
        json_decref(body);
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "body", "The body is not a JSON object.",
                               "请求内容不是 JSON 对象。");
    }
    hh_buf options;
    hh_buf_init(&options);
    hh_buf_puts(&options, "");
    const char *area = json_string_value(json_object_get(body, "area"));
    const char *name = json_string_value(json_object_get(body, "file"));
    unsigned status = 0;
    if (body && !options_of(body, &options))
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "options",
                                 "\"options\" is a list of \"KEY=VALUE\" texts, as hhreg export --opt takes them.",
                                 "\"options\" 应为 \"KEY=VALUE\" 文本的列表，与 hhreg export --opt 相同。");
    else if (json_object_get(body, "area") &&
             (!area || !*area || strlen(area) > 20 || strspn(area, "0123456789-") != strlen(area)))
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "area", "\"area\" is an area code or household id prefix.",
                                 "\"area\" 应为区划代码或户编号前缀。");
    else if (json_object_get(body, "file") && !plain_file_name(name))
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "file",
                                 "\"file\" is a plain file name of letters, digits, '.', '_' and '-'.",
                                 "\"file\" 应为仅含字母、数字、“.”、“_”和“-”的文件名。");
    char *extension = !status && !name ? plugin_extension(srv, plugin) : NULL;
    const char *format = extension && *extension ? format_extension(options.data) : NULL; /* one file, not a directory */
    if (format) {
        free(extension);
        extension = hh_xstrdup(format);
    }
    char *output = name ? hh_xstrdup(name)
                        : hh_xasprintf("%s%s%s", plugin, extension && *extension ? "." : "", extension ? extension : "");
    free(extension);
    struct hh_export_runner *x = srv->exports;
    pthread_mutex_lock(&x->lock);
    if (!status && x->running)
        status = hh_answer_error(rq, MHD_HTTP_CONFLICT, "export-running",
                                 "An export is running; start this one when it has ended.",
                                 "已有导出正在运行，请待其结束后再开始。");
    long id = 0;
    hh_buf err;
    hh_buf_init(&err);
    if (!status) {
        pthread_mutex_lock(&srv->store_lock);
        int rc = hh_export_run_add(srv->store, plugin, area, options.data, output, rq->who.name, &id, &err);
        pthread_mutex_unlock(&srv->store_lock);
        rq->audited = rc == 0;
        if (rc)
            status = hh_answer_store_failed(rq);
    }
    if (!status) {
        char *dir = hh_xasprintf("%s/%ld", srv->config.exports_dir, id);
        char *target = hh_xasprintf("%s/%s", dir, output);
        free(x->log_path);
        x->log_path = hh_xasprintf("%s.log", dir);
        int rc = mkdir(dir, 0700) == 0 ? 0 : errno;
        if (rc == EEXIST) { /* a run of this number before the store was restored from a backup: kept aside */
            char *aside = hh_xasprintf("%s.before-%ld", dir, (long)time(NULL));
            rc = rename(dir, aside) == 0 && mkdir(dir, 0700) == 0 ? 0 : errno;
            free(aside);
        }
        if (rc == 0)
            rc = spawn_export(srv, plugin, area, options.data, rq->who.name, target, x->log_path, &x->pid);
        if (rc == 0) {
            if (x->waiter_joinable)
                pthread_join(x->waiter, NULL); /* the last run's waiter, long done */
            x->running = true;
            x->run_id = id;
            x->waiter_joinable = pthread_create(&x->waiter, NULL, wait_for_run, srv) == 0;
            if (!x->waiter_joinable) { /* nobody would wait for it: it is ended here */
                kill(-x->pid, SIGTERM);
                while (waitpid(x->pid, NULL, 0) < 0 && errno == EINTR)
                    ;
                x->running = false;
            }
        }
        if (rc != 0 || !x->waiter_joinable) {
            char *message = hh_xasprintf("cannot start hhreg export: %s", strerror(rc ? rc : EAGAIN));
            pthread_mutex_lock(&srv->store_lock);
            hh_export_run_finish(srv->store, id, false, message, &err);
            pthread_mutex_unlock(&srv->store_lock);
            free(message);
            status = hh_answer_error(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, "export-start",
                                     "The export could not be started (see the run's message).",
                                     "无法启动导出（见该次运行的说明）。");
        }
        free(target);
        free(dir);
    }
    pthread_mutex_unlock(&x->lock);
    if (!status) {
        hh_export_run run;
        pthread_mutex_lock(&srv->store_lock);
        int rc = hh_export_run_get(srv->store, id, &run, &err);
        pthread_mutex_unlock(&srv->store_lock);
        if (rc == 0) {
            hh_json j;
            hh_json_init(&j, &rq->answer);
            run_json(&j, srv, &run, true);
            hh_export_run_free(&run);
            status = MHD_HTTP_ACCEPTED;
        } else {
            status = hh_answer_store_failed(rq);
        }
    }
    free(output);
    hh_buf_free(&err);
    hh_buf_free(&options);
    json_decref(body);
    return status;
}

/* --- reading runs ------------------------------------------------------------------------------ */

/* Calls `fn` for each file of run `id`'s output: "summary.csv", or a directory
 * plugin's "anonymise/persons.csv" (one level: plugins write no deeper). */
static void each_file(const hh_server *srv, long id, void (*fn)(const char *name, const struct stat *st, void *arg),
                      void *arg)
{
    char *dir = hh_xasprintf("%s/%ld", srv->config.exports_dir, id);
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *path = hh_xasprintf("%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            fn(e->d_name, &st, arg);
        } else if (S_ISDIR(st.st_mode) && !strstr(e->d_name, ".hhreg-")) { /* not a run's temporary directory */
            DIR *sub = opendir(path);
            struct dirent *f;
            while (sub && (f = readdir(sub))) {
                char *inner = hh_xasprintf("%s/%s", path, f->d_name), *name = hh_xasprintf("%s/%s", e->d_name, f->d_name);
                if (f->d_name[0] != '.' && lstat(inner, &st) == 0 && S_ISREG(st.st_mode))
                    fn(name, &st, arg);
                free(name);
                free(inner);
            }
            if (sub)
                closedir(sub);
        }
        free(path);
    }
    if (d)
        closedir(d);
    free(dir);
}

static void file_json(const char *name, const struct stat *st, void *arg)
{
    hh_json *j = arg;
    hh_json_object(j, NULL);
    hh_json_str(j, "name", name);
    hh_json_int(j, "size", (long)st->st_size);
    hh_json_end(j);
}

/* Whether the account may see run `r`: an admin every run, a statistician a
 * released one. */
static bool may_see(const hh_account *who, const hh_export_run *r)
{
    return hh_access_allows(who, HH_ACT_READ_EXPORTS, NULL, NULL) &&
           (who->role == HH_ROLE_ADMIN || (r->released_at && is_releasable(r->plugin)));
}

static void run_json(hh_json *j, const hh_server *srv, const hh_export_run *r, bool for_admin)
{
    hh_export_run_json(j, NULL, r, for_admin);
    hh_json_bool(j, "releasable", strcmp(r->state, "done") == 0 && is_protected(r)); /* as the release route decides */
    hh_json_array(j, "files");
    if (strcmp(r->state, "done") == 0)
        each_file(srv, r->id, file_json, j);
    hh_json_end(j);
    hh_json_end(j);
}

typedef struct list_state {
    hh_request *rq;
    hh_json json;
    long listed;
} list_state;

static int list_run(const hh_export_run *r, void *arg)
{
    list_state *st = arg;
    if (!may_see(&st->rq->who, r))
        return 0;
    run_json(&st->json, st->rq->server, r, st->rq->who.role == HH_ROLE_ADMIN);
    st->listed++;
    return 0;
}

/* The plugins an admin may start: NAME.so in the plugin directories, by name only
 * (no plugin is loaded into the server: `hhreg plugins` describes them). */
static void list_plugins(hh_json *j, const hh_server *srv)
{
    hh_plugin_dirs dirs;
    hh_plugin_dirs_init(&dirs, srv->config.plugin_dir);
    hh_json_array(j, "plugins");
    hh_buf seen;
    hh_buf_init(&seen);
    hh_buf_puts(&seen, "\n");
    for (size_t i = 0; i < dirs.n; i++) {
        DIR *d = opendir(dirs.dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            size_t n = strlen(e->d_name);
            if (n < 4 || strcmp(e->d_name + n - 3, ".so") != 0)
                continue;
            char *name = hh_xasprintf("%.*s", (int)(n - 3), e->d_name), *key = hh_xasprintf("\n%s\n", name);
            if (hh_plugin_name_valid(name) && !strstr(seen.data, key)) {
                hh_buf_printf(&seen, "%s\n", name);
                hh_json_object(j, NULL);
                hh_json_str(j, "name", name);
                hh_json_bool(j, "releasable", is_releasable(name));
                hh_json_end(j);
            }
            free(key);
            free(name);
        }
        if (d)
            closedir(d);
    }
    hh_json_end(j);
    hh_buf_free(&seen);
    hh_plugin_dirs_free(&dirs);
}

unsigned hh_exports_list(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_READ_EXPORTS, NULL, NULL))
        return hh_answer_forbidden(rq);
    hh_server *srv = rq->server;
    list_state st = { .rq = rq };
    hh_json_init(&st.json, &rq->answer);
    hh_json_object(&st.json, NULL);
    if (rq->who.role == HH_ROLE_ADMIN)
        list_plugins(&st.json, srv);
    hh_json_array(&st.json, "runs");
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->store_lock);
    int rc = hh_export_run_each(srv->store, rq->who.role != HH_ROLE_ADMIN, list_run, &st, &err);
    pthread_mutex_unlock(&srv->store_lock);
    hh_buf_free(&err);
    if (rc)
        return hh_answer_store_failed(rq);
    hh_json_end(&st.json);
    hh_json_end(&st.json);
    return MHD_HTTP_OK;
}

/* Run {id} of the request, when it exists and the account may see it: 0; else the
 * answer's status (404 for a run it may not see, as for one that does not exist). */
static unsigned find_run(hh_request *rq, hh_export_run *run)
{
    memset(run, 0, sizeof *run);
    if (!hh_access_allows(&rq->who, HH_ACT_READ_EXPORTS, NULL, NULL))
        return hh_answer_forbidden(rq);
    char *end;
    long id = strtol(rq->arg, &end, 10);
    int rc = 1;
    hh_buf err;
    hh_buf_init(&err);
    if (*end == '\0' && id > 0 && strspn(rq->arg, "0123456789") == strlen(rq->arg)) {
        pthread_mutex_lock(&rq->server->store_lock);
        rc = hh_export_run_get(rq->server->store, id, run, &err);
        pthread_mutex_unlock(&rq->server->store_lock);
    }
    hh_buf_free(&err);
    if (rc < 0)
        return hh_answer_store_failed(rq);
    if (rc > 0 || !may_see(&rq->who, run)) {
        hh_export_run_free(run);
        return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-run", "There is no export run of that number for you.",
                               "没有您可查看的该编号导出。");
    }
    return 0;
}

unsigned hh_export_run_get_route(hh_request *rq)
{
    hh_export_run run;
    unsigned status = find_run(rq, &run);
    if (status)
        return status;
    hh_json j;
    hh_json_init(&j, &rq->answer);
    run_json(&j, rq->server, &run, rq->who.role == HH_ROLE_ADMIN);
    hh_export_run_free(&run);
    return MHD_HTTP_OK;
}

unsigned hh_export_release(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_EXPORT, NULL, NULL))
        return hh_answer_forbidden(rq);
    hh_export_run run;
    unsigned status = find_run(rq, &run);
    if (status)
        return status;
    if (!is_releasable(run.plugin))
        status = hh_answer_error(rq, MHD_HTTP_CONFLICT, "not-releasable",
                                 "Only a run of summary or anonymise may be released: others hold personal data.",
                                 "只有 summary 或 anonymise 的导出可以发布：其他导出含有个人信息。");
    else if (strcmp(run.state, "done") != 0)
        status = hh_answer_error(rq, MHD_HTTP_CONFLICT, "not-finished", "Only a run that is done may be released.",
                                 "只有已完成的导出可以发布。");
    else if (!is_protected(&run))
        status = hh_answer_error(rq, MHD_HTTP_CONFLICT, "unprotected",
                                 "This summary run is not protected: release one run with method=suppress, cell-key "
                                 "or round (or min-count) and the public flags.",
                                 "该 summary 导出未经保护：请发布使用 method=suppress、cell-key 或 round（或 min-count）"
                                 "及公开标记的导出。");
    else if (!run.released_at) {
        hh_buf err;
        hh_buf_init(&err);
        pthread_mutex_lock(&rq->server->store_lock);
        int rc = hh_export_run_release(rq->server->store, run.id, rq->who.name, &err);
        pthread_mutex_unlock(&rq->server->store_lock);
        hh_buf_free(&err);
        rq->audited = rc == 0;
        if (rc)
            status = hh_answer_store_failed(rq);
    }
    long id = run.id;
    hh_export_run_free(&run);
    if (status)
        return status;
    /* released (now or before: a repeat changes nothing) */
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&rq->server->store_lock);
    int rc = hh_export_run_get(rq->server->store, id, &run, &err);
    pthread_mutex_unlock(&rq->server->store_lock);
    hh_buf_free(&err);
    if (rc)
        return hh_answer_store_failed(rq);
    hh_json j;
    hh_json_init(&j, &rq->answer);
    run_json(&j, rq->server, &run, true);
    hh_export_run_free(&run);
    return MHD_HTTP_OK;
}

typedef struct file_lookup {
    const char *wanted;
    bool found;
    off_t size;
} file_lookup;

static void match_file(const char *name, const struct stat *st, void *arg)
{
    file_lookup *l = arg;
    if (strcmp(name, l->wanted) == 0) {
        l->found = true;
        l->size = st->st_size;
    }
}

/* The type a downloaded file is sent as, by its extension. */
static const char *file_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof download_types / sizeof download_types[0]; i++)
        if (strcmp(dot + 1, download_types[i].ext) == 0)
            return download_types[i].type;
    return "application/octet-stream";
}

unsigned hh_export_file(hh_request *rq)
{
    hh_export_run run;
    unsigned status = find_run(rq, &run);
    if (status)
        return status;
    const char *name = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "name");
    file_lookup l = { name ? name : "", false, 0 };
    if (strcmp(run.state, "done") == 0)
        each_file(rq->server, run.id, match_file, &l); /* only a name the listing gives: no path is ever joined from the request */
    char *path = l.found ? hh_xasprintf("%s/%ld/%s", rq->server->config.exports_dir, run.id, l.wanted) : NULL;
    int fd = path ? open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        status = hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-file",
                                 "That run has no file of that name (see the run's \"files\").",
                                 "该导出没有此名称的文件（见其 \"files\"）。");
    } else {
        bool head = *hh_request_head_only(rq);
        char *detail = hh_xasprintf("export run %ld: %s %s over HTTP from %s%s", run.id, l.wanted,
                                    head ? "looked up" : "downloaded", rq->from, hh_request_head_only(rq));
        hh_buf err;
        hh_buf_init(&err);
        pthread_mutex_lock(&rq->server->store_lock);
        int rc = hh_store_audit(rq->server->store, rq->who.name, "export-download", NULL, 0, detail, &err);
        pthread_mutex_unlock(&rq->server->store_lock);
        hh_buf_free(&err);
        free(detail);
        rq->audited = rc == 0;
        if (rc) {
            close(fd);
            status = hh_answer_store_failed(rq);
        } else {
            rq->file_fd = fd;
            rq->file_size = (uint64_t)st.st_size;
            rq->content_type = file_type(l.wanted);
            const char *base = strrchr(l.wanted, '/');
            base = base ? base + 1 : l.wanted;
            snprintf(rq->disposition, sizeof rq->disposition, plain_file_name(base) ? "attachment; filename=\"%s\""
                                                                                    : "attachment",
                     base);
            status = MHD_HTTP_OK;
        }
    }
    free(path);
    hh_export_run_free(&run);
    return status;
}
