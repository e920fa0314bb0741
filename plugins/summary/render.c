/* render.c — see render.h: the output cells, and the tidy CSV, SDMX-CSV and JSON
 * writers. */
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- output cells -------------------------------------------------------------- */

/* The status of a value computed from `n` cells: withheld if any is. */
static char derived_status(cell *const *inputs, size_t n)
{
    char status = 'F';
    for (size_t i = 0; i < n; i++) {
        char s = inputs[i]->status;
        if (s == 'A' || (s == 'D' && status != 'A') || ((s == 'R' || s == 'P') && status == 'F'))
            status = s;
    }
    return status;
}

static void emit_ratio(const area *a, const char *table, const char *dim, const char *code, const char *dim2,
                       const char *code2, cell *const *num, size_t n_num, cell *const *den, size_t n_den,
                       double scale, void (*fn)(const out_cell *, void *), void *arg)
{
    double top = 0, bottom = 0;
    cell *inputs[32]; /* the most a ratio reads: 8 dependent age groups over 10 working ones */
    size_t n = 0;
    if (n_num + n_den > sizeof inputs / sizeof inputs[0])
        abort();
    for (size_t i = 0; i < n_num; i++) {
        top += (double)num[i]->value;
        inputs[n++] = num[i];
    }
    for (size_t i = 0; i < n_den; i++) {
        bottom += (double)den[i]->value;
        inputs[n++] = den[i];
    }
    char status = derived_status(inputs, n);
    if (bottom <= 0 && status != 'A' && status != 'D')
        return; /* undefined: nothing to publish */
    out_cell o = { a, table, { dim, dim2 }, { code, code2 }, dim2 ? 2 : 1, bottom > 0 ? top / bottom * scale : 0,
                   scale == 1 ? 2 : 1, status };
    fn(&o, arg);
}

static void each_indicator(const cube *c, const area *a, void (*fn)(const out_cell *, void *), void *arg)
{
    size_t R = table_rows(c, T_POPULATION), C = table_cols(c, T_POPULATION);
    cell *young[3], *working[10], *old[5];
    for (size_t r = 0; r < 3; r++)
        young[r] = table_cell(c, a, T_POPULATION, r, C - 1);
    for (size_t r = 0; r < 10; r++)
        working[r] = table_cell(c, a, T_POPULATION, 3 + r, C - 1);
    for (size_t r = 0; r < 5; r++)
        old[r] = table_cell(c, a, T_POPULATION, 13 + r, C - 1);
    cell *dependent[8] = { young[0], young[1], young[2], old[0], old[1], old[2], old[3], old[4] };
    cell *males = table_cell(c, a, T_POPULATION, R - 1, 0), *females = table_cell(c, a, T_POPULATION, R - 1, 1);
    cell *persons = table_cell(c, a, T_POPULATION, R - 1, C - 1);
    cell *households = table_cell(c, a, T_HOUSEHOLD_SIZE, table_rows(c, T_HOUSEHOLD_SIZE) - 1, 0);
    emit_ratio(a, "indicators", "indicator", "sex-ratio", NULL, NULL, &males, 1, &females, 1, 100, fn, arg);
    emit_ratio(a, "indicators", "indicator", "mean-household-size", NULL, NULL, &persons, 1, &households, 1, 1, fn,
               arg);
    emit_ratio(a, "indicators", "indicator", "young-dependency-ratio", NULL, NULL, young, 3, working, 10, 100, fn,
               arg);
    emit_ratio(a, "indicators", "indicator", "old-dependency-ratio", NULL, NULL, old, 5, working, 10, 100, fn, arg);
    emit_ratio(a, "indicators", "indicator", "total-dependency-ratio", NULL, NULL, dependent, 8, working, 10, 100,
               fn, arg);
}

void each_cell(const cube *c, const area *a, void (*fn)(const out_cell *, void *), void *arg)
{
    for (int ti = 0; ti < T_COUNT; ti++) {
        enum table_id t = (enum table_id)ti;
        const table_def *d = &c->tables[t];
        size_t R = table_rows(c, t), C = table_cols(c, t);
        for (size_t r = 0; r < R; r++)
            for (size_t k = 0; k < C; k++) {
                cell *x = table_cell(c, a, t, r, k);
                out_cell o = { a, d->id, { d->rows->id }, { row_code(c, t, r) }, 1, (double)x->value, 0, x->status };
                if (d->cols) {
                    o.dim_ids[1] = d->cols->id;
                    o.dim_codes[1] = col_code(c, t, k);
                    o.n_dims = 2;
                }
                if (t == T_SPECIAL) {
                    o.dim_ids[1] = "measure";
                    o.dim_codes[1] = "count";
                    o.n_dims = 2;
                }
                fn(&o, arg);
                if (t == T_SPECIAL) { /* its rate per 100 persons or households of the area */
                    cell *den = special_counts_households(r)
                                    ? table_cell(c, a, T_HOUSEHOLD_SIZE, table_rows(c, T_HOUSEHOLD_SIZE) - 1, 0)
                                    : table_cell(c, a, T_POPULATION, table_rows(c, T_POPULATION) - 1,
                                                 table_cols(c, T_POPULATION) - 1);
                    emit_ratio(a, d->id, d->rows->id, row_code(c, t, r), "measure", "rate-per-100", &x, 1, &den, 1,
                               100, fn, arg);
                }
            }
    }
    each_indicator(c, a, fn, arg);
}

