/* plugin_loader.c — see plugin_loader.h. Loading goes through /proc/self/fd so the
 * file that was checked is the file that is loaded, with no window for a swap. A
 * listing (hh_plugin_scan) loads each plugin in a child first: the code a plugin runs
 * when it is loaded could otherwise crash or stop `hhreg plugins` and `hhreg doctor`,
 * the tools that are to say what is wrong with it. */
#define _GNU_SOURCE /* O_PATH */
#include "plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "diag.h"

const char *hh_default_plugin_dir(void)
{
    return HH_PLUGIN_DIR;
}

/* Adds a directory once: one named again further along the path (by --plugin-dir and
 * $HHREG_PLUGIN_PATH, say) would only be searched, or refused, a second time. */
static void add_dir(hh_plugin_dirs *d, const char *dir, size_t len)
{
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->dirs[i]) == len && strncmp(d->dirs[i], dir, len) == 0)
            return;
    if (len && d->n < HH_PLUGIN_MAX_DIRS)
        d->dirs[d->n++] = hh_xstrndup(dir, len);
}

void hh_plugin_dirs_init(hh_plugin_dirs *d, const char *first)
{
    d->n = 0;
    d->allow_shadow = false;
    if (first)
        add_dir(d, first, strlen(first));
    d->chosen = d->n;
    const char *env = getenv("HHREG_PLUGIN_PATH");
    while (env && *env) {
        const char *colon = strchr(env, ':');
        size_t len = colon ? (size_t)(colon - env) : strlen(env);
        add_dir(d, env, len);
        env = colon ? colon + 1 : NULL;
    }
    add_dir(d, HH_PLUGIN_DIR, strlen(HH_PLUGIN_DIR));
}

void hh_plugin_dirs_free(hh_plugin_dirs *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->dirs[i]);
    d->n = 0;
}

bool hh_plugin_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n < 1 || n > 32)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
        if (!ok)
            return false;
    }
    return true;
}

/* Owned by root or us, and writable by nobody else. */
static const char *unsafe_owner_or_mode(const struct stat *st)
{
    if (st->st_uid != 0 && st->st_uid != geteuid())
        return hh_tr("it belongs to another user", "该文件属于其他用户");
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return hh_tr("it is writable by group or others", "该文件可被同组或其他用户写入");
    return NULL;
}

/* Why a directory on the way down to a plugin directory cannot be trusted, or NULL;
 * `last`: it is the plugin directory itself, which gets no sticky-bit exception. */
static const char *unsafe_directory(const struct stat *st, bool last)
{
    if (S_ISLNK(st->st_mode))
        return hh_tr("is a symbolic link (plugins are loaded only through real directories: name the directory it "
                     "points to)",
                     "是符号链接（插件只经由真实目录加载：请给出它指向的目录）");
    if (!S_ISDIR(st->st_mode))
        return hh_tr("is not a directory", "不是目录");
    if (st->st_uid != 0 && st->st_uid != geteuid())
        return hh_tr("belongs to another user", "属于其他用户");
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) && (last || !(st->st_mode & S_ISVTX)))
        return last ? hh_tr("is writable by group or others", "可被同组或其他用户写入")
                    : hh_tr("is writable by group or others and has no sticky bit",
                            "可被同组或其他用户写入，且没有粘滞位");
    return NULL;
}

/* "cannot be opened (REASON)" for system error `e`, into `buf`: said of a directory
 * like unsafe_directory's reasons. */
static const char *cannot_open(char buf[static 200], int e)
{
    snprintf(buf, 200, hh_tr("cannot be opened (%s)", "无法打开（%s）"), hh_system_reason(e));
    return buf;
}

/* Opens plugin directory `dir` by walking down to it from / (a relative one from
 * the working directory, whose path getcwd gives without links), each step with
 * O_NOFOLLOW and each directory checked as plugin_loader.h says. The descriptor
 * (O_PATH), -1 when refused (`err`), -2 when it does not exist (not an error: the
 * next directory is tried). */
