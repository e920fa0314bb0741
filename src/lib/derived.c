/* derived.c — see derived.h. */
#include "derived.h"

#include "dates.h"

void hh_derive_person(const hh_person *p, const char *reference_date, hh_person_derived *out)
{
    hhreg_date birth, ref;
    out->age = (hhreg_date_parse(p->birth_date, false, &birth) && hhreg_date_parse(reference_date, false, &ref))
                   ? hhreg_date_years(birth, ref)
                   : 0;
    if (out->age < 0)
        out->age = 0;
    out->age_group = out->age >= 85 ? 85 : out->age / 5 * 5;
    out->elderly60 = out->age >= 60;
    out->elderly65 = out->age >= 65;
    out->disabled = p->certificate_type != NULL;
    for (int d = 0; d < HH_WG_DOMAINS; d++)
        if (p->functioning[d] >= 3)
            out->disabled = true;
}

void hh_derive(const hh_household *h, hh_household_derived *hd, hh_person_derived *pd)
{
    hd->size = (int)h->n_persons;
    hd->elderly60 = hd->elderly65 = hd->disabled = 0;
    for (size_t i = 0; i < h->n_persons; i++) {
        hh_person_derived one;
        hh_derive_person(&h->persons[i], h->enumeration_date, &one);
        hd->elderly60 += one.elderly60;
        hd->elderly65 += one.elderly65;
        hd->disabled += one.disabled;
        if (pd)
            pd[i] = one;
    }
    hd->living_alone = hd->size == 1 && hd->elderly60 == 1;
    hd->empty_nest = hd->size > 0 && hd->elderly60 == hd->size;
    hd->low_income = h->low_income == 1;
}

const char *hh_age_group_label(int age_group)
{
    static const char *labels[] = { "0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29",
                                    "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
                                    "60-64", "65-69", "70-74", "75-79", "80-84", "85+" };
    int i = age_group / 5;
    if (i < 0)
        i = 0;
    if (i > 17)
        i = 17;
    return labels[i];
}
