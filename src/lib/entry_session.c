/* entry_session.c — see entry_session.h: typed text turned into answers, the
 * default offered for a question, the address remembered for the next
 * household, the answers checked as a form, and a
 * diagnostic's item path matched to the question that asks for it. Saving is in
 * entry_save.c. */
#include "entry_session.h"

#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "input.h"

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Whether every code of `codes` is a number of digits. */
static bool codes_are_numbers(const char *const *codes)
{
    for (const char *const *c = codes; c && *c; c++)
        if (!**c || strspn(*c, "0123456789") != strlen(*c))
            return false;
    return codes && *codes;
}

long hh_code_menu_number(const char *const *codes, size_t i)
{
    return codes_are_numbers(codes) ? strtol(codes[i], NULL, 10) : (long)i + 1;
}

char *hh_entry_parse_answer(const hh_question *q, const char *text, const char *const *codes, hh_lang lang, char *why,
                            size_t why_len)
{
    if (!*text) {
        if (q->optional)
            return hh_xstrdup("");
        snprintf(why, why_len, "%s", hh_text(lang, "an answer is needed", "此项必填"));
        return NULL;
    }
    switch (q->kind) {
    case HH_Q_CODE: {
        char *end;
        long n = strtol(text, &end, 10);
        size_t count = 0;
        while (codes && codes[count])
            count++;
        for (size_t i = 0; i < count; i++)
            if (strcmp(codes[i], text) == 0 || (!*end && hh_code_menu_number(codes, i) == n))
                return hh_xstrdup(codes[i]);
        long first = count ? hh_code_menu_number(codes, 0) : 1, last = count ? hh_code_menu_number(codes, count - 1) : 0;
        if (*end) /* words, not a number: said to be taken too */
            snprintf(why, why_len,
                     hh_text(lang, "not in the list: choose a number from %ld to %ld, or type a code or name as listed",
                             "不在列表中：请输入 %ld 到 %ld 之间的序号，或列表中的代码或名称"),
                     first, last);
        else
            snprintf(why, why_len, hh_text(lang, "choose a number from %ld to %ld", "请输入 %ld 到 %ld 之间的序号"),
                     first, last);
        return NULL;
    }
    case HH_Q_BOOL: {
        static const char *const yes[] = { "y", "yes", "true", "1", "是", "Y" },
                                 *const no[] = { "n", "no", "false", "0", "否", "N" };
        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
            if (strcmp(text, yes[i]) == 0)
                return hh_xstrdup("true");
            if (strcmp(text, no[i]) == 0)
                return hh_xstrdup("false");
        }
        snprintf(why, why_len, "%s", hh_text(lang, "answer y (yes) or n (no)", "请回答 y（是）或 n（否）"));
        return NULL;
    }
    case HH_Q_DATE:
    case HH_Q_MONTH: {
        hhreg_date d;
        bool month = q->kind == HH_Q_MONTH;
        if (hhreg_date_parse(text, month, &d) && strlen(text) == (month ? 7u : 10u))
            return hh_xstrdup(text);
        snprintf(why, why_len, "%s",
                 month                       ? hh_text(lang, "write the month as YYYY-MM", "请按 YYYY-MM 格式填写年月")
                 : hh_day_past_month_end(text) ? hh_text(lang, "that month has fewer days: check the day",
                                                           "该月没有这么多天：请核对日期")
                                             : hh_text(lang, "write the date as YYYY-MM-DD", "请按 YYYY-MM-DD 格式填写日期"));
        return NULL;
    }
    case HH_Q_INT:
    case HH_Q_DECIMAL: {
        char *end;
        double v = strtod(text, &end);
        if (!*end && v >= q->min && v <= q->max && (q->kind == HH_Q_DECIMAL || v == (double)(long)v))
            return hh_xstrdup(text);
        snprintf(why, why_len, hh_text(lang, "a number from %g to %g", "请输入 %g 到 %g 之间的数"), q->min, q->max);
        return NULL;
    }
    case HH_Q_TEXT:
        if (utf8_length(text) <= (size_t)q->max)
            return hh_xstrdup(text);
        snprintf(why, why_len, hh_text(lang, "at most %g characters", "最多 %g 个字符"), q->max);
        return NULL;
    }
    return NULL;
}