static int open_dir(const char *dir, hh_buf *err)
{
    char *cwd = dir[0] == '/' ? NULL : getcwd(NULL, 0);
    if (dir[0] != '/' && !cwd) {
        hh_buf_printf(err,
                      hh_tr("plugin directory %s: refused, the working directory cannot be named: %s",
                            "插件目录 %s：已拒绝，无法得出当前工作目录的路径：%s"),
                      dir, hh_system_reason(errno));
        return -1;
    }
    char *full = cwd ? hh_xasprintf("%s/%s", cwd, dir) : hh_xstrdup(dir);
    free(cwd);
    hh_buf walked; /* the directory checked last, for the message */
    hh_buf_init(&walked);
    hh_buf_putc(&walked, '/');
    const char *why = NULL;
    char system_reason[200];
    struct stat st;
    const char *p = full + strspn(full, "/");
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0)
        why = cannot_open(system_reason, errno);
    else
        why = unsafe_directory(&st, *p == '\0');
    while (!why && *p) {
        size_t len = strcspn(p, "/");
        char *name = hh_xstrndup(p, len);
        p += len;
        p += strspn(p, "/");
        if (walked.len > 1)
            hh_buf_putc(&walked, '/');
        hh_buf_puts(&walked, name);
        int next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int saved = errno;
        if (next < 0 && saved == ENOTDIR && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
            why = unsafe_directory(&st, *p == '\0');
        else if (next < 0)
            why = saved == ENOENT ? "" : cannot_open(system_reason, saved);
        else if (fstat(next, &st) != 0)
            why = cannot_open(system_reason, errno);
        else
            why = unsafe_directory(&st, *p == '\0');
        free(name);
        close(fd);
        fd = next;
    }
    int rc = fd;
    if (why && !*why) {
        rc = -2;
    } else if (why) {
        if (*p == '\0')
            hh_buf_printf(err, hh_tr("plugin directory %s: refused, it %s", "插件目录 %s：已拒绝，该目录%s"), dir, why);
        else
            hh_buf_printf(err,
                          hh_tr("plugin directory %s: refused, %s on its path %s",
                                "插件目录 %s：已拒绝，其路径上的 %s %s"),
                          dir, walked.data, why);
        rc = -1;
    }
    if (why && fd >= 0)
        close(fd);
    hh_buf_free(&walked);
    free(full);
    return rc;
}

unsigned hh_plugin_flags(const hhreg_plugin *p)
{
    return p->struct_size >= offsetof(hhreg_plugin, flags) + sizeof p->flags ? p->flags : 0;
}

hhreg_tombstone_fn hh_plugin_tombstone(const hhreg_plugin *p)
{
    return p->struct_size >= offsetof(hhreg_plugin, tombstone) + sizeof p->tombstone ? p->tombstone : NULL;
}

hhreg_revision_fn hh_plugin_revision(const hhreg_plugin *p)
{
    return p->struct_size >= offsetof(hhreg_plugin, revision) + sizeof p->revision ? p->revision : NULL;
}

