/* export.c — see export.h. The hhreg_ctx handed to plugins is this file's
 * struct export_ctx; the host API functions are the static api_* below. */
#include "export.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "code_labels.h"
#include "dates.h"
#include "derived.h"
#include "diag.h"
#include "export_dir.h"
#include "export_sandbox.h"
#include "items.h"
#include "schemaset.h"
#include "store_review.h"

/* A file of a directory plugin's output, open until it is finished. */
typedef struct out_file {
    char *name;
    FILE *f;
} out_file;

struct hhreg_ctx {
    const hhreg_plugin *plugin;
    const char *const *options;
    size_t n_options;
    FILE *out;                   /* NULL: a directory plugin before its first file */
    int dir_fd;                  /* the staging directory of a directory plugin, else -1 */
    out_file files[HHREG_MAX_OPEN_FILES]; /* its open files; out is one of them */
    size_t n_files;
    FILE *warnings;
    int write_failed;
    char *error;                 /* the first error the plugin reported */
    const char *schema_dir;
    hh_code_labels *labels;      /* loaded on first use */
    int labels_failed;
    iconv_t convert;             /* (iconv_t)-1 while the output is UTF-8 */
    char pending[8];             /* an incomplete UTF-8 sequence left from the last write */
    size_t n_pending;
    hh_buf scratch;              /* reused by the text helpers, so they do not allocate */
    hhreg_item *items;           /* the item dictionary as plugins see it, made on first use */
    const hh_household *household;       /* the household being handed over ... */
    const hhreg_household *view;         /* ... and its view, for item_text */
    hh_buf item_value;           /* item_text's last answer */
    char *store_id;              /* the change feed (ABI 1.6): the store's id, */
    long long last_change;       /* the newest change in the snapshot, */
    long long since;             /* this run's watermark (-1: everything), */
    bool in_begin;               /* which the plugin may set only in begin() */
    hh_store *store;             /* the snapshot, for review_state (ABI 1.7) */
};

/* --- options --------------------------------------------------------------- */

static const hhreg_option_spec *find_spec(const hhreg_plugin *p, const char *name, size_t len)
{
    for (const hhreg_option_spec *o = p->options; o && o->name; o++)
        if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
            return o;
    return NULL;
}

static bool parse_bool(const char *v, int *out)
{
    static const char *yes[] = { "yes", "true", "1", "on" }, *no[] = { "no", "false", "0", "off" };
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return true;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return true;
        }
    }
    return false;
}

static bool parse_long(const char *v, long *out)
{
    char *end;
    errno = 0;
    *out = strtol(v, &end, 10);
    return *v && !*end && !errno;
}

/* A value of an INT or DATE option as a number that compares as the values do (a
 * date as its day number); false when it is not one. */
static bool typed_number(hhreg_option_type type, const char *v, long *out)
{
    hhreg_date d;
    if (type != HHREG_OPTION_DATE)
        return parse_long(v, out);
    if (!hhreg_date_parse(v, false, &d))
        return false;
    *out = hhreg_date_days(d);
    return true;
}

typedef struct bounds {
    bool has_min, has_max;
    long min, max;
} bounds;

const char *hh_option_range(const hhreg_plugin *p, const hhreg_option_spec *o)
{
    return p->min_api_minor >= 3 && (o->type == HHREG_OPTION_INT || o->type == HHREG_OPTION_DATE) ? o->choices
                                                                                                   : NULL;
}

/* The bounds of the option's range (either side may be empty; none declared: no
 * bounds); false when the range is malformed. */
static bool parse_range(const hhreg_plugin *p, const hhreg_option_spec *o, bounds *b)
{
    memset(b, 0, sizeof *b);
    const char *range = hh_option_range(p, o);
    if (!range)
        return true;
    const char *dots = strstr(range, "..");
    char min[32];
    size_t len = dots ? (size_t)(dots - range) : 0;
    if (!dots || len >= sizeof min)
        return false;
    memcpy(min, range, len);
    min[len] = '\0';
    b->has_min = len > 0;
    b->has_max = dots[2] != '\0';
    if ((b->has_min && !typed_number(o->type, min, &b->min)) ||
        (b->has_max && !typed_number(o->type, dots + 2, &b->max)))
        return false;
    return !b->has_min || !b->has_max || b->min <= b->max;
}

static bool in_range(const hhreg_plugin *p, const hhreg_option_spec *o, long value)
{
    bounds b;
    return parse_range(p, o, &b) && (!b.has_min || value >= b.min) && (!b.has_max || value <= b.max);
}

static bool in_choices(const char *choices, const char *v)
{
    size_t n = strlen(v);
    for (const char *c = choices; c && *c;) {
        const char *comma = strchr(c, ',');
        size_t len = comma ? (size_t)(comma - c) : strlen(c);
        if (len == n && strncmp(c, v, n) == 0)
            return true;
        c = comma ? comma + 1 : NULL;
    }
    return false;
}

static int check_value(const hhreg_plugin *p, const hhreg_option_spec *o, const char *v, hh_buf *err)
{
    long l;
    int b;
    switch (o->type) {
    case HHREG_OPTION_INT:
    case HHREG_OPTION_DATE:
        if (!typed_number(o->type, v, &l) || !in_range(p, o, l)) {
            hh_buf_printf(err, hh_tr("plugin %s: option %s takes %s", "插件 %s：选项 %s 应为%s"), p->name, o->name,
                          o->type == HHREG_OPTION_INT ? hh_tr("a whole number", "整数")
                                                      : hh_tr("a date YYYY-MM-DD (a real calendar date)",
                                                              "YYYY-MM-DD 格式的日期（须为真实存在的日期）"));
            if (hh_option_range(p, o))
                hh_buf_printf(err, hh_tr(" in the range %s", "，范围为 %s"), hh_option_range(p, o));
            hh_buf_printf(err, hh_tr(", not '%s'", "，而不是“%s”"), v);
            return -1;
        }
        break;
    case HHREG_OPTION_BOOL:
        if (!parse_bool(v, &b)) {
            hh_buf_printf(err, hh_tr("plugin %s: option %s takes yes or no, not '%s'",
                                     "插件 %s：选项 %s 应为 yes 或 no，而不是“%s”"),
                          p->name, o->name, v);
            return -1;
        }
        break;
    case HHREG_OPTION_CHOICE:
        if (!in_choices(o->choices, v)) {
            hh_buf_printf(err, hh_tr("plugin %s: option %s takes one of %s, not '%s'",
                                     "插件 %s：选项 %s 应为 %s 之一，而不是“%s”"),
                          p->name, o->name, o->choices, v);
            return -1;
        }
        break;
    case HHREG_OPTION_FILE:
        if (access(v, R_OK) != 0) {
            hh_buf_printf(err, hh_tr("plugin %s: option %s: %s: %s", "插件 %s：选项 %s：%s：%s"), p->name, o->name, v,
                          hh_system_reason(errno));
            return -1;
        }
        break;
    case HHREG_OPTION_STRING:
        break;
    }
    return 0;
}

