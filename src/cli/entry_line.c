/* entry_line.c — see entry_line.h. libedit (Debian libedit-dev, BSD licence) does
 * the line editing; its characters come through read_key, which waits in poll
 * like the plain reader, so a stop is seen within 250 ms. The locale's character
 * type must be UTF-8 for libedit to take Chinese as characters: where the
 * environment names none (LANG unset), C.UTF-8 is used. */
#define _GNU_SOURCE
#include "entry_line.h"

#include <errno.h>
#include <histedit.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include "util.h"

#define SKIP_MAX (64L * 1024)
#define HISTORY_SIZE 200

struct entry_line {
    FILE *in, *out;
    volatile sig_atomic_t *stop;
    EditLine *el;           /* NULL when `in` is not a terminal */
    History *history;
    char *prompt;           /* what the prompt function shows */
    bool long_line;         /* the plain reader stopped skipping inside a line */
    mbstate_t state;
    /* the plain reader's bytes read and not yet taken: a block per read(), not a
     * byte (one poll and one read a byte cost 1.3 million system calls and 25 s of
     * CPU under valgrind for 20 endless answers) */
    unsigned char buf[4096];
    size_t pos, end;
};

/* Waits until `fd` can be read; false when *stop is set. */
static bool wait_for_input(entry_line *l, int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    while (!*l->stop) {
        int n = poll(&p, 1, 250);
        if (n > 0 || (n < 0 && errno != EINTR))
            return true; /* readable, at its end, or not pollable: read() says which */
    }
    return false;
}

/* libedit's reader: one character, decoded from the bytes read; 1, 0 at the end,
 * -1 on a stop or an error. */
static int read_key(EditLine *el, wchar_t *c)
{
    entry_line *l;
    el_get(el, EL_CLIENTDATA, &l);
    for (;;) {
        unsigned char byte;
        if (!wait_for_input(l, fileno(l->in)))
            return -1;
        ssize_t n = read(fileno(l->in), &byte, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return (int)n;
        size_t got = mbrtowc(c, (const char *)&byte, 1, &l->state);
        if (got == (size_t)-2)
            continue; /* more bytes of the character to come */
        if (got == (size_t)-1) { /* not UTF-8: passed on as it is, refused with the answer */
            memset(&l->state, 0, sizeof l->state);
            *c = (wchar_t)byte;
        }
        return 1;
    }
}

static char *show_prompt(EditLine *el)
{
    entry_line *l;
    el_get(el, EL_CLIENTDATA, &l);
    return l->prompt ? l->prompt : "";
}

/* A UTF-8 character type for libedit: the environment's, else C.UTF-8. */
static bool utf8_ctype(void)
{
    if (setlocale(LC_CTYPE, "") && strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
        return true;
    return setlocale(LC_CTYPE, "C.UTF-8") != NULL;
}

entry_line *entry_line_open(FILE *in, FILE *out, volatile sig_atomic_t *stop)
{
    entry_line *l = hh_xcalloc(1, sizeof *l);
    l->in = in;
    l->out = out;
    l->stop = stop;
    setvbuf(in, NULL, _IONBF, 0); /* nothing read ahead by stdio: waiting is a poll of the descriptor */
    if (!isatty(fileno(in)) || !isatty(fileno(out)) || !utf8_ctype())
        return l;
    l->el = el_init("hhreg", in, out, stderr);
    if (!l->el)
        return l;
    HistEvent ev;
    l->history = history_init();
    history(l->history, &ev, H_SETSIZE, HISTORY_SIZE);
    history(l->history, &ev, H_SETUNIQUE, 1);
    el_set(l->el, EL_CLIENTDATA, l);
    el_set(l->el, EL_EDITOR, "emacs");
    el_set(l->el, EL_HIST, history, l->history);
    el_set(l->el, EL_PROMPT, show_prompt);
    el_set(l->el, EL_GETCFN, read_key);
    return l;
}

void entry_line_close(entry_line *l)
{
    if (!l)
        return;
    if (l->el)
        el_end(l->el);
    if (l->history)
        history_end(l->history);
    free(l->prompt);
    free(l);
}

void entry_line_remember(entry_line *l, const char *answer)
{
    HistEvent ev;
    if (l->history && *answer)
        history(l->history, &ev, H_ENTER, answer);
}

/* The plain reader's next byte; EOF at the end of input, on an error or a stop. */
static int next_plain_byte(entry_line *l)
{
    while (l->pos == l->end) {
        if (!wait_for_input(l, fileno(l->in)))
            return EOF;
        ssize_t n = read(fileno(l->in), l->buf, sizeof l->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return EOF;
        l->pos = 0;
        l->end = (size_t)n;
    }
    return l->buf[l->pos++];
}

/* The plain reader: bytes up to a newline, a line too long skipped. */
static long read_plain(entry_line *l, char *line, size_t max)
{
    long len = 0, skipped = 0;
    bool skipping = l->long_line;
    int c = EOF;
    while ((c = next_plain_byte(l)) != EOF && c != '\n') {
        if (!skipping && (size_t)len < max) {
            line[len++] = (char)c;
        } else {
            skipping = true;
            if (++skipped >= SKIP_MAX)
                break;
        }
    }
    if (*l->stop)
        return -1;
    l->long_line = skipped >= SKIP_MAX;
    line[len] = '\0';
    if (c == EOF && len == 0 && !skipping)
        return -1;
    return skipping ? -2 : len;
}

/* Every line read as meant: full-width digits, letters and - + / . and the
 * ideographic space as ASCII (util.h: hh_ascii_forms). Returns the new length. */
static long as_meant(char *line)
{
    return (long)hh_ascii_forms(line, "-+/.");
}

long entry_line_read(entry_line *l, const char *prompt, char *line, size_t max)
{
    if (!l->el) {
        fputs(prompt, l->out);
        fflush(l->out);
        long len = read_plain(l, line, max);
        return len > 0 ? as_meant(line) : len;
    }
    free(l->prompt);
    l->prompt = hh_xstrdup(prompt);
    fflush(l->out);
    int count = 0;
    const char *got = el_gets(l->el, &count);
    if (*l->stop || !got || count < 0)
        return -1;
    size_t len = strlen(got);
    while (len && (got[len - 1] == '\n' || got[len - 1] == '\r'))
        len--;
    if (len > max)
        return -2;
    memcpy(line, got, len);
    line[len] = '\0';
    return as_meant(line);
}
