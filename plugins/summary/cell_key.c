/* cell_key.c — the cell-key method (protect.h): every count is perturbed by a
 * small noise that its cell key chooses, the way the ABS and Eurostat's 2021
 * census hub do.
 *
 * A cell's key is the sum of its units' record keys (record_key.h) read as a
 * fraction of 2^64: the same units give the same key, so the same count in two
 * tables, two areas or two releases gets the same noise, and repeating a query
 * averages nothing away. The noise d for a count n > 0 comes from a fixed table:
 * |d| <= m = min(n, max_deviation), P(d) proportional to (m + 1 - |d|)^2, so it
 * is unbiased, never negative in total, and a zero stays a zero (no units, no
 * noise). Within each table the margins are then the sums of the perturbed
 * cells: a table adds up; across tables and areas it need not. */
#include "protect.h"

#include <string.h>

/* P(d) up to a constant, for noise within -m..m */
static double weight(long m, long d)
{
    double w = (double)(m + 1 - (d < 0 ? -d : d));
    return w * w;
}

/* The noise for count n whose cell key is `key`. */
static long noise(long n, uint64_t key, long max_deviation)
{
    if (n <= 0)
        return 0;
    long m = n < max_deviation ? n : max_deviation;
    double total = 0;
    for (long d = -m; d <= m; d++)
        total += weight(m, d);
    double u = (double)(key >> 11) / 9007199254740992.0 * total; /* the top 53 bits, as [0, total) */
    for (long d = -m; d < m; d++) {
        if (u < weight(m, d))
            return d;
        u -= weight(m, d);
    }
    return m;
}

void protect_cell_key(cube *c, long max_deviation, cell_key_stats *st)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < c->n_areas; i++)
        for (int ti = 0; ti < T_COUNT; ti++) {
            enum table_id t = (enum table_id)ti;
            size_t R = table_rows(c, t), C = table_cols(c, t);
            int margins = c->tables[t].margins;
            size_t rows = margins ? R - 1 : R, cols = margins && C > 1 ? C - 1 : C;
            for (size_t r = 0; r < R; r++)
                for (size_t k = 0; k < C; k++) {
                    cell *x = table_cell(c, &c->areas[i], t, r, k);
                    x->status = 'P';
                    if (r < rows && k < cols) {
                        long d = noise(x->value, x->key, max_deviation);
                        st->cells++;
                        st->changed += d != 0;
                        st->absolute_noise += d < 0 ? -d : d;
                        x->value += d;
                    } else {
                        x->value = 0; /* a margin: summed below */
                    }
                }
            if (!margins)
                continue;
            for (size_t r = 0; r < rows; r++)
                for (size_t k = 0; k < cols; k++) {
                    long v = table_cell(c, &c->areas[i], t, r, k)->value;
                    table_cell(c, &c->areas[i], t, R - 1, k)->value += v;
                    if (C > cols) {
                        table_cell(c, &c->areas[i], t, r, C - 1)->value += v;
                        table_cell(c, &c->areas[i], t, R - 1, C - 1)->value += v;
                    }
                }
        }
}

double cell_key_variance(long max_deviation)
{
    double total = 0, moment = 0;
    for (long d = -max_deviation; d <= max_deviation; d++) {
        total += weight(max_deviation, d);
        moment += weight(max_deviation, d) * (double)(d * d);
    }
    return moment / total;
}
