/* release.c — see release.h. */
#include "release.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const file_stems[2] = { "households", "persons" };

int file_has(int file, int var)
{
    return file == FILE_PERSONS || variables[var].household;
}

size_t file_rows(const release *r, int file)
{
    return file == FILE_PERSONS ? r->m->n_persons : r->m->n_households;
}

void release_init(release *r, rng *g)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(r->date, sizeof r->date, "%Y-%m-%d", &tm);
    size_t n = r->m->n_households;
    r->order = must_realloc(NULL, (n ? n : 1) * sizeof *r->order);
    for (size_t i = 0; i < n; i++)
        r->order[i] = (uint32_t)i;
    rng_shuffle(g, r->order, n);
    /* persons too, within each household: the form's order puts the head first,
     * which would fill in a blank relationship (person_no is the new position) */
    uint32_t *slots = NULL;
    person_rec *copy = NULL;
    for (size_t h = 0; h < n; h++) {
        const household_rec *hr = &r->m->households[h];
        slots = must_realloc(slots, (hr->n_persons ? hr->n_persons : 1) * sizeof *slots);
        copy = must_realloc(copy, (hr->n_persons ? hr->n_persons : 1) * sizeof *copy);
        for (uint16_t i = 0; i < hr->n_persons; i++)
            slots[i] = i;
        rng_shuffle(g, slots, hr->n_persons);
        person_rec *persons = r->m->persons + hr->first_person;
        memcpy(copy, persons, hr->n_persons * sizeof *copy);
        for (uint16_t i = 0; i < hr->n_persons; i++)
            persons[i] = copy[slots[i]];
    }
    free(slots);
    free(copy);
    for (int v = 0; v < VAR_COUNT; v++)
        categories_order(&r->m->cats[v], &r->cat_order[v], &r->rank[v]);
}

void release_free(release *r)
{
    free(r->order);
    for (int v = 0; v < VAR_COUNT; v++) {
        free(r->cat_order[v]);
        free(r->rank[v]);
    }
}

void release_household_id(const release *r, size_t position, char buf[24])
{
    if (r->p->key_len) {
        const unsigned char *h = r->m->households[r->order[position]].hmac;
        buf[0] = 'K';
        for (int i = 0; i < 8; i++)
            snprintf(buf + 1 + 2 * i, 3, "%02x", h[i]);
    } else {
        snprintf(buf, 24, "H%07zu", position + 1);
    }
}

const char *release_code(const release *r, int var, uint16_t category)
{
    return category ? r->m->cats[var].codes[category] : "";
}

int release_numeric(const release *r, int var)
{
    return r->m->cats[var].numeric;
}

int release_in_chinese(const release *r)
{
    return strcmp(r->p->lang, "zh") == 0;
}

const char *release_label(const release *r, int var, uint16_t category)
{
    const categories *c = &r->m->cats[var];
    if (!category)
        return "";
    if (c->names[category])
        return c->names[category];
    const char *code = c->codes[category];
    if (strcmp(code, "other") == 0 && r->d->pooled_categories[var])
        return release_in_chinese(r) ? "其他（含人数少于k的类别）" : "other (with categories of fewer than k persons)";
    if (strcmp(code, "yes") == 0 && !variables[var].code_list)
        return release_in_chinese(r) ? "是" : "yes";
    if (strcmp(code, "no") == 0 && !variables[var].code_list)
        return release_in_chinese(r) ? "否" : "no";
    const char *label = variables[var].code_list ? r->api->code_label(r->ctx, variables[var].code_list, code, r->p->lang)
                                                 : NULL;
    return label ? label : code;
}

const char *variable_label(const release *r, int var)
{
    return release_in_chinese(r) ? variables[var].label_zh : variables[var].label_en;
}

uint16_t row_value(const release *r, size_t household, long person, int var)
{
    if (var < FIRST_PERSON_VAR)
        return r->m->households[household].v[var];
    return person < 0 ? 0 : r->m->persons[person].v[var - FIRST_PERSON_VAR];
}

int release_each_row(const release *r, int file, row_fn fn, void *arg)
{
    for (size_t pos = 0; pos < r->m->n_households; pos++) {
        size_t h = r->order[pos];
        const household_rec *hr = &r->m->households[h];
        if (file == FILE_HOUSEHOLDS) {
            if (fn(r, file, pos, h, -1, arg) != 0)
                return -1;
            continue;
        }
        for (uint16_t i = 0; i < hr->n_persons; i++)
            if (fn(r, file, pos, h, (long)hr->first_person + i, arg) != 0)
                return -1;
    }
    return 0;
}
