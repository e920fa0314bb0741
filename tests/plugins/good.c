/* good.c — a well-formed test plugin: writes one line per household with its id and
 * size, and honours an int option `fail-after` (fail in the middle of the export
 * after that many households, to test that no partial output is left). */
#include "hhreg/plugin.h"

typedef struct state {
    const hhreg_host_api *api;
    long seen, fail_after;
} state;

static state the_state;

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    the_state.api = api;
    the_state.seen = 0;
    the_state.fail_after = api->option_int(ctx, "fail-after");
    *out = &the_state;
    return api->write_text(ctx, "id,size\n");
}

static int household(hhreg_ctx *ctx, void *s, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    state *st = s;
    if (st->fail_after && ++st->seen > st->fail_after) {
        st->api->error(ctx, "stopped on purpose after %ld households", st->fail_after);
        return -1;
    }
    return st->api->writef(ctx, "%s,%d\n", h->id, h->size);
}

static int end(hhreg_ctx *ctx, void *s, int ok)
{
    (void)ctx;
    (void)s;
    (void)ok;
    return 0;
}

static const hhreg_option_spec options[] = {
    { "fail-after", HHREG_OPTION_INT, "0", "fail after this many households (0: never)", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin TEST_SYMBOL = {
    TEST_MAGIC, TEST_ABI_MAJOR, TEST_MIN_MINOR, sizeof(hhreg_plugin),
    .name = TEST_NAME,
    .version = "0.1",
    .summary = "a test plugin",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
};
