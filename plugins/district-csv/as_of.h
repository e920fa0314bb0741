/* as_of.h — ages counted on another date than the enumeration date (--opt as-of):
 * a copy of a household whose age-derived values — each person's age, age group,
 * 60+ and 65+, and the household's counts of them, elderly living alone and empty
 * nest — are computed at that date, the way hhreg computes them at the enumeration
 * date (src/lib/derived.c). Everything else is the household as the host gave it. */
#ifndef DCSV_AS_OF_H
#define DCSV_AS_OF_H

#include <stddef.h>

#include "hhreg/calendar.h"
#include "hhreg/plugin.h"

typedef struct aged_household {
    hhreg_household h;
    hhreg_person *persons;      /* reused from household to household */
    size_t cap;
} aged_household;

/* `h` with its ages at `date`, valid until the next call with `a`. */
const hhreg_household *aged_at(aged_household *a, const hhreg_household *h, hhreg_date date);
void aged_free(aged_household *a);

#endif
