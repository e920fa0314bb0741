/* server_assignments.c — who works where: GET /api/v1/assignments lists the
 * accounts a caller may assign and their grids (a supervisor: the enumerators of
 * its community and those without any grid; an admin: every account), and POST
 * /api/v1/assignments ({"user","grid","assign"?}) gives an account a grid (or one
 * building of a grid: "510105016003-03/543") or takes it away (a supervisor: an
 * enumerator, a grid or building of its community). The access rule
 * decides on the grid (server_access.c); the store audits each change. */
#include "server_internal.h"

#include <jansson.h>
#include <string.h>

#include "store_accounts.h"

typedef struct list_state {
    hh_request *rq;
    hh_json json;
} list_state;

/* Whether the caller may see (and assign) account `a`. */
static bool assignable(const hh_account *who, const hh_account *a)
{
    if (who->role == HH_ROLE_ADMIN)
        return true;
    if (a->role != HH_ROLE_ENUMERATOR)
        return false;
    for (size_t i = 0; i < a->n_grids; i++)
        if (hh_access_allows(who, HH_ACT_ASSIGN, a->grids[i], NULL))
            return true;
    return a->n_grids == 0; /* not working anywhere yet */
}

static void account_json(hh_json *j, const hh_account *a)
{
    hh_json_object(j, NULL);
    hh_json_str(j, "user", a->name);
    hh_json_str(j, "role", hh_role_name(a->role));
    hh_json_bool(j, "disabled", a->disabled);
    hh_json_array(j, "grids");
    for (size_t i = 0; i < a->n_grids; i++)
        hh_json_str(j, NULL, a->grids[i]);
    hh_json_end(j);
    hh_json_end(j);
}

static void add_account(const hh_account *a, void *arg)
{
    list_state *st = arg;
    if (assignable(&st->rq->who, a))
        account_json(&st->json, a);
}

unsigned hh_assignments_list(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_ASSIGN, NULL, NULL))
        return hh_answer_forbidden(rq);
    hh_server *srv = rq->server;
    list_state st = { .rq = rq };
    hh_json_init(&st.json, &rq->answer);
    hh_json_array(&st.json, NULL);
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->store_lock);
    int rc = hh_store_account_list(srv->store, add_account, &st, &err);
    pthread_mutex_unlock(&srv->store_lock);
    hh_json_end(&st.json);
    hh_buf_free(&err);
    return rc ? hh_answer_store_failed(rq) : MHD_HTTP_OK;
}

unsigned hh_assignments_change(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_ASSIGN, NULL, NULL))
        return hh_answer_forbidden(rq);
    json_error_t error;
    json_t *body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &error);
    const char *user = json_string_value(json_object_get(body, "user"));
    const char *grid = json_string_value(json_object_get(body, "grid"));
    json_t *assign = json_object_get(body, "assign");
    unsigned status;
    if (!user || !grid || (assign && !json_is_boolean(assign)))
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "body",
                                 "The body must be a JSON object: {\"user\",\"grid\",\"assign\"?: true|false}.",
                                 "请求内容须为 JSON 对象：{\"user\",\"grid\",\"assign\"?: true|false}。");
    else if (!hh_grid_code_valid(grid))
        status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "bad-grid",
                                 "grid is a grid code (510105016003-03), a community code (510105016003) or a "
                                 "building of a grid (510105016003-03/543, the building as the forms give it).",
                                 "grid 应为网格代码（510105016003-03）、社区代码（510105016003）或网格内的楼栋"
                                 "（510105016003-03/543，楼栋同表单所填）。");
    else if (!hh_access_allows(&rq->who, HH_ACT_ASSIGN, grid, NULL))
        status = hh_answer_forbidden(rq);
    else {
        hh_server *srv = rq->server;
        hh_buf err;
        hh_buf_init(&err);
        hh_account a = { 0 };
        bool give = !assign || json_is_true(assign);
        pthread_mutex_lock(&srv->store_lock);
        int rc = hh_store_account_get(srv->store, user, &a, &err);
        status = rc < 0 ? hh_answer_store_failed(rq) : 0;
        /* a supervisor is told only "forbidden" of an account it may not assign, so
         * the names of others cannot be probed */
        if (!status && (rc == 1 || !assignable(&rq->who, &a)))
            status = rc == 1 && rq->who.role == HH_ROLE_ADMIN
                         ? hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "no-account", "There is no account of that name.",
                                           "没有该名称的账户。")
                         : hh_answer_forbidden(rq);
        const char *refusal = status ? NULL : hh_role_grid_refusal(a.role, grid);
        if (refusal)
            status = hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "role-grid", refusal,
                                     "该账户的角色不能分配此代码：普查员分配网格或楼栋，网格长分配网格或社区，"
                                     "统计人员和管理员不分配网格。");
        bool held = false, overlaps = false;
        for (size_t i = 0; !status && i < a.n_grids; i++) {
            held |= strcmp(a.grids[i], grid) == 0;
            overlaps |= strcmp(a.grids[i], grid) != 0 && hh_grid_codes_overlap(a.grids[i], grid);
        }
        if (!status && give && overlaps)
            status = hh_answer_error(rq, MHD_HTTP_CONFLICT, "grid-overlap",
                                     "The account already holds a grid within this code, or the community around "
                                     "it: take that away first.",
                                     "该账户已持有此代码内的网格或其所在社区：请先取消该分配。");
        if (!status && !give && !held)
            status = hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "not-assigned", "The account does not hold that grid.",
                                     "该账户未被分配此网格。");
        if (!status && give != held) {
            hh_account_clear(&a);
            rc = hh_store_account_assign(srv->store, user, grid, give, rq->who.name, &err);
            if (rc == 0)
                rc = hh_store_account_get(srv->store, user, &a, &err);
            if (rc)
                status = hh_answer_store_failed(rq);
        }
        pthread_mutex_unlock(&srv->store_lock);
        if (!status) {
            hh_json j;
            hh_json_init(&j, &rq->answer);
            account_json(&j, &a);
            status = MHD_HTTP_OK;
        }
        hh_account_clear(&a);
        hh_buf_free(&err);
    }
    json_decref(body);
    return status;
}
