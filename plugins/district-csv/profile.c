/* profile.c — reading a district profile: the file is validated against
 * schemas/district-profile-1.xsd (both read from memory, so neither can pull in
 * other files), then walked into a struct profile; the row filter is read and
 * checked by filter.c. */
#include "profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#define PROFILE_NS "urn:hhreg:district-profile:1"

static char *slurp(const char *path, int *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (8L << 20) && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) && fread(data, 1, (size_t)n, f) == (size_t)n) {
        data[n] = '\0';
        *len = (int)n;
    } else {
        free(data);
        data = NULL;
    }
    if (f)
        fclose(f);
    return data;
}

typedef struct first_error {
    char *text;
    size_t n;
    const char *file;
} first_error;

/* Removes `len` bytes at `at` of the string and puts `with` there. */
static void splice(char *at, size_t len, const char *with)
{
    size_t w = strlen(with);
    memmove(at + w, at + len, strlen(at + len) + 1);
    memcpy(at, with, w);
}

/* libxml2's schema message in the profile's words: <ge> instead of
 * Element '{urn:hhreg:district-profile:1}ge', and neither the whole set of
 * allowed names nor the whole content model spelt out. */
static void tidy(char *m)
{
    for (char *at; (at = strstr(m, "{" PROFILE_NS "}"));)
        splice(at, strlen(PROFILE_NS) + 2, "");
    char *at = strstr(m, "Element '"), *end = at ? strchr(at + 9, '\'') : NULL;
    if (end) {
        *end = '>';
        splice(at, 9, "<");
    }
    static const char facet[] = "[facet 'enumeration'] The value ";
    if ((at = strstr(m, facet)) && (end = strstr(at, " is not an element of the set"))) {
        splice(end, strlen(end), " is not one of the names allowed here (docs/district-profiles.md lists them)");
        splice(at, sizeof facet - 1, "");
    }
    if ((at = strstr(m, "[facet 'minLength']")))
        strcpy(at, "it must not be empty");
    if ((at = strstr(m, "Excessive depth in document")))
        strcpy(at, "the profile is nested too deeply (256 levels at most)");
    if ((at = strstr(m, "Missing child element(s)."))) {
        int condition = strncmp(m, "<and>", 5) == 0 || strncmp(m, "<or>", 4) == 0 || strncmp(m, "<not>", 5) == 0 ||
                        strncmp(m, "<filter>", 8) == 0;
        strcpy(at, condition ? "a condition is missing inside it (<and> and <or> take two or more, <not> and"
                               " <filter> one)"
                             : "an element is missing inside it");
    }
}

static void on_error(void *arg, xmlErrorPtr e)
{
    first_error *fe = arg;
    if (fe->text[0] || !e || e->level < XML_ERR_ERROR)
        return;
    char message[1024]; /* room for tidy's longer words */
    snprintf(message, sizeof message - 200, "%s", e->message ? e->message : "invalid");
    tidy(message);
    snprintf(fe->text, fe->n, "district profile %s:%d: %s", fe->file, e->line, message);
    size_t len = strlen(fe->text);
    while (len && fe->text[len - 1] == '\n')
        fe->text[--len] = '\0';
}