static int check_descriptor(const hhreg_plugin *p, const char *name, const char *path, hh_buf *err)
{
    if (p->magic != HHREG_PLUGIN_MAGIC)
        hh_buf_printf(err,
                      hh_tr("%s: refused, its descriptor does not start with the hhreg plugin magic number",
                            "%s：已拒绝，其描述符不以 hhreg 插件的魔数开头"),
                      path);
    else if (p->abi_major != HHREG_PLUGIN_ABI_MAJOR)
        hh_buf_printf(err,
                      hh_tr("%s: refused, it was built for plugin ABI %u and this hhreg has ABI %d",
                            "%s：已拒绝，它是为插件 ABI 版本 %u 构建的，而本 hhreg 的 ABI 版本为 %d"),
                      path, p->abi_major, HHREG_PLUGIN_ABI_MAJOR);
    else if (p->min_api_minor > HHREG_HOST_API_MINOR)
        hh_buf_printf(err,
                      hh_tr("%s: refused, it needs host API 1.%u and this hhreg offers 1.%d; upgrade hhreg",
                            "%s：已拒绝，它需要宿主 API 1.%u，而本 hhreg 只提供 1.%d；请升级 hhreg"),
                      path, p->min_api_minor, HHREG_HOST_API_MINOR);
    else if (p->struct_size < HHREG_PLUGIN_SIZE_1_0)
        hh_buf_printf(err,
                      hh_tr("%s: refused, its descriptor is %zu bytes, shorter than the %zu of ABI %d",
                            "%1$s：已拒绝，其描述符为 %2$zu 字节，短于 ABI 版本 %4$d 所需的 %3$zu 字节"),
                      path, p->struct_size, (size_t)HHREG_PLUGIN_SIZE_1_0, HHREG_PLUGIN_ABI_MAJOR);
    else if (!p->name || strcmp(p->name, name) != 0)
        hh_buf_printf(err,
                      hh_tr("%s: refused, its descriptor names it '%s', not '%s'",
                            "%s：已拒绝，其描述符中的名称是“%s”，而不是“%s”"),
                      path, p->name ? p->name : "", name);
    else if (!p->begin || !p->household || !p->end || p->passes < 1)
        hh_buf_printf(err,
                      hh_tr("%s: refused, its descriptor lacks begin, household or end, or asks for no pass",
                            "%s：已拒绝，其描述符缺少 begin、household 或 end，或未要求任何一遍处理（passes）"),
                      path);
    else
        return 0;
    return -1;
}

/* Opens dir/NAME.so from `dirfd` and checks the file: 0 with *fd, -1 refused
 * (err), -2 absent. */
static int open_plugin(int dirfd, const char *dir, const char *name, int *fd_out, hh_buf *err)
{
    char *file = hh_xasprintf("%s.so", name);
    int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int saved = errno;
    struct stat st;
    const char *why = NULL;
    if (fd < 0)
        why = saved == ENOENT  ? ""
              : saved == ELOOP ? hh_tr("it is a symbolic link", "该文件是符号链接")
                               : hh_system_reason(saved);
    else if (fstat(fd, &st) != 0)
        why = hh_system_reason(errno);
    else if (!S_ISREG(st.st_mode))
        why = hh_tr("it is not a regular file", "该文件不是普通文件");
    else
        why = unsafe_owner_or_mode(&st);
    if (why && *why)
        hh_buf_printf(err, hh_tr("%s/%s: refused, %s", "%s/%s：已拒绝，%s"), dir, file, why);
    free(file);
    if (why && fd >= 0)
        close(fd);
    *fd_out = why ? -1 : fd;
    return !why ? 0 : *why ? -1 : -2;
}

static bool exists(const char *dir, const char *file)
{
    char *path = hh_xasprintf("%s/%s", dir, file);
    struct stat st;
    bool found = lstat(path, &st) == 0;
    free(path);
    return found;
}

/* Whether NAME.so found in directory `i` would hide one further along the path
 * without the user having asked for that (then `err` says so, naming both). */
static bool shadows(const hh_plugin_dirs *d, size_t i, const char *name, hh_buf *err)
{
    if (d->allow_shadow || i < d->chosen)
        return false;
    char *file = hh_xasprintf("%s.so", name);
    bool found = false;
    for (size_t k = i + 1; k < d->n && !found; k++) {
        if ((found = exists(d->dirs[k], file)))
            hh_buf_printf(err,
                          hh_tr("%s/%s: refused, it would take the place of %s/%s, a plugin of the same name "
                                "further along the search path; remove one, or pass --allow-shadow to use the first",
                                "%s/%s：已拒绝，它会顶替搜索路径上更靠后的同名插件 %s/%s；"
                                "请删除其中一个，或加上 --allow-shadow 以使用前一个"),
                          d->dirs[i], file, d->dirs[k], file);
    }
    free(file);
    return found;
}

