/* derived.h — values computed from a stored form, never entered: age, five-year age
 * group, household size, elderly (60+ and 65+), elderly living alone, empty nest,
 * disability and low-income household. This is the one place they are computed;
 * the store, `show` and the exporters all take them from here.
 * The reference date is the form's enumeration date. */
#ifndef HH_DERIVED_H
#define HH_DERIVED_H

#include <stdbool.h>
#include "form.h"

typedef struct hh_person_derived {
    int age;                 /* completed years at enumeration */
    int age_group;           /* lower bound: 0, 5, ..., 85 (85 means 85+) */
    bool elderly60, elderly65;
    bool disabled;           /* a functioning domain at 3 or 4, or a certificate */
} hh_person_derived;

typedef struct hh_household_derived {
    int size;                /* persons on the roster */
    int elderly60, elderly65, disabled;  /* counts of persons */
    bool living_alone;       /* one person, aged 60+ */
    bool empty_nest;         /* at least one person, every one aged 60+ */
    bool low_income;
} hh_household_derived;

/* Fills `hd` and, when `pd` is not NULL, pd[0..n_persons-1]. */
void hh_derive(const hh_household *h, hh_household_derived *hd, hh_person_derived *pd);
void hh_derive_person(const hh_person *p, const char *reference_date, hh_person_derived *out);
/* "0-4", "5-9", ..., "80-84", "85+" */
const char *hh_age_group_label(int age_group);

#endif
