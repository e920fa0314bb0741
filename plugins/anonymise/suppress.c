/* suppress.c — local suppression (protect and count_at_risk in method.h), over
 * the groups of groups.h.
 *
 * Each round groups everyone by key, then:
 *  - k: persons in groups smaller than k are at risk. For each variable of the
 *    suppression order, persons at risk that differ only there and, with those
 *    already blank there, number k or more get it blanked together: they form a
 *    group of k. Where no variable does that for anyone, pairs of variables are
 *    tried the same way, then sets of three. When none does, every person at risk
 *    gets one blank: the first variable of the order that sets the person apart
 *    from others (blanking it, more persons would share the rest of the key than
 *    the person's group holds), else the variable where the person's value is the
 *    rarest. A household item is blanked in the whole household, since a reader
 *    would fill it in from the other persons of the household: it costs a value
 *    per member and splits the groups of members not at risk, so it is blanked
 *    only where the whole household is at risk, or where nothing else is left
 *    (a fifth to over a quarter fewer values blanked than for anyone at risk, on
 *    the sample grid and a generated street, public profile). A person with
 *    nothing left to blank is in the group of all-blank persons of that household
 *    size; when that group is still too small, randomly chosen persons of the same
 *    household size are blanked entirely to join it.
 *  - l (once k holds): every person in a group that holds the sensitive value of
 *    an attribute (disability, low income) but not l distinct values (a blank is
 *    not a value) gets the next blank, so the group merges into a larger one;
 *    with nothing left to blank, a donor with "no" joins it (add_sensitive_donors).
 * Blanks only ever grow, so the rounds end. The suppression order is the one
 * --opt suppress-order names, then the most categories first (order_by_categories). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "method.h"

const int sensitive_vars[SENSITIVE_COUNT] = { V_DISABILITY, V_LOW_INCOME };

/* Categories some person shows. */
static size_t categories_shown(const microdata *m, int var)
{
    unsigned char *seen = must_realloc(NULL, (size_t)m->cats[var].n + 1);
    memset(seen, 0, (size_t)m->cats[var].n + 1);
    size_t n = 0;
    for (size_t q = 0; q < m->n_persons; q++) {
        uint16_t v = value_of(m, q, var);
        n += v && !seen[v];
        seen[v] = 1;
    }
    free(seen);
    return n;
}

/* A variable with many categories splits persons into many small groups, and
 * blanking it joins many: suppressing those first blanks the fewest values (on a
 * street of 20,000 households, a third to two fifths fewer than the fixed order
 * the plugin had before, with household items and age late). Insertion sort:
 * stable, so ties keep the order read. */
void order_by_categories(const microdata *m, params *p)
{
    size_t shown[VAR_COUNT];
    for (int i = p->n_order_given; i < p->n_order; i++)
        shown[p->order[i]] = categories_shown(m, p->order[i]);
    for (int i = p->n_order_given + 1; i < p->n_order; i++) {
        int var = p->order[i], j = i;
        for (; j > p->n_order_given && shown[p->order[j - 1]] < shown[var]; j--)
            p->order[j] = p->order[j - 1];
        p->order[j] = var;
    }
}

size_t count_at_risk(const microdata *m, long k)
{
    groups g;
    groups_init(&g, m);
    groups_build(&g, m, true);
    size_t n = 0;
    for (size_t p = 0; p < m->n_persons; p++)
        n += g.size[g.of[p]] < (size_t)k;
    groups_free(&g);
    return n;
}

typedef struct run {
    microdata *m;
    const params *p;
    disclosure *d;
    groups g;
    unsigned char *mark;        /* per person: at risk this round (l: 1 + the attribute) */
    signed char *next;          /* per person: the variable a round blanks, or -1 */
    uint16_t *helps;            /* per person: bit i, the i-th variable of the order sets it apart */
    uint32_t *at_risk;          /* the persons marked in a round of k */
    uint32_t *random_order;     /* every person, shuffled: where donors are drawn from */
    size_t *blank_by_size;      /* persons with every quasi-identifier blank, per household size */
    size_t max_size;
} run;

