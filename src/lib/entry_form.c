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

#define NS "urn:hhreg:household:1"

typedef struct form_writer {
    const hh_answers *a;
    bool placeholders;
    xmlTextWriterPtr w;
    char today[11];
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
    hh_date d;
    if (!birth || !hh_date_parse(birth, false, &d))
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
        { HH_SCOPE_HOUSEHOLD, "low-income", "false" }, { HH_SCOPE_HOUSEHOLD, "extreme-hardship", "false" },
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
    if (scope == HH_SCOPE_PERSON && strcmp(key, "document-number") == 0)
        return document_stand_in(f, index);
    if (strcmp(key, "enumeration-date") == 0 || strcmp(key, "date") == 0)
        return f->today;
    for (size_t i = 0; i < sizeof stand_ins / sizeof stand_ins[0]; i++)
        if (stand_ins[i].scope == scope && strcmp(stand_ins[i].key, key) == 0)
            return stand_ins[i].value;
    return "x"; /* names and places */
}

/* The value to write: the answer, a stand-in, or NULL (leave the item out). */
static const char *value(const form_writer *f, hh_q_scope scope, int index, const char *key)
{
    hh_q_scope question_scope = strcmp(key, "respondent") == 0 ? HH_SCOPE_AFTER_ROSTER : scope;
    const hh_question *q = hh_question_find(question_scope, key);
    if (q && !hh_question_applies(q, f->a, index))
        return NULL;
    const char *v = hh_answer(f->a, scope, index, key);
    if (v && *v)
        return v;
    if (q && q->optional)
        return NULL;
    return f->placeholders ? placeholder(f, scope, index, key) : v;
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

static void coded_place(form_writer *f, const char *name, const char *code_key, const char *name_key)
{
    xmlTextWriterStartElement(f->w, BAD_CAST name);
    attribute(f, "code", HH_SCOPE_HOUSEHOLD, 0, code_key);
    const char *v = value(f, HH_SCOPE_HOUSEHOLD, 0, name_key);
    xmlTextWriterWriteString(f->w, BAD_CAST(v ? v : ""));
    xmlTextWriterEndElement(f->w);
}

static void write_household_items(form_writer *f)
{
    xmlTextWriterStartElement(f->w, BAD_CAST "address");
    coded_place(f, "district", "district-code", "district");
    coded_place(f, "street", "street-code", "street");
    coded_place(f, "community", "community-code", "community");
    static const char *const places[][2] = { { "grid", "grid" }, { "estate", "estate" }, { "building", "building" },
                                             { "unit", "unit" }, { "room", "room" } };
    for (size_t i = 0; i < 5; i++)
        element(f, places[i][0], HH_SCOPE_HOUSEHOLD, 0, places[i][1]);
    xmlTextWriterEndElement(f->w);
    static const char *const items[][2] = { { "householdType", "household-type" }, { "dwellingType", "dwelling-type" },
                                            { "tenure", "tenure" }, { "floorArea", "floor-area" },
                                            { "phone", "phone" }, { "preferredLanguage", "language" } };
    for (size_t i = 0; i < 6; i++)
        element(f, items[i][0], HH_SCOPE_HOUSEHOLD, 0, items[i][1]);
    xmlTextWriterStartElement(f->w, BAD_CAST "lowIncome");
    attribute(f, "receives", HH_SCOPE_HOUSEHOLD, 0, "low-income");
    attribute(f, "since", HH_SCOPE_HOUSEHOLD, 0, "low-income-since");
    xmlTextWriterEndElement(f->w);
    element(f, "extremeHardship", HH_SCOPE_HOUSEHOLD, 0, "extreme-hardship");
    element(f, "needs", HH_SCOPE_HOUSEHOLD, 0, "needs");
    xmlTextWriterStartElement(f->w, BAD_CAST "enumeration");
    static const char *const enumeration[][2] = { { "enumerator", "enumerator" }, { "date", "enumeration-date" },
                                                  { "status", "status" }, { "respondent", "respondent" },
                                                  { "consent", "consent" } };
    for (size_t i = 0; i < 5; i++)
        attribute(f, enumeration[i][0], HH_SCOPE_HOUSEHOLD, 0, enumeration[i][1]);
    xmlTextWriterEndElement(f->w);
}

static void write_person(form_writer *f, int p)
{
    xmlTextWriterStartElement(f->w, BAD_CAST "person");
    xmlTextWriterWriteFormatAttribute(f->w, BAD_CAST "line", "%d", p);
    static const char *const first[][2] = { { "name", "name" }, { "relationship", "relationship" }, { "sex", "sex" },
                                            { "birthDate", "birth-date" } };
    for (size_t i = 0; i < 4; i++)
        element(f, first[i][0], HH_SCOPE_PERSON, p, first[i][1]);
    xmlTextWriterStartElement(f->w, BAD_CAST "document");
    attribute(f, "type", HH_SCOPE_PERSON, p, "document-type");
    const char *number = value(f, HH_SCOPE_PERSON, p, "document-number");
    xmlTextWriterWriteString(f->w, BAD_CAST(number ? number : ""));
    xmlTextWriterEndElement(f->w);
    element(f, "nationality", HH_SCOPE_PERSON, p, "nationality");
    element(f, "ethnicity", HH_SCOPE_PERSON, p, "ethnicity");
    xmlTextWriterStartElement(f->w, BAD_CAST "residence");
    attribute(f, "registeredIn", HH_SCOPE_PERSON, p, "registered-in");
    const char *residence = value(f, HH_SCOPE_PERSON, p, "residence");
    xmlTextWriterWriteString(f->w, BAD_CAST(residence ? residence : ""));
    xmlTextWriterEndElement(f->w);
    static const char *const middle[][2] = { { "maritalStatus", "marital-status" }, { "education", "education" },
                                             { "activity", "activity" } };
    for (size_t i = 0; i < 3; i++)
        element(f, middle[i][0], HH_SCOPE_PERSON, p, middle[i][1]);
    static const char *const domains[][2] = { { "seeing", "seeing" }, { "hearing", "hearing" },
                                              { "walking", "walking" }, { "cognition", "cognition" },
                                              { "selfCare", "self-care" }, { "communication", "communication" } };
    if (value(f, HH_SCOPE_PERSON, p, "seeing")) {
        xmlTextWriterStartElement(f->w, BAD_CAST "functioning");
        for (size_t i = 0; i < 6; i++)
            attribute(f, domains[i][0], HH_SCOPE_PERSON, p, domains[i][1]);
        xmlTextWriterEndElement(f->w);
    }
    const char *certificate = value(f, HH_SCOPE_PERSON, p, "certificate");
    if (certificate && strcmp(certificate, "true") == 0) {
        xmlTextWriterStartElement(f->w, BAD_CAST "disabilityCertificate");
        attribute(f, "type", HH_SCOPE_PERSON, p, "certificate-type");
        attribute(f, "grade", HH_SCOPE_PERSON, p, "certificate-grade");
        xmlTextWriterEndElement(f->w);
    }
    static const char *const last[][2] = { { "phone", "phone" }, { "languages", "languages" }, { "notes", "notes" } };
    for (size_t i = 0; i < 3; i++)
        element(f, last[i][0], HH_SCOPE_PERSON, p, last[i][1]);
    xmlTextWriterEndElement(f->w);
}

static void write_visit(form_writer *f, int v)
{
    xmlTextWriterStartElement(f->w, BAD_CAST "visit");
    static const char *const attrs[] = { "date", "enumerator", "purpose", "outcome" };
    for (size_t i = 0; i < 4; i++)
        attribute(f, attrs[i], HH_SCOPE_VISIT, v, attrs[i]);
    const char *note = value(f, HH_SCOPE_VISIT, v, "note");
    if (note)
        xmlTextWriterWriteString(f->w, BAD_CAST note);
    xmlTextWriterEndElement(f->w);
}

char *hh_entry_form_xml(const hh_answers *a, bool placeholders, int upto_person, int upto_visit, size_t *len)
{
    form_writer f = { a, placeholders, NULL, "" };
    const char *date = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date");
    hh_date d;
    if (date && hh_date_parse(date, false, &d))
        snprintf(f.today, sizeof f.today, "%s", date);
    else
        hh_date_format(hh_date_today(), f.today);
    xmlBufferPtr buf = xmlBufferCreate();
    f.w = xmlNewTextWriterMemory(buf, 0);
    xmlTextWriterSetIndent(f.w, 1);
    xmlTextWriterSetIndentString(f.w, BAD_CAST "  ");
    xmlTextWriterStartDocument(f.w, "1.0", "UTF-8", NULL);
    xmlTextWriterStartElementNS(f.w, NULL, BAD_CAST "household", BAD_CAST NS);
    attribute(&f, "id", HH_SCOPE_HOUSEHOLD, 0, "id");
    write_household_items(&f);
    int persons = hh_answers_count(a, HH_SCOPE_PERSON), visits = hh_answers_count(a, HH_SCOPE_VISIT);
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

/* --- a stored household as answers ---------------------------------------------------------- */

static void put(hh_answers *a, hh_q_scope scope, int index, const char *key, const char *value)
{
    hh_answer_set(a, scope, index, key, value ? value : "");
}

static void put_int(hh_answers *a, hh_q_scope scope, int index, const char *key, int value, int absent)
{
    char text[32];
    snprintf(text, sizeof text, "%d", value);
    put(a, scope, index, key, value == absent ? "" : text);
}

void hh_answers_from_household(hh_answers *a, const hh_household *h)
{
    static const hh_q_scope H = HH_SCOPE_HOUSEHOLD, P = HH_SCOPE_PERSON, V = HH_SCOPE_VISIT;
    const char *household[][2] = {
        { "district-code", h->district_code }, { "district", h->district }, { "street-code", h->street_code },
        { "street", h->street }, { "community-code", h->community_code }, { "community", h->community },
        { "estate", h->estate }, { "building", h->building }, { "unit", h->unit }, { "room", h->room },
        { "id", h->id }, { "household-type", h->household_type }, { "dwelling-type", h->dwelling_type },
        { "tenure", h->tenure }, { "phone", h->phone }, { "language", h->preferred_language },
        { "low-income", h->low_income ? "true" : "false" }, { "low-income-since", h->low_income_since },
        { "extreme-hardship", h->extreme_hardship ? "true" : "false" }, { "needs", h->needs },
        { "enumerator", h->enumerator }, { "enumeration-date", h->enumeration_date },
        { "status", h->enumeration_status }, { "consent", h->consent ? "true" : "false" },
        { "respondent", h->respondent },
    };
    for (size_t i = 0; i < sizeof household / sizeof household[0]; i++)
        put(a, H, 0, household[i][0], household[i][1]);
    put_int(a, H, 0, "grid", h->grid, -1);
    char area[32] = "";
    if (h->floor_area >= 0)
        snprintf(area, sizeof area, "%g", h->floor_area);
    put(a, H, 0, "floor-area", area);
    static const char *const domains[HH_WG_DOMAINS] = { "seeing", "hearing", "walking",
                                                        "cognition", "self-care", "communication" };
    for (size_t i = 0; i < h->n_persons; i++) {
        const hh_person *p = &h->persons[i];
        int n = (int)i + 1;
        const char *person[][2] = {
            { "name", p->name }, { "relationship", p->relationship }, { "sex", p->sex },
            { "birth-date", p->birth_date }, { "document-type", p->document_type },
            { "document-number", p->document_number }, { "nationality", p->nationality },
            { "ethnicity", p->ethnicity }, { "residence", p->residence }, { "registered-in", p->registered_in },
            { "marital-status", p->marital_status }, { "activity", p->activity }, { "phone", p->phone },
            { "languages", p->languages }, { "notes", p->notes },
            { "certificate", p->certificate_type ? "true" : "false" }, { "certificate-type", p->certificate_type },
        };
        for (size_t j = 0; j < sizeof person / sizeof person[0]; j++)
            put(a, P, n, person[j][0], person[j][1]);
        put_int(a, P, n, "education", p->education, -1);
        put_int(a, P, n, "certificate-grade", p->certificate_grade, 0);
        for (int d = 0; d < HH_WG_DOMAINS; d++)
            put_int(a, P, n, domains[d], p->functioning[d], 0);
    }
    for (size_t i = 0; i < h->n_visits; i++) {
        const hh_visit *v = &h->visits[i];
        const char *visit[][2] = { { "date", v->date }, { "enumerator", v->enumerator }, { "purpose", v->purpose },
                                   { "outcome", v->outcome }, { "note", v->note } };
        for (size_t j = 0; j < 5; j++)
            put(a, V, (int)i + 1, visit[j][0], visit[j][1]);
    }
}
