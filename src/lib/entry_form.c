/* entry_form.c — the form XML made from guided-entry answers, in the schema's
 * element order, and answers read back from a stored household (entry.h).
 *
 * With placeholders, each required item not answered yet gets a stand-in value
 * that passes the schema, so the form can be validated while it is being typed
 * and the diagnostics of the item just answered are exactly those `hhreg
 * validate` would give. Stand-ins never reach the store: a form is saved only
 * when every question has been answered. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlwriter.h>

#include "dates.h"
#include "entry.h"
#include "gb11643.h"
#include "items.h"

#define NS "urn:hhreg:household:1"

typedef struct form_writer {
    const hh_answers *a;
    bool placeholders;
    bool as_given;          /* every answer written, asked or not (a form sent as JSON) */
    xmlTextWriterPtr w;
    char today[11];
    char members[12];       /* the persons written: the member count's stand-in, which MEMBER-COUNT accepts */
} form_writer;

static const char *placeholder(const form_writer *f, hh_q_scope scope, int index, const char *key);

/* A document number that passes every check for what the person's items say so
 * far: for a resident ID, one with the person's birth date, sex and a right check
 * character. */
static const char *document_stand_in(const form_writer *f, int p)
{
    static char id[19];
    const char *type = hh_answer(f->a, HH_SCOPE_PERSON, p, "document-type");
    if (type && strcmp(type, "resident-id") != 0)
        return "X0000001";
    const char *birth = hh_answer(f->a, HH_SCOPE_PERSON, p, "birth-date");
    const char *sex = hh_answer(f->a, HH_SCOPE_PERSON, p, "sex");
    hhreg_date d;
    if (!birth || !hhreg_date_parse(birth, false, &d))
        birth = placeholder(f, HH_SCOPE_PERSON, p, "birth-date");
    snprintf(id, sizeof id, "510105%.4s%.2s%.2s00%d", birth, birth + 5, birth + 8, sex && !strcmp(sex, "female") ? 2 : 1);
    id[17] = hh_gb11643_check_char(id);
    id[18] = '\0';
    return id;
}

/* A stand-in for a required item of `scope` not answered yet. */
static const char *placeholder(const form_writer *f, hh_q_scope scope, int index, const char *key)
{
    static const struct {
        hh_q_scope scope;
        const char *key, *value;
    } stand_ins[] = {
        { HH_SCOPE_HOUSEHOLD, "district-code", "510105" }, { HH_SCOPE_HOUSEHOLD, "street-code", "510105001" },
        { HH_SCOPE_HOUSEHOLD, "community-code", "510105001001" }, { HH_SCOPE_HOUSEHOLD, "grid", "1" },
        { HH_SCOPE_HOUSEHOLD, "id", "000000000000-00-0000" }, { HH_SCOPE_HOUSEHOLD, "household-type", "family" },
        { HH_SCOPE_HOUSEHOLD, "dwelling-type", "apartment" }, { HH_SCOPE_HOUSEHOLD, "tenure", "owned" },
        { HH_SCOPE_HOUSEHOLD, "low-income", "false" }, { HH_SCOPE_HOUSEHOLD, "low-income-since", "2000-01" },
        { HH_SCOPE_HOUSEHOLD, "extreme-hardship", "false" },
        { HH_SCOPE_HOUSEHOLD, "enumerator", "E0" }, { HH_SCOPE_HOUSEHOLD, "status", "partial" },
        { HH_SCOPE_HOUSEHOLD, "consent", "true" }, { HH_SCOPE_HOUSEHOLD, "respondent", "proxy" },
        { HH_SCOPE_PERSON, "sex", "male" }, { HH_SCOPE_PERSON, "birth-date", "1980-01-01" },
        { HH_SCOPE_PERSON, "document-type", "none" }, { HH_SCOPE_PERSON, "nationality", "CHN" },
        { HH_SCOPE_PERSON, "ethnicity", "Han" }, { HH_SCOPE_PERSON, "residence", "registered-resident" },
        { HH_SCOPE_PERSON, "marital-status", "married" }, { HH_SCOPE_PERSON, "education", "3" },
        { HH_SCOPE_PERSON, "activity", "employed" }, { HH_SCOPE_PERSON, "certificate", "false" },
        { HH_SCOPE_PERSON, "certificate-type", "physical" }, { HH_SCOPE_PERSON, "certificate-grade", "4" },
        { HH_SCOPE_VISIT, "purpose", "routine" }, { HH_SCOPE_VISIT, "outcome", "done" },
        { HH_SCOPE_VISIT, "enumerator", "E0" }, { HH_SCOPE_PERSON, "seeing", "1" }, { HH_SCOPE_PERSON, "hearing", "1" },
        { HH_SCOPE_PERSON, "walking", "1" }, { HH_SCOPE_PERSON, "cognition", "1" },
        { HH_SCOPE_PERSON, "self-care", "1" }, { HH_SCOPE_PERSON, "communication", "1" },
    };
    if (scope == HH_SCOPE_PERSON && strcmp(key, "relationship") == 0)
        return index == 1 ? "head" : "other-relative";
    static _Thread_local char from_id_date[11]; /* the server checks forms on several threads */
    const char *from_id = scope == HH_SCOPE_PERSON ? hh_answers_from_resident_id(f->a, index, key, from_id_date) : NULL;
    if (from_id) /* what the ID says, so the ID is not found to disagree with a stand-in */
        return from_id;
    if (scope == HH_SCOPE_PERSON && strcmp(key, "document-number") == 0)
        return document_stand_in(f, index);
    if (strcmp(key, "enumeration-date") == 0 || strcmp(key, "date") == 0)
        return f->today;
    if (strcmp(key, "member-count") == 0) /* not "x": a type error there kept the rules from running at all */
        return f->members;
    for (size_t i = 0; i < sizeof stand_ins / sizeof stand_ins[0]; i++)
        if (stand_ins[i].scope == scope && strcmp(stand_ins[i].key, key) == 0)
            return stand_ins[i].value;
    return "x"; /* names and places */
}

