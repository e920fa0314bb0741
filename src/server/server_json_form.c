/* server_json_form.c — a form sent as JSON, in the shape `hhreg show --json` and
 * GET /api/v1/households/{id} give it, made into the form's XML: each key is read
 * into the answer of its item (items.def: the JSON key, and the object it sits in),
 * and guided entry's writer (hh_entry_form_xml_as_given) writes the XML from the answers, so
 * a JSON form goes on through the very reader, schema, rules and store an XML form
 * does. What the JSON shape adds — "derived", "revision", "review", "warnings", "visitLog", a person's
 * "line" and "derived" — is left aside; any other key is refused by name, so a
 * misspelt item is never dropped in silence. */
#include "server_internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "items.h"

bool hh_json_key_nameable(const char *key)
{
    bool named = (*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z');
    for (const char *c = key; named && *c; c++)
        named = c - key < 40 && ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'));
    return named;
}

/* The keys the JSON shape carries besides the items. */
static bool read_only_key(const char *key, hh_q_scope scope)
{
    static const char *const household[] = { "derived", "revision", "review", "warnings", "persons", "visits", "visitLog" };
    if (scope == HH_SCOPE_PERSON)
        return strcmp(key, "line") == 0 || strcmp(key, "derived") == 0;
    for (size_t i = 0; scope == HH_SCOPE_HOUSEHOLD && i < sizeof household / sizeof household[0]; i++)
        if (strcmp(key, household[i]) == 0)
            return true;
    return false;
}

/* A scalar as the form writes it; false for an object or an array. */
static bool scalar_text(json_t *v, char *text, size_t n, const char **out)
{
    *out = text;
    if (json_is_string(v))
        *out = json_string_value(v);
    else if (json_is_true(v) || json_is_false(v))
        snprintf(text, n, "%s", json_is_true(v) ? "true" : "false");
    else if (json_is_integer(v))
        snprintf(text, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_real(v))
        snprintf(text, n, "%.15g", json_real_value(v));
    else
        return false;
    return true;
}

/* The item of `item_scope` whose JSON key is `key` in group `group` (NULL: the
 * record itself). */
static const hh_item *item_named(hh_item_scope item_scope, const char *group, const char *key)
{
    size_t n;
    const hh_item *items = hh_items_of(item_scope, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i].json, key) == 0 &&
            (group ? items[i].group && strcmp(items[i].group, group) == 0 : !items[i].group))
            return &items[i];
    return NULL;
}

/* Whether `key` names a group of `item_scope` ("address", "enumeration", "functioning"). */
static bool is_group(hh_item_scope item_scope, const char *key)
{
    size_t n;
    const hh_item *items = hh_items_of(item_scope, &n);
    for (size_t i = 0; i < n; i++)
        if (items[i].group && strcmp(items[i].group, key) == 0)
            return true;
    return false;
}

/* Reads object `o` (a record, or one of its groups: `group`) into the answers of
 * `scope` `index`; false with the key refused in `where` and its fault. */
static bool read_object(json_t *o, const char *group, hh_item_scope item_scope, hh_q_scope scope, int index,
                        hh_answers *a, hh_buf *where, hh_json_form_fault *fault)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!group && is_group(item_scope, key) && (json_is_object(v) || json_is_null(v))) {
            if (json_is_object(v) && !read_object(v, key, item_scope, scope, index, a, where, fault))
                return false;
            continue; /* null: none of its items */
        }
        if (!group && read_only_key(key, scope))
            continue;
        const hh_item *it = item_named(item_scope, group, key);
        char text[64];
        const char *value = NULL;
        if (!it || (!json_is_null(v) && !scalar_text(v, text, sizeof text, &value))) {
            hh_buf_printf(where, "%s%s%s", group ? group : "", group ? "." : "", hh_json_key_nameable(key) ? key : "…");
            *fault = it ? HH_JSON_FORM_NOT_SCALAR : HH_JSON_FORM_NOT_ITEM;
            return false;
        }
        if (value)
            hh_answer_set(a, scope, index, it->key, value);
    }
    return true;
}

/* Reads the array `list` of records ("persons", "visits"). */
static bool read_records(json_t *list, const char *name, hh_item_scope item_scope, hh_q_scope scope, hh_answers *a,
                         hh_buf *where, hh_json_form_fault *fault)
{
    if (!list || json_is_null(list))
        return true;
    if (!json_is_array(list)) {
        hh_buf_puts(where, name);
        *fault = HH_JSON_FORM_NOT_ARRAY;
        return false;
    }
    size_t i;
    json_t *record;
    json_array_foreach(list, i, record) {
        if (!json_is_object(record)) {
            hh_buf_printf(where, "%s[%zu]", name, i + 1);
            *fault = HH_JSON_FORM_NOT_OBJECT;
            return false;
        }
        hh_buf_printf(where, "%s[%zu].", name, i + 1); /* the record named before its key */
        if (!read_object(record, NULL, item_scope, scope, (int)i + 1, a, where, fault))
            return false;
        hh_buf_reset(where);
        /* asked, not an item: a certificate, when its type is given */
        if (scope == HH_SCOPE_PERSON)
            hh_answer_set(a, scope, (int)i + 1, "certificate",
                          hh_answer(a, scope, (int)i + 1, "certificate-type") ? "true" : "false");
    }
    return true;
}

char *hh_json_form_xml(const char *json, size_t len, size_t *xml_len, hh_buf *where, hh_json_form_fault *fault)
{
    json_error_t error;
    json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &error);
    char *xml = NULL;
    if (!json_is_object(root)) {
        hh_buf_printf(where, "%d", error.line);
        *fault = HH_JSON_FORM_NOT_OBJECT_BODY;
    } else {
        hh_answers *a = hh_answers_new();
        if (read_object(root, NULL, HH_ITEM_HOUSEHOLD, HH_SCOPE_HOUSEHOLD, 0, a, where, fault) &&
            read_records(json_object_get(root, "persons"), "persons", HH_ITEM_PERSON, HH_SCOPE_PERSON, a, where,
                         fault) &&
            read_records(json_object_get(root, "visits"), "visits", HH_ITEM_VISIT, HH_SCOPE_VISIT, a, where, fault))
            xml = hh_entry_form_xml_as_given(a, xml_len);
        hh_answers_free(a);
    }
    json_decref(root);
    return xml;
}
