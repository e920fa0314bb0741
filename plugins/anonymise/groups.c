/* groups.c — see groups.h. */
#include "groups.h"

#include <stdlib.h>
#include <string.h>

#define KEY_MAX (VAR_COUNT + 1)

/* The hash term of `value` at key position `position` (splitmix64's finaliser). */
static uint64_t term(int position, uint16_t value)
{
    uint64_t z = ((uint64_t)(position + 1) << 32 | value) * 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static size_t key_of(const groups *g, const microdata *m, size_t person, uint16_t *key)
{
    for (int i = 0; i < g->n_quasi; i++)
        key[i] = value_of(m, person, g->quasi[i]);
    key[g->n_quasi] = m->households[m->persons[person].household].n_persons;
    return (size_t)g->n_quasi + 1;
}

static size_t slots_for(size_t entries)
{
    size_t slots = 16;
    while (slots < 2 * entries)
        slots *= 2;
    return slots;
}

void groups_init(groups *g, const microdata *m)
{
    memset(g, 0, sizeof *g);
    for (int v = 0; v < VAR_COUNT; v++) {
        g->position[v] = -1;
        if (variables[v].role == ROLE_QUASI) {
            g->position[v] = g->n_quasi;
            g->quasi[g->n_quasi++] = v;
        }
    }
    size_t n = m->n_persons ? m->n_persons : 1, slots = slots_for(n);
    g->mask = slots - 1;
    g->hash = must_realloc(NULL, n * sizeof *g->hash);
    g->of = must_realloc(NULL, n * sizeof *g->of);
    g->size = must_realloc(NULL, n * sizeof *g->size);
    g->rep = must_realloc(NULL, n * sizeof *g->rep);
    g->slots = must_realloc(NULL, slots * sizeof *g->slots);
    for (size_t p = 0; p < m->n_persons; p++) {
        uint16_t key[KEY_MAX];
        size_t len = key_of(g, m, p, key);
        g->hash[p] = 0;
        for (size_t i = 0; i < len; i++)
            g->hash[p] += term((int)i, key[i]);
    }
}

void groups_free(groups *g)
{
    free(g->hash);
    free(g->of);
    free(g->size);
    free(g->rep);
    free(g->slots);
}

void groups_build(groups *g, const microdata *m, bool exact)
{
    memset(g->slots, 0, (g->mask + 1) * sizeof *g->slots);
    g->n = 0;
    for (size_t p = 0; p < m->n_persons; p++) {
        uint16_t key[KEY_MAX], other[KEY_MAX];
        size_t len = exact ? key_of(g, m, p, key) : 0;
        size_t at = (size_t)(g->hash[p] ^ (g->hash[p] >> 32)) & g->mask;
        for (; g->slots[at]; at = (at + 1) & g->mask) {
            uint32_t rep = g->rep[g->slots[at] - 1];
            if (g->hash[rep] == g->hash[p] &&
                (!exact || (key_of(g, m, rep, other), memcmp(key, other, len * sizeof *key) == 0)))
                break;
        }
        if (!g->slots[at]) {
            g->rep[g->n] = (uint32_t)p;
            g->size[g->n] = 0;
            g->slots[at] = (uint32_t)++g->n;
        }
        g->of[p] = g->slots[at] - 1;
        g->size[g->of[p]]++;
    }
}

uint64_t groups_hash_without(const groups *g, const microdata *m, size_t person, const int *vars, int n)
{
    uint64_t h = g->hash[person];
    for (int i = 0; i < n; i++) {
        int at = g->position[vars[i]];
        h += term(at, 0) - term(at, value_of(m, person, vars[i]));
    }
    return h;
}

void groups_changed(groups *g, size_t person, int var, uint16_t was, uint16_t now)
{
    int at = g->position[var];
    if (at >= 0)
        g->hash[person] += term(at, now) - term(at, was);
}

void hash_counts_init(hash_counts *t, size_t entries)
{
    size_t slots = slots_for(entries);
    t->mask = slots - 1;
    t->keys = must_realloc(NULL, slots * sizeof *t->keys);
    t->counts = must_realloc(NULL, slots * sizeof *t->counts);
    memset(t->counts, 0, slots * sizeof *t->counts);
}

void hash_counts_free(hash_counts *t)
{
    free(t->keys);
    free(t->counts);
}

uint32_t *hash_count(hash_counts *t, uint64_t key, int add)
{
    size_t at = (size_t)(key ^ (key >> 32)) & t->mask;
    for (; t->counts[at]; at = (at + 1) & t->mask)
        if (t->keys[at] == key)
            return &t->counts[at];
    if (!add)
        return NULL;
    t->keys[at] = key;
    return &t->counts[at]; /* 0 until the caller counts: the caller must */
}
