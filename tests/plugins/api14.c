/* api14.c — a test plugin of the host API 1.4 (min_api_minor 4): the item dictionary.
 *  - begin() writes one line per item of every scope, as api->item describes it:
 *    "item SCOPE INDEX NAME GROUP KIND NUMERIC CODE_LIST N_CODES" (tab-separated,
 *    "-" for none);
 *  - household() writes "household ID", then for the household, each person and
 *    each visit one line per item, through api->item_text:
 *    "value SCOPE NAME JSON" with JSON the value as JSON writes it (quoted text, a
 *    bare number or true/false, null when absent);
 *  - it fails the export, saying why, when the host answers for an index past
 *    the last item, a scope that does not exist or a record it did not hand over. */
#include "hhreg/plugin.h"

#include <stdio.h>

static const int scopes[] = { HHREG_SCOPE_HOUSEHOLD, HHREG_SCOPE_PERSON, HHREG_SCOPE_VISIT };

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **state)
{
    *state = (void *)api;
    for (int s = 0; s < 3; s++) {
        size_t n = api->item_count(ctx, scopes[s]);
        for (size_t i = 0; i < n; i++) {
            const hhreg_item *it = api->item(ctx, scopes[s], i);
            size_t codes = 0;
            while (it->codes && it->codes[codes])
                codes++;
            api->writef(ctx, "item\t%d\t%zu\t%s\t%s\t%d\t%d\t%s\t%zu\n", it->scope, i, it->name,
                        it->group ? it->group : "-", it->kind, it->numeric, it->code_list ? it->code_list : "-", codes);
        }
        if (api->item(ctx, scopes[s], n)) {
            api->error(ctx, "an item past the last of scope %d", scopes[s]);
            return 1;
        }
    }
    if (api->item_count(ctx, 3) != 0 || api->item(ctx, -1, 0)) {
        api->error(ctx, "items of a scope that does not exist");
        return 1;
    }
    return 0;
}

/* Every item of `scope` in `record`. */
static int values(hhreg_ctx *ctx, const hhreg_host_api *api, int scope, const void *record)
{
    size_t n = api->item_count(ctx, scope);
    for (size_t i = 0; i < n; i++) {
        const hhreg_item *it = api->item(ctx, scope, i);
        const char *text = api->item_text(ctx, record, scope, i);
        api->writef(ctx, "value\t%d\t%s\t", scope, it->name);
        if (!text)
            api->write_text(ctx, "null");
        else if (it->numeric)
            api->write_text(ctx, text);
        else
            api->json_string(ctx, text);
        api->write_text(ctx, "\n");
    }
    if (api->item_text(ctx, record, scope, n)) {
        api->error(ctx, "a value past the last item of scope %d", scope);
        return 1;
    }
    return 0;
}

static int household(hhreg_ctx *ctx, void *state, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    const hhreg_host_api *api = state;
    hhreg_household copy = *h;
    if (api->item_text(ctx, &copy, HHREG_SCOPE_HOUSEHOLD, 0) ||
        (h->n_persons && api->item_text(ctx, h, HHREG_SCOPE_PERSON, 0))) {
        api->error(ctx, "a value of a record the host did not hand over");
        return 1;
    }
    api->writef(ctx, "household\t%s\n", h->id);
    int failed = values(ctx, api, HHREG_SCOPE_HOUSEHOLD, h);
    for (size_t i = 0; i < h->n_persons; i++)
        failed |= values(ctx, api, HHREG_SCOPE_PERSON, &h->persons[i]);
    for (size_t i = 0; i < h->n_visits; i++)
        failed |= values(ctx, api, HHREG_SCOPE_VISIT, &h->visits[i]);
    return failed;
}

static int end(hhreg_ctx *ctx, void *state, int ok)
{
    (void)ctx;
    (void)state;
    (void)ok;
    return 0;
}

const hhreg_plugin hhreg_plugin_api14 = {
    HHREG_PLUGIN_HEADER(4),
    .name = "api14",
    .version = "1.4",
    .summary = "test: every item of every scope through the item dictionary",
    .options = NULL,
    .extension = "txt",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML,
};