/* The plugin's own declaration: every range well-formed (MIN..MAX, MIN <= MAX),
 * every INT or DATE default a value the option takes. Only for a plugin made for
 * API 1.3 or later: an older one loads and runs as it always did. 0, or -1 with
 * `err`. */
static int check_declaration(const hhreg_plugin *p, hh_buf *err)
{
    if (p->min_api_minor < 3)
        return 0;
    for (const hhreg_option_spec *o = p->options; o && o->name; o++) {
        if (o->type != HHREG_OPTION_INT && o->type != HHREG_OPTION_DATE)
            continue;
        bounds b;
        if (!parse_range(p, o, &b)) {
            hh_buf_printf(err, hh_tr("plugin %s declares option %s with the range '%s', which is not MIN..MAX of its "
                                     "type (a plugin error: tell its author)",
                                     "插件 %s 为选项 %s 声明的范围“%s”不是该类型的 MIN..MAX（插件的错误：请告知其作者）"),
                          p->name, o->name, hh_option_range(p, o));
            return -1;
        }
        hh_buf why;
        hh_buf_init(&why);
        int bad = o->default_value && check_value(p, o, o->default_value, &why) != 0;
        if (bad)
            hh_buf_printf(err, hh_tr("plugin %s declares a default for option %s that the option refuses (a plugin "
                                     "error: tell its author): %s",
                                     "插件 %s 为选项 %s 声明的默认值不为该选项所接受（插件的错误：请告知其作者）：%s"),
                          p->name, o->name, why.data);
        hh_buf_free(&why);
        if (bad)
            return -1;
    }
    return 0;
}

int hh_export_check_options(const hhreg_plugin *p, const char *const *options, size_t n, hh_buf *err)
{
    if (check_declaration(p, err) != 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(options[i], '=');
        const hhreg_option_spec *o = eq ? find_spec(p, options[i], (size_t)(eq - options[i])) : NULL;
        if (!eq) {
            hh_buf_printf(err, hh_tr("--opt %s: options are KEY=VALUE", "--opt %s：选项应写作 KEY=VALUE"), options[i]);
            return -1;
        }
        if (!o) {
            hh_buf_printf(err, hh_tr("plugin %s has no option '%.*s'; it takes:", "插件 %s 没有选项“%.*s”；它接受的选项："),
                          p->name, (int)(eq - options[i]), options[i]);
            for (const hhreg_option_spec *s = p->options; s && s->name; s++)
                hh_buf_printf(err, " %s", s->name);
            if (!p->options || !p->options->name)
                hh_buf_puts(err, hh_tr(" none", "无"));
            return -1;
        }
        if (check_value(p, o, eq + 1, err))
            return -1;
    }
    return 0;
}

static const char *api_option(hhreg_ctx *ctx, const char *name)
{
    size_t len = strlen(name);
    const char *value = NULL;
    for (size_t i = 0; i < ctx->n_options; i++) /* the last one given wins */
        if (strncmp(ctx->options[i], name, len) == 0 && ctx->options[i][len] == '=')
            value = ctx->options[i] + len + 1;
    if (!value) {
        const hhreg_option_spec *o = find_spec(ctx->plugin, name, len);
        value = o ? o->default_value : NULL;
    }
    return value;
}

static long api_option_int(hhreg_ctx *ctx, const char *name)
{
    const char *v = api_option(ctx, name);
    long l = 0;
    return v && parse_long(v, &l) ? l : 0;
}

static int api_option_bool(hhreg_ctx *ctx, const char *name)
{
    const char *v = api_option(ctx, name);
    int b = 0;
    return v && parse_bool(v, &b) ? b : 0;
}

/* --- output and errors ------------------------------------------------------ */

__attribute__((format(printf, 2, 0))) static void set_error(hhreg_ctx *ctx, const char *fmt, va_list ap)
{
    if (ctx->error)
        return;
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_printf(&b, hh_tr("plugin %s: ", "插件 %s："), ctx->plugin->name);
    hh_buf_vprintf(&b, fmt, ap);
    ctx->error = hh_buf_detach(&b);
}

__attribute__((format(printf, 2, 3))) static void api_error(hhreg_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(ctx, fmt, ap);
    va_end(ap);
}

/* One line on the warnings stream: "hhreg export: plugin NAME: KIND MESSAGE", a line
 * break in the message written as a space. */
__attribute__((format(printf, 3, 0))) static void say(hhreg_ctx *ctx, const char *kind, const char *fmt, va_list ap)
{
    if (!ctx->warnings)
        return;
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_printf(&b, hh_tr("hhreg export: plugin %s: %s", "hhreg export：插件 %s：%s"), ctx->plugin->name, kind);
    size_t start = b.len;
    hh_buf_vprintf(&b, fmt, ap);
    for (size_t i = start; i < b.len; i++)
        if (b.data[i] == '\n' || b.data[i] == '\r')
            b.data[i] = ' ';
    hh_buf_putc(&b, '\n');
    fwrite(b.data, 1, b.len, ctx->warnings);
    hh_buf_free(&b);
}

