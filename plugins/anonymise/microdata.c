/* microdata.c — see microdata.h. */
#include "microdata.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ids.h"

const variable variables[VAR_COUNT] = {
    [V_AREA] = { "area", 1, ROLE_QUASI, NULL, "Area of residence (released level)", "居住地区（发布层级）" },
    [V_HH_SIZE] = { "hh_size", 1, ROLE_STRUCTURAL, NULL, "Household size (persons, top-coded)",
                    "户规模（人数，顶端合并）" },
    [V_HH_TYPE] = { "hh_type", 1, ROLE_QUASI, "HouseholdTypeCode", "Household type", "户类型" },
    [V_DWELLING] = { "dwelling", 1, ROLE_QUASI, "DwellingTypeCode", "Dwelling type", "住房类型" },
    [V_TENURE] = { "tenure", 1, ROLE_QUASI, "TenureCode", "Tenure", "住房产权" },
    [V_LOW_INCOME] = { "low_income", 1, ROLE_SENSITIVE, NULL, "Receives the low-income allowance (dibao)",
                       "享受最低生活保障" },
    [V_AGE] = { "age", 0, ROLE_QUASI, NULL, "Age in completed years at enumeration", "普查时点年龄（周岁）" },
    [V_SEX] = { "sex", 0, ROLE_QUASI, "SexCode", "Sex", "性别" },
    [V_RELATIONSHIP] = { "relationship", 0, ROLE_QUASI, "RelationshipCode", "Relationship to the head",
                         "与户主关系" },
    [V_MARITAL] = { "marital", 0, ROLE_QUASI, "MaritalStatusCode", "Marital status (aged 15 and over)",
                    "婚姻状况（15岁及以上）" },
    [V_ETHNICITY] = { "ethnicity", 0, ROLE_QUASI, "EthnicityCode", "Ethnicity (Chinese citizens)", "民族" },
    [V_NATIONALITY] = { "nationality", 0, ROLE_QUASI, "CountryCode", "Nationality", "国籍" },
    [V_RESIDENCE] = { "residence", 0, ROLE_QUASI, "ResidenceCode", "Residence status", "居住状态" },
    [V_EDUCATION] = { "education", 0, ROLE_QUASI, "EducationCode", "Highest education (ISCED 2011, aged 6+)",
                      "受教育程度（ISCED 2011，6岁及以上）" },
    [V_ACTIVITY] = { "activity", 0, ROLE_QUASI, "ActivityCode", "Main activity (aged 15 and over)",
                     "主要活动（15岁及以上）" },
    [V_DISABILITY] = { "disability", 0, ROLE_SENSITIVE, NULL,
                       "Disability (a lot of difficulty or cannot do, Washington Group; or a certificate)",
                       "残疾（华盛顿小组问题有很大困难或完全不能；或持残疾证）" },
};

void *must_realloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        fprintf(stderr, "anonymise: out of memory (%zu bytes)\n", size);
        abort();
    }
    return q;
}

char *must_strdup(const char *s)
{
    size_t len = strlen(s) + 1;
    return memcpy(must_realloc(NULL, len), s, len);
}

int variable_by_name(const char *name, size_t len)
{
    for (int v = 0; v < VAR_COUNT; v++)
        if (strlen(variables[v].name) == len && strncmp(variables[v].name, name, len) == 0)
            return v;
    return -1;
}

/* --- categories ------------------------------------------------------------------ */

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static void rehash(categories *c)
{
    free(c->slots);
    c->n_slots = c->n_slots ? c->n_slots * 2 : 64;
    c->slots = must_realloc(NULL, c->n_slots * sizeof *c->slots);
    memset(c->slots, 0, c->n_slots * sizeof *c->slots);
    for (uint32_t i = 1; i <= c->n; i++) {
        size_t at = hash_text(c->codes[i]) & (c->n_slots - 1);
        while (c->slots[at])
            at = (at + 1) & (c->n_slots - 1);
        c->slots[at] = i;
    }
}

