/* util.h — allocation that never returns NULL, and a growable string buffer.
 *
 * Invariants of hh_buf: `data` is never NULL after hh_buf_init and is always
 * NUL-terminated; `len` excludes the terminator. Ownership leaves a buffer only
 * through hh_buf_detach, which hands over the memory and leaves the buffer as
 * hh_buf_free does: initialise it again before any other use. */
#ifndef HH_UTIL_H
#define HH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* Says "out of memory" and aborts: what the hh_x functions do when memory runs out. */
void hh_out_of_memory(void) __attribute__((noreturn));
void *hh_xmalloc(size_t n);
void *hh_xcalloc(size_t n, size_t size);
void *hh_xrealloc(void *p, size_t n);
char *hh_xstrdup(const char *s);            /* NULL in, NULL out */
char *hh_xstrndup(const char *s, size_t n);
char *hh_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct hh_buf {
    char *data;
    size_t len;
    size_t cap;
} hh_buf;

void hh_buf_init(hh_buf *b);
void hh_buf_free(hh_buf *b);
void hh_buf_reset(hh_buf *b);                /* empty, keep the memory */
/* Room for `extra` more bytes without growing again: for a length known ahead. */
void hh_buf_reserve(hh_buf *b, size_t extra);
void hh_buf_append(hh_buf *b, const void *data, size_t n);
void hh_buf_puts(hh_buf *b, const char *s);  /* NULL appends nothing */
void hh_buf_putc(hh_buf *b, char c);
void hh_buf_printf(hh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hh_buf_vprintf(hh_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Appends s as a JSON string literal, quotes included; NULL appends `null`.
 * Always valid JSON that no terminal acts on: controls (C0, DEL, C1) are written
 * as \\uXXXX, and each byte that is not part of well-formed UTF-8 as \\ufffd. */
void hh_buf_json_string(hh_buf *b, const char *s);
/* Appends s (NULL: nothing) for a terminal or a log, as a file name in a message:
 * well-formed UTF-8 text as it is; each byte of a control character (C0, DEL, C1)
 * and each byte that is not well-formed UTF-8 as \\xNN, so no escape sequence
 * reaches a terminal. */
void hh_buf_put_printable(hh_buf *b, const char *s);
/* s as hh_buf_put_printable writes it, malloc'd: for a name given to printf. */
char *hh_printable(const char *s);
char *hh_buf_detach(hh_buf *b);              /* caller frees; b is then released */

/* Whether `s` is text a person typed, fit to keep and show: well-formed UTF-8
 * without control characters (C0, DEL, C1; `lines`: but for line feeds) and
 * without the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), which make text display as other text ("Trojan Source"). */
typedef enum { HH_TEXT_OK, HH_TEXT_CONTROL, HH_TEXT_NOT_UTF8, HH_TEXT_DIRECTION } hh_text_fault;
hh_text_fault hh_text_check(const char *s, bool lines);

/* `s` with the forms of ASCII a Chinese input method types made ASCII, in place:
 * the full-width digits and Latin letters (５４３, ＩＤ: U+FF10-FF19, FF21-FF3A,
 * FF41-FF5A), the full-width form of each character of `punct` ("-+" makes －
 * and ＋ ASCII) and the ideographic space U+3000. Any other character — Chinese
 * punctuation (，。（）) unless `punct` names it — stays as typed. The form's
 * numbers, codes, dates and rooms are ASCII: a room typed in full width was stored
 * as typed and found by no search. Returns the new length (never longer). */
size_t hh_ascii_forms(char *s, const char *punct);

/* An arena for many short-lived strings: copies are freed all at once by
 * hh_arena_reset (which keeps the memory for reuse) or hh_arena_free. */
typedef struct hh_arena {
    struct hh_arena_chunk *chunks;
} hh_arena;

void hh_arena_init(hh_arena *a);
char *hh_arena_strdup(hh_arena *a, const char *s);   /* NULL in, NULL out */
void hh_arena_reset(hh_arena *a);
void hh_arena_free(hh_arena *a);

#endif