/* Whether a valid form always holds item `key` of `scope` (its store column is NOT
 * NULL); true for a question that is not an item. */
static bool always_held(hh_q_scope scope, const char *key)
{
    const hh_item *it = hh_item_find(scope == HH_SCOPE_PERSON  ? HH_ITEM_PERSON
                                     : scope == HH_SCOPE_VISIT ? HH_ITEM_VISIT
                                                               : HH_ITEM_HOUSEHOLD,
                                     key);
    return !it || it->required;
}

/* The value to write: the answer, a stand-in, or NULL (leave the item out). An
 * unanswered item the schema lets a form leave out (the consent of a household
 * nobody was home at, now complete) is left out, for the rule that asks it to say so
 * at it, rather than written empty (a type error of no use to the worker). */
static const char *value(const form_writer *f, hh_q_scope scope, int index, const char *key)
{
    hh_q_scope question_scope = strcmp(key, "respondent") == 0 ? HH_SCOPE_AFTER_ROSTER : scope;
    const hh_question *q = hh_question_find(question_scope, key);
    if (q && !f->as_given && !hh_question_applies(q, f->a, index))
        return NULL;
    const char *v = hh_answer(f->a, scope, index, key);
    if (v && *v)
        return v;
    if (!q || q->optional) /* no question (the member count): never a stand-in */
        return NULL;
    if (f->placeholders)
        return placeholder(f, scope, index, key);
    return always_held(scope, key) ? v : NULL;
}

static void element(form_writer *f, const char *name, hh_q_scope scope, int index, const char *key)
{
    const char *v = value(f, scope, index, key);
    if (v)
        xmlTextWriterWriteElement(f->w, BAD_CAST name, BAD_CAST v);
}

static void attribute(form_writer *f, const char *name, hh_q_scope scope, int index, const char *key)
{
    const char *v = value(f, scope, index, key);
    if (v)
        xmlTextWriterWriteAttribute(f->w, BAD_CAST name, BAD_CAST v);
}

/* Whether an item is asked in guided entry (a household item may be asked after the roster). */
static bool asked(const hh_item *it, hh_q_scope scope)
{
    return hh_question_find(scope, it->key) ||
           (scope == HH_SCOPE_HOUSEHOLD && hh_question_find(HH_SCOPE_AFTER_ROSTER, it->key));
}

/* Whether the writer puts item `it` in the form when it has an answer: the asked
 * items (every item but a person's line, which is its place in the roster). */
static bool written(const hh_item *it, hh_q_scope scope)
{
    return asked(it, scope);
}

/* --- the items, written where the item table puts them ------------------------------
 * Each asked item of a scope goes where its XML path (items.def) says: an attribute
 * ("@x") of its element, that element's text, or inside a child element, in the
 * table's order (which is the schema's). A leaf element is written when its item has a
 * value; an element holding attributes or elements when one of its items is required
 * (address, lowIncome, enumeration, document, residence) or its first item, asked
 * first, has a value (functioning for a person of 5 or more, disabilityCertificate
 * with a certificate). Items that are
 * not asked are left out — a person's line is its index — but for the member count
 * when it has an answer (written()). */

