/* due.h — what a grid worker owes a household on a given day (hhreg due; GET
 * /api/v1/due): a visit to a household of a special group not visited within N
 * days, a revisit after a visit that found nobody home, and the month's
 * milestones (a resident turning 80, the anniversary of the low-income allowance,
 * reviewed yearly). Computed from the stored household alone, the derived groups
 * from derived.h, and a form returned by its reviewer (store_review.h), which
 * the caller reads from the store. */
#ifndef HH_DUE_H
#define HH_DUE_H

#include <stdbool.h>

#include "form.h"
#include "hhreg/calendar.h"
#include "json.h"

/* The special groups, as --group names them. */
typedef enum {
    HH_GROUP_ALONE = 1 << 0,      /* an elderly person living alone (derived.h) */
    HH_GROUP_DISABILITY = 1 << 1, /* a person with a disability (derived.h) */
    HH_GROUP_LOW_INCOME = 1 << 2, /* the low-income allowance (低保) */
    HH_GROUP_ELDERLY_80 = 1 << 3, /* a resident aged 80 or more on the day */
    HH_GROUP_FOREIGN = 1 << 4,    /* a resident of another nationality */
} hh_group;
#define HH_GROUPS_ALL 0x1F

/* The group named `name` ("alone", "disability", "low-income", "elderly-80",
 * "foreign"), or 0. */
unsigned hh_group_named(const char *name);
/* The name of one group bit. */
const char *hh_group_name(unsigned group);

typedef struct hh_due {
    unsigned groups;        /* the special groups the household is in */
    bool visit;             /* in a group asked for, and no visit done within the days */
    bool revisit;           /* its last visit found nobody home (on its last date, in the order made:
                               hh_visit.before_form) */
    bool turns_80;          /* a resident turns 80 this month */
    bool low_income_review; /* the allowance began in this month of an earlier year */
    bool returned;          /* the reviewer returned the current form: it needs changing */
    const char *last_visit; /* the date of the last visit done (the household's string), or NULL */
    long days_since;        /* since that visit; -1 without one */
} hh_due;

/* Fills `out` for household `h` on day `today`: a visit is due when the household
 * is in one of `groups` and has no visit done (outcome done or referred) within
 * `days` days; `returned` when its current form was returned. True when anything
 * is due. */
bool hh_due_of(const hh_household *h, hhreg_date today, int days, unsigned groups, bool returned, hh_due *out);

/* One household's entry of `hhreg due --json` and GET /api/v1/due: id, building,
 * unit, room, groups, visit, revisit, turns80, lowIncomeReview, returned, and
 * lastVisit and daysSince after a visit. */
void hh_due_json(hh_json *j, const hh_household *h, const hh_due *d);

#endif
