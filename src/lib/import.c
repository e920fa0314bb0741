/* import.c — see import.h. The store side of an import: each form's result (from
 * import_work.c) is taken in input order, refused repeats are caught, and valid
 * forms are stored in batched transactions. With more than one job the results come
 * from a pipeline: one thread reads the inputs and numbers every form, worker
 * threads validate, and this thread stores them strictly by number, so the outcome
 * and the order of messages are those of a run with one job. */
#include "import.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/tree.h>

#include "diag.h"
#include "import_work.h"
#include "input.h"
#include "messages.h"
#include "paths.h"
#include "progress.h"
#include "validate.h"

/* Forms per transaction. Each commit waits for fsync; 100,000 forms with -j 2 took
 * 12.5 s in transactions of 500, 10.8 s of 2,000 and 9.9 s of 5,000, at the same
 * peak RSS (SQLite's page cache is bounded). A failing store loses at most the open
 * transaction, which the message counts; running the import again stores it. */
#define DEFAULT_BATCH 5000
/* ... or fewer: a transaction open this long is committed with the next form, and
 * with -j N also when no form came for a second (a slow pipe of forms), so that
 * what was read is durable within seconds and other writers are not held up. */
#define COMMIT_AFTER_SECONDS 2

struct hh_importer {
    hh_store *store;
    const hh_schemaset *set;
    hh_import_options opt;
    hh_form_worker *worker;                 /* for -j 1 */
    hh_import_summary sum;
    long pending_stored, pending_revised;   /* not yet committed */
    bool in_transaction, failed;
    struct timespec began;                  /* when the open transaction began */
    hh_progress progress;
};

static void print_diags(hh_importer *im, const hh_diags *d)
{
    if (!im->opt.messages || d->n == 0)
        return;
    if (im->progress.drawn)
        fputs("\r\033[K", im->opt.messages); /* the message goes where the progress line was */
    for (size_t i = 0; i < d->n; i++)
        if (!im->opt.quiet || d->items[i].severity == HH_ERROR)
            hh_diag_print(im->opt.messages, &d->items[i], im->opt.lang);
}

/* `what` may already start with the store's name (SQLite's messages do). Said in the
 * language of the import's messages (opt.lang). */
static void store_failed(hh_importer *im, const char *what)
{
    const char *path = hh_store_path(im->store);
    bool named = strncmp(what, path, strlen(path)) == 0;
    hh_lang lang = im->opt.lang;
    if (im->opt.messages)
        fprintf(im->opt.messages,
                hh_text(lang,
                        "hhreg: %s%s%s; the import stopped and the %ld form(s) of its open transaction were not "
                        "stored. The store is consistent: free space (or fix the disk) and run the same import "
                        "again.\n",
                        "hhreg：%s%s%s；导入已停止，未提交事务中的 %ld 份表单未存储。存储库仍保持一致：请腾出磁盘空间"
                        "（或修复磁盘）后再运行同一导入。\n"),
                named ? "" : path, named ? "" : hh_text(lang, ": ", "："), what,
                im->pending_stored + im->pending_revised);
    hh_store_rollback(im->store);
    im->in_transaction = false;
    im->sum.not_stored += im->pending_stored + im->pending_revised;
    im->pending_stored = im->pending_revised = 0;
    im->failed = true;
    im->sum.io_error = true;
}

static int commit(hh_importer *im)
{
    if (!im->in_transaction)
        return 0;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_commit(im->store, &err);
    if (rc)
        store_failed(im, err.data);
    else {
        im->sum.stored += im->pending_stored;
        im->sum.revised += im->pending_revised;
        im->pending_stored = im->pending_revised = 0;
        im->in_transaction = false;
    }
    hh_buf_free(&err);
    return rc;
}

static int begin(hh_importer *im)
{
    if (im->in_transaction)
        return 0;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_begin(im->store, &err);
    if (rc == 0) {
        im->in_transaction = true;
        clock_gettime(CLOCK_MONOTONIC, &im->began);
    }
    if (rc)
        store_failed(im, err.data);
    hh_buf_free(&err);
    return rc;
}

