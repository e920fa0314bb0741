/* paths.c — see paths.h. */
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

/* A run of a directory's names, packed in one buffer and sorted through 32-bit
 * offsets. A directory is read in runs of at most `batch` names, each run the
 * smallest names after the last one visited (the directory is read again for each
 * run), so memory stays bounded however many files it holds: a million names would
 * otherwise take some 35 MB. */
typedef struct run {
    hh_buf names;
    uint32_t *offsets;
    size_t n, cap;
} run;

static _Thread_local const char *sorting_names;

static int by_name(const void *a, const void *b)
{
    return strcmp(sorting_names + *(const uint32_t *)a, sorting_names + *(const uint32_t *)b);
}

static void run_sort(run *r)
{
    sorting_names = r->names.data;
    qsort(r->offsets, r->n, sizeof *r->offsets, by_name);
}

/* Keeps only the `keep` smallest names, repacked. */
static void run_truncate(run *r, size_t keep)
{
    run_sort(r);
    hh_buf packed;
    hh_buf_init(&packed);
    for (size_t i = 0; i < keep && i < r->n; i++) {
        const char *name = r->names.data + r->offsets[i];
        r->offsets[i] = (uint32_t)packed.len;
        hh_buf_append(&packed, name, strlen(name) + 1);
    }
    hh_buf_free(&r->names);
    r->names = packed;
    r->n = keep < r->n ? keep : r->n;
}

static void run_add(run *r, const char *name)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->offsets = hh_xrealloc(r->offsets, r->cap * sizeof *r->offsets);
    }
    r->offsets[r->n++] = (uint32_t)r->names.len;
    hh_buf_append(&r->names, name, strlen(name) + 1);
}

/* Reads the next run: the (at most) `batch` smallest names after `after` (NULL:
 * from the start), sorted. Sets *more when names beyond the run remain. */
static int read_run(const char *path, const char *after, size_t batch, run *r, int *more)
{
    DIR *dir = opendir(path);
    if (!dir)
        return -1;
    r->n = 0;
    hh_buf_reset(&r->names);
    *more = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        if (e->d_name[0] == '.' || (after && strcmp(e->d_name, after) <= 0))
            continue;
        run_add(r, e->d_name);
        if (r->n >= 2 * batch) {
            run_truncate(r, batch);
            *more = 1;
        }
    }
    closedir(dir);
    if (r->n > batch) {
        run_truncate(r, batch);
        *more = 1;
    } else {
        run_sort(r);
    }
    return 0;
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

static int visit_dir(const char *path, const hh_path_visitor *v, size_t batch)
{
    run r;
    memset(&r, 0, sizeof r);
    hh_buf_init(&r.names);
    char *last = NULL;
    int stop = 0, more = 1;
    while (more && !stop) {
        if (read_run(path, last, batch, &r, &more) != 0) {
            v->problem(path, strerror(errno), v->arg);
            break;
        }
        for (size_t i = 0; i < r.n && !stop; i++) {
            const char *name = r.names.data + r.offsets[i];
            char *child = hh_xasprintf("%s/%s", path, name);
            struct stat st;
            if (lstat(child, &st) == 0) {
                if (S_ISDIR(st.st_mode))
                    stop = visit_dir(child, v, batch);
                else if (S_ISREG(st.st_mode) && is_form_file(name))
                    stop = visit_file(child, v);
            }
            free(child);
        }
        free(last);
        last = r.n ? hh_xstrdup(r.names.data + r.offsets[r.n - 1]) : NULL;
    }
    free(last);
    free(r.offsets);
    hh_buf_free(&r.names);
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
    return hh_visit_path_batched(path, v, HH_DIR_RUN);
}

int hh_visit_path_batched(const char *path, const hh_path_visitor *v, size_t batch)
{
    if (strcmp(path, "-") == 0)
        return v->input(STDIN_FILENO, "<stdin>", v->arg);
    struct stat st;
    if (stat(path, &st) != 0) {
        v->problem(path, strerror(errno), v->arg);
        return 0;
    }
    return S_ISDIR(st.st_mode) ? visit_dir(path, v, batch ? batch : 1) : visit_file(path, v);
}
