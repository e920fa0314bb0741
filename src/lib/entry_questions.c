/* entry_questions.c — the conversation of guided entry (see entry.h): the order in
 * which the items are asked — the address first (it names the household), the
 * household's items, then each person, then who answered, then the visits — and the
 * one question that is not an item (whether a person holds a disability certificate,
 * which groups its type and grade). Each item's prompt, bounds and the condition
 * under which it is asked are in items.def (HH_ITEM_QUESTIONS); what the conditions
 * mean is the table `conditions` here, as data the phone client is served too. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"
#include "entry_session.h"
#include "items.h"

static const char *const not_answered[] = { "nobody-home", "refused", NULL };

static const hh_condition conditions[] = {
    { HH_WHEN_ALWAYS, "ALWAYS", HH_COND_ALWAYS, 0, HH_SCOPE_PERSON, NULL, NULL, false, NULL },
    { HH_WHEN_AGE_5, "AGE_5", HH_COND_AGE, 5, HH_SCOPE_PERSON, NULL, NULL, true, NULL },
    { HH_WHEN_AGE_6, "AGE_6", HH_COND_AGE, 6, HH_SCOPE_PERSON, NULL, NULL, true, NULL },
    { HH_WHEN_AGE_15, "AGE_15", HH_COND_AGE, 15, HH_SCOPE_PERSON, NULL, NULL, true, NULL },
    { HH_WHEN_CHINESE, "CHINESE", HH_COND_EQUALS, 0, HH_SCOPE_PERSON, "nationality", "CHN", true, NULL },
    { HH_WHEN_HAS_DOCUMENT, "HAS_DOCUMENT", HH_COND_NOT_EQUALS, 0, HH_SCOPE_PERSON, "document-type", "none", true, NULL },
    { HH_WHEN_MIGRANT, "MIGRANT", HH_COND_EQUALS, 0, HH_SCOPE_PERSON, "residence", "migrant", false, NULL },
    { HH_WHEN_HAS_CERTIFICATE, "HAS_CERTIFICATE", HH_COND_EQUALS, 0, HH_SCOPE_PERSON, "certificate", "true", false, NULL },
    { HH_WHEN_LOW_INCOME, "LOW_INCOME", HH_COND_EQUALS, 0, HH_SCOPE_HOUSEHOLD, "low-income", "true", false, NULL },
    { HH_WHEN_ANSWERED, "ANSWERED", HH_COND_NONE_OF, 0, HH_SCOPE_HOUSEHOLD, "status", NULL, true, not_answered },
    { HH_WHEN_SOMEONE_HOME, "SOMEONE_HOME", HH_COND_NOT_EQUALS, 0, HH_SCOPE_HOUSEHOLD, "status", "nobody-home", true, NULL },
};
_Static_assert(sizeof conditions / sizeof conditions[0] == HH_WHEN_SOMEONE_HOME + 1, "a condition for each hh_item_when");
#define COND_COUNT (sizeof conditions / sizeof conditions[0])

const hh_condition *hh_conditions(size_t *n)
{
    *n = COND_COUNT;
    return conditions;
}

/* Whether `value` is one of the NULL-terminated `values`. */
static bool one_of(const char *const *values, const char *value)
{
    for (const char *const *w = values; *w; w++)
        if (strcmp(*w, value) == 0)
            return true;
    return false;
}

bool hh_status_records_nobody(const char *status)
{
    return status && one_of(not_answered, status);
}

bool hh_question_applies(const hh_question *q, const hh_answers *a, int index)
{
    const hh_condition *c = (size_t)q->when < COND_COUNT ? &conditions[q->when] : NULL;
    if (!c || c->op == HH_COND_ALWAYS)
        return true;
    if (c->op == HH_COND_AGE) {
        int age = hh_answers_age(a, index);
        return age < 0 || age >= c->min_age;
    }
    const char *v = hh_answer(a, c->scope, c->scope == HH_SCOPE_HOUSEHOLD ? 0 : index, c->key);
    if (!v)
        return c->or_absent;
    if (c->op == HH_COND_NONE_OF)
        return !one_of(c->none_of, v);
    return (strcmp(v, c->value) == 0) == (c->op == HH_COND_EQUALS);
}