static void store_result(hh_importer *im, hh_form_result *r)
{
    char source[512];
    snprintf(source, sizeof source, "%s:%ld", r->file, r->line);
    char *first;
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_store_seen(im->store, r->household->id, source, &first, &err);
    if (rc) /* a repeat could not be told: storing it would keep two */
        store_failed(im, err.data);
    hh_buf_free(&err);
    if (rc) {
        im->sum.not_stored++;
        return;
    }
    if (first) {
        hh_msg_store_repeat(&r->diags, r->file, r->line, "household/@id", r->household->id, first);
        free(first);
        im->sum.refused++;
        return;
    }
    hh_put_request rq = hh_form_result_put(r, source, im->opt.actor);
    rq.base_revision = im->opt.base_revision;
    rq.new_household = im->opt.new_household;
    rq.allow_older = im->opt.allow_older;
    int revision = 0;
    switch (hh_store_put(im->store, &rq, &r->diags, &revision)) {
    case HH_PUT_STORED: im->pending_stored++; break;
    case HH_PUT_REVISED: im->pending_revised++; break;
    case HH_PUT_UNCHANGED: im->sum.unchanged++; break;
    case HH_PUT_OLDER: im->sum.older++; break;
    case HH_PUT_CONFLICT: im->sum.conflicts++; /* fall through */
    case HH_PUT_REFUSED: im->sum.refused++; break;
    case HH_PUT_FAILED:
        im->sum.not_stored++;
        print_diags(im, &r->diags);
        hh_diags_clear(&r->diags);
        store_failed(im, hh_text(im->opt.lang, "writing to the store failed", "写入存储库失败"));
        break;
    }
}

static bool transaction_is_old(const hh_importer *im)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec - im->began.tv_sec >= COMMIT_AFTER_SECONDS;
}

/* Takes one result, in input order: messages, then the store. */
static void consume(hh_importer *im, hh_form_result *r)
{
    im->sum.refused += r->refused;
    if (im->failed) {
        im->sum.not_stored += r->household != NULL;
        return;
    }
    if (r->household && begin(im) != 0) {
        im->sum.not_stored++;
    } else if (r->household) {
        store_result(im, r);
        if (!im->failed && !im->opt.strict &&
            (im->pending_stored + im->pending_revised >= im->opt.batch_size || transaction_is_old(im)))
            commit(im);
    }
    im->sum.warnings += (long)r->diags.warnings;
    print_diags(im, &r->diags);
    long done = im->sum.stored + im->sum.unchanged + im->sum.revised + im->sum.older + im->sum.refused +
                im->sum.not_stored + im->pending_stored + im->pending_revised;
    hh_progress_update(&im->progress, done, im->sum.refused, r->diags.n > 0);
}

/* --- one job: reading, working and storing in turn -------------------------- */

static int sequential_form(hh_form_input *form, void *arg)
{
    hh_importer *im = arg;
    hh_form_result r;
    hh_form_result_init(&r);
    hh_work_on_form(im->worker, form, &r);
    consume(im, &r);
    hh_form_result_free(&r);
    return im->failed;
}

static void file_problems(hh_importer *im, const char *name, hh_diags *d, long refused)
{
    hh_form_result r;
    hh_form_result_init(&r);
    r.file = hh_xstrdup(name);
    hh_diags_move(&r.diags, d);
    r.refused = refused;
    consume(im, &r);
    hh_form_result_free(&r);
}

static int sequential_input(int fd, const char *name, void *arg)
{
    hh_importer *im = arg;
    hh_diags d;
    hh_diags_init(&d);
    hh_read_stats st = hh_read_forms_counted(fd, name, &d, sequential_form, im, false, &im->progress.bytes_read);
    file_problems(im, name, &d, st.refused);
    hh_diags_free(&d);
    return im->failed;
}

static void io_problem(const char *path, const char *why, void *arg)
{
    hh_importer *im = arg;
    if (im->opt.messages)
        hh_print_file_problem(im->opt.messages, "hhreg import", path, why);
    im->sum.io_error = true;
}

/* --- several jobs: the pipeline -------------------------------------------------- */

typedef enum { JOB_BYTES, JOB_FORM, JOB_FILE_PROBLEMS, JOB_IO_PROBLEM } job_kind;