__attribute__((format(printf, 2, 3))) static void api_warning(hhreg_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(ctx, hh_tr("warning: ", "警告："), fmt, ap);
    va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void api_info(hhreg_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(ctx, "", fmt, ap);
    va_end(ap);
}

static int raw_write(hhreg_ctx *ctx, const void *data, size_t len)
{
    if (!ctx->out) {
        api_error(ctx, hh_tr("it wrote before naming a file with open_file or use_file",
                             "在用 open_file 或 use_file 指定文件之前就写了输出"));
        return -1;
    }
    /* the output belongs to this thread alone: no stdio locking per call */
    if (len && fwrite_unlocked(data, 1, len, ctx->out) != len) {
        ctx->write_failed = errno ? errno : EIO;
        return -1;
    }
    return 0;
}

/* Converts UTF-8 to the output encoding, carrying an incomplete final sequence
 * over to the next write. */
static int converted_write(hhreg_ctx *ctx, const char *data, size_t len)
{
    hh_buf in;
    hh_buf_init(&in);
    hh_buf_append(&in, ctx->pending, ctx->n_pending);
    hh_buf_append(&in, data, len);
    ctx->n_pending = 0;
    char *src = in.data;
    size_t left = in.len;
    int rc = 0;
    while (left && rc == 0) {
        char chunk[4096], *dst = chunk;
        size_t room = sizeof chunk;
        size_t r = iconv(ctx->convert, &src, &left, &dst, &room);
        int why = r == (size_t)-1 ? errno : 0; /* before the write can change errno */
        rc = raw_write(ctx, chunk, sizeof chunk - room);
        if (why == EINVAL && left < sizeof ctx->pending) {
            memcpy(ctx->pending, src, left); /* an incomplete character: finish it next time */
            ctx->n_pending = left;
            break;
        }
        if (why && why != E2BIG) {
            api_error(ctx, hh_tr("a character cannot be written in the output encoding", "有字符无法用输出编码写出"));
            rc = -1;
        }
    }
    hh_buf_free(&in);
    return rc;
}

static int api_write_bytes(hhreg_ctx *ctx, const void *data, size_t len)
{
    if (ctx->write_failed || ctx->error)
        return -1;
    return ctx->convert == (iconv_t)-1 ? raw_write(ctx, data, len) : converted_write(ctx, data, len);
}

static int api_output_encoding(hhreg_ctx *ctx, const char *encoding)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    if (cd == (iconv_t)-1) {
        api_error(ctx, hh_tr("the output encoding %s is not available", "输出编码 %s 不可用"), encoding);
        return -1;
    }
    if (ctx->convert != (iconv_t)-1)
        iconv_close(ctx->convert);
    ctx->convert = cd;
    return 0;
}

static int api_write_text(hhreg_ctx *ctx, const char *text)
{
    return text ? api_write_bytes(ctx, text, strlen(text)) : 0;
}

/* The scratch buffer, emptied. */
static hh_buf *scratch(hhreg_ctx *ctx)
{
    hh_buf_reset(&ctx->scratch);
    return &ctx->scratch;
}

static int write_scratch(hhreg_ctx *ctx)
{
    return api_write_bytes(ctx, ctx->scratch.data, ctx->scratch.len);
}

__attribute__((format(printf, 2, 3))) static int api_writef(hhreg_ctx *ctx, const char *fmt, ...)
{
    hh_buf *b = scratch(ctx);
    va_list ap;
    va_start(ap, fmt);
    hh_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return write_scratch(ctx);
}

/* Excel's limit on a string constant in a formula, in UTF-16 code units. */
#define FORMULA_TEXT_MAX 255

/* Whether `value` can be the string constant of a spreadsheet formula: no line
 * break, and short enough (a character beyond the BMP counts twice, as in UTF-16). */
static bool fits_in_formula(const char *value)
{
    size_t units = 0;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
        if (*p == '\r' || *p == '\n')
            return false;
        units += (*p & 0xC0) != 0x80 ? 1 + (*p >= 0xF0) : 0;
    }
    return units <= FORMULA_TEXT_MAX;
}

/* A field quoted as RFC 4180 asks (when it holds the delimiter, a quote or a line
 * break); a value a spreadsheet would run as a formula gets a leading '
 * (HHREG_CSV_NEUTRALISE); a text cell (HHREG_CSV_TEXT) is the formula ="VALUE",
 * whose quotes are doubled once for the formula and once more for the CSV. */
static int api_csv_cell(hhreg_ctx *ctx, const char *value, char delimiter, unsigned flags)
{
    if (!value)
        return 0;
    int formula = (flags & HHREG_CSV_NEUTRALISE) && *value && strchr("=+-@\t\r", *value);
    int text = (flags & HHREG_CSV_TEXT) && *value && fits_in_formula(value);
    int quote = formula || text || strchr(value, delimiter) || strpbrk(value, "\"\r\n");
    if (!quote)
        return api_write_bytes(ctx, value, strlen(value));
    hh_buf *b = scratch(ctx);
    hh_buf_puts(b, text ? "\"=\"\"" : "\"");
    if (formula)
        hh_buf_putc(b, '\'');
    for (const char *p = value; *p; p++) {
        if (*p == '"')
            hh_buf_puts(b, text ? "\"\"\"" : "\"");
        hh_buf_putc(b, *p);
    }
    hh_buf_puts(b, text ? "\"\"\"" : "\"");
    return write_scratch(ctx);
}

static int api_csv_field(hhreg_ctx *ctx, const char *value, char delimiter, int neutralise)
{
    return api_csv_cell(ctx, value, delimiter, neutralise ? HHREG_CSV_NEUTRALISE : 0);
}

