/* cube.c — see cube.h. Counting households into areas, then laying the counts out
 * as cells with their margins. */
#include "cube.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const level_ids[LEVEL_COUNT] = { "district", "street", "community", "grid", "building" };

static const char *const age_codes[] = { "0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29",
                                         "30-34", "35-39", "40-44", "45-49", "50-54", "55-59",
                                         "60-64", "65-69", "70-74", "75-79", "80-84", "85+" };
static const char *const sex_codes[] = { "male", "female" };
static const char *const size_codes[] = { "1", "2", "3", "4", "5", "6", "7", "8+" };
/* the highest Washington Group difficulty in any domain (1 none ... 4 cannot do at all) */
static const char *const difficulty_codes[] = { "none", "some", "a-lot", "cannot", "not-asked" };
static const char *const special_codes[] = { "aged-60-plus", "aged-65-plus", "aged-80-plus",
                                             "elderly-living-alone", "empty-nest", "disability",
                                             "low-income", "migrants", "foreign-residents" };

int special_counts_households(size_t r)
{
    return r == SG_LIVING_ALONE || r == SG_EMPTY_NEST || r == SG_LOW_INCOME;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("summary: out of memory\n", stderr);
        abort();
    }
    return q;
}

void *summary_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("summary: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

static dimension *fixed_dim(cube *c, const char *id, const char *code_list, const char *const *codes, size_t n)
{
    dimension *d = &c->dims[c->n_dims++];
    d->id = id;
    d->code_list = code_list;
    d->codes = xrealloc(NULL, n * sizeof *d->codes);
    for (size_t i = 0; i < n; i++)
        d->codes[i] = xstrdup(codes[i]);
    d->n = n;
    return d;
}

#define FIXED(c, id, list, codes) fixed_dim(c, id, list, codes, sizeof codes / sizeof codes[0])

void cube_init(cube *c, const int chosen[LEVEL_COUNT], const char *lang)
{
    memset(c, 0, sizeof *c);
    memcpy(c->chosen, chosen, sizeof c->chosen);
    c->lang = lang;
    dimension *age = FIXED(c, "age", NULL, age_codes), *sex = FIXED(c, "sex", "SexCode", sex_codes);
    c->tables[T_POPULATION] = (table_def){ "population", "Persons by sex and age group", "按性别、年龄组分的人口",
                                           "persons", "人", age, sex, 1 };
    c->tables[T_HOUSEHOLD_SIZE] = (table_def){ "household-size", "Households by size", "按户规模分的户数",
                                               "households", "户", FIXED(c, "size", NULL, size_codes), NULL, 1 };
    c->tables[T_HOUSEHOLD_TYPE] = (table_def){ "household-type", "Households by type", "按户类别分的户数",
                                               "households", "户", fixed_dim(c, "type", "HouseholdTypeCode", NULL, 0),
                                               NULL, 1 };
    c->tables[T_DISABILITY] = (table_def){ "difficulty", "Persons by the highest Washington Group difficulty",
                                           "按华盛顿小组最高困难程度分的人口", "persons", "人",
                                           FIXED(c, "difficulty", NULL, difficulty_codes), NULL, 1 };
    c->tables[T_CERTIFICATE] = (table_def){ "disability-certificate", "Persons with a disability certificate, by type",
                                            "持残疾证人员（按残疾类别）", "persons", "人",
                                            fixed_dim(c, "certificate", "CertificateTypeCode", NULL, 0), NULL, 1 };
    c->tables[T_NATIONALITY] = (table_def){ "foreign-residents", "Foreign residents by nationality",
                                            "境外人员（按国籍）", "persons", "人",
                                            fixed_dim(c, "nationality", "CountryCode", NULL, 0), NULL, 1 };
    c->tables[T_SPECIAL] = (table_def){ "special-groups", "Special groups", "重点人群", "persons or households",
                                        "人或户", FIXED(c, "group", NULL, special_codes), NULL, 0 };
}

void cube_free(cube *c)
{
    for (size_t i = 0; i < c->n_areas; i++) {
        area *a = &c->areas[i];
        for (int t = 0; t < T_COUNT; t++) {
            free(a->counts[t]);
            free(a->keys[t]);
        }
        free(a->code);
        free(a->name);
        free(a->parent_code);
    }
    free(c->areas);
    for (size_t i = 0; i < c->n_dims; i++) {
        for (size_t k = 0; k < c->dims[i].n; k++)
            free(c->dims[i].codes[k]);
        free(c->dims[i].codes);
    }
    free(c->slots);
    free(c->cells);
}

/* --- counting ------------------------------------------------------------------- */

static size_t category(dimension *d, const char *code)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->codes[i], code) == 0)
            return i;
    d->codes = xrealloc(d->codes, (d->n + 1) * sizeof *d->codes);
    d->codes[d->n] = xstrdup(code);
    return d->n++;
}

