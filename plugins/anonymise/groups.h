/* groups.h — persons grouped by their key: every quasi-identifier plus the exact
 * number of persons in the household (a reader can always recount it from the
 * released household id, so it is never hidden). Persons with equal keys form a
 * group; a blank is a value like any other (the strict reading).
 *
 * Each person's key hash is a sum of one term per key position, so the hash of
 * the key with one variable blanked is found without reading the key again, and a
 * blank updates it in place. Groups are built from the hashes but compare whole
 * keys, so they are exact; hash_counts tables count keys by hash alone, which is
 * enough for choosing what to blank (every choice is checked by exact groups). */
#ifndef ANONYMISE_GROUPS_H
#define ANONYMISE_GROUPS_H

#include <stdbool.h>

#include "microdata.h"

typedef struct groups {
    int quasi[VAR_COUNT];      /* the quasi-identifiers, in key order */
    int position[VAR_COUNT];   /* where each variable is in the key, -1 if it is not */
    int n_quasi;
    uint64_t *hash;            /* per person: the hash of its key */
    uint32_t *of;              /* per person: its group */
    uint32_t *size;            /* per group: persons */
    uint32_t *rep;             /* per group: one of its persons */
    size_t n;
    uint32_t *slots;           /* group + 1, 0 empty */
    size_t mask;
} groups;

/* Sets up the tables and hashes every person's key. */
void groups_init(groups *g, const microdata *m);
void groups_free(groups *g);
/* Groups everyone by key: `exact` compares whole keys; otherwise keys with the
 * same 64-bit hash are taken as equal (about one chance in 10^8 of merging two
 * keys among a million, which the exact grouping that ends protect() catches). */
void groups_build(groups *g, const microdata *m, bool exact);
/* The hash of the person's key with the `n` variables `vars` blanked. */
uint64_t groups_hash_without(const groups *g, const microdata *m, size_t person, const int *vars, int n);
/* Call after `var` of the person changed from `was` to `now`. */
void groups_changed(groups *g, size_t person, int var, uint16_t was, uint16_t now);

/* Counts by key hash. */
typedef struct hash_counts {
    uint64_t *keys;
    uint32_t *counts;          /* 0: an empty slot */
    size_t mask;
} hash_counts;

void hash_counts_init(hash_counts *t, size_t entries);
void hash_counts_free(hash_counts *t);
/* The count of `key`: added (at 0) when `add`, else NULL when absent. */
uint32_t *hash_count(hash_counts *t, uint64_t key, int add);

#endif
