/* paths.c — see paths.h. */
#include "paths.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
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
    if (r->n > 1) /* an empty directory has no offsets at all: qsort may not be given NULL */
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

/* --- a FIFO: a bounded wait for its writer ------------------------------------ */

typedef struct fifo_watch {
    pthread_mutex_t lock;
    pthread_cond_t opened;
    const char *path;
    long seconds;
    bool done;      /* the reader's open returned */
    bool fired;     /* no writer came in time: the watchdog opened the FIFO itself */
} fifo_watch;

/* Ends the reader's blocking open once the wait is over, by opening the FIFO for
 * writing (and closing it at once: the reader then sees an empty input). */
static void *fifo_watchdog(void *arg)
{
    fifo_watch *w = arg;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += w->seconds;
    pthread_mutex_lock(&w->lock);
    while (!w->done && pthread_cond_timedwait(&w->opened, &w->lock, &deadline) != ETIMEDOUT)
        ;
    while (!w->done) {
        w->fired = true;
        int fd = open(w->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd >= 0) {
            close(fd);
            break;
        }
        /* the reader is not in open() yet (ENXIO): try again shortly */
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 100000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->opened, &w->lock, &deadline);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

long hh_fifo_wait_seconds(void)
{
    const char *env = getenv("HHREG_FIFO_WAIT");
    char *end;
    long n = env && *env ? strtol(env, &end, 10) : -1;
    return n >= 0 && env && *end == '\0' ? n : HH_FIFO_WAIT_SECONDS;
}

/* Opens a FIFO for reading, waiting at most hh_fifo_wait_seconds() for a writer;
 * once one has come, its input is read as slowly as it is written. Returns -1 with
 * errno set, ETIMEDOUT when no writer came. */
static int open_fifo(const char *path)
{
    fifo_watch w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, path, hh_fifo_wait_seconds(), false,
                     false };
    pthread_t watchdog;
    if (pthread_create(&watchdog, NULL, fifo_watchdog, &w) != 0)
        return -1;
    int fd;
    do
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    while (fd < 0 && errno == EINTR);
    int saved = errno;
    pthread_mutex_lock(&w.lock);
    w.done = true;
    pthread_cond_signal(&w.opened);
    pthread_mutex_unlock(&w.lock);
    pthread_join(watchdog, NULL);
    pthread_cond_destroy(&w.opened);
    pthread_mutex_destroy(&w.lock);
    if (fd >= 0 && w.fired) {
        close(fd);
        fd = -1;
        saved = ETIMEDOUT;
    }
    errno = saved;
    return fd;
}

/* What could not be done with a path, in hhreg's words, then the system's reason
 * ("cannot be opened: No such file or directory"). */
static void system_problem(const char *path, const char *what, int err, const hh_path_visitor *v)
{
    char why[160];
    snprintf(why, sizeof why, hh_tr("%s: %s", "%s：%s"), what, hh_system_reason(err));
    v->problem(path, why, v->arg);
}

/* Why a path could not be opened, in words for the user. */
static void open_problem(const char *path, int err, const hh_path_visitor *v)
{
    char why[160];
    if (err == ELOOP)
        snprintf(why, sizeof why, "%s", hh_tr("a symbolic link; links are not followed", "是符号链接；不跟随链接"));
    else if (err == ETIMEDOUT)
        snprintf(why, sizeof why,
                 hh_tr("a FIFO that no writer opened within %ld s (HHREG_FIFO_WAIT)",
                       "是 FIFO，但 %ld 秒内没有写入方打开它（HHREG_FIFO_WAIT）"),
                 hh_fifo_wait_seconds());
    else {
        system_problem(path, hh_tr("cannot be opened", "无法打开"), err, v);
        return;
    }
    v->problem(path, why, v->arg);
}

/* A FIFO is opened with a bounded wait for its writer. Anything else is opened
 * without blocking (should it have become a FIFO since lstat, that open does not
 * wait for a writer, and a reader that comes and goes would break a writer's
 * pipe), then read in blocking mode. */
static int visit_file(const char *path, const hh_path_visitor *v)
{
    struct stat st;
    int fd;
    if (lstat(path, &st) == 0 && S_ISFIFO(st.st_mode)) {
        fd = open_fifo(path);
    } else {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
        if (fd >= 0)
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    }
    if (fd < 0) {
        open_problem(path, errno, v);
        return 0;
    }
    int stop = v->input(fd, path, v->arg);
    close(fd);
    return stop;
}

/* A directory entry that is not read: a form-like name that is not a regular file,
 * or a link to a directory, is named with the reason; other names are not forms. */
static void skip_entry(const char *path, const char *name, const struct stat *st, const hh_path_visitor *v)
{
    struct stat target;
    if (S_ISLNK(st->st_mode) && (is_form_file(name) || (stat(path, &target) == 0 && S_ISDIR(target.st_mode))))
        v->problem(path, hh_tr("a symbolic link; links in a directory are not followed", "是符号链接；不跟随目录中的链接"),
                   v->arg);
    else if (!S_ISLNK(st->st_mode) && is_form_file(name))
        v->problem(path, hh_tr("not a regular file", "不是普通文件"), v->arg);
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
            system_problem(path, hh_tr("cannot be listed", "无法列出其内容"), errno, v);
            break;
        }
        for (size_t i = 0; i < r.n && !stop; i++) {
            const char *name = r.names.data + r.offsets[i];
            char *child = hh_xasprintf("%s/%s", path, name);
            struct stat st;
            if (lstat(child, &st) != 0)
                open_problem(child, errno, v); /* a path over PATH_MAX, for one */
            else if (S_ISDIR(st.st_mode))
                stop = visit_dir(child, v, batch);
            else if (S_ISREG(st.st_mode) && is_form_file(name))
                stop = visit_file(child, v);
            else
                skip_entry(child, name, &st, v);
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
    struct stat st;
    if (strcmp(path, "-") == 0 || stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode)) /* a FIFO is not opened here: it has one reader */
        return S_ISREG(st.st_mode) ? (unsigned long long)st.st_size : 0;
    unsigned long long total = 0;
    hh_path_visitor v = { add_size, ignore_problem, &total };
    hh_visit_path(path, &v);
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
        open_problem(path, errno, v);
        return 0;
    }
    return S_ISDIR(st.st_mode) ? visit_dir(path, v, batch ? batch : 1) : visit_file(path, v);
}
