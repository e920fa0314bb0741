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
#include "derived.h"
#include "export_dir.h"
#include "export_sandbox.h"
#include "schemaset.h"

struct hhreg_ctx {
    const hhreg_plugin *plugin;
    const char *const *options;
    size_t n_options;
    FILE *out;                   /* NULL: a directory plugin before its first open_file */
    int dir_fd;                  /* the staging directory of a directory plugin, else -1 */
    char *file_name;             /* the file being written there */
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
        if (!parse_long(v, &l)) {
            hh_buf_printf(err, "plugin %s: option %s takes a whole number, not '%s'", p->name, o->name, v);
            return -1;
        }
        break;
    case HHREG_OPTION_BOOL:
        if (!parse_bool(v, &b)) {
            hh_buf_printf(err, "plugin %s: option %s takes yes or no, not '%s'", p->name, o->name, v);
            return -1;
        }
        break;
    case HHREG_OPTION_CHOICE:
        if (!in_choices(o->choices, v)) {
            hh_buf_printf(err, "plugin %s: option %s takes one of %s, not '%s'", p->name, o->name, o->choices, v);
            return -1;
        }
        break;
    case HHREG_OPTION_FILE:
        if (access(v, R_OK) != 0) {
            hh_buf_printf(err, "plugin %s: option %s: %s: %s", p->name, o->name, v, strerror(errno));
            return -1;
        }
        break;
    case HHREG_OPTION_STRING:
        break;
    }
    return 0;
}