typedef struct job {
    long seq;
    job_kind kind;
    char *name;
    long line;
    xmlDocPtr doc;            /* JOB_FORM */
    char *bytes;              /* JOB_BYTES; JOB_FORM: its bytes as stored, or NULL; JOB_IO_PROBLEM: the reason */
    size_t len;
    hh_diags diags;           /* JOB_FILE_PROBLEMS */
    long refused;
} job;

typedef struct pipeline {
    hh_importer *im;
    pthread_mutex_t lock;
    pthread_cond_t job_ready;     /* for workers: a job was queued, or reading ended */
    pthread_cond_t room;          /* for the reader: the queue and the window have room again */
    pthread_cond_t result_ready;  /* for the writer: a result came, or reading ended */
    job *queue;               /* a ring of `capacity` jobs waiting for a worker */
    size_t head, count, capacity;
    hh_form_result **done;    /* results by seq % window */
    long window, produced, written;
    bool reading_done, stop, reader_waiting;
    char *const *paths;
    size_t n_paths;
} pipeline;

/* The reader stops when the queue of jobs or the window of unwritten results is full
 * (the window is wide, so that the workers go on while the writer waits for a
 * commit), and goes on only once both are half empty: then it queues many forms in
 * one go instead of being woken for every form. */
static bool is_full(const pipeline *pl)
{
    return pl->count >= pl->capacity || pl->produced - pl->written >= pl->window;
}

static bool has_room(const pipeline *pl)
{
    return pl->count <= pl->capacity / 2 && pl->produced - pl->written <= pl->window / 2;
}

/* Called with the lock held after the queue or the window shrank. */
static void wake_reader(pipeline *pl)
{
    if (pl->reader_waiting && has_room(pl))
        pthread_cond_signal(&pl->room);
}

/* Waits for room and queues `j`, numbering it; false when the import stopped. */
static bool enqueue(pipeline *pl, job *j)
{
    pthread_mutex_lock(&pl->lock);
    if (!pl->stop && is_full(pl)) {
        pl->reader_waiting = true;
        while (!pl->stop && !has_room(pl))
            pthread_cond_wait(&pl->room, &pl->lock);
        pl->reader_waiting = false;
    }
    bool ok = !pl->stop;
    if (ok) {
        j->seq = pl->produced++;
        pl->queue[(pl->head + pl->count++) % pl->capacity] = *j;
        pthread_cond_signal(&pl->job_ready);
    }
    pthread_mutex_unlock(&pl->lock);
    return ok;
}

static void job_free(job *j)
{
    free(j->name);
    free(j->bytes);
    if (j->doc)
        xmlFreeDoc(j->doc);
    hh_diags_free(&j->diags);
}

static int queue_form(hh_form_input *form, void *arg)
{
    pipeline *pl = arg;
    job j;
    memset(&j, 0, sizeof j);
    j.name = hh_xstrdup(form->file);
    j.line = form->line;
    if (form->doc) {
        j.kind = JOB_FORM;
        j.doc = form->doc;
        form->doc = NULL;
        if (form->original) { /* its bytes, to be stored as they are */
            j.bytes = hh_xstrndup(form->original, form->original_len);
            j.len = form->original_len;
        }
    } else {
        j.kind = JOB_BYTES;
        j.bytes = hh_xstrndup(form->original, form->original_len);
        j.len = form->original_len;
    }
    if (!enqueue(pl, &j)) {
        job_free(&j);
        return 1;
    }
    return 0;
}

static int queue_input(int fd, const char *name, void *arg)
{
    pipeline *pl = arg;
    job j;
    memset(&j, 0, sizeof j);
    hh_diags_init(&j.diags);
    hh_read_stats st = hh_read_forms_counted(fd, name, &j.diags, queue_form, pl, true, &pl->im->progress.bytes_read);
    if (j.diags.n == 0 && st.refused == 0) { /* the usual file: nothing to say of it as a whole */
        hh_diags_free(&j.diags);
        return st.stopped;
    }
    j.kind = JOB_FILE_PROBLEMS;
    j.name = hh_xstrdup(name);
    j.refused = st.refused;
    if (!enqueue(pl, &j)) {
        job_free(&j);
        return 1;
    }
    return st.stopped;
}

