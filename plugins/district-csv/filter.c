/* filter.c — the row filter of a district profile (see filter.h). The schema has
 * already checked the shape (element names, item names, one condition in <not>,
 * two or more in <and> and <or>); this file checks what the schema cannot say —
 * that an item has a value on the profile's rows and that each value is of the
 * item's kind — and evaluates the filter. */
#include "filter.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hhreg/calendar.h"

static const char *const op_names[] = { "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "in", "empty",
                                        "group" };

static const char *const level_names[] = { "household", "person", "visit", "register" };

typedef struct reader {
    const char *file;
    levels rows;
    char *err;
    size_t n;
} reader;

static int fail(reader *rd, const filter *f, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int fail(reader *rd, const filter *f, const char *format, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, format);
    vsnprintf(what, sizeof what, format, ap);
    va_end(ap);
    snprintf(rd->err, rd->n, "district profile %s:%ld: <%s>: %s", rd->file, f->line, op_names[f->op], what);
    return -1;
}

static int element(const xmlNode *n)
{
    return n->type == XML_ELEMENT_NODE;
}

static char *prop(const xmlNode *n, const char *name)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *copy = v ? strdup((const char *)v) : NULL;
    xmlFree(v);
    return copy;
}

/* `text` as the item's kind: a number in *number, a date or yes/no normalised in
 * place. 0, or -1 with a message. */