static int api_xml_text(hhreg_ctx *ctx, const char *text)
{
    hh_buf *b = scratch(ctx);
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '<': hh_buf_puts(b, "&lt;"); break;
        case '>': hh_buf_puts(b, "&gt;"); break;
        case '&': hh_buf_puts(b, "&amp;"); break;
        case '"': hh_buf_puts(b, "&quot;"); break;
        case '\'': hh_buf_puts(b, "&apos;"); break;
        default: hh_buf_putc(b, *p);
        }
    }
    return write_scratch(ctx);
}

static int api_json_string(hhreg_ctx *ctx, const char *text)
{
    hh_buf_json_string(scratch(ctx), text);
    return write_scratch(ctx);
}

/* The form schema's code labels, loaded on first use; NULL when they cannot be read
 * (said once as a warning). */
static const hh_code_labels *code_labels(hhreg_ctx *ctx)
{
    if (!ctx->labels && !ctx->labels_failed) {
        char *xsd = hh_xasprintf("%s/%s", ctx->schema_dir, HH_FORM_XSD);
        hh_buf err;
        hh_buf_init(&err);
        ctx->labels = hh_code_labels_load(xsd, &err);
        ctx->labels_failed = ctx->labels == NULL;
        if (ctx->labels_failed && ctx->warnings)
            fprintf(ctx->warnings, hh_tr("hhreg export: %s\n", "hhreg export：%s\n"), err.data);
        hh_buf_free(&err);
        free(xsd);
    }
    return ctx->labels;
}

static const char *api_code_label(hhreg_ctx *ctx, const char *list, const char *code, const char *lang)
{
    return hh_code_label(code_labels(ctx), list, code, lang);
}

/* Finishes file `i` of the output directory and forgets it; 0 or -1 (reported). */
static int finish_file(hhreg_ctx *ctx, size_t i)
{
    int rc = hh_export_dir_close_file(ctx->files[i].f);
    if (rc != 0 && !ctx->write_failed)
        ctx->write_failed = errno ? errno : EIO;
    if (ctx->out == ctx->files[i].f)
        ctx->out = NULL;
    free(ctx->files[i].name);
    ctx->files[i] = ctx->files[--ctx->n_files];
    return rc;
}

/* Finishes every open file of the output directory; 0 or -1 (reported). */
static int finish_files(hhreg_ctx *ctx)
{
    int rc = 0;
    while (ctx->n_files)
        rc |= finish_file(ctx, ctx->n_files - 1);
    return rc;
}

/* Whether `call` may write files: the plugin writes a directory and nothing failed. */
static bool may_write_files(hhreg_ctx *ctx, const char *call)
{
    if (ctx->dir_fd < 0) {
        api_error(ctx, hh_tr("%s is for plugins that declare HHREG_PLUGIN_DIRECTORY",
                             "%s 只供声明了 HHREG_PLUGIN_DIRECTORY 的插件使用"),
                  call);
        return false;
    }
    return !ctx->write_failed && !ctx->error;
}

/* Makes the new file NAME in the output directory the one written to; 0 or -1 (reported). */
static int start_file(hhreg_ctx *ctx, const char *name)
{
    if (ctx->n_files == HHREG_MAX_OPEN_FILES) {
        api_error(ctx, hh_tr("%s: more than %d files would be open at once (HHREG_MAX_OPEN_FILES)",
                             "%s：同时打开的文件将超过 %d 个（HHREG_MAX_OPEN_FILES）"),
                  name ? name : "", HHREG_MAX_OPEN_FILES);
        return -1;
    }
    hh_buf err;
    hh_buf_init(&err);
    ctx->out = hh_export_dir_open_file(ctx->dir_fd, name, &err);
    if (ctx->out)
        ctx->files[ctx->n_files++] = (out_file){ hh_xstrdup(name), ctx->out };
    else
        api_error(ctx, "%s", err.data);
    hh_buf_free(&err);
    return ctx->out ? 0 : -1;
}

static int api_open_file(hhreg_ctx *ctx, const char *name)
{
    if (!may_write_files(ctx, "open_file"))
        return -1;
    for (size_t i = 0; i < ctx->n_files; i++)
        if (ctx->files[i].f == ctx->out) {
            if (finish_file(ctx, i) != 0)
                return -1;
            break;
        }
    ctx->n_pending = 0;
    return start_file(ctx, name);
}

static int api_use_file(hhreg_ctx *ctx, const char *name)
{
    if (!may_write_files(ctx, "use_file"))
        return -1;
    ctx->n_pending = 0;
    for (size_t i = 0; i < ctx->n_files; i++)
        if (name && strcmp(ctx->files[i].name, name) == 0) {
            ctx->out = ctx->files[i].f;
            return 0;
        }
    return start_file(ctx, name);
}

static const char *api_schema_dir(hhreg_ctx *ctx)
{
    return ctx->schema_dir;
}

/* --- the item dictionary (since 1.4) ------------------------------------------ */

/* The ABI's scopes and kinds are items.h's, value for value. */
_Static_assert(HHREG_SCOPE_HOUSEHOLD == (int)HH_ITEM_HOUSEHOLD && HHREG_SCOPE_PERSON == (int)HH_ITEM_PERSON &&
                   HHREG_SCOPE_VISIT == (int)HH_ITEM_VISIT,
               "hhreg_item_scope differs from hh_item_scope");
_Static_assert(HHREG_ITEM_TEXT == (int)HH_ITEM_TEXT && HHREG_ITEM_CODE == (int)HH_ITEM_CODE &&
                   HHREG_ITEM_DATE == (int)HH_ITEM_DATE && HHREG_ITEM_MONTH == (int)HH_ITEM_MONTH &&
                   HHREG_ITEM_NUMBER == (int)HH_ITEM_NUMBER && HHREG_ITEM_BOOLEAN == (int)HH_ITEM_BOOLEAN,
               "hhreg_item_kind differs from hh_item_kind");

/* The items of `scope` as a plugin names it; *n is 0 for a scope that does not exist. */
static const hh_item *scope_items(int scope, size_t *n)
{
    *n = 0;
    return scope >= HH_ITEM_HOUSEHOLD && scope <= HH_ITEM_VISIT ? hh_items_of((hh_item_scope)scope, n) : NULL;
}

