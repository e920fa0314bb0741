/* server_items.c — GET /api/v1/items: the item dictionary a client builds its form
 * from (the phone client of issue 19): every question of guided entry in the order
 * it is asked, with its item's kind, XML path and JSON key, its prompt in English and
 * Chinese, its bounds, the pattern its answer must match (with the plain reason, as
 * guided entry checks it), its code list with both languages' labels (from the XSD; the
 * nationality's the countries of ISO 3166-1, from countries.def), and
 * the condition under which it is asked — as data, from the same table that
 * hh_question_applies reads (entry_questions.c), so client and server cannot
 * disagree. It holds no personal data: made once at start, served to any signed-in
 * account with an ETag (304 when the client has it). */
#include "server_internal.h"

#include <stdlib.h>
#include <string.h>

#include "code_labels.h"
#include "digest.h"
#include "entry.h"
#include "entry_session.h"

static const char *kind_name(hh_q_kind kind)
{
    static const char *const names[] = { [HH_Q_TEXT] = "text",       [HH_Q_CODE] = "code",
                                         [HH_Q_DATE] = "date",       [HH_Q_MONTH] = "month",
                                         [HH_Q_INT] = "integer",     [HH_Q_DECIMAL] = "decimal",
                                         [HH_Q_BOOL] = "boolean" };
    return names[kind];
}

static const char *scope_name(hh_q_scope scope)
{
    static const char *const names[] = { [HH_SCOPE_HOUSEHOLD] = "household", [HH_SCOPE_PERSON] = "person",
                                         [HH_SCOPE_VISIT] = "visit", [HH_SCOPE_AFTER_ROSTER] = "afterRoster" };
    return names[scope];
}

static void put_condition(hh_json *j, const hh_condition *c)
{
    hh_json_object(j, c->name);
    switch (c->op) {
    case HH_COND_ALWAYS:
        break;
    case HH_COND_AGE:
        hh_json_int(j, "ageAtLeast", c->min_age);
        hh_json_bool(j, "orAgeUnknown", true);
        break;
    case HH_COND_EQUALS:
    case HH_COND_NOT_EQUALS:
        hh_json_str(j, "scope", c->scope == HH_SCOPE_HOUSEHOLD ? "household" : "person");
        hh_json_str(j, "item", c->key);
        hh_json_str(j, c->op == HH_COND_EQUALS ? "equals" : "notEquals", c->value);
        hh_json_bool(j, "orUnanswered", c->or_absent);
        break;
    case HH_COND_NONE_OF:
        hh_json_str(j, "scope", c->scope == HH_SCOPE_HOUSEHOLD ? "household" : "person");
        hh_json_str(j, "item", c->key);
        hh_json_array(j, "noneOf");
        for (const char *const *w = c->none_of; *w; w++)
            hh_json_str(j, NULL, *w);
        hh_json_end(j);
        hh_json_bool(j, "orUnanswered", c->or_absent);
        break;
    }
    hh_json_end(j);
}