/* The questions that are not items. */
static const hh_question certificate = { "certificate", HH_SCOPE_PERSON, HH_Q_BOOL, "disabilityCertificate", NULL,
                                         "Holds a disability certificate (残疾人证)?", "是否持有残疾人证？", false,
                                         0, 0, HH_WHEN_ALWAYS };

/* The order of the conversation, by item key (or a question above). */
static const char *const household_order[] = {
    "district-code", "district", "street-code", "street", "community-code", "community", "grid", "estate",
    "building", "unit", "room", "id", "household-type", "dwelling-type", "status", "tenure", "floor-area", "phone",
    "language", "low-income", "low-income-since", "extreme-hardship", "needs", "enumerator", "enumeration-date",
    "consent", "member-count",
};
static const char *const person_order[] = {
    "name", "relationship", "document-type", "document-number", "sex", "birth-date", "nationality", "ethnicity",
    "residence", "registered-in", "marital-status", "education", "activity", "seeing", "hearing", "walking",
    "cognition", "self-care", "communication", "certificate", "certificate-type", "certificate-grade", "phone",
    "languages", "notes",
};
static const char *const after_roster_order[] = { "respondent" };
static const char *const visit_order[] = { "date", "enumerator", "purpose", "outcome", "note" };

#define COUNT(a) (sizeof a / sizeof a[0])

/* The optional extras (hh_question_extra), by scope and key. The household's phone
 * is not one: a form without any phone is warned of (PHONE-MISSING). */
static const struct {
    hh_q_scope scope;
    const char *key;
} extras[] = {
    { HH_SCOPE_HOUSEHOLD, "floor-area" }, { HH_SCOPE_HOUSEHOLD, "language" }, { HH_SCOPE_HOUSEHOLD, "needs" },
    { HH_SCOPE_PERSON, "phone" },         { HH_SCOPE_PERSON, "languages" },   { HH_SCOPE_PERSON, "notes" },
};


static hh_question household_questions[COUNT(household_order)], person_questions[COUNT(person_order)],
    after_roster_questions[COUNT(after_roster_order)], visit_questions[COUNT(visit_order)];

static hh_q_kind question_kind(const hh_item *it)
{
    switch (it->kind) {
    case HH_ITEM_TEXT: return HH_Q_TEXT;
    case HH_ITEM_CODE: return HH_Q_CODE;
    case HH_ITEM_DATE: return HH_Q_DATE;
    case HH_ITEM_MONTH: return HH_Q_MONTH;
    case HH_ITEM_NUMBER: return it->ctype == HH_ITEM_C_REAL ? HH_Q_DECIMAL : HH_Q_INT;
    case HH_ITEM_BOOLEAN: return HH_Q_BOOL;
    }
    return HH_Q_TEXT;
}

/* The question of `key` in `scope`: an item's, from items.def, or one of the above. */
static hh_question question(hh_q_scope scope, hh_item_scope items, const char *key)
{
    if (strcmp(key, certificate.key) == 0 && scope == certificate.scope)
        return certificate;
    const hh_item *it = hh_item_find(items, key);
    const hh_item_question *q = hh_item_question_of(items, key);
    if (!it || !q) { /* a key above that items.def does not ask: a mistake here, which the items suite finds */
        fprintf(stderr, "entry_questions.c: '%s' is not a question of items.def\n", key);
        abort();
    }
    return (hh_question){ key, scope, question_kind(it), it->xml_path, it->code_list, q->en, q->zh, q->optional,
                          q->min, q->max, q->when };
}

static void fill(hh_question *out, const char *const *order, size_t n, hh_q_scope scope, hh_item_scope items)
{
    for (size_t i = 0; i < n; i++)
        out[i] = question(scope, items, order[i]);
}

static pthread_once_t built = PTHREAD_ONCE_INIT;

