/* recode.c — the global recodes of a release (apply_recodes in method.h): each
 * maps a variable's categories to coarser ones, the same for every record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "method.h"

const char *const area_levels[4] = { "district", "street", "community", "grid" };

/* Persons per category of `var`. */
static size_t *persons_per_category(const microdata *m, int var)
{
    size_t *n = must_realloc(NULL, ((size_t)m->cats[var].n + 1) * sizeof *n);
    memset(n, 0, ((size_t)m->cats[var].n + 1) * sizeof *n);
    for (size_t i = 0; i < m->n_persons; i++)
        n[value_of(m, i, var)]++;
    return n;
}

/* Recodes `var` with `rename(code) -> new code` (NULL: blank), `label` naming new codes. */
typedef const char *(*renamer)(const char *code, const void *arg, char *buf, size_t len, const char **label);

static void recode_with(microdata *m, int var, renamer rename, const void *arg)
{
    categories *from = &m->cats[var], to;
    memset(&to, 0, sizeof to);
    uint16_t *map = must_realloc(NULL, ((size_t)from->n + 1) * sizeof *map);
    map[0] = 0;
    for (uint16_t c = 1; c <= from->n; c++) {
        char buf[64];
        const char *label = from->names[c];
        const char *code = rename(from->codes[c], arg, buf, sizeof buf, &label);
        map[c] = (uint16_t)(code ? category_of(&to, code, label) : 0);
    }
    to.numeric = from->numeric;
    microdata_recode(m, var, map, &to);
    free(map);
}

static const char *top_code(const char *code, const void *arg, char *buf, size_t len, const char **label)
{
    long top = *(const long *)arg;
    if (strtol(code, NULL, 10) < top)
        return code;
    snprintf(buf, len, "%ld", top);
    *label = NULL;
    return buf;
}

static const char *age_band(const char *code, const void *arg, char *buf, size_t len, const char **label)
{
    long top = *(const long *)arg, age = strtol(code, NULL, 10);
    *label = NULL;
    if (age >= top)
        snprintf(buf, len, "%ld+", top);
    else
        snprintf(buf, len, "%ld-%ld", age / 5 * 5, age / 5 * 5 + 4);
    return buf;
}

/* Categories with fewer than k persons become "other" (joining one the code list
 * may already have). */
static void pool_rare(microdata *m, int var, long k, disclosure *d)
{
    const categories *c = &m->cats[var];
    size_t *n = persons_per_category(m, var);
    categories to;
    memset(&to, 0, sizeof to);
    uint16_t *map = must_realloc(NULL, ((size_t)c->n + 1) * sizeof *map);
    map[0] = 0;
    for (uint16_t i = 1; i <= c->n; i++) {
        int rare = n[i] < (size_t)k;
        map[i] = (uint16_t)category_of(&to, rare ? "other" : c->codes[i], rare ? NULL : c->names[i]);
        d->pooled_categories[var] += (size_t)rare;
        d->pooled_persons[var] += rare ? n[i] : 0;
    }
    to.numeric = c->numeric;
    if (d->pooled_categories[var])
        microdata_recode(m, var, map, &to);
    else
        categories_free(&to);
    free(map);
    free(n);
}

static void blank_small_areas(microdata *m, long min_population, disclosure *d)
{
    size_t *n = persons_per_category(m, V_AREA);
    for (size_t h = 0; h < m->n_households; h++) {
        uint16_t *area = &m->households[h].v[V_AREA];
        if (*area && n[*area] < (size_t)min_population) {
            *area = 0;
            d->area_below_threshold++;
        }
    }
    free(n);
}

/* The top code reads "85+". */
static void name_top_code(categories *c, long top)
{
    char code[32];
    snprintf(code, sizeof code, "%ld", top);
    for (uint16_t i = 1; i <= c->n; i++)
        if (strcmp(c->codes[i], code) == 0) {
            free(c->names[i]);
            snprintf(code, sizeof code, "%ld+", top);
            c->names[i] = must_strdup(code);
            return;
        }
}

void apply_recodes(microdata *m, const params *p, disclosure *d)
{
    if (p->min_area_population > 0)
        blank_small_areas(m, p->min_area_population, d);
    if (p->age_bands) {
        recode_with(m, V_AGE, age_band, &p->age_top);
        m->cats[V_AGE].numeric = 0;
    } else {
        recode_with(m, V_AGE, top_code, &p->age_top);
        name_top_code(&m->cats[V_AGE], p->age_top);
    }
    recode_with(m, V_HH_SIZE, top_code, &p->hh_size_top);
    name_top_code(&m->cats[V_HH_SIZE], p->hh_size_top);
    if (p->pool)
        for (int v = 0; v < VAR_COUNT; v++)
            if (variables[v].role == ROLE_QUASI && variables[v].code_list)
                pool_rare(m, v, p->k, d);
}