const char *hh_entry_usual_answer(const char *key)
{
    static const char *const usual[][2] = {
        { "language", "zh" }, { "low-income", "false" }, { "extreme-hardship", "false" }, { "status", "complete" },
        { "document-type", "resident-id" }, { "nationality", "CHN" }, { "ethnicity", "Han" },
        { "residence", "registered-resident" }, { "seeing", "1" }, { "hearing", "1" }, { "walking", "1" },
        { "cognition", "1" }, { "self-care", "1" }, { "communication", "1" }, { "certificate", "false" },
        { "respondent", "1" }, { "outcome", "done" }, { "household-type", "family" },
    };
    for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
        if (strcmp(usual[i][0], key) == 0)
            return usual[i][1];
    return NULL;
}

/* An edit of a stored household nobody answered, now answered (the revisit): the
 * stored registration visit stays as it was (the door found shut that day), the
 * interview is a visit of today's, registration, done, and the enumeration date is
 * today's, ages counted on it; both shown at the review, to change. Taken back in the
 * same edit, the visit goes and the date is the form's again. True when it acted. */
static bool revisited(hh_answers *a, bool answered_now, bool answered_before)
{
    const char *added = hh_answer_flag(a, "revisit-visit");
    if (!answered_now && added) {
        hh_answers_remove_item(a, HH_SCOPE_VISIT, atoi(added));
        const char *date = hh_answer_flag(a, "revisit-date-before");
        if (date)
            hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date", date);
        hh_answer_set_flag(a, "revisit-visit", NULL);
        hh_answer_set_flag(a, "revisit-date-before", NULL);
        return true;
    }
    if (!answered_now || answered_before || added) /* partial to complete: the same interview */
        return false;
    char today[11], index[16];
    hh_date_format(hh_date_today(), today);
    int visit = hh_answers_count(a, HH_SCOPE_VISIT) + 1;
    snprintf(index, sizeof index, "%d", visit);
    hh_answer_set_flag(a, "revisit-date-before", hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date"));
    hh_answer_set_flag(a, "revisit-visit", index);
    hh_answer_set(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date", today);
    hh_answer_set(a, HH_SCOPE_VISIT, visit, "date", today);
    const char *enumerator = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumerator");
    if (enumerator)
        hh_answer_set(a, HH_SCOPE_VISIT, visit, "enumerator", enumerator);
    hh_answer_set(a, HH_SCOPE_VISIT, visit, "purpose", "registration");
    hh_answer_set(a, HH_SCOPE_VISIT, visit, "outcome", "done");
    return true;
}

void hh_entry_status_changed(hh_answers *a, const char *before)
{
    const char *now = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "status");
    if (!now || (before && strcmp(before, now) == 0))
        return;
    bool answered_now = !hh_status_records_nobody(now), answered_before = !hh_status_records_nobody(before);
    if (answered_now && !answered_before) {
        const char *consent = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "consent");
        if (consent && strcmp(consent, "false") == 0)
            hh_answer_unset(a, HH_SCOPE_HOUSEHOLD, 0, "consent");
        if (hh_answers_count(a, HH_SCOPE_PERSON) == 0) { /* somebody lives here after all */
            hh_answer_set_flag(a, "roster", NULL);
            hh_answer_set_flag(a, "roster-extras", NULL);
        }
        /* what the household answers and the form left empty (an edit holds every item
         * of the stored form, its absent ones as "") is asked, not taken as answered */
        for (hh_q_scope scope = HH_SCOPE_HOUSEHOLD; scope <= HH_SCOPE_AFTER_ROSTER; scope += HH_SCOPE_AFTER_ROSTER) {
            size_t n;
            const hh_question *qs = hh_questions(scope, &n);
            for (size_t i = 0; i < n; i++) {
                const char *v = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, qs[i].key);
                if (v && !*v && !qs[i].optional && hh_question_applies(&qs[i], a, 0))
                    hh_answer_unset(a, HH_SCOPE_HOUSEHOLD, 0, qs[i].key);
            }
        }
    }
    if (hh_answer_flag(a, "mode") && revisited(a, answered_now, answered_before))
        return;
    int visits = hh_answers_count(a, HH_SCOPE_VISIT);
    for (int i = 1; i <= visits; i++) { /* the registration's own visit: its outcome was the status */
        const char *purpose = hh_answer(a, HH_SCOPE_VISIT, i, "purpose");
        const char *outcome = hh_answer(a, HH_SCOPE_VISIT, i, "outcome");
        if (!purpose || strcmp(purpose, "registration") != 0 || !outcome)
            continue;
        if (answered_now && before && strcmp(outcome, before) == 0)
            hh_answer_set(a, HH_SCOPE_VISIT, i, "outcome", "done");
        else if (!answered_now && (strcmp(outcome, "done") == 0 || hh_status_records_nobody(outcome)))
            hh_answer_set(a, HH_SCOPE_VISIT, i, "outcome", now);
    }
}

