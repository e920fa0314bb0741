/* derive.c — blanks that the rest of the household fills in with certainty
 * (method.h). A blank protects only what a reader cannot work out; these are
 * worked out:
 *  - the head: every household has one; where no member shows "head" and one
 *    relationship is blank, that person is the head (in a household of one,
 *    always);
 *  - the sex of the head's spouse: the opposite of the head's (marriage in China
 *    is between a man and a woman), where one of the two shows it;
 *  - the area: where the release names a single area and no area was left
 *    unnamed as too small, a blank area is that area.
 * Found before release, each is remedied: in a household of one, the head is put
 * back and locked (the size says it); a single area is put back everywhere and
 * locked; otherwise one more value is blanked so the inference fails (another
 * member's relationship; the other partner's sex). anonymise.c then protects
 * again, until nothing is derivable. (Person order, which made person 1 the head,
 * is shuffled at release: release.c.) */
#include <string.h>

#include "method.h"

void derive_remember(microdata *m)
{
    for (size_t h = 0; h < m->n_households; h++)
        m->households[h].recoded_area = m->households[h].v[V_AREA];
    for (size_t q = 0; q < m->n_persons; q++) {
        m->persons[q].recoded_relationship = value_of(m, q, V_RELATIONSHIP);
        m->persons[q].recoded_sex = value_of(m, q, V_SEX);
    }
}

static uint16_t code_number(const microdata *m, int var, const char *code)
{
    const categories *c = &m->cats[var];
    for (uint16_t i = 1; i <= c->n; i++)
        if (strcmp(c->codes[i], code) == 0)
            return i;
    return 0;
}

static void set_person(microdata *m, size_t q, int var, uint16_t value)
{
    m->persons[q].v[var - FIRST_PERSON_VAR] = value;
}

/* The remedies of one household; how many persons had a derivable blank. With
 * `remedy` 0 it only counts; else *changed counts the values it changed. */
static size_t household_derivable(microdata *m, size_t h, uint16_t head, uint16_t spouse, int remedy,
                                  size_t *changed)
{
    household_rec *hh = &m->households[h];
    size_t first = hh->first_person, n = hh->n_persons, found = 0;
    long head_at = -1, blank_at = -1, spouse_at = -1;
    size_t blanks = 0, spouses = 0;
    for (size_t i = 0; i < n; i++) {
        uint16_t rel = value_of(m, first + i, V_RELATIONSHIP);
        if (rel == head)
            head_at = (long)(first + i);
        if (!rel) {
            blanks++;
            blank_at = (long)(first + i);
        }
        if (m->persons[first + i].recoded_relationship == spouse) {
            spouses++;
            spouse_at = (long)(first + i);
        }
    }
    if (head_at < 0 && blanks == 1 && m->persons[blank_at].recoded_relationship == head) {
        found++;
        head_at = blank_at;
        if (remedy && n == 1) {
            set_person(m, (size_t)blank_at, V_RELATIONSHIP, head);
            m->persons[blank_at].locked |= 1u << (V_RELATIONSHIP - FIRST_PERSON_VAR);
            (*changed)++;
        } else if (remedy) {
            for (size_t i = 0; i < n; i++)
                if ((long)(first + i) != blank_at && blankable(m, first + i, V_RELATIONSHIP)) {
                    set_person(m, first + i, V_RELATIONSHIP, 0);
                    (*changed)++;
                    break;
                }
        }
    }
    /* the couple: the head (shown or just derived) and the one spouse, shown as such */
    if (head_at >= 0 && spouses == 1 && value_of(m, (size_t)spouse_at, V_RELATIONSHIP) == spouse) {
        uint16_t a = value_of(m, (size_t)head_at, V_SEX), b = value_of(m, (size_t)spouse_at, V_SEX);
        if ((a == 0) != (b == 0) &&
            m->persons[head_at].recoded_sex != m->persons[spouse_at].recoded_sex) {
            found++;
            if (remedy && blankable(m, (size_t)(a ? head_at : spouse_at), V_SEX)) {
                set_person(m, (size_t)(a ? head_at : spouse_at), V_SEX, 0);
                (*changed)++;
            }
        }
    }
    return found;
}

static size_t derivable(microdata *m, const disclosure *d, int remedy, size_t *changed)
{
    uint16_t head = code_number(m, V_RELATIONSHIP, "head"), spouse = code_number(m, V_RELATIONSHIP, "spouse");
    size_t found = 0;
    int one_area = m->cats[V_AREA].n == 1 && d->area_below_threshold == 0;
    for (size_t h = 0; h < m->n_households; h++) {
        household_rec *hh = &m->households[h];
        if (one_area && !hh->v[V_AREA] && hh->recoded_area) {
            found += hh->n_persons;
            if (remedy) {
                hh->v[V_AREA] = hh->recoded_area;
                (*changed)++;
            }
        }
        if (head)
            found += household_derivable(m, h, head, spouse, remedy, changed);
    }
    if (remedy && one_area)
        m->area_locked = 1;
    return found;
}

size_t count_derivable_blanks(microdata *m, const disclosure *d)
{
    size_t changed = 0;
    return derivable(m, d, 0, &changed);
}

size_t remedy_derivable_blanks(microdata *m, const disclosure *d)
{
    size_t changed = 0;
    derivable(m, d, 1, &changed);
    return changed;
}
