/* grid_progress.h — how far the enumeration of a community has come, per grid and
 * per enumerator (GET /api/v1/progress, the supervisor's dashboard): households
 * enumerated or still owed a form, their review states, visits in the last 7 and
 * 30 days, and the special groups (due.h). Counted from current households the
 * caller hands over one at a time with their review state; no store access here. */
#ifndef HH_GRID_PROGRESS_H
#define HH_GRID_PROGRESS_H

#include "due.h"
#include "store_review.h"

typedef struct hh_progress_counts {
    long households;
    long enumerated;        /* status complete or partial */
    long not_enumerated;    /* nobody home or refused: a form is still owed */
    long review[3];         /* by hh_review_state: submitted, approved, returned */
    long visits7, visits30; /* visits made (any outcome) in the last 7 and 30 days, today included */
    long groups[5];         /* households in each special group, by the bit of hh_group */
} hh_progress_counts;

typedef struct hh_progress_row {
    char *key;              /* the grid (the household ids' prefix, 510105016003-03) or the enumerator */
    hh_progress_counts counts;
} hh_progress_row;

typedef struct hh_progress {
    hhreg_date today;
    hh_progress_row *grids, *enumerators; /* in the order first met */
    size_t n_grids, n_enumerators;
    hh_progress_counts total;
} hh_progress;

void hh_progress_init(hh_progress *p, hhreg_date today);
/* Counts current household `h`, whose review state is `state`. */
void hh_progress_add(hh_progress *p, const hh_household *h, hh_review_state state);
/* {"asOf","total":{...},"grids":[{"grid",...}],"enumerators":[{"enumerator",...}]},
 * each counts object: households, enumerated, notEnumerated, submitted, approved,
 * returned, visits7, visits30, groups:{alone,disability,low-income,elderly-80,foreign}. */
void hh_progress_json(hh_json *j, const hh_progress *p);
void hh_progress_free(hh_progress *p);

#endif
