/* server_review.c — review over HTTP (store_review.h): POST
 * /api/v1/households/{id}/review, a supervisor's decision on the current revision
 * ({"decision":"approve"|"return","revision"?,"comment"?,"items"?:[{"path",
 * "comment"}]}), and GET /api/v1/review-queue[?state=submitted|returned], the
 * caller's grids' households in that state (the supervisor's queue by default; the
 * enumerator's returned forms, with why); ?state=conflict is server_conflicts.c's.
 * docs/API.md, "Review". */
#include "server_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "store_review.h"

/* The most item comments one decision takes. */
#define MAX_NOTES 256

typedef struct queue_state {
    hh_request *rq;
    hh_review_state want;
    hh_json json;
    long listed;
} queue_state;

static void add_row(const hh_review_row *row, void *arg)
{
    queue_state *st = arg;
    /* asked per household as well: a grid code is a prefix, the decision is the access rule's */
    if (hh_access_allows(&st->rq->who, HH_ACT_READ_HOUSEHOLD, row->id, row->building)) {
        hh_review_row_json(&st->json, row);
        st->listed++;
    }
}

static int list_area(hh_store *s, const char *area, void *arg, hh_buf *err)
{
    queue_state *st = arg;
    return hh_review_each(s, area, st->want, add_row, st, err);
}

unsigned hh_review_queue(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_LIST_HOUSEHOLDS, NULL, NULL))
        return hh_answer_forbidden(rq);
    const char *state = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "state");
    if (state && strcmp(state, "conflict") == 0)
        return hh_conflicts_queue(rq);
    int want = state ? hh_review_state_named(state) : HH_REVIEW_SUBMITTED;
    if (want < 0)
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "bad-state",
                               "state is submitted, approved, returned or conflict.",
                               "state 应为 submitted、approved、returned 或 conflict。");
    queue_state st = { .rq = rq, .want = (hh_review_state)want };
    return hh_answer_listing(rq, &st.json, "review-queue", list_area, &st, &st.listed);
}

/* The decision's item comments from the body's "items" (absent: none) into `notes`;
 * their count, or -1 when "items" is not an array of {"path","comment"} strings. */
static long read_notes(json_t *items, hh_review_note *notes)
{
    if (!items)
        return 0;
    if (!json_is_array(items) || json_array_size(items) > MAX_NOTES)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        json_t *path = json_object_get(it, "path"), *comment = json_object_get(it, "comment");
        static const char *const known[] = { "path", "comment", NULL };
        if (!json_is_object(it) || !json_is_string(path) || !json_is_string(comment) ||
            hh_json_unknown_key(it, known))
            return -1;
        notes[i].path = (char *)json_string_value(path);
        notes[i].comment = (char *)json_string_value(comment);
    }
    return (long)json_array_size(items);
}

/* The answer to a decision the store refused or took, by what it said. */
static unsigned decided(hh_request *rq, hh_decide_result result, const hh_buf *why, const hh_buf *why_other)
{
    switch (result) {
    case HH_DECIDED:
        return MHD_HTTP_OK;
    case HH_DECIDE_NO_HOUSEHOLD:
        return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-household", "There is no current household of that id.",
                               "没有该编号的现有住户。");
    case HH_DECIDE_STALE:
        return hh_answer_error(rq, MHD_HTTP_CONFLICT, "stale-revision",
                               "Another revision of this household was stored meanwhile: read it again and decide on it.",
                               "此住户已有更新的版本：请重新读取后再审核。");
    case HH_DECIDE_BAD:
        /* the library's reason, in both languages, names the comment by number,
         * never its words */
    {   /* the other language's reason: none when the store changed meanwhile (another process) */
        const char *other = why_other->len ? why_other->data : why->data;
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "bad-review", rq->lang == HH_LANG_EN ? why->data : other,
                               rq->lang == HH_LANG_EN ? other : why->data);
    }
    case HH_DECIDE_FAILED:
        break;
    }
    return hh_answer_store_failed(rq);
}

static unsigned review_decide(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_REVIEW, rq->arg, NULL))
        return hh_answer_forbidden(rq);
    json_error_t error;
    json_t *body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &error);
    json_t *revision = json_object_get(body, "revision"), *comment = json_object_get(body, "comment");
    const char *said = json_string_value(json_object_get(body, "decision"));
    int state = !said                                                           ? -1
                : strcmp(said, "approve") == 0 || strcmp(said, "approved") == 0 ? HH_REVIEW_APPROVED
                : strcmp(said, "return") == 0 || strcmp(said, "returned") == 0  ? HH_REVIEW_RETURNED
                                                                                : -1;
    hh_review_note notes[MAX_NOTES];
    static const char *const known[] = { "decision", "revision", "comment", "items", NULL };
    long n_notes = json_is_object(body) && !hh_json_unknown_key(body, known)
                       ? read_notes(json_object_get(body, "items"), notes)
                       : -1; /* a misspelt "items" must not drop the comments silently */
    unsigned status;
    if (state < 0 || n_notes < 0 ||
        (revision && (!json_is_integer(revision) || json_integer_value(revision) < 1 ||
                      json_integer_value(revision) > 1000000)) ||
        (comment && !json_is_string(comment) && !json_is_null(comment)))
        status = hh_answer_error(
            rq, MHD_HTTP_BAD_REQUEST, "body",
            "The body must be a JSON object: {\"decision\":\"approve\"|\"return\",\"revision\"?,\"comment\"?,"
            "\"items\"?:[{\"path\",\"comment\"}]}.",
            "请求内容须为 JSON 对象：{\"decision\":\"approve\"|\"return\",\"revision\"?,\"comment\"?,"
            "\"items\"?:[{\"path\",\"comment\"}]}。");
    else {
        hh_server *srv = rq->server;
        hh_buf why, why_other;
        hh_buf_init(&why);
        hh_buf_init(&why_other);
        hh_review r;
        int at = revision ? (int)json_integer_value(revision) : 0;
        pthread_mutex_lock(&srv->store_lock);
        hh_decide_result result = hh_review_decide(srv->store, rq->arg, at, (hh_review_state)state,
                                                   json_string_value(comment), notes, (size_t)n_notes, rq->who.name,
                                                   rq->lang, &r, &why); /* the reason in the session's language */
        if (result == HH_DECIDE_BAD) /* and in the other, asked again without recording anything */
            hh_review_refusal(srv->store, rq->arg, at, (hh_review_state)state, json_string_value(comment), notes,
                              (size_t)n_notes, rq->lang == HH_LANG_EN ? HH_LANG_ZH : HH_LANG_EN, &why_other);
        pthread_mutex_unlock(&srv->store_lock);
        rq->audited = result == HH_DECIDED; /* the store wrote the decision's audit entry */
        status = decided(rq, result, &why, &why_other);
        if (result == HH_DECIDED) {
            hh_json j;
            hh_json_init(&j, &rq->answer);
            hh_review_json(&j, NULL, &r);
            hh_review_free(&r);
        }
        hh_buf_free(&why);
        hh_buf_free(&why_other);
    }
    json_decref(body);
    return status;
}

unsigned hh_review_decide_route(hh_request *rq)
{
    return hh_audit_decision(rq, "http-review", review_decide(rq));
}