typedef struct item_walk {
    form_writer *f;
    hh_q_scope scope;
    int index;
    const hh_item *items;
    size_t n;
} item_walk;

/* Item `it`'s path below the element at `path` (n characters, 0 for the scope's
 * element): "" for that element's own text, NULL when the item is not inside it. */
static const char *path_below(const hh_item *it, const char *path, size_t n)
{
    if (n == 0)
        return it->xml_path;
    if (strncmp(it->xml_path, path, n) != 0)
        return NULL;
    return it->xml_path[n] == '\0' ? "" : it->xml_path[n] == '/' ? it->xml_path + n + 1 : NULL;
}

static void write_content(const item_walk *w, const char *path, size_t n);

/* The element at `path` (n characters), the first `n` of item `first`'s path. */
static void write_element(const item_walk *w, const char *path, size_t n)
{
    size_t from = n;
    while (from > 0 && path[from - 1] != '/')
        from--;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(n - from), path + from);
    const hh_item *text = NULL, *first = NULL;
    bool leaf = true, required = false;
    for (size_t i = 0; i < w->n; i++) {
        const hh_item *it = &w->items[i];
        const char *rest = path_below(it, path, n);
        if (!rest || !written(it, w->scope))
            continue;
        if (*rest)
            leaf = false;
        else
            text = it;
        first = first ? first : it;
        required = required || it->required;
    }
    if (leaf && text) {
        element(w->f, name, w->scope, w->index, text->key);
    } else if (required || (first && value(w->f, w->scope, w->index, first->key))) {
        xmlTextWriterStartElement(w->f->w, BAD_CAST name);
        write_content(w, path, n);
        xmlTextWriterEndElement(w->f->w);
    }
}

/* The content of the element at `path` (n characters; 0: the scope's element): its
 * attributes, its child elements, then its text. */
static void write_content(const item_walk *w, const char *path, size_t n)
{
    const hh_item *text = NULL;
    for (size_t i = 0; i < w->n; i++) {
        const hh_item *it = &w->items[i];
        const char *rest = path_below(it, path, n);
        if (!rest || !written(it, w->scope))
            continue;
        if (rest[0] == '@' && !strchr(rest, '/'))
            attribute(w->f, rest + 1, w->scope, w->index, it->key);
        else if (!*rest)
            text = it;
    }
    for (size_t i = 0; i < w->n; i++) {
        const hh_item *it = &w->items[i];
        const char *rest = path_below(it, path, n);
        if (!rest || !*rest || rest[0] == '@' || !written(it, w->scope))
            continue;
        size_t child_n = (size_t)(rest - it->xml_path) + strcspn(rest, "/");
        bool seen = false; /* an earlier item already wrote this child */
        for (size_t j = 0; j < i && !seen; j++)
            seen = written(&w->items[j], w->scope) && strncmp(w->items[j].xml_path, it->xml_path, child_n) == 0 &&
                   (w->items[j].xml_path[child_n] == '\0' || w->items[j].xml_path[child_n] == '/');
        if (!seen)
            write_element(w, it->xml_path, child_n);
    }
    if (text) {
        const char *v = value(w->f, w->scope, w->index, text->key);
        /* as the writer always wrote them, so a typed form is stored byte for byte as
         * before: an element with attributes holds its text even when empty
         * (<document type="none"></document>); the scope's own (a visit's note) only
         * when given */
        if (v || n > 0)
            xmlTextWriterWriteString(w->f->w, BAD_CAST(v ? v : ""));
    }
}

static void write_items(form_writer *f, hh_item_scope item_scope, hh_q_scope scope, int index)
{
    item_walk w = { f, scope, index, NULL, 0 };
    w.items = hh_items_of(item_scope, &w.n);
    write_content(&w, "", 0);
}

static void write_person(form_writer *f, int p)
{
    xmlTextWriterStartElement(f->w, BAD_CAST "person");
    /* not asked: a person's line is their place in the roster */
    xmlTextWriterWriteFormatAttribute(f->w, BAD_CAST "line", "%d", p);
    write_items(f, HH_ITEM_PERSON, HH_SCOPE_PERSON, p);
    xmlTextWriterEndElement(f->w);
}

static void write_visit(form_writer *f, int v)
{
    xmlTextWriterStartElement(f->w, BAD_CAST "visit");
    write_items(f, HH_ITEM_VISIT, HH_SCOPE_VISIT, v);
    xmlTextWriterEndElement(f->w);
}

