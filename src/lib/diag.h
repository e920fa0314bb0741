/* diag.h — problems found in forms and stores, in both languages.
 *
 * A diagnostic names the file and line, the rule id, the item path (such as
 * `person[3]/birthDate`) and a message in English and Chinese; a problem of several
 * items (a child's birth date against the head's) also names the others, so a client
 * marks each and the worker chooses which to change. Diagnostics are
 * collected in an hh_diags list and printed in one of two formats:
 *   FILE:LINE: error|warning: [RULE-ID] PATH: message
 * or as JSON objects. Built-in messages (parser, store) come from the catalogue
 * messages.def through the typed functions of messages.h; rule messages come from
 * the rules file. */
#ifndef HH_DIAG_H
#define HH_DIAG_H

#include <stdio.h>
#include <stddef.h>
#include "json.h"
#include "util.h"

typedef enum { HH_ERROR, HH_WARNING } hh_severity;
typedef enum { HH_LANG_EN, HH_LANG_ZH } hh_lang;

typedef struct hh_diag {
    char *file;
    long line;           /* 0 when unknown */
    hh_severity severity;
    char *rule;
    char *path;          /* may be "" for whole-file problems */
    char *msg_en;
    char *msg_zh;
    char **also;         /* the other items the problem involves (paths), n_also of them */
    size_t n_also;
} hh_diag;

typedef struct hh_diags {
    hh_diag *items;
    size_t n, cap;
    size_t errors, warnings;
} hh_diags;

void hh_diags_init(hh_diags *d);
void hh_diags_free(hh_diags *d);
void hh_diags_clear(hh_diags *d);
/* Adds a diagnostic with both messages given; copies every string. */
void hh_diags_add(hh_diags *d, const char *file, long line, hh_severity sev,
                  const char *rule, const char *path, const char *en, const char *zh);
/* The same, taking (and in the end freeing) the two messages. */
void hh_diags_take(hh_diags *d, const char *file, long line, hh_severity sev,
                   const char *rule, const char *path, char *en, char *zh);
/* Names item `path` as involved in the last diagnostic added too (not its own path,
 * nor one named already). */
void hh_diags_also(hh_diags *d, const char *path);
/* Moves every item of `from` to the end of `to`; `from` is left empty. */
void hh_diags_move(hh_diags *to, hh_diags *from);

const char *hh_diag_message(const hh_diag *g, hh_lang lang);
void hh_diag_print(FILE *out, const hh_diag *g, hh_lang lang);
void hh_diag_json(hh_json *j, const hh_diag *g, hh_lang lang);    /* one object value */
/* The same with "messages": {"en", "zh"} too, for a client that switches language
 * after the answer came (the phone client keeps a refused form's diagnostics). */
void hh_diag_json_both(hh_json *j, const hh_diag *g, hh_lang lang);
/* "messages": {"en": en, "zh": zh} in the object open in `j`. */
void hh_json_messages(hh_json *j, const char *en, const char *zh);
/* "WHO: FILE: WHY" on a line of its own, for a file that could not be read. Printed
 * file names, paths and messages are escaped (hh_buf_put_printable); in JSON,
 * hh_buf_json_string keeps them valid. */
void hh_print_file_problem(FILE *out, const char *who, const char *file, const char *why);

/* The language of messages: "zh" or "en" if given, else from LC_ALL,
 * LC_MESSAGES or LANG (zh* means Chinese), else English. Returns -1 for an
 * unknown name. */
int hh_lang_parse(const char *name, hh_lang *out);
hh_lang hh_lang_from_env(void);

/* The text in `lang`; the compiler checks a format in both. */
static inline const char *hh_text(hh_lang lang, const char *en, const char *zh)
    __attribute__((format_arg(2), format_arg(3)));
static inline const char *hh_text(hh_lang lang, const char *en, const char *zh)
{
    return lang == HH_LANG_ZH ? zh : en;
}

/* The language of the reasons the library writes into an `err` buffer (a household
 * that is not there, a password too short, a plugin that will not load). A program
 * says it once, before it starts threads (hhreg's --lang, else the locale); a thread
 * answering one request may say its own for itself (the server: the request's
 * Accept-Language), which holds until it says another. English until said.
 * The system's reasons are told by hh_system_reason; SQLite's stay as SQLite gives them. */
void hh_reasons_speak(hh_lang lang);
void hh_reasons_speak_here(hh_lang lang);
hh_lang hh_reasons_lang(void);
/* hh_text in the reasons' language: hh_buf_printf(err, hh_tr("no household %s", "没有住户 %s"), id) */
const char *hh_tr(const char *en, const char *zh) __attribute__((format_arg(1), format_arg(2)));
/* strerror's reason in the reasons' language: in Chinese for the reasons a user meets
 * when a file, directory or address cannot be used ("没有那个文件或目录"), else as
 * strerror gives it. */
const char *hh_system_reason(int errnum);
/* A signal's name in the reasons' language (strsignal's in English): "Terminated", "终止". */
const char *hh_signal_name(int sig);

#endif
