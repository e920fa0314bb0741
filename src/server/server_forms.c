/* server_forms.c — forms over HTTP: POST /api/v1/households (a new household or a
 * revision, the form's XML or its JSON shape, server_json_form.c) and POST
 * /api/v1/households/{id}/visits (one visit, into the household's visit log).
 * A form goes through the very reader, schema and rules of `hhreg import`
 * (hh_work_on_bytes) and the store's one put (hh_store_put), inside one write
 * transaction that also allocates a new household's id, refuses an address held by
 * another current household, keeps the answer under the client's submission id and
 * writes the audit log — so a retried upload gets the first answer again and stores
 * nothing new, and two workers never get the same id. The submissions that arrive
 * together share that transaction, each in a part of its own (a group commit:
 * run_submission). docs/API.md, "Forms".
 * A submitted form is read and checked before the store lock is taken, on one of
 * the pool's checkers (one per core, below), so forms are checked while one thread
 * stores; what needs the store is checked under the lock: a new household's form
 * again once its id is given (its id is part of the form) — a new household is
 * checked twice, a revision once. */
#include "server_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/tree.h>

#include "cores.h"
#include "dates.h"
#include "digest.h"
#include "entry.h"
#include "import_work.h"
#include "messages.h"
#include "store_submissions.h"

/* A form's id whose serial is this says "a new household: give it an id". */
#define NEW_SERIAL "0000"
/* The longest client submission id kept. */
#define KEY_MAX 128

/* The checkers (reader, schema and rules, hh_form_worker): as many as the machine
 * has cores, made when first needed and kept for the next, taken in the order the
 * requests come. Checking is all computation: with a checker for each request
 * (up to one per pool thread, 256), all the forms that came were checked at once,
 * each slowed by the others and finished in whatever order the scheduler chose;
 * taken in turn, each is checked at full speed once its turn comes
 * (bench/bench-load.sh, 20,000 forms, 64 clients, 2 cores, three runs each:
 * 2,634-2,880/s and 93-94 MB, now 2,675-3,346/s and 83 MB). The store lock's holder
 * has a checker of its own (in_store): the one writer never waits behind requests. */
typedef struct checker_wait {
    hh_form_worker *given;        /* handed over by checker_give */
    pthread_cond_t wake;
    struct checker_wait *next;
} checker_wait;

struct hh_form_pool {
    pthread_mutex_t lock;
    hh_form_worker **idle;
    size_t n_idle, made, most;
    checker_wait *waiting, **waiting_tail; /* the requests waiting for a checker, first first */
    hh_form_worker *in_store;     /* only for the holder of the store lock */
    const hh_schemaset *schemas;
    /* the submissions waiting for the next group commit (run_submission) */
    pthread_mutex_t queue_lock;
    struct queued *queue, **queue_tail;
    pthread_cond_t work_came;     /* the writer waits here for submissions */
    pthread_t writer;             /* write_batches */
    bool writer_started, stopping;
};

/* A checker of the pool, waited for in turn when all are busy; NULL when none can
 * be made (memory). */
static hh_form_worker *checker_take(struct hh_form_pool *pool)
{
    pthread_mutex_lock(&pool->lock);
    hh_form_worker *w = NULL;
    if (pool->waiting || (!pool->n_idle && pool->made == pool->most)) {
        checker_wait me = { NULL, PTHREAD_COND_INITIALIZER, NULL };
        *pool->waiting_tail = &me;
        pool->waiting_tail = &me.next;
        while (!me.given)
            pthread_cond_wait(&me.wake, &pool->lock);
        pthread_cond_destroy(&me.wake);
        w = me.given;
    } else if (pool->n_idle)
        w = pool->idle[--pool->n_idle];
    else if ((w = hh_form_worker_new(pool->schemas, true)) != NULL)
        pool->idle = hh_xrealloc(pool->idle, ++pool->made * sizeof *pool->idle);
    pthread_mutex_unlock(&pool->lock);
    return w;
}

/* Gives `w` back: to the first request waiting, else to the idle ones. */
static void checker_give(struct hh_form_pool *pool, hh_form_worker *w)
{
    pthread_mutex_lock(&pool->lock);
    checker_wait *first = pool->waiting;
    if (first) {
        pool->waiting = first->next;
        if (!pool->waiting)
            pool->waiting_tail = &pool->waiting;
        first->given = w;
        pthread_cond_signal(&first->wake);
    } else
        pool->idle[pool->n_idle++] = w; /* room for every checker made */
    pthread_mutex_unlock(&pool->lock);
}

/* Reads and checks `len` bytes of form into `out` on a checker of the pool; false
 * when no checker can be made (memory). */
