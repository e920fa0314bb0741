/* entry.h — the model of guided data entry (hhreg enter, edit, visit): the
 * questions of the household form in the order an enumerator asks them, which of
 * them apply to a person (by age, nationality, …), the answers given so far —
 * kept in a draft file rewritten after every answer so nothing typed is lost —
 * and the form XML made from them. The form is then checked by the validator and
 * stored by the importer, exactly like a form that came in a file.
 *
 * Answers are strings keyed by scope and question: the household's, person N's
 * (1-based) or visit N's. An answer may be "" (asked, left empty: an optional
 * item not given). Code lists and their labels come from the form schema. */
#ifndef HH_ENTRY_H
#define HH_ENTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "code_labels.h"
#include "diag.h"
#include "form.h"
#include "items.h"
#include "util.h"

typedef enum { HH_Q_TEXT, HH_Q_CODE, HH_Q_DATE, HH_Q_MONTH, HH_Q_INT, HH_Q_DECIMAL, HH_Q_BOOL } hh_q_kind;
typedef enum { HH_SCOPE_HOUSEHOLD, HH_SCOPE_PERSON, HH_SCOPE_VISIT, HH_SCOPE_AFTER_ROSTER } hh_q_scope;

typedef struct hh_answers hh_answers;

typedef struct hh_question {
    const char *key;           /* unique within its scope, e.g. "birth-date" */
    hh_q_scope scope;
    hh_q_kind kind;
    const char *path;          /* the item in the form, relative to the scope: an element
                                  path, "/@name" for an attribute ("document/@type") */
    const char *code_list;     /* HH_Q_CODE: the schema's type, e.g. "SexCode" */
    const char *en, *zh;       /* the question */
    bool optional;             /* may be left empty */
    double min, max;           /* HH_Q_INT / HH_Q_DECIMAL bounds; HH_Q_TEXT: max characters */
    hh_item_when when;         /* when it is asked (hh_question_applies) */
} hh_question;

/* The questions of a scope, in the order of the conversation; *n gets their number.
 * An item's question is its row of HH_ITEM_QUESTIONS (items.def). */
const hh_question *hh_questions(hh_q_scope scope, size_t *n);
const hh_question *hh_question_find(hh_q_scope scope, const char *key);
/* Whether `q` is one of the optional extras (the household's floor area,
 * preferred language and needs; a person's phone, languages and notes) that the
 * terminal offers together in one question rather than one at a time. */
bool hh_question_extra(const hh_question *q);
/* Whether `q` is asked for this household (index 0) or person/visit `index`. */
bool hh_question_applies(const hh_question *q, const hh_answers *a, int index);

/* What each hh_item_when means, as data: the one definition, which
 * hh_question_applies reads and GET /api/v1/items serves to the phone client.
 * AGE: asked when the person's age is not known yet or at least `min_age`.
 * EQUALS / NOT_EQUALS: answer `key` of `scope` (the household's, or the person's
 * own) compared with `value`; `or_absent` asks it too while `key` is unanswered
 * (NOT_EQUALS always does). NONE_OF: as NOT_EQUALS, against each of `none_of`. */
typedef enum { HH_COND_ALWAYS, HH_COND_AGE, HH_COND_EQUALS, HH_COND_NOT_EQUALS, HH_COND_NONE_OF } hh_condition_op;
typedef struct hh_condition {
    hh_item_when when;
    const char *name;          /* "AGE_15": as items.def names it */
    hh_condition_op op;
    int min_age;
    hh_q_scope scope;
    const char *key, *value;
    bool or_absent;
    const char *const *none_of; /* NONE_OF: the values, NULL-terminated */
} hh_condition;
/* The conditions, one per hh_item_when, in its order; *n their number. */
const hh_condition *hh_conditions(size_t *n);
/* Whether enumeration status `status` records nobody (nobody home, refused): the
 * statuses under which the household's answers (ANSWERED) are not asked. */
bool hh_status_records_nobody(const char *status);

/* A question asked of the household (index 0, also for a question after the roster)
 * or of person / visit `index`. */
typedef struct hh_entry_target {
    const hh_question *q;
    hh_q_scope scope; /* where the answer is kept: HH_SCOPE_HOUSEHOLD, PERSON or VISIT */
    int index;
} hh_entry_target;

/* The questions a diagnostic involves, that are asked of these answers: those of
 * its item, and for a rule comparing items (the birth date with the ID number's, a
 * child's with the head's, …) those of every other item it names (hh_diag.also, from
 * the rules file's <also>). At most `max` go to `out`; returns their number. The
 * worker chooses which of them to change. */
size_t hh_entry_involved(const hh_answers *a, const hh_diag *g, hh_entry_target *out, size_t max);

