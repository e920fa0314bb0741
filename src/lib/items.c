/* items.c — the item dictionary as a table (see items.h), expanded from items.def. */
#include "items.h"

#include <string.h>

#include "util.h"

#define ROW(scope, type, key, kind, ctype, absent, required, xml, codes, member, column, json, group)    \
    { key, scope, HH_ITEM_##kind, HH_ITEM_C_##ctype, absent, required, xml, codes, offsetof(type, member), \
      column, json, group },
#define HOUSEHOLD_ROW(...) ROW(HH_ITEM_HOUSEHOLD, hh_household, __VA_ARGS__)
#define PERSON_ROW(...) ROW(HH_ITEM_PERSON, hh_person, __VA_ARGS__)
#define VISIT_ROW(...) ROW(HH_ITEM_VISIT, hh_visit, __VA_ARGS__)
#define COUNT(...) +1

const hh_item hh_items[] = { HH_HOUSEHOLD_ITEMS(HOUSEHOLD_ROW) HH_PERSON_ITEMS(PERSON_ROW)
                                 HH_VISIT_ITEMS(VISIT_ROW) };
const size_t hh_item_count = sizeof hh_items / sizeof hh_items[0];

enum { N_HOUSEHOLD = 0 HH_HOUSEHOLD_ITEMS(COUNT), N_PERSON = 0 HH_PERSON_ITEMS(COUNT),
       N_VISIT = 0 HH_VISIT_ITEMS(COUNT) };

/* Each row's C type is its member's: a row whose member is of another type would
 * read and write memory as the wrong type, so the build stops at it. */