static void build(void)
{
    fill(household_questions, household_order, COUNT(household_order), HH_SCOPE_HOUSEHOLD, HH_ITEM_HOUSEHOLD);
    fill(person_questions, person_order, COUNT(person_order), HH_SCOPE_PERSON, HH_ITEM_PERSON);
    fill(after_roster_questions, after_roster_order, COUNT(after_roster_order), HH_SCOPE_AFTER_ROSTER,
         HH_ITEM_HOUSEHOLD);
    fill(visit_questions, visit_order, COUNT(visit_order), HH_SCOPE_VISIT, HH_ITEM_VISIT);
}

const hh_question *hh_questions(hh_q_scope scope, size_t *n)
{
    pthread_once(&built, build);
    switch (scope) {
    case HH_SCOPE_HOUSEHOLD: *n = COUNT(household_questions); return household_questions;
    case HH_SCOPE_PERSON: *n = COUNT(person_questions); return person_questions;
    case HH_SCOPE_AFTER_ROSTER: *n = COUNT(after_roster_questions); return after_roster_questions;
    case HH_SCOPE_VISIT: *n = COUNT(visit_questions); return visit_questions;
    }
    *n = 0;
    return NULL;
}

bool hh_question_extra(const hh_question *q)
{
    for (size_t i = 0; i < COUNT(extras); i++)
        if (extras[i].scope == q->scope && strcmp(extras[i].key, q->key) == 0)
            return true;
    return false;
}

const hh_question *hh_question_find(hh_q_scope scope, const char *key)
{
    size_t n;
    const hh_question *qs = hh_questions(scope, &n);
    for (size_t i = 0; i < n; i++)
        if (strcmp(qs[i].key, key) == 0)
            return &qs[i];
    return NULL;
}

/* --- the questions a diagnostic involves --------------------------------------------------------- */


/* Adds the question of `key` of scope `scope` (a household one may be asked after
 * the roster) when it is asked and not listed yet. */
static void add_target(const hh_answers *a, hh_q_scope scope, int index, const char *key, hh_entry_target *out,
                       size_t max, size_t *n)
{
    const hh_question *q = hh_question_find(scope, key);
    if (!q && scope == HH_SCOPE_HOUSEHOLD)
        q = hh_question_find(HH_SCOPE_AFTER_ROSTER, key);
    if (!q || !hh_question_applies(q, a, index))
        return;
    for (size_t i = 0; i < *n; i++)
        if (out[i].q == q && out[i].index == index)
            return;
    if (*n < max)
        out[(*n)++] = (hh_entry_target){ q, scope, index };
}

/* The questions of the item at `path`: of exactly that item, else (unless
 * `exact_only`) those of its element ("document": its type and number). */
static void add_item_targets(const hh_answers *a, const char *path, bool exact_only, hh_entry_target *out, size_t max,
                             size_t *n)
{
    hh_entry_item item;
    hh_entry_item_of(path, &item);
    static const hh_q_scope parts[] = { HH_SCOPE_HOUSEHOLD, HH_SCOPE_AFTER_ROSTER, HH_SCOPE_PERSON, HH_SCOPE_VISIT };
    bool found = false;
    for (int exact = 1; exact >= (exact_only ? 1 : 0) && !found; exact--)
        for (size_t part = 0; part < COUNT(parts); part++) {
            size_t count;
            const hh_question *qs = hh_questions(parts[part], &count);
            for (size_t i = 0; i < count; i++)
                if (exact ? hh_entry_item_is(&item, &qs[i], item.index) && strcmp(item.path, qs[i].path) == 0
                          : hh_entry_item_is(&item, &qs[i], item.index)) {
                    found = true;
                    add_target(a, item.scope, item.index, qs[i].key, out, max, n);
                }
        }
}

size_t hh_entry_involved(const hh_answers *a, const hh_diag *g, hh_entry_target *out, size_t max)
{
    size_t n = 0;
    /* a problem the rules file says involves other items (<also>): its own item when
     * it is one (not ADDRESS-CODES' address as a whole), then each of the others */
    add_item_targets(a, g->path, g->n_also > 0, out, max, &n);
    for (size_t i = 0; i < g->n_also; i++)
        add_item_targets(a, g->also[i], false, out, max, &n);
    return n;
}
