/* entry_answers.c — the answers of guided entry and their draft file (entry.h).
 *
 * An answer's full key is "h.KEY" (household, and after the roster), "pN.KEY"
 * (person N), "vN.KEY" (visit N) or "flag.NAME". The draft file holds one
 * "KEY<TAB>VALUE" line per answer, in the order given, with backslash, tab and
 * line breaks escaped; it is replaced atomically after every answer. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dates.h"
#include "entry.h"
#include "gb11643.h"

typedef struct answer {
    char *key, *value;
} answer;

struct hh_answers {
    answer *items;
    size_t n, cap;
};

hh_answers *hh_answers_new(void)
{
    return hh_xcalloc(1, sizeof(hh_answers));
}

void hh_answers_free(hh_answers *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < a->n; i++) {
        free(a->items[i].key);
        free(a->items[i].value);
    }
    free(a->items);
    free(a);
}

static char *full_key(hh_q_scope scope, int index, const char *key)
{
    switch (scope) {
    case HH_SCOPE_PERSON: return hh_xasprintf("p%d.%s", index, key);
    case HH_SCOPE_VISIT: return hh_xasprintf("v%d.%s", index, key);
    default: return hh_xasprintf("h.%s", key);
    }
}

static answer *find(const hh_answers *a, const char *key)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i].key, key) == 0)
            return &a->items[i];
    return NULL;
}

static void set(hh_answers *a, char *key, const char *value)
{
    answer *found = find(a, key);
    if (found) {
        free(key);
        free(found->value);
        found->value = hh_xstrdup(value);
        return;
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 64;
        a->items = hh_xrealloc(a->items, a->cap * sizeof *a->items);
    }
    a->items[a->n].key = key;
    a->items[a->n++].value = hh_xstrdup(value);
}

const char *hh_answer(const hh_answers *a, hh_q_scope scope, int index, const char *key)
{
    char *k = full_key(scope, index, key);
    answer *found = find(a, k);
    free(k);
    return found ? found->value : NULL;
}

void hh_answer_set(hh_answers *a, hh_q_scope scope, int index, const char *key, const char *value)
{
    set(a, full_key(scope, index, key), value);
}

static void unset(hh_answers *a, char *key)
{
    answer *found = find(a, key);
    free(key);
    if (!found)
        return;
    free(found->key);
    free(found->value);
    size_t at = (size_t)(found - a->items);
    memmove(found, found + 1, (a->n - at - 1) * sizeof *found);
    a->n--;
}

void hh_answer_unset(hh_answers *a, hh_q_scope scope, int index, const char *key)
{
    unset(a, full_key(scope, index, key));
}

const char *hh_answer_flag(const hh_answers *a, const char *name)
{
    char *k = hh_xasprintf("flag.%s", name);
    answer *found = find(a, k);
    free(k);
    return found ? found->value : NULL;
}

void hh_answer_set_flag(hh_answers *a, const char *name, const char *value)
{
    if (value)
        set(a, hh_xasprintf("flag.%s", name), value);
    else
        unset(a, hh_xasprintf("flag.%s", name));
}

/* The item number of a "pN." or "vN." key of `scope`, else 0. */
static int item_of(const char *key, hh_q_scope scope)
{
    char prefix = scope == HH_SCOPE_PERSON ? 'p' : 'v';
    if (key[0] != prefix)
        return 0;
    char *end;
    long n = strtol(key + 1, &end, 10);
    return *end == '.' && n > 0 ? (int)n : 0;
}

int hh_answers_count(const hh_answers *a, hh_q_scope scope)
{
    int most = 0;
    for (size_t i = 0; i < a->n; i++) {
        int n = item_of(a->items[i].key, scope);
        if (n > most)
            most = n;
    }
    return most;
}

void hh_answers_remove_item(hh_answers *a, hh_q_scope scope, int index)
{
    size_t kept = 0;
    for (size_t i = 0; i < a->n; i++) {
        answer it = a->items[i];
        int n = item_of(it.key, scope);
        if (n == index) {
            free(it.key);
            free(it.value);
            continue;
        }
        if (n > index) { /* renumber the later ones */
            char *renamed = hh_xasprintf("%c%d%s", it.key[0], n - 1, strchr(it.key, '.'));
            free(it.key);
            it.key = renamed;
        }
        a->items[kept++] = it;
    }
    a->n = kept;
}

/* --- the draft file ---------------------------------------------------------------------- */

static void escaped(hh_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '\\': hh_buf_puts(b, "\\\\"); break;
        case '\t': hh_buf_puts(b, "\\t"); break;
        case '\n': hh_buf_puts(b, "\\n"); break;
        case '\r': hh_buf_puts(b, "\\r"); break;
        default: hh_buf_putc(b, *s);
        }
    }
}