void hh_entry_household_changed(hh_answers *a, const char *key, const char *before)
{
    static const char *const followed[][2] = { { "enumerator", "enumerator" }, { "enumeration-date", "date" } };
    const char *now = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, key);
    if (strcmp(key, "status") == 0) {
        hh_entry_status_changed(a, before);
        return;
    }
    if (hh_answer_flag(a, "mode"))
        return; /* an edit or a visit: the form's registration visit is a record of its own, made before */
    for (size_t f = 0; f < sizeof followed / sizeof followed[0]; f++) {
        if (strcmp(key, followed[f][0]) != 0 || !now || !before || strcmp(before, now) == 0)
            continue;
        int visits = hh_answers_count(a, HH_SCOPE_VISIT);
        for (int i = 1; i <= visits; i++) { /* the registration's own visit took the household's */
            const char *purpose = hh_answer(a, HH_SCOPE_VISIT, i, "purpose");
            const char *held = hh_answer(a, HH_SCOPE_VISIT, i, followed[f][1]);
            if (purpose && strcmp(purpose, "registration") == 0 && held && strcmp(held, before) == 0)
                hh_answer_set(a, HH_SCOPE_VISIT, i, followed[f][1], now);
        }
    }
}

const char *hh_entry_default(const hh_answers *a, const hh_question *q, int index, const char *actor, char today[11])
{
    hh_q_scope scope = q->scope == HH_SCOPE_AFTER_ROSTER ? HH_SCOPE_HOUSEHOLD : q->scope;
    const char *key = q->key;
    if (scope == HH_SCOPE_HOUSEHOLD && strcmp(key, "id") == 0) {
        const char *cc = hh_answer(a, scope, 0, "community-code"), *grid = hh_answer(a, scope, 0, "grid");
        const char *proposed = hh_answer_flag(a, "proposed-id");
        if (proposed && cc && grid && strncmp(proposed, cc, strlen(cc)) == 0)
            return proposed;
        return NULL;
    }
    if (scope == HH_SCOPE_HOUSEHOLD) {
        const char *last = hh_answer_flag(a, key); /* remembered from the last household */
        if (last && strcmp(key, "room") != 0)
            return last;
    }
    if (strcmp(key, "enumeration-date") == 0 || (scope == HH_SCOPE_VISIT && strcmp(key, "date") == 0)) {
        const char *on = scope == HH_SCOPE_VISIT && !hh_answer_flag(a, "visit-today")
                             ? hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date")
                             : NULL;
        if (on)
            return on;
        hh_date_format(hh_date_today(), today);
        return today;
    }
    if (scope == HH_SCOPE_PERSON) { /* sex and birth date as the resident ID says: confirmed with Enter */
        const char *from_id = hh_answers_from_resident_id(a, index, key, today);
        if (from_id)
            return from_id;
    }
    if (strcmp(key, "enumerator") == 0) { /* never a guess such as the login name: asked once */
        const char *household = scope == HH_SCOPE_VISIT ? hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumerator") : NULL;
        return actor ? actor : household;
    }
    const char *nationality = scope == HH_SCOPE_PERSON ? hh_answer(a, scope, index, "nationality") : NULL;
    if (strcmp(key, "residence") == 0 && nationality && strcmp(nationality, "CHN") != 0)
        return "foreign-resident";
    const char *status = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "status");
    bool not_enumerated = hh_status_records_nobody(status);
    if (strcmp(key, "consent") == 0 && not_enumerated) /* refused (nobody home: not asked) */
        return "false";
    if (strcmp(key, "respondent") == 0 && hh_answers_count(a, HH_SCOPE_PERSON) == 0)
        return "proxy"; /* nobody on the roster answered */
    if (strcmp(key, "member-count") == 0) { /* the roster as it is, else one: the households most often met */
        int persons = hh_answers_count(a, HH_SCOPE_PERSON);
        snprintf(today, 11, "%d", persons > 0 ? persons : 1);
        return today;
    }
    if (scope == HH_SCOPE_VISIT && strcmp(key, "outcome") == 0 && hh_answer_flag(a, "registration-visit") &&
        not_enumerated) /* the registration's own visit found nobody home, or was refused */
        return status;
    const char *usual = hh_entry_usual_answer(key);
    if (usual)
        return usual;
    if (scope == HH_SCOPE_VISIT && strcmp(key, "purpose") == 0 && !hh_answer_flag(a, "visit-today"))
        return "registration";
    if (scope == HH_SCOPE_PERSON && index == 1 && strcmp(key, "relationship") == 0)
        return "head";
    if (scope == HH_SCOPE_VISIT && strcmp(key, "note") == 0 && hh_answer_flag(a, "registration-visit"))
        return ""; /* the registration's visit needs no note */
    return NULL;
}

