/* form_json.c — see form_json.h. Keys follow the XML item names. */
#include "form_json.h"

#include <stdio.h>
#include <stdlib.h>

#include "json.h"

static void person_json(hh_json *j, const hh_person *p, const hh_person_derived *pd)
{
    hh_json_object(j, NULL);
    hh_json_int(j, "line", p->line);
    hh_json_str(j, "name", p->name);
    hh_json_str(j, "relationship", p->relationship);
    hh_json_str(j, "sex", p->sex);
    hh_json_str(j, "birthDate", p->birth_date);
    hh_json_str(j, "documentType", p->document_type);
    hh_json_str(j, "documentNumber", p->document_number);
    hh_json_str(j, "nationality", p->nationality);
    hh_json_str(j, "ethnicity", p->ethnicity);
    hh_json_str(j, "residence", p->residence);
    hh_json_str(j, "registeredIn", p->registered_in);
    hh_json_str(j, "maritalStatus", p->marital_status);
    hh_json_int_or_null(j, "education", p->education, -1);
    hh_json_str(j, "activity", p->activity);
    if (p->functioning[0]) {
        hh_json_object(j, "functioning");
        for (int d = 0; d < HH_WG_DOMAINS; d++)
            hh_json_int(j, hh_wg_domain_names[d], p->functioning[d]);
        hh_json_end(j);
    } else {
        hh_json_raw(j, "functioning", "null");
    }
    hh_json_str(j, "certificateType", p->certificate_type);
    hh_json_int_or_null(j, "certificateGrade", p->certificate_grade, 0);
    hh_json_str(j, "phone", p->phone);
    hh_json_str(j, "languages", p->languages);
    hh_json_str(j, "notes", p->notes);
    hh_json_object(j, "derived");
    hh_json_int(j, "age", pd->age);
    hh_json_str(j, "ageGroup", hh_age_group_label(pd->age_group));
    hh_json_bool(j, "elderly60", pd->elderly60);
    hh_json_bool(j, "elderly65", pd->elderly65);
    hh_json_bool(j, "disability", pd->disabled);
    hh_json_end(j);
    hh_json_end(j);
}

static void address_json(hh_json *j, const hh_household *h)
{
    hh_json_object(j, "address");
    hh_json_str(j, "districtCode", h->district_code);
    hh_json_str(j, "district", h->district);
    hh_json_str(j, "streetCode", h->street_code);
    hh_json_str(j, "street", h->street);
    hh_json_str(j, "communityCode", h->community_code);
    hh_json_str(j, "community", h->community);
    hh_json_int(j, "grid", h->grid);
    hh_json_str(j, "estate", h->estate);
    hh_json_str(j, "building", h->building);
    hh_json_str(j, "unit", h->unit);
    hh_json_str(j, "room", h->room);
    hh_json_end(j);
}

static void visits_json(hh_json *j, const hh_household *h)
{
    hh_json_array(j, "visits");
    for (size_t i = 0; i < h->n_visits; i++) {
        const hh_visit *v = &h->visits[i];
        hh_json_object(j, NULL);
        hh_json_str(j, "date", v->date);
        hh_json_str(j, "enumerator", v->enumerator);
        hh_json_str(j, "purpose", v->purpose);
        hh_json_str(j, "outcome", v->outcome);
        hh_json_str(j, "note", v->note);
        hh_json_end(j);
    }
    hh_json_end(j);
}

void hh_household_json(hh_buf *b, const hh_household *h)
{
    hh_household_derived hd;
    hh_person_derived *pd = hh_xcalloc(h->n_persons, sizeof *pd);
    hh_derive(h, &hd, pd);
    hh_json j;
    hh_json_init(&j, b);
    hh_json_object(&j, NULL);
    hh_json_str(&j, "id", h->id);
    address_json(&j, h);
    hh_json_str(&j, "householdType", h->household_type);
    hh_json_str(&j, "dwellingType", h->dwelling_type);
    hh_json_str(&j, "tenure", h->tenure);
    if (h->floor_area < 0) {
        hh_json_raw(&j, "floorArea", "null");
    } else {
        char area[32];
        snprintf(area, sizeof area, "%.2f", h->floor_area);
        hh_json_raw(&j, "floorArea", area);
    }
    hh_json_str(&j, "phone", h->phone);
    hh_json_str(&j, "preferredLanguage", h->preferred_language);
    hh_json_bool(&j, "lowIncome", h->low_income);
    hh_json_str(&j, "lowIncomeSince", h->low_income_since);
    hh_json_bool(&j, "extremeHardship", h->extreme_hardship);
    hh_json_str(&j, "needs", h->needs);
    hh_json_object(&j, "enumeration");
    hh_json_str(&j, "enumerator", h->enumerator);
    hh_json_str(&j, "date", h->enumeration_date);
    hh_json_str(&j, "status", h->enumeration_status);
    hh_json_str(&j, "respondent", h->respondent);
    hh_json_bool(&j, "consent", h->consent);
    hh_json_end(&j);
    hh_json_int_or_null(&j, "memberCount", h->member_count, -1);
    hh_json_array(&j, "persons");
    for (size_t i = 0; i < h->n_persons; i++)
        person_json(&j, &h->persons[i], &pd[i]);
    hh_json_end(&j);
    visits_json(&j, h);
    hh_json_object(&j, "derived");
    hh_json_int(&j, "size", hd.size);
    hh_json_int(&j, "elderly60", hd.elderly60);
    hh_json_int(&j, "elderly65", hd.elderly65);
    hh_json_int(&j, "personsWithDisability", hd.disabled);
    hh_json_bool(&j, "elderlyLivingAlone", hd.living_alone);
    hh_json_bool(&j, "emptyNest", hd.empty_nest);
    hh_json_bool(&j, "lowIncome", hd.low_income);
    hh_json_end(&j);
    hh_json_end(&j);
    free(pd);
}