/* The file behind descriptor `fd` as the kernel names it (absolute, no links). */
static char *resolved(int fd, const char *fallback)
{
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    char *real = realpath(self, NULL);
    return real ? real : hh_xstrdup(fallback);
}

/* Appends the dynamic linker's message `msg` about the file it knows as `self`
 * (/proc/self/fd/N) with `path` in its place, and without it where it opens the
 * message (the caller has named the file already). */
static void name_the_file(hh_buf *err, const char *msg, const char *self, const char *path)
{
    size_t n = strlen(self);
    if (strncmp(msg, self, n) == 0 && strncmp(msg + n, ": ", 2) == 0)
        msg += n + 2;
    const char *at;
    while ((at = strstr(msg, self)) && (at[n] < '0' || at[n] > '9')) {
        hh_buf_append(err, msg, (size_t)(at - msg));
        hh_buf_puts(err, path);
        msg = at + n;
    }
    hh_buf_puts(err, msg);
    if (strstr(msg, "invalid ELF header") || strstr(msg, "file too short"))
        hh_buf_puts(err, hh_tr(" (it is not a shared object)", "（它不是共享库）"));
}

/* Loads the checked file `fd` (dir/NAME.so, `path` in messages) and checks its
 * descriptor: 0, or -1 with `err`. */
static int load_fd(int fd, const char *path, const char *name, hh_plugin *out, hh_buf *err)
{
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    void *handle = dlopen(self, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        hh_buf_printf(err, hh_tr("%s: cannot be loaded: ", "%s：无法加载："), path);
        name_the_file(err, dlerror(), self, path);
        return -1;
    }
    char symbol[64];
    snprintf(symbol, sizeof symbol, "hhreg_plugin_%s", name);
    for (char *c = symbol; *c; c++)
        if (*c == '-')
            *c = '_';
    const hhreg_plugin *desc = dlsym(handle, symbol);
    if (!desc) {
        hh_buf_printf(err, hh_tr("%s: refused, it does not export the symbol %s", "%s：已拒绝，它没有导出符号 %s"),
                      path, symbol);
        dlclose(handle);
        return -1;
    }
    if (check_descriptor(desc, name, path, err) != 0) {
        dlclose(handle);
        return -1;
    }
    out->handle = handle;
    out->desc = desc;
    out->path = resolved(fd, path);
    return 0;
}

/* How long a plugin may take to load in the probe's child. */
#define PROBE_SECONDS 10

/* load_fd with the loader's standard output sent to standard error, so that what a
 * plugin prints while it is loaded never mixes into a listing (`plugins --json`). */
static int load_fd_quietly(int fd, const char *path, const char *name, hh_plugin *out, hh_buf *err)
{
    fflush(stdout);
    int saved = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0); /* not handed to what a constructor runs */
    if (saved >= 0)
        dup2(STDERR_FILENO, STDOUT_FILENO);
    int rc = load_fd(fd, path, name, out, err);
    if (saved >= 0) {
        fflush(stdout);
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
    return rc;
}

/* Loads the plugin in a child, which says "OK" on a pipe once the load is over and
 * waits, the plugin still loaded, to be killed by this process: no destructor or
 * atexit handler runs there, and no checker (valgrind) reports what it inherited.
 * 0 when the child loaded it or refused it (as this process will, by the same
 * checks); -1 with the reason in `err` when it crashed, exited or did not finish
 * within PROBE_SECONDS. */
