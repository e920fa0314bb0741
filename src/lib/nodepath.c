/* nodepath.c — item paths and lines of form nodes for diagnostics (see nodepath.h). */
#include "nodepath.h"

#include <string.h>

static int same_name(const xmlNode *a, const xmlNode *b)
{
    return a->type == XML_ELEMENT_NODE && b->type == XML_ELEMENT_NODE &&
           xmlStrEqual(a->name, b->name);
}

static void element_step(const xmlNode *el, hh_buf *out)
{
    int index = 1, has_twin = 0;
    for (const xmlNode *s = el->prev; s; s = s->prev)
        if (same_name(s, el)) {
            index++;
            has_twin = 1;
        }
    for (const xmlNode *s = el->next; s && !has_twin; s = s->next)
        if (same_name(s, el))
            has_twin = 1;
    hh_buf_puts(out, (const char *)el->name);
    if (has_twin)
        hh_buf_printf(out, "[%d]", index);
}

void hh_node_path(const xmlNode *node, hh_buf *out)
{
    const xmlNode *chain[64];
    int n = 0;
    const xmlNode *el = node && node->type == XML_ATTRIBUTE_NODE ? node->parent : node;
    if (node && node->type == XML_TEXT_NODE)
        el = node->parent;
    for (; el && el->type == XML_ELEMENT_NODE && el->parent &&
           el->parent->type == XML_ELEMENT_NODE && n < 64;
         el = el->parent)
        chain[n++] = el;
    if (n == 0)
        hh_buf_puts(out, "household");
    for (int i = n - 1; i >= 0; i--) {
        element_step(chain[i], out);
        if (i)
            hh_buf_putc(out, '/');
    }
    if (node && node->type == XML_ATTRIBUTE_NODE) {
        hh_buf_puts(out, n ? "/@" : "/@");
        hh_buf_puts(out, (const char *)node->name);
    }
}

long hh_node_line(const xmlNode *node, long fallback)
{
    if (!node)
        return fallback;
    if (node->type == XML_ATTRIBUTE_NODE || node->type == XML_TEXT_NODE)
        node = node->parent;
    if (!node || node->type != XML_ELEMENT_NODE)
        return fallback;
    long line = xmlGetLineNo(node);
    return (line <= 0 || line >= 65535) ? fallback : line;
}