static void put_question(hh_json *j, const hh_question *q, const hh_code_labels *labels)
{
    static const hh_item_scope item_scope[] = { [HH_SCOPE_HOUSEHOLD] = HH_ITEM_HOUSEHOLD,
                                                [HH_SCOPE_PERSON] = HH_ITEM_PERSON,
                                                [HH_SCOPE_VISIT] = HH_ITEM_VISIT,
                                                [HH_SCOPE_AFTER_ROSTER] = HH_ITEM_HOUSEHOLD };
    const hh_item *it = hh_item_find(item_scope[q->scope], q->key);
    size_t n;
    const hh_condition *conditions = hh_conditions(&n);
    hh_json_object(j, NULL);
    hh_json_str(j, "key", q->key);
    hh_json_str(j, "kind", kind_name(q->kind));
    hh_json_str(j, "path", q->path);
    hh_json_str(j, "json", it ? it->json : NULL); /* NULL: a question that is not an item */
    hh_json_str(j, "group", it ? it->group : NULL); /* the object "json" sits in; NULL: the record */
    hh_json_object(j, "prompt");
    hh_json_str(j, "en", q->en);
    hh_json_str(j, "zh", q->zh);
    hh_json_end(j);
    hh_json_bool(j, "optional", q->optional);
    hh_json_str(j, "usual", hh_entry_usual_answer(q->key));
    if (q->kind == HH_Q_INT || q->kind == HH_Q_DECIMAL || q->kind == HH_Q_TEXT) {
        char bound[32];
        snprintf(bound, sizeof bound, "%g", q->max);
        if (q->kind != HH_Q_TEXT) {
            char low[32];
            snprintf(low, sizeof low, "%g", q->min);
            hh_json_raw(j, "min", low);
        }
        if (q->max > 0)
            hh_json_raw(j, q->kind == HH_Q_TEXT ? "maxLength" : "max", bound);
    }
    const char *form_en, *form_zh, *form = hh_question_form(q, &form_en, &form_zh);
    if (form) { /* POSIX extended, anchored: JavaScript's RegExp reads these the same */
        hh_json_str(j, "pattern", form);
        hh_json_object(j, "patternHint");
        hh_json_str(j, "en", form_en);
        hh_json_str(j, "zh", form_zh);
        hh_json_end(j);
    }
    hh_json_str(j, "when", (size_t)q->when < n ? conditions[q->when].name : "ALWAYS");
    const char **codes = q->code_list ? hh_code_list(labels, q->code_list) : NULL;
    if (codes) {
        hh_json_str(j, "codeList", q->code_list);
        hh_json_array(j, "codes");
        for (size_t c = 0; codes[c]; c++) {
            hh_json_object(j, NULL);
            hh_json_str(j, "code", codes[c]);
            hh_json_str(j, "en", hh_code_label(labels, q->code_list, codes[c], "en"));
            hh_json_str(j, "zh", hh_code_label(labels, q->code_list, codes[c], "zh"));
            hh_json_end(j);
        }
        hh_json_end(j);
    }
    free(codes);
    if (hh_question_is_country(q)) { /* typed as a code or a name in guided entry: picked from the list here */
        size_t n_countries;
        const hh_country *countries = hh_countries(&n_countries);
        hh_json_str(j, "codeList", "ISO3166-1");
        hh_json_array(j, "codes");
        for (size_t c = 0; c < n_countries; c++) {
            hh_json_object(j, NULL);
            hh_json_str(j, "code", countries[c].code);
            hh_json_str(j, "en", *countries[c].common ? countries[c].common : countries[c].en);
            hh_json_str(j, "zh", *countries[c].zh ? countries[c].zh : countries[c].en);
            hh_json_end(j);
        }
        hh_json_end(j);
    }
    hh_json_end(j);
}

void hh_items_answer_make(hh_server *srv)
{
    const hh_code_labels *labels = srv->schemas->labels;
    hh_json j;
    hh_json_init(&j, &srv->items);
    hh_json_object(&j, NULL);
    hh_json_int(&j, "version", 1);
    hh_json_object(&j, "questions");
    static const hh_q_scope scopes[] = { HH_SCOPE_HOUSEHOLD, HH_SCOPE_PERSON, HH_SCOPE_AFTER_ROSTER, HH_SCOPE_VISIT };
    for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
        size_t n;
        const hh_question *qs = hh_questions(scopes[s], &n);
        hh_json_array(&j, scope_name(scopes[s]));
        for (size_t i = 0; i < n; i++)
            put_question(&j, &qs[i], labels);
        hh_json_end(&j);
    }
    hh_json_end(&j);
    size_t n;
    const hh_condition *conditions = hh_conditions(&n);
    hh_json_object(&j, "conditions");
    for (size_t i = 0; i < n; i++)
        put_condition(&j, &conditions[i]);
    hh_json_end(&j);
    hh_json_end(&j);
    char hex[65];
    hh_sha256_hex(srv->items.data, srv->items.len, hex);
    snprintf(srv->items_etag, sizeof srv->items_etag, "\"%.32s\"", hex);
}

unsigned hh_items_get(hh_request *rq)
{
    if (!hh_access_allows(&rq->who, HH_ACT_READ_ITEMS, NULL, NULL))
        return hh_answer_forbidden(rq);
    hh_server *srv = rq->server;
    rq->etag = srv->items_etag;
    if (hh_request_revalidated(rq, srv->items_etag))
        return MHD_HTTP_NOT_MODIFIED;
    hh_buf_append(&rq->answer, srv->items.data, srv->items.len);
    return MHD_HTTP_OK;
}