bool hh_forms_check(hh_server *srv, const char *bytes, size_t len, hh_form_result *out)
{
    hh_form_worker *w = checker_take(srv->forms);
    if (!w)
        return false;
    hh_work_on_bytes(w, "request", bytes, len, out);
    checker_give(srv->forms, w);
    return true;
}

/* hh_forms_check for the holder of the store lock, on its own checker. */
static void check_in_store(hh_server *srv, const char *bytes, size_t len, hh_form_result *out)
{
    hh_work_on_bytes(srv->forms->in_store, "request", bytes, len, out);
}

typedef struct submission {
    hh_request *rq;
    const char *key;            /* the client's submission id, or NULL */
    char body_sha256[65];       /* with a key: the SHA-256 of the request's body, kept with the answer */
    char *household;            /* the household concerned, once known (for the audit) */
    int revision;
} submission;

/* The answer of a form refused by the reader, schema, rules or store: its
 * diagnostics (rule id, item path, message in the request's language). */
static unsigned refused(hh_request *rq, unsigned status, const char *code, const char *en, const char *zh,
                        const hh_diags *d)
{
    hh_answer_error(rq, status, code, en, zh);
    rq->answer.len--; /* reopen the object: the diagnostics follow the error */
    hh_buf_puts(&rq->answer, ",\"diagnostics\":[");
    hh_json j;
    hh_json_init(&j, &rq->answer);
    for (size_t i = 0; d && i < d->n; i++)
        hh_diag_json_both(&j, &d->items[i], rq->lang); /* the writer puts the commas between them */
    hh_buf_puts(&rq->answer, "]}");
    return status;
}

unsigned hh_answer_invalid_form(hh_request *rq, const hh_diags *d)
{
    return refused(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid-form",
                   "The form was refused: see its diagnostics. Nothing was stored.",
                   "表单被拒收：请查看诊断信息。未保存任何内容。", d);
}

/* The answer of a stored (or unchanged) form: its id, revision and warnings. */
static void stored_answer(hh_request *rq, const char *outcome, const char *id, int revision, const hh_diags *d)
{
    hh_buf_free(&rq->answer);
    hh_buf_init(&rq->answer);
    hh_json j;
    hh_json_init(&j, &rq->answer);
    hh_json_object(&j, NULL);
    hh_json_str(&j, "outcome", outcome);
    hh_json_str(&j, "id", id);
    hh_json_int(&j, "revision", revision);
    hh_json_array(&j, "warnings");
    for (size_t i = 0; d && i < d->n; i++)
        hh_diag_json_both(&j, &d->items[i], rq->lang);
    hh_json_end(&j);
    hh_json_end(&j);
}

/* Audits the request (who, what, which household, the status: never a value);
 * inside the open transaction if there is one. */
static int audit(submission *sub, const char *operation, unsigned status, const char *more, hh_buf *err)
{
    hh_request *rq = sub->rq;
    char *detail = hh_xasprintf("over HTTP from %s: %u%s%s", rq->from, status, more ? "; " : "", more ? more : "");
    int rc = hh_store_audit(rq->server->store, rq->who.name, operation, sub->household, sub->revision, detail, err);
    free(detail);
    rq->audited = rc == 0;
    return rc;
}

/* A request refused before its submission ran (who may not, a bad body, a bad
 * key) is audited too: `status` returned. */
static unsigned audit_refused(hh_request *rq, const char *operation, const char *household, unsigned status)
{
    if (rq->audited)
        return status;
    submission sub = { .rq = rq, .household = (char *)household };
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&rq->server->store_lock);
    int rc = audit(&sub, operation, status, "refused before it was read", &err);
    pthread_mutex_unlock(&rq->server->store_lock);
    hh_buf_free(&err);
    return rc ? hh_answer_store_failed(rq) : status;
}

/* The client's submission id: the Idempotency-Key header, else `client_id` (a
 * body's clientId). NULL without one; *bad when one is given but unusable. */
static const char *client_key(hh_request *rq, const char *client_id, bool *bad)
{
    const char *key = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, "Idempotency-Key");
    if (!key)
        key = client_id;
    *bad = false;
    if (!key)
        return NULL;
    size_t n = strlen(key);
    *bad = n == 0 || n > KEY_MAX;
    for (size_t i = 0; i < n && !*bad; i++)
        *bad = key[i] < 0x21 || key[i] > 0x7e;
    return *bad ? NULL : key;
}

static unsigned bad_key(hh_request *rq)
{
    return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "idempotency-key",
                           "The submission id (Idempotency-Key or clientId) must be 1 to 128 printable ASCII "
                           "characters.",
                           "提交编号（Idempotency-Key 或 clientId）须为 1 至 128 个可打印 ASCII 字符。");
}

/* The work of one submission, inside the store's write transaction: the HTTP status
 * with the answer written; *keep whether the answer is kept under the client's id
 * with what the work stored (else that is undone: nothing stored). */