static const hh_item *find_item(int scope, size_t index)
{
    size_t n;
    const hh_item *items = scope_items(scope, &n);
    return index < n ? &items[index] : NULL;
}

static size_t api_item_count(hhreg_ctx *ctx, int scope)
{
    (void)ctx;
    size_t n;
    scope_items(scope, &n);
    return n;
}

/* The table of items.h as plugins see it (hhreg_item), in hh_items' order. */
static hhreg_item *plugin_items(hhreg_ctx *ctx)
{
    if (ctx->items)
        return ctx->items;
    ctx->items = hh_xcalloc(hh_item_count, sizeof *ctx->items);
    for (size_t i = 0; i < hh_item_count; i++) {
        const hh_item *it = &hh_items[i];
        ctx->items[i] = (hhreg_item){
            .struct_size = sizeof(hhreg_item),
            .name = it->json,
            .group = it->group,
            .scope = (int)it->scope,
            .kind = (int)it->kind,
            .numeric = it->ctype != HH_ITEM_C_STR,
            .code_list = it->code_list,
            .codes = it->code_list ? hh_code_list(code_labels(ctx), it->code_list) : NULL,
        };
    }
    return ctx->items;
}

static const hhreg_item *api_item(hhreg_ctx *ctx, int scope, size_t index)
{
    const hh_item *it = find_item(scope, index);
    return it ? &plugin_items(ctx)[it - hh_items] : NULL;
}

/* The record of the stored household that `view` (of `scope`) shows, or NULL. */
static const void *viewed_record(const hhreg_ctx *ctx, const void *view, int scope)
{
    const hhreg_household *v = ctx->view;
    const hh_household *h = ctx->household;
    if (!v || !view)
        return NULL;
    switch (scope) {
    case HH_ITEM_HOUSEHOLD: return view == v ? h : NULL;
    case HH_ITEM_PERSON:
        for (size_t i = 0; i < v->n_persons; i++)
            if (view == &v->persons[i])
                return &h->persons[i];
        return NULL;
    case HH_ITEM_VISIT:
        for (size_t i = 0; i < v->n_visits; i++)
            if (view == &v->visits[i])
                return hh_household_visit(h, i);
        return NULL;
    }
    return NULL;
}

static const char *api_item_text(hhreg_ctx *ctx, const void *record, int scope, size_t index)
{
    const hh_item *it = find_item(scope, index);
    const void *r = it ? viewed_record(ctx, record, scope) : NULL;
    if (!r || !hh_item_given(it, r))
        return NULL;
    const void *at = hh_item_at(it, r);
    hh_buf *b = &ctx->item_value;
    hh_buf_reset(b);
    switch (it->ctype) {
    case HH_ITEM_C_STR: return *(char *const *)at;
    case HH_ITEM_C_INT: hh_buf_printf(b, "%d", *(const int *)at); break;
    case HH_ITEM_C_REAL: hh_buf_printf(b, "%.2f", *(const double *)at); break;
    case HH_ITEM_C_BOOL: hh_buf_puts(b, *(const int *)at ? "true" : "false"); break;
    }
    return b->data;
}

/* --- the change feed ---------------------------------------------------------- */

static const char *api_store_id(hhreg_ctx *ctx)
{
    return ctx->store_id;
}

static long long api_last_change(hhreg_ctx *ctx)
{
    return ctx->last_change;
}

static long long api_since(hhreg_ctx *ctx)
{
    return ctx->since;
}

/* Whether `since` may be this run's watermark; with `err` why not. */
static bool watermark_ok(long long since, long long last_change, hh_buf *err)
{
    if (since <= last_change)
        return true;
    hh_buf_printf(err,
                  hh_tr("the watermark %lld is ahead of this store's last change %lld: the store is not the one "
                        "that was exported (replaced by an older backup?); export everything again",
                        "水位 %lld 超过了本存储的最后一次变更 %lld：这不是当初导出的那个存储（被较旧的备份替换了？）；"
                        "请重新完整导出"),
                  since, last_change);
    return false;
}

static int api_set_since(hhreg_ctx *ctx, long long change)
{
    hh_buf err;
    hh_buf_init(&err);
    if (!ctx->in_begin)
        hh_buf_printf(&err, "%s", hh_tr("set_since may be called only in begin()", "set_since 只能在 begin() 中调用"));
    else if (watermark_ok(change, ctx->last_change, &err))
        ctx->since = change < 0 ? -1 : change;
    if (err.len)
        api_error(ctx, "%s", err.data);
    int rc = err.len ? -1 : 0;
    hh_buf_free(&err);
    return rc;
}

static const char *api_review_state(hhreg_ctx *ctx, const hhreg_household *h)
{
    if (!h || h != ctx->view || !ctx->store)
        return NULL;
    hh_review r;
    hh_buf err;
    hh_buf_init(&err);
    const char *state = NULL;
    if (hh_review_of(ctx->store, h->id, h->revision, &r, &err) == 0) {
        state = hh_review_state_name(r.state);
        hh_review_free(&r);
    } else {
        api_error(ctx, hh_tr("cannot read the review state of household %s: %s", "无法读取住户 %s 的审核状态：%s"),
                  h->id, err.data);
    }
    hh_buf_free(&err);
    return state;
}

static const hhreg_host_api host_api = {
    sizeof(hhreg_host_api), HHREG_HOST_API_MINOR,
    api_option, api_option_int, api_option_bool,
    api_write_bytes, api_write_text, api_writef, api_csv_field, api_xml_text, api_json_string,
    api_error, api_warning,
    api_code_label, api_schema_dir, api_output_encoding,
    api_open_file,
    api_info, api_csv_cell, api_use_file,
    api_item_count, api_item, api_item_text,
    api_store_id, api_last_change, api_since, api_set_since,
    api_review_state,
};

/* --- the household view ------------------------------------------------------ */

