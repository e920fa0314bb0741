/* suppress.c — local suppression (protect and count_at_risk in method.h).
 *
 * A person's key is every quasi-identifier plus the exact number of persons in
 * the household: a reader can always recount that from the released household id,
 * so it is never hidden and never suppressed. Persons with equal keys form a
 * group; "blank" is a value like any other (the strict reading).
 *
 * Each round groups everyone by key (a hash table), then:
 *  - k: every person in a group smaller than k gets one quasi-identifier
 *    blanked: the first of the suppression order whose blank makes the person
 *    join a group of k or more, else the one joining the largest group, else the
 *    first of the order not yet blank (so persons at risk blank alike and meet).
 *    A household item is blanked in the whole household, since a reader would
 *    fill it in from the other persons of the household. A person with nothing left to blank is in
 *    the group of all-blank persons of that household size; when that group is
 *    still too small, randomly chosen persons of the same household size are
 *    blanked entirely to join it.
 *  - l (once k holds): every person in a group where each one has the sensitive
 *    value of an attribute (disability, low income) gets the next blank, so the
 *    group merges into a larger one; with nothing left to blank, that attribute
 *    is blanked for the group.
 * Blanks only ever grow, so the rounds end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "method.h"

const int sensitive_vars[SENSITIVE_COUNT] = { V_DISABILITY, V_LOW_INCOME };

#define KEY_MAX (VAR_COUNT + 1)

typedef struct groups {
    int quasi[VAR_COUNT];
    int n_quasi;
    uint32_t *of;        /* the group of each person */
    uint32_t *size;      /* persons per group */
    uint32_t *rep;       /* one person of each group */
    size_t n;
    uint32_t *slots;     /* hash table: group + 1, 0 empty */
    size_t mask;
} groups;

static void groups_init(groups *g, const microdata *m)
{
    memset(g, 0, sizeof *g);
    for (int v = 0; v < VAR_COUNT; v++)
        if (variables[v].role == ROLE_QUASI)
            g->quasi[g->n_quasi++] = v;
    size_t n = m->n_persons ? m->n_persons : 1, slots = 16;
    while (slots < 2 * n)
        slots *= 2;
    g->mask = slots - 1;
    g->of = must_realloc(NULL, n * sizeof *g->of);
    g->size = must_realloc(NULL, n * sizeof *g->size);
    g->rep = must_realloc(NULL, n * sizeof *g->rep);
    g->slots = must_realloc(NULL, slots * sizeof *g->slots);
}

static void groups_free(groups *g)
{
    free(g->of);
    free(g->size);
    free(g->rep);
    free(g->slots);
}

static size_t key_of(const groups *g, const microdata *m, size_t person, uint16_t *key)
{
    for (int i = 0; i < g->n_quasi; i++)
        key[i] = value_of(m, person, g->quasi[i]);
    key[g->n_quasi] = m->households[m->persons[person].household].n_persons;
    return (size_t)g->n_quasi + 1;
}

static uint64_t hash_key(const uint16_t *key, size_t len)
{
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ key[i]) * 1099511628211u;
    return h ^ (h >> 29);
}

/* The slot of KEY: its group's, or the empty one where it would go. */
static size_t find_slot(const groups *g, const microdata *m, const uint16_t *key, size_t len)
{
    uint16_t other[KEY_MAX];
    size_t at = (size_t)hash_key(key, len) & g->mask;
    for (; g->slots[at]; at = (at + 1) & g->mask) {
        key_of(g, m, g->rep[g->slots[at] - 1], other);
        if (memcmp(key, other, len * sizeof *key) == 0)
            break;
    }
    return at;
}

static void groups_build(groups *g, const microdata *m)
{
    memset(g->slots, 0, (g->mask + 1) * sizeof *g->slots);
    g->n = 0;
    for (size_t p = 0; p < m->n_persons; p++) {
        uint16_t key[KEY_MAX];
        size_t len = key_of(g, m, p, key);
        size_t at = find_slot(g, m, key, len);
        if (!g->slots[at]) {
            g->rep[g->n] = (uint32_t)p;
            g->size[g->n] = 0;
            g->slots[at] = (uint32_t)++g->n;
        }
        g->of[p] = g->slots[at] - 1;
        g->size[g->of[p]]++;
    }
}