/* The answer to `q` for the text a worker typed (trimmed), forgiving the ways people
 * write: dates as 1942/3/15, 1942-3-15, 19420315 or 1942年3月15日 (months alike);
 * document numbers in lower case; a code by its number in the list shown (only
 * `by_number`: a terminal's menu; a client of the API shows none), itself or its English or
 * Chinese label (as shown for the default), any case; a nationality by its ISO
 * 3166 code or the country's name in English or Chinese ("Pakistan", "巴基斯坦" →
 * PAK); in a list of more than HH_CODE_LIST_LONG codes (ethnicity: 58), the start
 * of an English label or part of a Chinese one ("Uyg", "维吾尔") when it matches
 * one code alone. A near miss ("PKA") is refused with the codes it may mean; an item with a
 * form (codes of digits, phones, language tags, ids) is refused with a plain reason.
 * Then as hh_entry_parse_answer (entry_session.h): NULL with the reason in `lang`
 * in `why`, which never quotes the text. `labels`: the form schema's code lists. */
char *hh_entry_parse_typed(const hh_question *q, const char *text, const hh_code_labels *labels, bool by_number,
                           hh_lang lang, char *why, size_t why_len);
/* The countries a nationality is typed as (ISO 3166-1 alpha-3, from countries.def):
 * the code, its English name, its common English name or "", its Chinese name or "". */
typedef struct hh_country {
    const char *code, *en, *common, *zh;
} hh_country;
const hh_country *hh_countries(size_t *n);
/* Whether question q's answer is a country's code (the nationality). */
bool hh_question_is_country(const hh_question *q);
/* The form question q's answer must have (its schema type's pattern) as an extended
 * regular expression anchored at both ends, and the plain reason given for text not of
 * that form in English (*en) and Chinese (*zh); NULL when its item has no pattern. */
const char *hh_question_form(const hh_question *q, const char **en, const char **zh);
/* A code list longer than this is searched by typing, not listed at every question. */
#define HH_CODE_LIST_LONG 20
/* The number a terminal's menu shows for code `i` of `codes` (NULL-terminated): the
 * code itself where every code is a number (education's ISCED levels 0-8), so that a
 * number typed means one level whether it is read as the code or as the menu's
 * number; else i + 1. */
long hh_code_menu_number(const char *const *codes, size_t i);

/* --- answers and the draft file -------------------------------------------------------- */

hh_answers *hh_answers_new(void);
void hh_answers_free(hh_answers *a);
/* The answer, or NULL when not asked yet. `index` is 0 for household answers. */
const char *hh_answer(const hh_answers *a, hh_q_scope scope, int index, const char *key);
void hh_answer_set(hh_answers *a, hh_q_scope scope, int index, const char *key, const char *value);
/* Forgets an answer: the question is asked again. */
void hh_answer_unset(hh_answers *a, hh_q_scope scope, int index, const char *key);
/* Forgets every answer of a scope's item `index` (and renumbers the later ones). */
void hh_answers_remove_item(hh_answers *a, hh_q_scope scope, int index);
/* Persons (or visits) with at least one answer. */
int hh_answers_count(const hh_answers *a, hh_q_scope scope);
/* Answers that steer the flow rather than fill the form ("stage", "roster", …). */
const char *hh_answer_flag(const hh_answers *a, const char *name);
void hh_answer_set_flag(hh_answers *a, const char *name, const char *value); /* NULL: drops it */

/* Writes the answers to `path` atomically (a temporary file, fsync, rename), 0600;
 * 0 or -1 with `err`. */
int hh_answers_save(const hh_answers *a, const char *path, hh_buf *err);
/* Reads a draft; NULL with `err` (1 in *missing when there is no such file). */
hh_answers *hh_answers_load(const char *path, int *missing, hh_buf *err);

/* --- the form ------------------------------------------------------------------------------ */

/* Age at the enumeration date of person `index`, or -1 when a date is missing. */
int hh_answers_age(const hh_answers *a, int index);
/* The sex ("male", "female") or birth date (YYYY-MM-DD, written into `date`) that
 * person `index`'s resident ID number says, for `key` "sex" or "birth-date"; NULL
 * without a valid resident ID (GB 11643) or for another key. */
const char *hh_answers_from_resident_id(const hh_answers *a, int index, const char *key, char date[11]);
/* Person `index`'s resident ID number was changed from `before`: when the sex and
 * birth date answered are those `before` held (taken from it), they become those the
 * new number holds. Whether they changed. */
bool hh_answers_follow_resident_id(hh_answers *a, int index, const char *before);

/* The form XML of the answers. With `placeholders`, a required item not answered
 * yet gets a valid stand-in value (and a form without persons a stand-in person),
 * so the form can be checked item by item; persons and visits after `upto_person`
 * / `upto_visit` (-1: all) are left out. */
char *hh_entry_form_xml(const hh_answers *a, bool placeholders, int upto_person, int upto_visit, size_t *len);
/* The form XML of every answer given, whether its question would be asked or not
 * (a form sent as JSON: what the sender says is checked by the rules, never
 * dropped), without stand-ins. */
char *hh_entry_form_xml_as_given(const hh_answers *a, size_t *len);

/* Fills answers from a stored household (for hhreg edit and visit). */
void hh_answers_from_household(hh_answers *a, const hh_household *h);

#endif
