/* paths.c — see paths.h. */
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_form_file(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".xml") == 0;
}

static int visit_file(const char *path, const hh_path_visitor *v)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        v->problem(path, strerror(errno), v->arg);
        return 0;
    }
    int stop = v->input(fd, path, v->arg);
    close(fd);
    return stop;
}

static int visit_dir(const char *path, const hh_path_visitor *v)
{
    DIR *dir = opendir(path);
    if (!dir) {
        v->problem(path, strerror(errno), v->arg);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = hh_xrealloc(names, cap * sizeof *names);
        }
        names[n++] = hh_xstrdup(e->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof *names, by_name);
    int stop = 0;
    for (size_t i = 0; i < n; i++) {
        char *child = hh_xasprintf("%s/%s", path, names[i]);
        struct stat st;
        if (!stop && lstat(child, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                stop = visit_dir(child, v);
            else if (S_ISREG(st.st_mode) && is_form_file(names[i]))
                stop = visit_file(child, v);
        }
        free(child);
        free(names[i]);
    }
    free(names);
    return stop;
}

static int add_size(int fd, const char *name, void *arg)
{
    (void)name;
    struct stat st;
    if (fstat(fd, &st) == 0)
        *(unsigned long long *)arg += (unsigned long long)st.st_size;
    return 0;
}

static void ignore_problem(const char *path, const char *why, void *arg)
{
    (void)path;
    (void)why;
    (void)arg;
}

unsigned long long hh_path_size(const char *path)
{
    unsigned long long total = 0;
    if (strcmp(path, "-") != 0) {
        hh_path_visitor v = { add_size, ignore_problem, &total };
        hh_visit_path(path, &v);
    }
    return total;
}

int hh_visit_path(const char *path, const hh_path_visitor *v)
{
    if (strcmp(path, "-") == 0)
        return v->input(STDIN_FILENO, "<stdin>", v->arg);
    struct stat st;
    if (stat(path, &st) != 0) {
        v->problem(path, strerror(errno), v->arg);
        return 0;
    }
    return S_ISDIR(st.st_mode) ? visit_dir(path, v) : visit_file(path, v);
}
