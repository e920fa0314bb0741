/* summary.c — the `summary` export plugin: statistical tables of every area level
 * (district, street, community, grid, building) — persons by sex and five-year
 * age group, households by size and type, Washington Group difficulty, disability
 * certificates, foreign residents by nationality, the special groups with rates,
 * sex ratio, mean household size and dependency ratios — as tidy CSV, SDMX-CSV
 * 2.0, JSON or a self-contained HTML report, optionally protected for publication
 * by audited cell suppression, the cell-key method or rounding (protect.h).
 * docs/summary.md documents it. */
#include <stdlib.h>
#include <string.h>

#include "cube.h"
#include "protect.h"
#include "render.h"

typedef struct summary {
    const hhreg_host_api *api;
    record_keys keys;   /* for method=cell-key */
    cube c;
    release rel;
    const char *format;
    long without_persons; /* nobody home, refused: left out of every table */
} summary;

static summary the_summary;

/* "district,grid" -> chosen levels; 0, or -1 with the unknown name reported. */
static int parse_levels(hhreg_ctx *ctx, const hhreg_host_api *api, const char *list, int chosen[LEVEL_COUNT])
{
    memset(chosen, 0, LEVEL_COUNT * sizeof *chosen);
    int any = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (int l = 0; l < LEVEL_COUNT; l++)
            if (strlen(level_ids[l]) == len && strncmp(level_ids[l], p, len) == 0)
                found = chosen[l] = any = 1;
        if (!found && len) {
            api->error(ctx, "levels: '%.*s' is not an area level; choose from district,street,community,grid,building",
                       (int)len, p);
            return -1;
        }
        p += len + (p[len] == ',');
    }
    if (!any) {
        api->error(ctx, "levels: name at least one area level");
        return -1;
    }
    return 0;
}

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **state)
{
    /* tables of the households changed since a watermark would be read as the area's */
    if (api->api_minor >= 6 && api->since(ctx) >= 0) {
        api->error(ctx, "the tables count every household of the area: run it without --since");
        return -1;
    }
    summary *s = &the_summary;
    memset(s, 0, sizeof *s);
    s->api = api;
    s->format = api->option(ctx, "format");
    s->rel.lang = api->option(ctx, "lang");
    const char *protect = api->option(ctx, "method");
    if (strcmp(protect, "none") == 0)
        protect = api->option(ctx, "protect"); /* the older name */
    s->rel.min_count = api->option_int(ctx, "min-count");
    s->rel.base = api->option_int(ctx, "base");
    s->rel.percent = api->option_int(ctx, "protection-percent");
    s->rel.internal_flags = strcmp(api->option(ctx, "flags"), "internal") == 0;
    if (strcmp(protect, "none") == 0 && s->rel.min_count > 0)
        protect = "suppress"; /* min-count alone asks for suppression */
    if (strcmp(protect, "suppress") == 0 && s->rel.min_count == 0)
        s->rel.min_count = 3;
    s->rel.protection = protect;
    if (strcmp(protect, "suppress") == 0 && s->rel.min_count < 2) {
        api->error(ctx, "min-count must be 2 or more (counts from 1 to min-count - 1 are withheld)");
        return -1;
    }
    s->rel.max_deviation = api->option_int(ctx, "max-deviation");
    int cell_key = strcmp(protect, "cell-key") == 0;
    const char *key_file = api->option(ctx, "key-file");
    if (cell_key && !key_file) {
        api->error(ctx, "method=cell-key needs --opt key-file=FILE: the office's secret (16 to 64 random bytes, "
                        "e.g. head -c 32 /dev/urandom >FILE) that gives each household and person its record key");
        return -1;
    }
    char why[512];
    if (cell_key && record_keys_read(&s->keys, key_file, why, sizeof why) != 0) {
        api->error(ctx, "%s", why);
        return -1;
    }
    int chosen[LEVEL_COUNT];
    if (parse_levels(ctx, api, api->option(ctx, "levels"), chosen) != 0)
        return -1;
    cube_init(&s->c, chosen, s->rel.lang);
    s->c.record_keys = cell_key ? &s->keys : NULL;
    *state = s;
    return 0;
}

static int household(hhreg_ctx *ctx, void *state, unsigned pass, const hhreg_household *h)
{
    (void)ctx;
    (void)pass;
    summary *s = state;
    if (h->n_persons == 0) /* a household of none would count as one of size 1 */
        s->without_persons++;
    else
        cube_add(&s->c, h);
    return 0;
}

