/* due.c — see due.h. */
#include "due.h"

#include <string.h>

#include "derived.h"
#include "form_json.h"

static const char *const group_names[] = { "alone", "disability", "low-income", "elderly-80", "foreign" };
#define GROUP_COUNT (sizeof group_names / sizeof group_names[0])

unsigned hh_group_named(const char *name)
{
    for (size_t i = 0; i < GROUP_COUNT; i++)
        if (strcmp(name, group_names[i]) == 0)
            return 1u << i;
    return 0;
}

const char *hh_group_name(unsigned group)
{
    for (size_t i = 0; i < GROUP_COUNT; i++)
        if (group == 1u << i)
            return group_names[i];
    return "";
}

/* The groups of `h` on `today`. */
static unsigned groups_of(const hh_household *h, hhreg_date today)
{
    hh_household_derived hd;
    hh_derive(h, &hd, NULL);
    unsigned g = (hd.living_alone ? HH_GROUP_ALONE : 0) | (hd.disabled ? HH_GROUP_DISABILITY : 0) |
                 (hd.low_income ? HH_GROUP_LOW_INCOME : 0);
    for (size_t i = 0; i < h->n_persons; i++) {
        const hh_person *p = &h->persons[i];
        hhreg_date born;
        if (p->birth_date && hhreg_date_parse(p->birth_date, false, &born) && hhreg_date_years(born, today) >= 80)
            g |= HH_GROUP_ELDERLY_80;
        if (p->nationality && strcmp(p->nationality, "CHN") != 0)
            g |= HH_GROUP_FOREIGN;
    }
    return g;
}

bool hh_due_of(const hh_household *h, hhreg_date today, int days, unsigned groups, bool returned, hh_due *out)
{
    memset(out, 0, sizeof *out);
    out->returned = returned;
    out->days_since = -1;
    out->groups = groups_of(h, today);
    long last_done = 0, last_any = 0;
    int last_any_order = 0;
    const char *last_outcome = NULL;
    bool any = false;
    for (size_t i = 0; i < hh_household_n_all_visits(h); i++) {
        const hh_visit *v = hh_household_visit(h, i);
        hhreg_date d;
        if (!v->date || !hhreg_date_parse(v->date, false, &d))
            continue;
        /* the last visit: by date, and on one date in the order made — a logged visit
         * recorded before the form was stored, the form's own, then the log's later ones */
        long n = hhreg_date_days(d);
        int order = i >= h->n_visits ? (v->before_form ? 0 : 2) : 1;
        if (!any || n > last_any || (n == last_any && order >= last_any_order)) {
            any = true;
            last_any = n;
            last_any_order = order;
            last_outcome = v->outcome;
        }
        if (v->outcome && (strcmp(v->outcome, "done") == 0 || strcmp(v->outcome, "referred") == 0) &&
            (!out->last_visit || n >= last_done)) {
            last_done = n;
            out->last_visit = v->date;
        }
    }
    if (out->last_visit)
        out->days_since = hhreg_date_days(today) - last_done;
    out->visit = (out->groups & groups) && (!out->last_visit || out->days_since > days);
    /* a door found shut is owed another knock until a form says who lives there: a
     * visit done later (a gas-safety check at the door) does not enumerate them */
    out->revisit = (last_outcome && strcmp(last_outcome, "nobody-home") == 0) ||
                   (h->enumeration_status && strcmp(h->enumeration_status, "nobody-home") == 0);
    for (size_t i = 0; i < h->n_persons; i++) {
        hhreg_date born;
        if (h->persons[i].birth_date && hhreg_date_parse(h->persons[i].birth_date, false, &born) &&
            born.year == today.year - 80 && born.month == today.month)
            out->turns_80 = true;
    }
    hhreg_date since;
    out->low_income_review = h->low_income && h->low_income_since &&
                             hhreg_date_parse(h->low_income_since, true, &since) && since.month == today.month &&
                             since.year < today.year;
    return out->visit || out->revisit || out->turns_80 || out->low_income_review || out->returned;
}

void hh_due_json(hh_json *j, const hh_household *h, const hh_due *d)
{
    hh_json_household_ref(j, h->id, h->building, h->unit, h->room);
    hh_json_array(j, "groups");
    for (unsigned g = 1; g <= HH_GROUPS_ALL; g <<= 1)
        if (d->groups & g)
            hh_json_str(j, NULL, hh_group_name(g));
    hh_json_end(j);
    hh_json_bool(j, "visit", d->visit);
    hh_json_bool(j, "revisit", d->revisit);
    hh_json_bool(j, "turns80", d->turns_80);
    hh_json_bool(j, "lowIncomeReview", d->low_income_review);
    hh_json_bool(j, "returned", d->returned);
    if (d->last_visit) {
        hh_json_str(j, "lastVisit", d->last_visit);
        hh_json_int(j, "daysSince", d->days_since);
    }
    hh_json_end(j);
}
