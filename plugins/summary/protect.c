/* protect.c — see protect.h. The relations are built once as a flat list
 * (count, total, parts...) of 32-bit cell indices; suppression then sweeps them
 * until nothing changes. */
#include "protect.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct relations {
    uint32_t *items;
    size_t n, cap;
    size_t open;             /* where the count of the relation being built is */
} relations;

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

static int withheld(const cell *x)
{
    return x->status == 'A' || x->status == 'D';
}

/* One sweep: a relation with exactly one withheld cell gets a second. */
static long sweep(cube *c, const relations *r)
{
    long added = 0;
    for (size_t at = 0; at < r->n; at += 2 + (size_t)r->items[at]) {
        long n = (long)r->items[at];
        const uint32_t *members = &r->items[at + 1]; /* total, then n parts */
        int hidden = 0;
        for (long m = 0; m <= n && hidden < 2; m++)
            hidden += withheld(&c->cells[members[m]]);
        if (hidden != 1)
            continue;
        long best = -1;
        for (long m = 1; m <= n; m++) {
            cell *x = &c->cells[members[m]];
            if (!withheld(x) && x->value > 0 && (best < 0 || x->value < c->cells[best].value))
                best = (long)members[m];
        }
        if (best < 0 && !withheld(&c->cells[members[0]]) && c->cells[members[0]].value > 0)
            best = (long)members[0];
        if (best >= 0) {
            c->cells[best].status = 'D';
            added++;
        }
    }
    return added;
}

protect_stats protect_suppress(cube *c, long min_count)
{
    protect_stats st = { 0, 0, 0 };
    for (size_t i = 0; i < c->n_cells; i++)
        if (c->cells[i].value >= 1 && c->cells[i].value < min_count) {
            c->cells[i].status = 'A';
            st.primary++;
        }
    relations r = { NULL, 0, 0, 0 };
    for (size_t i = 0; i < c->n_areas; i++) {
        margins(&r, c, &c->areas[i]);
        links(&r, c, &c->areas[i]);
    }
    hierarchy(&r, c);
    for (long added = 1; added;) {
        added = sweep(c, &r);
        st.secondary += added;
        st.rounds++;
    }
    free(r.items);
    return st;
}

void protect_round(cube *c, long base)
{
    for (size_t i = 0; i < c->n_cells; i++) {
        cell *x = &c->cells[i];
        x->value = (x->value + base / 2) / base * base;
        x->status = 'R';
    }
}
