/* digest.c — see digest.h. The canonical stream is built in memory and hashed in one
 * call. Each item is written with a one-byte tag and a NUL after each string, so no
 * two different trees give the same stream. */
#include "digest.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "util.h"

#define MAX_SORTED_ATTRIBUTES 64

static void feed(hh_buf *md, char tag, const xmlChar *s)
{
    hh_buf_putc(md, tag);
    if (s)
        hh_buf_puts(md, (const char *)s);
    hh_buf_putc(md, '\0');
}

static void feed_name(hh_buf *md, char tag, const xmlNs *ns, const xmlChar *name)
{
    feed(md, tag, ns ? ns->href : NULL);
    feed(md, ':', name);
}

static int attribute_order(const void *a, const void *b)
{
    const xmlAttr *x = *(const xmlAttr *const *)a, *y = *(const xmlAttr *const *)b;
    int c = strcmp(x->ns ? (const char *)x->ns->href : "", y->ns ? (const char *)y->ns->href : "");
    return c ? c : strcmp((const char *)x->name, (const char *)y->name);
}

static int only_space(const xmlChar *s)
{
    for (; s && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static int has_element_sibling(const xmlNode *n)
{
    for (const xmlNode *s = n->parent ? n->parent->children : NULL; s; s = s->next)
        if (s->type == XML_ELEMENT_NODE)
            return 1;
    return 0;
}

/* Feeds the canonical stream of `n` and its following siblings. With `household`
 * (the content digest) it leaves out that element's children named visit and the
 * date of its child named enumeration. */
static void walk(hh_buf *md, const xmlNode *n, const xmlNode *household)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (!(only_space(n->content) && has_element_sibling(n)))
                feed(md, 'T', n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        int child = household && n->parent == household;
        if (child && xmlStrEqual(n->name, BAD_CAST "visit"))
            continue;
        feed_name(md, '<', n->ns, n->name);
        const xmlAttr *attrs[MAX_SORTED_ATTRIBUTES];
        size_t count = 0;
        for (const xmlAttr *a = n->properties; a && count < MAX_SORTED_ATTRIBUTES; a = a->next)
            attrs[count++] = a;
        qsort(attrs, count, sizeof attrs[0], attribute_order);
        for (size_t i = 0; i < count; i++) {
            if (child && xmlStrEqual(n->name, BAD_CAST "enumeration") && !attrs[i]->ns &&
                xmlStrEqual(attrs[i]->name, BAD_CAST "date"))
                continue;
            feed_name(md, '@', attrs[i]->ns, attrs[i]->name);
            for (const xmlNode *t = attrs[i]->children; t; t = t->next)
                feed(md, '=', t->content);
        }
        walk(md, n->children, household);
        feed(md, '>', NULL);
    }
}

int hh_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) || n != 32)
        return -1;
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[out[i] >> 4];
        hex[2 * i + 1] = digits[out[i] & 15];
    }
    hex[64] = '\0';
    return 0;
}

static int digest(xmlDocPtr doc, int content, char hex[65])
{
    hh_buf stream;
    hh_buf_init(&stream);
    const xmlNode *root = xmlDocGetRootElement(doc);
    walk(&stream, root, content ? root : NULL);
    int rc = hh_sha256_hex(stream.data ? stream.data : "", stream.len, hex);
    hh_buf_free(&stream);
    return rc;
}

int hh_form_digest(xmlDocPtr doc, char hex[65])
{
    return digest(doc, 0, hex);
}

int hh_content_digest(xmlDocPtr doc, char hex[65])
{
    return digest(doc, 1, hex);
}
