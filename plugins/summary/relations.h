/* relations.h — every linear relation between the summary's published counts,
 * defined once, so the secondary suppression (protect.c) and the audit that proves
 * a release safe (audit.c) reason about the same system. Each relation says
 * "total = sum of parts" over cells of the cube:
 *  - a table's row and column margins;
 *  - each parent area as the sum of its children, cell by cell;
 *  - the special groups 60+, 65+, 80+ as sums of the population's age rows, and
 *    foreign residents as the nationality total;
 *  - the identities between tables that count the same people: all persons in
 *    the population and in the difficulty table, all households by size and by
 *    type, and the difficulty "not-asked" with the persons aged 0–4 wherever the
 *    two are equal (the Washington Group questions are asked from age 5).
 * An intruder may know any of these; docs/summary.md lists them. */
#ifndef SUMMARY_RELATIONS_H
#define SUMMARY_RELATIONS_H

#include <stddef.h>
#include <stdint.h>

#include "cube.h"

/* A flat list: for each relation, its number of parts n, then the total's cell
 * index, then the n parts' cell indices. */
typedef struct relations {
    uint32_t *items;
    size_t n, cap;
    size_t open;     /* where the count of the relation being built is */
    size_t count;    /* relations in the list */
} relations;

void relations_build(relations *r, const cube *c);
void relations_free(relations *r);

/* Walking the list: for (size_t at = 0; at < r->n; at = relation_next(r, at)) */
static inline size_t relation_parts(const relations *r, size_t at)
{
    return r->items[at];
}

/* The total, then the parts. */
static inline const uint32_t *relation_cells(const relations *r, size_t at)
{
    return &r->items[at + 1];
}

static inline size_t relation_next(const relations *r, size_t at)
{
    return at + 2 + (size_t)r->items[at];
}

#endif