static int read_value(reader *rd, const filter *f, char *text, double *number)
{
    const char *name = item_name(f->it);
    char *end;
    switch (item_kind_of(f->it)) {
    case KIND_NUMBER:
        *number = strtod(text, &end);
        if (end == text || *end || !isfinite(*number))
            return fail(rd, f, "'%s' is not a number (item '%s')", text, name);
        return 0;
    case KIND_DATE: {
        hhreg_date d;
        if (!hhreg_date_parse(text, false, &d))
            return fail(rd, f, "'%s' is not a calendar date YYYY-MM-DD (item '%s')", text, name);
        return 0;
    }
    case KIND_YES_NO:
        if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
            strcpy(text, "1");
        else if (strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
            strcpy(text, "0");
        else
            return fail(rd, f, "'%s' is not a yes/no value: 1, 0, true or false (item '%s')", text, name);
        return 0;
    case KIND_TEXT:
        if (f->it == I_CATEGORY && group_by_name(text) < 0)
            return fail(rd, f, "'%s' is not a special group (item '%s'): elderly-alone, empty-nest, disability, "
                               "low-income, extreme-hardship or foreign", text, name);
        return 0;
    }
    return 0;
}

/* The item of a comparison, <in> or <empty>, and its values. */
static int read_item(reader *rd, filter *f, const xmlNode *el)
{
    char *name = prop(el, "item");
    int it = name ? item_by_name(name) : -1;
    if (it < 0) {
        int rc = fail(rd, f, "'%s' is not an item", name ? name : "");
        free(name);
        return rc;
    }
    free(name);
    f->it = (item)it;
    item_level level = item_level_of(f->it);
    if (f->it == I_SEQ)
        return fail(rd, f, "'seq' numbers the rows the filter keeps and cannot be filtered on");
    if (!(rd->rows & (1u << level)))
        return fail(rd, f, "'%s' is a %s item and has no value on this profile's rows (see <records>)",
                    item_name(f->it), level_names[level]);
    item_kind kind = item_kind_of(f->it);
    if (f->op >= F_LT && f->op <= F_GE && (kind == KIND_TEXT || kind == KIND_YES_NO))
        return fail(rd, f, "'%s' has no order (only numbers and dates have): use eq, ne or in", item_name(f->it));
    if (f->op == F_EMPTY)
        return 0;
    char *text = prop(el, f->op == F_IN ? "values" : "value");
    if (!text)
        return fail(rd, f, "the attribute '%s' is missing", f->op == F_IN ? "values" : "value");
    for (char *save = NULL, *tok = f->op == F_IN ? strtok_r(text, " \t\r\n", &save) : text; tok;
         tok = f->op == F_IN ? strtok_r(NULL, " \t\r\n", &save) : NULL) {
        size_t k = f->n_values++;
        f->values = realloc(f->values, f->n_values * sizeof *f->values);
        f->numbers = realloc(f->numbers, f->n_values * sizeof *f->numbers);
        f->numbers[k] = 0;
        f->values[k] = strdup(tok);
        if (read_value(rd, f, f->values[k], &f->numbers[k]) != 0) {
            free(text);
            return -1;
        }
    }
    free(text);
    return f->n_values ? 0 : fail(rd, f, "no value is given");
}

static int read_condition(reader *rd, filter *f, const xmlNode *el)
{
    f->line = xmlGetLineNo(el);
    f->op = F_AND;
    for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
        if (xmlStrEqual(el->name, BAD_CAST op_names[i]))
            f->op = (filter_op)i;
    if (f->op == F_GROUP) {
        char *name = prop(el, "name");
        f->group = name ? group_by_name(name) : -1;
        int rc = f->group < 0 ? fail(rd, f, "'%s' is not a special group: elderly-alone, empty-nest, disability, "
                                            "low-income, extreme-hardship or foreign", name ? name : "")
                              : 0;
        free(name);
        return rc;
    }
    if (f->op > F_NOT)
        return read_item(rd, f, el);
    for (const xmlNode *c = el->children; c; c = c->next)
        f->n_conditions += element(c);
    f->conditions = calloc(f->n_conditions ? f->n_conditions : 1, sizeof *f->conditions);
    size_t i = 0;
    for (const xmlNode *c = el->children; c; c = c->next)
        if (element(c) && read_condition(rd, &f->conditions[i++], c) != 0)
            return -1;
    return 0;
}

filter *filter_read(const xmlNode *el, const char *file, levels rows, char *err, size_t n)
{
    reader rd = { file, rows, err, n };
    const xmlNode *c = el->children;
    while (c && !element(c))
        c = c->next;
    if (!c)
        return NULL; /* the schema requires one condition */
    filter *f = calloc(1, sizeof *f);
    if (read_condition(&rd, f, c) != 0) {
        filter_free(f);
        return NULL;
    }
    return f;
}

int filter_check_codes(const filter *f, const char *file, const hhreg_host_api *api, hhreg_ctx *ctx, char *err,
                       size_t n)
{
    if (!f)
        return 0;
    for (size_t i = 0; i < f->n_conditions; i++)
        if (filter_check_codes(&f->conditions[i], file, api, ctx, err, n) != 0)
            return -1;
    const char *list = f->op >= F_EQ && f->op <= F_IN ? item_code_list(f->it) : NULL;
    for (size_t i = 0; list && i < f->n_values; i++)
        if (!api->code_label(ctx, list, f->values[i], "en")) {
            reader rd = { file, 0, err, n };
            char what[200];
            snprintf(what, sizeof what, "'%s' is not a code of %s", f->values[i], list);
            return fail(&rd, f, "%s (item '%s')", what, item_name(f->it));
        }
    return 0;
}

/* --- evaluating ------------------------------------------------------------- */

static int compare(const filter *f, const char *v, size_t k)
{
    if (item_kind_of(f->it) == KIND_NUMBER) {
        double x = strtod(v, NULL), y = f->numbers[k];
        return x < y ? -1 : x > y;
    }
    return strcmp(v, f->values[k]);
}

int filter_match(const filter *f, const row *r)
{
    if (!f)
        return 1;
    switch (f->op) {
    case F_AND:
        for (size_t i = 0; i < f->n_conditions; i++)
            if (!filter_match(&f->conditions[i], r))
                return 0;
        return 1;
    case F_OR:
        for (size_t i = 0; i < f->n_conditions; i++)
            if (filter_match(&f->conditions[i], r))
                return 1;
        return 0;
    case F_NOT:
        return !filter_match(&f->conditions[0], r);
    case F_GROUP:
        if (r->p)
            return in_group(f->group, r->h, r->p);
        for (size_t i = 0; i < r->h->n_persons; i++)
            if (in_group(f->group, r->h, &r->h->persons[i]))
                return 1;
        return 0;
    default:
        break;
    }
    char buf[512];
    const char *v = item_value(f->it, r, "YYYY-MM-DD", buf, sizeof buf);
    if (f->op == F_EMPTY || !*v)
        return f->op == F_EMPTY && !*v; /* an absent value matches no comparison */
    char month_start[16];
    if (item_kind_of(f->it) == KIND_DATE && strlen(v) == 7) { /* YYYY-MM counts as its first day */
        snprintf(month_start, sizeof month_start, "%s-01", v);
        v = month_start;
    }
    switch (f->op) {
    case F_EQ: return compare(f, v, 0) == 0;
    case F_NE: return compare(f, v, 0) != 0;
    case F_LT: return compare(f, v, 0) < 0;
    case F_LE: return compare(f, v, 0) <= 0;
    case F_GT: return compare(f, v, 0) > 0;
    case F_GE: return compare(f, v, 0) >= 0;
    default:
        for (size_t k = 0; k < f->n_values; k++)
            if (compare(f, v, k) == 0)
                return 1;
        return 0;
    }
}

static void free_condition(filter *f)
{
    for (size_t i = 0; i < f->n_conditions; i++)
        free_condition(&f->conditions[i]);
    free(f->conditions);
    for (size_t i = 0; i < f->n_values; i++)
        free(f->values[i]);
    free(f->values);
    free(f->numbers);
}

void filter_free(filter *f)
{
    if (!f)
        return;
    free_condition(f);
    free(f);
}
