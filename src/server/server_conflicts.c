/* server_conflicts.c — the conflicts a merge left (store_merge.c, docs/merge.md) on
 * the supervisor's review queue: GET /api/v1/review-queue?state=conflict, the open
 * ones of the caller's grids, and POST /api/v1/households/{id}/resolve
 * {"keep": REVISION} or a merged form ({"form": its JSON shape}, or its XML), which
 * settles them as `hhreg resolve --keep` or `--with` does. A supervisor's
 * only (HH_ACT_REVIEW). docs/API.md, "Conflicts". */
#include "server_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "form_json.h"
#include "import_work.h"

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

/* The answer to a resolution the store refused or made: revision `keep` kept, or
 * (0) a merged form. */
static unsigned resolved(hh_request *rq, int rc, int keep, int revision)
{
    switch (rc) {
    case 0: {
        hh_json j;
        hh_json_init(&j, &rq->answer);
        hh_json_object(&j, NULL);
        hh_json_str(&j, "id", rq->arg);
        hh_json_int(&j, "revision", revision);
        if (keep)
            hh_json_int(&j, "kept", keep);
        else
            hh_json_bool(&j, "merged", true);
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
    case HH_RESOLVE_OTHER_HOUSEHOLD:
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "other-household",
                               "The merged form is of another household than the one resolved.",
                               "合并后的表单属于另一住户，而不是要解决的这一户。");
    }
    return hh_answer_store_failed(rq);
}

/* Settles the conflicts with `keep` (a revision) or, when 0, the merged form of
 * `xml`, checked as a submitted form is. */
static unsigned settle(hh_request *rq, int keep, const char *xml, size_t len)
{
    hh_server *srv = rq->server;
    hh_form_result form;
    hh_form_result_init(&form);
    if (!keep && !hh_forms_check(srv, xml, len, &form)) {
        hh_form_result_free(&form);
        return hh_answer_store_failed(rq);
    }
    if (!keep && !form.household) {
        unsigned status = hh_answer_invalid_form(rq, &form.diags);
        hh_form_result_free(&form);
        return status;
    }
    char *source = hh_xasprintf("http:%s", rq->who.name);
    hh_put_request put = hh_form_result_put(&form, source, rq->who.name);
    hh_buf err;
    hh_buf_init(&err);
    int revision = 0, rc;
    pthread_mutex_lock(&srv->store_lock);
    if (keep)
        rc = hh_store_resolve(srv->store, rq->arg, keep, rq->who.name, &revision, &err);
    else
        rc = hh_store_resolve_with(srv->store, rq->arg, &put, &form.diags, &revision, &err);
    pthread_mutex_unlock(&srv->store_lock);
    rq->audited = rc == 0; /* the store wrote the resolution's audit entry */
    unsigned status;
    if (rc == HH_RESOLVE_FORM_REFUSED) {
        hh_forms_hide_holders(&form);
        status = hh_answer_invalid_form(rq, &form.diags);
    } else {
        status = resolved(rq, rc, keep, revision);
    }
    hh_buf_free(&err);
    free(source);
    hh_form_result_free(&form);
    return status;
}

static unsigned resolve(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_REVIEW, rq->arg, NULL))
        return hh_answer_forbidden(rq);
    if (hh_content_type_is(rq, "application/xml") || hh_content_type_is(rq, "text/xml"))
        return settle(rq, 0, rq->body.data ? rq->body.data : "", rq->body.len);
    if (rq->body.len && !hh_content_type_is(rq, "application/json")) /* as every other route's JSON (CSRF) */
        return hh_answer_error(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content-type",
                               "The body is JSON (Content-Type: application/json) or the merged form's XML "
                               "(application/xml).",
                               "请求内容须为 JSON（Content-Type: application/json）或合并后表单的 XML（application/xml）。");
    json_error_t error;
    json_t *body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &error);
    json_t *keep = json_object_get(body, "keep"), *form = json_object_get(body, "form");
    unsigned status = 0;
    if (json_is_object(form) && !keep) { /* the merged form's JSON shape, made into its XML */
        char *shape = json_dumps(form, JSON_COMPACT);
        size_t len = 0;
        char *xml = shape ? hh_forms_json_to_xml(rq, shape, strlen(shape), &len, &status) : NULL;
        if (xml)
            status = settle(rq, 0, xml, len);
        else if (!status)
            status = hh_answer_store_failed(rq);
        free(xml);
        free(shape);
    } else if (!form && json_is_integer(keep) && json_integer_value(keep) >= 1 &&
               json_integer_value(keep) <= 1000000000) {
        status = settle(rq, (int)json_integer_value(keep), NULL, 0);
    } else {
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "body",
                                 "The body must be a JSON object: {\"keep\": the revision to keep} or {\"form\": the "
                                 "merged form's JSON shape}; or the merged form's XML (Content-Type: application/xml).",
                                 "请求内容须为 JSON 对象：{\"keep\": 要保留的版本号} 或 {\"form\": 合并后表单的 JSON "
                                 "形式}；或合并后表单的 XML（Content-Type: application/xml）。");
    }
    json_decref(body);
    return status;
}

unsigned hh_conflict_resolve_route(hh_request *rq)
{
    return hh_audit_decision(rq, "http-resolve", resolve(rq));
}
