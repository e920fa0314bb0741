/* jsonl.c — the `jsonl` export plugin: one JSON object per line per household, with
 * its persons, visits and derived values; every item of the form, UTF-8, absent
 * items as null. The items and their keys come from the host's item dictionary
 * (ABI 1.4), so an item added to the form is written without a change here. An
 * incremental export (--since, ABI 1.6) also writes a line for each household deleted
 * after the watermark: {"id":…,"deleted":{"at":…,"revision":…,"change":…}}. */
#include <stdio.h>
#include <string.h>

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

static int same_group(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* One item: its text quoted, or bare when numeric; null when absent. */
static void item(out *o, const hhreg_item *it, const char *text)
{
    key(o, it->name);
    if (!text)
        o->api->write_text(o->ctx, "null");
    else if (it->numeric)
        o->api->write_text(o->ctx, text);
    else
        o->api->json_string(o->ctx, text);
}

/* Every item of `scope` in `record`, in the dictionary's order; an item's group is
 * an object, null when its first item is absent (a person's functioning). The
 * household's revision, not an item, follows its first item, the id. */
static void items(out *o, int scope, const void *record, int revision)
{
    const hhreg_host_api *api = o->api;
    size_t n = api->item_count(o->ctx, scope);
    const char *group = NULL;
    int null_group = 0;
    for (size_t i = 0; i < n; i++) {
        const hhreg_item *it = api->item(o->ctx, scope, i);
        const char *text = api->item_text(o->ctx, record, scope, i);
        if (!same_group(it->group, group)) {
            if (group && !null_group)
                close_object(o);
            group = it->group;
            null_group = group && !text;
            if (null_group) {
                key(o, group);
                api->write_text(o->ctx, "null");
            } else if (group) {
                open_object(o, group);
            }
        }
        if (!null_group)
            item(o, it, text);
        if (scope == HHREG_SCOPE_HOUSEHOLD && i == 0)
            num(o, "revision", revision, -1);
    }
    if (group && !null_group)
        close_object(o);
}

static void person(out *o, const hhreg_person *p)
{
    open_object(o, NULL);
    items(o, HHREG_SCOPE_PERSON, p, 0);
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
    items(&o, HHREG_SCOPE_HOUSEHOLD, h, h->revision);
    key(&o, "persons");
    api->write_text(ctx, "[");
    o.first = 1;
    for (size_t i = 0; i < h->n_persons; i++)
        person(&o, &h->persons[i]);
    api->write_text(ctx, "]");
    o.first = 0; /* also after an empty roster (nobody home, refused) */
    key(&o, "visits");
    api->write_text(ctx, "[");
    o.first = 1;
    for (size_t i = 0; i < h->n_visits; i++) {
        open_object(&o, NULL);
        items(&o, HHREG_SCOPE_VISIT, &h->visits[i], 0);
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
    if (h->low_income < 0) { /* not recorded (nobody home, refused): not "no" */
        key(&o, "lowIncome");
        api->write_text(ctx, "null");
    } else {
        flag(&o, "lowIncome", h->low_income);
    }
    close_object(&o);
    close_object(&o);
    return api->write_text(ctx, "\n");
}

/* A deletion, written only in an incremental run: a full export lists the
 * households there are, as before ABI 1.6. Called by a 1.6 host only. */
static int tombstone(hhreg_ctx *ctx, void *state, const hhreg_tombstone *t)
{
    const hhreg_host_api *api = state;
    if (api->since(ctx) < 0)
        return 0;
    out o = { ctx, api, 1 };
    open_object(&o, NULL);
    str(&o, "id", t->id);
    open_object(&o, "deleted");
    str(&o, "at", t->deleted_at);
    num(&o, "revision", t->revision, -1);
    key(&o, "change");
    api->writef(ctx, "%lld", t->change);
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
    HHREG_PLUGIN_HEADER(5), /* the item dictionary; 1.5: -1 for the allowance not recorded */
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
    .tombstone = tombstone,
};
