/* protect.h — protection of published tables (off unless asked for).
 *
 * Suppression: every count from 1 to min_count - 1 is withheld (status 'A'); then
 * every linear relation between cells — a table's row and column margins, a parent
 * area as the sum of its children, the special groups 60+, 65+, 80+ and foreign
 * residents as sums of the population and nationality tables — is checked, and
 * where exactly one of its cells is withheld (so it could be recovered by
 * subtraction) a second one is withheld too (status 'D'): the smallest non-zero
 * part, else the total. This repeats until no relation has a single withheld cell.
 *
 * Rounding: every count is rounded to the nearest multiple of `base` (status 'R');
 * margins are rounded on their own, so they need not add up. */
#ifndef SUMMARY_PROTECT_H
#define SUMMARY_PROTECT_H

#include "cube.h"

typedef struct protect_stats {
    long primary, secondary, rounds;
} protect_stats;

protect_stats protect_suppress(cube *c, long min_count);
void protect_round(cube *c, long base);

#endif