size_t count_at_risk(const microdata *m, long k)
{
    groups g;
    groups_init(&g, m);
    groups_build(&g, m);
    size_t n = 0;
    for (size_t p = 0; p < m->n_persons; p++)
        n += g.size[g.of[p]] < (size_t)k;
    groups_free(&g);
    return n;
}

/* --- counting projected keys ----------------------------------------------------- */

/* Counts of keys with one variable blanked: a hash table that keeps its keys. */
typedef struct key_counts {
    uint16_t (*keys)[KEY_MAX];
    uint32_t *counts;
    uint32_t *slots;            /* entry + 1, 0 empty */
    size_t n, mask, len;
} key_counts;

static void key_counts_init(key_counts *t, size_t capacity, size_t len)
{
    size_t slots = 16;
    while (slots < 2 * capacity)
        slots *= 2;
    t->mask = slots - 1;
    t->len = len;
    t->n = 0;
    t->keys = must_realloc(NULL, (capacity ? capacity : 1) * sizeof *t->keys);
    t->counts = must_realloc(NULL, (capacity ? capacity : 1) * sizeof *t->counts);
    t->slots = must_realloc(NULL, slots * sizeof *t->slots);
    memset(t->slots, 0, slots * sizeof *t->slots);
}

static void key_counts_free(key_counts *t)
{
    free(t->keys);
    free(t->counts);
    free(t->slots);
}

/* The entry of KEY, added (count 0) when new; the caller sized the table. */
static uint32_t key_counts_entry(key_counts *t, const uint16_t *key)
{
    size_t at = (size_t)hash_key(key, t->len) & t->mask;
    for (; t->slots[at]; at = (at + 1) & t->mask)
        if (memcmp(t->keys[t->slots[at] - 1], key, t->len * sizeof *key) == 0)
            return t->slots[at] - 1;
    memcpy(t->keys[t->n], key, t->len * sizeof *key);
    t->counts[t->n] = 0;
    t->slots[at] = (uint32_t)++t->n;
    return (uint32_t)(t->n - 1);
}

/* --- blanking ---------------------------------------------------------------------- */

static void blank(microdata *m, size_t person, int var, disclosure *d)
{
    uint16_t *slot = var < FIRST_PERSON_VAR ? &m->households[m->persons[person].household].v[var]
                                            : &m->persons[person].v[var - FIRST_PERSON_VAR];
    if (*slot) {
        *slot = 0;
        d->suppressed[var]++;
    }
}

/* The first variable of the order still shown for this person, or -1. */
static int next_to_blank(const microdata *m, const params *p, size_t person)
{
    for (int i = 0; i < p->n_order; i++)
        if (value_of(m, person, p->order[i]))
            return p->order[i];
    return -1;
}

/* How many persons show each value of each variable, for rarest_shown. */
typedef struct frequencies {
    size_t *of[VAR_COUNT];
} frequencies;

static void frequencies_count(frequencies *f, const microdata *m)
{
    for (int v = 0; v < VAR_COUNT; v++) {
        size_t n = (size_t)m->cats[v].n + 1;
        f->of[v] = must_realloc(f->of[v], n * sizeof *f->of[v]);
        memset(f->of[v], 0, n * sizeof *f->of[v]);
        for (size_t q = 0; q < m->n_persons; q++)
            f->of[v][value_of(m, q, v)]++;
    }
}

/* The shown variable whose value is the rarest in the file (the order breaks
 * ties): what sets a person apart most. -1 when nothing is shown. */
static int rarest_shown(const microdata *m, const params *p, const frequencies *f, size_t person)
{
    int best = -1;
    size_t best_n = 0;
    for (int i = 0; i < p->n_order; i++) {
        int var = p->order[i];
        uint16_t value = value_of(m, person, var);
        if (value && (best < 0 || f->of[var][value] < best_n)) {
            best = var;
            best_n = f->of[var][value];
        }
    }
    return best;
}

