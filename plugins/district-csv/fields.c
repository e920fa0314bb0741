/* fields.c — item names, kinds and values for district profiles, and the special
 * groups (see fields.h). */
#include "fields.h"

#include <stdio.h>
#include <string.h>

/* The date of the household's latest visit (ISO dates compare as text): visits come
 * in the form's order and then the visit log's, and either may be out of date order. */
static const char *last_visit(const hhreg_household *h)
{
    const char *last = NULL;
    for (size_t i = 0; i < h->n_visits; i++)
        if (h->visits[i].date && (!last || strcmp(h->visits[i].date, last) > 0))
            last = h->visits[i].date;
    return last;
}

static const char *const names[I_COUNT] = {
    "householdId", "revision", "districtCode", "district", "streetCode", "street", "communityCode",
    "community", "grid", "estate", "building", "unit", "room", "householdType", "dwellingType", "tenure",
    "floorArea", "householdPhone", "preferredLanguage", "lowIncome", "lowIncomeSince", "extremeHardship",
    "needs", "enumerator", "enumerationDate", "enumerationStatus", "respondent", "consent", "memberCount",
    "size", "elderly60Count", "elderly65Count", "personsWithDisability", "elderlyLivingAlone", "emptyNest",
    "headName", "lastVisitDate",
    "line", "name", "relationship", "sex", "birthDate", "age", "ageGroup", "documentType", "documentNumber",
    "nationality", "ethnicity", "residence", "registeredIn", "maritalStatus", "education", "activity",
    "seeing", "hearing", "walking", "cognition", "selfCare", "communication", "disability",
    "certificateType", "certificateGrade", "personPhone", "contactPhone", "languages", "notes", "elderly60",
    "elderly65",
    "visitDate", "visitEnumerator", "visitPurpose", "visitOutcome", "visitNote",
    "seq", "category",
};

