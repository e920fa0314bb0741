/* microdata.h — the anonymise plugin's records: every household and person of the
 * export, reduced at once to the variables a release may carry (no name, ID,
 * phone, address below the area, free text, exact date or database id is ever
 * kept). Each value is a small category number per variable (0: empty — absent
 * or suppressed), so a million persons take about 24 MB and recoding, pooling and
 * suppression work on numbers. */
#ifndef ANONYMISE_MICRODATA_H
#define ANONYMISE_MICRODATA_H

#include <stddef.h>
#include <stdint.h>

#include "hhreg/plugin.h"

/* The released variables, household ones first. */
enum var_id {
    V_AREA, V_HH_SIZE, V_HH_TYPE, V_DWELLING, V_TENURE, V_LOW_INCOME,
    V_AGE, V_SEX, V_RELATIONSHIP, V_MARITAL, V_ETHNICITY, V_NATIONALITY, V_RESIDENCE, V_EDUCATION, V_ACTIVITY,
    V_DISABILITY,
    VAR_COUNT
};
#define FIRST_PERSON_VAR V_AGE
#define HH_VARS FIRST_PERSON_VAR
#define PERSON_VARS (VAR_COUNT - FIRST_PERSON_VAR)

enum var_role { ROLE_QUASI, ROLE_SENSITIVE, ROLE_STRUCTURAL };

typedef struct variable {
    const char *name;          /* column name: at most 32 bytes (Stata) */
    int household;             /* 1: a household item, the same for all its persons */
    enum var_role role;
    const char *code_list;     /* labels of its codes from the form schema, or NULL */
    const char *label_en, *label_zh;
} variable;
extern const variable variables[VAR_COUNT];
/* realloc and strdup that end the export (which runs in its own process) when
 * memory runs out, saying so. */
void *must_realloc(void *p, size_t size);
char *must_strdup(const char *s);

/* The variable called NAME, or -1. */
int variable_by_name(const char *name, size_t len);

/* The categories seen for one variable: codes[1..n] (index 0 is "empty"). */
typedef struct categories {
    char **codes;              /* codes[0] unused */
    char **names;              /* a label of the code where the schema has none (area
                                  names, "85 and over", "other"), else NULL */
    int numeric;               /* the codes are whole numbers, released as numbers */
    uint16_t n;
    size_t cap;
    uint32_t *slots;           /* hash of code -> index */
    size_t n_slots;
} categories;

typedef struct household_rec {
    uint32_t first_person;
    uint16_t n_persons;
    uint16_t v[HH_VARS];
    uint16_t recoded_area;     /* the area before any blank (derive.c) */
    unsigned char hmac[8];     /* keyed id, when a key is given */
} household_rec;

typedef struct person_rec {
    uint32_t household;
    uint16_t v[PERSON_VARS];
    uint16_t recoded_relationship, recoded_sex;  /* before any blank (derive.c) */
    uint16_t locked;           /* bit (var - FIRST_PERSON_VAR): may not be blanked */
} person_rec;

typedef struct microdata {
    categories cats[VAR_COUNT];
    household_rec *households;
    size_t n_households, cap_households;
    person_rec *persons;
    size_t n_persons, cap_persons;
    int area_locked;           /* one area named: a blank would say which (derive.c) */
} microdata;

/* The category number of CODE for variable `var` (added when new; NULL or "" is 0);
 * `name` (may be NULL) is kept as the label of a new area. -1 when a variable
 * has more than 65,535 categories. */
int category_of(categories *c, const char *code, const char *name);

/* Adds one household and its persons. `area_level` is 0..3 (district, street,
 * community, grid); `key` (may be NULL) gives keyed ids. 0, or -1 with a message. */
int microdata_add(microdata *m, const hhreg_household *h, int area_level, const unsigned char *key, size_t key_len,
                  char *why, size_t why_len);
/* Leaves household h and its persons out of the release (the later ones move up). */
void microdata_drop_household(microdata *m, size_t h);
void microdata_free(microdata *m);

static inline uint16_t value_of(const microdata *m, size_t person, int var)
{
    const person_rec *p = &m->persons[person];
    return var < FIRST_PERSON_VAR ? m->households[p->household].v[var] : p->v[var - FIRST_PERSON_VAR];
}

/* A value protection may blank: shown, and not locked by derive.c. */
static inline int blankable(const microdata *m, size_t person, int var)
{
    if (!value_of(m, person, var))
        return 0;
    if (var < FIRST_PERSON_VAR)
        return !(var == V_AREA && m->area_locked);
    return !(m->persons[person].locked >> (var - FIRST_PERSON_VAR) & 1);
}

/* Replaces every code c of variable `var` by map[c] (a category of `to`, which
 * then becomes the variable's categories). */
void microdata_recode(microdata *m, int var, const uint16_t *map, categories *to);
void categories_free(categories *c);
/* The categories in release order — numbers and codes that start with one ("5-9")
 * by that number, then the others alphabetically, "other" last: order[0..n-1]
 * lists category numbers, rank[c] (1-based) is where category c stands. Both
 * malloc'd. */
void categories_order(const categories *c, uint16_t **order, uint16_t **rank);

#endif