/* The items of the address remembered from one household for the next: all but
 * the last two (the building and unit, only offered) are settled by it. */
static const char *const address_keys[] = { "district-code", "district", "street-code", "street", "community-code",
                                            "community", "grid", "estate", "building", "unit" };
#define ADDRESS_KEYS (sizeof address_keys / sizeof address_keys[0])
#define SETTLED_ADDRESS_KEYS (ADDRESS_KEYS - 2)

bool hh_entry_settled(const hh_answers *a, const hh_question *q, int index, const char *actor)
{
    const char *key = q->key, *mode = hh_answer_flag(a, "mode");
    if (mode) /* an edit or a visit: the worker answers what is asked */
        return false;
    switch (q->scope) {
    case HH_SCOPE_HOUSEHOLD:
        for (size_t i = 0; i < SETTLED_ADDRESS_KEYS; i++)
            if (strcmp(key, address_keys[i]) == 0)
                return hh_answer_flag(a, key) != NULL;
        if (strcmp(key, "id") == 0) {
            char today[11];
            return hh_entry_default(a, q, 0, actor, today) != NULL;
        }
        if (strcmp(key, "enumerator") == 0)
            return actor && *actor;
        if (strcmp(key, "consent") == 0) { /* refused: the refusal is the answer (nobody home: not asked) */
            const char *status = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "status");
            return status && strcmp(status, "refused") == 0;
        }
        return strcmp(key, "enumeration-date") == 0 || strcmp(key, "household-type") == 0;
    case HH_SCOPE_AFTER_ROSTER:
        return strcmp(key, "respondent") == 0 && hh_answers_count(a, HH_SCOPE_PERSON) <= 1;
    case HH_SCOPE_PERSON: {
        const char *document = hh_answer(a, HH_SCOPE_PERSON, index, "document-type");
        return (strcmp(key, "relationship") == 0 && index == 1) ||
               (strcmp(key, "nationality") == 0 && document && strcmp(document, "resident-id") == 0);
    }
    case HH_SCOPE_VISIT:
        return index == 1 && hh_answer_flag(a, "registration-visit");
    }
    return false;
}