static int end(hhreg_ctx *ctx, void *state, int ok)
{
    summary *s = state;
    int rc = 0;
    if (ok) {
        cube_freeze(&s->c);
        int suppress = strcmp(s->rel.protection, "suppress") == 0;
        char why[512];
        if (suppress && protect_suppress(&s->c, s->rel.min_count, s->rel.percent, &s->rel.stats, why, sizeof why)) {
            s->api->error(ctx, "%s", why);
            rc = -1;
        } else {
            if (strcmp(s->rel.protection, "round") == 0)
                protect_round(&s->c, s->rel.base);
            else if (strcmp(s->rel.protection, "cell-key") == 0)
                protect_cell_key(&s->c, s->rel.max_deviation, &s->rel.noise);
            writer w = { ctx, s->api, &s->c, &s->rel };
            rc = strcmp(s->format, "sdmx") == 0   ? write_sdmx_csv(&w)
                 : strcmp(s->format, "json") == 0 ? write_json(&w)
                 : strcmp(s->format, "html") == 0 ? write_html(&w)
                                                  : write_tidy_csv(&w);
        }
        if (rc == 0 && s->without_persons)
            s->api->info(ctx, "%ld household(s) without persons (nobody home, refused) left out of the tables",
                         s->without_persons);
        if (suppress && rc == 0) {
            const protect_stats *st = &s->rel.stats;
            s->api->info(ctx, "%ld count(s) withheld as small, %ld more so they cannot be recovered", st->primary,
                         st->secondary);
            s->api->info(ctx,
                         "audit: %ld withheld cell(s) bounded over %ld relation(s) by %ld linear program(s); each "
                         "feasible interval at least max(%ld, %ld%% of the count) wide (%ld withheld by the audit)",
                         st->audit.cells, st->audit.relations, st->audit.solves, s->rel.min_count, s->rel.percent,
                         st->audit.added);
        }
        if (strcmp(s->rel.protection, "cell-key") == 0 && rc == 0)
            s->api->info(ctx,
                         "cell key: %ld count(s) perturbed by at most %ld (noise variance %.2f), %ld of them changed; "
                         "each table adds up, tables and areas need not; the same key file gives the same noise",
                         s->rel.noise.cells, s->rel.max_deviation, cell_key_variance(s->rel.max_deviation),
                         s->rel.noise.changed);
    }
    if (state) {
        cube_free(&s->c);
        memset(&s->keys, 0, sizeof s->keys); /* the secret */
    }
    return rc;
}

static const hhreg_option_spec options[] = {
    { "format", HHREG_OPTION_CHOICE, "csv", "tidy CSV (one row per cell), SDMX-CSV 2.0, JSON or an HTML report",
      "csv,sdmx,json,html" },
    { "levels", HHREG_OPTION_STRING, "district,street,community,grid,building",
      "the area levels tabulated, comma-separated", NULL },
    { "lang", HHREG_OPTION_CHOICE, "zh", "labels and area names in Chinese or English", "zh,en" },
    { "method", HHREG_OPTION_CHOICE, "none",
      "none (internal use), suppress (small counts and what would reveal them, audited), cell-key (every count "
      "perturbed by a keyed noise) or round",
      "none,suppress,cell-key,round" },
    { "protect", HHREG_OPTION_CHOICE, "none", "the older name of method", "none,suppress,cell-key,round" },
    { "min-count", HHREG_OPTION_INT, "0", "withhold counts from 1 to N-1; given, it implies method=suppress, whose N is 3 when this is left at 0",
      NULL },
    { "base", HHREG_OPTION_INT, "3", "with protect=round: round every count to a multiple of this", "2.." },
    { "protection-percent", HHREG_OPTION_INT, "10",
      "with suppression: a withheld count's feasible interval must be at least this share of it wide (and at least "
      "min-count)",
      "0..100" },
    { "key-file", HHREG_OPTION_FILE, NULL,
      "with method=cell-key: the secret (16 to 64 bytes) that gives each unit its record key; keep it to get the "
      "same noise in every release",
      NULL },
    { "max-deviation", HHREG_OPTION_INT, "2", "with method=cell-key: the largest noise added to a count", "1..16" },
    { "flags", HHREG_OPTION_CHOICE, "public",
      "public: every withheld value flagged C; internal: A (small) and D (secondary), for the custodian only",
      "public,internal" },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin hhreg_plugin_summary = {
    HHREG_PLUGIN_HEADER(3), /* 1.3: api->info */
    .name = "summary",
    .version = "1.2",
    .summary = "statistical tables by district, street, community, grid and building: tidy CSV, SDMX-CSV, "
               "JSON or an HTML report, protected by audited suppression, the cell-key method or rounding",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML, /* reads items, never the stored XML */
};