/* The variable to blank for a person at risk when no single blank makes a group
 * of k: the first of the order that sets the person apart from others (helps),
 * else its rarest value. -1 when nothing is left. */
static int best_to_blank(const microdata *m, const params *p, const frequencies *f, size_t person, uint16_t helps)
{
    for (int i = 0; i < p->n_order; i++)
        if ((helps >> i & 1) && value_of(m, person, p->order[i]))
            return p->order[i];
    return rarest_shown(m, p, f, person);
}

static void blank_all(microdata *m, const params *p, size_t person, disclosure *d)
{
    for (int i = 0; i < p->n_order; i++)
        blank(m, person, p->order[i], d);
}

/* --- what each round marks ----------------------------------------------------------- */

/* Marks persons in groups smaller than k; their number. */
static size_t mark_small(const groups *g, const microdata *m, long k, unsigned char *mark)
{
    size_t n = 0;
    for (size_t p = 0; p < m->n_persons; p++) {
        mark[p] = g->size[g->of[p]] < (size_t)k;
        n += mark[p];
    }
    return n;
}

static int is_yes(const microdata *m, size_t person, int var)
{
    uint16_t v = value_of(m, person, var);
    return v && strcmp(m->cats[var].codes[v], "yes") == 0;
}

/* Per group and sensitive attribute: how many persons have "yes", "no", blank. */
typedef struct sensitive_counts {
    uint32_t (*counts)[SENSITIVE_COUNT][3];
} sensitive_counts;

static void count_sensitive(const groups *g, const microdata *m, sensitive_counts *s)
{
    s->counts = must_realloc(NULL, (g->n ? g->n : 1) * sizeof *s->counts);
    memset(s->counts, 0, (g->n ? g->n : 1) * sizeof *s->counts);
    for (size_t p = 0; p < m->n_persons; p++)
        for (int a = 0; a < SENSITIVE_COUNT; a++) {
            int var = sensitive_vars[a];
            int which = !value_of(m, p, var) ? 2 : is_yes(m, p, var) ? 0 : 1;
            s->counts[g->of[p]][a][which]++;
        }
}

static int distinct(const uint32_t c[3])
{
    return (c[0] > 0) + (c[1] > 0) + (c[2] > 0);
}

/* Marks persons in groups that hold a sensitive value but fewer than l distinct
 * values of that attribute; mark[p] = 1 + the attribute. */
static size_t mark_undiverse(const groups *g, const microdata *m, long l, unsigned char *mark)
{
    sensitive_counts s;
    count_sensitive(g, m, &s);
    size_t n = 0;
    for (size_t p = 0; p < m->n_persons; p++) {
        mark[p] = 0;
        for (int a = 0; a < SENSITIVE_COUNT && !mark[p]; a++) {
            const uint32_t *c = s.counts[g->of[p]][a];
            if (c[0] > 0 && distinct(c) < l)
                mark[p] = (unsigned char)(1 + a);
        }
        n += mark[p] != 0;
    }
    free(s.counts);
    return n;
}

/* --- the rounds ------------------------------------------------------------------- */

typedef struct run {
    microdata *m;
    const params *p;
    disclosure *d;
    uint32_t *random_order;     /* every person, shuffled: where donors are drawn from */
    size_t *blank_by_size;      /* persons with every quasi-identifier blank, per household size */
    size_t max_size;
} run;

static int all_blank(const run *r, size_t person)
{
    return next_to_blank(r->m, r->p, person) < 0;
}

/* Persons with nothing left to blank are in the all-blank group of their household
 * size: grow it to k with randomly chosen persons of that size. */
