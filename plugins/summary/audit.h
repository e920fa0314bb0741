/* audit.h — proving a suppressed release safe before it is written.
 *
 * An intruder who knows every relation between the published counts
 * (relations.h) and that a withheld count is at least 1 can bound each withheld
 * cell by linear programming: its feasible interval [lo, hi] is the least and the
 * greatest value it can take with every relation holding. The audit computes that
 * interval for every withheld cell (GLPK's simplex, one problem per connected
 * group of withheld cells) and requires it to be at least as wide as the cell's
 * protection interval, max(min-count, percent % of the value). A cell whose
 * interval is narrower gets a neighbour withheld too (the smallest published
 * non-zero count in a relation with it), and the audit goes on until every
 * withheld cell passes. Withholding more never narrows an interval already
 * proven wide enough, so only new and failing cells are solved again. */
#ifndef SUMMARY_AUDIT_H
#define SUMMARY_AUDIT_H

#include <stddef.h>

#include "cube.h"
#include "relations.h"

typedef struct audit_stats {
    long relations;      /* relations holding at least one withheld cell, at the end */
    long cells;          /* withheld cells audited, at the end */
    long added;          /* cells withheld by the audit */
    long rounds;
    long solves;         /* linear programs solved (a cell already seen to span its width needs none) */
} audit_stats;

/* 0 when every withheld cell is protected (perhaps after withholding more); -1
 * with `why` when a cell cannot be protected. */
int audit_release(cube *c, const relations *r, long min_count, long percent, audit_stats *st, char *why,
                  size_t why_len);

#endif
