/* grid_progress.c — see grid_progress.h. */
#include "grid_progress.h"

#include <stdlib.h>
#include <string.h>

void hh_progress_init(hh_progress *p, hhreg_date today)
{
    memset(p, 0, sizeof *p);
    p->today = today;
}

/* The counts of row `key` in `rows` (added when first met). */
static hh_progress_counts *row(hh_progress_row **rows, size_t *n, const char *key, size_t key_len)
{
    for (size_t i = 0; i < *n; i++)
        if (strlen((*rows)[i].key) == key_len && memcmp((*rows)[i].key, key, key_len) == 0)
            return &(*rows)[i].counts;
    *rows = hh_xrealloc(*rows, (*n + 1) * sizeof **rows);
    hh_progress_row *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    r->key = hh_xstrndup(key, key_len);
    return &r->counts;
}

static void count(hh_progress_counts *c, const hh_household *h, hh_review_state state, unsigned groups,
                  long visits7, long visits30)
{
    const char *status = h->enumeration_status ? h->enumeration_status : "";
    c->households++;
    if (strcmp(status, "complete") == 0 || strcmp(status, "partial") == 0)
        c->enumerated++;
    else
        c->not_enumerated++;
    c->review[state]++;
    c->visits7 += visits7;
    c->visits30 += visits30;
    for (unsigned i = 0; i < 5; i++)
        if (groups & (1u << i))
            c->groups[i]++;
}

void hh_progress_add(hh_progress *p, const hh_household *h, hh_review_state state)
{
    hh_due d;
    hh_due_of(h, p->today, 0, 0, false, &d);
    long visits7 = 0, visits30 = 0, today = hhreg_date_days(p->today);
    for (size_t i = 0; i < hh_household_n_all_visits(h); i++) {
        hhreg_date on;
        const hh_visit *v = hh_household_visit(h, i);
        if (!v->date || !hhreg_date_parse(v->date, false, &on))
            continue;
        long ago = today - hhreg_date_days(on);
        visits7 += ago >= 0 && ago < 7;
        visits30 += ago >= 0 && ago < 30;
    }
    const char *id = h->id ? h->id : "", *last_dash = strrchr(id, '-');
    count(row(&p->grids, &p->n_grids, id, last_dash ? (size_t)(last_dash - id) : strlen(id)), h, state, d.groups,
          visits7, visits30);
    const char *who = h->enumerator ? h->enumerator : "";
    count(row(&p->enumerators, &p->n_enumerators, who, strlen(who)), h, state, d.groups, visits7, visits30);
    count(&p->total, h, state, d.groups, visits7, visits30);
}

static void counts_json(hh_json *j, const hh_progress_counts *c)
{
    hh_json_int(j, "households", c->households);
    hh_json_int(j, "enumerated", c->enumerated);
    hh_json_int(j, "notEnumerated", c->not_enumerated);
    for (int s = HH_REVIEW_SUBMITTED; s <= HH_REVIEW_RETURNED; s++)
        hh_json_int(j, hh_review_state_name((hh_review_state)s), c->review[s]);
    hh_json_int(j, "visits7", c->visits7);
    hh_json_int(j, "visits30", c->visits30);
    hh_json_object(j, "groups");
    for (unsigned i = 0; i < 5; i++)
        hh_json_int(j, hh_group_name(1u << i), c->groups[i]);
    hh_json_end(j);
}

static void rows_json(hh_json *j, const char *array, const char *key, const hh_progress_row *rows, size_t n)
{
    hh_json_array(j, array);
    for (size_t i = 0; i < n; i++) {
        hh_json_object(j, NULL);
        hh_json_str(j, key, rows[i].key);
        counts_json(j, &rows[i].counts);
        hh_json_end(j);
    }
    hh_json_end(j);
}

void hh_progress_json(hh_json *j, const hh_progress *p)
{
    char as_of[11];
    snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", p->today.year, p->today.month, p->today.day);
    hh_json_object(j, NULL);
    hh_json_str(j, "asOf", as_of);
    hh_json_object(j, "total");
    counts_json(j, &p->total);
    hh_json_end(j);
    rows_json(j, "grids", "grid", p->grids, p->n_grids);
    rows_json(j, "enumerators", "enumerator", p->enumerators, p->n_enumerators);
    hh_json_end(j);
}

void hh_progress_free(hh_progress *p)
{
    for (size_t i = 0; i < p->n_grids; i++)
        free(p->grids[i].key);
    for (size_t i = 0; i < p->n_enumerators; i++)
        free(p->enumerators[i].key);
    free(p->grids);
    free(p->enumerators);
    memset(p, 0, sizeof *p);
}
