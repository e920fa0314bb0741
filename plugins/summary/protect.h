/* protect.h — protection of published tables (off unless asked for).
 *
 * Suppression: every count from 1 to min_count - 1 is withheld (status 'A'); then
 * every linear relation between cells (relations.h) is checked, and where exactly
 * one of its cells is withheld (so it could be recovered by subtraction) a second
 * one is withheld too (status 'D'): the smallest non-zero part, else the total.
 * This repeats until no relation has a single withheld cell. Then the audit
 * (audit.h) bounds every withheld cell over all the relations at once and withholds
 * more (also 'D') until each one's feasible interval is wide enough.
 *
 * Cell key (cell_key.c): every count is perturbed by at most max_deviation, by
 * a noise its record keys choose (status 'P'); each table's margins are the sums
 * of its perturbed cells.
 *
 * Rounding: every count is rounded to the nearest multiple of `base` (status 'R');
 * margins are rounded on their own, so they need not add up. */
#ifndef SUMMARY_PROTECT_H
#define SUMMARY_PROTECT_H

#include <stddef.h>

#include "audit.h"
#include "cube.h"

typedef struct protect_stats {
    long primary, secondary, rounds;   /* secondary: by the sweep and the audit */
    audit_stats audit;
} protect_stats;

/* 0, or -1 with `why` when the release cannot be protected (then nothing may be
 * written). `percent`: the protection interval's share of a cell's value. */
int protect_suppress(cube *c, long min_count, long percent, protect_stats *st, char *why, size_t why_len);
void protect_round(cube *c, long base);

typedef struct cell_key_stats {
    long cells, changed, absolute_noise;   /* perturbed counts (not margins) */
} cell_key_stats;

/* Needs the cube counted with record keys. max_deviation: 1 to 16. */
void protect_cell_key(cube *c, long max_deviation, cell_key_stats *st);
/* The noise's variance for a count of max_deviation or more. */
double cell_key_variance(long max_deviation);

#endif
