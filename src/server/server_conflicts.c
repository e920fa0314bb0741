/* server_conflicts.c — the conflicts a merge left (store_merge.c, docs/merge.md) on
 * the supervisor's review queue: GET /api/v1/review-queue?state=conflict, the open
 * ones of the caller's grids, and POST /api/v1/households/{id}/resolve
 * {"keep": REVISION}, which settles them as `hhreg resolve` does. A supervisor's
 * only (HH_ACT_REVIEW). docs/API.md, "Conflicts". */
#include "server_internal.h"

#include <jansson.h>
#include <stdlib.h>

#include "form_json.h"

typedef struct conflicts_state {
    hh_request *rq;
    hh_json json;
    long listed;
} conflicts_state;

static void add_conflict(const hh_conflict *c, void *arg)
{
    conflicts_state *st = arg;
    if (hh_access_allows(&st->rq->who, HH_ACT_REVIEW, c->household, NULL)) {
        hh_conflict_json(&st->json, c);
        st->listed++;
    }
}

static int list_area(hh_store *s, const char *area, void *arg, hh_buf *err)
{
    return hh_store_each_conflict(s, area, false, add_conflict, arg, err);
}

unsigned hh_conflicts_queue(hh_request *rq)
{
    if (rq->who.role != HH_ROLE_SUPERVISOR)
        return hh_answer_forbidden(rq);
    conflicts_state st = { .rq = rq };
    return hh_answer_listing(rq, &st.json, "conflicts", list_area, &st, &st.listed);
}

/* The answer to a resolution the store refused or made. */
static unsigned resolved(hh_request *rq, int rc, int keep, int revision)
{
    switch (rc) {
    case 0: {
        hh_json j;
        hh_json_init(&j, &rq->answer);
        hh_json_object(&j, NULL);
        hh_json_str(&j, "id", rq->arg);
        hh_json_int(&j, "revision", revision);
        hh_json_int(&j, "kept", keep);
        hh_json_end(&j);
        return MHD_HTTP_OK;
    }
    case HH_RESOLVE_NO_HOUSEHOLD:
        return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-household", "There is no household of that id.",
                               "没有该编号的住户。");
    case HH_RESOLVE_NOTHING_OPEN:
        return hh_answer_error(rq, MHD_HTTP_CONFLICT, "no-conflict", "The household has no open conflict.",
                               "该住户没有未解决的冲突。");
    case HH_RESOLVE_NO_REVISION:
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "no-revision", "The household has no such revision.",
                               "该住户没有这一版本。");
    case HH_RESOLVE_DOCUMENT_HELD:
        return hh_answer_error(rq, MHD_HTTP_CONFLICT, "document-held",
                               "Another household holds an ID document of that revision: correct one of them first.",
                               "另一住户持有该版本中的证件号码：请先更正其中之一。");
    }
    return hh_answer_store_failed(rq);
}

static unsigned resolve(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_REVIEW, rq->arg, NULL))
        return hh_answer_forbidden(rq);
    json_error_t error;
    json_t *body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &error);
    json_t *keep = json_object_get(body, "keep");
    unsigned status;
    if (!json_is_integer(keep) || json_integer_value(keep) < 1 || json_integer_value(keep) > 1000000000) {
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "body",
                                 "The body must be a JSON object: {\"keep\": the revision to keep}.",
                                 "请求内容须为 JSON 对象：{\"keep\": 要保留的版本号}。");
    } else {
        hh_server *srv = rq->server;
        hh_buf err;
        hh_buf_init(&err);
        int revision = 0;
        pthread_mutex_lock(&srv->store_lock);
        int rc = hh_store_resolve(srv->store, rq->arg, (int)json_integer_value(keep), rq->who.name, &revision, &err);
        pthread_mutex_unlock(&srv->store_lock);
        rq->audited = rc == 0; /* the store wrote the resolution's audit entry */
        status = resolved(rq, rc, (int)json_integer_value(keep), revision);
        hh_buf_free(&err);
    }
    json_decref(body);
    return status;
}

unsigned hh_conflict_resolve_route(hh_request *rq)
{
    return hh_audit_decision(rq, "http-resolve", resolve(rq));
}
