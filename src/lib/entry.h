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
#include "form.h"
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
    /* whether it is asked for this household (index 0) or person/visit `index` */
    bool (*applies)(const hh_answers *a, int index);
} hh_question;

/* The questions of a scope, in order; *n gets their number. */
const hh_question *hh_questions(hh_q_scope scope, size_t *n);
const hh_question *hh_question_find(hh_q_scope scope, const char *key);
bool hh_question_applies(const hh_question *q, const hh_answers *a, int index);

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
void hh_answer_set_flag(hh_answers *a, const char *name, const char *value);

/* Writes the answers to `path` atomically (a temporary file, fsync, rename), 0600;
 * 0 or -1 with `err`. */
int hh_answers_save(const hh_answers *a, const char *path, hh_buf *err);
/* Reads a draft; NULL with `err` (1 in *missing when there is no such file). */
hh_answers *hh_answers_load(const char *path, int *missing, hh_buf *err);

/* --- the form ------------------------------------------------------------------------------ */

/* Age at the enumeration date of person `index`, or -1 when a date is missing. */
int hh_answers_age(const hh_answers *a, int index);

/* The form XML of the answers. With `placeholders`, a required item not answered
 * yet gets a valid stand-in value (and a form without persons a stand-in person),
 * so the form can be checked item by item; persons and visits after `upto_person`
 * / `upto_visit` (-1: all) are left out. */
char *hh_entry_form_xml(const hh_answers *a, bool placeholders, int upto_person, int upto_visit, size_t *len);

/* Fills answers from a stored household (for hhreg edit and visit). */
void hh_answers_from_household(hh_answers *a, const hh_household *h);

#endif
