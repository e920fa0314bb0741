/* render.h — writing the frozen (and perhaps protected) cube: every published value
 * is an output cell (a count, or a rate or ratio computed from counts and withheld
 * with them), and each format writes the cells its own way: tidy CSV (one row per
 * cell), SDMX-CSV 2.0, JSON, and the HTML report (html.c). */
#ifndef SUMMARY_RENDER_H
#define SUMMARY_RENDER_H

#include "cube.h"
#include "protect.h"

typedef struct out_cell {
    const area *a;
    const char *table;         /* table id, or "indicators" */
    const char *dim_ids[3], *dim_codes[3];
    size_t n_dims;
    double value;
    int decimals;              /* 0 for counts */
    char status;               /* 'F', 'A', 'D', 'R'; a withheld value is not written */
} out_cell;

/* What the report says about protection. */
typedef struct release {
    const char *protection;    /* "none", "suppress", "cell-key" or "round" */
    long min_count, base;
    long percent;              /* the audit's protection interval, % of a count */
    int internal_flags;        /* 1: withheld values flagged A or D; 0: all C */
    long max_deviation;        /* the cell-key method's */
    cell_key_stats noise;
    protect_stats stats;
    const char *lang;
} release;

/* Calls `fn` for every output cell of area `a`, tables in order, then indicators. */
void each_cell(const cube *c, const area *a, void (*fn)(const out_cell *, void *), void *arg);

/* The helpers every writer needs from the host. */
typedef struct writer {
    hhreg_ctx *ctx;
    const hhreg_host_api *api;
    const cube *c;
    const release *rel;
} writer;

int write_tidy_csv(const writer *w);
int write_sdmx_csv(const writer *w);
int write_json(const writer *w);
int write_html(const writer *w);   /* html.c */

/* The label of a code in the report's language (from the form schema where the
 * dimension has a code list), or the code itself. */
const char *code_text(const writer *w, const dimension *d, const char *code);
/* The status a release shows: with public flags, A and D are both C (telling
 * them apart would say a cell is small); F, R as they are. */
char shown_status(const writer *w, char status);
/* "12.3" etc.; empty when withheld */
void format_value(const out_cell *o, char *buf, size_t n);

#endif
