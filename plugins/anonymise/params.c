/* params.c — see params.h. A preset fills every parameter; an option given with
 * --opt replaces that one part. */
#include "params.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Every quasi-identifier: the order ties are broken in (order_by_categories). */
#define DEFAULT_ORDER "area,nationality,ethnicity,residence,education,activity,marital,tenure,dwelling,hh_type," \
                      "age,relationship,sex"

const hhreg_option_spec anonymise_options[] = {
    { "profile", HHREG_OPTION_CHOICE, "public",
      "public (k=5, five-year age bands, areas of 1000+) or licensed (k=3, single years, areas of 500+)", "public,licensed" },
    { "k", HHREG_OPTION_INT, NULL, "every combination of quasi-identifiers is shared by at least k persons", "2..1000" },
    { "l", HHREG_OPTION_INT, "2", "no group holds fewer than l values of disability or low income where it holds "
      "the sensitive one; a blank is not a value, so 2 (yes and no) is the most (1: no check)", "1..2" },
    { "geography", HHREG_OPTION_CHOICE, NULL, "the area level released (default street)",
      "district,street,community,grid" },
    { "min-area-population", HHREG_OPTION_INT, NULL,
      "areas with fewer persons are not named (default 1000 public, 500 licensed)", "0.." },
    { "age", HHREG_OPTION_CHOICE, NULL, "bands (five-year, public) or single years (licensed)", "bands,single" },
    { "age-top", HHREG_OPTION_INT, NULL, "the top age band (a multiple of 5) or top code (default 80 bands, 85 single)", "1..120" },
    { "hh-size-top", HHREG_OPTION_INT, "8", "household sizes from this one up are released as one code", "2..100" },
    { "pool", HHREG_OPTION_BOOL, "yes", "pool categories with fewer than k persons into \"other\"", NULL },
    { "suppress-order", HHREG_OPTION_STRING, NULL,
      "quasi-identifiers in the order they are suppressed (default, and for those not named: the most categories "
      "first, as sdcMicro's importance)",
      NULL },
    { "seed", HHREG_OPTION_STRING, NULL, "a number that makes the release reproducible (default: random)", NULL },
    { "key-file", HHREG_OPTION_FILE, NULL,
      "a secret key (16 bytes or more): household ids become HMAC-SHA-256 ids under a key derived from it, the "
      "profile and the release id",
      NULL },
    { "release", HHREG_OPTION_STRING, NULL,
      "with key-file: the release id; releases share ids only with the same key, profile and release id (default: "
      "today's date, UTC)",
      NULL },
    { "format", HHREG_OPTION_STRING, "csv,dta,sav", "files written besides CSV: dta (Stata), sav (SPSS)", NULL },
    { "lang", HHREG_OPTION_CHOICE, "zh", "labels in the codebook, .dta and .sav files", "zh,en" },
    { NULL, 0, NULL, NULL, NULL },
};

/* The value given, or the preset's. */
static long number(hhreg_ctx *ctx, const hhreg_host_api *api, const char *name, long preset)
{
    return api->option(ctx, name) ? api->option_int(ctx, name) : preset;
}

static const char *text(hhreg_ctx *ctx, const hhreg_host_api *api, const char *name, const char *preset)
{
    const char *v = api->option(ctx, name);
    return v ? v : preset;
}

static int add_to_order(params *p, int var)
{
    for (int i = 0; i < p->n_order; i++)
        if (p->order[i] == var)
            return -1;
    p->order[p->n_order++] = var;
    return 0;
}

static int read_order(params *p, hhreg_ctx *ctx, const hhreg_host_api *api)
{
    const char *given = api->option(ctx, "suppress-order");
    const char *lists[2] = { given ? given : "", DEFAULT_ORDER };
    p->n_order = 0;
    for (int l = 0; l < 2; l++) {
        if (l == 1)
            p->n_order_given = p->n_order;
        for (const char *s = lists[l]; *s;) {
            size_t len = strcspn(s, ",");
            int var = variable_by_name(s, len);
            if (len && (var < 0 || variables[var].role != ROLE_QUASI)) {
                api->error(ctx, "suppress-order: '%.*s' is not a quasi-identifier; they are " DEFAULT_ORDER,
                           (int)len, s);
                return -1;
            }
            if (len && add_to_order(p, var) != 0 && l == 0) {
                api->error(ctx, "suppress-order: '%.*s' is named twice", (int)len, s);
                return -1;
            }
            s += len + (s[len] == ',');
        }
    }
    return 0;
}

