/* api13.c — a test plugin of the host API 1.3 (min_api_minor 3), built twice by
 * Makefile.am: TEST_FLAGS 0 writes one CSV, HHREG_PLUGIN_DIRECTORY a directory.
 *  - typed options checked by the host: min-size (INT in 1..20), as-of (DATE in
 *    1900-01-01..2100-12-31); with TEST_BAD_RANGE min-size declares "20..1",
 *    which the host must refuse; begin() says "begun" with api->info, so a test
 *    sees that a refused option stopped the export before begin();
 *  - api->info: at the end "N household(s) of size M or more";
 *  - a household without persons (nobody home, refused) gets, after its size, what an
 *    older plugin was promised for the answers it lacks (plugin.h: respondent "",
 *    consent, low_income and extreme_hardship 0, tenure NULL), failing the export
 *    where the host broke that promise (a NULL respondent, a -1);
 *  - api->csv_cell: with --opt cells=text the id and phone are text cells
 *    (HHREG_CSV_TEXT | HHREG_CSV_NEUTRALISE), else neutralised fields; --opt
 *    probe=VALUE writes VALUE first, as a cell of its own line;
 *  - api->use_file (directory): one pass writes households.csv, persons.csv and
 *    visits.csv, switching between them household by household; --opt parts=N
 *    first makes N more files part-1.csv ... (to reach the open-file limit);
 *    --opt file=NAME uses NAME first (a name the host must refuse). */
#include "hhreg/plugin.h"

#include <stdio.h>
#include <string.h>

#ifndef TEST_FLAGS
#define TEST_FLAGS 0
#endif
#ifdef TEST_BAD_RANGE
#define MIN_SIZE_RANGE "20..1"
#else
#define MIN_SIZE_RANGE "1..20"
#endif

typedef struct state {
    const hhreg_host_api *api;
    long min_size, written;
    unsigned cell_flags;
    unsigned started; /* bit per file of the directory whose header is written */
} state;

static state the_state;

/* Switches to file `i` of the directory, writing its header the first time. */
static int to_file(hhreg_ctx *ctx, state *st, unsigned i)
{
    static const char *names[] = { "households.csv", "persons.csv", "visits.csv" };
    static const char *headers[] = { "id,size\n", "id,line,age\n", "id,date\n" };
    if (st->api->use_file(ctx, names[i]) != 0)
        return -1;
    if (st->started & 1u << i)
        return 0;
    st->started |= 1u << i;
    return st->api->write_text(ctx, headers[i]);
}

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    state *st = &the_state;
    memset(st, 0, sizeof *st);
    st->api = api;
    st->min_size = api->option_int(ctx, "min-size");
    const char *cells = api->option(ctx, "cells");
    st->cell_flags = HHREG_CSV_NEUTRALISE | (strcmp(cells, "text") == 0 ? HHREG_CSV_TEXT : 0);
    *out = st;
    api->info(ctx, "begun%s%s", api->option(ctx, "as-of") ? " as of " : "",
              api->option(ctx, "as-of") ? api->option(ctx, "as-of") : "");
    if (TEST_FLAGS & HHREG_PLUGIN_DIRECTORY) {
        const char *first = api->option(ctx, "file");
        if (first && api->use_file(ctx, first) != 0)
            return -1;
        for (long i = 1; i <= api->option_int(ctx, "parts"); i++) {
            char name[32];
            snprintf(name, sizeof name, "part-%ld.csv", i);
            if (api->use_file(ctx, name) != 0)
                return -1;
        }
        return 0;
    }
    const char *probe = api->option(ctx, "probe");
    if (probe && (api->csv_cell(ctx, probe, ',', st->cell_flags) || api->write_text(ctx, "\n")))
        return -1;
    return api->write_text(ctx, "id,phone,size\n");
}

/* What a household nobody answered for gives a plugin of API 1.3: as cells after its size. */
static int unanswered(hhreg_ctx *ctx, const hhreg_host_api *api, const hhreg_household *h)
{
    if (!h->respondent || h->consent < 0 || h->low_income < 0 || h->extreme_hardship < 0) {
        api->error(ctx, "household %s: an answer API 1.3 never expects to be missing", h->id);
        return -1;
    }
    return api->writef(ctx, ",respondent \"%s\",consent %d,low income %d,extreme hardship %d,tenure %s", h->respondent,
                       h->consent, h->low_income, h->extreme_hardship, h->tenure ? h->tenure : "NULL");
}

static int household(hhreg_ctx *ctx, void *s, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    state *st = s;
    const hhreg_host_api *api = st->api;
    if (h->size < st->min_size && h->n_persons) /* one without persons is written: see unanswered() */
        return 0;
    st->written += h->size >= st->min_size;
    if (!(TEST_FLAGS & HHREG_PLUGIN_DIRECTORY))
        return api->csv_cell(ctx, h->id, ',', st->cell_flags) || api->write_text(ctx, ",") ||
               api->csv_cell(ctx, h->phone, ',', st->cell_flags) || api->writef(ctx, ",%d", h->size) ||
               (h->n_persons == 0 && unanswered(ctx, api, h)) || api->write_text(ctx, "\n");
    if (to_file(ctx, st, 0) || api->writef(ctx, "%s,%d\n", h->id, h->size) || to_file(ctx, st, 1))
        return -1;
    for (size_t i = 0; i < h->n_persons; i++)
        if (api->writef(ctx, "%s,%d,%d\n", h->id, h->persons[i].line, h->persons[i].age))
            return -1;
    if (to_file(ctx, st, 2))
        return -1;
    for (size_t i = 0; i < h->n_visits; i++)
        if (api->writef(ctx, "%s,%s\n", h->id, h->visits[i].date))
            return -1;
    return 0;
}

static int end(hhreg_ctx *ctx, void *s, int ok)
{
    state *st = s;
    if (ok)
        st->api->info(ctx, "%ld household(s) of size %ld or more", st->written, st->min_size);
    return 0;
}

static const hhreg_option_spec options[] = {
    { "min-size", HHREG_OPTION_INT, "1", "households of at least this size", MIN_SIZE_RANGE },
    { "as-of", HHREG_OPTION_DATE, NULL, "a reference date", "1900-01-01..2100-12-31" },
    { "cells", HHREG_OPTION_CHOICE, "plain", "how the id and phone are written", "plain,text" },
    { "probe", HHREG_OPTION_STRING, NULL, "a value written first, as a cell of its own line", NULL },
    { "parts", HHREG_OPTION_INT, "0", "(directory) make this many more files first", "0.." },
    { "file", HHREG_OPTION_STRING, NULL, "(directory) use this file first", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin TEST_SYMBOL = {
    HHREG_PLUGIN_HEADER(3),
    .name = TEST_NAME,
    .version = "1.3",
    .summary = "a test plugin of the host API 1.3",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = TEST_FLAGS | HHREG_PLUGIN_NO_XML,
};
