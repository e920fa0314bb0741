/* form.c — reading a validated form's DOM into an hh_household (see form.h): each
 * item where the item table (items.h) says it is, converted to its C type. */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "items.h"
#include "schemaset.h"
#include "util.h"

const char *const hh_wg_domain_names[HH_WG_DOMAINS] = {
    "seeing", "hearing", "walking", "cognition", "selfCare", "communication",
};

static int named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* The first child element of `parent` named by the `len` bytes at `name`. */
static const xmlNode *child(const xmlNode *parent, const char *name, size_t len)
{
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strlen((const char *)c->name) == len && memcmp(c->name, name, len) == 0)
            return c;
    return NULL;
}

/* The value at item path `path` below `el` ("address/district/@code", "" for el's own
 * text), NULL when absent; xmlFree it. An element's empty text is absent when the
 * element carries attributes (the document of a person without one, a visit without
 * a note): the element is there for them. */
static xmlChar *value_at(const xmlNode *el, const char *path)
{
    while (el && *path && *path != '@') {
        size_t len = strcspn(path, "/");
        el = child(el, path, len);
        path += len + (path[len] == '/');
    }
    if (!el)
        return NULL;
    if (*path == '@')
        return xmlGetProp(el, BAD_CAST(path + 1));
    xmlChar *text = xmlNodeGetContent(el);
    if (text && !*text && el->properties) {
        xmlFree(text);
        return NULL;
    }
    return text ? text : xmlStrdup(BAD_CAST "");
}

/* Reads the items of `scope` (items.h) from element `el` into `record`. */
static void read_items(hh_item_scope scope, void *record, const xmlNode *el)
{
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t k = 0; k < n; k++) {
        const hh_item *it = &items[k];
        void *at = hh_item_at(it, record);
        xmlChar *v = value_at(el, it->xml_path);
        const char *s = (const char *)v;
        switch (it->ctype) {
        case HH_ITEM_C_STR: *(char **)at = s ? hh_xstrdup(s) : NULL; break;
        case HH_ITEM_C_INT: *(int *)at = s ? atoi(s) : it->absent; break;
        case HH_ITEM_C_REAL: *(double *)at = s ? strtod(s, NULL) : -1; break;
        case HH_ITEM_C_BOOL: *(int *)at = s ? strcmp(s, "true") == 0 || strcmp(s, "1") == 0 : it->absent; break;
        }
        xmlFree(v);
    }
}

static size_t count_named(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = parent->children; c; c = c->next)
        n += named(c, name);
    return n;
}

hh_household *hh_household_from_doc(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !named(root, "household"))
        return NULL;
    hh_household *h = hh_xcalloc(1, sizeof *h);
    read_items(HH_ITEM_HOUSEHOLD, h, root);
    h->persons = hh_xcalloc(count_named(root, "person"), sizeof *h->persons);
    h->visits = hh_xcalloc(count_named(root, "visit"), sizeof *h->visits);
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (named(c, "person"))
            read_items(HH_ITEM_PERSON, &h->persons[h->n_persons++], c);
        else if (named(c, "visit"))
            read_items(HH_ITEM_VISIT, &h->visits[h->n_visits++], c);
    }
    if (!h->preferred_language)
        h->preferred_language = hh_xstrdup("zh");
    return h;
}

char *hh_form_household_value(xmlDocPtr doc, const char *key)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const hh_item *it = hh_item_find(HH_ITEM_HOUSEHOLD, key);
    xmlChar *v = root && named(root, "household") && it ? value_at(root, it->xml_path) : NULL;
    char *copy = hh_xstrdup((const char *)v);
    xmlFree(v);
    return copy;
}

/* Frees the strings among the items of `scope` held in `record`. */
static void free_items(hh_item_scope scope, void *record)
{
    size_t n;
    const hh_item *items = hh_items_of(scope, &n);
    for (size_t k = 0; k < n; k++)
        if (items[k].ctype == HH_ITEM_C_STR)
            free(*(char **)hh_item_at(&items[k], record));
}

void hh_household_free(hh_household *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_persons; i++)
        free_items(HH_ITEM_PERSON, &h->persons[i]);
    for (size_t i = 0; i < h->n_visits; i++)
        free_items(HH_ITEM_VISIT, &h->visits[i]);
    for (size_t i = 0; i < h->n_logged; i++)
        free_items(HH_ITEM_VISIT, &h->logged[i]);
    free_items(HH_ITEM_HOUSEHOLD, h);
    free(h->persons);
    free(h->visits);
    free(h->logged);
    free(h);
}

size_t hh_household_n_all_visits(const hh_household *h)
{
    return h->n_visits + h->n_logged;
}

const hh_visit *hh_household_visit(const hh_household *h, size_t i)
{
    return i < h->n_visits ? &h->visits[i] : &h->logged[i - h->n_visits];
}
