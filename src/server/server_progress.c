/* server_progress.c — GET /api/v1/progress: the supervisor's dashboard, how far the
 * caller's grids have come, per grid and per enumerator (grid_progress.h), from
 * one read snapshot. Counts only: no id, name or address is in the answer; the
 * audit log says who asked and over how many households. */
#include "server_internal.h"

#include "dates.h"
#include "grid_progress.h"

typedef struct progress_state {
    hh_request *rq;
    hh_progress progress;
    hh_store *store;    /* the store being read, and its error */
    hh_buf *err;
} progress_state;

static int add_household(const hh_current *c, void *arg)
{
    const hh_household *h = c->household;
    int revision = c->revision;
    progress_state *st = arg;
    /* asked per household as well: a grid code is a prefix, the decision is the access rule's */
    if (!hh_access_allows(&st->rq->who, HH_ACT_READ_HOUSEHOLD, h->id, h->building))
        return 0;
    hh_review r;
    if (hh_review_of(st->store, h->id, revision, &r, st->err))
        return -1;
    hh_progress_add(&st->progress, h, r.state);
    hh_review_free(&r);
    return 0;
}

static int read_area(hh_store *s, const char *area, void *arg, hh_buf *err)
{
    progress_state *st = arg;
    st->store = s;
    st->err = err;
    return hh_store_each_household(s, area, -1, false, add_household, st, err);
}

unsigned hh_progress_get(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_PROGRESS, NULL, NULL))
        return hh_answer_forbidden(rq);
    hh_buf err;
    hh_buf_init(&err);
    progress_state st = { .rq = rq };
    hh_progress_init(&st.progress, hh_date_today());
    int rc = hh_read_areas(rq, "progress", read_area, &st, &st.progress.total.households, &err);
    if (rc == 0) {
        hh_json j;
        hh_json_init(&j, &rq->answer);
        hh_progress_json(&j, &st.progress);
    }
    hh_progress_free(&st.progress);
    hh_buf_free(&err);
    return rc ? hh_answer_store_failed(rq) : MHD_HTTP_OK;
}