/* --- blanking ---------------------------------------------------------------------- */

/* Blanks a value (a household item for the whole household), keeping the key
 * hashes up to date. */
static void blank(run *r, size_t person, int var)
{
    microdata *m = r->m;
    household_rec *h = &m->households[m->persons[person].household];
    uint16_t *slot = var < FIRST_PERSON_VAR ? &h->v[var] : &m->persons[person].v[var - FIRST_PERSON_VAR];
    uint16_t was = *slot;
    if (!blankable(m, person, var))
        return;
    *slot = 0;
    r->d->suppressed[var]++;
    if (var >= FIRST_PERSON_VAR)
        groups_changed(&r->g, person, var, was, 0);
    else
        for (uint16_t i = 0; i < h->n_persons; i++)
            groups_changed(&r->g, h->first_person + i, var, was, 0);
}

/* The first variable of the order still shown for this person, or -1. */
static int next_to_blank(const microdata *m, const params *p, size_t person)
{
    for (int i = 0; i < p->n_order; i++)
        if (blankable(m, person, p->order[i]))
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

/* A household item is blanked for the whole household, so it costs a value per
 * member and moves every member to another group: persons not at risk too, whose
 * groups it would split. Protection blanks one only for a household all at risk
 * (`items` 1), else only when nothing else is left. */
static int may_blank(int var, int items)
{
    return items || var >= FIRST_PERSON_VAR;
}

/* The shown variable whose value is the rarest in the file (the order breaks
 * ties): what sets a person apart most. -1 when nothing is shown. */
static int rarest_shown(const microdata *m, const params *p, const frequencies *f, size_t person, int items)
{
    int best = -1;
    size_t best_n = 0;
    for (int i = 0; i < p->n_order; i++) {
        int var = p->order[i];
        uint16_t value = value_of(m, person, var);
        if (may_blank(var, items) && blankable(m, person, var) && (best < 0 || f->of[var][value] < best_n)) {
            best = var;
            best_n = f->of[var][value];
        }
    }
    return best;
}

/* The variable to blank for a person at risk when no single blank makes a group
 * of k: the first of the order that sets the person apart from others (helps),
 * else its rarest value; a household item only as may_blank says, or when
 * nothing else is left. -1 when nothing is left. */
static int best_to_blank(const microdata *m, const params *p, const frequencies *f, size_t person, uint16_t helps,
                         int items)
{
    for (int i = 0; i < p->n_order; i++)
        if ((helps >> i & 1) && may_blank(p->order[i], items) && blankable(m, person, p->order[i]))
            return p->order[i];
    int var = rarest_shown(m, p, f, person, items);
    return var >= 0 || items ? var : best_to_blank(m, p, f, person, helps, 1);
}

static void blank_all(run *r, size_t person)
{
    for (int i = 0; i < r->p->n_order; i++)
        blank(r, person, r->p->order[i]);
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

/* Distinct values: "yes" and "no". A blank is not a value: it hides which one a
 * person has, and counting it would let a group of "yes" and blanks pass. */
static int distinct(const uint32_t c[3])
{
    return (c[0] > 0) + (c[1] > 0);
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


static int all_blank(const run *r, size_t person)
{
    return next_to_blank(r->m, r->p, person) < 0;
}

/* Persons with nothing left to blank (marked) are in the all-blank group of their
 * household size: grow it to k with randomly chosen persons of that size. */
static int add_donors(run *r, char *why, size_t why_len)
{
    microdata *m = r->m;
    memset(r->blank_by_size, 0, (r->max_size + 1) * sizeof *r->blank_by_size);
    unsigned char *needs = must_realloc(NULL, r->max_size + 1);
    memset(needs, 0, r->max_size + 1);
    for (size_t q = 0; q < m->n_persons; q++) {
        size_t size = m->households[m->persons[q].household].n_persons;
        if (all_blank(r, q))
            r->blank_by_size[size]++;
        if (r->mark[q])
            needs[size] = 1;
    }
    for (size_t i = 0; i < m->n_persons; i++) {
        size_t q = r->random_order[i], size = m->households[m->persons[q].household].n_persons;
        if (needs[size] && r->blank_by_size[size] < (size_t)r->p->k && !all_blank(r, q)) {
            blank_all(r, q);
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

/* Variables blanked together for a group of k: sets of one, two or three
 * (four blanked as few values again on a street, in more than twice the time). */
enum { MAX_SET = 3 };

typedef struct blank_set {
    int n;
    int at[MAX_SET];            /* positions in the suppression order */
    int var[MAX_SET];
} blank_set;

/* A person the set can move: something in it is shown, and all it shows may be
 * blanked. */
static int set_applies(const microdata *m, size_t person, const blank_set *s)
{
    int shown = 0;
    for (int i = 0; i < s->n; i++)
        if (value_of(m, person, s->var[i])) {
            if (!blankable(m, person, s->var[i]))
                return 0;
            shown = 1;
        }
    return shown;
}

/* Every member of the person's household is at risk (marked). */
static int household_at_risk(const run *r, size_t person)
{
    const household_rec *h = &r->m->households[r->m->persons[person].household];
    for (uint16_t i = 0; i < h->n_persons; i++)
        if (!r->mark[h->first_person + i])
            return 0;
    return 1;
}

/* A person at risk the set can move: as set_applies, and a household item it
 * shows only when its whole household is at risk (may_blank). */
static int set_moves(const run *r, size_t person, const blank_set *s)
{
    if (!set_applies(r->m, person, s))
        return 0;
    for (int i = 0; i < s->n; i++)
        if (s->var[i] < FIRST_PERSON_VAR && value_of(r->m, person, s->var[i]))
            return household_at_risk(r, person);
    return 1;
}

static int set_blank(const microdata *m, size_t person, const blank_set *s)
{
    for (int i = 0; i < s->n; i++)
        if (value_of(m, person, s->var[i]))
            return 0;
    return 1;
}

/* Persons at risk the set applies to that share the rest of the key and, with
 * those already blank there, number k or more get the set blanked together: they
 * form a group of k. Clears their marks; returns how many were moved. For a set of
 * one variable, helps[q] gets the variable's bit when blanking it would leave q
 * matching more persons on the rest of the key than its group holds. Persons not
 * at risk are counted group by group (a group of k or more is never at risk), so
 * a set costs the number of groups, not of persons. */
static size_t resolve_by_set(run *r, const uint32_t *at_risk, size_t n_at_risk, const blank_set *s)
{
    microdata *m = r->m;
    const groups *g = &r->g;
    size_t candidates = 0, resolved = 0;
    for (size_t j = 0; j < n_at_risk; j++)
        candidates += r->mark[at_risk[j]] && set_moves(r, at_risk[j], s);
    if (!candidates)
        return 0;
    hash_counts everyone, joinable; /* the rest of the key: among all; among blank or at risk */
    hash_counts_init(&everyone, s->n == 1 ? candidates : 1);
    hash_counts_init(&joinable, candidates);
    for (size_t j = 0; j < n_at_risk; j++) {
        size_t q = at_risk[j];
        if (r->mark[q] && set_moves(r, q, s)) {
            uint64_t rest = groups_hash_without(g, m, q, s->var, s->n);
            if (s->n == 1)
                ++*hash_count(&everyone, rest, 1);
            ++*hash_count(&joinable, rest, 1);
        }
    }
    for (size_t j = 0; j < g->n + n_at_risk; j++) {
        /* the groups not at risk, whole; then each person at risk that is not a candidate */
        size_t q = j < g->n ? g->rep[j] : at_risk[j - g->n];
        uint32_t weight = j < g->n ? g->size[j] : 1, *c;
        if (j < g->n ? weight < (size_t)r->p->k : (r->mark[q] && set_moves(r, q, s)))
            continue;
        uint64_t rest = groups_hash_without(g, m, q, s->var, s->n);
        if (s->n == 1 && (c = hash_count(&everyone, rest, 0)) != NULL)
            *c += weight;
        if (set_blank(m, q, s) && (c = hash_count(&joinable, rest, 0)) != NULL)
            *c += weight;
    }
    for (size_t j = 0; j < n_at_risk; j++) {
        size_t q = at_risk[j];
        if (!r->mark[q] || !set_moves(r, q, s))
            continue;
        uint64_t rest = groups_hash_without(g, m, q, s->var, s->n);
        if (s->n == 1 && *hash_count(&everyone, rest, 0) > g->size[g->of[q]])
            r->helps[q] |= (uint16_t)(1u << s->at[0]);
        if (*hash_count(&joinable, rest, 0) >= (size_t)r->p->k) {
            for (int i = 0; i < s->n; i++)
                blank(r, q, s->var[i]);
            r->mark[q] = 0;
            resolved++;
        }
    }
    hash_counts_free(&everyone);
    hash_counts_free(&joinable);
    return resolved;
}

/* The sets of one variable, in the suppression order; only where none of them
 * moves anybody, the sets of two (the order's earlier variables first); then of
 * three. A larger set blanks more values for each person it moves, and persons
 * that one blank would group once others have moved are left for the next round;
 * with sets of two and three a release blanks 5-10 % fewer values than with
 * single blanks alone (sample grid and two generated streets, both profiles). */
static size_t resolve_by_sets(run *r, const uint32_t *at_risk, size_t n_at_risk)
{
    int n = r->p->n_order;
    size_t resolved = 0;
    for (size_t j = 0; j < n_at_risk; j++) {
        r->helps[at_risk[j]] = 0;
    }
    for (int size = 1; size <= MAX_SET && size <= n && resolved == 0; size++) {
        blank_set s = { .n = size };
        for (int i = 0; i < size; i++)
            s.at[i] = i;
        for (;;) {
            for (int i = 0; i < size; i++)
                s.var[i] = r->p->order[s.at[i]];
            resolved += resolve_by_set(r, at_risk, n_at_risk, &s);
            int i = size - 1; /* the next combination of positions */
            while (i >= 0 && s.at[i] == n - size + i)
                i--;
            if (i < 0)
                break;
            s.at[i]++;
            for (int j = i + 1; j < size; j++)
                s.at[j] = s.at[j - 1] + 1;
        }
    }
    return resolved;
}

/* One round's blanks: the next variable for every marked person, decided before
 * any is applied, so a household item is blanked once per round. */
static void blank_marked(run *r, int k_phase)
{
    frequencies f;
    memset(&f, 0, sizeof f);
    frequencies_count(&f, r->m);
    for (size_t q = 0; q < r->m->n_persons; q++)
        r->next[q] = (signed char)(!r->mark[q] ? -1
                                   : k_phase ? best_to_blank(r->m, r->p, &f, q, r->helps[q], household_at_risk(r, q))
                                             : next_to_blank(r->m, r->p, q));
    for (int v = 0; v < VAR_COUNT; v++)
        free(f.of[v]);
    for (size_t q = 0; q < r->m->n_persons; q++)
        if (r->next[q] >= 0)
            blank(r, q, r->next[q]);
}

/* A group that still discloses a sensitive value with nothing left to blank is
 * the all-blank group of its household size: a donor joins it, a person of that
 * size who has "no" blanked in full, so the group holds both values (blanking the
 * "yes" values instead would mark them). Only where no such donor exists is the
 * value itself blanked, and counted in the report. */
static void add_sensitive_donors(run *r)
{
    microdata *m = r->m;
    unsigned char *done = must_realloc(NULL, (r->max_size + 1) * SENSITIVE_COUNT);
    memset(done, 0, (r->max_size + 1) * SENSITIVE_COUNT);
    for (size_t q = 0; q < m->n_persons; q++) {
        if (!r->mark[q] || r->next[q] >= 0)
            continue;
        int a = r->mark[q] - 1, var = sensitive_vars[a];
        size_t size = m->households[m->persons[q].household].n_persons;
        if (done[size * SENSITIVE_COUNT + (size_t)a])
            continue;
        for (size_t i = 0; i < m->n_persons && !done[size * SENSITIVE_COUNT + (size_t)a]; i++) {
            size_t x = r->random_order[i];
            if (m->households[m->persons[x].household].n_persons == size && value_of(m, x, var) &&
                !is_yes(m, x, var) && !all_blank(r, x)) {
                blank_all(r, x);
                done[size * SENSITIVE_COUNT + (size_t)a] = 1;
            }
        }
        if (!done[size * SENSITIVE_COUNT + (size_t)a]) {
            if (value_of(m, q, var))
                r->d->sensitive_suppressed[a]++;
            blank(r, q, var);
        }
    }
    free(done);
}

static void final_figures(const run *r)
{
    const microdata *m = r->m;
    const groups *g = &r->g;
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
    size_t n = m->n_persons ? m->n_persons : 1;
    run r;
    memset(&r, 0, sizeof r);
    r.m = m;
    r.p = p;
    r.d = d;
    for (size_t h = 0; h < m->n_households; h++)
        if (m->households[h].n_persons > r.max_size)
            r.max_size = m->households[h].n_persons;
    r.blank_by_size = must_realloc(NULL, (r.max_size + 1) * sizeof *r.blank_by_size);
    r.random_order = must_realloc(NULL, n * sizeof *r.random_order);
    for (size_t q = 0; q < m->n_persons; q++)
        r.random_order[q] = (uint32_t)q;
    rng_shuffle(rg, r.random_order, m->n_persons);
    r.mark = must_realloc(NULL, n);
    r.next = must_realloc(NULL, n);
    r.helps = must_realloc(NULL, n * sizeof *r.helps);
    r.at_risk = must_realloc(NULL, n * sizeof *r.at_risk);
    groups_init(&r.g, m);
    int rc = 0;
    bool exact = false; /* rounds group by hash; the last word is an exact grouping */
    for (d->rounds = 0; rc == 0; d->rounds++) {
        groups_build(&r.g, m, exact);
        int k_phase = mark_small(&r.g, m, p->k, r.mark) > 0;
        if (!k_phase && mark_undiverse(&r.g, m, p->l, r.mark) == 0) {
            if (exact)
                break;
            exact = true;
            d->rounds--;
            continue;
        }
        if (k_phase) {
            size_t n_at_risk = 0;
            for (size_t q = 0; q < m->n_persons; q++)
                if (r.mark[q])
                    r.at_risk[n_at_risk++] = (uint32_t)q;
            if (resolve_by_sets(&r, r.at_risk, n_at_risk) > 0)
                continue;
        }
        blank_marked(&r, k_phase);
        if (!k_phase) {
            add_sensitive_donors(&r);
            continue;
        }
        int stuck = 0;
        for (size_t q = 0; q < m->n_persons; q++) {
            r.mark[q] = r.mark[q] && r.next[q] < 0;
            stuck |= r.mark[q];
        }
        if (stuck)
            rc = add_donors(&r, why, why_len);
    }
    if (rc == 0)
        final_figures(&r);
    groups_free(&r.g);
    free(r.mark);
    free(r.next);
    free(r.helps);
    free(r.at_risk);
    free(r.random_order);
    free(r.blank_by_size);
    return rc;
}