static int probe(int fd, const char *path, const char *name, hh_buf *err)
{
    int report[2];
    fflush(NULL);
    if (pipe2(report, O_CLOEXEC) != 0) {
        hh_buf_printf(err, hh_tr("%s: cannot be loaded: %s", "%s：无法加载：%s"), path, hh_system_reason(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        hh_buf_printf(err, hh_tr("%s: cannot be loaded: %s", "%s：无法加载：%s"), path, hh_system_reason(errno));
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        close(report[0]);
        hh_plugin p;
        hh_buf ignored;
        hh_buf_init(&ignored);
        load_fd_quietly(fd, path, name, &p, &ignored);
        fflush(NULL);
        if (write(report[1], "OK", 2) == 2)
            for (;;)
                pause();
        _exit(1);
    }
    close(report[1]);
    struct pollfd wait_for = { report[0], POLLIN, 0 };
    int ready;
    while ((ready = poll(&wait_for, 1, PROBE_SECONDS * 1000)) < 0 && errno == EINTR)
        ;
    char ok[2];
    bool loaded = ready > 0 && read(report[0], ok, sizeof ok) == 2 && memcmp(ok, "OK", 2) == 0;
    close(report[0]);
    kill(pid, SIGKILL); /* a child that is already gone is still there to be waited for */
    int status = 0, waited;
    while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
        ;
    if (loaded)
        return 0;
    if (ready == 0)
        hh_buf_printf(err, hh_tr("%s: refused, it did not finish loading within %d seconds",
                                 "%s：已拒绝，加载 %d 秒仍未完成"),
                      path, PROBE_SECONDS);
    else if (waited < 0) /* SIGCHLD ignored: the child was reaped unseen, how it ended unknown */
        hh_buf_printf(err, hh_tr("%s: refused, it ended while being loaded", "%s：已拒绝，加载时即已结束"), path);
    else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL)
        hh_buf_printf(err, hh_tr("%s: refused, it crashed while being loaded (%s)", "%s：已拒绝，加载时崩溃（%s）"),
                      path, hh_signal_name(WTERMSIG(status)));
    else
        hh_buf_printf(err, hh_tr("%s: refused, it ended the process while being loaded (status %d)",
                                 "%s：已拒绝，加载时结束了进程（状态 %d）"),
                      path, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return -1;
}

/* A directory the user named with --plugin-dir that is not there: said, not skipped. */
static void missing_chosen_dir(const char *dir, hh_buf *err)
{
    hh_buf_printf(err,
                  hh_tr("plugin directory %s (--plugin-dir): it does not exist", "插件目录 %s（--plugin-dir）：不存在"),
                  dir);
}

/* Finds NAME.so along the path and checks its location: 0 with the open file in
 * *fd and the directory's index in *at, or -1 with `err`. */
static int find(const hh_plugin_dirs *d, const char *name, int *fd, size_t *at, hh_buf *err)
{
    if (!hh_plugin_name_valid(name)) {
        hh_buf_printf(err,
                      hh_tr("'%s' is not a plugin name: names are 1 to 32 of a-z 0-9 _ -, starting with a letter "
                            "or digit (no paths)",
                            "“%s”不是插件名：插件名由 1 到 32 个 a-z 0-9 _ - 字符组成，"
                            "以字母或数字开头（不能是路径）"),
                      name);
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        int dirfd = open_dir(d->dirs[i], err);
        if (dirfd == -2 && i < d->chosen) {
            missing_chosen_dir(d->dirs[i], err);
            return -1;
        }
        if (dirfd == -2)
            continue;
        if (dirfd < 0)
            return -1;
        int rc = open_plugin(dirfd, d->dirs[i], name, fd, err);
        close(dirfd);
        if (rc == 0 && shadows(d, i, name, err)) {
            close(*fd);
            return -1;
        }
        *at = i;
        if (rc != -2)
            return rc;
    }
    hh_buf_printf(err, hh_tr("no plugin '%s' in", "找不到插件“%s”，已查找："), name);
    for (size_t i = 0; i < d->n; i++)
        hh_buf_printf(err, "%s%s", i ? hh_tr(", ", "、") : hh_tr(" ", ""), d->dirs[i]);
    hh_buf_puts(err, hh_tr(" (see 'hhreg plugins')", "（参见“hhreg plugins”）"));
    return -1;
}

int hh_plugin_load(const hh_plugin_dirs *d, const char *name, hh_plugin *out, hh_buf *err)
{
    memset(out, 0, sizeof *out);
    int fd;
    size_t at;
    if (find(d, name, &fd, &at, err) != 0)
        return -1;
    char *path = hh_xasprintf("%s/%s.so", d->dirs[at], name);
    int rc = load_fd(fd, path, name, out, err);
    close(fd);
    free(path);
    return rc;
}

char *hh_plugin_locate(const hh_plugin_dirs *d, const char *name, hh_buf *err)
{
    int fd;
    size_t at;
    if (find(d, name, &fd, &at, err) != 0)
        return NULL;
    char *path = hh_xasprintf("%s/%s.so", d->dirs[at], name);
    char *real = resolved(fd, path);
    close(fd);
    free(path);
    return real;
}

void hh_plugin_unload(hh_plugin *p)
{
    if (p->handle)
        dlclose(p->handle);
    free(p->path);
    memset(p, 0, sizeof *p);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NAME.so files of the directory open at `dirfd`, sorted; *n gets their number. */
static char **list_plugins(int dirfd, size_t *n)
{
    *n = 0;
    int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (!dir) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    char **names = NULL;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) {
            names = hh_xrealloc(names, (*n + 1) * sizeof *names);
            names[(*n)++] = hh_xstrdup(e->d_name);
        }
    }
    closedir(dir);
    if (names)
        qsort(names, *n, sizeof *names, by_name);
    return names;
}

static bool seen_before(const hh_plugin_dirs *d, size_t upto, const char *file)
{
    for (size_t i = 0; i < upto; i++)
        if (exists(d->dirs[i], file))
            return true;
    return false;
}

void hh_plugin_scan(const hh_plugin_dirs *d,
                    void (*fn)(const char *path, const hh_plugin *p, const char *refusal, void *arg), void *arg)
{
    for (size_t i = 0; i < d->n; i++) {
        hh_buf err;
        hh_buf_init(&err);
        int dirfd = open_dir(d->dirs[i], &err);
        bool missing = dirfd == -2 && i < d->chosen;
        if (missing)
            missing_chosen_dir(d->dirs[i], &err);
        if (dirfd == -1 || missing)
            fn(d->dirs[i], NULL, err.data, arg);
        hh_buf_free(&err);
        if (dirfd < 0)
            continue;
        size_t n;
        char **names = list_plugins(dirfd, &n);
        for (size_t k = 0; k < n; k++) {
            char *name = hh_xstrndup(names[k], strlen(names[k]) - 3);
            char *path = hh_xasprintf("%s/%s", d->dirs[i], names[k]);
            if (!seen_before(d, i, names[k])) {
                hh_buf_init(&err);
                hh_plugin p;
                memset(&p, 0, sizeof p);
                int fd = -1, rc = -1;
                if (!hh_plugin_name_valid(name))
                    hh_buf_printf(&err, hh_tr("%s: refused, '%s' is not a plugin name", "%s：已拒绝，“%s”不是插件名"),
                                  path, name);
                else if (open_plugin(dirfd, d->dirs[i], name, &fd, &err) == 0 && !shadows(d, i, name, &err) &&
                         probe(fd, path, name, &err) == 0)
                    rc = load_fd_quietly(fd, path, name, &p, &err);
                if (fd >= 0)
                    close(fd);
                fn(rc == 0 ? p.path : path, rc == 0 ? &p : NULL, rc == 0 ? NULL : err.data, arg);
                if (rc == 0)
                    hh_plugin_unload(&p);
                hh_buf_free(&err);
            }
            free(path);
            free(name);
            free(names[k]);
        }
        free(names);
        close(dirfd);
    }
}
