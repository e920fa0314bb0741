/* server_access.c — the one decision of who may do what (web.md: default deny).
 * Every handler asks it before it touches data; the role matrix of the tests
 * (test_serve.c) walks it route by route, role by role, own grid and another's.
 * An account may work in single buildings of a grid (510105016003-03/543): then the
 * household's building decides too, from the form or the row at hand, or from the
 * store (hh_access_allows_stored) on the routes that name only an id. */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_accounts.h"

/* Whether household `id` in `building` (or a grid or building code: `or_is`) is one
 * of the account's grids, buildings or communities. */
static bool in_grids_or(const hh_account *who, const char *id, const char *building, bool or_is)
{
    for (size_t i = 0; id && i < who->n_grids; i++)
        if (hh_assignment_holds(who->grids[i], id, building) || (or_is && strcmp(who->grids[i], id) == 0))
            return true;
    return false;
}

static bool in_grids(const hh_account *who, const char *id, const char *building)
{
    return in_grids_or(who, id, building, false);
}

bool hh_access_allows(const hh_account *who, hh_action action, const char *household_id, const char *building)
{
    if (who->disabled)
        return false;
    if (action == HH_ACT_READ_ITEMS)
        return true; /* the item dictionary holds no personal data */
    switch (who->role) {
    case HH_ROLE_ENUMERATOR:
    case HH_ROLE_SUPERVISOR:
        switch (action) {
        case HH_ACT_LIST_HOUSEHOLDS:
            return true; /* the list holds only their grids' households */
        case HH_ACT_SUBMIT_FORM: /* without a household: whether the role submits at all */
            return !household_id || in_grids(who, household_id, building);
        case HH_ACT_READ_HOUSEHOLD:
        case HH_ACT_RECORD_VISIT:
            return in_grids(who, household_id, building);
        case HH_ACT_OVERRIDE_ADDRESS:
        case HH_ACT_REVIEW:
            return who->role == HH_ROLE_SUPERVISOR && in_grids(who, household_id, building);
        case HH_ACT_PROGRESS:
            return who->role == HH_ROLE_SUPERVISOR;
        case HH_ACT_ASSIGN: /* without a grid: whether the role assigns at all */
            return who->role == HH_ROLE_SUPERVISOR && (!household_id || in_grids_or(who, household_id, NULL, true));
        case HH_ACT_READ_ITEMS:
        case HH_ACT_EXPORT:
        case HH_ACT_READ_EXPORTS:
            break;
        }
        return false;
    case HH_ROLE_ADMIN: /* accounts and exports, not the forms */
        return action == HH_ACT_ASSIGN || action == HH_ACT_EXPORT || action == HH_ACT_READ_EXPORTS;
    case HH_ROLE_STATISTICIAN: /* never a household: only the releases an admin allowed */
        return action == HH_ACT_READ_EXPORTS;
    case HH_ROLE_COUNT:
        return false;
    }
    return false;
}

static void take_building(const hh_list_row *row, void *arg)
{
    char **building = arg;
    if (!*building)
        *building = hh_xstrdup(row->building ? row->building : "");
}

bool hh_access_allows_stored(hh_store *store, const hh_account *who, hh_action action, const char *id,
                             bool if_absent)
{
    if (!hh_account_has_buildings(who))
        return hh_access_allows(who, action, id, NULL); /* the id says it all */
    char *building = NULL;
    hh_buf err;
    hh_buf_init(&err);
    bool read = hh_store_list(store, id, HH_LIST_CURRENT, take_building, &building, &err) == 0;
    bool allowed = read && (building ? hh_access_allows(who, action, id, building) : if_absent);
    free(building);
    hh_buf_free(&err);
    return allowed;
}

bool hh_access_allows_id(hh_request *rq, hh_action action, const char *id)
{
    if (!hh_account_has_buildings(&rq->who))
        return hh_access_allows(&rq->who, action, id, NULL);
    pthread_mutex_lock(&rq->server->store_lock);
    bool allowed = hh_access_allows_stored(rq->server->store, &rq->who, action, id, false);
    pthread_mutex_unlock(&rq->server->store_lock);
    return allowed;
}