typedef unsigned (*submission_work)(submission *sub, bool *keep, hh_buf *err);

/* A submission waiting for its group commit: on the stack of its request's
 * thread, which waits until `finished`. */
typedef struct queued {
    submission *sub;
    const char *operation;
    submission_work work;
    unsigned status;
    bool stored;    /* something of it is in the batch's transaction: an answer that stands only if it commits */
    bool finished;
    pthread_cond_t wake; /* its thread waits here until its batch is committed */
    struct queued *next;
} queued;

/* One submission, inside the batch's transaction and a part of its own, so that
 * what one refuses or fails to store is undone alone: a submission id seen before
 * gets the kept answer again; else the work, its answer kept with what it stored. */
static void run_one(hh_store *store, queued *q, hh_buf *err)
{
    submission *sub = q->sub;
    hh_request *rq = sub->rq;
    hh_reasons_speak_here(rq->lang); /* the writer runs every request's submissions: each reason in its own request's language */
    if (hh_store_part_begin(store, err)) {
        q->status = hh_answer_store_failed(rq);
        return;
    }
    if (sub->key) {
        int kept_status = 0;
        char *kept = NULL;
        int found = hh_store_submission_find(store, rq->who.name, sub->key, sub->body_sha256, &kept_status, &kept, err);
        if (found == 2) { /* the id of an earlier request, with another body: nothing of this one is done */
            q->status = hh_answer_error(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "submission-id-reused",
                                        "This submission id (Idempotency-Key or clientId) was given before to another "
                                        "request, with a different body: nothing was stored. Give each new submission "
                                        "an id of its own; send a retry with the same body.",
                                        "该提交编号（Idempotency-Key 或 clientId）已用于另一个内容不同的请求：未保存任何"
                                        "内容。每次新的提交须使用新的编号；重试时须发送相同的内容。");
            hh_store_part_end(store, true, err);
            audit(sub, q->operation, q->status, "a submission id given before to another request: refused", err);
            return;
        }
        if (found) {
            if (found > 0) {
                hh_buf_free(&rq->answer);
                hh_buf_init(&rq->answer);
                hh_buf_puts(&rq->answer, kept);
                free(kept);
                q->status = (unsigned)kept_status;
                audit(sub, q->operation, q->status, "a retried submission: the first answer again", err);
            } else
                q->status = hh_answer_store_failed(rq);
            hh_store_part_end(store, found > 0, err);
            return;
        }
    }
    bool keep = false;
    q->status = q->work(sub, &keep, err);
    if (keep && ((sub->key && hh_store_submission_keep(store, rq->who.name, sub->key, sub->body_sha256, sub->household,
                                                       (int)q->status, rq->answer.data, err)) ||
                 audit(sub, q->operation, q->status, NULL, err) || hh_store_part_end(store, true, err))) {
        hh_store_part_end(store, false, err);
        q->status = hh_answer_store_failed(rq);
    } else if (keep)
        q->stored = true;
    else {
        hh_store_part_end(store, false, err);
        sub->revision = 0; /* no revision was stored: the audit names none */
        audit(sub, q->operation, q->status, "nothing stored", err); /* best effort: the answer stands */
    }
}

/* The submissions of `batch` in one write transaction, committed once: one sync of
 * the disk for all of them. When the commit fails, nothing of any is stored, and
 * those that stored something answer 503. */
static void run_batch(hh_server *srv, queued *batch)
{
    hh_buf err;
    hh_buf_init(&err);
    hh_lang mine = hh_reasons_lang();
    pthread_mutex_lock(&srv->store_lock);
    bool begun = hh_store_begin(srv->store, &err) == 0;
    for (queued *q = batch; q; q = q->next)
        if (begun)
            run_one(srv->store, q, &err);
        else
            q->status = hh_answer_store_failed(q->sub->rq);
    if (begun && hh_store_commit(srv->store, &err)) {
        hh_store_rollback(srv->store);
        for (queued *q = batch; q; q = q->next)
            if (q->stored)
                q->status = hh_answer_store_failed(q->sub->rq);
    }
    pthread_mutex_unlock(&srv->store_lock);
    hh_buf_free(&err);
    hh_reasons_speak_here(mine);
}

/* Runs `work` for the request in a group commit (PostgreSQL's and InnoDB's way): the
 * submissions that arrive while one batch commits wait together, and the writer
 * (write_batches) commits them all as the next batch, each answered only once its
 * batch is on disk. With synchronous = FULL each commit costs a sync of the disk
 * (0.5 ms measured here), which one at a time capped the server at about 900
 * submissions a second whatever the cores. Each waiter sleeps on its own condition
 * and is woken alone, when its batch is done. */
