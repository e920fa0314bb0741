/* api16.c — a test plugin of the host API 1.6 (min_api_minor 6): the change feed.
 *  - begin() calls api->set_since with --opt watermark=N when given, then writes
 *    "run SINCE LAST_CHANGE STORE_ID" (tab-separated) as the host answers;
 *  - household() writes "household ID REVISION CHANGE MADE_IN PARENT", and with
 *    --opt late=yes calls set_since, which the host must refuse there;
 *  - tombstone() writes "tombstone ID REVISION CHANGE DELETED_AT". */
#include "hhreg/plugin.h"

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **state)
{
    *state = (void *)api;
    if (api->option(ctx, "watermark") && api->set_since(ctx, api->option_int(ctx, "watermark")) != 0)
        return 1;
    const char *id = api->store_id(ctx);
    return api->writef(ctx, "run\t%lld\t%lld\t%s\n", api->since(ctx), api->last_change(ctx), id ? id : "-");
}

static int household(hhreg_ctx *ctx, void *state, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    const hhreg_host_api *api = state;
    if (api->option_bool(ctx, "late") && api->set_since(ctx, 0) != 0)
        return 1;
    return api->writef(ctx, "household\t%s\t%d\t%lld\t%s\t%d\n", h->id, h->revision, h->change,
                       h->made_in ? h->made_in : "-", h->parent);
}

static int tombstone(hhreg_ctx *ctx, void *state, const hhreg_tombstone *t)
{
    const hhreg_host_api *api = state;
    return api->writef(ctx, "tombstone\t%s\t%d\t%lld\t%s\n", t->id, t->revision, t->change, t->deleted_at);
}

static int end(hhreg_ctx *ctx, void *state, int ok)
{
    (void)ctx, (void)state, (void)ok;
    return 0;
}

static const hhreg_option_spec options[] = {
    { "watermark", HHREG_OPTION_INT, NULL, "the plugin's own watermark, set in begin()", "-1.." },
    { "late", HHREG_OPTION_BOOL, "no", "set the watermark too late, in household()", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin hhreg_plugin_api16 = {
    HHREG_PLUGIN_HEADER(6),
    .name = "api16",
    .version = "1.0",
    .summary = "test: the change feed of ABI 1.6",
    .options = options,
    .extension = "txt",
    .passes = 1,
    .begin = begin,
    .household = household,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML,
    .tombstone = tombstone,
};