static int add_donors(run *r, const unsigned char *stuck, char *why, size_t why_len)
{
    microdata *m = r->m;
    memset(r->blank_by_size, 0, (r->max_size + 1) * sizeof *r->blank_by_size);
    unsigned char *needs = calloc(r->max_size + 1, 1);
    for (size_t q = 0; q < m->n_persons; q++) {
        size_t size = m->households[m->persons[q].household].n_persons;
        if (all_blank(r, q))
            r->blank_by_size[size]++;
        if (stuck[q])
            needs[size] = 1;
    }
    for (size_t i = 0; i < m->n_persons; i++) {
        size_t q = r->random_order[i], size = m->households[m->persons[q].household].n_persons;
        if (needs[size] && r->blank_by_size[size] < (size_t)r->p->k && !all_blank(r, q)) {
            blank_all(m, r->p, q, r->d);
            r->blank_by_size[size]++;
        }
    }
    int rc = 0;
    for (size_t size = 1; size <= r->max_size && rc == 0; size++)
        if (needs[size] && r->blank_by_size[size] < (size_t)r->p->k) {
            snprintf(why, why_len, "k = %ld cannot be reached: only %zu person(s) live in households of %zu "
                     "and household size can be recounted from the household id; release a larger population "
                     "or choose a smaller k", r->p->k, r->blank_by_size[size], size);
            rc = -1;
        }
    free(needs);
    return rc;
}

/* Where one blank is enough: for each variable of the order, persons at risk
 * that share every other value and, with those already blank there, number k or
 * more get that variable blanked together, and form a group of k. Clears their
 * marks; returns how many were resolved. On the way, helps[q] gets bit i when
 * blanking the i-th variable of the order would leave q matching more persons
 * on the other values than its group holds (the variable sets q apart). */
static size_t resolve_by_one_blank(run *r, const groups *g, unsigned char *mark, uint16_t *helps)
{
    microdata *m = r->m;
    size_t resolved = 0, n = m->n_persons;
    uint32_t *entry = must_realloc(NULL, (n ? n : 1) * sizeof *entry);
    memset(helps, 0, (n ? n : 1) * sizeof *helps);
    for (int i = 0; i < r->p->n_order; i++) {
        int var = r->p->order[i], at = 0;
        while (g->quasi[at] != var)
            at++;
        key_counts joinable, everyone;
        key_counts_init(&joinable, n, (size_t)g->n_quasi + 1);
        key_counts_init(&everyone, n, (size_t)g->n_quasi + 1);
        for (size_t q = 0; q < n; q++) {
            uint16_t key[KEY_MAX];
            key_of(g, m, q, key);
            key[at] = 0;
            everyone.counts[key_counts_entry(&everyone, key)]++;
            entry[q] = UINT32_MAX;
            if (value_of(m, q, var) && !mark[q])
                continue; /* safe, and keeps its value */
            entry[q] = key_counts_entry(&joinable, key);
            joinable.counts[entry[q]]++;
        }
        for (size_t q = 0; q < n; q++) {
            if (!mark[q] || !value_of(m, q, var))
                continue;
            uint16_t key[KEY_MAX];
            key_of(g, m, q, key);
            key[at] = 0;
            if (everyone.counts[key_counts_entry(&everyone, key)] > g->size[g->of[q]])
                helps[q] |= (uint16_t)(1u << i);
            if (joinable.counts[entry[q]] >= (size_t)r->p->k) {
                blank(m, q, var, r->d);
                mark[q] = 0;
                resolved++;
            }
        }
        key_counts_free(&joinable);
        key_counts_free(&everyone);
    }
    free(entry);
    return resolved;
}

/* One round's blanks: the next variable for every marked person, decided before
 * any is applied, so a household item is blanked once per round. */
static void blank_marked(run *r, const unsigned char *mark, const uint16_t *helps, signed char *next)
{
    frequencies f;
    memset(&f, 0, sizeof f);
    frequencies_count(&f, r->m);
    for (size_t q = 0; q < r->m->n_persons; q++)
        next[q] = (signed char)(!mark[q] ? -1 : helps ? best_to_blank(r->m, r->p, &f, q, helps[q])
                                                     : next_to_blank(r->m, r->p, q));
    for (int v = 0; v < VAR_COUNT; v++)
        free(f.of[v]);
    for (size_t q = 0; q < r->m->n_persons; q++)
        if (next[q] >= 0)
            blank(r->m, q, next[q], r->d);
}