int category_of(categories *c, const char *code, const char *name)
{
    if (!code || !*code)
        return 0;
    if (c->n_slots == 0 || (size_t)c->n * 2 >= c->n_slots)
        rehash(c);
    size_t at = hash_text(code) & (c->n_slots - 1);
    for (; c->slots[at]; at = (at + 1) & (c->n_slots - 1))
        if (strcmp(c->codes[c->slots[at]], code) == 0)
            return (int)c->slots[at];
    if (c->n == UINT16_MAX)
        return -1;
    if ((size_t)c->n + 1 >= c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->codes = must_realloc(c->codes, c->cap * sizeof *c->codes);
        c->names = must_realloc(c->names, c->cap * sizeof *c->names);
    }
    c->n++;
    c->codes[c->n] = must_strdup(code);
    c->names[c->n] = name ? must_strdup(name) : NULL;
    c->slots[at] = c->n;
    return c->n;
}

void categories_free(categories *c)
{
    for (uint32_t i = 1; i <= c->n; i++) {
        free(c->codes[i]);
        free(c->names[i]);
    }
    free(c->codes);
    free(c->names);
    free(c->slots);
    memset(c, 0, sizeof *c);
}

static const categories *sorting; /* qsort has no context argument */

static int compare_codes(const void *a, const void *b)
{
    const char *x = sorting->codes[*(const uint16_t *)a], *y = sorting->codes[*(const uint16_t *)b];
    int x_other = strcmp(x, "other") == 0, y_other = strcmp(y, "other") == 0;
    if (x_other != y_other)
        return x_other - y_other;
    char *x_end, *y_end;
    long xn = strtol(x, &x_end, 10), yn = strtol(y, &y_end, 10);
    int x_num = x_end != x, y_num = y_end != y;
    if (x_num != y_num)
        return y_num - x_num;
    if (x_num && xn != yn)
        return xn < yn ? -1 : 1;
    return strcmp(x, y);
}

void categories_order(const categories *c, uint16_t **order, uint16_t **rank)
{
    *order = must_realloc(NULL, ((size_t)c->n + 1) * sizeof **order);
    *rank = must_realloc(NULL, ((size_t)c->n + 1) * sizeof **rank);
    for (uint16_t i = 0; i < c->n; i++)
        (*order)[i] = (uint16_t)(i + 1);
    sorting = c;
    qsort(*order, c->n, sizeof **order, compare_codes);
    (*rank)[0] = 0;
    for (uint16_t i = 0; i < c->n; i++)
        (*rank)[(*order)[i]] = (uint16_t)(i + 1);
}

/* --- collecting ------------------------------------------------------------------- */

static int put(microdata *m, uint16_t *slot, int var, const char *code, const char *name, char *why, size_t why_len)
{
    int c = category_of(&m->cats[var], code, name);
    if (c < 0) {
        snprintf(why, why_len, "variable %s has more than 65,535 different values", variables[var].name);
        return -1;
    }
    *slot = (uint16_t)c;
    return 0;
}

static const char *yes_no(int flag)
{
    return flag ? "yes" : "no";
}