/* Parses `text` (named `name`) and validates it against the profile schema `xsd`. */
static xmlDocPtr parse_valid(const char *text, int len, const char *name, const char *xsd, int xsd_len,
                             char *err, size_t n)
{
    first_error fe = { err, n, name };
    err[0] = '\0';
    int blank = 0;
    while (blank < len && (text[blank] == ' ' || text[blank] == '\t' || text[blank] == '\r' || text[blank] == '\n'))
        blank++;
    if (blank == len) { /* said as such: "not well-formed" sent the user looking for a mistake in nothing */
        snprintf(err, n, "district profile %s: the file is empty", name);
        return NULL;
    }
    xmlSetStructuredErrorFunc(&fe, on_error);
    xmlDocPtr doc = xmlReadMemory(text, len, name, NULL, XML_PARSE_NONET);
    if (doc && doc->intSubset) {
        snprintf(err, n, "district profile %s: a DOCTYPE is not accepted", name);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlSchemaParserCtxtPtr pc = doc ? xmlSchemaNewMemParserCtxt(xsd, xsd_len) : NULL;
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaValidCtxtPtr vc = schema ? xmlSchemaNewValidCtxt(schema) : NULL;
    if (vc) {
        xmlSchemaSetValidStructuredErrors(vc, on_error, &fe);
        if (xmlSchemaValidateDoc(vc, doc) != 0) {
            xmlFreeDoc(doc);
            doc = NULL;
        }
    } else if (doc) {
        snprintf(err, n, "district profile %s: the profile schema does not compile", name);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc && !err[0])
        snprintf(err, n, "district profile %s: not well-formed", name);
    return doc;
}

static int named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

static char *attr(const xmlNode *n, const char *name, const char *fallback)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST name);
    char *copy = strdup(v ? (const char *)v : fallback ? fallback : "");
    xmlFree(v);
    return copy;
}

static int attr_is(const xmlNode *n, const char *name, const char *value, const char *fallback)
{
    char *v = attr(n, name, fallback);
    int same = strcmp(v, value) == 0;
    free(v);
    return same;
}

static void read_output(profile *p, const xmlNode *o)
{
    p->encoding = attr_is(o, "encoding", "GB18030", "UTF-8") ? ENC_GB18030
                  : attr_is(o, "encoding", "UTF-8-BOM", "UTF-8") ? ENC_UTF8_BOM
                                                                  : ENC_UTF8;
    p->fixed_width = attr_is(o, "layout", "fixed-width", "csv");
    char *d = attr(o, "delimiter", ",");
    p->delimiter = d[0] ? d[0] : ',';
    free(d);
    p->header = !attr_is(o, "header", "false", "true") && !attr_is(o, "header", "0", "true");
    p->line_end = attr_is(o, "lineEnd", "LF", "CRLF") ? "\n" : "\r\n";
    p->date_format = attr(o, "dateFormat", "YYYY-MM-DD");
    p->neutralise = !attr_is(o, "neutraliseFormulas", "false", "true") && !attr_is(o, "neutraliseFormulas", "0", "true");
}

static void read_codes(code_table *t, const xmlNode *el)
{
    t->name = attr(el, "name", NULL);
    char *by = attr(el, "by", "");
    for (char *tok = strtok(by, " \t\n"); tok && t->n_by < 4; tok = strtok(NULL, " \t\n"))
        t->by[t->n_by++] = (item)item_by_name(tok);
    free(by);
    for (const xmlNode *c = el->children; c; c = c->next) {
        if (named(c, "code")) {
            t->from = realloc(t->from, (t->n + 1) * sizeof *t->from);
            t->to = realloc(t->to, (t->n + 1) * sizeof *t->to);
            t->from[t->n] = attr(c, "from", NULL);
            t->to[t->n] = attr(c, "to", NULL);
            t->n++;
        } else if (named(c, "default")) {
            t->fallback = attr(c, "to", NULL);
        }
    }
}

static const code_table *find_table(const profile *p, const char *name)
{
    for (size_t i = 0; i < p->n_tables; i++)
        if (strcmp(p->tables[i].name, name) == 0)
            return &p->tables[i];
    return NULL;
}

/* The items with a value on the rows of `records`. */
static levels rows_of(records_kind records)
{
    levels household = 1u << LEVEL_HOUSEHOLD;
    switch (records) {
    case RECORDS_PERSONS: return household | 1u << LEVEL_PERSON;
    case RECORDS_VISITS: return household | 1u << LEVEL_VISIT;
    case RECORDS_SPECIAL_GROUPS: return household | 1u << LEVEL_PERSON | 1u << LEVEL_ROW;
    default: return household;
    }
}