/* A group that still discloses a sensitive value with nothing left to blank: the
 * value itself is blanked. */
static void blank_sensitive(run *r, const unsigned char *mark, const signed char *next)
{
    for (size_t q = 0; q < r->m->n_persons; q++)
        if (mark[q] && next[q] < 0) {
            int a = mark[q] - 1;
            uint16_t before = value_of(r->m, q, sensitive_vars[a]);
            blank(r->m, q, sensitive_vars[a], r->d);
            if (before)
                r->d->sensitive_suppressed[a]++;
        }
}

static void final_figures(const groups *g, const run *r)
{
    const microdata *m = r->m;
    disclosure *d = r->d;
    d->groups = g->n;
    d->smallest_group = 0;
    for (size_t i = 0; i < g->n; i++)
        if (!d->smallest_group || g->size[i] < d->smallest_group)
            d->smallest_group = g->size[i];
    d->at_risk_final = 0;
    d->fully_suppressed = 0;
    for (size_t q = 0; q < m->n_persons; q++) {
        d->at_risk_final += g->size[g->of[q]] < (size_t)r->p->k;
        d->fully_suppressed += (size_t)all_blank(r, q);
    }
    sensitive_counts s;
    count_sensitive(g, m, &s);
    for (int a = 0; a < SENSITIVE_COUNT; a++) {
        d->l_reached[a] = -1;
        d->homogeneous[a] = 0;
        for (size_t i = 0; i < g->n; i++) {
            int l = distinct(s.counts[i][a]);
            d->homogeneous[a] += l == 1;
            if (s.counts[i][a][0] && (d->l_reached[a] < 0 || l < d->l_reached[a]))
                d->l_reached[a] = l;
        }
    }
    free(s.counts);
}

int protect(microdata *m, const params *p, rng *rg, disclosure *d, char *why, size_t why_len)
{
    run r = { m, p, d, NULL, NULL, 0 };
    for (size_t h = 0; h < m->n_households; h++)
        if (m->households[h].n_persons > r.max_size)
            r.max_size = m->households[h].n_persons;
    r.blank_by_size = must_realloc(NULL, (r.max_size + 1) * sizeof *r.blank_by_size);
    r.random_order = must_realloc(NULL, (m->n_persons ? m->n_persons : 1) * sizeof *r.random_order);
    for (size_t q = 0; q < m->n_persons; q++)
        r.random_order[q] = (uint32_t)q;
    rng_shuffle(rg, r.random_order, m->n_persons);
    unsigned char *mark = must_realloc(NULL, m->n_persons ? m->n_persons : 1);
    signed char *next = must_realloc(NULL, m->n_persons ? m->n_persons : 1);
    uint16_t *helps = must_realloc(NULL, (m->n_persons ? m->n_persons : 1) * sizeof *helps);
    groups g;
    groups_init(&g, m);
    int rc = 0;
    for (d->rounds = 0; rc == 0; d->rounds++) {
        groups_build(&g, m);
        int k_phase = mark_small(&g, m, p->k, mark) > 0;
        if (!k_phase && mark_undiverse(&g, m, p->l, mark) == 0)
            break;
        if (k_phase && resolve_by_one_blank(&r, &g, mark, helps) > 0)
            continue;
        blank_marked(&r, mark, k_phase ? helps : NULL, next);
        if (k_phase) {
            int stuck = 0;
            for (size_t q = 0; q < m->n_persons && !stuck; q++)
                stuck = mark[q] && next[q] < 0;
            if (stuck) {
                for (size_t q = 0; q < m->n_persons; q++)
                    mark[q] = mark[q] && next[q] < 0;
                rc = add_donors(&r, mark, why, why_len);
            }
        } else {
            blank_sensitive(&r, mark, next);
        }
    }
    if (rc == 0) {
        groups_build(&g, m);
        final_figures(&g, &r);
    }
    groups_free(&g);
    free(mark);
    free(next);
    free(helps);
    free(r.random_order);
    free(r.blank_by_size);
    return rc;
}