static unsigned run_submission(submission *sub, const char *operation, submission_work work)
{
    struct hh_form_pool *pool = sub->rq->server->forms;
    /* here, on the request's thread, not the writer's */
    if (sub->key && hh_sha256_hex(sub->rq->body.data ? sub->rq->body.data : "", sub->rq->body.len, sub->body_sha256))
        return hh_answer_store_failed(sub->rq);
    queued q = { sub, operation, work, 0, false, false, PTHREAD_COND_INITIALIZER, NULL };
    pthread_mutex_lock(&pool->queue_lock);
    *pool->queue_tail = &q;
    pool->queue_tail = &q.next;
    pthread_cond_signal(&pool->work_came);
    while (!q.finished)
        pthread_cond_wait(&q.wake, &pool->queue_lock);
    pthread_mutex_unlock(&pool->queue_lock);
    pthread_cond_destroy(&q.wake);
    return q.status;
}

/* The writer: a thread of its own that stores the waiting submissions batch after
 * batch. It is the server's limit under load (the store lock held 94 % of a
 * bench-load run), and while one of the request threads led each batch, it was
 * held back by the others checking forms: the batch's thread ran half the time it
 * held the lock. The request threads now give way to it (yield_to_the_writer, server.c). */
static void *write_batches(void *arg)
{
    hh_server *srv = arg;
    struct hh_form_pool *pool = srv->forms;
    pthread_mutex_lock(&pool->queue_lock);
    for (;;) {
        while (!pool->queue && !pool->stopping)
            pthread_cond_wait(&pool->work_came, &pool->queue_lock);
        if (!pool->queue)
            break; /* stopping, and nothing is left */
        queued *batch = pool->queue;
        pool->queue = NULL;
        pool->queue_tail = &pool->queue;
        pthread_mutex_unlock(&pool->queue_lock);
        run_batch(srv, batch);
        pthread_mutex_lock(&pool->queue_lock);
        for (queued *b = batch, *next; b; b = next) {
            next = b->next; /* b is on its thread's stack: gone once that thread sees `finished` */
            b->finished = true; /* its thread looks only once this lock is let go */
            pthread_cond_signal(&b->wake);
        }
    }
    pthread_mutex_unlock(&pool->queue_lock);
    return NULL;
}

/* The store names the household holding a document number to the store's owner,
 * which the server is: over HTTP that household may be another grid's, so the
 * message says "another household" as it does to everyone else (web.md: never an
 * ID in a message). */
void hh_forms_hide_holders(hh_form_result *r)
{
    hh_diags hidden;
    hh_diags_init(&hidden);
    for (size_t i = 0; i < r->diags.n; i++) {
        hh_diag *g = &r->diags.items[i];
        if (strcmp(g->rule, "STORE-ID-DUP") != 0)
            continue;
        hh_msg_store_id_dup_hidden(&hidden, g->file, g->line, g->path);
        hh_diag *plain = &hidden.items[hidden.n - 1];
        free(g->msg_en);
        free(g->msg_zh);
        g->msg_en = plain->msg_en;
        g->msg_zh = plain->msg_zh;
        plain->msg_en = plain->msg_zh = NULL;
    }
    hh_diags_free(&hidden);
}

/* Stores form `r` (valid) as `actor`'s from the request, after `base_revision` (0:
 * none), its address found free of other households (`address_free`) or not. The
 * status with the answer; *keep for a stored or unchanged form. */
static unsigned put_form(submission *sub, hh_form_result *r, int base_revision, bool address_free, bool *keep)
{
    hh_request *rq = sub->rq;
    char *source = hh_xasprintf("http:%s", rq->who.name);
    hh_put_request put = hh_form_result_put(r, source, rq->who.name);
    put.base_revision = base_revision;
    put.address_free = address_free; /* asked just before, in this transaction */
    int revision = 0;
    hh_put_result result = hh_store_put(rq->server->store, &put, &r->diags, &revision);
    free(source);
    sub->revision = revision;
    switch (result) {
    case HH_PUT_STORED:
    case HH_PUT_REVISED:
        *keep = true;
        stored_answer(rq, result == HH_PUT_STORED ? "stored" : "revised", r->household->id, revision, &r->diags);
        return MHD_HTTP_CREATED;
    case HH_PUT_UNCHANGED:
        *keep = true;
        stored_answer(rq, "unchanged", r->household->id, revision, &r->diags);
        return MHD_HTTP_OK;
    case HH_PUT_OLDER:
        return refused(rq, MHD_HTTP_CONFLICT, "older", "The form equals an earlier revision: it was not stored.",
                       "该表单与较早的版本相同，未保存。", &r->diags);
    case HH_PUT_CONFLICT:
        if (base_revision > revision && revision > 0) /* never a revision of this household: no edit of a newer one */
            return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "base-revision", /* as an unreadable one: no conflict */
                                   "base-revision names a revision this household does not have (its current one is "
                                   "older): nothing was stored.",
                                   "base-revision 所指的版本在此住户中不存在（其当前版本更早）：未保存任何内容。");
        return refused(rq, MHD_HTTP_CONFLICT, "conflict",
                       "The household has a newer revision than the one the form started from: nothing was stored.",
                       "该住户已有比表单所依据版本更新的版本：未保存任何内容。", &r->diags);
    case HH_PUT_REFUSED:
        hh_forms_hide_holders(r);
        return hh_answer_invalid_form(rq, &r->diags);
    case HH_PUT_FAILED:
        break;
    }
    return hh_answer_store_failed(rq);
}

