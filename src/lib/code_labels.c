/* code_labels.c — see code_labels.h. Keys are "list\x1Fcode\x1Flang" in an
 * open-addressing table sized to twice the number of labels. */
#include "code_labels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "diag.h"
#include "xml_policy.h"

#define XS_NS "http://www.w3.org/2001/XMLSchema"

typedef struct entry {
    char *key;
    char *label;
} entry;

struct hh_code_labels {
    entry *slots;
    size_t cap;
    char **lists, **codes;       /* every enumeration, in schema order */
    size_t n_codes;
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static char *make_key(const char *list, const char *code, const char *lang)
{
    return hh_xasprintf("%s\x1F%s\x1F%s", list, code, lang);
}

static void put(hh_code_labels *l, char *key, char *label)
{
    size_t i = hash(key) & (l->cap - 1);
    while (l->slots[i].key) {
        if (strcmp(l->slots[i].key, key) == 0) {
            free(key);
            free(label);
            return;
        }
        i = (i + 1) & (l->cap - 1);
    }
    l->slots[i].key = key;
    l->slots[i].label = label;
}

static int is_xs(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST XS_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* Counts (store = 0) or stores (store = 1) every (type, value, lang) label below `n`. */
static void walk(const xmlNode *n, const char *type, hh_code_labels *l, size_t *count, int store)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *name = is_xs(n, "simpleType") ? xmlGetProp(n, BAD_CAST "name") : NULL;
        const char *here = name ? (const char *)name : type;
        if (is_xs(n, "enumeration") && here) {
            xmlChar *value = xmlGetProp(n, BAD_CAST "value");
            if (store && value) {
                l->lists = hh_xrealloc(l->lists, (l->n_codes + 1) * sizeof *l->lists);
                l->codes = hh_xrealloc(l->codes, (l->n_codes + 1) * sizeof *l->codes);
                l->lists[l->n_codes] = hh_xstrdup(here);
                l->codes[l->n_codes++] = hh_xstrdup((const char *)value);
            }
            for (const xmlNode *a = n->children; a; a = a->next)
                for (const xmlNode *doc = is_xs(a, "annotation") ? a->children : NULL; doc; doc = doc->next) {
                    if (!is_xs(doc, "documentation"))
                        continue;
                    xmlChar *lang = xmlNodeGetLang(doc);
                    if (lang && value) {
                        (*count)++;
                        if (store) {
                            xmlChar *text = xmlNodeGetContent(doc);
                            put(l, make_key(here, (const char *)value, (const char *)lang),
                                hh_xstrdup((const char *)text));
                            xmlFree(text);
                        }
                    }
                    xmlFree(lang);
                }
            xmlFree(value);
        }
        walk(n->children, here, l, count, store);
        xmlFree(name);
    }
}

hh_code_labels *hh_code_labels_of(const xmlDoc *xsd)
{
    hh_code_labels *l = hh_xcalloc(1, sizeof *l);
    size_t count = 0;
    walk(xmlDocGetRootElement(xsd), NULL, l, &count, 0);
    for (l->cap = 64; l->cap < count * 2; l->cap *= 2)
        ;
    l->slots = hh_xcalloc(l->cap, sizeof *l->slots);
    walk(xmlDocGetRootElement(xsd), NULL, l, &count, 1);
    return l;
}

hh_code_labels *hh_code_labels_load(const char *xsd_path, hh_buf *err)
{
    char *dir = hh_xstrdup(xsd_path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    hh_xml_allow_dir(slash ? dir : ".");
    xmlDocPtr doc = xmlReadFile(xsd_path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    hh_xml_allow_dir(NULL);
    free(dir);
    if (!doc) {
        hh_buf_printf(err, hh_tr("%s: cannot read the code lists", "%s：无法读取代码表"), xsd_path);
        return NULL;
    }
    hh_code_labels *l = hh_code_labels_of(doc);
    xmlFreeDoc(doc);
    return l;
}

void hh_code_labels_free(hh_code_labels *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->cap; i++) {
        free(l->slots[i].key);
        free(l->slots[i].label);
    }
    free(l->slots);
    for (size_t i = 0; i < l->n_codes; i++) {
        free(l->lists[i]);
        free(l->codes[i]);
    }
    free(l->lists);
    free(l->codes);
    free(l);
}

const char **hh_code_list(const hh_code_labels *l, const char *list)
{
    size_t n = 0;
    for (size_t i = 0; l && i < l->n_codes; i++)
        n += strcmp(l->lists[i], list) == 0;
    if (!n)
        return NULL;
    const char **codes = hh_xcalloc(n + 1, sizeof *codes);
    n = 0;
    for (size_t i = 0; i < l->n_codes; i++)
        if (strcmp(l->lists[i], list) == 0)
            codes[n++] = l->codes[i];
    return codes;
}

const char *hh_code_label(const hh_code_labels *l, const char *list, const char *code, const char *lang)
{
    if (!l || !list || !code || !lang)
        return NULL;
    char *key = make_key(list, code, lang);
    const char *found = NULL;
    for (size_t i = hash(key) & (l->cap - 1); l->slots[i].key; i = (i + 1) & (l->cap - 1))
        if (strcmp(l->slots[i].key, key) == 0) {
            found = l->slots[i].label;
            break;
        }
    free(key);
    return found;
}
