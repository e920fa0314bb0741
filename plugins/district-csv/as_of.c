/* as_of.c — ages at another date (see as_of.h). */
#include "as_of.h"

#include <stdlib.h>

/* As hh_age_group_label in src/lib/derived.c (the plugin does not link the core). */
static const char *age_group(int age)
{
    static const char *const labels[] = { "0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29",
                                          "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
                                          "60-64", "65-69", "70-74", "75-79", "80-84", "85+" };
    return labels[age >= 85 ? 17 : age / 5];
}

const hhreg_household *aged_at(aged_household *a, const hhreg_household *h, hhreg_date date)
{
    if (h->n_persons > a->cap) {
        a->cap = h->n_persons;
        a->persons = realloc(a->persons, a->cap * sizeof *a->persons);
    }
    a->h = *h;
    a->h.persons = a->persons;
    a->h.elderly60 = a->h.elderly65 = 0;
    for (size_t i = 0; i < h->n_persons; i++) {
        hhreg_person *p = &a->persons[i];
        *p = h->persons[i];
        hhreg_date birth;
        if (hhreg_date_parse(p->birth_date, false, &birth)) { /* else the host's age stands */
            int age = hhreg_date_years(birth, date);
            p->age = age < 0 ? 0 : age;
            p->age_group = age_group(p->age);
            p->elderly60 = p->age >= 60;
            p->elderly65 = p->age >= 65;
        }
        a->h.elderly60 += p->elderly60;
        a->h.elderly65 += p->elderly65;
    }
    a->h.elderly_living_alone = h->n_persons == 1 && a->h.elderly60 == 1;
    a->h.empty_nest = h->n_persons > 0 && (size_t)a->h.elderly60 == h->n_persons;
    return &a->h;
}

void aged_free(aged_household *a)
{
    free(a->persons);
}