#define C_TYPE_STR char *
#define C_TYPE_INT int
#define C_TYPE_REAL double
#define C_TYPE_BOOL int /* 1, 0 or the row's `absent` */
#define TYPE_CHECK(type, key, kind, ctype, absent, required, xml, codes, member, ...)                             \
    _Static_assert(_Generic(((type *)0)->member, C_TYPE_##ctype: 1, default: 0),                                  \
                   "items.def: the member of item '" key "' is not of type " #ctype);
#define HOUSEHOLD_CHECK(...) TYPE_CHECK(hh_household, __VA_ARGS__)
#define PERSON_CHECK(...) TYPE_CHECK(hh_person, __VA_ARGS__)
#define VISIT_CHECK(...) TYPE_CHECK(hh_visit, __VA_ARGS__)
HH_HOUSEHOLD_ITEMS(HOUSEHOLD_CHECK)
HH_PERSON_ITEMS(PERSON_CHECK)
HH_VISIT_ITEMS(VISIT_CHECK)

const hh_item *hh_items_of(hh_item_scope scope, size_t *n)
{
    switch (scope) {
    case HH_ITEM_HOUSEHOLD: *n = N_HOUSEHOLD; return hh_items;
    case HH_ITEM_PERSON: *n = N_PERSON; return hh_items + N_HOUSEHOLD;
    case HH_ITEM_VISIT: *n = N_VISIT; return hh_items + N_HOUSEHOLD + N_PERSON;
    }
    *n = 0;
    return NULL;
}

/* The deepest item path is household's address/district/@code: three steps. */
#define ITEM_PATH_STEPS_MAX 4

const hh_item *hh_item_of_node(const xmlNode *node)
{
    const xmlNode *steps[ITEM_PATH_STEPS_MAX];
    size_t n = 0;
    hh_item_scope scope = HH_ITEM_HOUSEHOLD;
    for (const xmlNode *at = node;; at = at->parent) {
        if (!at || (at->type != XML_ELEMENT_NODE && at->type != XML_ATTRIBUTE_NODE))
            return NULL;
        const xmlNode *up = at->parent;
        if (!up || up->type != XML_ELEMENT_NODE)
            break; /* the household */
        bool below_household = !up->parent || up->parent->type != XML_ELEMENT_NODE;
        if (below_household && at->type == XML_ELEMENT_NODE && xmlStrEqual(at->name, BAD_CAST "person")) {
            scope = HH_ITEM_PERSON;
            break;
        }
        if (below_household && at->type == XML_ELEMENT_NODE && xmlStrEqual(at->name, BAD_CAST "visit")) {
            scope = HH_ITEM_VISIT;
            break;
        }
        if (n == ITEM_PATH_STEPS_MAX)
            return NULL;
        steps[n++] = at;
    }
    hh_buf path;
    hh_buf_init(&path);
    for (size_t k = n; k-- > 0;)
        hh_buf_printf(&path, "%s%s%s", k + 1 < n ? "/" : "", steps[k]->type == XML_ATTRIBUTE_NODE ? "@" : "",
                      (const char *)steps[k]->name);
    size_t count;
    const hh_item *items = hh_items_of(scope, &count), *found = NULL;
    for (size_t i = 0; i < count && !found; i++)
        if (strcmp(items[i].xml_path, path.data ? path.data : "") == 0)
            found = &items[i];
    hh_buf_free(&path);
    return found;
}

bool hh_item_given(const hh_item *it, const void *record)
{
    const void *at = hh_item_at(it, record);
    switch (it->ctype) {
    case HH_ITEM_C_STR: return *(char *const *)at != NULL;
    case HH_ITEM_C_INT:
    case HH_ITEM_C_BOOL: return it->required || *(const int *)at != it->absent;
    case HH_ITEM_C_REAL: return *(const double *)at >= 0;
    }
    return false;
}

bool hh_item_same(const hh_item *it, const void *a, const void *b)
{
    const void *x = hh_item_at(it, a), *y = hh_item_at(it, b);
    switch (it->ctype) {
    case HH_ITEM_C_STR: {
        const char *p = *(char *const *)x, *q = *(char *const *)y;
        return p == q || (p && q && strcmp(p, q) == 0);
    }
    case HH_ITEM_C_INT:
    case HH_ITEM_C_BOOL: return *(const int *)x == *(const int *)y;
    case HH_ITEM_C_REAL: return *(const double *)x == *(const double *)y;
    }
    return false;
}

/* The items of `scope` that differ between records a and b (either may be NULL: a
 * person or visit one of them lacks, told once with item NULL). */
static size_t records_differ(hh_item_scope scope, int index, const void *a, const void *b, hh_item_change_fn fn,
                             void *arg)
{
    if (!a || !b) {
        fn(scope, index, NULL, arg);
        return 1;
    }
    size_t n, changed = 0;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t i = 0; i < n; i++)
        if (!hh_item_same(&items[i], a, b)) {
            fn(scope, index, &items[i], arg);
            changed++;
        }
    return changed;
}

size_t hh_household_changes(const hh_household *a, const hh_household *b, hh_item_change_fn fn, void *arg)
{
    size_t changed = records_differ(HH_ITEM_HOUSEHOLD, 0, a, b, fn, arg);
    size_t persons = a->n_persons > b->n_persons ? a->n_persons : b->n_persons;
    for (size_t p = 0; p < persons; p++)
        changed += records_differ(HH_ITEM_PERSON, (int)p + 1, p < a->n_persons ? &a->persons[p] : NULL,
                                  p < b->n_persons ? &b->persons[p] : NULL, fn, arg);
    size_t visits = a->n_visits > b->n_visits ? a->n_visits : b->n_visits;
    for (size_t v = 0; v < visits; v++)
        changed += records_differ(HH_ITEM_VISIT, (int)v + 1, v < a->n_visits ? &a->visits[v] : NULL,
                                  v < b->n_visits ? &b->visits[v] : NULL, fn, arg);
    return changed;
}

#define QUESTION(scope, key, en, zh, optional, min, max, when) \
    { HH_ITEM_##scope, key, en, zh, optional, min, max, HH_WHEN_##when, #when },
const hh_item_question hh_item_questions[] = { HH_ITEM_QUESTIONS(QUESTION) };
const size_t hh_item_question_count = sizeof hh_item_questions / sizeof hh_item_questions[0];

const hh_item_question *hh_item_question_of(hh_item_scope scope, const char *key)
{
    for (size_t i = 0; i < hh_item_question_count; i++)
        if (hh_item_questions[i].scope == scope && strcmp(hh_item_questions[i].key, key) == 0)
            return &hh_item_questions[i];
    return NULL;
}

const hh_item *hh_item_find(hh_item_scope scope, const char *key)
{
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i].key, key) == 0)
            return &items[i];
    return NULL;
}