/* The form's XML with its household id set to `id`, malloc'd (*len); NULL when it
 * cannot be read (the form was read once already: not expected). */
static char *with_id(const char *xml, size_t len, const char *id, size_t *out_len)
{
    xmlDocPtr doc = hh_store_parse_form(xml, len, "request");
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    xmlChar *mem = NULL;
    int n = 0;
    if (root && xmlSetProp(root, BAD_CAST "id", BAD_CAST id))
        xmlDocDumpMemoryEnc(doc, &mem, &n, "UTF-8");
    if (doc)
        xmlFreeDoc(doc);
    char *copy = mem ? hh_xmalloc((size_t)n + 1) : NULL;
    if (copy) {
        memcpy(copy, mem, (size_t)n);
        copy[n] = '\0';
        *out_len = (size_t)n;
    }
    xmlFree(mem);
    return copy;
}

typedef struct form_submission {
    submission sub;
    bool override_address;
    int base_revision;
    hh_form_result checked; /* the form as read and checked before the lock */
} form_submission;

static unsigned submit_form(submission *sub, bool *keep, hh_buf *err)
{
    form_submission *fs = (form_submission *)sub;
    hh_request *rq = sub->rq;
    hh_server *srv = rq->server;
    /* freed by the request's own thread once this is done, as it was made there: a
     * block freed on another thread takes the lock of the allocator's arena it came
     * from, which that thread may hold (under load the writer slept on it). A new
     * household's form, checked again here with its id, is the exception. */
    hh_form_result *r = &fs->checked;
    unsigned status;
    char *holder = NULL;
    if (!r->household || r->diags.errors) {
        status = hh_answer_invalid_form(rq, &r->diags);
        goto done;
    }
    const char *id = r->household->id;
    sub->household = hh_xstrdup(id);
    /* into one's grids or buildings, and, for an account of single buildings, over no
     * household of another building (a revision may not take one over) */
    if (!hh_access_allows(&rq->who, HH_ACT_SUBMIT_FORM, id, r->household->building) ||
        !hh_access_allows_stored(srv->store, &rq->who, HH_ACT_SUBMIT_FORM, id, true)) {
        status = hh_answer_forbidden(rq);
        goto done;
    }
    size_t n = strlen(id);
    if (n > 4 && strcmp(id + n - 4, NEW_SERIAL) == 0) {
        /* a new household: the next serial of its grid, inside this transaction */
        char *prefix = hh_xasprintf("%.*s", (int)(n - 4), id);
        long serial = 0;
        int rc = hh_store_next_serial(srv->store, prefix, &serial, err);
        char *allocated = rc == 0 && serial <= 9999 ? hh_xasprintf("%s%04ld", prefix, serial) : NULL;
        free(prefix);
        size_t len = 0;
        char *xml = allocated ? with_id(rq->body.data, rq->body.len, allocated, &len) : NULL;
        free(allocated);
        if (rc) {
            status = hh_answer_store_failed(rq);
            goto done;
        }
        if (!xml) {
            status = hh_answer_error(rq, MHD_HTTP_CONFLICT, "grid-full",
                                     "The grid has no free household serial left (9999 are taken).",
                                     "该网格已无可用的住户序号（9999 个均已使用）。");
            goto done;
        }
        hh_form_result_free(r);
        hh_form_result_init(r);
        check_in_store(srv, xml, len, r); /* its id is part of the form: checked again */
        free(xml);
        if (!r->household || r->diags.errors) {
            status = hh_answer_invalid_form(rq, &r->diags);
            goto done;
        }
        free(sub->household);
        sub->household = hh_xstrdup(r->household->id);
    }
    const hh_household *h = r->household;
    int held = hh_store_address_holder(srv->store, h->community_code, h->building, h->unit, h->room, h->id,
                                       &holder, err);
    if (held < 0) {
        status = hh_answer_store_failed(rq);
        goto done;
    }
    if (held && !fs->override_address) {
        hh_answer_error(rq, MHD_HTTP_CONFLICT, "address-held",
                        "Another current household lives at this address (see \"household\" when it is one of "
                        "your grids'): nothing was stored. A supervisor may store it anyway with ?override=address.",
                        "该地址已有另一现有住户（若属于您的网格，见 \"household\"）：未保存任何内容。"
                        "网格长可使用 ?override=address 仍然保存。");
        /* the holder is named only to whom may read it: else which rooms of other
         * grids are lived in could be probed */
        if (hh_access_allows(&rq->who, HH_ACT_READ_HOUSEHOLD, holder, h->building)) {
            rq->answer.len--; /* the holder's id beside the error */
            hh_buf_printf(&rq->answer, ",\"household\":\"%s\"}", holder); /* an id: digits and dashes */
        }
        status = MHD_HTTP_CONFLICT;
        goto done;
    }
    if (held && !hh_access_allows(&rq->who, HH_ACT_OVERRIDE_ADDRESS, h->id, h->building)) {
        status = hh_answer_forbidden(rq);
        goto done;
    }
    status = put_form(sub, r, fs->base_revision, !held, keep);
    if (*keep && held) {
        char *more = hh_xasprintf("address override: the address is also held by %s", holder);
        if (audit(sub, "address-override", status, more, err))
            status = hh_answer_store_failed(rq), *keep = false;
        free(more);
    }
done:
    free(holder);
    return status;
}