int microdata_add(microdata *m, const hhreg_household *h, int area_level, const unsigned char *key, size_t key_len,
                  char *why, size_t why_len)
{
    if (h->n_persons == 0 || h->n_persons > UINT16_MAX) {
        snprintf(why, why_len, "household %s has %zu persons", h->id, h->n_persons);
        return -1;
    }
    m->cats[V_AGE].numeric = m->cats[V_HH_SIZE].numeric = 1;
    if (m->n_households == m->cap_households) {
        m->cap_households = m->cap_households ? m->cap_households * 2 : 1024;
        m->households = must_realloc(m->households, m->cap_households * sizeof *m->households);
    }
    if (m->n_persons + h->n_persons > m->cap_persons) {
        m->cap_persons = (m->cap_persons ? m->cap_persons * 2 : 4096) + h->n_persons;
        m->persons = must_realloc(m->persons, m->cap_persons * sizeof *m->persons);
    }
    household_rec *hr = &m->households[m->n_households];
    memset(hr, 0, sizeof *hr);
    hr->first_person = (uint32_t)m->n_persons;
    hr->n_persons = (uint16_t)h->n_persons;
    if (key)
        keyed_id(key, key_len, h->id, hr->hmac);

    char grid_code[64], grid_name[256], size[16];
    snprintf(grid_code, sizeof grid_code, "%s-%02d", h->community_code ? h->community_code : "", h->grid);
    snprintf(grid_name, sizeof grid_name, "%s %d", h->community ? h->community : "", h->grid);
    const char *area_codes[4] = { h->district_code, h->street_code, h->community_code, grid_code };
    const char *area_names[4] = { h->district, h->street, h->community, grid_name };
    snprintf(size, sizeof size, "%zu", h->n_persons);
    if (put(m, &hr->v[V_AREA], V_AREA, area_codes[area_level], area_names[area_level], why, why_len) != 0 ||
        put(m, &hr->v[V_HH_SIZE], V_HH_SIZE, size, NULL, why, why_len) != 0 ||
        put(m, &hr->v[V_HH_TYPE], V_HH_TYPE, h->household_type, NULL, why, why_len) != 0 ||
        put(m, &hr->v[V_DWELLING], V_DWELLING, h->dwelling_type, NULL, why, why_len) != 0 ||
        put(m, &hr->v[V_TENURE], V_TENURE, h->tenure, NULL, why, why_len) != 0 ||
        put(m, &hr->v[V_LOW_INCOME], V_LOW_INCOME, yes_no(h->low_income), NULL, why, why_len) != 0)
        return -1;

    for (size_t i = 0; i < h->n_persons; i++) {
        const hhreg_person *p = &h->persons[i];
        person_rec *pr = &m->persons[m->n_persons + i];
        memset(pr, 0, sizeof *pr);
        pr->household = (uint32_t)m->n_households;
        char age[16], education[16];
        snprintf(age, sizeof age, "%d", p->age);
        snprintf(education, sizeof education, "%d", p->education);
        if (put(m, &pr->v[V_AGE - FIRST_PERSON_VAR], V_AGE, p->age >= 0 ? age : NULL, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_SEX - FIRST_PERSON_VAR], V_SEX, p->sex, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_RELATIONSHIP - FIRST_PERSON_VAR], V_RELATIONSHIP, p->relationship, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_MARITAL - FIRST_PERSON_VAR], V_MARITAL, p->marital_status, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_ETHNICITY - FIRST_PERSON_VAR], V_ETHNICITY, p->ethnicity, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_NATIONALITY - FIRST_PERSON_VAR], V_NATIONALITY, p->nationality, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_RESIDENCE - FIRST_PERSON_VAR], V_RESIDENCE, p->residence, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_EDUCATION - FIRST_PERSON_VAR], V_EDUCATION, p->education >= 0 ? education : NULL, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_ACTIVITY - FIRST_PERSON_VAR], V_ACTIVITY, p->activity, NULL, why, why_len) != 0 ||
            put(m, &pr->v[V_DISABILITY - FIRST_PERSON_VAR], V_DISABILITY, yes_no(p->disabled), NULL, why, why_len) != 0)
            return -1;
    }
    m->n_persons += h->n_persons;
    m->n_households++;
    return 0;
}

void microdata_recode(microdata *m, int var, const uint16_t *map, categories *to)
{
    if (var < FIRST_PERSON_VAR)
        for (size_t i = 0; i < m->n_households; i++)
            m->households[i].v[var] = map[m->households[i].v[var]];
    else
        for (size_t i = 0; i < m->n_persons; i++)
            m->persons[i].v[var - FIRST_PERSON_VAR] = map[m->persons[i].v[var - FIRST_PERSON_VAR]];
    categories_free(&m->cats[var]);
    m->cats[var] = *to;
}

void microdata_drop_household(microdata *m, size_t h)
{
    const household_rec gone = m->households[h];
    memmove(m->persons + gone.first_person, m->persons + gone.first_person + gone.n_persons,
            (m->n_persons - gone.first_person - gone.n_persons) * sizeof *m->persons);
    m->n_persons -= gone.n_persons;
    memmove(m->households + h, m->households + h + 1, (m->n_households - h - 1) * sizeof *m->households);
    m->n_households--;
    for (size_t x = h; x < m->n_households; x++)
        m->households[x].first_person -= gone.n_persons;
    for (size_t q = gone.first_person; q < m->n_persons; q++)
        m->persons[q].household--;
}

void microdata_free(microdata *m)
{
    for (int v = 0; v < VAR_COUNT; v++)
        categories_free(&m->cats[v]);
    free(m->households);
    free(m->persons);
    memset(m, 0, sizeof *m);
}
