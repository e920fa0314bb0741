/* anonymise.c — the `anonymise` export plugin: anonymised microdata for
 * statisticians, a release directory of persons and households files (CSV, and
 * Stata .dta / SPSS .sav with labels), a DDI Codebook 2.5 and a disclosure
 * report. The households are collected (microdata.c), recoded (recode.c),
 * protected by local suppression to k-anonymity and l-diversity (suppress.c),
 * shuffled and given new ids (release.c), then written (write_*.c).
 * docs/anonymise.md documents the method and every option. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "release.h"

#define VERSION "1.0"

typedef struct anonymiser {
    const hhreg_host_api *api;
    params p;
    microdata m;
    disclosure d;
} anonymiser;

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **state)
{
    /* k-anonymity and the weights hold for the whole population, not for the
     * households changed since a watermark */
    if (api->api_minor >= 6 && api->since(ctx) >= 0) {
        api->error(ctx, "a release protects every household of the area at once: run it without --since");
        return -1;
    }
    anonymiser *a = must_realloc(NULL, sizeof *a);
    memset(a, 0, sizeof *a);
    a->api = api;
    *state = a;
    return params_read(&a->p, ctx, api);
}

static int household(hhreg_ctx *ctx, void *state, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    anonymiser *a = state;
    if (h->n_persons == 0) { /* nobody home, refused: nobody to release, and an empty household would stand out */
        a->d.households_without_persons++;
        return 0;
    }
    char why[256];
    if (microdata_add(&a->m, h, a->p.area_level, a->p.key_len ? a->p.key : NULL, a->p.key_len, why, sizeof why) != 0) {
        a->api->error(ctx, "%s", why);
        return -1;
    }
    return 0;
}

/* Two households with the same keyed id would be merged by every reader. */
static int keyed_ids_unique(const anonymiser *a, hhreg_ctx *ctx, const release *r)
{
    if (!a->p.key_len || a->m.n_households < 2)
        return 0;
    char (*ids)[24] = must_realloc(NULL, a->m.n_households * sizeof *ids);
    for (size_t i = 0; i < a->m.n_households; i++)
        release_household_id(r, i, ids[i]);
    qsort(ids, a->m.n_households, sizeof *ids, (int (*)(const void *, const void *))strcmp);
    int rc = 0;
    for (size_t i = 1; i < a->m.n_households && rc == 0; i++)
        if (strcmp(ids[i - 1], ids[i]) == 0) {
            a->api->error(ctx, "two households have the same keyed id %s: choose another key", ids[i]);
            rc = -1;
        }
    free(ids);
    return rc;
}

static int make_release(anonymiser *a, hhreg_ctx *ctx)
{
    if (a->m.n_persons == 0) {
        a->api->error(ctx, "there is nothing to release: the export holds no household");
        return -1;
    }
    rng g;
    if (rng_init(&g, a->p.has_seed ? &a->p.seed : NULL, &a->d.seed_used) != 0) {
        a->api->error(ctx, "the system's random source is not available");
        return -1;
    }
    a->d.at_risk_original = count_at_risk(&a->m, a->p.k);
    apply_recodes(&a->m, &a->p, &a->d);
    order_by_categories(&a->m, &a->p);
    a->d.at_risk_recoded = count_at_risk(&a->m, a->p.k);
    a->d.households_at_risk_recoded = count_households_at_risk(&a->m, a->p.k);
    derive_remember(&a->m);
    char why[512];
    /* protect the persons, then the households, then what a blank leaves
     * derivable; each remedy can split persons' groups, so again until none
     * changes anything */
    for (size_t blanks = 1; blanks;) {
        a->d.protection_runs++;
        blanks = 0;
        int failed = protect(&a->m, &a->p, &g, &a->d, why, sizeof why);
        if (!failed && a->d.protection_runs == 1) {
            a->d.unique_households_protected = count_unique_households(&a->m);
            a->d.derivable_first = count_derivable_blanks(&a->m, &a->d);
        }
        if (!failed && a->p.hide_unique_households)
            remedy_unique_households(&a->m, &g, &a->d, &blanks);
        if (!failed && blanks == 0)
            blanks = remedy_derivable_blanks(&a->m, &a->d);
        if (failed) {
            a->api->error(ctx, "%s", why);
            return -1;
        }
    }
    a->d.unique_households_final = count_unique_households(&a->m);
    a->d.households_at_risk_final = count_households_at_risk(&a->m, a->p.k);
    a->d.derivable_final = count_derivable_blanks(&a->m, &a->d);
    release r = { ctx, a->api, &a->m, &a->p, &a->d, VERSION, "", NULL, { NULL }, { NULL } };
    release_init(&r, &g);
    int rc = keyed_ids_unique(a, ctx, &r);
    for (int f = FILE_HOUSEHOLDS; f <= FILE_PERSONS && rc == 0; f++)
        rc = write_csv(&r, f) || (a->p.formats & FORMAT_DTA && write_stat_file(&r, f, FORMAT_DTA)) ||
             (a->p.formats & FORMAT_SAV && write_stat_file(&r, f, FORMAT_SAV));
    rc = rc || write_ddi(&r) || write_report(&r);
    if (rc == 0)
        a->api->info(ctx, "k = %zu reached; %zu of %zu persons were at risk before suppression", a->d.smallest_group,
                     a->d.at_risk_recoded, a->m.n_persons);
    release_free(&r);
    return rc ? -1 : 0;
}

static int pass_end(hhreg_ctx *ctx, void *state, unsigned pass)
{
    (void)pass;
    return make_release(state, ctx);
}

static int end(hhreg_ctx *ctx, void *state, int ok)
{
    (void)ctx;
    (void)ok;
    anonymiser *a = state;
    if (a) {
        microdata_free(&a->m);
        OPENSSL_cleanse(a->p.key, sizeof a->p.key);
        free(a);
    }
    return 0;
}

const hhreg_plugin hhreg_plugin_anonymise = {
    HHREG_PLUGIN_HEADER(3), /* 1.3: api->info */
    .name = "anonymise",
    .version = VERSION,
    .summary = "anonymised microdata for statisticians: persons and households (CSV, Stata, SPSS), a DDI codebook "
               "and a disclosure report, k-anonymous and l-diverse",
    .options = anonymise_options,
    .extension = "",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = pass_end,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML | HHREG_PLUGIN_DIRECTORY,
};
