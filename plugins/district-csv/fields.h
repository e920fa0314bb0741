/* fields.h — the items a district profile can put in a column, and their values for
 * one row: a household, one of its persons or visits, and the row's number and
 * special-group category. Values are text; dates follow the profile's format. */
#ifndef DCSV_FIELDS_H
#define DCSV_FIELDS_H

#include <stddef.h>

#include "hhreg/plugin.h"

typedef enum item {
    /* household */
    I_HOUSEHOLD_ID, I_REVISION, I_DISTRICT_CODE, I_DISTRICT, I_STREET_CODE, I_STREET, I_COMMUNITY_CODE,
    I_COMMUNITY, I_GRID, I_ESTATE, I_BUILDING, I_UNIT, I_ROOM, I_HOUSEHOLD_TYPE, I_DWELLING_TYPE, I_TENURE,
    I_FLOOR_AREA, I_HOUSEHOLD_PHONE, I_PREFERRED_LANGUAGE, I_LOW_INCOME, I_LOW_INCOME_SINCE,
    I_EXTREME_HARDSHIP, I_NEEDS, I_ENUMERATOR, I_ENUMERATION_DATE, I_ENUMERATION_STATUS, I_RESPONDENT,
    I_CONSENT, I_MEMBER_COUNT, I_SIZE, I_ELDERLY60_COUNT, I_ELDERLY65_COUNT, I_PERSONS_WITH_DISABILITY,
    I_ELDERLY_LIVING_ALONE, I_EMPTY_NEST, I_HEAD_NAME, I_LAST_VISIT_DATE,
    /* person */
    I_LINE, I_NAME, I_RELATIONSHIP, I_SEX, I_BIRTH_DATE, I_AGE, I_AGE_GROUP, I_DOCUMENT_TYPE,
    I_DOCUMENT_NUMBER, I_NATIONALITY, I_ETHNICITY, I_RESIDENCE, I_REGISTERED_IN, I_MARITAL_STATUS,
    I_EDUCATION, I_ACTIVITY, I_SEEING, I_HEARING, I_WALKING, I_COGNITION, I_SELF_CARE, I_COMMUNICATION,
    I_DISABILITY, I_CERTIFICATE_TYPE, I_CERTIFICATE_GRADE, I_PERSON_PHONE, I_CONTACT_PHONE, I_LANGUAGES,
    I_NOTES, I_ELDERLY60, I_ELDERLY65,
    /* visit */
    I_VISIT_DATE, I_VISIT_ENUMERATOR, I_VISIT_PURPOSE, I_VISIT_OUTCOME, I_VISIT_NOTE,
    /* row */
    I_SEQ, I_CATEGORY,
    I_COUNT
} item;

/* The item called `name` in a profile; -1 when there is none. */
int item_by_name(const char *name);
const char *item_name(item it);

/* What an item's values are, for the row filter: numbers and dates order, yes/no
 * items are 1 or 0, text and codes only match. */
typedef enum item_kind { KIND_TEXT, KIND_NUMBER, KIND_YES_NO, KIND_DATE } item_kind;
item_kind item_kind_of(item it);
/* Where an item has a value: every row, person rows, visit rows, register rows. */
typedef enum item_level { LEVEL_HOUSEHOLD, LEVEL_PERSON, LEVEL_VISIT, LEVEL_ROW } item_level;
item_level item_level_of(item it);
/* The form's code list of a code item, e.g. "SexCode"; NULL for other items. */
const char *item_code_list(item it);

/* The special groups of the register, in its order: elderly-alone, empty-nest,
 * disability, low-income, extreme-hardship, foreign. */
#define N_GROUPS 6
extern const char *const group_names[N_GROUPS];
/* The group called `name`; -1 when there is none. */
int group_by_name(const char *name);
/* Whether person `p` of household `h` is in group `k`. */
int in_group(int k, const hhreg_household *h, const hhreg_person *p);

typedef struct row {
    const hhreg_household *h;
    const hhreg_person *p;       /* NULL on household rows */
    const hhreg_visit *v;        /* visit rows only */
    long seq;
    const char *category;        /* special-group rows only */
} row;

/* The value of `it` for `r`, as text in `buf` (size n) or a pointer into the
 * household; "" when absent. */
const char *item_value(item it, const row *r, const char *date_format, char *buf, size_t n);

#endif
