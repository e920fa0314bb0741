/* district_csv.c — the `district-csv` export plugin: CSV or fixed-width files in a
 * district's own layout, driven by a district profile (--opt profile=FILE, see
 * schemas/district-profile-1.xsd): households, persons, visits, or the register of
 * special groups (台账) — one row per person and group, ordered by building, unit and
 * room. Headers in any language, code translations, date formats, UTF-8 with or
 * without BOM or GB18030, spreadsheet formulas neutralised, columns kept as text
 * by a spreadsheet, a row filter (filter.c) and ages at another date than the
 * enumeration date (--opt as-of, as_of.c).
 *
 * Rows of households, persons and visits stream out in household order. Register
 * rows are kept (as text) until the end to be sorted; a register lists only the
 * persons in special groups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as_of.h"
#include "fields.h"
#include "hhreg/plugin.h"
#include "profile.h"

/* A register row kept for sorting: its column texts and sort keys. */
typedef struct kept_row {
    char **cells;                 /* NULL where the column is the row number */
    char *building, *unit, *room, *household;
    int line, category;
} kept_row;

typedef struct state {
    const hhreg_host_api *api;
    profile *p;
    long seq;
    kept_row *kept;
    size_t n_kept, cap_kept;
    int warned_truncation;
    int has_as_of;                /* --opt as-of given: ages at `as_of` */
    hhreg_date as_of;
    aged_household aged;
} state;

/* --- one cell ------------------------------------------------------------- */

/* The cell text of column `c` for row `r`, translated: in `buf` (size n), or
 * pointing into the household or the profile. */
