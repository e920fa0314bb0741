/* digest.c — see digest.h. The canonical stream is built in memory once and hashed
 * twice: whole for the form digest, and without the spans the content digest leaves
 * out (the household's visits, the enumeration's date), which the walk marks as it
 * passes them. Each item is written with a one-byte tag and a NUL after each
 * string, so no two different trees give the same stream. */
#include "digest.h"

#include <pthread.h>
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

/* The stream being built, and the spans of it the content digest leaves out: byte
 * offsets [left_out[2k], left_out[2k+1]), in order. */
typedef struct stream {
    hh_buf md;
    const xmlNode *household;
    size_t *left_out;
    size_t n_left_out, cap;
} stream;

static void leave_out(stream *st, size_t from)
{
    if (st->n_left_out + 2 > st->cap) {
        st->cap = st->cap ? 2 * st->cap : 16;
        st->left_out = hh_xrealloc(st->left_out, st->cap * sizeof *st->left_out);
    }
    st->left_out[st->n_left_out++] = from;
    st->left_out[st->n_left_out++] = st->md.len;
}

/* Feeds the canonical stream of `n` and its following siblings, marking the
 * household's children named visit and the date of its child named enumeration. */
static void walk(stream *st, const xmlNode *n)
{
    hh_buf *md = &st->md;
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (!(only_space(n->content) && has_element_sibling(n)))
                feed(md, 'T', n->content);
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        int child = n->parent == st->household;
        int visit = child && xmlStrEqual(n->name, BAD_CAST "visit");
        int enumeration = child && xmlStrEqual(n->name, BAD_CAST "enumeration");
        size_t began = md->len;
        feed_name(md, '<', n->ns, n->name);
        const xmlAttr *attrs[MAX_SORTED_ATTRIBUTES];
        size_t count = 0;
        for (const xmlAttr *a = n->properties; a && count < MAX_SORTED_ATTRIBUTES; a = a->next)
            attrs[count++] = a;
        qsort(attrs, count, sizeof attrs[0], attribute_order);
        for (size_t i = 0; i < count; i++) {
            size_t attr_began = md->len;
            feed_name(md, '@', attrs[i]->ns, attrs[i]->name);
            for (const xmlNode *t = attrs[i]->children; t; t = t->next)
                feed(md, '=', t->content);
            if (enumeration && !attrs[i]->ns && xmlStrEqual(attrs[i]->name, BAD_CAST "date"))
                leave_out(st, attr_began);
        }
        walk(st, n->children);
        feed(md, '>', NULL);
        if (visit)
            leave_out(st, began);
    }
}

/* SHA-256 as OpenSSL implements it, looked up once: given EVP_sha256(), OpenSSL 3
 * looks the algorithm up again at every use (a lock and a table), which was a third
 * of an audit row's hashing. Kept for the life of the process. */
static EVP_MD *fetched_sha256;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    fetched_sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

static const EVP_MD *sha256(void)
{
    pthread_once(&sha256_once, fetch_sha256);
    return fetched_sha256 ? fetched_sha256 : EVP_sha256();
}

/* SHA-256 over the bytes of `data` outside the `n_gaps` spans [gaps[2k], gaps[2k+1]). */
static int sha256_hex_leaving_out(const char *data, size_t len, const size_t *gaps, size_t n_gaps, char hex[65])
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, sha256(), NULL);
    size_t from = 0;
    for (size_t k = 0; ok && k + 1 < n_gaps; k += 2) {
        ok = EVP_DigestUpdate(ctx, data + from, gaps[k] - from);
        from = gaps[k + 1];
    }
    ok = ok && EVP_DigestUpdate(ctx, data + from, len - from) && EVP_DigestFinal_ex(ctx, out, &n) && n == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < 32; i++) {
        hex[2 * i] = digits[out[i] >> 4];
        hex[2 * i + 1] = digits[out[i] & 15];
    }
    hex[64] = '\0';
    return 0;
}

int hh_sha256_hex(const void *data, size_t len, char hex[65])
{
    return sha256_hex_leaving_out(data, len, NULL, 0, hex);
}

int hh_form_digests(xmlDocPtr doc, char form_hex[65], char content_hex[65])
{
    const xmlNode *root = xmlDocGetRootElement(doc);
    stream st = { .household = root };
    hh_buf_init(&st.md);
    walk(&st, root);
    const char *data = st.md.data ? st.md.data : "";
    int rc = hh_sha256_hex(data, st.md.len, form_hex);
    if (rc == 0 && content_hex)
        rc = sha256_hex_leaving_out(data, st.md.len, st.left_out, st.n_left_out, content_hex);
    hh_buf_free(&st.md);
    free(st.left_out);
    return rc;
}