char *hh_forms_json_to_xml(hh_request *rq, const char *json, size_t len, size_t *xml_len, unsigned *status)
{
    hh_buf where;
    hh_buf_init(&where);
    hh_json_form_fault fault = HH_JSON_FORM_NOT_OBJECT_BODY;
    char *xml = hh_json_form_xml(json, len, xml_len, &where, &fault);
    if (!xml) {
        /* what is wrong, around the place it names, in each language */
        static const struct {
            const char *en_before, *en_after, *zh_before, *zh_after;
        } said[] = {
            [HH_JSON_FORM_NOT_OBJECT_BODY] = { "the body is not a JSON object (line ", ")", "请求内容不是 JSON 对象（第 ",
                                               " 行）" },
            [HH_JSON_FORM_NOT_ITEM] = { "", " is not an item of the form", "", " 不是表单的项目" },
            [HH_JSON_FORM_NOT_SCALAR] = { "", " is not a string, number, true, false or null", "",
                                          " 不是字符串、数字、true、false 或 null" },
            [HH_JSON_FORM_NOT_ARRAY] = { "", " is not an array", "", " 不是数组" },
            [HH_JSON_FORM_NOT_OBJECT] = { "", " is not an object", "", " 不是对象" },
        };
        const char *at = where.data ? where.data : "";
        char *en = hh_xasprintf("The JSON form was refused: %s%s%s. Nothing was stored.", said[fault].en_before, at,
                                said[fault].en_after);
        char *zh = hh_xasprintf("JSON 表单被拒收：%s%s%s。未保存任何内容。", said[fault].zh_before, at, said[fault].zh_after);
        *status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "json-form", en, zh);
        free(en);
        free(zh);
    }
    hh_buf_free(&where);
    return xml;
}

/* Whether the request's Content-Type is `type` (parameters such as charset aside). */
bool hh_content_type_is(hh_request *rq, const char *type)
{
    const char *ct = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    size_t n = strlen(type);
    return ct && strncasecmp(ct, type, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static unsigned household_submit(hh_request *rq)
{
    /* who may submit at all; the form's own household is asked about once it is read */
    if (!hh_access_allows(&rq->who, HH_ACT_SUBMIT_FORM, NULL, NULL))
        return hh_answer_forbidden(rq);
    bool json = hh_content_type_is(rq, "application/json");
    if (!json && !hh_content_type_is(rq, "application/xml") && !hh_content_type_is(rq, "text/xml"))
        return hh_answer_error(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content-type",
                               "A form is sent as its XML (Content-Type: application/xml) or its JSON shape "
                               "(application/json).",
                               "表单须以 XML（Content-Type: application/xml）或其 JSON 形式（application/json）发送。");
    if (rq->body.len == 0)
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "empty-body", "The request carries no form.",
                               "请求中没有表单。");
    if (json) { /* made into its XML, it goes the XML's way */
        size_t len = 0;
        unsigned refused = 0;
        char *xml = hh_forms_json_to_xml(rq, rq->body.data, rq->body.len, &len, &refused);
        if (!xml)
            return refused;
        hh_buf_free(&rq->body);
        hh_buf_init(&rq->body);
        hh_buf_append(&rq->body, xml, len);
        free(xml);
    }
    bool bad;
    form_submission fs = { .sub = { .rq = rq, .key = client_key(rq, NULL, &bad) } };
    if (bad)
        return bad_key(rq);
    const char *override = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "override");
    const char *base = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "base-revision");
    if (override && strcmp(override, "address") != 0)
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "override",
                               "The only override is ?override=address.", "唯一可用的覆盖为 ?override=address。");
    char *end = NULL;
    long base_revision = base ? strtol(base, &end, 10) : 0;
    if (base && (end == base || *end || base_revision < 1 || base_revision > 1000000))
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "base-revision",
                               "base-revision must be the number of the revision the form started from.",
                               "base-revision 须为表单所依据的版本号。");
    fs.override_address = override != NULL;
    fs.base_revision = (int)base_revision;
    hh_form_result_init(&fs.checked);
    if (!hh_forms_check(rq->server, rq->body.data, rq->body.len, &fs.checked))
        return hh_answer_store_failed(rq);
    unsigned status = run_submission(&fs.sub, "http-submit", submit_form);
    hh_form_result_free(&fs.checked); /* a retried submission's, never stored */
    free(fs.sub.household);
    return status;
}

