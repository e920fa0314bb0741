/* server_households.c — reading households over HTTP: GET /api/v1/households (the
 * caller's grids' current households, as `list --json` gives them; with ?q= those a
 * search names, as `hhreg find` finds them; with ?full=1 each whole, as the next
 * route gives it, for a phone keeping its grids for offline) and GET
 * /api/v1/households/{id} (one household as `show --json` gives it, with its
 * revision, review (store_review.h) and the warnings kept with the revision). Each read of
 * personal data is in the audit log: who, which household, never a value. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

#include "form_json.h"
#include "store_review.h"

static int household_answer(hh_request *rq, hh_store *store, const char *id, bool audit, hh_buf *out, hh_buf *err);

typedef struct list_state {
    hh_request *rq;
    hh_json json;
    long rows;
    const char *text;   /* ?q=: what a search names */
    const char *area;   /* the area being listed */
    bool whole;         /* ?full=1: each household whole */
    char **ids;         /* then: the ids of the area's households the caller may read */
    size_t n_ids;
} list_state;

static void add_row(const hh_list_row *r, void *arg)
{
    list_state *st = arg;
    /* asked per row as well: a grid code is a prefix, the decision is the access rule's */
    if (!hh_access_allows(&st->rq->who, HH_ACT_READ_HOUSEHOLD, r->id, r->building))
        return;
    if (st->whole) { /* read once the listing's statement is done */
        st->ids = hh_xrealloc(st->ids, (st->n_ids + 1) * sizeof *st->ids);
        st->ids[st->n_ids++] = hh_xstrdup(r->id);
    } else {
        hh_list_row_json(&st->json, r);
        st->rows++;
    }
}

static int list_area(hh_store *s, const char *area, void *arg, hh_buf *err)
{
    list_state *st = arg;
    int rc = hh_store_list(s, area, HH_LIST_CURRENT, add_row, arg, err);
    hh_buf one;
    hh_buf_init(&one);
    for (size_t i = 0; i < st->n_ids; i++) {
        hh_buf_reset(&one);
        /* in the listing's read transaction: listed, so current */
        if (rc == 0 && (rc = household_answer(st->rq, s, st->ids[i], false, &one, err)) == 0) {
            hh_json_raw(&st->json, NULL, one.data);
            st->rows++;
        }
        free(st->ids[i]);
    }
    hh_buf_free(&one);
    free(st->ids);
    st->ids = NULL;
    st->n_ids = 0;
    return rc;
}

/* One household of the area listed that ?q= names, when the caller may read it: where
 * it is and how it was found, never the head's name nor the text searched for. */
static void add_match(const hh_household_match *m, void *arg)
{
    list_state *st = arg;
    if (m->deleted || strncmp(m->id, st->area, strlen(st->area)) != 0 ||
        !hh_access_allows(&st->rq->who, HH_ACT_READ_HOUSEHOLD, m->id, m->building))
        return;
    static const char *const kinds[] = { [HH_MATCH_ID] = "id", [HH_MATCH_ROOM] = "room",
                                         [HH_MATCH_ID_DIGITS] = "id-digits", [HH_MATCH_PHONE] = "phone",
                                         [HH_MATCH_NAME] = "name" };
    hh_json_object(&st->json, NULL);
    hh_json_str(&st->json, "id", m->id);
    hh_json_str(&st->json, "estate", m->estate);
    hh_json_str(&st->json, "building", m->building);
    hh_json_str(&st->json, "unit", m->unit);
    hh_json_str(&st->json, "room", m->room);
    hh_json_str(&st->json, "match", kinds[m->kind]);
    hh_json_end(&st->json);
    st->rows++;
}

/* The households of `area` the search names (areas never overlap: one match, one row). */
static int find_in_area(hh_store *s, const char *area, void *arg, hh_buf *err)
{
    list_state *st = arg;
    st->area = area;
    return hh_store_find(s, st->text, add_match, st, err) < 0 ? -1 : 0;
}