bool hh_entry_split_address(const char *text, char *out[3])
{
    const char *room = strrchr(text, '-');
    if (!room || room == text)
        return false;
    const char *unit = room - 1;
    while (unit > text && *unit != '-')
        unit--;
    if (*unit != '-' || unit == text || unit + 1 == room || !room[1])
        return false;
    out[0] = hh_xstrndup(text, (size_t)(unit - text));
    out[1] = hh_xstrndup(unit + 1, (size_t)(room - unit - 1));
    out[2] = hh_xstrdup(room + 1);
    return true;
}


hh_answers *hh_entry_address_of(const hh_answers *a)
{
    hh_answers *next = hh_answers_new();
    for (size_t i = 0; i < ADDRESS_KEYS; i++) {
        const char *v = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, address_keys[i]);
        if (v)
            hh_answer_set_flag(next, address_keys[i], v);
    }
    return next;
}

void hh_entry_offer_address(hh_answers *a, const hh_answers *last)
{
    for (size_t i = 0; i < ADDRESS_KEYS; i++) {
        const char *v = hh_answer_flag(last, address_keys[i]);
        if (v && !hh_answer_flag(a, address_keys[i]))
            hh_answer_set_flag(a, address_keys[i], v);
    }
}

typedef struct checking {
    hh_validator *v;
    hh_diags *d;
} checking;

static int check_one(hh_form_input *form, void *arg)
{
    checking *c = arg;
    hh_validator_check(c->v, form, c->d);
    return 0;
}

void hh_entry_check(hh_validator *v, const hh_answers *a, bool placeholders, int upto_person, int upto_visit,
                    hh_diags *d)
{
    size_t len;
    char *xml = hh_entry_form_xml(a, placeholders, upto_person, upto_visit, &len);
    checking c = { v, d };
    hh_read_forms_memory(xml, len, "form", d, check_one, &c);
    free(xml);
}

void hh_entry_item_of(const char *path, hh_entry_item *out)
{
    out->scope = HH_SCOPE_HOUSEHOLD;
    out->index = 0;
    const char *rest = path;
    if (strncmp(path, "person", 6) == 0 || strncmp(path, "visit", 5) == 0) {
        out->scope = path[0] == 'p' ? HH_SCOPE_PERSON : HH_SCOPE_VISIT;
        rest = path + (path[0] == 'p' ? 6 : 5);
        out->index = *rest == '[' ? atoi(rest + 1) : 1;
        rest = strchr(rest, '/') ? strchr(rest, '/') + 1 : "";
    } else if (strcmp(path, "household") == 0) {
        rest = "";
    } else if (strncmp(path, "household/", 10) == 0) { /* an attribute of the household: its id */
        rest = path + 10;
    }
    snprintf(out->path, sizeof out->path, "%s", rest);
}

/* The element part of a question path or diagnostic path ("document/@type" -> "document"). */
static size_t element_length(const char *path)
{
    const char *at = strchr(path, '@');
    size_t len = at ? (size_t)(at - path) : strlen(path);
    return len && path[len - 1] == '/' ? len - 1 : len;
}

bool hh_entry_item_is(const hh_entry_item *item, const hh_question *q, int index)
{
    hh_q_scope scope = q->scope == HH_SCOPE_AFTER_ROSTER ? HH_SCOPE_HOUSEHOLD : q->scope;
    if (item->scope != scope || item->index != index)
        return false;
    if (strcmp(item->path, q->path) == 0)
        return true;
    size_t a = element_length(item->path), b = element_length(q->path);
    return a == b && strncmp(item->path, q->path, a) == 0 && !strchr(item->path, '@');
}