static void queue_io_problem(const char *path, const char *why, void *arg)
{
    job j;
    memset(&j, 0, sizeof j);
    j.kind = JOB_IO_PROBLEM;
    j.name = hh_xstrdup(path);
    j.bytes = hh_xstrdup(why);
    if (!enqueue(arg, &j))
        job_free(&j);
}

static void *reader(void *arg)
{
    pipeline *pl = arg;
    hh_path_visitor v = { queue_input, queue_io_problem, pl };
    for (size_t i = 0; i < pl->n_paths; i++)
        if (hh_visit_path(pl->paths[i], &v))
            break;
    pthread_mutex_lock(&pl->lock);
    pl->reading_done = true;
    pthread_cond_broadcast(&pl->job_ready);
    pthread_cond_signal(&pl->result_ready);
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

typedef struct worker {
    pipeline *pl;
    hh_form_worker *fw;
    pthread_t thread;
} worker;

/* A worker's share of the queue: a few jobs at a time, so that threads meet at the
 * lock, and wake the writer, once per few forms rather than for every form. */
#define JOBS_PER_TAKE 8

static void work_on_job(worker *w, job *j, hh_form_result *r)
{
    hh_form_result_init(r);
    if (j->kind == JOB_FORM) {
        hh_form_input form = { j->doc, j->name, j->line, 1, j->bytes, j->len, true };
        hh_work_on_form(w->fw, &form, r);
    } else if (j->kind == JOB_BYTES) {
        hh_work_on_bytes(w->fw, j->name, j->bytes, j->len, r);
    } else {
        r->file = hh_xstrdup(j->name);
        hh_diags_move(&r->diags, &j->diags);
        r->refused = j->refused;
        if (j->kind == JOB_IO_PROBLEM) {
            r->kind = HH_RESULT_UNREADABLE;
            r->why = j->bytes;
            j->bytes = NULL;
        }
    }
    job_free(j);
}

static void *work(void *arg)
{
    worker *w = arg;
    pipeline *pl = w->pl;
    job taken[JOBS_PER_TAKE];
    hh_form_result *results[JOBS_PER_TAKE];
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        while (pl->count == 0 && !pl->reading_done)
            pthread_cond_wait(&pl->job_ready, &pl->lock);
        if (pl->count == 0) {
            pthread_mutex_unlock(&pl->lock);
            return NULL;
        }
        /* an equal share of what is queued, at least one job */
        size_t n = pl->count / (size_t)pl->im->opt.jobs;
        n = n < 1 ? 1 : n > JOBS_PER_TAKE ? JOBS_PER_TAKE : n;
        for (size_t k = 0; k < n; k++) {
            taken[k] = pl->queue[pl->head];
            pl->head = (pl->head + 1) % pl->capacity;
        }
        pl->count -= n;
        wake_reader(pl);
        pthread_mutex_unlock(&pl->lock);

        for (size_t k = 0; k < n; k++) {
            results[k] = hh_xmalloc(sizeof *results[k]);
            work_on_job(w, &taken[k], results[k]);
        }
        pthread_mutex_lock(&pl->lock);
        bool awaited = false;
        for (size_t k = 0; k < n; k++) {
            pl->done[taken[k].seq % pl->window] = results[k];
            awaited |= taken[k].seq == pl->written;
        }
        if (awaited) /* only the result the writer waits for wakes it */
            pthread_cond_signal(&pl->result_ready);
        pthread_mutex_unlock(&pl->lock);
    }
}

/* Starts the reader and the workers, stores their results in input order as they
 * come, and waits for every thread to end. */
