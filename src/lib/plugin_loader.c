/* plugin_loader.c — see plugin_loader.h. Loading goes through /proc/self/fd so the
 * file that was checked is the file that is loaded, with no window for a swap. */
#include "plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

const char *hh_default_plugin_dir(void)
{
    return HH_PLUGIN_DIR;
}

static void add_dir(hh_plugin_dirs *d, const char *dir, size_t len)
{
    if (len && d->n < HH_PLUGIN_MAX_DIRS)
        d->dirs[d->n++] = hh_xstrndup(dir, len);
}

void hh_plugin_dirs_init(hh_plugin_dirs *d, const char *first)
{
    d->n = 0;
    if (first)
        add_dir(d, first, strlen(first));
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
        return "it belongs to another user";
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return "it is writable by group or others";
    return NULL;
}

/* Opens a plugin directory after checking it; -1 with `err` when refused, -2 when
 * it does not exist (not an error: the next directory is tried). */
static int open_dir(const char *dir, hh_buf *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return -2;
        hh_buf_printf(err, "plugin directory %s: %s", dir,
                      errno == ELOOP || errno == ENOTDIR ? "it is a symbolic link or not a directory" : strerror(errno));
        return -1;
    }
    struct stat st;
    const char *why = fstat(fd, &st) != 0 ? strerror(errno) : unsafe_owner_or_mode(&st);
    if (why) {
        hh_buf_printf(err, "plugin directory %s: refused, %s", dir, why);
        close(fd);
        return -1;
    }
    return fd;
}

unsigned hh_plugin_flags(const hhreg_plugin *p)
{
    return p->struct_size >= offsetof(hhreg_plugin, flags) + sizeof p->flags ? p->flags : 0;
}

static int check_descriptor(const hhreg_plugin *p, const char *name, const char *path, hh_buf *err)
{
    if (p->magic != HHREG_PLUGIN_MAGIC)
        hh_buf_printf(err, "%s: refused, its descriptor does not start with the hhreg plugin magic number", path);
    else if (p->abi_major != HHREG_PLUGIN_ABI_MAJOR)
        hh_buf_printf(err, "%s: refused, it was built for plugin ABI %u and this hhreg has ABI %d", path,
                      p->abi_major, HHREG_PLUGIN_ABI_MAJOR);
    else if (p->min_api_minor > HHREG_HOST_API_MINOR)
        hh_buf_printf(err, "%s: refused, it needs host API 1.%u and this hhreg offers 1.%d; upgrade hhreg", path,
                      p->min_api_minor, HHREG_HOST_API_MINOR);
    else if (p->struct_size < HHREG_PLUGIN_SIZE_1_0)
        hh_buf_printf(err, "%s: refused, its descriptor is %zu bytes, shorter than the %zu of ABI %d", path,
                      p->struct_size, (size_t)HHREG_PLUGIN_SIZE_1_0, HHREG_PLUGIN_ABI_MAJOR);
    else if (!p->name || strcmp(p->name, name) != 0)
        hh_buf_printf(err, "%s: refused, its descriptor names it '%s', not '%s'", path, p->name ? p->name : "", name);
    else if (!p->begin || !p->household || !p->end || p->passes < 1)
        hh_buf_printf(err, "%s: refused, its descriptor lacks begin, household or end, or asks for no pass", path);
    else
        return 0;
    return -1;
}