void format_value(const out_cell *o, char *buf, size_t n)
{
    if (o->status == 'A' || o->status == 'D')
        buf[0] = '\0';
    else if (o->decimals == 0)
        snprintf(buf, n, "%.0f", o->value);
    else
        snprintf(buf, n, "%.*f", o->decimals, o->value);
}

char shown_status(const writer *w, char status)
{
    return (status == 'A' || status == 'D') && !w->rel->internal_flags ? 'C' : status;
}

const char *code_text(const writer *w, const dimension *d, const char *code)
{
    const char *label = d && d->code_list ? w->api->code_label(w->ctx, d->code_list, code, w->rel->lang) : NULL;
    return label ? label : code;
}

/* --- tidy CSV -------------------------------------------------------------------- */

typedef struct pass {
    const writer *w;
    int rc;
} pass;

static void tidy_row(const out_cell *o, void *arg)
{
    pass *p = arg;
    const hhreg_host_api *api = p->w->api;
    hhreg_ctx *ctx = p->w->ctx;
    char value[64], dims[256] = "";
    size_t used = 0;
    for (size_t i = 0; i < o->n_dims; i++)
        used += (size_t)snprintf(dims + used, sizeof dims - used, "%s%s=%s", i ? ";" : "", o->dim_ids[i],
                                 o->dim_codes[i]);
    format_value(o, value, sizeof value);
    p->rc |= api->csv_field(ctx, o->table, ',', 1) | api->write_text(ctx, ",") |
             api->csv_field(ctx, level_ids[o->a->level], ',', 1) | api->write_text(ctx, ",") |
             api->csv_field(ctx, o->a->code, ',', 1) | api->write_text(ctx, ",") |
             api->csv_field(ctx, o->a->name, ',', 1) | api->write_text(ctx, ",") | api->csv_field(ctx, dims, ',', 1) |
             api->writef(ctx, ",%s,%c\n", value, shown_status(p->w, o->status));
}

int write_tidy_csv(const writer *w)
{
    pass p = { w, w->api->write_text(w->ctx, "table,area_level,area_code,area_name,dimensions,value,status\n") };
    for (size_t i = 0; i < w->c->n_areas && !p.rc; i++)
        each_cell(w->c, &w->c->areas[i], tidy_row, &p);
    return p.rc;
}

/* --- SDMX-CSV 2.0 ----------------------------------------------------------------- */

/* One dataflow for every table: a dimension not used by a table is "_Z". */
static const char *const sdmx_dims[] = { "age", "sex", "size", "type", "difficulty", "certificate",
                                         "nationality", "group", "measure", "indicator" };
#define N_SDMX_DIMS (sizeof sdmx_dims / sizeof sdmx_dims[0])

static void sdmx_row(const out_cell *o, void *arg)
{
    pass *p = arg;
    const hhreg_host_api *api = p->w->api;
    hhreg_ctx *ctx = p->w->ctx;
    char value[64];
    format_value(o, value, sizeof value);
    p->rc |= api->write_text(ctx, "dataflow,HHREG:DF_HOUSEHOLD_SUMMARY(1.0),I,") |
             api->csv_field(ctx, o->table, ',', 1) | api->write_text(ctx, ",") |
             api->csv_field(ctx, level_ids[o->a->level], ',', 1) | api->write_text(ctx, ",") |
             api->csv_field(ctx, o->a->code, ',', 1);
    for (size_t d = 0; d < N_SDMX_DIMS; d++) {
        const char *code = "_Z";
        for (size_t i = 0; i < o->n_dims; i++)
            if (strcmp(o->dim_ids[i], sdmx_dims[d]) == 0)
                code = o->dim_codes[i];
        p->rc |= api->write_text(ctx, ",") | api->csv_field(ctx, code, ',', 1);
    }
    /* CL_CONF_STATUS has no code for rounding or noise: such a value is free to publish */
    p->rc |= api->writef(ctx, ",%s,%c,", value,
                         o->status == 'R' || o->status == 'P' ? 'F' : shown_status(p->w, o->status)) |
             api->csv_field(ctx, o->a->name, ',', 1) | api->write_text(ctx, "\n");
}