static void drive_pipeline(pipeline *pl, worker *workers, int n)
{
    hh_importer *im = pl->im;
    pthread_t reading;
    pthread_create(&reading, NULL, reader, pl);
    for (int i = 0; i < n; i++)
        pthread_create(&workers[i].thread, NULL, work, &workers[i]);
    for (;;) {
        pthread_mutex_lock(&pl->lock);
        hh_form_result *r;
        bool idle = false;
        while (!idle && !(r = pl->done[pl->written % pl->window]) &&
               !(pl->reading_done && pl->written == pl->produced)) {
            if (im->in_transaction && !im->opt.strict) {
                struct timespec until;
                clock_gettime(CLOCK_MONOTONIC, &until);
                until.tv_sec += 1;
                idle = pthread_cond_timedwait(&pl->result_ready, &pl->lock, &until) == ETIMEDOUT;
            } else {
                pthread_cond_wait(&pl->result_ready, &pl->lock);
            }
        }
        if (r && !idle) {
            pl->done[pl->written % pl->window] = NULL;
            pl->written++;
            wake_reader(pl);
        }
        pthread_mutex_unlock(&pl->lock);
        if (idle) {
            commit(im); /* nothing came for a second: store what was read so far */
        } else if (!r) {
            break;
        } else {
            if (r->kind == HH_RESULT_UNREADABLE)
                io_problem(r->file, r->why, im);
            else
                consume(im, r);
            hh_form_result_free(r);
            free(r);
        }
        if (im->failed) { /* the store failed: the reader and the workers stop too */
            pthread_mutex_lock(&pl->lock);
            pl->stop = true;
            pthread_cond_broadcast(&pl->room);
            pthread_mutex_unlock(&pl->lock);
        }
    }
    pthread_join(reading, NULL);
    for (int i = 0; i < n; i++)
        pthread_join(workers[i].thread, NULL);
}

static void run_pipeline(hh_importer *im, char *const *paths, size_t n_paths)
{
    int n = im->opt.jobs;
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.im = im;
    pl.paths = paths;
    pl.n_paths = n_paths;
    /* a few jobs per worker are queued (a batch member waits parsed, some 30 KB); the
     * results wait compressed (some 4 KB each) for as long as a commit takes */
    pl.capacity = 8 * (size_t)n + 32;
    pl.window = 1024 + (long)pl.capacity;
    pl.queue = hh_xcalloc(pl.capacity, sizeof *pl.queue);
    pl.done = hh_xcalloc((size_t)pl.window, sizeof *pl.done);
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.job_ready, NULL);
    pthread_cond_init(&pl.room, NULL);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&pl.result_ready, &monotonic);
    pthread_condattr_destroy(&monotonic);
    /* every worker is made here, before any thread starts: each has its own
     * compiled rules and contexts; only the compiled XSD is shared */
    worker *workers = hh_xcalloc((size_t)n, sizeof *workers);
    bool ready = true;
    for (int i = 0; i < n; i++) {
        workers[i].pl = &pl;
        ready = (workers[i].fw = hh_form_worker_new(im->set, true)) != NULL && ready;
    }
    if (ready) {
        drive_pipeline(&pl, workers, n);
    } else {
        if (im->opt.messages)
            fprintf(im->opt.messages,
                    hh_text(im->opt.lang,
                            "hhreg: cannot set up %d workers (the rules in %s could not be compiled again, or memory "
                            "ran out); nothing was imported\n",
                            "hhreg：无法建立 %d 个工作线程（%s 中的规则无法再次编译，或内存不足）；未导入任何内容\n"),
                    n, im->set->dir);
        im->failed = im->sum.io_error = true;
    }
    for (int i = 0; i < n; i++)
        hh_form_worker_free(workers[i].fw);
    /* jobs left in the queue after a stop */
    for (size_t k = 0; k < pl.count; k++)
        job_free(&pl.queue[(pl.head + k) % pl.capacity]);
    for (long k = 0; k < pl.window; k++)
        if (pl.done[k]) {
            hh_form_result_free(pl.done[k]);
            free(pl.done[k]);
        }
    free(workers);
    free(pl.queue);
    free(pl.done);
    pthread_cond_destroy(&pl.job_ready);
    pthread_cond_destroy(&pl.room);
    pthread_cond_destroy(&pl.result_ready);
    pthread_mutex_destroy(&pl.lock);
}

