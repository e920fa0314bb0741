/* form.c — reading a validated form's DOM into an hh_household (see form.h). The
 * walk follows the XSD's sequence, one small reader per complex type. */
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include "schemaset.h"
#include "util.h"

const char *const hh_wg_domain_names[HH_WG_DOMAINS] = {
    "seeing", "hearing", "walking", "cognition", "selfCare", "communication",
};

static int named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static char *text(const xmlNode *n)
{
    xmlChar *s = xmlNodeGetContent(n);
    char *copy = hh_xstrdup(s ? (const char *)s : "");
    xmlFree(s);
    return copy;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *s = xmlGetProp(n, BAD_CAST name);
    char *copy = s ? hh_xstrdup((const char *)s) : NULL;
    xmlFree(s);
    return copy;
}

static bool attr_true(const xmlNode *n, const char *name)
{
    char *s = attr(n, name);
    bool v = s && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0);
    free(s);
    return v;
}

static int attr_int(const xmlNode *n, const char *name, int absent)
{
    char *s = attr(n, name);
    int v = s ? atoi(s) : absent;
    free(s);
    return v;
}

static bool text_true(const xmlNode *n)
{
    char *s = text(n);
    bool v = strcmp(s, "true") == 0 || strcmp(s, "1") == 0;
    free(s);
    return v;
}

static void read_address(hh_household *h, const xmlNode *a)
{
    for (const xmlNode *c = a->children; c; c = c->next) {
        if (named(c, "district")) {
            h->district = text(c);
            h->district_code = attr(c, "code");
        } else if (named(c, "street")) {
            h->street = text(c);
            h->street_code = attr(c, "code");
        } else if (named(c, "community")) {
            h->community = text(c);
            h->community_code = attr(c, "code");
        } else if (named(c, "grid")) {
            char *s = text(c);
            h->grid = atoi(s);
            free(s);
        } else if (named(c, "estate")) {
            h->estate = text(c);
        } else if (named(c, "building")) {
            h->building = text(c);
        } else if (named(c, "unit")) {
            h->unit = text(c);
        } else if (named(c, "room")) {
            h->room = text(c);
        }
    }
}

static void read_person(hh_person *p, const xmlNode *el)
{
    memset(p, 0, sizeof *p);
    p->line = attr_int(el, "line", 0);
    p->education = -1;
    for (const xmlNode *c = el->children; c; c = c->next) {
        if (named(c, "name"))
            p->name = text(c);
        else if (named(c, "relationship"))
            p->relationship = text(c);
        else if (named(c, "sex"))
            p->sex = text(c);
        else if (named(c, "birthDate"))
            p->birth_date = text(c);
        else if (named(c, "document")) {
            p->document_type = attr(c, "type");
            p->document_number = text(c);
            if (!*p->document_number) {
                free(p->document_number);
                p->document_number = NULL;
            }
        } else if (named(c, "nationality"))
            p->nationality = text(c);
        else if (named(c, "ethnicity"))
            p->ethnicity = text(c);
        else if (named(c, "residence")) {
            p->residence = text(c);
            p->registered_in = attr(c, "registeredIn");
        } else if (named(c, "maritalStatus"))
            p->marital_status = text(c);
        else if (named(c, "education")) {
            char *s = text(c);
            p->education = atoi(s);
            free(s);
        } else if (named(c, "activity"))
            p->activity = text(c);
        else if (named(c, "functioning")) {
            for (int d = 0; d < HH_WG_DOMAINS; d++)
                p->functioning[d] = attr_int(c, hh_wg_domain_names[d], 0);
        } else if (named(c, "disabilityCertificate")) {
            p->certificate_type = attr(c, "type");
            p->certificate_grade = attr_int(c, "grade", 0);
        } else if (named(c, "phone"))
            p->phone = text(c);
        else if (named(c, "languages"))
            p->languages = text(c);
        else if (named(c, "notes"))
            p->notes = text(c);
    }
}

static void read_visit(hh_visit *v, const xmlNode *el)
{
    v->date = attr(el, "date");
    v->enumerator = attr(el, "enumerator");
    v->purpose = attr(el, "purpose");
    v->outcome = attr(el, "outcome");
    v->note = text(el);
    if (!*v->note) {
        free(v->note);
        v->note = NULL;
    }
}

static size_t count_named(const xmlNode *parent, const char *name)
{
    size_t n = 0;
    for (const xmlNode *c = parent->children; c; c = c->next)
        n += named(c, name);
    return n;
}

hh_household *hh_household_from_doc(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !named(root, "household"))
        return NULL;
    hh_household *h = hh_xcalloc(1, sizeof *h);
    h->id = attr(root, "id");
    h->floor_area = -1;
    h->member_count = -1;
    h->persons = hh_xcalloc(count_named(root, "person"), sizeof *h->persons);
    h->visits = hh_xcalloc(count_named(root, "visit"), sizeof *h->visits);
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (named(c, "address"))
            read_address(h, c);
        else if (named(c, "householdType"))
            h->household_type = text(c);
        else if (named(c, "dwellingType"))
            h->dwelling_type = text(c);
        else if (named(c, "tenure"))
            h->tenure = text(c);
        else if (named(c, "floorArea")) {
            char *s = text(c);
            h->floor_area = strtod(s, NULL);
            free(s);
        } else if (named(c, "phone"))
            h->phone = text(c);
        else if (named(c, "preferredLanguage"))
            h->preferred_language = text(c);
        else if (named(c, "lowIncome")) {
            h->low_income = attr_true(c, "receives");
            h->low_income_since = attr(c, "since");
        } else if (named(c, "extremeHardship"))
            h->extreme_hardship = text_true(c);
        else if (named(c, "needs"))
            h->needs = text(c);
        else if (named(c, "enumeration")) {
            h->enumerator = attr(c, "enumerator");
            h->enumeration_date = attr(c, "date");
            h->enumeration_status = attr(c, "status");
            h->respondent = attr(c, "respondent");
            h->consent = attr_true(c, "consent");
        } else if (named(c, "memberCount")) {
            char *s = text(c);
            h->member_count = atoi(s);
            free(s);
        } else if (named(c, "person"))
            read_person(&h->persons[h->n_persons++], c);
        else if (named(c, "visit"))
            read_visit(&h->visits[h->n_visits++], c);
    }
    if (!h->preferred_language)
        h->preferred_language = hh_xstrdup("zh");
    return h;
}

static void person_free(hh_person *p)
{
    char *strings[] = { p->name, p->relationship, p->sex, p->birth_date, p->document_type,
                        p->document_number, p->nationality, p->ethnicity, p->residence,
                        p->registered_in, p->marital_status, p->activity, p->phone,
                        p->languages, p->notes, p->certificate_type };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(strings[i]);
}

void hh_household_free(hh_household *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n_persons; i++)
        person_free(&h->persons[i]);
    for (size_t i = 0; i < h->n_visits; i++) {
        hh_visit *v = &h->visits[i];
        free(v->date);
        free(v->enumerator);
        free(v->purpose);
        free(v->outcome);
        free(v->note);
    }
    char *strings[] = { h->id, h->district_code, h->district, h->street_code, h->street,
                        h->community_code, h->community, h->estate, h->building, h->unit,
                        h->room, h->household_type, h->dwelling_type, h->tenure, h->phone,
                        h->preferred_language, h->low_income_since, h->needs, h->enumerator,
                        h->enumeration_date, h->enumeration_status, h->respondent };
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(strings[i]);
    free(h->persons);
    free(h->visits);
    free(h);
}
