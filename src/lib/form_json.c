/* form_json.c — see form_json.h. The items come from the item table (items.h), in
 * its order, with its JSON keys; an item's JSON group ("address") is an object, null
 * when its first item is not given (a person's functioning). */
#include "form_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "items.h"
#include "json.h"

static void item_json(hh_json *j, const hh_item *it, const void *record)
{
    const void *at = hh_item_at(it, record);
    switch (it->ctype) {
    case HH_ITEM_C_STR: hh_json_str(j, it->json, *(char *const *)at); break;
    case HH_ITEM_C_INT:
        if (it->required)
            hh_json_int(j, it->json, *(const int *)at);
        else
            hh_json_int_or_null(j, it->json, *(const int *)at, it->absent);
        break;
    case HH_ITEM_C_REAL:
        if (hh_item_given(it, record)) {
            char number[32];
            snprintf(number, sizeof number, "%.2f", *(const double *)at);
            hh_json_raw(j, it->json, number);
        } else {
            hh_json_raw(j, it->json, "null");
        }
        break;
    case HH_ITEM_C_BOOL:
        if (hh_item_given(it, record))
            hh_json_bool(j, it->json, *(const int *)at);
        else
            hh_json_raw(j, it->json, "null");
        break;
    }
}

static bool same_group(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* The items of `scope` held in `record`, as members of the object open in `j`. */
static void items_json(hh_json *j, hh_item_scope scope, const void *record)
{
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    const char *group = NULL;
    bool null_group = false;
    for (size_t i = 0; i < n; i++) {
        const hh_item *it = &items[i];
        if (!same_group(it->group, group)) {
            if (group && !null_group)
                hh_json_end(j);
            group = it->group;
            null_group = group && !hh_item_given(it, record);
            if (null_group)
                hh_json_raw(j, group, "null");
            else if (group)
                hh_json_object(j, group);
        }
        if (!null_group)
            item_json(j, it, record);
    }
    if (group && !null_group)
        hh_json_end(j);
}

static void person_json(hh_json *j, const hh_person *p, const hh_person_derived *pd)
{
    hh_json_object(j, NULL);
    items_json(j, HH_ITEM_PERSON, p);
    hh_json_object(j, "derived");
    hh_json_int(j, "age", pd->age);
    hh_json_str(j, "ageGroup", hh_age_group_label(pd->age_group));
    hh_json_bool(j, "elderly60", pd->elderly60);
    hh_json_bool(j, "elderly65", pd->elderly65);
    hh_json_bool(j, "disability", pd->disabled);
    hh_json_end(j);
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
    items_json(&j, HH_ITEM_HOUSEHOLD, h);
    hh_json_array(&j, "persons");
    for (size_t i = 0; i < h->n_persons; i++)
        person_json(&j, &h->persons[i], &pd[i]);
    hh_json_end(&j);
    /* the form's visits, then the visit log's (made since; not part of the form),
     * when there are any: a household without is written as the jsonl plugin writes it */
    const struct { const char *key; const hh_visit *visits; size_t n; } lists[] = {
        { "visits", h->visits, h->n_visits }, { "visitLog", h->logged, h->n_logged } };
    for (size_t l = 0; l < (h->n_logged ? 2u : 1u); l++) {
        hh_json_array(&j, lists[l].key);
        for (size_t i = 0; i < lists[l].n; i++) {
            hh_json_object(&j, NULL);
            items_json(&j, HH_ITEM_VISIT, &lists[l].visits[i]);
            hh_json_end(&j);
        }
        hh_json_end(&j);
    }
    hh_json_object(&j, "derived");
    hh_json_int(&j, "size", hd.size);
    hh_json_int(&j, "elderly60", hd.elderly60);
    hh_json_int(&j, "elderly65", hd.elderly65);
    hh_json_int(&j, "personsWithDisability", hd.disabled);
    hh_json_bool(&j, "elderlyLivingAlone", hd.living_alone);
    hh_json_bool(&j, "emptyNest", hd.empty_nest);
    if (h->low_income < 0) /* not recorded (nobody home, refused): not "no" */
        hh_json_raw(&j, "lowIncome", "null");
    else
        hh_json_bool(&j, "lowIncome", hd.low_income);
    hh_json_end(&j);
    hh_json_end(&j);
    free(pd);
}

void hh_json_household_ref(hh_json *j, const char *id, const char *building, const char *unit, const char *room)
{
    hh_json_object(j, NULL);
    hh_json_str(j, "id", id);
    hh_json_str(j, "building", building);
    hh_json_str(j, "unit", unit);
    hh_json_str(j, "room", room);
}

void hh_list_row_json(hh_json *j, const hh_list_row *r)
{
    hh_json_object(j, NULL);
    hh_json_str(j, "id", r->id);
    hh_json_str(j, "estate", r->estate);
    hh_json_str(j, "building", r->building);
    hh_json_str(j, "unit", r->unit);
    hh_json_str(j, "room", r->room);
    hh_json_int(j, "revision", r->revision);
    hh_json_int(j, "size", r->size);
    hh_json_int(j, "elderly60", r->elderly60);
    hh_json_int(j, "personsWithDisability", r->disabled);
    hh_json_int(j, "foreignNationals", r->foreign);
    hh_json_str(j, "status", r->status);
    hh_json_bool(j, "elderlyLivingAlone", r->living_alone);
    hh_json_bool(j, "emptyNest", r->empty_nest);
    hh_json_bool(j, "lowIncome", r->low_income);
    hh_json_bool(j, "deleted", r->deleted);
    hh_json_bool(j, "conflict", r->conflict);
    hh_json_end(j);
}

void hh_conflict_json(hh_json *j, const hh_conflict *c)
{
    hh_json_object(j, NULL);
    hh_json_str(j, "id", c->household);
    hh_json_str(j, "kind", c->kind);
    hh_json_int(j, "revision", c->revision);
    hh_json_int(j, "other", c->other);
    hh_json_str(j, "sourceStore", c->source_store);
    hh_json_str(j, "foundAt", c->found_at);
    hh_json_str(j, "foundBy", c->found_by);
    hh_json_str(j, "deletedThere", c->deleted_at);
    hh_json_str(j, "deleteReason", c->delete_reason);
    hh_json_str(j, "resolvedAt", c->resolved_at);
    hh_json_str(j, "resolvedBy", c->resolved_by);
    hh_json_int_or_null(j, "resolution", c->resolution, 0);
    hh_json_end(j);
}