static const char *cell(const profile *p, const column *c, const row *r, char *buf, size_t n)
{
    const char *v = item_value(c->value, r, p->date_format, buf, n);
    if (!c->codes)
        return v;
    char key[512];
    snprintf(key, sizeof key, "%s", v);
    if (c->codes->n_by) {
        size_t o = 0;
        for (size_t i = 0; i < c->codes->n_by && o < sizeof key - 1; i++) {
            char part[256];
            const char *pv = item_value(c->codes->by[i], r, p->date_format, part, sizeof part);
            o += (size_t)snprintf(key + o, sizeof key - o, "%s%s", i ? " " : "", pv);
        }
    }
    const char *t = profile_translate(c->codes, key);
    if (t == key) /* no translation and no default: the column's own value */
        return v;
    return t;   /* a string of the profile's code table */
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* `s` padded or cut to `width` characters. */
static int fixed_cell(hhreg_ctx *ctx, state *st, const column *c, const char *s)
{
    size_t chars = utf8_chars(s);
    const hhreg_host_api *api = st->api;
    if (chars > (size_t)c->width) {
        if (!st->warned_truncation++)
            api->warning(ctx, "values longer than their column (first in '%s') were cut to its width", c->header);
        const char *end = s;
        for (int k = 0; k < c->width; k++)
            for (end++; ((unsigned char)*end & 0xC0) == 0x80; end++)
                ;
        return api->write_bytes(ctx, s, (size_t)(end - s));
    }
    int rc = 0;
    if (c->align_right)
        for (size_t k = chars; k < (size_t)c->width && rc == 0; k++)
            rc = api->write_text(ctx, " ");
    rc = rc || api->write_text(ctx, s);
    if (!c->align_right)
        for (size_t k = chars; k < (size_t)c->width && rc == 0; k++)
            rc = api->write_text(ctx, " ");
    return rc;
}

/* Cell `i` of a row, or of the header row (never as text). */
static int write_cell(hhreg_ctx *ctx, state *st, size_t i, const char *text, int header)
{
    const profile *p = st->p;
    const column *c = &p->columns[i];
    if (p->fixed_width)
        return fixed_cell(ctx, st, c, text);
    char sep[2] = { p->delimiter, '\0' };
    if (i && st->api->write_text(ctx, sep) != 0)
        return -1;
    /* as="text": written ="VALUE" so a spreadsheet keeps a phone's leading 0 (host API 1.3) */
    unsigned flags = (p->neutralise ? HHREG_CSV_NEUTRALISE : 0u) | (c->as_text && !header ? HHREG_CSV_TEXT : 0u);
    return st->api->csv_cell(ctx, text, p->delimiter, flags);
}

static int write_row(hhreg_ctx *ctx, state *st, const row *r)
{
    char buf[512];
    int rc = 0;
    for (size_t i = 0; i < st->p->n_columns && rc == 0; i++)
        rc = write_cell(ctx, st, i, cell(st->p, &st->p->columns[i], r, buf, sizeof buf), 0);
    return rc || st->api->write_text(ctx, st->p->line_end);
}

/* --- the register of special groups ----------------------------------------- */

static char *dup(const char *s)
{
    return strdup(s ? s : "");
}

static void keep(state *st, const row *r, int category)
{
    if (st->n_kept == st->cap_kept) {
        st->cap_kept = st->cap_kept ? st->cap_kept * 2 : 256;
        st->kept = realloc(st->kept, st->cap_kept * sizeof *st->kept);
    }
    kept_row *k = &st->kept[st->n_kept++];
    k->cells = calloc(st->p->n_columns, sizeof *k->cells);
    char buf[512];
    for (size_t i = 0; i < st->p->n_columns; i++)
        if (st->p->columns[i].value != I_SEQ)
            k->cells[i] = dup(cell(st->p, &st->p->columns[i], r, buf, sizeof buf));
    k->building = dup(r->h->building);
    k->unit = dup(r->h->unit);
    k->room = dup(r->h->room);
    k->household = dup(r->h->id);
    k->line = r->p->line;
    k->category = category;
}

/* Numbers compare as numbers ("9" before "10"), anything else as text. */
static int natural(const char *a, const char *b)
{
    char *ea, *eb;
    long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
    if (ea != a && eb != b && x != y)
        return x < y ? -1 : 1;
    return strcmp(a, b);
}

static int register_order(const void *pa, const void *pb)
{
    const kept_row *a = pa, *b = pb;
    int c = natural(a->building, b->building);
    if (!c)
        c = natural(a->unit, b->unit);
    if (!c)
        c = natural(a->room, b->room);
    if (!c)
        c = strcmp(a->household, b->household);
    if (!c)
        c = a->line - b->line;
    return c ? c : a->category - b->category;
}

static int write_register(hhreg_ctx *ctx, state *st)
{
    qsort(st->kept, st->n_kept, sizeof *st->kept, register_order);
    int rc = 0;
    for (size_t r = 0; r < st->n_kept && rc == 0; r++) {
        char seq[32];
        snprintf(seq, sizeof seq, "%zu", r + 1);
        for (size_t i = 0; i < st->p->n_columns && rc == 0; i++)
            rc = write_cell(ctx, st, i, st->kept[r].cells[i] ? st->kept[r].cells[i] : seq, 0);
        rc = rc || st->api->write_text(ctx, st->p->line_end);
    }
    return rc;
}

static void free_kept(state *st)
{
    for (size_t r = 0; r < st->n_kept; r++) {
        kept_row *k = &st->kept[r];
        for (size_t i = 0; i < st->p->n_columns; i++)
            free(k->cells[i]);
        free(k->cells);
        free(k->building);
        free(k->unit);
        free(k->room);
        free(k->household);
    }
    free(st->kept);
}

/* --- the plugin ------------------------------------------------------------- */

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    const char *path = api->option(ctx, "profile");
    if (!path) {
        api->error(ctx, "a district profile is needed: --opt profile=FILE (those shipped with hhreg are in "
                        PROFILE_DIR ", and samples/profiles/ of its source)");
        return -1;
    }
    char *xsd = malloc(strlen(api->schema_dir(ctx)) + 40);
    sprintf(xsd, "%s/district-profile-1.xsd", api->schema_dir(ctx));
    char err[600];
    profile *p = profile_load(path, xsd, err, sizeof err);
    free(xsd);
    if (!p) {
        api->error(ctx, "%s", err);
        return -1;
    }
    state *st = calloc(1, sizeof *st);
    st->api = api;
    st->p = p;
    *out = st;
    if (filter_check_codes(p->filter, path, api, ctx, err, sizeof err) != 0) {
        api->error(ctx, "%s", err);
        return -1;
    }
    const char *as_of = api->option(ctx, "as-of"); /* a calendar date: the host checked it */
    st->has_as_of = as_of != NULL && hhreg_date_parse(as_of, false, &st->as_of);
    if (p->encoding == ENC_GB18030 && api->output_encoding(ctx, "GB18030") != 0)
        return -1;
    if (p->encoding == ENC_UTF8_BOM && api->write_text(ctx, "\xEF\xBB\xBF") != 0)
        return -1;
    if (!p->header)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < p->n_columns && rc == 0; i++)
        rc = write_cell(ctx, st, i, p->columns[i].header, 1);
    return rc || api->write_text(ctx, p->line_end);
}