static int read_formats(params *p, hhreg_ctx *ctx, const hhreg_host_api *api)
{
    p->formats = FORMAT_CSV;
    for (const char *s = api->option(ctx, "format"); *s;) {
        size_t len = strcspn(s, ",");
        if (len == 3 && strncmp(s, "csv", 3) == 0)
            p->formats |= FORMAT_CSV;
        else if (len == 3 && strncmp(s, "dta", 3) == 0)
            p->formats |= FORMAT_DTA;
        else if (len == 3 && strncmp(s, "sav", 3) == 0)
            p->formats |= FORMAT_SAV;
        else if (len) {
            api->error(ctx, "format: '%.*s' is not a format; choose from csv,dta,sav", (int)len, s);
            return -1;
        }
        s += len + (s[len] == ',');
    }
    return 0;
}

static int read_key(params *p, hhreg_ctx *ctx, const hhreg_host_api *api)
{
    p->key_file = api->option(ctx, "key-file");
    p->key_len = 0;
    if (!p->key_file)
        return 0;
    FILE *f = fopen(p->key_file, "rb");
    if (!f) {
        api->error(ctx, "key-file %s: %s", p->key_file, strerror(errno));
        return -1;
    }
    p->key_len = fread(p->key, 1, sizeof p->key, f);
    int longer = fgetc(f) != EOF;
    fclose(f);
    if (p->key_len < 16 || longer) {
        api->error(ctx, "key-file %s: a key is 16 to %zu bytes (this one is %s)", p->key_file, sizeof p->key,
                   longer ? "longer" : "shorter");
        return -1;
    }
    /* one key per release: ids of two releases join only where key, profile and release id all agree */
    const char *release_id = api->option(ctx, "release");
    if (release_id)
        snprintf(p->release_id, sizeof p->release_id, "%s", release_id);
    else {
        time_t now = time(NULL);
        struct tm tm;
        strftime(p->release_id, sizeof p->release_id, "%Y-%m-%d", gmtime_r(&now, &tm));
    }
    unsigned char derived[RELEASE_KEY_LEN];
    if (release_key(p->key, p->key_len, p->profile, p->release_id, derived) != 0) {
        api->error(ctx, "key-file %s: the release key cannot be derived (OpenSSL has no HKDF)", p->key_file);
        return -1;
    }
    OPENSSL_cleanse(p->key, sizeof p->key);
    memcpy(p->key, derived, sizeof derived);
    OPENSSL_cleanse(derived, sizeof derived);
    p->key_len = sizeof derived;
    return 0;
}

int params_read(params *p, hhreg_ctx *ctx, const hhreg_host_api *api)
{
    memset(p, 0, sizeof *p);
    p->profile = api->option(ctx, "profile");
    int public = strcmp(p->profile, "public") == 0;
    p->hide_unique_households = public;
    p->k = number(ctx, api, "k", public ? 5 : 3);
    p->l = api->option_int(ctx, "l");
    const char *level = text(ctx, api, "geography", "street");
    for (int i = 0; i < 4; i++)
        if (strcmp(level, area_levels[i]) == 0)
            p->area_level = i;
    p->min_area_population = number(ctx, api, "min-area-population", public ? 1000 : 500);
    p->age_bands = strcmp(text(ctx, api, "age", public ? "bands" : "single"), "bands") == 0;
    p->age_top = number(ctx, api, "age-top", p->age_bands ? 80 : 85);
    p->hh_size_top = api->option_int(ctx, "hh-size-top");
    p->pool = api->option_bool(ctx, "pool");
    p->lang = api->option(ctx, "lang");
    const char *seed = api->option(ctx, "seed");
    if (seed) {
        char *end;
        errno = 0;
        p->seed = strtoull(seed, &end, 10);
        if (!*seed || *end || errno || *seed == '-') {
            api->error(ctx, "seed: '%s' is not a whole number from 0 to 18446744073709551615", seed);
            return -1;
        }
        p->has_seed = 1;
    }
    /* the ranges of k, l, min-area-population, age-top and hh-size-top are declared
     * above and checked by the host; what a range cannot say is checked here */
    if (p->age_bands && p->age_top % 5 != 0) {
        api->error(ctx, "age-top must be a multiple of 5 with age=bands (age-top = %ld)", p->age_top);
        return -1;
    }
    return read_order(p, ctx, api) || read_formats(p, ctx, api) || read_key(p, ctx, api) ? -1 : 0;
}

char *params_order_text(const params *p)
{
    size_t len = 1;
    for (int i = 0; i < p->n_order; i++)
        len += strlen(variables[p->order[i]].name) + 1;
    char *s = must_realloc(NULL, len);
    s[0] = '\0';
    for (int i = 0; i < p->n_order; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, variables[p->order[i]].name);
    }
    return s;
}
