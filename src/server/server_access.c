/* server_access.c — the one decision of who may do what (web.md: default deny).
 * Every handler asks it before it touches data; the role matrix of the tests
 * (test_serve.c) walks it route by route, role by role, own grid and another's. */
#include "server_internal.h"

#include <string.h>

/* Whether household `id` (or a grid code: `or_is`) lies in one of the account's
 * grids (or communities). */
static bool in_grids_or(const hh_account *who, const char *id, bool or_is)
{
    for (size_t i = 0; id && i < who->n_grids; i++)
        if (hh_grid_holds(who->grids[i], id) || (or_is && strcmp(who->grids[i], id) == 0))
            return true;
    return false;
}

static bool in_grids(const hh_account *who, const char *id)
{
    return in_grids_or(who, id, false);
}

bool hh_access_allows(const hh_account *who, hh_action action, const char *household_id)
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
            return !household_id || in_grids(who, household_id);
        case HH_ACT_READ_HOUSEHOLD:
        case HH_ACT_RECORD_VISIT:
            return in_grids(who, household_id);
        case HH_ACT_OVERRIDE_ADDRESS:
        case HH_ACT_REVIEW:
            return who->role == HH_ROLE_SUPERVISOR && in_grids(who, household_id);
        case HH_ACT_PROGRESS:
            return who->role == HH_ROLE_SUPERVISOR;
        case HH_ACT_ASSIGN: /* without a grid: whether the role assigns at all */
            return who->role == HH_ROLE_SUPERVISOR && (!household_id || in_grids_or(who, household_id, true));
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