static void unescape(char *s)
{
    char *out = s;
    for (; *s; s++) {
        if (*s == '\\' && s[1]) {
            s++;
            *out++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
        } else {
            *out++ = *s;
        }
    }
    *out = '\0';
}

int hh_answers_save(const hh_answers *a, const char *path, hh_buf *err)
{
    hh_buf text;
    hh_buf_init(&text);
    hh_buf_puts(&text, "# hhreg entry draft 1\n");
    for (size_t i = 0; i < a->n; i++) {
        escaped(&text, a->items[i].key);
        hh_buf_putc(&text, '\t');
        escaped(&text, a->items[i].value);
        hh_buf_putc(&text, '\n');
    }
    char *tmp = hh_xasprintf("%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int rc = -1;
    if (fd >= 0) {
        size_t done = 0;
        while (done < text.len) {
            ssize_t n = write(fd, text.data + done, text.len - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            done += (size_t)n;
        }
        rc = done == text.len && fsync(fd) == 0 ? 0 : -1;
        if (close(fd) != 0)
            rc = -1;
        if (rc == 0 && rename(tmp, path) != 0)
            rc = -1;
    }
    if (rc != 0) {
        hh_buf_printf(err, hh_tr("%s: the draft cannot be saved: %s", "%s：无法保存草稿：%s"), path, hh_system_reason(errno));
        unlink(tmp);
    }
    free(tmp);
    hh_buf_free(&text);
    return rc;
}

hh_answers *hh_answers_load(const char *path, int *missing, hh_buf *err)
{
    *missing = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        *missing = errno == ENOENT;
        hh_buf_printf(err, "%s: %s", path, hh_system_reason(errno));
        return NULL;
    }
    hh_answers *a = hh_answers_new();
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long number = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        number++;
        if (len && line[len - 1] == '\n')
            line[--len] = '\0';
        if (number == 1 && strcmp(line, "# hhreg entry draft 1") != 0) {
            hh_buf_printf(err, hh_tr("%s:1: not an hhreg entry draft", "%s:1：不是 hhreg 录入草稿"), path);
            hh_answers_free(a);
            a = NULL;
            break;
        }
        char *tab = strchr(line, '\t');
        if (number == 1 || !tab)
            continue;
        *tab = '\0';
        unescape(line);
        unescape(tab + 1);
        set(a, hh_xstrdup(line), tab + 1);
    }
    free(line);
    fclose(f);
    return a;
}

int hh_answers_age(const hh_answers *a, int index)
{
    const char *birth = hh_answer(a, HH_SCOPE_PERSON, index, "birth-date");
    const char *on = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date");
    hhreg_date b, e;
    if (!birth || !on || !hhreg_date_parse(birth, false, &b) || !hhreg_date_parse(on, false, &e))
        return -1;
    return hhreg_date_years(b, e);
}

const char *hh_answers_from_resident_id(const hh_answers *a, int index, const char *key, char date[11])
{
    const char *type = hh_answer(a, HH_SCOPE_PERSON, index, "document-type");
    const char *id = hh_answer(a, HH_SCOPE_PERSON, index, "document-number");
    if (!id || !type || strcmp(type, "resident-id") != 0 || !hh_gb11643_valid(id))
        return NULL;
    if (strcmp(key, "sex") == 0) {
        char sex = hh_gb11643_sex(id);
        return sex == 'm' ? "male" : sex == 'f' ? "female" : NULL;
    }
    hhreg_date d;
    if (strcmp(key, "birth-date") != 0 || !hh_gb11643_birth(id, &d))
        return NULL;
    hh_date_format(d, date);
    return date;
}

bool hh_answers_follow_resident_id(hh_answers *a, int index, const char *before)
{
    char now_born[11], then_born[11];
    const char *sex = hh_answers_from_resident_id(a, index, "sex", now_born);
    const char *born = sex ? hh_answers_from_resident_id(a, index, "birth-date", now_born) : NULL;
    hhreg_date d;
    if (!born || !before || !hh_gb11643_valid(before) || !hh_gb11643_birth(before, &d))
        return false;
    hh_date_format(d, then_born);
    const char *then_sex = hh_gb11643_sex(before) == 'm' ? "male" : "female";
    const char *answered_sex = hh_answer(a, HH_SCOPE_PERSON, index, "sex");
    const char *answered_born = hh_answer(a, HH_SCOPE_PERSON, index, "birth-date");
    if (!answered_sex || !answered_born || strcmp(answered_sex, then_sex) != 0 || strcmp(answered_born, then_born) != 0)
        return false; /* typed apart from the number: a disagreement the rules tell */
    if (strcmp(answered_sex, sex) == 0 && strcmp(answered_born, born) == 0)
        return false;
    hh_answer_set(a, HH_SCOPE_PERSON, index, "sex", sex);
    hh_answer_set(a, HH_SCOPE_PERSON, index, "birth-date", born);
    return true;
}