int item_by_name(const char *name)
{
    for (int i = 0; i < I_COUNT; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

const char *item_name(item it)
{
    return it < I_COUNT ? names[it] : "";
}

item_kind item_kind_of(item it)
{
    switch (it) {
    case I_REVISION: case I_GRID: case I_FLOOR_AREA: case I_MEMBER_COUNT: case I_SIZE: case I_ELDERLY60_COUNT:
    case I_ELDERLY65_COUNT: case I_PERSONS_WITH_DISABILITY: case I_LINE: case I_AGE: case I_EDUCATION:
    case I_SEEING: case I_HEARING: case I_WALKING: case I_COGNITION: case I_SELF_CARE: case I_COMMUNICATION:
    case I_CERTIFICATE_GRADE: case I_SEQ:
        return KIND_NUMBER;
    case I_LOW_INCOME: case I_EXTREME_HARDSHIP: case I_CONSENT: case I_ELDERLY_LIVING_ALONE: case I_EMPTY_NEST:
    case I_DISABILITY: case I_ELDERLY60: case I_ELDERLY65:
        return KIND_YES_NO;
    case I_LOW_INCOME_SINCE: case I_ENUMERATION_DATE: case I_LAST_VISIT_DATE: case I_BIRTH_DATE: case I_VISIT_DATE:
        return KIND_DATE;
    default:
        return KIND_TEXT;
    }
}

item_level item_level_of(item it)
{
    return it >= I_SEQ ? LEVEL_ROW : it >= I_VISIT_DATE ? LEVEL_VISIT : it >= I_LINE ? LEVEL_PERSON : LEVEL_HOUSEHOLD;
}

const char *item_code_list(item it)
{
    switch (it) {
    case I_HOUSEHOLD_TYPE: return "HouseholdTypeCode";
    case I_DWELLING_TYPE: return "DwellingTypeCode";
    case I_TENURE: return "TenureCode";
    case I_ENUMERATION_STATUS: return "EnumerationStatusCode";
    case I_RELATIONSHIP: return "RelationshipCode";
    case I_SEX: return "SexCode";
    case I_DOCUMENT_TYPE: return "DocumentTypeCode";
    case I_ETHNICITY: return "EthnicityCode";
    case I_RESIDENCE: return "ResidenceCode";
    case I_MARITAL_STATUS: return "MaritalStatusCode";
    case I_ACTIVITY: return "ActivityCode";
    case I_CERTIFICATE_TYPE: return "CertificateTypeCode";
    case I_VISIT_PURPOSE: return "VisitPurposeCode";
    case I_VISIT_OUTCOME: return "VisitOutcomeCode";
    default: return NULL;
    }
}

const char *const group_names[N_GROUPS] = { "elderly-alone", "empty-nest", "disability", "low-income",
                                            "extreme-hardship", "foreign" };

int group_by_name(const char *name)
{
    for (int k = 0; k < N_GROUPS; k++)
        if (strcmp(group_names[k], name) == 0)
            return k;
    return -1;
}

int in_group(int k, const hhreg_household *h, const hhreg_person *p)
{
    switch (k) {
    case 0: return h->elderly_living_alone && p->elderly60;
    case 1: return h->empty_nest && h->size >= 2 && p->elderly60;
    case 2: return p->disabled;
    case 3: return h->low_income == 1;
    case 4: return h->extreme_hardship == 1;
    default: return p->nationality && strcmp(p->nationality, "CHN") != 0;
    }
}

/* YYYY-MM-DD in the profile's format: YYYY, MM and DD replaced. */
static const char *date(const char *iso, const char *format, char *buf, size_t n)
{
    if (!iso || strlen(iso) != 10)
        return iso ? iso : "";
    size_t o = 0;
    for (const char *f = format; *f && o + 5 < n;) {
        if (strncmp(f, "YYYY", 4) == 0) {
            memcpy(buf + o, iso, 4);
            o += 4;
            f += 4;
        } else if (strncmp(f, "MM", 2) == 0) {
            memcpy(buf + o, iso + 5, 2);
            o += 2;
            f += 2;
        } else if (strncmp(f, "DD", 2) == 0) {
            memcpy(buf + o, iso + 8, 2);
            o += 2;
            f += 2;
        } else {
            buf[o++] = *f++;
        }
    }
    buf[o] = '\0';
    return buf;
}

static const char *number(long v, long absent, char *buf, size_t n)
{
    if (v == absent)
        return "";
    snprintf(buf, n, "%ld", v);
    return buf;
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static const char *head_name(const hhreg_household *h)
{
    for (size_t i = 0; i < h->n_persons; i++)
        if (h->persons[i].relationship && strcmp(h->persons[i].relationship, "head") == 0)
            return h->persons[i].name;
    return "";
}

static const char *household_value(item it, const hhreg_household *h, const char *df, char *buf, size_t n)
{
    switch (it) {
    case I_HOUSEHOLD_ID: return h->id;
    case I_REVISION: return number(h->revision, -1, buf, n);
    case I_DISTRICT_CODE: return h->district_code;
    case I_DISTRICT: return h->district;
    case I_STREET_CODE: return h->street_code;
    case I_STREET: return h->street;
    case I_COMMUNITY_CODE: return h->community_code;
    case I_COMMUNITY: return h->community;
    case I_GRID: return number(h->grid, -1, buf, n);
    case I_ESTATE: return or_empty(h->estate);
    case I_BUILDING: return h->building;
    case I_UNIT: return h->unit;
    case I_ROOM: return h->room;
    case I_HOUSEHOLD_TYPE: return h->household_type;
    case I_DWELLING_TYPE: return h->dwelling_type;
    case I_TENURE: return h->tenure;
    case I_FLOOR_AREA:
        if (h->floor_area < 0)
            return "";
        snprintf(buf, n, "%.2f", h->floor_area);
        return buf;
    case I_HOUSEHOLD_PHONE: return or_empty(h->phone);
    case I_PREFERRED_LANGUAGE: return or_empty(h->preferred_language);
    case I_LOW_INCOME: return h->low_income < 0 ? "" : h->low_income ? "1" : "0"; /* "": not recorded */
    case I_LOW_INCOME_SINCE: return or_empty(h->low_income_since);
    case I_EXTREME_HARDSHIP: return h->extreme_hardship < 0 ? "" : h->extreme_hardship ? "1" : "0";
    case I_NEEDS: return or_empty(h->needs);
    case I_ENUMERATOR: return h->enumerator;
    case I_ENUMERATION_DATE: return date(h->enumeration_date, df, buf, n);
    case I_ENUMERATION_STATUS: return h->enumeration_status;
    case I_RESPONDENT: return or_empty(h->respondent);
    case I_CONSENT: return h->consent < 0 ? "" : h->consent ? "1" : "0";
    case I_MEMBER_COUNT: return number(h->member_count, -1, buf, n);
    case I_SIZE: return number(h->size, -1, buf, n);
    case I_ELDERLY60_COUNT: return number(h->elderly60, -1, buf, n);
    case I_ELDERLY65_COUNT: return number(h->elderly65, -1, buf, n);
    case I_PERSONS_WITH_DISABILITY: return number(h->persons_with_disability, -1, buf, n);
    case I_ELDERLY_LIVING_ALONE: return h->elderly_living_alone ? "1" : "0";
    case I_EMPTY_NEST: return h->empty_nest ? "1" : "0";
    case I_HEAD_NAME: return head_name(h);
    case I_LAST_VISIT_DATE: return last_visit(h) ? date(last_visit(h), df, buf, n) : "";
    default: return "";
    }
}

static const char *person_value(item it, const hhreg_person *p, const hhreg_household *h, const char *df,
                                char *buf, size_t n)
{
    switch (it) {
    case I_LINE: return number(p->line, -1, buf, n);
    case I_NAME: return p->name;
    case I_RELATIONSHIP: return p->relationship;
    case I_SEX: return p->sex;
    case I_BIRTH_DATE: return date(p->birth_date, df, buf, n);
    case I_AGE: return number(p->age, -1, buf, n);
    case I_AGE_GROUP: return p->age_group;
    case I_DOCUMENT_TYPE: return p->document_type;
    case I_DOCUMENT_NUMBER: return or_empty(p->document_number);
    case I_NATIONALITY: return p->nationality;
    case I_ETHNICITY: return or_empty(p->ethnicity);
    case I_RESIDENCE: return p->residence;
    case I_REGISTERED_IN: return or_empty(p->registered_in);
    case I_MARITAL_STATUS: return or_empty(p->marital_status);
    case I_EDUCATION: return number(p->education, -1, buf, n);
    case I_ACTIVITY: return or_empty(p->activity);
    case I_SEEING: case I_HEARING: case I_WALKING: case I_COGNITION: case I_SELF_CARE: case I_COMMUNICATION:
        return number(p->functioning[it - I_SEEING], 0, buf, n);
    case I_DISABILITY: return p->disabled ? "1" : "0";
    case I_CERTIFICATE_TYPE: return or_empty(p->certificate_type);
    case I_CERTIFICATE_GRADE: return number(p->certificate_grade, 0, buf, n);
    case I_PERSON_PHONE: return or_empty(p->phone);
    case I_CONTACT_PHONE: return p->phone ? p->phone : or_empty(h->phone);
    case I_LANGUAGES: return or_empty(p->languages);
    case I_NOTES: return or_empty(p->notes);
    case I_ELDERLY60: return p->elderly60 ? "1" : "0";
    case I_ELDERLY65: return p->elderly65 ? "1" : "0";
    default: return "";
    }
}

static const char *visit_value(item it, const hhreg_visit *v, const char *df, char *buf, size_t n)
{
    switch (it) {
    case I_VISIT_DATE: return date(v->date, df, buf, n);
    case I_VISIT_ENUMERATOR: return v->enumerator;
    case I_VISIT_PURPOSE: return v->purpose;
    case I_VISIT_OUTCOME: return v->outcome;
    case I_VISIT_NOTE: return or_empty(v->note);
    default: return "";
    }
}

const char *item_value(item it, const row *r, const char *date_format, char *buf, size_t n)
{
    const char *v = "";
    if (it == I_SEQ)
        v = number(r->seq, -1, buf, n);
    else if (it == I_CATEGORY)
        v = or_empty(r->category);
    else if (it >= I_VISIT_DATE)
        v = r->v ? visit_value(it, r->v, date_format, buf, n) : "";
    else if (it >= I_LINE)
        v = r->p ? person_value(it, r->p, r->h, date_format, buf, n) : "";
    else
        v = household_value(it, r->h, date_format, buf, n);
    return v ? v : "";
}
