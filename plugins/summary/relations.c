/* relations.c — see relations.h. Built once per release, after the cube is
 * frozen, as 32-bit cell indices. */
#include "relations.h"

#include <stdlib.h>

static void push(relations *r, long v)
{
    if (v < 0 || v > (long)UINT32_MAX)
        abort(); /* more than four billion cells: not a district */
    if (r->n == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 4096;
        r->items = realloc(r->items, r->cap * sizeof *r->items);
        if (!r->items)
            abort();
    }
    r->items[r->n++] = (uint32_t)v;
}

static void begin(relations *r, long total)
{
    r->open = r->n;
    r->count++;
    push(r, 0);
    push(r, total);
}

static void part(relations *r, long member)
{
    push(r, member);
    r->items[r->open]++;
}

static long index_of(const cube *c, const area *a, enum table_id t, size_t row, size_t col)
{
    return (long)(table_cell(c, a, t, row, col) - c->cells);
}

/* Row and column margins of every table of area `a`. */
static void margins(relations *r, const cube *c, const area *a)
{
    for (int ti = 0; ti < T_COUNT; ti++) {
        enum table_id t = (enum table_id)ti;
        if (!c->tables[t].margins)
            continue;
        size_t R = table_rows(c, t), C = table_cols(c, t);
        for (size_t k = 0; k < C; k++) {
            begin(r, index_of(c, a, t, R - 1, k));
            for (size_t row = 0; row + 1 < R; row++)
                part(r, index_of(c, a, t, row, k));
        }
        if (!c->tables[t].cols)
            continue;
        for (size_t row = 0; row < R; row++) {
            begin(r, index_of(c, a, t, row, C - 1));
            for (size_t k = 0; k + 1 < C; k++)
                part(r, index_of(c, a, t, row, k));
        }
    }
}

/* The special groups that are sums of other tables' cells. */
static void links(relations *r, const cube *c, const area *a)
{
    static const struct {
        enum special group;
        size_t first_age_row;
    } elderly[] = { { SG_60, 12 }, { SG_65, 13 }, { SG_80, 16 } };
    size_t R = table_rows(c, T_POPULATION);
    for (size_t i = 0; i < 3; i++) {
        begin(r, index_of(c, a, T_SPECIAL, elderly[i].group, 0));
        for (size_t row = elderly[i].first_age_row; row + 1 < R; row++)
            part(r, index_of(c, a, T_POPULATION, row, table_cols(c, T_POPULATION) - 1));
    }
    begin(r, index_of(c, a, T_SPECIAL, SG_FOREIGN, 0));
    part(r, index_of(c, a, T_NATIONALITY, table_rows(c, T_NATIONALITY) - 1, 0));
}

/* Each parent area's cells as sums of its children's. */
static void hierarchy(relations *r, const cube *c)
{
    long *first_child = malloc((c->n_areas + 1) * sizeof *first_child);
    long *next = malloc((c->n_areas + 1) * sizeof *next);
    if (!first_child || !next)
        abort();
    for (size_t i = 0; i < c->n_areas; i++)
        first_child[i] = -1;
    for (size_t i = c->n_areas; i-- > 0;) {
        long p = c->areas[i].parent;
        next[i] = p >= 0 ? first_child[p] : -1;
        if (p >= 0)
            first_child[p] = (long)i;
    }
    for (size_t i = 0; i < c->n_areas; i++) {
        if (first_child[i] < 0)
            continue;
        const area *a = &c->areas[i];
        for (int ti = 0; ti < T_COUNT; ti++) {
            enum table_id t = (enum table_id)ti;
            size_t cells = table_rows(c, t) * table_cols(c, t);
            for (size_t k = 0; k < cells; k++) {
                begin(r, a->first_cell[t] + (long)k);
                for (long ch = first_child[i]; ch >= 0; ch = next[ch])
                    part(r, c->areas[ch].first_cell[t] + (long)k);
            }
        }
    }
    free(first_child);
    free(next);
}

/* Tables that count the same people (see relations.h). */
static void identities(relations *r, const cube *c, const area *a)
{
    size_t pop_total_row = table_rows(c, T_POPULATION) - 1, pop_total_col = table_cols(c, T_POPULATION) - 1;
    long persons = index_of(c, a, T_POPULATION, pop_total_row, pop_total_col);
    begin(r, persons);
    part(r, index_of(c, a, T_DISABILITY, table_rows(c, T_DISABILITY) - 1, 0));
    begin(r, index_of(c, a, T_HOUSEHOLD_SIZE, table_rows(c, T_HOUSEHOLD_SIZE) - 1, 0));
    part(r, index_of(c, a, T_HOUSEHOLD_TYPE, table_rows(c, T_HOUSEHOLD_TYPE) - 1, 0));
    long aged_0_4 = index_of(c, a, T_POPULATION, 0, pop_total_col);
    long not_asked = index_of(c, a, T_DISABILITY, DIFFICULTY_NOT_ASKED, 0);
    if (c->cells[aged_0_4].value == c->cells[not_asked].value) {
        begin(r, aged_0_4);
        part(r, not_asked);
    }
}

void relations_build(relations *r, const cube *c)
{
    *r = (relations){ NULL, 0, 0, 0, 0 };
    for (size_t i = 0; i < c->n_areas; i++) {
        margins(r, c, &c->areas[i]);
        links(r, c, &c->areas[i]);
        identities(r, c, &c->areas[i]);
    }
    hierarchy(r, c);
}

void relations_free(relations *r)
{
    free(r->items);
    *r = (relations){ NULL, 0, 0, 0, 0 };
}