/* GET /api/v1/households, and with ?q=TEXT the caller's households TEXT names, as
 * `hhreg find` finds them (an id, building-unit-room, the id's last digits, part of a
 * phone or of a name); the audit log says a search was made and how many were found. */
unsigned hh_households_list(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_LIST_HOUSEHOLDS, NULL, NULL))
        return hh_answer_forbidden(rq);
    list_state st = { .rq = rq };
    st.text = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "q");
    const char *full = MHD_lookup_connection_value(rq->connection, MHD_GET_ARGUMENT_KIND, "full");
    bool search = st.text && *st.text;
    st.whole = full && strcmp(full, "1") == 0 && !search;
    return hh_answer_listing(rq, &st.json, search ? "find" : st.whole ? "forms" : "list",
                             search ? find_in_area : list_area, &st, &st.rows);
}

typedef struct warnings_state {
    hh_json json;
    hh_lang lang;
} warnings_state;

static void add_warning(const char *rule, const char *path, const char *en, const char *zh, void *arg)
{
    warnings_state *st = arg;
    hh_json_object(&st->json, NULL);
    hh_json_str(&st->json, "rule", rule);
    hh_json_str(&st->json, "path", path);
    hh_json_str(&st->json, "message", st->lang == HH_LANG_ZH ? zh : en);
    hh_json_end(&st->json);
}

/* Household `id` as GET /api/v1/households/{id} answers it (as `show --json` gives
 * it, with its revision, review and kept warnings), read from `store`, appended to
 * `out`, the read audited when `audit` (then `store` is the server's own): 0; 1 when
 * there is no current household of that id; -1 with `err`. The caller holds
 * `store`'s lock. */
static int household_answer(hh_request *rq, hh_store *store, const char *id, bool audit, hh_buf *out, hh_buf *err)
{
    hh_household *h = NULL;
    int revision = 0;
    hh_review review = { 0 };
    hh_buf warnings; /* the current revision's, kept with it: what a supervisor reviews */
    hh_buf_init(&warnings);
    warnings_state ws = { .lang = rq->lang };
    hh_json_init(&ws.json, &warnings);
    hh_json_array(&ws.json, NULL);
    int rc = hh_store_get_household(store, id, 0, &h, &revision, err);
    if (rc == 0 && hh_review_of(store, id, revision, &review, err))
        rc = -1;
    if (rc == 0 && hh_store_warnings(store, id, revision, add_warning, &ws, err))
        rc = -1;
    hh_json_end(&ws.json);
    if (rc == 0 && audit) {
        char *detail = hh_xasprintf("over HTTP from %s%s", rq->from, hh_request_head_only(rq));
        if (hh_store_audit(store, rq->who.name, "read", id, revision, detail, err))
            rc = -1;
        free(detail);
    }
    if (rc == 0) {
        hh_household_json(out, h);
        out->len--; /* reopen the object: its revision and review follow */
        hh_buf_printf(out, ",\"revision\":%d,\"review\":", revision);
        hh_json j;
        hh_json_init(&j, out);
        hh_review_json(&j, NULL, &review);
        hh_buf_printf(out, ",\"warnings\":%.*s}", (int)warnings.len, warnings.data);
    }
    hh_review_free(&review);
    hh_buf_free(&warnings);
    hh_household_free(h);
    return rc;
}

unsigned hh_household_get(hh_request *rq)
{
    if (!hh_access_allows_id(rq, HH_ACT_READ_HOUSEHOLD, rq->arg))
        return hh_answer_forbidden(rq);
    hh_server *srv = rq->server;
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->store_lock);
    int rc = household_answer(rq, srv->store, rq->arg, true, &rq->answer, &err);
    pthread_mutex_unlock(&srv->store_lock);
    hh_buf_free(&err);
    if (rc < 0)
        return hh_answer_store_failed(rq);
    if (rc > 0)
        return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-household", "There is no current household of that id.",
                               "没有该编号的现有住户。");
    return MHD_HTTP_OK;
}