int hh_export_check_options(const hhreg_plugin *p, const char *const *options, size_t n, hh_buf *err)
{
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(options[i], '=');
        const hhreg_option_spec *o = eq ? find_spec(p, options[i], (size_t)(eq - options[i])) : NULL;
        if (!eq) {
            hh_buf_printf(err, "--opt %s: options are KEY=VALUE", options[i]);
            return -1;
        }
        if (!o) {
            hh_buf_printf(err, "plugin %s has no option '%.*s'; it takes:", p->name, (int)(eq - options[i]),
                          options[i]);
            for (const hhreg_option_spec *s = p->options; s && s->name; s++)
                hh_buf_printf(err, " %s", s->name);
            if (!p->options || !p->options->name)
                hh_buf_puts(err, " none");
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

static void set_error(hhreg_ctx *ctx, const char *fmt, va_list ap)
{
    if (ctx->error)
        return;
    hh_buf b;
    hh_buf_init(&b);
    hh_buf_printf(&b, "plugin %s: ", ctx->plugin->name);
    hh_buf_vprintf(&b, fmt, ap);
    ctx->error = hh_buf_detach(&b);
}

static void api_error(hhreg_ctx *ctx, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_error(ctx, fmt, ap);
    va_end(ap);
}

static void api_warning(hhreg_ctx *ctx, const char *fmt, ...)
{
    if (!ctx->warnings)
        return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(ctx->warnings, "hhreg export: plugin %s: warning: ", ctx->plugin->name);
    vfprintf(ctx->warnings, fmt, ap);
    fputc('\n', ctx->warnings);
    va_end(ap);
}

static int raw_write(hhreg_ctx *ctx, const void *data, size_t len)
{
    if (!ctx->out) {
        api_error(ctx, "it wrote before naming a file with open_file");
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
            api_error(ctx, "a character cannot be written in the output encoding");
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
        api_error(ctx, "the output encoding %s is not available", encoding);
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

static int api_writef(hhreg_ctx *ctx, const char *fmt, ...)
{
    hh_buf *b = scratch(ctx);
    va_list ap;
    va_start(ap, fmt);
    hh_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return write_scratch(ctx);
}

static int api_csv_field(hhreg_ctx *ctx, const char *value, char delimiter, int neutralise)
{
    if (!value)
        return 0;
    int formula = neutralise && (*value == '=' || *value == '+' || *value == '-' || *value == '@' ||
                                 *value == '\t' || *value == '\r');
    int quote = formula || strchr(value, delimiter) || strpbrk(value, "\"\r\n");
    if (!quote)
        return api_write_bytes(ctx, value, strlen(value));
    hh_buf *b = scratch(ctx);
    hh_buf_putc(b, '"');
    if (formula)
        hh_buf_putc(b, '\'');
    for (const char *p = value; *p; p++) {
        if (*p == '"')
            hh_buf_putc(b, '"');
        hh_buf_putc(b, *p);
    }
    hh_buf_putc(b, '"');
    return write_scratch(ctx);
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

static const char *api_code_label(hhreg_ctx *ctx, const char *list, const char *code, const char *lang)
{
    if (!ctx->labels && !ctx->labels_failed) {
        char *xsd = hh_xasprintf("%s/%s", ctx->schema_dir, HH_FORM_XSD);
        hh_buf err;
        hh_buf_init(&err);
        ctx->labels = hh_code_labels_load(xsd, &err);
        ctx->labels_failed = ctx->labels == NULL;
        if (ctx->labels_failed && ctx->warnings)
            fprintf(ctx->warnings, "hhreg export: %s\n", err.data);
        hh_buf_free(&err);
        free(xsd);
    }
    return hh_code_label(ctx->labels, list, code, lang);
}

/* Finishes the file being written in the output directory; 0 or -1 (reported). */
static int finish_file(hhreg_ctx *ctx)
{
    if (!ctx->file_name)
        return 0;
    int rc = hh_export_dir_close_file(ctx->out);
    if (rc != 0 && !ctx->write_failed)
        ctx->write_failed = errno ? errno : EIO;
    ctx->out = NULL;
    free(ctx->file_name);
    ctx->file_name = NULL;
    return rc;
}

static int api_open_file(hhreg_ctx *ctx, const char *name)
{
    if (ctx->dir_fd < 0) {
        api_error(ctx, "open_file is for plugins that declare HHREG_PLUGIN_DIRECTORY");
        return -1;
    }
    if (ctx->write_failed || ctx->error || finish_file(ctx) != 0)
        return -1;
    hh_buf err;
    hh_buf_init(&err);
    ctx->out = hh_export_dir_open_file(ctx->dir_fd, name, &err);
    if (ctx->out)
        ctx->file_name = hh_xstrdup(name);
    else
        api_error(ctx, "%s", err.data);
    ctx->n_pending = 0;
    hh_buf_free(&err);
    return ctx->out ? 0 : -1;
}

static const char *api_schema_dir(hhreg_ctx *ctx)
{
    return ctx->schema_dir;
}

static const hhreg_host_api host_api = {
    sizeof(hhreg_host_api), HHREG_HOST_API_MINOR,
    api_option, api_option_int, api_option_bool,
    api_write_bytes, api_write_text, api_writef, api_csv_field, api_xml_text, api_json_string,
    api_error, api_warning,
    api_code_label, api_schema_dir, api_output_encoding,
    api_open_file,
};

/* --- the household view ------------------------------------------------------ */

typedef struct pass_state {
    hhreg_ctx *ctx;
    void *plugin_state;
    unsigned pass;
    long households;
    int failed;
    hhreg_person *persons;
    hhreg_visit *visits;
    size_t person_cap, visit_cap;
} pass_state;

static void view_person(const hh_person *p, const hh_person_derived *pd, hhreg_person *v)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    v->line = p->line;
    v->name = p->name;
    v->relationship = p->relationship;
    v->sex = p->sex;
    v->birth_date = p->birth_date;
    v->document_type = p->document_type;
    v->document_number = p->document_number;
    v->nationality = p->nationality;
    v->ethnicity = p->ethnicity;
    v->residence = p->residence;
    v->registered_in = p->registered_in;
    v->marital_status = p->marital_status;
    v->activity = p->activity;
    v->phone = p->phone;
    v->languages = p->languages;
    v->notes = p->notes;
    v->education = p->education;
    for (int d = 0; d < HH_WG_DOMAINS; d++)
        v->functioning[d] = p->functioning[d];
    v->certificate_type = p->certificate_type;
    v->certificate_grade = p->certificate_grade;
    v->age = pd->age;
    v->age_group = hh_age_group_label(pd->age_group);
    v->elderly60 = pd->elderly60;
    v->elderly65 = pd->elderly65;
    v->disabled = pd->disabled;
}

static void view_household(const hh_household *h, const hh_household_derived *hd, hhreg_household *v)
{
    memset(v, 0, sizeof *v);
    v->struct_size = sizeof *v;
    v->id = h->id;
    v->district_code = h->district_code;
    v->district = h->district;
    v->street_code = h->street_code;
    v->street = h->street;
    v->community_code = h->community_code;
    v->community = h->community;
    v->grid = h->grid;
    v->estate = h->estate;
    v->building = h->building;
    v->unit = h->unit;
    v->room = h->room;
    v->household_type = h->household_type;
    v->dwelling_type = h->dwelling_type;
    v->tenure = h->tenure;
    v->floor_area = h->floor_area;
    v->phone = h->phone;
    v->preferred_language = h->preferred_language;
    v->low_income = h->low_income;
    v->low_income_since = h->low_income_since;
    v->extreme_hardship = h->extreme_hardship;
    v->needs = h->needs;
    v->enumerator = h->enumerator;
    v->enumeration_date = h->enumeration_date;
    v->enumeration_status = h->enumeration_status;
    v->respondent = h->respondent;
    v->consent = h->consent;
    v->member_count = h->member_count;
    v->size = hd->size;
    v->elderly60 = hd->elderly60;
    v->elderly65 = hd->elderly65;
    v->persons_with_disability = hd->disabled;
    v->elderly_living_alone = hd->living_alone;
    v->empty_nest = hd->empty_nest;
}

static int hand_over(const hh_household *h, int revision, const char *xml, size_t xml_len, void *arg)
{
    pass_state *ps = arg;
    if (h->n_persons > ps->person_cap) {
        ps->person_cap = h->n_persons * 2;
        ps->persons = hh_xrealloc(ps->persons, ps->person_cap * sizeof *ps->persons);
    }
    if (h->n_visits > ps->visit_cap) {
        ps->visit_cap = h->n_visits * 2;
        ps->visits = hh_xrealloc(ps->visits, ps->visit_cap * sizeof *ps->visits);
    }
    hh_household_derived hd;
    hh_person_derived pd[64];
    hh_person_derived *pds = h->n_persons <= 64 ? pd : hh_xcalloc(h->n_persons, sizeof *pds);
    hh_derive(h, &hd, pds);
    hhreg_household v;
    view_household(h, &hd, &v);
    v.revision = revision;
    v.xml = xml;
    v.xml_len = xml_len;
    for (size_t i = 0; i < h->n_persons; i++)
        view_person(&h->persons[i], &pds[i], &ps->persons[i]);
    for (size_t i = 0; i < h->n_visits; i++) {
        hhreg_visit *vv = &ps->visits[i];
        vv->struct_size = sizeof *vv;
        vv->date = h->visits[i].date;
        vv->enumerator = h->visits[i].enumerator;
        vv->purpose = h->visits[i].purpose;
        vv->outcome = h->visits[i].outcome;
        vv->note = h->visits[i].note;
    }
    v.n_persons = h->n_persons;
    v.persons = ps->persons;
    v.n_visits = h->n_visits;
    v.visits = ps->visits;
    if (pds != pd)
        free(pds);
    ps->households++;
    if (ps->ctx->plugin->household(ps->ctx, ps->plugin_state, ps->pass, &v) != 0 || ps->ctx->write_failed) {
        ps->failed = 1;
        return 1;
    }
    return 0;
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

static int run_plugin(hh_store *s, hhreg_ctx *ctx, const hh_export_request *rq, hh_export_result *result)
{
    const hhreg_plugin *p = ctx->plugin;
    void *state = NULL;
    int ok = p->begin(ctx, &host_api, &state) == 0 && !ctx->write_failed;
    pass_state ps;
    memset(&ps, 0, sizeof ps);
    ps.ctx = ctx;
    ps.plugin_state = state;
    hh_buf err;
    hh_buf_init(&err);
    for (unsigned pass = 0; ok && pass < p->passes; pass++) {
        ps.pass = pass;
        ps.households = 0;
        if (hh_store_each_household(s, rq->area, !(hh_plugin_flags(p) & HHREG_PLUGIN_NO_XML), hand_over, &ps,
                                    &err) != 0) {
            ok = 0;
            hh_export_fail(result, "%s", err.data);
        } else if (ps.failed) {
            ok = 0;
        } else if (p->pass_end && p->pass_end(ctx, state, pass) != 0) {
            ok = 0;
        }
    }
    result->households = ps.households;
    if (p->end(ctx, state, ok) != 0)
        ok = 0;
    if (finish_file(ctx) != 0)
        ok = 0;
    if (ok && ctx->write_failed)
        ok = 0;
    if (!ok && !result->error) {
        if (ctx->write_failed)
            hh_export_fail(result, "%s: writing failed: %s", rq->output ? rq->output : "standard output",
                 strerror(ctx->write_failed));
        else
            hh_export_fail(result, "%s", ctx->error ? ctx->error : "the plugin failed without saying why");
    }
    free(ps.persons);
    free(ps.visits);
    hh_buf_free(&err);
    return ok ? 0 : -1;
}

/* Whether the snapshot the plugin was given is sound: a damaged page of an index
 * hides rows without any error while they are read. PRAGMA quick_check, inside the
 * export's read transaction; 0, or -1 with result->error. */
static int check_snapshot(hh_store *s, hh_export_result *result)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(hh_store_db(s), "PRAGMA quick_check(1)", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    const char *said = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    int sound = said && strcmp(said, "ok") == 0;
    const char *last_line = said && strrchr(said, '\n') ? strrchr(said, '\n') + 1 : said; /* after "*** in database" */
    if (!sound)
        hh_export_fail(result, "%s: the store is damaged (%s); the export was not written: see hhreg check", hh_store_path(s),
             last_line ? last_line : sqlite3_errstr(rc));
    sqlite3_finalize(st);
    return sound ? 0 : -1;
}

/* Sets up where the plugin writes: `out`, or a new staging directory for a plugin
 * that writes a directory of files; 0, or -1 with result->error. */
static int prepare_output(hhreg_ctx *ctx, const hh_export_request *rq, FILE *out, const char *staging,
                          hh_export_result *result)
{
    ctx->dir_fd = -1;
    if (!(hh_plugin_flags(ctx->plugin) & HHREG_PLUGIN_DIRECTORY)) {
        if (!out)
            return hh_export_fail(result, "%s: is a directory, and plugin %s writes one file: name a file", rq->output,
                        rq->plugin);
        ctx->out = out;
        setvbuf(out, NULL, _IOFBF, 1 << 20);
        return 0;
    }
    if (!staging)
        return hh_export_fail(result, "plugin %s writes a directory of files: name it with -o DIRECTORY", rq->plugin);
    hh_buf err;
    hh_buf_init(&err);
    ctx->dir_fd = hh_export_dir_create(rq->output, staging, &err);
    if (ctx->dir_fd < 0)
        hh_export_fail(result, "%s", err.data);
    hh_buf_free(&err);
    return ctx->dir_fd < 0 ? -1 : 0;
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
    if (hh_store_open_read_only(store_path, &s, &err) != 0 || hh_store_exec(s, "BEGIN", &err) != 0 ||
        hh_export_contain(rq->memory_mb, rq->timeout_seconds, &err) != 0 ||
        hh_plugin_load(dirs, rq->plugin, &plugin, &err) != 0 ||
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
    int rc = prepare_output(&ctx, rq, out, staging, result);
    if (rc == 0)
        rc = run_plugin(s, &ctx, rq, result);
    if (rc == 0)
        rc = check_snapshot(s, result);
    hh_store_exec(s, "COMMIT", &err);
    if (rc == 0 && ctx.dir_fd < 0 && fflush(out) != 0)
        rc = hh_export_fail(result, "%s: writing failed: %s", rq->output && strcmp(rq->output, "-") != 0 ? rq->output
                                                                                           : "standard output",
                  strerror(errno));
    if (ctx.dir_fd >= 0) {
        if (rc == 0 && fsync(ctx.dir_fd) != 0)
            rc = hh_export_fail(result, "%s: writing failed: %s", rq->output, strerror(errno));
        close(ctx.dir_fd); /* on failure hh_export removes it: this process may not */
    }
    hh_code_labels_free(ctx.labels);
    if (ctx.convert != (iconv_t)-1)
        iconv_close(ctx.convert);
    hh_buf_free(&ctx.scratch);
    free(ctx.error);
    hh_buf_free(&err);
    hh_store_close(s);
    hh_plugin_unload(&plugin);
    return rc;
}
