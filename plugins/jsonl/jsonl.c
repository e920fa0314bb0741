/* jsonl.c — the `jsonl` export plugin: one JSON object per line per household, with
 * its persons, visits and derived values; every item of the form, UTF-8, absent
 * items as null. Keys follow the form's item names. */
#include <stdio.h>

#include "hhreg/plugin.h"

typedef struct out {
    hhreg_ctx *ctx;
    const hhreg_host_api *api;
    int first;
} out;

static void key(out *o, const char *k)
{
    o->api->write_text(o->ctx, o->first ? "\"" : ",\"");
    o->api->write_text(o->ctx, k);
    o->api->write_text(o->ctx, "\":");
    o->first = 0;
}

static void str(out *o, const char *k, const char *v)
{
    key(o, k);
    o->api->json_string(o->ctx, v);
}

static void num(out *o, const char *k, long v, long absent)
{
    key(o, k);
    if (v == absent)
        o->api->write_text(o->ctx, "null");
    else
        o->api->writef(o->ctx, "%ld", v);
}

static void flag(out *o, const char *k, int v)
{
    key(o, k);
    o->api->write_text(o->ctx, v ? "true" : "false");
}

static void open_object(out *o, const char *k)
{
    if (k)
        key(o, k);
    else if (!o->first)
        o->api->write_text(o->ctx, ",");
    o->api->write_text(o->ctx, "{");
    o->first = 1;
}

static void close_object(out *o)
{
    o->api->write_text(o->ctx, "}");
    o->first = 0;
}

static void person(out *o, const hhreg_person *p)
{
    static const char *domains[6] = { "seeing", "hearing", "walking", "cognition", "selfCare", "communication" };
    open_object(o, NULL);
    num(o, "line", p->line, -1);
    str(o, "name", p->name);
    str(o, "relationship", p->relationship);
    str(o, "sex", p->sex);
    str(o, "birthDate", p->birth_date);
    str(o, "documentType", p->document_type);
    str(o, "documentNumber", p->document_number);
    str(o, "nationality", p->nationality);
    str(o, "ethnicity", p->ethnicity);
    str(o, "residence", p->residence);
    str(o, "registeredIn", p->registered_in);
    str(o, "maritalStatus", p->marital_status);
    num(o, "education", p->education, -1);
    str(o, "activity", p->activity);
    if (p->functioning[0]) {
        open_object(o, "functioning");
        for (int d = 0; d < 6; d++)
            num(o, domains[d], p->functioning[d], 0);
        close_object(o);
    } else {
        key(o, "functioning");
        o->api->write_text(o->ctx, "null");
    }
    str(o, "certificateType", p->certificate_type);
    num(o, "certificateGrade", p->certificate_grade, 0);
    str(o, "phone", p->phone);
    str(o, "languages", p->languages);
    str(o, "notes", p->notes);
    open_object(o, "derived");
    num(o, "age", p->age, -1);
    str(o, "ageGroup", p->age_group);
    flag(o, "elderly60", p->elderly60);
    flag(o, "elderly65", p->elderly65);
    flag(o, "disability", p->disabled);
    close_object(o);
    close_object(o);
}

static int household(hhreg_ctx *ctx, void *state, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    const hhreg_host_api *api = state;
    out o = { ctx, api, 1 };
    open_object(&o, NULL);
    str(&o, "id", h->id);
    num(&o, "revision", h->revision, -1);
    open_object(&o, "address");
    str(&o, "districtCode", h->district_code);
    str(&o, "district", h->district);
    str(&o, "streetCode", h->street_code);
    str(&o, "street", h->street);
    str(&o, "communityCode", h->community_code);
    str(&o, "community", h->community);
    num(&o, "grid", h->grid, -1);
    str(&o, "estate", h->estate);
    str(&o, "building", h->building);
    str(&o, "unit", h->unit);
    str(&o, "room", h->room);
    close_object(&o);
    str(&o, "householdType", h->household_type);
    str(&o, "dwellingType", h->dwelling_type);
    str(&o, "tenure", h->tenure);
    key(&o, "floorArea");
    if (h->floor_area < 0)
        api->write_text(ctx, "null");
    else
        api->writef(ctx, "%.2f", h->floor_area);
    str(&o, "phone", h->phone);
    str(&o, "preferredLanguage", h->preferred_language);
    flag(&o, "lowIncome", h->low_income);
    str(&o, "lowIncomeSince", h->low_income_since);
    flag(&o, "extremeHardship", h->extreme_hardship);
    str(&o, "needs", h->needs);
    open_object(&o, "enumeration");
    str(&o, "enumerator", h->enumerator);
    str(&o, "date", h->enumeration_date);
    str(&o, "status", h->enumeration_status);
    str(&o, "respondent", h->respondent);
    flag(&o, "consent", h->consent);
    close_object(&o);
    num(&o, "memberCount", h->member_count, -1);
    key(&o, "persons");
    api->write_text(ctx, "[");
    o.first = 1;
    for (size_t i = 0; i < h->n_persons; i++)
        person(&o, &h->persons[i]);
    api->write_text(ctx, "]");
    key(&o, "visits");
    api->write_text(ctx, "[");
    o.first = 1;
    for (size_t i = 0; i < h->n_visits; i++) {
        const hhreg_visit *v = &h->visits[i];
        open_object(&o, NULL);
        str(&o, "date", v->date);
        str(&o, "enumerator", v->enumerator);
        str(&o, "purpose", v->purpose);
        str(&o, "outcome", v->outcome);
        str(&o, "note", v->note);
        close_object(&o);
    }
    api->write_text(ctx, "]");
    o.first = 0;
    open_object(&o, "derived");
    num(&o, "size", h->size, -1);
    num(&o, "elderly60", h->elderly60, -1);
    num(&o, "elderly65", h->elderly65, -1);
    num(&o, "personsWithDisability", h->persons_with_disability, -1);
    flag(&o, "elderlyLivingAlone", h->elderly_living_alone);
    flag(&o, "emptyNest", h->empty_nest);
    flag(&o, "lowIncome", h->low_income);
    close_object(&o);
    close_object(&o);
    return api->write_text(ctx, "\n");
}

/* The state is just the host API, which household() needs. */
static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **state)
{
    (void)ctx;
    *state = (void *)api;
    return 0;
}

static int end(hhreg_ctx *ctx, void *state, int ok)
{
    (void)ctx;
    (void)state;
    (void)ok;
    return 0;
}

const hhreg_plugin hhreg_plugin_jsonl = {
    HHREG_PLUGIN_HEADER(0),
    .name = "jsonl",
    .version = "1.0",
    .summary = "one JSON object per household with its persons, visits and derived values (UTF-8)",
    .options = NULL,
    .extension = "jsonl",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML, /* reads items, never the stored XML */
};
