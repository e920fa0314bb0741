/* util.c — allocation helpers that stop the program on exhaustion (a registration
 * tool cannot do anything useful without memory, and half-handled NULLs are where
 * bugs hide) and the hh_buf string buffer used for all text building. */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

void hh_out_of_memory(void)
{
    fputs(hh_tr("hhreg: out of memory\n", "hhreg：内存不足\n"), stderr);
    abort();
}

void *hh_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        hh_out_of_memory();
    return p;
}

void *hh_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        hh_out_of_memory();
    return p;
}

void *hh_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        hh_out_of_memory();
    return q;
}

char *hh_xstrdup(const char *s)
{
    return s ? hh_xstrndup(s, strlen(s)) : NULL;
}

char *hh_xstrndup(const char *s, size_t n)
{
    char *p = hh_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *hh_xasprintf(const char *fmt, ...)
{
    hh_buf b;
    va_list ap;
    hh_buf_init(&b);
    va_start(ap, fmt);
    hh_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return hh_buf_detach(&b);
}

void hh_buf_init(hh_buf *b)
{
    b->cap = 64;
    b->len = 0;
    b->data = hh_xmalloc(b->cap);
    b->data[0] = '\0';
}

void hh_buf_free(hh_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void hh_buf_reset(hh_buf *b)
{
    b->len = 0;
    b->data[0] = '\0';
}

static void set_capacity(hh_buf *b, size_t cap)
{
    b->data = hh_xrealloc(b->data, cap);
    b->cap = cap;
}

/* Room for `extra` more bytes, the capacity doubled as often as it takes. */
static void reserve(hh_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap;
    while (cap < b->len + extra + 1)
        cap *= 2;
    set_capacity(b, cap);
}

void hh_buf_reserve(hh_buf *b, size_t extra)
{
    if (b->len + extra + 1 > b->cap)
        set_capacity(b, b->len + extra + 1);
}

void hh_buf_append(hh_buf *b, const void *data, size_t n)
{
    reserve(b, n);
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void hh_buf_puts(hh_buf *b, const char *s)
{
    if (s)
        hh_buf_append(b, s, strlen(s));
}

void hh_buf_putc(hh_buf *b, char c)
{
    hh_buf_append(b, &c, 1);
}

void hh_buf_vprintf(hh_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n > 0) {
        reserve(b, (size_t)n);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void hh_buf_printf(hh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    hh_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* The length of the well-formed UTF-8 sequence at p (1-4), or 0 when the bytes
 * there are not one: a stray continuation byte, an overlong form, a surrogate, a
 * code point past U+10FFFF or a sequence cut short. */
static size_t utf8_sequence(const unsigned char *p)
{
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC2 ? 2 : 0;
    if (n == 0 || p[0] > 0xF4)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) || (p[0] == 0xF0 && p[1] < 0x90) ||
        (p[0] == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}

/* True for the characters a terminal acts on: C0 controls, DEL and C1 controls
 * (U+0080-U+009F, two bytes in UTF-8). `n` is the sequence's length. */
static int is_control(const unsigned char *p, size_t n)
{
    return (n == 1 && (p[0] < 0x20 || p[0] == 0x7F)) || (n == 2 && p[0] == 0xC2 && p[1] < 0xA0);
}

/* True for U+202A-U+202E and U+2066-U+2069 (three bytes in UTF-8). */
static int is_direction_override(const unsigned char *p, size_t n)
{
    return n == 3 && p[0] == 0xE2 &&
           ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) || (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9));
}

size_t hh_ascii_forms(char *s, const char *punct)
{
    char *o = s;
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (p[0] == 0xEF && (p[1] == 0xBC || p[1] == 0xBD) && p[2] >= 0x80 && p[2] <= 0xBF) {
            unsigned c = (0xFF00u | ((p[1] & 0x03u) << 6) | (p[2] & 0x3Fu)) - 0xFF01u + 0x21u; /* U+FF01-FF5E */
            if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                (c > ' ' && c < 0x7F && strchr(punct, (int)c))) {
                *o++ = (char)c;
                p += 3;
                continue;
            }
        } else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) {
            *o++ = ' ';
            p += 3;
            continue;
        }
        *o++ = (char)*p++;
    }
    *o = '\0';
    return (size_t)(o - s);
}

hh_text_fault hh_text_check(const char *s, bool lines)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_sequence(p);
        if (!n)
            return HH_TEXT_NOT_UTF8;
        if (is_control(p, n) && !(lines && *p == '\n'))
            return HH_TEXT_CONTROL;
        if (is_direction_override(p, n))
            return HH_TEXT_DIRECTION;
        p += n;
    }
    return HH_TEXT_OK;
}

void hh_buf_json_string(hh_buf *b, const char *s)
{
    if (!s) {
        hh_buf_puts(b, "null");
        return;
    }
    hh_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        /* a run of characters that need no escape goes in at once */
        const unsigned char *run = p;
        size_t n;
        while ((n = utf8_sequence(p)) && !is_control(p, n) && *p != '"' && *p != '\\')
            p += n;
        hh_buf_append(b, run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '"': hh_buf_puts(b, "\\\""); break;
        case '\\': hh_buf_puts(b, "\\\\"); break;
        case '\n': hh_buf_puts(b, "\\n"); break;
        case '\r': hh_buf_puts(b, "\\r"); break;
        case '\t': hh_buf_puts(b, "\\t"); break;
        default:
            if (n == 0)
                hh_buf_puts(b, "\\ufffd");    /* not UTF-8: the replacement character */
            else
                hh_buf_printf(b, "\\u%04x", n == 1 ? p[0] : p[1]);
        }
        p += n ? n : 1;
    }
    hh_buf_putc(b, '"');
}

void hh_buf_put_printable(hh_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t n = utf8_sequence(p);
        if (n && !is_control(p, n)) {
            hh_buf_append(b, p, n);
            p += n;
        } else {
            for (size_t i = 0; i < (n ? n : 1); i++)
                hh_buf_printf(b, "\\x%02x", *p++);
        }
    }
}

char *hh_printable(const char *s)
{
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_put_printable(&b, s);
    hh_buf_putc(&b, '\0');
    return hh_buf_detach(&b);
}

struct hh_arena_chunk {
    struct hh_arena_chunk *next;
    size_t used, size;
    char data[];
};

void hh_arena_init(hh_arena *a)
{
    a->chunks = NULL;
}

char *hh_arena_strdup(hh_arena *a, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    struct hh_arena_chunk *c = a->chunks;
    if (!c || c->size - c->used < n) {
        size_t size = n > 16384 ? n : 16384;
        c = hh_xmalloc(sizeof *c + size);
        c->next = a->chunks;
        c->used = 0;
        c->size = size;
        a->chunks = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, n);
    c->used += n;
    return p;
}

void hh_arena_reset(hh_arena *a)
{
    if (!a->chunks)
        return;
    struct hh_arena_chunk *keep = a->chunks;
    while (keep->next) {
        struct hh_arena_chunk *next = keep->next;
        keep->next = next->next;
        free(next);
    }
    keep->used = 0;
}

void hh_arena_free(hh_arena *a)
{
    while (a->chunks) {
        struct hh_arena_chunk *next = a->chunks->next;
        free(a->chunks);
        a->chunks = next;
    }
}

char *hh_buf_detach(hh_buf *b)
{
    char *p = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