/* Writes row `r` when it passes the profile's filter, numbered in turn. */
static int write_if_kept(hhreg_ctx *ctx, state *st, row *r)
{
    if (!filter_match(st->p->filter, r))
        return 0;
    r->seq = ++st->seq;
    return write_row(ctx, st, r);
}

static int household(hhreg_ctx *ctx, void *s, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    state *st = s;
    if (st->has_as_of)
        h = aged_at(&st->aged, h, st->as_of);
    row r = { h, NULL, NULL, 0, NULL };
    int rc = 0;
    switch (st->p->records) {
    case RECORDS_HOUSEHOLDS:
        return write_if_kept(ctx, st, &r);
    case RECORDS_PERSONS:
        for (size_t i = 0; i < h->n_persons && rc == 0; i++) {
            r.p = &h->persons[i];
            rc = write_if_kept(ctx, st, &r);
        }
        return rc;
    case RECORDS_VISITS:
        for (size_t i = 0; i < h->n_visits && rc == 0; i++) {
            r.v = &h->visits[i];
            rc = write_if_kept(ctx, st, &r);
        }
        return rc;
    case RECORDS_SPECIAL_GROUPS:
        for (size_t i = 0; i < h->n_persons; i++) {
            r.p = &h->persons[i];
            for (int k = 0; k < N_GROUPS; k++)
                if (in_group(k, h, r.p)) {
                    r.category = group_names[k];
                    if (filter_match(st->p->filter, &r))
                        keep(st, &r, k);
                }
        }
        return 0;
    }
    return 0;
}

static int end(hhreg_ctx *ctx, void *s, int ok)
{
    state *st = s;
    if (!st)
        return ok ? 0 : -1;
    int rc = ok && st->p->records == RECORDS_SPECIAL_GROUPS ? write_register(ctx, st) : 0;
    free_kept(st);
    aged_free(&st->aged);
    profile_free(st->p);
    free(st);
    return rc;
}

static const hhreg_option_spec options[] = {
    { "profile", HHREG_OPTION_FILE, NULL, "the district profile: records, filter, columns, codes, encoding (required)",
      NULL },
    { "as-of", HHREG_OPTION_DATE, NULL,
      "ages (and 60+, 65+, living alone, empty nest) at this date, not the enumeration date", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin hhreg_plugin_district_csv = {
    HHREG_PLUGIN_HEADER(9), /* 1.5: -1 for the allowance and hardship not recorded; 1.9: no respondent */
    .name = "district-csv",
    .version = "1.0",
    .summary = "CSV or fixed-width files in a district's layout, driven by a district profile",
    .options = options,
    .extension = "csv",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML, /* reads items, never the stored XML */
};
