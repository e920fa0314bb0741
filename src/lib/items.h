/* items.h — the item dictionary: one row per item of the household form, defined
 * once in items.def and walked by whatever reads, stores, writes or asks for items
 * (the store's columns, binds and reads; `show --json`; guided entry's questions).
 * The XSD stays the specification: the items suite checks that every element and
 * attribute of it is a row and every row is in it. Code labels still come from the
 * XSD (code_labels.h).
 *
 * Each item's question (prompt in English and Chinese, bounds, when it is asked) is
 * its row of HH_ITEM_QUESTIONS in items.def; guided entry asks them in its order.
 *
 * Adding an item: the XSD, a row in items.def (in store column / JSON order) and its
 * question row, its key in entry_questions.c's order, a member in form.h and a store
 * migration for its column. */
#ifndef HH_ITEMS_H
#define HH_ITEMS_H

#include <stdbool.h>
#include <stddef.h>

#include "form.h"

typedef enum { HH_ITEM_HOUSEHOLD, HH_ITEM_PERSON, HH_ITEM_VISIT } hh_item_scope;

/* What the item holds, as the form and the questions see it. */
typedef enum { HH_ITEM_TEXT, HH_ITEM_CODE, HH_ITEM_DATE, HH_ITEM_MONTH, HH_ITEM_NUMBER, HH_ITEM_BOOLEAN } hh_item_kind;

/* How the in-memory household holds it: char * (NULL absent), int (`absent` when
 * absent), double (negative absent) or a yes/no as int (1, 0, `absent` when absent). */
typedef enum { HH_ITEM_C_STR, HH_ITEM_C_INT, HH_ITEM_C_REAL, HH_ITEM_C_BOOL } hh_item_ctype;

typedef struct hh_item {
    const char *key;          /* unique within its scope, e.g. "floor-area" */
    hh_item_scope scope;
    hh_item_kind kind;
    hh_item_ctype ctype;
    int absent;               /* HH_ITEM_C_INT and _BOOL: the value meaning "not given" */
    bool required;            /* always there in a valid form (its store column is NOT NULL) */
    const char *xml_path;     /* relative to the scope's element: "address/district/@code";
                                 "" for the element's own text (a visit's note) */
    const char *code_list;    /* the XSD type of a code, e.g. "TenureCode"; NULL otherwise */
    size_t offset;            /* of the value in hh_household / hh_person / hh_visit */
    const char *column;       /* its column in the store (revision / person / visit) */
    const char *json;         /* its key in `show --json` and the jsonl export */
    const char *group;        /* the JSON object it sits in ("address"), or NULL */
} hh_item;

extern const hh_item hh_items[];
extern const size_t hh_item_count;

/* The items of one scope, in order (store column and JSON order); *n their number. */
const hh_item *hh_items_of(hh_item_scope scope, size_t *n);

/* Where item `it` lives in `record` (an hh_household, hh_person or hh_visit of its scope). */
static inline void *hh_item_at(const hh_item *it, const void *record)
{
    return (char *)record + it->offset;
}

/* The item a form's element or attribute holds (person/sex, document/@type,
 * address/district/@code, a visit's note), found by its path below its household,
 * person or visit; NULL for any other node. */
const hh_item *hh_item_of_node(const xmlNode *node);

/* Whether the item has a value in `record`. */
bool hh_item_given(const hh_item *it, const void *record);
/* Whether the item holds the same value in records a and b of its scope. */
bool hh_item_same(const hh_item *it, const void *a, const void *b);

/* Called for each item that differs between two households: its scope, the person's
 * or visit's number (from 1; 0 for the household) and the item, NULL when one of the
 * two has that person or visit and the other not. */
typedef void (*hh_item_change_fn)(hh_item_scope scope, int index, const hh_item *it, void *arg);
/* Calls `fn` for each item that differs between households a and b (persons and
 * visits by their place); returns how many. */
size_t hh_household_changes(const hh_household *a, const hh_household *b, hh_item_change_fn fn, void *arg);

/* --- the question of an item (HH_ITEM_QUESTIONS in items.def) ------------------------ */

/* When an item is asked: always, or only for a person of that age (or whose age is
 * not known yet), a Chinese national, one with a document, a migrant, one holding a
 * disability certificate, or a household receiving the low-income allowance. */
typedef enum {
    HH_WHEN_ALWAYS, HH_WHEN_AGE_5, HH_WHEN_AGE_6, HH_WHEN_AGE_15, HH_WHEN_CHINESE, HH_WHEN_HAS_DOCUMENT,
    HH_WHEN_MIGRANT, HH_WHEN_HAS_CERTIFICATE, HH_WHEN_LOW_INCOME, HH_WHEN_ANSWERED, HH_WHEN_SOMEONE_HOME
} hh_item_when;

typedef struct hh_item_question {
    hh_item_scope scope;
    const char *key;          /* the item it asks for */
    const char *en, *zh;      /* the prompt */
    bool optional;            /* may be left empty */
    double min, max;          /* NUMBER: bounds; TEXT: max characters */
    hh_item_when when;
    const char *when_name;    /* "ALWAYS", "AGE_15", … (for a machine description) */
} hh_item_question;

extern const hh_item_question hh_item_questions[];
extern const size_t hh_item_question_count;

/* The question asking for item `key` of `scope`, or NULL when it is not asked. */
const hh_item_question *hh_item_question_of(hh_item_scope scope, const char *key);

/* The item `key` of `scope`, or NULL. */
const hh_item *hh_item_find(hh_item_scope scope, const char *key);

/* --- SQL from the table -------------------------------------------------------------
 * The three lists of items.def expanded into SQL text at compile time, e.g.
 *   "INSERT INTO person(household_id, revision" HH_PERSON_ITEMS(HH_ITEM_SQL_COLUMN) ")"
 * gives ", name, relationship, ..." and HH_ITEM_SQL_PARAM ", ?" for each item. */
#define HH_ITEM_SQL_COLUMN(key, kind, ctype, absent, required, xml, codes, member, column, json, group) ", " column
#define HH_ITEM_SQL_PARAM(key, kind, ctype, absent, required, xml, codes, member, column, json, group) ", ?"

#include "items.def"

#endif
