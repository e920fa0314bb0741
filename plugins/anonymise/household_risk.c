/* household_risk.c — the household as a quasi-identifier (method.h). An intruder
 * who knows a household's members (their ages and sexes, where they live) looks
 * for it among the released households: its *household key* is the released
 * area, the number of persons (a reader recounts it from the household id) and
 * the members' released age and sex, sorted (person order says nothing). A blank
 * is a value of its own, as in the persons' groups (groups.h): a household whose
 * key no other household shares is unique, and so found exactly.
 *
 * The public profile leaves no household unique: each unique household gets,
 * one step a round, a member's age or sex blanked where that gives it the key
 * of another household, else its area, then one member's age (the rarest age
 * first), then one member's sex (the area last where only one is named;
 * household_blank.c chooses); a household with nothing left to blank that is
 * still unique gets a donor, another household of its size blanked the same way
 * in full; with no other household of its size it is left out of the release
 * (its size alone, recounted from the household id, finds it). The licensed profile reports its unique households and keeps them.
 * sdcMicro's household risk (a household is at risk when any member is) is
 * reported for both. */
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "household_blank.h"
#include "method.h"

size_t count_households_at_risk(const microdata *m, long k)
{
    groups g;
    groups_init(&g, m);
    groups_build(&g, m, true);
    size_t n = 0;
    for (size_t h = 0; h < m->n_households; h++) {
        const household_rec *hh = &m->households[h];
        int at_risk = 0;
        for (uint16_t i = 0; i < hh->n_persons && !at_risk; i++)
            at_risk = g.size[g.of[hh->first_person + i]] < (size_t)k;
        n += (size_t)at_risk;
    }
    groups_free(&g);
    return n;
}

/* --- household keys, compared whole ------------------------------------------------ */

typedef struct household_keys {
    const microdata *m;
    uint32_t *pairs;     /* per person slot: (age << 16 | sex), sorted within each household */
    uint32_t *order;     /* households, sorted by key */
} household_keys;

static const household_keys *sorting;

static int by_household_key(const void *x, const void *y)
{
    const household_rec *a = &sorting->m->households[*(const uint32_t *)x];
    const household_rec *b = &sorting->m->households[*(const uint32_t *)y];
    if (a->v[V_AREA] != b->v[V_AREA])
        return a->v[V_AREA] < b->v[V_AREA] ? -1 : 1;
    if (a->n_persons != b->n_persons)
        return a->n_persons < b->n_persons ? -1 : 1;
    const uint32_t *pa = sorting->pairs + a->first_person, *pb = sorting->pairs + b->first_person;
    for (uint16_t i = 0; i < a->n_persons; i++)
        if (pa[i] != pb[i])
            return pa[i] < pb[i] ? -1 : 1;
    return 0;
}

static int by_value(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

/* unique[h] = 1 for each household no other one shares its key with; their number. */
static size_t mark_unique(const microdata *m, unsigned char *unique)
{
    household_keys k = { m, must_realloc(NULL, (m->n_persons ? m->n_persons : 1) * sizeof(uint32_t)),
                         must_realloc(NULL, (m->n_households ? m->n_households : 1) * sizeof(uint32_t)) };
    for (size_t q = 0; q < m->n_persons; q++)
        k.pairs[q] = (uint32_t)value_of(m, q, V_AGE) << 16 | value_of(m, q, V_SEX);
    for (size_t h = 0; h < m->n_households; h++) {
        const household_rec *hh = &m->households[h];
        qsort(k.pairs + hh->first_person, hh->n_persons, sizeof *k.pairs, by_value);
        k.order[h] = (uint32_t)h;
    }
    sorting = &k;
    qsort(k.order, m->n_households, sizeof *k.order, by_household_key);
    size_t n = 0;
    for (size_t i = 0; i < m->n_households;) {
        size_t j = i + 1;
        while (j < m->n_households && by_household_key(&k.order[i], &k.order[j]) == 0)
            j++;
        for (size_t x = i; x < j; x++)
            unique[k.order[x]] = j - i == 1;
        n += j - i == 1;
        i = j;
    }
    sorting = NULL;
    free(k.pairs);
    free(k.order);
    return n;
}

size_t count_unique_households(const microdata *m)
{
    unsigned char *unique = must_realloc(NULL, m->n_households ? m->n_households : 1);
    size_t n = mark_unique(m, unique);
    free(unique);
    return n;
}

/* --- the remedy ------------------------------------------------------------------ */

void remedy_unique_households(microdata *m, rng *r, disclosure *d, size_t *blanks)
{
    size_t n = m->n_households ? m->n_households : 1;
    unsigned char *unique = must_realloc(NULL, n);
    uint32_t *random_order = must_realloc(NULL, n * sizeof *random_order);
    for (size_t h = 0; h < m->n_households; h++)
        random_order[h] = (uint32_t)h;
    rng_shuffle(r, random_order, m->n_households);
    *blanks = 0;
    /* a household a blank of this round gave another's key is left for the next
     * round to confirm (by whole keys), unless a round did nothing */
    int skip_shared = 1;
    while (mark_unique(m, unique) > 0) {
        household_blanker b;
        household_blanker_init(&b, m, d);
        size_t before = *blanks, stuck = m->n_households;
        for (size_t h = 0; h < m->n_households; h++) {
            if (!unique[h] || (skip_shared && household_blanker_shared(&b, h)))
                continue;
            if (household_blank_step(&b, h)) {
                (*blanks)++;
                continue;
            }
            /* nothing left: another household of its size joins it, blanked in full */
            size_t donor = m->n_households;
            for (size_t i = 0; i < m->n_households && donor == m->n_households; i++) {
                size_t x = random_order[i];
                if (x != h && m->households[x].n_persons == m->households[h].n_persons &&
                    household_blank_step(&b, x))
                    donor = x;
            }
            if (donor == m->n_households) {
                stuck = h; /* unless this round's other blanks joined it to another */
                continue;
            }
            d->donor_households++;
            (*blanks)++;
            while (household_blank_step(&b, donor))
                (*blanks)++;
        }
        household_blanker_free(&b);
        int idle = *blanks == before;
        if (idle && skip_shared && stuck == m->n_households) {
            skip_shared = 0; /* only hashes said shared: the next round blanks them */
            continue;
        }
        skip_shared = 1;
        if (idle && stuck < m->n_households) {
            /* every other household of its size is blank in full and it is still
             * unique: it is the only one of its size, which the household id tells */
            microdata_drop_household(m, stuck);
            d->households_of_unique_size++;
            (*blanks)++;
            for (size_t i = 0, j = 0; i < m->n_households + 1; i++)
                if (random_order[i] != stuck)
                    random_order[j++] = random_order[i] > stuck ? random_order[i] - 1 : random_order[i];
        }
    }
    free(unique);
    free(random_order);
}