static char *form_xml(const hh_answers *a, bool placeholders, bool as_given, int upto_person, int upto_visit,
                      size_t *len)
{
    form_writer f = { a, placeholders, as_given, NULL, "", "" };
    int persons = hh_answers_count(a, HH_SCOPE_PERSON), visits = hh_answers_count(a, HH_SCOPE_VISIT);
    int written_persons = upto_person >= 0 && upto_person < persons ? upto_person : persons;
    snprintf(f.members, sizeof f.members, "%d", written_persons > 0 ? written_persons : 1);
    const char *date = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date");
    hhreg_date d;
    if (date && hhreg_date_parse(date, false, &d))
        snprintf(f.today, sizeof f.today, "%s", date);
    else
        hh_date_format(hh_date_today(), f.today);
    xmlBufferPtr buf = xmlBufferCreate();
    f.w = xmlNewTextWriterMemory(buf, 0);
    xmlTextWriterSetIndent(f.w, 1);
    xmlTextWriterSetIndentString(f.w, BAD_CAST "  ");
    xmlTextWriterStartDocument(f.w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElementNS(f.w, NULL, BAD_CAST "household", BAD_CAST NS);
    write_items(&f, HH_ITEM_HOUSEHOLD, HH_SCOPE_HOUSEHOLD, 0);
    for (int p = 1; p <= persons && (upto_person < 0 || p <= upto_person); p++)
        write_person(&f, p);
    if (placeholders && persons == 0 && upto_person < 0)
        write_person(&f, 1); /* the roster comes later: a stand-in person meanwhile */
    for (int v = 1; v <= visits && (upto_visit < 0 || v <= upto_visit); v++)
        write_visit(&f, v);
    xmlTextWriterEndElement(f.w);
    xmlTextWriterEndDocument(f.w);
    xmlFreeTextWriter(f.w);
    char *xml = hh_xstrndup((const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    *len = (size_t)xmlBufferLength(buf);
    xmlBufferFree(buf);
    return xml;
}

char *hh_entry_form_xml(const hh_answers *a, bool placeholders, int upto_person, int upto_visit, size_t *len)
{
    return form_xml(a, placeholders, false, upto_person, upto_visit, len);
}

char *hh_entry_form_xml_as_given(const hh_answers *a, size_t *len)
{
    return form_xml(a, false, true, -1, -1, len);
}

/* --- a stored household as answers ---------------------------------------------------------- */

/* The answers of the items of `item_scope` held in `record` (index 0 for the
 * household, N for person or visit N): each asked item as it would be typed. */
static void put_items(hh_answers *a, hh_item_scope item_scope, hh_q_scope scope, int index, const void *record)
{
    size_t n;
    const hh_item *items = hh_items_of(item_scope, &n);
    for (size_t k = 0; k < n; k++) {
        const hh_item *it = &items[k];
        if (!asked(it, scope))
            continue;
        const void *at = hh_item_at(it, record);
        char text[32] = "";
        const char *value = text;
        if (it->ctype == HH_ITEM_C_STR)
            value = *(char *const *)at ? *(char *const *)at : "";
        else if (it->ctype == HH_ITEM_C_BOOL)
            value = !hh_item_given(it, record) ? "" : *(const int *)at ? "true" : "false";
        else if (hh_item_given(it, record) && it->ctype == HH_ITEM_C_INT)
            snprintf(text, sizeof text, "%d", *(const int *)at);
        else if (hh_item_given(it, record))
            snprintf(text, sizeof text, "%g", *(const double *)at);
        hh_answer_set(a, scope, index, it->key, value);
    }
}

void hh_answers_from_household(hh_answers *a, const hh_household *h)
{
    put_items(a, HH_ITEM_HOUSEHOLD, HH_SCOPE_HOUSEHOLD, 0, h);
    for (size_t i = 0; i < h->n_persons; i++) {
        const hh_person *p = &h->persons[i];
        put_items(a, HH_ITEM_PERSON, HH_SCOPE_PERSON, (int)i + 1, p);
        /* asked, not an item: the certificate's type and grade follow a yes */
        hh_answer_set(a, HH_SCOPE_PERSON, (int)i + 1, "certificate", p->certificate_type ? "true" : "false");
    }
    for (size_t i = 0; i < h->n_visits; i++)
        put_items(a, HH_ITEM_VISIT, HH_SCOPE_VISIT, (int)i + 1, &h->visits[i]);
}