/* --- visits ------------------------------------------------------------------ */

typedef struct visit_submission {
    submission sub;
    hh_visit visit;
} visit_submission;

/* The visit into the household's visit log (store.h): the form, its enumeration
 * date and its review stay as they are. */
static unsigned record_visit(submission *sub, bool *keep, hh_buf *err)
{
    visit_submission *vs = (visit_submission *)sub;
    hh_request *rq = sub->rq;
    int seq = 0, rc = hh_store_log_visit(rq->server->store, rq->arg, &vs->visit, rq->who.name, &seq, err);
    if (rc == 2)
        return hh_answer_error(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid-visit",
                               "The visit's date is before the form's enumeration date: a visit of the enumeration "
                               "is recorded in the form.",
                               "走访日期早于本表登记日期：登记时的走访应记入本表。");
    if (rc)
        return rc > 0 ? hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-household",
                                        "There is no current household of that id.", "没有该编号的现有住户。")
                      : hh_answer_store_failed(rq);
    *keep = true;
    hh_buf_free(&rq->answer);
    hh_buf_init(&rq->answer);
    hh_json j;
    hh_json_init(&j, &rq->answer);
    hh_json_object(&j, NULL);
    hh_json_str(&j, "outcome", "logged");
    hh_json_str(&j, "id", rq->arg);
    hh_json_int(&j, "visit", seq);
    hh_json_end(&j);
    return MHD_HTTP_CREATED;
}

/* Visit item `key` read from the text sent as `hhreg visit` reads what is typed
 * (hh_entry_parse_typed: dates as people write them, codes by label, never by a
 * menu's number, which an API client never saw); NULL with a
 * 422 answered, naming the item, never quoting the text. */