typedef struct pass_state {
    hhreg_ctx *ctx;
    void *plugin_state;
    unsigned pass;
    long households;
    long tombstones;             /* of pass 0 */
    long revisions;              /* of pass 0; -1: the plugin takes none */
    int failed;
    const char *failed_in;       /* the callback that returned nonzero (not a write that failed) */
    int returned;                /* and what it returned */
    hhreg_person *persons;
    hhreg_visit *visits;
    size_t person_cap, visit_cap;
} pass_state;

/* The plugin's `callback` returned `returned` (or a write failed): the walk stops. */
static int stop_walk(pass_state *ps, const char *callback, int returned)
{
    ps->failed = 1;
    if (returned) {
        ps->failed_in = callback;
        ps->returned = returned;
    }
    return 1;
}

/* The plugin view's members are the ABI structs of plugin.h (frozen since 1.0 and
 * named as the items' members are), so each item is copied by its row of items.def;
 * the derived values below are not items. An item added to items.def after ABI 1.4
 * has no member in these structs: the build stops here until its row is left out of
 * the view (plugins reach it through api->item_text). */
#define VIEW_ITEM(key, kind, ctype, absent, required, xml, codes, member, ...) v->member = r->member;

static void view_person(const hh_person *r, const hh_person_derived *pd, hhreg_person *v)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    HH_PERSON_ITEMS(VIEW_ITEM)
    v->age = pd->age;
    v->age_group = hh_age_group_label(pd->age_group);
    v->elderly60 = pd->elderly60;
    v->elderly65 = pd->elderly65;
    v->disabled = pd->disabled;
}

static void view_household(const hh_household *r, const hh_household_derived *hd, unsigned plugin_api_minor,
                           hhreg_household *v)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    HH_HOUSEHOLD_ITEMS(VIEW_ITEM)
    /* -1 where the form does not say (nobody home, refused) only for a plugin of API
     * 1.5 or later: an older one was promised 0 or 1, and sees 0 */
    if (plugin_api_minor < 5) {
        v->low_income = r->low_income == 1;
        v->extreme_hardship = r->extreme_hardship == 1;
    }
    /* nobody home: no respondent (NULL) and no consent (-1) only for API 1.9 or later;
     * an older one was promised a respondent and 0 or 1, and sees "" and 0 */
    if (plugin_api_minor < 9) {
        v->respondent = r->respondent ? r->respondent : "";
        v->consent = r->consent == 1;
    }
    v->size = hd->size;
    v->elderly60 = hd->elderly60;
    v->elderly65 = hd->elderly65;
    v->persons_with_disability = hd->disabled;
    v->elderly_living_alone = hd->living_alone;
    v->empty_nest = hd->empty_nest;
}

static void view_visit(const hh_visit *r, hhreg_visit *v)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    HH_VISIT_ITEMS(VIEW_ITEM)
}

static int hand_over(const hh_current *c, void *arg)
{
    const hh_household *h = c->household;
    pass_state *ps = arg;
    if (h->n_persons > ps->person_cap) {
        ps->person_cap = h->n_persons * 2;
        ps->persons = hh_xrealloc(ps->persons, ps->person_cap * sizeof *ps->persons);
    }
    size_t n_visits = hh_household_n_all_visits(h);
    if (n_visits > ps->visit_cap) {
        ps->visit_cap = n_visits * 2;
        ps->visits = hh_xrealloc(ps->visits, ps->visit_cap * sizeof *ps->visits);
    }
    hh_household_derived hd;
    hh_person_derived pd[64];
    hh_person_derived *pds = h->n_persons <= 64 ? pd : hh_xcalloc(h->n_persons, sizeof *pds);
    hh_derive(h, &hd, pds);
    hhreg_household v;
    view_household(h, &hd, ps->ctx->plugin->min_api_minor, &v);
    v.revision = c->revision;
    v.xml = c->xml;
    v.xml_len = c->xml_len;
    v.made_in = c->made_in;
    v.parent = c->parent;
    v.change = c->change;
    for (size_t i = 0; i < h->n_persons; i++)
        view_person(&h->persons[i], &pds[i], &ps->persons[i]);
    for (size_t i = 0; i < n_visits; i++) /* the form's, then the visit log's */
        view_visit(hh_household_visit(h, i), &ps->visits[i]);
    v.n_persons = h->n_persons;
    v.persons = ps->persons;
    v.n_visits = n_visits;
    v.visits = ps->visits;
    if (pds != pd)
        free(pds);
    ps->households++;
    ps->ctx->household = h;
    ps->ctx->view = &v;
    int returned = ps->ctx->plugin->household(ps->ctx, ps->plugin_state, ps->pass, &v);
    ps->ctx->household = NULL;
    ps->ctx->view = NULL;
    return returned || ps->ctx->write_failed ? stop_walk(ps, "household", returned) : 0;
}

/* --- the run ----------------------------------------------------------------- */

int hh_export_fail(hh_export_result *result, const char *fmt, ...)
{
    hh_buf b;
    hh_buf_init(&b);
    va_list ap;
    va_start(ap, fmt);
    hh_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    result->error = hh_buf_detach(&b);
    return -1;
}

/* A deletion handed to the plugin's tombstone(), or counted when it has none. */
static int hand_over_tombstone(const hh_tombstone_row *t, void *arg)
{
    pass_state *ps = arg;
    ps->tombstones++;
    hhreg_tombstone_fn fn = hh_plugin_tombstone(ps->ctx->plugin);
    if (!fn)
        return 0;
    hhreg_tombstone v = { sizeof v, t->id, t->revision, t->deleted_at, t->reason, t->change };
    int returned = fn(ps->ctx, ps->plugin_state, &v);
    return returned || ps->ctx->write_failed ? stop_walk(ps, "tombstone", returned) : 0;
}

/* The first pass's deletions, after its households; a plugin without tombstone()
 * is told what its output lacks when the run has a watermark. */