/* Checks and loads dir/name.so from `dirfd`: 0, -1 refused (err), -2 absent. */
static int load_from(int dirfd, const char *dir, const char *name, hh_plugin *out, hh_buf *err)
{
    char *file = hh_xasprintf("%s.so", name);
    char *path = hh_xasprintf("%s/%s", dir, file);
    int rc = -1;
    int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    const char *why = NULL;
    if (fd < 0 && errno == ENOENT) {
        rc = -2;
        goto out;
    }
    if (fd < 0)
        why = errno == ELOOP ? "it is a symbolic link" : strerror(errno);
    else if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "it is not a regular file";
    else
        why = unsafe_owner_or_mode(&st);
    if (why) {
        hh_buf_printf(err, "%s: refused, %s", path, why);
        goto out;
    }
    char self[64];
    snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
    void *handle = dlopen(self, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        hh_buf_printf(err, "%s: cannot be loaded: %s", path, dlerror());
        goto out;
    }
    char symbol[64];
    snprintf(symbol, sizeof symbol, "hhreg_plugin_%s", name);
    for (char *c = symbol; *c; c++)
        if (*c == '-')
            *c = '_';
    const hhreg_plugin *desc = dlsym(handle, symbol);
    if (!desc) {
        hh_buf_printf(err, "%s: refused, it does not export the symbol %s", path, symbol);
        dlclose(handle);
        goto out;
    }
    if (check_descriptor(desc, name, path, err) != 0) {
        dlclose(handle);
        goto out;
    }
    out->handle = handle;
    out->desc = desc;
    out->path = path;
    path = NULL;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(path);
    free(file);
    return rc;
}

int hh_plugin_load(const hh_plugin_dirs *d, const char *name, hh_plugin *out, hh_buf *err)
{
    memset(out, 0, sizeof *out);
    if (!hh_plugin_name_valid(name)) {
        hh_buf_printf(err, "'%s' is not a plugin name: names are 1 to 32 of a-z 0-9 _ -, starting with a letter "
                           "or digit (no paths)", name);
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        int dirfd = open_dir(d->dirs[i], err);
        if (dirfd == -2)
            continue;
        if (dirfd < 0)
            return -1;
        int rc = load_from(dirfd, d->dirs[i], name, out, err);
        close(dirfd);
        if (rc != -2)
            return rc;
    }
    hh_buf_printf(err, "no plugin '%s' in", name);
    for (size_t i = 0; i < d->n; i++)
        hh_buf_printf(err, "%s %s", i ? "," : "", d->dirs[i]);
    hh_buf_puts(err, " (see 'hhreg plugins')");
    return -1;
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

static bool seen_before(const hh_plugin_dirs *d, size_t upto, const char *file)
{
    for (size_t i = 0; i < upto; i++) {
        char *path = hh_xasprintf("%s/%s", d->dirs[i], file);
        bool exists = access(path, F_OK) == 0;
        free(path);
        if (exists)
            return true;
    }
    return false;
}

void hh_plugin_scan(const hh_plugin_dirs *d,
                    void (*fn)(const char *path, const hh_plugin *p, const char *refusal, void *arg), void *arg)
{
    for (size_t i = 0; i < d->n; i++) {
        DIR *dir = opendir(d->dirs[i]);
        if (!dir)
            continue;
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        while ((e = readdir(dir))) {
            size_t len = strlen(e->d_name);
            if (len > 3 && strcmp(e->d_name + len - 3, ".so") == 0) {
                names = hh_xrealloc(names, (n + 1) * sizeof *names);
                names[n++] = hh_xstrdup(e->d_name);
            }
        }
        closedir(dir);
        qsort(names, n, sizeof *names, by_name);
        for (size_t k = 0; k < n; k++) {
            char *name = hh_xstrndup(names[k], strlen(names[k]) - 3);
            char *path = hh_xasprintf("%s/%s", d->dirs[i], names[k]);
            if (!seen_before(d, i, names[k])) {
                hh_buf err;
                hh_buf_init(&err);
                hh_plugin p;
                memset(&p, 0, sizeof p);
                int rc = -1;
                if (!hh_plugin_name_valid(name)) {
                    hh_buf_printf(&err, "%s: refused, '%s' is not a plugin name", path, name);
                } else {
                    int dirfd = open_dir(d->dirs[i], &err);
                    if (dirfd >= 0) {
                        rc = load_from(dirfd, d->dirs[i], name, &p, &err);
                        close(dirfd);
                    }
                }
                fn(path, rc == 0 ? &p : NULL, rc == 0 ? NULL : err.data, arg);
                if (rc == 0)
                    hh_plugin_unload(&p);
                hh_buf_free(&err);
            }
            free(path);
            free(name);
            free(names[k]);
        }
        free(names);
    }
}
