/* server_due.c — GET /api/v1/due: what the caller owes the households of their
 * grids today, as `hhreg due --json` lists it (due.h): ?days=N (default 30) and
 * ?group=G,G... (default all). In the audit log: who asked and how many were
 * listed, never a value. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "due.h"
#include "store_review.h"

typedef struct due_state {
    hh_request *rq;
    hh_json json;
    hhreg_date today;
    int days;
    unsigned groups;
    long listed;
    hh_store *store;    /* the store being read, and its error */
    hh_buf *err;
} due_state;

static int add_due(const hh_current *c, void *arg)
{
    const hh_household *h = c->household;
    int revision = c->revision;
    due_state *st = arg;
    hh_due d;
    /* asked per household as well: a grid code is a prefix, the decision is the access rule's */
    if (!hh_access_allows(&st->rq->who, HH_ACT_READ_HOUSEHOLD, h->id, h->building))
        return 0;
    int returned = hh_review_is_returned(st->store, h->id, revision, st->err);
    if (returned < 0)
        return -1;
    if (hh_due_of(h, st->today, st->days, st->groups, returned, &d)) {
        hh_due_json(&st->json, h, &d);
        st->listed++;
    }
    return 0;
}

static int list_area(hh_store *s, const char *area, void *arg, hh_buf *err)
{
    due_state *st = arg;
    st->store = s;
    st->err = err;
    return hh_store_each_household(s, area, -1, false, add_due, st, err);
}

/* ?group=alone,disability into a set of groups; false on a name that is none. */
static bool parse_groups(const char *list, unsigned *out)
{
    *out = 0;
    while (list && *list) {
        size_t n = strcspn(list, ",");
        char name[32];
        if (n == 0 || n >= sizeof name)
            return false;
        memcpy(name, list, n);
        name[n] = '\0';
        unsigned g = hh_group_named(name);
        if (!g)
            return false;
        *out |= g;
        list += n + (list[n] == ',');
    }
    return true;
}

unsigned hh_due_list(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_LIST_HOUSEHOLDS, NULL, NULL))
        return hh_answer_forbidden(rq);
    const char *days = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "days");
    const char *groups = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "group");
    due_state st = { .rq = rq, .today = hh_date_today(), .days = 30 };
    char *end = NULL;
    long n = days ? strtol(days, &end, 10) : 30;
    if (days && (!*days || *end || n < 0 || n > 3650))
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "bad-days", "days is a number of days from 0 to 3650.",
                               "days 应为 0 到 3650 之间的天数。");
    st.days = (int)n;
    if (!parse_groups(groups, &st.groups))
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "bad-group",
                               "group lists alone, disability, low-income, elderly-80 or foreign, separated by commas.",
                               "group 可列 alone、disability、low-income、elderly-80 或 foreign，以逗号分隔。");
    if (!st.groups)
        st.groups = HH_GROUPS_ALL;
    return hh_answer_listing(rq, &st.json, "due", list_area, &st, &st.listed);
}