void hh_importer_run(hh_importer *im, char *const *paths, size_t n_paths)
{
    unsigned long long total = 0;
    if (im->opt.progress)
        for (size_t i = 0; i < n_paths; i++)
            total += hh_path_size(paths[i]);
    hh_progress_start(&im->progress, im->opt.messages, im->opt.progress, total);
    if (im->opt.jobs > 1) {
        run_pipeline(im, paths, n_paths);
    } else {
        hh_path_visitor v = { sequential_input, io_problem, im };
        for (size_t i = 0; i < n_paths && !im->failed; i++)
            hh_visit_path(paths[i], &v);
    }
    hh_progress_end(&im->progress);
}

void hh_importer_take(hh_importer *im, hh_form_result *r)
{
    consume(im, r);
}

hh_importer *hh_importer_new(hh_store *store, const hh_schemaset *set, const hh_import_options *opt)
{
    hh_importer *im = hh_xcalloc(1, sizeof *im);
    im->store = store;
    im->set = set;
    im->opt = *opt;
    if (im->opt.batch_size <= 0)
        im->opt.batch_size = DEFAULT_BATCH;
    if (im->opt.jobs <= 0)
        im->opt.jobs = 1;
    /* --strict is one transaction, and waiting numbers are merged only between
     * transactions: their memory would grow with the import (16 bytes a number,
     * 360 MB for a city). Its numbers go into the index as they come, after those
     * a stopped import left waiting, merged first as any other import merges them. */
    bool strict_bulk = im->opt.strict && im->opt.bulk;
    if (strict_bulk)
        im->opt.bulk = false;
    im->worker = hh_form_worker_new(set, false);
    hh_buf err;
    hh_buf_init(&err);
    if (!im->worker || (im->opt.bulk && hh_store_bulk_begin(store, &err)) ||
        (strict_bulk && hh_store_merge_waiting_documents(store, &err))) {
        if (err.len && im->opt.messages)
            fprintf(im->opt.messages, "hhreg: %s\n", err.data);
        hh_buf_free(&err);
        hh_form_worker_free(im->worker);
        free(im);
        return NULL;
    }
    hh_buf_free(&err);
    return im;
}

/* The import's pending document numbers merged into their index (hh_store_bulk_end);
 * when that fails they stay pending, found by every lookup: said, not lost. */
static void end_bulk(hh_importer *im)
{
    hh_buf err;
    hh_buf_init(&err);
    if (hh_store_bulk_end(im->store, &err) && im->opt.messages) {
        fprintf(im->opt.messages,
                hh_text(im->opt.lang,
                        "hhreg: %s: the document numbers of the forms stored could not be merged into their index "
                        "(%s); they stay pending, found by every lookup, and the next import merges them\n",
                        "hhreg：%s：已存储表单的证件号码未能并入索引（%s）；它们仍待合并，查找时照样可见，"
                        "下次导入时会合并\n"),
                hh_store_path(im->store), err.data);
        im->sum.io_error = true;
    }
    hh_buf_free(&err);
}

void hh_importer_finish(hh_importer *im, hh_import_summary *out)
{
    if (im->opt.strict && im->in_transaction && im->sum.refused > 0) {
        hh_store_rollback(im->store);
        im->in_transaction = false;
        im->sum.rolled_back = true;
        im->sum.not_stored += im->pending_stored + im->pending_revised; /* valid, and not stored */
        im->pending_stored = im->pending_revised = 0;
        if (im->opt.messages) {
            hh_diags d;
            hh_diags_init(&d);
            hh_msg_strict_abort(&d, "-", 0, "", (size_t)im->sum.refused);
            fprintf(im->opt.messages, hh_text(im->opt.lang, "hhreg: %s\n", "hhreg：%s\n"),
                    hh_diag_message(&d.items[0], im->opt.lang));
            hh_diags_free(&d);
        }
    }
    commit(im);
    if (im->opt.bulk)
        end_bulk(im);
    *out = im->sum;
}

void hh_importer_free(hh_importer *im)
{
    if (!im)
        return;
    if (im->in_transaction)
        hh_store_rollback(im->store);
    /* the repeats of this run only: a connection that imports again (guided entry
     * saving twice, a server) starts afresh */
    hh_store_seen_forget(im->store);
    hh_form_worker_free(im->worker);
    free(im);
}