static uint64_t hash_key(enum level l, const char *code)
{
    uint64_t h = 1469598103934665603ull ^ (uint64_t)l;
    for (const unsigned char *p = (const unsigned char *)code; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return h;
}

static void rehash(cube *c)
{
    free(c->slots);
    /* at most half full, with room for the next area */
    size_t want = c->n_slots ? c->n_slots : 1024;
    while (want < 2 * (c->n_areas + 1))
        want *= 2;
    c->n_slots = want;
    c->slots = calloc(c->n_slots, sizeof *c->slots);
    if (!c->slots)
        abort();
    for (size_t i = 0; i < c->n_areas; i++) {
        size_t s = hash_key(c->areas[i].level, c->areas[i].code) & (c->n_slots - 1);
        while (c->slots[s])
            s = (s + 1) & (c->n_slots - 1);
        c->slots[s] = (long)i + 1;
    }
}

static area *find_area(cube *c, enum level l, const char *code, const char *name, const char *parent_code)
{
    if (2 * (c->n_areas + 1) > c->n_slots)
        rehash(c);
    size_t s = hash_key(l, code) & (c->n_slots - 1);
    for (; c->slots[s]; s = (s + 1) & (c->n_slots - 1)) {
        area *a = &c->areas[c->slots[s] - 1];
        if (a->level == l && strcmp(a->code, code) == 0)
            return a;
    }
    if (c->n_areas == c->cap_areas) {
        c->cap_areas = c->cap_areas ? 2 * c->cap_areas : 256;
        c->areas = xrealloc(c->areas, c->cap_areas * sizeof *c->areas);
    }
    area *a = &c->areas[c->n_areas++];
    memset(a, 0, sizeof *a);
    a->level = l;
    a->code = xstrdup(code);
    a->name = xstrdup(name);
    a->parent_code = parent_code ? xstrdup(parent_code) : NULL;
    c->slots[s] = (long)c->n_areas;
    return a;
}

static size_t n_cols(const cube *c, enum table_id t)
{
    return c->tables[t].cols ? c->tables[t].cols->n : 1;
}

/* The record keys of one household's units (all 0 without record keys). */
typedef struct unit_keys {
    uint64_t household;
    uint64_t *persons;
} unit_keys;

static void count(cube *c, area *a, enum table_id t, size_t row, size_t col, uint64_t key)
{
    size_t at = row * n_cols(c, t) + col;
    if (at >= a->sizes[t]) {
        size_t grown = at + 8;
        a->counts[t] = xrealloc(a->counts[t], grown * sizeof(long));
        memset(a->counts[t] + a->sizes[t], 0, (grown - a->sizes[t]) * sizeof(long));
        a->keys[t] = xrealloc(a->keys[t], grown * sizeof(uint64_t));
        memset(a->keys[t] + a->sizes[t], 0, (grown - a->sizes[t]) * sizeof(uint64_t));
        a->sizes[t] = grown;
    }
    a->counts[t][at]++;
    a->keys[t][at] += key; /* unsigned: wraps, i.e. the sum's fraction */
}

static size_t highest_difficulty(const hhreg_person *p)
{
    int top = 0;
    for (int i = 0; i < 6; i++)
        if (p->functioning[i] > top)
            top = p->functioning[i];
    return top == 0 ? DIFFICULTY_NOT_ASKED : (size_t)top - 1;
}

static void count_household(cube *c, area *a, const hhreg_household *h, const unit_keys *k)
{
    dimension *types = c->tables[T_HOUSEHOLD_TYPE].rows, *certs = c->tables[T_CERTIFICATE].rows,
              *nations = c->tables[T_NATIONALITY].rows;
    count(c, a, T_HOUSEHOLD_SIZE, h->size >= 8 ? 7 : (size_t)(h->size > 0 ? h->size - 1 : 0), 0, k->household);
    count(c, a, T_HOUSEHOLD_TYPE, category(types, h->household_type ? h->household_type : "unknown"), 0, k->household);
    if (h->elderly_living_alone)
        count(c, a, T_SPECIAL, SG_LIVING_ALONE, 0, k->household);
    if (h->empty_nest)
        count(c, a, T_SPECIAL, SG_EMPTY_NEST, 0, k->household);
    if (h->low_income)
        count(c, a, T_SPECIAL, SG_LOW_INCOME, 0, k->household);
    for (size_t i = 0; i < h->n_persons; i++) {
        const hhreg_person *p = &h->persons[i];
        uint64_t key = k->persons[i];
        int age = p->age < 0 ? 0 : p->age;
        size_t sex = p->sex && strcmp(p->sex, "female") == 0;
        count(c, a, T_POPULATION, age >= 85 ? 17 : (size_t)age / 5, sex, key);
        count(c, a, T_DISABILITY, highest_difficulty(p), 0, key);
        if (p->certificate_type)
            count(c, a, T_CERTIFICATE, category(certs, p->certificate_type), 0, key);
        int foreign = p->nationality && strcmp(p->nationality, "CHN") != 0;
        if (foreign)
            count(c, a, T_NATIONALITY, category(nations, p->nationality), 0, key);
        if (age >= 60)
            count(c, a, T_SPECIAL, SG_60, 0, key);
        if (age >= 65)
            count(c, a, T_SPECIAL, SG_65, 0, key);
        if (age >= 80)
            count(c, a, T_SPECIAL, SG_80, 0, key);
        if (p->disabled)
            count(c, a, T_SPECIAL, SG_DISABILITY, 0, key);
        if (p->residence && strcmp(p->residence, "migrant") == 0)
            count(c, a, T_SPECIAL, SG_MIGRANTS, 0, key);
        if (foreign)
            count(c, a, T_SPECIAL, SG_FOREIGN, 0, key);
    }
}

void cube_add(cube *c, const hhreg_household *h)
{
    int zh = strcmp(c->lang, "zh") == 0;
    char grid_code[64], grid_name[64], building_code[512], building_name[512];
    snprintf(grid_code, sizeof grid_code, "%s-%02d", h->community_code, h->grid);
    snprintf(grid_name, sizeof grid_name, zh ? "第%d网格" : "grid %d", h->grid);
    snprintf(building_code, sizeof building_code, "%s-%s-%s", grid_code, h->estate ? h->estate : "",
             h->building ? h->building : "");
    snprintf(building_name, sizeof building_name, zh ? "%s %s栋" : "%s building %s", h->estate ? h->estate : "",
             h->building ? h->building : "");
    const char *codes[LEVEL_COUNT] = { h->district_code, h->street_code, h->community_code, grid_code, building_code };
    const char *names[LEVEL_COUNT] = { h->district, h->street, h->community, grid_name, building_name };
    unit_keys keys = { 0, xrealloc(NULL, (h->n_persons ? h->n_persons : 1) * sizeof(uint64_t)) };
    for (size_t i = 0; i < h->n_persons; i++)
        keys.persons[i] = c->record_keys ? record_key_person(c->record_keys, h->id, h->persons[i].line) : 0;
    if (c->record_keys)
        keys.household = record_key_household(c->record_keys, h->id);
    const char *parent = NULL;
    for (int l = 0; l < LEVEL_COUNT; l++) {
        if (!c->chosen[l])
            continue;
        count_household(c, find_area(c, (enum level)l, codes[l], names[l], parent), h, &keys);
        parent = codes[l];
    }
    free(keys.persons);
}

/* --- laying out the cells --------------------------------------------------------- */

static int by_level_and_code(const void *x, const void *y)
{
    const area *a = x, *b = y;
    return a->level != b->level ? (int)a->level - (int)b->level : strcmp(a->code, b->code);
}

static const cube *sorting_cube;
static size_t sorting_dim;

static int by_code_index(const void *x, const void *y)
{
    const dimension *d = &sorting_cube->dims[sorting_dim];
    return strcmp(d->codes[*(const size_t *)x], d->codes[*(const size_t *)y]);
}

/* Puts the categories of a growing dimension in code order, and every count with them. */
static void sort_categories(cube *c, enum table_id t)
{
    dimension *d = c->tables[t].rows;
    size_t *order = xrealloc(NULL, d->n * sizeof *order), *rank = xrealloc(NULL, d->n * sizeof *rank);
    for (size_t i = 0; i < d->n; i++)
        order[i] = i;
    sorting_cube = c;
    sorting_dim = (size_t)(d - c->dims);
    qsort(order, d->n, sizeof *order, by_code_index);
    char **codes = xrealloc(NULL, d->n * sizeof *codes);
    for (size_t i = 0; i < d->n; i++) {
        codes[i] = d->codes[order[i]];
        rank[order[i]] = i;
    }
    free(d->codes);
    d->codes = codes;
    for (size_t k = 0; k < c->n_areas; k++) {
        area *a = &c->areas[k];
        long *sorted = summary_calloc(d->n, sizeof *sorted);
        uint64_t *sorted_keys = summary_calloc(d->n, sizeof *sorted_keys);
        for (size_t i = 0; i < d->n && i < a->sizes[t]; i++) {
            sorted[rank[i]] = a->counts[t][i];
            sorted_keys[rank[i]] = a->keys[t][i];
        }
        free(a->counts[t]);
        free(a->keys[t]);
        a->counts[t] = sorted;
        a->keys[t] = sorted_keys;
        a->sizes[t] = d->n;
    }
    free(order);
    free(rank);
}

size_t table_rows(const cube *c, enum table_id t)
{
    return c->tables[t].rows->n + (c->tables[t].margins ? 1 : 0);
}

size_t table_cols(const cube *c, enum table_id t)
{
    return c->tables[t].cols ? c->tables[t].cols->n + (c->tables[t].margins ? 1 : 0) : 1;
}

cell *table_cell(const cube *c, const area *a, enum table_id t, size_t row, size_t col)
{
    return &c->cells[a->first_cell[t] + (long)(row * table_cols(c, t) + col)];
}

const char *row_code(const cube *c, enum table_id t, size_t r)
{
    return r < c->tables[t].rows->n ? c->tables[t].rows->codes[r] : "_T";
}

const char *col_code(const cube *c, enum table_id t, size_t k)
{
    if (!c->tables[t].cols)
        return "_Z";
    return k < c->tables[t].cols->n ? c->tables[t].cols->codes[k] : "_T";
}

void cube_freeze(cube *c)
{
    c->frozen = 1;
    sort_categories(c, T_HOUSEHOLD_TYPE);
    sort_categories(c, T_CERTIFICATE);
    sort_categories(c, T_NATIONALITY);
    qsort(c->areas, c->n_areas, sizeof *c->areas, by_level_and_code);
    free(c->slots);
    c->slots = NULL;
    c->n_slots = 0;
    rehash(c);
    c->n_cells = 0;
    for (size_t i = 0; i < c->n_areas; i++) {
        area *a = &c->areas[i];
        a->parent = -1;
        for (int l = (int)a->level - 1; a->parent_code && l >= 0 && a->parent < 0; l--) {
            size_t s = hash_key((enum level)l, a->parent_code) & (c->n_slots - 1);
            for (; c->slots[s] && a->parent < 0; s = (s + 1) & (c->n_slots - 1)) {
                const area *p = &c->areas[c->slots[s] - 1];
                if ((int)p->level == l && strcmp(p->code, a->parent_code) == 0)
                    a->parent = c->slots[s] - 1;
            }
        }
        for (int t = 0; t < T_COUNT; t++) {
            a->first_cell[t] = (long)c->n_cells;
            c->n_cells += table_rows(c, (enum table_id)t) * table_cols(c, (enum table_id)t);
        }
    }
    c->cells = calloc(c->n_cells ? c->n_cells : 1, sizeof *c->cells);
    if (!c->cells)
        abort();
    for (size_t i = 0; i < c->n_areas; i++) {
        area *a = &c->areas[i];
        for (int ti = 0; ti < T_COUNT; ti++) {
            enum table_id t = (enum table_id)ti;
            size_t rows = c->tables[t].rows->n, cols = n_cols(c, t), R = table_rows(c, t), C = table_cols(c, t);
            for (size_t r = 0; r < R; r++)
                for (size_t k = 0; k < C; k++)
                    table_cell(c, a, t, r, k)->status = 'F';
            for (size_t r = 0; r < rows; r++)
                for (size_t k = 0; k < cols; k++) {
                    size_t at = r * cols + k;
                    long v = at < a->sizes[t] ? a->counts[t][at] : 0;
                    uint64_t key = at < a->sizes[t] ? a->keys[t][at] : 0;
                    cell *margins[3] = { NULL, NULL, NULL };
                    if (c->tables[t].margins) {
                        margins[0] = table_cell(c, a, t, R - 1, k);              /* column total */
                        if (C > cols) {
                            margins[1] = table_cell(c, a, t, r, C - 1);          /* row total */
                            margins[2] = table_cell(c, a, t, R - 1, C - 1);      /* grand total */
                        }
                    }
                    cell *x = table_cell(c, a, t, r, k);
                    x->value = v;
                    x->key = key;
                    for (int m = 0; m < 3; m++)
                        if (margins[m]) {
                            margins[m]->value += v;
                            margins[m]->key += key;
                        }
                }
            free(a->counts[t]);
            free(a->keys[t]);
            a->keys[t] = NULL;
            a->counts[t] = NULL;
            a->sizes[t] = 0;
        }
    }
}
