/* filter.h — a district profile's row filter (<filter>, see docs/district-profiles.md):
 * and / or / not of comparisons of an item with a value, a test for an absent
 * item, and membership of a special group. Read and checked with the profile, so a
 * mistake is refused with its file, line and element before anything is written;
 * then asked for every row. */
#ifndef DCSV_FILTER_H
#define DCSV_FILTER_H

#include <stddef.h>
#include <libxml/tree.h>

#include "fields.h"

typedef enum filter_op {
    F_AND, F_OR, F_NOT,                        /* of the conditions inside */
    F_EQ, F_NE, F_LT, F_LE, F_GT, F_GE, F_IN,  /* the item's value against `values` */
    F_EMPTY,                                   /* the item has no value */
    F_GROUP                                    /* the row's person is in special group `group` */
} filter_op;

typedef struct filter {
    filter_op op;
    long line;                   /* in the profile, for messages */
    item it;
    char **values;               /* dates as YYYY-MM-DD, yes/no as 1 or 0 */
    double *numbers;             /* the values of a number item */
    size_t n_values;
    int group;
    struct filter *conditions;
    size_t n_conditions;
} filter;

/* The levels (1 << LEVEL_*) whose items have a value on a profile's rows. */
typedef unsigned levels;

/* Reads the condition inside the <filter> element `el` of the profile `file`,
 * whose rows give values to the items of `rows`. NULL with a message naming the
 * file, line and element in `err` (size n) when an item has no value on those rows,
 * a value is not of the item's kind, or an order is asked of text. */
filter *filter_read(const xmlNode *el, const char *file, levels rows, char *err, size_t n);
/* Checks the values of code items against the form's code lists (with the host's
 * code_label); 0, or -1 with a message as above. */
int filter_check_codes(const filter *f, const char *file, const hhreg_host_api *api, hhreg_ctx *ctx, char *err,
                       size_t n);
/* Whether row `r` passes; a NULL filter passes every row. */
int filter_match(const filter *f, const row *r);
void filter_free(filter *f);

#endif