profile *profile_parse(const char *text, int len, const char *name, const char *xsd, int xsd_len, char *err, size_t n)
{
    xmlDocPtr doc = parse_valid(text, len, name, xsd, xsd_len, err, n);
    if (!doc)
        return NULL;
    xmlNodePtr root = xmlDocGetRootElement(doc);
    profile *p = calloc(1, sizeof *p);
    size_t columns = 0, tables = 0;
    for (const xmlNode *c = root->children; c; c = c->next) {
        columns += named(c, "column");
        tables += named(c, "codes");
    }
    p->columns = calloc(columns ? columns : 1, sizeof *p->columns);
    p->tables = calloc(tables ? tables : 1, sizeof *p->tables);
    for (const xmlNode *c = root->children; c; c = c->next)
        if (named(c, "codes"))
            read_codes(&p->tables[p->n_tables++], c);
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (named(c, "records")) {
            xmlChar *r = xmlNodeGetContent(c);
            const char *v = (const char *)r;
            p->records = strcmp(v, "persons") == 0 ? RECORDS_PERSONS
                         : strcmp(v, "visits") == 0 ? RECORDS_VISITS
                         : strcmp(v, "special-groups") == 0 ? RECORDS_SPECIAL_GROUPS
                                                            : RECORDS_HOUSEHOLDS;
            xmlFree(r);
        } else if (named(c, "output")) {
            read_output(p, c);
        } else if (named(c, "filter") && !err[0]) {
            p->filter = filter_read(c, name, rows_of(p->records), err, n);
        } else if (named(c, "column")) {
            column *col = &p->columns[p->n_columns++];
            col->header = attr(c, "header", NULL);
            char *value = attr(c, "value", NULL);
            col->value = (item)item_by_name(value);
            free(value);
            char *codes = attr(c, "codes", "");
            col->codes = *codes ? find_table(p, codes) : NULL;
            free(codes);
            char *width = attr(c, "width", "0");
            col->width = atoi(width);
            free(width);
            col->align_right = attr_is(c, "align", "right", "left");
            col->as_text = attr_is(c, "as", "text", "value");
            if (p->fixed_width && col->width <= 0 && !err[0])
                snprintf(err, n, "district profile %s:%ld: column '%s' needs a width in the fixed-width layout",
                         name, xmlGetLineNo(c), col->header);
            if (p->fixed_width && col->as_text && !err[0])
                snprintf(err, n, "district profile %s:%ld: column '%s': as=\"text\" is for the csv layout (a"
                         " fixed-width file has no cell types)", name, xmlGetLineNo(c), col->header);
        }
    }
    xmlFreeDoc(doc);
    if (err[0]) {
        profile_free(p);
        return NULL;
    }
    return p;
}

profile *profile_load(const char *path, const char *xsd_path, char *err, size_t n)
{
    int len, xsd_len;
    char *text = slurp(path, &len), *xsd = slurp(xsd_path, &xsd_len);
    profile *p = NULL;
    if (!text || !xsd)
        snprintf(err, n, "%s: cannot be read", !text ? path : xsd_path);
    else
        p = profile_parse(text, len, path, xsd, xsd_len, err, n);
    free(text);
    free(xsd);
    return p;
}

const char *profile_translate(const code_table *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->from[i], key) == 0)
            return t->to[i];
    return t->fallback ? t->fallback : key;
}

void profile_free(profile *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_columns; i++)
        free(p->columns[i].header);
    for (size_t i = 0; i < p->n_tables; i++) {
        code_table *t = &p->tables[i];
        for (size_t k = 0; k < t->n; k++) {
            free(t->from[k]);
            free(t->to[k]);
        }
        free(t->from);
        free(t->to);
        free(t->fallback);
        free(t->name);
    }
    filter_free(p->filter);
    free(p->columns);
    free(p->tables);
    free(p->date_format);
    free(p);
}
