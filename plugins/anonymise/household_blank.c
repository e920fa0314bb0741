/* household_blank.c — see household_blank.h. A blank that gives a unique
 * household the key of another ends its uniqueness at once (and the other's,
 * when it was unique too); a blank that does not needs more blanks after it.
 * Every blank can split a person's group, which the next protection run mends
 * with more blanks, so the fewer the better: on a generated street of 20,000
 * households (public profile) this choice, and leaving a household another's
 * blank joined (household_risk.c), blank about 900 values fewer in all than
 * blanking the area, then the rarest age, always. */
#include "household_blank.h"

#include <stdlib.h>
#include <string.h>

/* splitmix64's finaliser: the hash term of one part of a household key. */
static uint64_t mix(uint64_t z)
{
    z = (z + 1) * 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

enum { TERM_AREA = 1, TERM_SIZE = 2, TERM_MEMBER = 3 };

static uint64_t member_term(uint16_t age, uint16_t sex)
{
    return mix((uint64_t)TERM_MEMBER << 48 | (uint64_t)age << 16 | sex);
}

/* Area, size and the sum over members: the order of members says nothing. */
static uint64_t household_key_hash(const microdata *m, size_t h)
{
    const household_rec *hh = &m->households[h];
    uint64_t hash = mix((uint64_t)TERM_AREA << 48 | hh->v[V_AREA]) + mix((uint64_t)TERM_SIZE << 48 | hh->n_persons);
    for (uint16_t i = 0; i < hh->n_persons; i++)
        hash += member_term(value_of(m, hh->first_person + i, V_AGE), value_of(m, hh->first_person + i, V_SEX));
    return hash;
}

/* The table holds 1 + the count, so a key counted down to nothing keeps its slot. */
static size_t count_of(hash_counts *t, uint64_t key)
{
    uint32_t *c = hash_count(t, key, 0);
    return c ? *c - 1 : 0;
}

static void count_add(hash_counts *t, uint64_t key, int delta)
{
    uint32_t *c = hash_count(t, key, 1);
    if (!*c)
        *c = 1;
    *c = (uint32_t)((long)*c + delta);
}

static void table_build(household_blanker *b)
{
    const microdata *m = b->m;
    b->room = m->n_households / 4 + 64;
    hash_counts_init(&b->households, m->n_households + b->room);
    b->household_hash = must_realloc(NULL, (m->n_households ? m->n_households : 1) * sizeof *b->household_hash);
    for (size_t h = 0; h < m->n_households; h++) {
        b->household_hash[h] = household_key_hash(m, h);
        count_add(&b->households, b->household_hash[h], 1);
    }
}

static void table_free(household_blanker *b)
{
    hash_counts_free(&b->households);
    free(b->household_hash);
}

void household_blanker_init(household_blanker *b, microdata *m, disclosure *d)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    b->d = d;
    table_build(b);
    size_t ages = (size_t)m->cats[V_AGE].n + 1;
    b->age_count = must_realloc(NULL, ages * sizeof *b->age_count);
    memset(b->age_count, 0, ages * sizeof *b->age_count);
    for (size_t q = 0; q < m->n_persons; q++)
        b->age_count[value_of(m, q, V_AGE)]++;
}

void household_blanker_free(household_blanker *b)
{
    table_free(b);
    free(b->age_count);
}

int household_blanker_shared(household_blanker *b, size_t h)
{
    return count_of(&b->households, b->household_hash[h]) > 1;
}

/* --- blanking, the table kept up to date ---------------------------------------------- */

static void set_household_hash(household_blanker *b, size_t h, uint64_t hash)
{
    if (b->room == 0) { /* the table is full of keys: built again from the microdata */
        table_free(b);
        table_build(b);
    }
    b->room--;
    count_add(&b->households, b->household_hash[h], -1);
    b->household_hash[h] = hash;
    count_add(&b->households, hash, 1);
}

/* The household's key hash with member q's `var` (age or sex) blanked. */
static uint64_t hash_without(const household_blanker *b, size_t h, size_t q, int var)
{
    uint16_t age = value_of(b->m, q, V_AGE), sex = value_of(b->m, q, V_SEX);
    return b->household_hash[h] - member_term(age, sex) +
           member_term(var == V_AGE ? 0 : age, var == V_SEX ? 0 : sex);
}

static void blank_member(household_blanker *b, size_t h, size_t q, int var)
{
    uint16_t was = value_of(b->m, q, var);
    set_household_hash(b, h, hash_without(b, h, q, var));
    b->m->persons[q].v[var - FIRST_PERSON_VAR] = 0;
    if (var == V_AGE) {
        b->age_count[was]--;
        b->age_count[0]++;
    }
    b->d->suppressed[var]++;
    b->d->household_blanks[var == V_AGE ? HOUSEHOLD_BLANK_AGE : HOUSEHOLD_BLANK_SEX]++;
}

static int blank_area(household_blanker *b, size_t h)
{
    household_rec *hh = &b->m->households[h];
    if (!hh->v[V_AREA] || b->m->area_locked)
        return 0;
    hh->v[V_AREA] = 0;
    set_household_hash(b, h, household_key_hash(b->m, h));
    b->d->suppressed[V_AREA]++;
    b->d->household_blanks[HOUSEHOLD_BLANK_AREA]++;
    return 1;
}

/* --- the step ------------------------------------------------------------------------ */

/* The member whose `var` to blank: with `joining`, only one whose blank gives
 * the household another household's key; age: the rarest. -1 when none. */
static long member_to_blank(household_blanker *b, size_t h, int var, int joining)
{
    const household_rec *hh = &b->m->households[h];
    long best = -1;
    for (uint16_t i = 0; i < hh->n_persons; i++) {
        size_t q = hh->first_person + i;
        if (!blankable(b->m, q, var) || (joining && count_of(&b->households, hash_without(b, h, q, var)) == 0))
            continue;
        if (best < 0 || (var == V_AGE && b->age_count[value_of(b->m, q, var)] <
                                             b->age_count[value_of(b->m, (size_t)best, var)]))
            best = (long)q;
    }
    return best;
}

int household_blank_step(household_blanker *b, size_t h)
{
    int area_first = b->m->cats[V_AREA].n > 1;
    for (int joining = 1; joining >= 0; joining--) {
        if (!joining && area_first && blank_area(b, h))
            return 1;
        for (int var = V_AGE; var <= V_SEX; var += V_SEX - V_AGE) {
            long q = member_to_blank(b, h, var, joining);
            if (q >= 0) {
                blank_member(b, h, (size_t)q, var);
                return 1;
            }
        }
    }
    return !area_first && blank_area(b, h);
}
