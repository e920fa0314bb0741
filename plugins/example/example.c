/* example.c — a small, complete hhreg export plugin, to copy from.
 *
 * It writes how many households and persons each building holds, and how many of
 * those persons are 60 or older, as CSV:
 *
 *     building,households,persons,aged_60_plus
 *     543,68,139,58
 *
 * Build it, out of hhreg's tree, with nothing but the installed header (or run
 * `make` beside it, with the Makefile installed in the same directory):
 *     cc $(pkg-config --cflags hhreg-plugin) -shared -fPIC -o example.so example.c
 * and run it:
 *     hhreg export example --plugin-dir . -o buildings.csv
 * (or copy example.so into $(pkg-config --variable=plugindir hhreg-plugin)).
 *
 * hhreg hands the households over in household-id order, one call each; a
 * household's data is valid only during that call, so anything kept is copied. */
#include <stdlib.h>
#include <string.h>

#include <hhreg/plugin.h>

/* What the plugin keeps between calls: one tally per building. */
typedef struct tally {
    char building[32];
    long households, persons, elderly;
} tally;

typedef struct state {
    const hhreg_host_api *api;   /* everything the plugin may call */
    tally *buildings;
    size_t n;
    long min_households;         /* the `min-households` option */
} state;

/* begin: called once before any household; options are already checked for their
 * type, the rest is up to the plugin. */
static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    long min_households = api->option_int(ctx, "min-households");
    if (min_households < 1) {
        /* failing before *out is set: end is still called, with state NULL */
        api->error(ctx, "min-households must be 1 or more");
        return -1;
    }
    state *s = calloc(1, sizeof *s);
    if (!s) {
        api->error(ctx, "out of memory");
        return -1;
    }
    s->api = api;
    s->min_households = min_households;
    *out = s;
    return 0;
}

/* household: called for each household; return non-zero to stop the export. */
static int household(hhreg_ctx *ctx, void *st, unsigned pass, const hhreg_household *h)
{
    (void)pass; /* this plugin asks for one pass only */
    state *s = st;
    tally *t = NULL;
    for (size_t i = 0; i < s->n && !t; i++)
        if (strcmp(s->buildings[i].building, h->building) == 0)
            t = &s->buildings[i];
    if (!t) {
        tally *more = realloc(s->buildings, (s->n + 1) * sizeof *more);
        if (!more) {
            s->api->error(ctx, "out of memory");
            return -1;
        }
        s->buildings = more;
        t = &s->buildings[s->n++];
        memset(t, 0, sizeof *t);
        strncpy(t->building, h->building, sizeof t->building - 1);
    }
    t->households++;
    t->persons += (long)h->n_persons;
    t->elderly += h->elderly60;  /* derived by hhreg: persons aged 60 or older */
    return 0;
}

/* end: called once, also after a failure (ok = 0) and after a failed begin (then
 * with what begin stored, here NULL); write the output and free. */
static int end(hhreg_ctx *ctx, void *st, int ok)
{
    state *s = st;
    if (!s)
        return 0;
    int rc = 0;
    if (ok) {
        rc = s->api->write_text(ctx, "building,households,persons,aged_60_plus\n");
        for (size_t i = 0; i < s->n && rc == 0; i++) {
            const tally *t = &s->buildings[i];
            if (t->households < s->min_households)
                continue;
            rc = s->api->csv_field(ctx, t->building, ',', 1) ||
                 s->api->writef(ctx, ",%ld,%ld,%ld\n", t->households, t->persons, t->elderly);
        }
    }
    free(s->buildings);
    free(s);
    return rc;
}

/* The options hhreg validates and lists in `hhreg plugins`. */
static const hhreg_option_spec options[] = {
    { "min-households", HHREG_OPTION_INT, "1", "leave out buildings with fewer households", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

/* The one exported symbol: hhreg_plugin_ + the file's name ('-' written '_'). */
const hhreg_plugin hhreg_plugin_example = {
    HHREG_PLUGIN_HEADER(0),      /* magic, ABI major, oldest host API minor, size */
    .name = "example",           /* must equal the file name without .so */
    .version = "1.0",
    .summary = "households, persons and persons aged 60+ per building (CSV)",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
};