static int hand_over_tombstones(hh_store *s, const hh_export_request *rq, pass_state *ps, hh_buf *err)
{
    if (hh_store_each_tombstone(s, rq->area, ps->ctx->since, hand_over_tombstone, ps, err) != 0)
        return -1;
    if (!hh_plugin_tombstone(ps->ctx->plugin) && ps->ctx->since >= 0 && ps->tombstones > 0)
        api_warning(ps->ctx,
                    hh_tr("%ld household(s) deleted after change %lld are not in this output: the plugin takes no "
                          "deletions (ABI 1.6 tombstone)",
                          "变更 %2$lld 之后删除的 %1$ld 户不在本次输出中：该插件不接收删除（ABI 1.6 tombstone）"),
                    ps->tombstones, ps->ctx->since);
    return 0;
}

/* A revision's lineage handed to the plugin's revision(). */
static int hand_over_revision(const hh_revision_row *r, void *arg)
{
    pass_state *ps = arg;
    hhreg_revision v = { sizeof v,  r->id,          r->revision,  r->district_code,   r->made_in, r->origin,
                         r->parent, r->merged_from, r->stored_at, r->content_sha256, r->change };
    int returned = hh_plugin_revision(ps->ctx->plugin)(ps->ctx, ps->plugin_state, &v);
    ps->revisions++;
    return returned || ps->ctx->write_failed ? stop_walk(ps, "revision", returned) : 0;
}

/* The first pass's revisions, after its deletions, for a plugin that takes them. */
static int hand_over_revisions(hh_store *s, const hh_export_request *rq, pass_state *ps, hh_buf *err)
{
    ps->revisions = -1;
    if (!hh_plugin_revision(ps->ctx->plugin))
        return 0;
    ps->revisions = 0;
    return hh_store_each_revision(s, rq->area, ps->ctx->since, hand_over_revision, ps, err);
}

/* Whether the snapshot the plugin was given is sound, inside the export's read
 * transaction; 0, or -1 with result->error. It runs before the plugin's end(), which
 * then hears ok = 0: a plugin that commits elsewhere (a central database) must not
 * commit what a damaged store handed it. The changes after a watermark of the whole
 * store are counted against the change feed (hh_store_check_feed: what such an
 * export reads, a few per cent of the store); any other export checks every page
 * (hh_store_quick_check: 3.0 s of a 1.2 GB store, against an incremental run's
 * 0.2 s). */
static int check_snapshot(hh_store *s, const hh_export_request *rq, const pass_state *ps,
                          hh_export_result *result)
{
    hh_buf err;
    hh_buf_init(&err);
    hh_feed_handed handed = { ps->ctx->since, ps->households, ps->tombstones, ps->revisions };
    int rc = ps->ctx->since >= 0 && !(rq->area && *rq->area) ? hh_store_check_feed(s, &handed, &err)
                                                              : hh_store_quick_check(s, &err);
    if (rc)
        hh_export_fail(result, hh_tr("%s; the export was not written: see hhreg check",
                                     "%s；本次导出未写出：请用 hhreg check 检查"),
                       err.data);
    hh_buf_free(&err);
    return rc;
}

static int run_plugin(hh_store *s, hhreg_ctx *ctx, const hh_export_request *rq, hh_export_result *result)
{
    const hhreg_plugin *p = ctx->plugin;
    void *state = NULL;
    pass_state ps;
    memset(&ps, 0, sizeof ps);
    ctx->in_begin = true;
    int returned = p->begin(ctx, &host_api, &state);
    int ok = returned == 0 && !ctx->write_failed && !ctx->error;
    if (returned)
        ps.failed_in = "begin", ps.returned = returned;
    ctx->in_begin = false;
    ps.ctx = ctx;
    ps.plugin_state = state;
    hh_buf err;
    hh_buf_init(&err);
    for (unsigned pass = 0; ok && pass < p->passes; pass++) {
        ps.pass = pass;
        ps.households = 0;
        if (hh_store_each_household(s, rq->area, ctx->since, !(hh_plugin_flags(p) & HHREG_PLUGIN_NO_XML), hand_over,
                                    &ps, &err) != 0 ||
            (pass == 0 && !ps.failed && hand_over_tombstones(s, rq, &ps, &err) != 0) ||
            (pass == 0 && !ps.failed && hand_over_revisions(s, rq, &ps, &err) != 0)) {
            ok = 0;
            hh_export_fail(result, "%s", err.data);
        } else if (ps.failed) {
            ok = 0;
        } else if (p->pass_end && (returned = p->pass_end(ctx, state, pass)) != 0) {
            ok = 0;
            ps.failed_in = "pass_end", ps.returned = returned;
        }
    }
    result->households = ps.households;
    result->tombstones = ps.tombstones;
    result->since = ctx->since;
    result->last_change = ctx->last_change;
    if (ok && check_snapshot(s, rq, &ps, result) != 0)
        ok = 0;
    if ((returned = p->end(ctx, state, ok)) != 0) {
        if (ok)
            ps.failed_in = "end", ps.returned = returned;
        ok = 0;
    }
    if (finish_files(ctx) != 0)
        ok = 0;
    if (ok && (ctx->write_failed || ctx->error)) /* an error said, even if every callback returned 0 */
        ok = 0;
    if (!ok && !result->error) {
        if (ctx->write_failed)
            hh_export_fail(result, hh_tr("%s: writing failed: %s", "%s：写入失败：%s"),
                           rq->output ? rq->output : hh_tr("standard output", "标准输出"), hh_system_reason(ctx->write_failed));
        else if (ctx->error)
            hh_export_fail(result, "%s", ctx->error);
        else if (ps.failed_in)
            hh_export_fail(result,
                           hh_tr("plugin %s: %s() returned %d without saying why (a plugin says it with api->error)",
                                 "插件 %s：%s() 返回 %d，但没有说明原因（插件应以 api->error 说明）"),
                           rq->plugin, ps.failed_in, ps.returned);
        else
            hh_export_fail(result, hh_tr("plugin %s failed without saying why", "插件 %s 失败，但没有说明原因"),
                           rq->plugin);
    }
    free(ps.persons);
    free(ps.visits);
    hh_buf_free(&err);
    return ok ? 0 : -1;
}