static char *visit_item(hh_request *rq, const char *key, const char *text, unsigned *status)
{
    const hh_question *q = hh_question_find(HH_SCOPE_VISIT, key);
    char why_en[256], why_zh[256];
    char *value = hh_entry_parse_typed(q, text, rq->server->schemas->labels, false, HH_LANG_EN, why_en, sizeof why_en);
    if (!value) {
        hh_entry_parse_typed(q, text, rq->server->schemas->labels, false, HH_LANG_ZH, why_zh, sizeof why_zh);
        char *en = hh_xasprintf("The visit's %s: %s", key, why_en), *zh = hh_xasprintf("走访的项目“%s”：%s", key, why_zh);
        *status = hh_answer_error(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid-visit", en, zh);
        free(en);
        free(zh);
    }
    return value;
}

/* The string item `name` of the visit's JSON body; *wrong names the first item
 * absent (required) or not a string. */
static const char *item(json_t *body, const char *name, bool required, const char **wrong)
{
    json_t *v = json_object_get(body, name);
    if ((!v && required) || (v && !json_is_string(v))) {
        if (!*wrong)
            *wrong = name;
        return NULL;
    }
    return v ? json_string_value(v) : NULL;
}

static unsigned visit_record(hh_request *rq)
{
    if (!hh_access_allows_id(rq, HH_ACT_RECORD_VISIT, rq->arg))
        return hh_answer_forbidden(rq);
    json_error_t error;
    json_t *body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &error);
    if (!json_is_object(body)) {
        json_decref(body);
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "body",
                               "The body must be a JSON object: {\"date\",\"purpose\",\"outcome\",\"note\"?}.",
                               "请求内容须为 JSON 对象：{\"date\",\"purpose\",\"outcome\",\"note\"?}。");
    }
    const char *wrong = NULL;
    visit_submission vs = { .sub = { .rq = rq, .household = hh_xstrdup(rq->arg) } };
    static const struct { const char *key; bool required; } keys[] = {
        { "date", true }, { "purpose", true }, { "outcome", true }, { "note", false } };
    const char *texts[4];
    for (size_t k = 0; k < 4; k++)
        texts[k] = item(body, keys[k].key, keys[k].required, &wrong);
    const char *client_id = item(body, "clientId", false, &wrong);
    const char *key, *unknown = NULL;
    json_t *value;
    json_object_foreach(body, key, value) { /* a misspelt "notes" would lose the note: refused by name */
        bool known = strcmp(key, "clientId") == 0;
        for (size_t k = 0; k < 4; k++)
            known |= strcmp(key, keys[k].key) == 0;
        if (!known && !unknown)
            unknown = hh_json_key_nameable(key) ? key : "a key";
    }
    unsigned status = 0;
    bool bad = false;
    char *values[4] = { NULL, NULL, NULL, NULL }, today[11];
    hh_date_format(hh_date_today(), today);
    if (wrong) {
        char *en = hh_xasprintf("The visit's item \"%s\" is missing or not a string.", wrong);
        char *zh = hh_xasprintf("走访的项目 \"%s\" 缺失或不是字符串。", wrong);
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "item", en, zh);
        free(en);
        free(zh);
    } else if (unknown) {
        char *en = hh_xasprintf("\"%s\" is not an item of a visit (date, purpose, outcome, note, clientId).", unknown);
        char *zh = hh_xasprintf("“%s”不是走访的项目（date、purpose、outcome、note、clientId）。", unknown);
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "item", en, zh);
        free(en);
        free(zh);
    }
    for (size_t k = 0; k < 4 && !status; k++)
        values[k] = visit_item(rq, keys[k].key, texts[k] ? texts[k] : "", &status);
    if (!status && strcmp(values[0], today) > 0)
        status = hh_answer_error(rq, MHD_HTTP_UNPROCESSABLE_CONTENT, "invalid-visit",
                                 "The visit's date cannot be after today.", "走访日期不能晚于今天。");
    if (!status && ((vs.sub.key = client_key(rq, client_id, &bad)), bad))
        status = bad_key(rq);
    if (!status) {
        vs.visit = (hh_visit){ .date = values[0], .enumerator = rq->who.name, .purpose = values[1],
                               .outcome = values[2], .note = *values[3] ? values[3] : NULL };
        status = run_submission(&vs.sub, "http-visit", record_visit);
    }
    for (size_t k = 0; k < 4; k++)
        free(values[k]);
    json_decref(body);
    free(vs.sub.household);
    return status;
}

int hh_forms_make(hh_server *srv, hh_buf *err)
{
    struct hh_form_pool *pool = hh_xmalloc(sizeof *pool);
    memset(pool, 0, sizeof *pool);
    pthread_mutex_init(&pool->lock, NULL);
    pthread_mutex_init(&pool->queue_lock, NULL);
    pthread_cond_init(&pool->work_came, NULL);
    pool->queue_tail = &pool->queue;
    pool->waiting_tail = &pool->waiting;
    pool->most = (size_t)hh_cores();
    pool->schemas = srv->schemas;
    srv->forms = pool;
    /* made now: the schema and rules are known to work */
    pool->in_store = hh_form_worker_new(pool->schemas, true);
    if (!pool->in_store) {
        hh_buf_printf(err, "cannot set up the checks of %s", srv->schemas->dir);
        hh_forms_free(srv);
        return -1;
    }
    pool->writer_started = pthread_create(&pool->writer, NULL, write_batches, srv) == 0;
    if (!pool->writer_started) {
        hh_buf_puts(err, "cannot start the store's writer thread");
        hh_forms_free(srv);
        return -1;
    }
    return 0;
}

void hh_forms_free(hh_server *srv)
{
    struct hh_form_pool *pool = srv->forms;
    if (!pool)
        return;
    if (pool->writer_started) { /* no request is left to queue one */
        pthread_mutex_lock(&pool->queue_lock);
        pool->stopping = true;
        pthread_cond_signal(&pool->work_came);
        pthread_mutex_unlock(&pool->queue_lock);
        pthread_join(pool->writer, NULL);
    }
    pthread_cond_destroy(&pool->work_came);
    for (size_t i = 0; i < pool->n_idle; i++)
        hh_form_worker_free(pool->idle[i]);
    if (pool->in_store)
        hh_form_worker_free(pool->in_store);
    free(pool->idle);
    pthread_mutex_destroy(&pool->lock);
    pthread_mutex_destroy(&pool->queue_lock);
    free(pool);
    srv->forms = NULL;
}

unsigned hh_household_submit(hh_request *rq)
{
    return audit_refused(rq, "http-submit", NULL, household_submit(rq));
}

unsigned hh_visit_record(hh_request *rq)
{
    return audit_refused(rq, "http-visit", rq->arg, visit_record(rq));
}
