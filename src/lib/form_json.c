/* form_json.c — see form_json.h. Keys follow the XML item names. */
#include "form_json.h"

#include <stdlib.h>

static void key(hh_buf *b, const char *k, int *first)
{
    if (!*first)
        hh_buf_putc(b, ',');
    *first = 0;
    hh_buf_json_string(b, k);
    hh_buf_putc(b, ':');
}

static void str(hh_buf *b, const char *k, const char *v, int *first)
{
    key(b, k, first);
    hh_buf_json_string(b, v);
}

static void num(hh_buf *b, const char *k, long v, long absent, int *first)
{
    key(b, k, first);
    if (v == absent)
        hh_buf_puts(b, "null");
    else
        hh_buf_printf(b, "%ld", v);
}

static void boolean(hh_buf *b, const char *k, int v, int *first)
{
    key(b, k, first);
    hh_buf_puts(b, v ? "true" : "false");
}

static void person_json(hh_buf *b, const hh_person *p, const hh_person_derived *pd)
{
    int first = 1;
    hh_buf_putc(b, '{');
    num(b, "line", p->line, -1, &first);
    str(b, "name", p->name, &first);
    str(b, "relationship", p->relationship, &first);
    str(b, "sex", p->sex, &first);
    str(b, "birthDate", p->birth_date, &first);
    str(b, "documentType", p->document_type, &first);
    str(b, "documentNumber", p->document_number, &first);
    str(b, "nationality", p->nationality, &first);
    str(b, "ethnicity", p->ethnicity, &first);
    str(b, "residence", p->residence, &first);
    str(b, "registeredIn", p->registered_in, &first);
    str(b, "maritalStatus", p->marital_status, &first);
    num(b, "education", p->education, -1, &first);
    str(b, "activity", p->activity, &first);
    key(b, "functioning", &first);
    if (p->functioning[0]) {
        int f2 = 1;
        hh_buf_putc(b, '{');
        for (int d = 0; d < HH_WG_DOMAINS; d++)
            num(b, hh_wg_domain_names[d], p->functioning[d], 0, &f2);
        hh_buf_putc(b, '}');
    } else {
        hh_buf_puts(b, "null");
    }
    str(b, "certificateType", p->certificate_type, &first);
    num(b, "certificateGrade", p->certificate_grade, 0, &first);
    str(b, "phone", p->phone, &first);
    str(b, "languages", p->languages, &first);
    str(b, "notes", p->notes, &first);
    key(b, "derived", &first);
    int f3 = 1;
    hh_buf_putc(b, '{');
    num(b, "age", pd->age, -1, &f3);
    str(b, "ageGroup", hh_age_group_label(pd->age_group), &f3);
    boolean(b, "elderly60", pd->elderly60, &f3);
    boolean(b, "elderly65", pd->elderly65, &f3);
    boolean(b, "disability", pd->disabled, &f3);
    hh_buf_puts(b, "}}");
}

void hh_household_json(hh_buf *b, const hh_household *h)
{
    hh_household_derived hd;
    hh_person_derived *pd = hh_xcalloc(h->n_persons, sizeof *pd);
    hh_derive(h, &hd, pd);
    int first = 1;
    hh_buf_putc(b, '{');
    str(b, "id", h->id, &first);
    key(b, "address", &first);
    int fa = 1;
    hh_buf_putc(b, '{');
    str(b, "districtCode", h->district_code, &fa);
    str(b, "district", h->district, &fa);
    str(b, "streetCode", h->street_code, &fa);
    str(b, "street", h->street, &fa);
    str(b, "communityCode", h->community_code, &fa);
    str(b, "community", h->community, &fa);
    num(b, "grid", h->grid, -1, &fa);
    str(b, "estate", h->estate, &fa);
    str(b, "building", h->building, &fa);
    str(b, "unit", h->unit, &fa);
    str(b, "room", h->room, &fa);
    hh_buf_putc(b, '}');
    str(b, "householdType", h->household_type, &first);
    str(b, "dwellingType", h->dwelling_type, &first);
    str(b, "tenure", h->tenure, &first);
    key(b, "floorArea", &first);
    if (h->floor_area < 0)
        hh_buf_puts(b, "null");
    else
        hh_buf_printf(b, "%.2f", h->floor_area);
    str(b, "phone", h->phone, &first);
    str(b, "preferredLanguage", h->preferred_language, &first);
    boolean(b, "lowIncome", h->low_income, &first);
    str(b, "lowIncomeSince", h->low_income_since, &first);
    boolean(b, "extremeHardship", h->extreme_hardship, &first);
    str(b, "needs", h->needs, &first);
    key(b, "enumeration", &first);
    int fe = 1;
    hh_buf_putc(b, '{');
    str(b, "enumerator", h->enumerator, &fe);
    str(b, "date", h->enumeration_date, &fe);
    str(b, "status", h->enumeration_status, &fe);
    str(b, "respondent", h->respondent, &fe);
    boolean(b, "consent", h->consent, &fe);
    hh_buf_putc(b, '}');
    num(b, "memberCount", h->member_count, -1, &first);
    key(b, "persons", &first);
    hh_buf_putc(b, '[');
    for (size_t i = 0; i < h->n_persons; i++) {
        if (i)
            hh_buf_putc(b, ',');
        person_json(b, &h->persons[i], &pd[i]);
    }
    hh_buf_putc(b, ']');
    key(b, "visits", &first);
    hh_buf_putc(b, '[');
    for (size_t i = 0; i < h->n_visits; i++) {
        const hh_visit *v = &h->visits[i];
        int fv = 1;
        hh_buf_puts(b, i ? ",{" : "{");
        str(b, "date", v->date, &fv);
        str(b, "enumerator", v->enumerator, &fv);
        str(b, "purpose", v->purpose, &fv);
        str(b, "outcome", v->outcome, &fv);
        str(b, "note", v->note, &fv);
        hh_buf_putc(b, '}');
    }
    hh_buf_putc(b, ']');
    key(b, "derived", &first);
    int fd = 1;
    hh_buf_putc(b, '{');
    num(b, "size", hd.size, -1, &fd);
    num(b, "elderly60", hd.elderly60, -1, &fd);
    num(b, "elderly65", hd.elderly65, -1, &fd);
    num(b, "personsWithDisability", hd.disabled, -1, &fd);
    boolean(b, "elderlyLivingAlone", hd.living_alone, &fd);
    boolean(b, "emptyNest", hd.empty_nest, &fd);
    boolean(b, "lowIncome", hd.low_income, &fd);
    hh_buf_puts(b, "}}");
    free(pd);
}