int write_sdmx_csv(const writer *w)
{
    const hhreg_host_api *api = w->api;
    int rc = api->write_text(w->ctx, "STRUCTURE,STRUCTURE_ID,ACTION,TABLE,AREA_LEVEL,REF_AREA");
    for (size_t d = 0; d < N_SDMX_DIMS; d++) {
        char upper[32];
        size_t i = 0;
        for (; sdmx_dims[d][i] && i + 1 < sizeof upper; i++)
            upper[i] = (char)(sdmx_dims[d][i] >= 'a' && sdmx_dims[d][i] <= 'z' ? sdmx_dims[d][i] - 32 : sdmx_dims[d][i]);
        upper[i] = '\0';
        rc |= api->writef(w->ctx, ",%s", upper);
    }
    rc |= api->write_text(w->ctx, ",OBS_VALUE,CONF_STATUS,AREA_NAME\n");
    pass p = { w, rc };
    for (size_t i = 0; i < w->c->n_areas && !p.rc; i++)
        each_cell(w->c, &w->c->areas[i], sdmx_row, &p);
    return p.rc;
}

/* --- JSON ------------------------------------------------------------------------- */

typedef struct json_pass {
    pass p;
    int first;
} json_pass;

static void json_row(const out_cell *o, void *arg)
{
    json_pass *j = arg;
    const hhreg_host_api *api = j->p.w->api;
    hhreg_ctx *ctx = j->p.w->ctx;
    char value[64];
    format_value(o, value, sizeof value);
    int rc = api->write_text(ctx, j->first ? "\n  {\"table\":" : ",\n  {\"table\":") | api->json_string(ctx, o->table) |
             api->write_text(ctx, ",\"area_level\":") | api->json_string(ctx, level_ids[o->a->level]) |
             api->write_text(ctx, ",\"area_code\":") | api->json_string(ctx, o->a->code) |
             api->write_text(ctx, ",\"area_name\":") | api->json_string(ctx, o->a->name) |
             api->write_text(ctx, ",\"dimensions\":{");
    for (size_t i = 0; i < o->n_dims; i++)
        rc |= api->write_text(ctx, i ? "," : "") | api->json_string(ctx, o->dim_ids[i]) | api->write_text(ctx, ":") |
              api->json_string(ctx, o->dim_codes[i]);
    rc |= api->writef(ctx, "},\"value\":%s,\"status\":\"%c\"}", value[0] ? value : "null",
                     shown_status(j->p.w, o->status));
    j->first = 0;
    j->p.rc |= rc;
}

int write_json(const writer *w)
{
    const hhreg_host_api *api = w->api;
    const release *r = w->rel;
    int rc = api->writef(w->ctx,
                         "{\"format\":\"hhreg-summary-1\",\"lang\":\"%s\",\"protection\":{\"method\":\"%s\","
                         "\"min_count\":%ld,\"base\":%ld,\"primary_suppressions\":%ld,"
                         "\"secondary_suppressions\":%ld,\"flags\":\"%s\",\"audit\":{\"protection_percent\":%ld,"
                         "\"withheld_cells\":%ld,\"relations\":%ld,\"linear_programs\":%ld,"
                         "\"withheld_by_audit\":%ld},\"cell_key\":{\"max_deviation\":%ld,\"noise_variance\":%.4f,"
                         "\"perturbed_cells\":%ld,\"changed_cells\":%ld}},\n \"tables\":[",
                         r->lang, r->protection, r->min_count, r->base, r->stats.primary, r->stats.secondary,
                         r->internal_flags ? "internal" : "public", r->percent, r->stats.audit.cells,
                         r->stats.audit.relations, r->stats.audit.solves, r->stats.audit.added,
                         r->max_deviation, cell_key_variance(r->max_deviation), r->noise.cells, r->noise.changed);
    for (int t = 0; t < T_COUNT; t++) {
        const table_def *d = &w->c->tables[t];
        rc |= api->write_text(w->ctx, t ? ",\n  {\"id\":" : "\n  {\"id\":") | api->json_string(w->ctx, d->id) |
              api->write_text(w->ctx, ",\"title\":") |
              api->json_string(w->ctx, strcmp(r->lang, "zh") == 0 ? d->title_zh : d->title_en) |
              api->write_text(w->ctx, ",\"unit\":") |
              api->json_string(w->ctx, strcmp(r->lang, "zh") == 0 ? d->unit_zh : d->unit_en) |
              api->write_text(w->ctx, "}");
    }
    json_pass j = { { w, rc | api->write_text(w->ctx, "],\n \"cells\":[") }, 1 };
    for (size_t i = 0; i < w->c->n_areas && !j.p.rc; i++)
        each_cell(w->c, &w->c->areas[i], json_row, &j);
    return j.p.rc | api->write_text(w->ctx, "\n]}\n");
}