/* Sets up where the plugin writes: `out`, or a new staging directory for a plugin
 * that writes a directory of files; 0, or -1 with result->error. */
static int prepare_output(hhreg_ctx *ctx, const hh_export_request *rq, FILE *out, const char *staging,
                          hh_export_result *result)
{
    ctx->dir_fd = -1;
    if (!(hh_plugin_flags(ctx->plugin) & HHREG_PLUGIN_DIRECTORY)) {
        if (!out)
            return hh_export_fail(result, hh_tr("%s: is a directory, and plugin %s writes one file: name a file",
                                                "%s：是一个目录，而插件 %s 只写出一个文件：请指定文件名"),
                                  rq->output, rq->plugin);
        ctx->out = out;
        setvbuf(out, NULL, _IOFBF, 1 << 20);
        return 0;
    }
    if (!staging)
        return hh_export_fail(result, hh_tr("plugin %s writes a directory of files: name it with -o DIRECTORY",
                                            "插件 %s 写出的是一个包含多个文件的目录：请用 -o DIRECTORY 指定"),
                              rq->plugin);
    hh_buf err;
    hh_buf_init(&err);
    ctx->dir_fd = hh_export_dir_create(rq->output, staging, &err);
    if (ctx->dir_fd < 0)
        hh_export_fail(result, "%s", err.data);
    hh_buf_free(&err);
    return ctx->dir_fd < 0 ? -1 : 0;
}

/* A plugin that says it connects to a server runs only when the user allowed it. */
static int network_allowed(const hh_plugin *plugin, const hh_export_request *rq, hh_buf *err)
{
    if (!(hh_plugin_flags(plugin->desc) & HHREG_PLUGIN_NETWORK) || rq->allow_network)
        return 0;
    hh_buf_printf(err,
                  hh_tr("plugin %s connects to a database server, which an export does only when allowed:"
                        " run it with --allow-network",
                        "插件 %s 要连接数据库服务器，导出只有在允许时才能这样做：请加 --allow-network 运行"),
                  rq->plugin);
    return -1;
}

int hh_export_in_process(const char *store_path, const hh_plugin_dirs *dirs, const hh_export_request *rq,
                         FILE *out, const char *staging, FILE *warnings, hh_export_result *result)
{
    memset(result, 0, sizeof *result);
    hh_plugin plugin;
    memset(&plugin, 0, sizeof plugin);
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    /* the store read-only, in one read transaction (every pass sees the same
     * snapshot), and confined before the plugin's code is loaded */
    if (hh_store_open_read_only(store_path, &s, &err) != 0 || hh_store_begin_read(s, &err) != 0 ||
        hh_export_contain(rq->memory_mb, rq->timeout_seconds, rq->allow_network, &err) != 0 ||
        hh_plugin_load(dirs, rq->plugin, &plugin, &err) != 0 || network_allowed(&plugin, rq, &err) != 0 ||
        hh_export_check_options(plugin.desc, rq->options, rq->n_options, &err) != 0) {
        hh_export_fail(result, "%s", err.data);
        hh_buf_free(&err);
        if (plugin.handle)
            hh_plugin_unload(&plugin);
        hh_store_close(s);
        return -1;
    }
    result->plugin_version = hh_xstrdup(plugin.desc->version ? plugin.desc->version : "");
    hhreg_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.plugin = plugin.desc;
    ctx.options = rq->options;
    ctx.n_options = rq->n_options;
    ctx.warnings = warnings;
    ctx.schema_dir = rq->schema_dir ? rq->schema_dir : hh_default_schema_dir();
    ctx.convert = (iconv_t)-1;
    hh_buf_init(&ctx.scratch);
    hh_buf_init(&ctx.item_value);
    ctx.store_id = hh_store_identity(s);
    ctx.store = s;
    ctx.last_change = hh_store_last_change(s);
    ctx.since = rq->since < 0 ? -1 : rq->since;
    int rc = prepare_output(&ctx, rq, out, staging, result);
    if (rc == 0 && (!ctx.store_id || ctx.last_change < 0))
        rc = hh_export_fail(result, hh_tr("%s: cannot read the store's id and change feed: run 'hhreg check'",
                                          "%s：无法读取存储的编号和变更序列：请运行“hhreg check”"),
                            store_path);
    if (rc == 0 && !watermark_ok(ctx.since, ctx.last_change, &err))
        rc = hh_export_fail(result, "%s", err.data);
    if (rc == 0)
        rc = run_plugin(s, &ctx, rq, result);
    hh_store_rollback(s); /* the end of the read transaction: nothing was written */
    if (rc == 0 && ctx.dir_fd < 0 && fflush(out) != 0)
        rc = hh_export_fail(result, hh_tr("%s: writing failed: %s", "%s：写入失败：%s"),
                            rq->output && strcmp(rq->output, "-") != 0 ? rq->output
                                                                       : hh_tr("standard output", "标准输出"),
                            hh_system_reason(errno));
    if (ctx.dir_fd >= 0) {
        if (rc == 0 && fsync(ctx.dir_fd) != 0)
            rc = hh_export_fail(result, hh_tr("%s: writing failed: %s", "%s：写入失败：%s"), rq->output, hh_system_reason(errno));
        close(ctx.dir_fd); /* on failure hh_export removes it: this process may not */
    }
    hh_code_labels_free(ctx.labels);
    if (ctx.convert != (iconv_t)-1)
        iconv_close(ctx.convert);
    hh_buf_free(&ctx.scratch);
    hh_buf_free(&ctx.item_value);
    for (size_t i = 0; ctx.items && i < hh_item_count; i++)
        free((void *)ctx.items[i].codes); /* hh_code_list's arrays */
    free(ctx.items);
    free(ctx.error);
    free(ctx.store_id);
    hh_buf_free(&err);
    hh_store_close(s);
    hh_plugin_unload(&plugin);
    return rc;
}
