/* xml.c — the `xml` export plugin: the current revision of every household as one
 * XML document, a <households> batch in the form's namespace (so `hhreg import`
 * reads it back). With --opt stylesheet=FILE.xsl the document is transformed by
 * libxslt, with its security preferences forbidding file writes, directory
 * creation and network access; with --opt schema=FILE.xsd the result is validated
 * and the export fails, leaving no file, unless it is valid.
 *
 * Without either option the output is streamed, one household at a time, each form
 * copied as stored (only its XML declaration dropped) unless comments or processing
 * instructions surround it; with them the document is built in memory first, since
 * XSLT needs all of it.
 * Stylesheet and schema are read from memory, so they cannot import or include
 * other files: hhreg's entity loader refuses any file outside its schemas. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "hhreg/plugin.h"

#define FORM_NS "urn:hhreg:household:1"

typedef struct state {
    const hhreg_host_api *api;
    const char *stylesheet, *schema;
    xmlDocPtr doc;          /* in memory mode */
    xmlNodePtr root;
    char first_error[512];
} state;

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    state *s = calloc(1, sizeof *s);
    if (!s) {
        api->error(ctx, "out of memory");
        return -1;
    }
    s->api = api;
    s->stylesheet = api->option(ctx, "stylesheet");
    s->schema = api->option(ctx, "schema");
    *out = s;
    if (s->stylesheet || s->schema) {
        s->doc = xmlNewDoc(BAD_CAST "1.0");
        s->root = xmlNewDocNode(s->doc, NULL, BAD_CAST "households", NULL);
        xmlSetNs(s->root, xmlNewNs(s->root, BAD_CAST FORM_NS, NULL));
        xmlDocSetRootElement(s->doc, s->root);
        return 0;
    }
    return api->write_text(ctx, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<households xmlns=\"" FORM_NS "\">\n");
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds the form's root element in its stored bytes when nothing but a byte order
 * mark, an XML declaration and white space surrounds it: then the element can be
 * copied as it is (the store holds UTF-8 only, without DOCTYPE). False when a
 * comment or processing instruction is around it, and the form is re-serialised. */
static int bare_element(const char *xml, size_t len, size_t *start, size_t *end)
{
    size_t i = 0;
    if (len >= 3 && memcmp(xml, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    if (len - i >= 6 && memcmp(xml + i, "<?xml", 5) == 0 && is_space(xml[i + 5])) {
        size_t k = i + 6;
        while (k + 1 < len && !(xml[k] == '?' && xml[k + 1] == '>'))
            k++;
        if (k + 1 >= len)
            return 0;
        i = k + 2;
    }
    while (i < len && is_space(xml[i]))
        i++;
    size_t j = len;
    while (j > i && is_space(xml[j - 1]))
        j--;
    /* starts with a start tag; ends with '>' that closes neither a comment nor a PI */
    if (j - i < 4 || xml[i] != '<' || xml[i + 1] == '!' || xml[i + 1] == '?' || xml[j - 1] != '>' ||
        xml[j - 2] == '-' || xml[j - 2] == '?')
        return 0;
    *start = i;
    *end = j;
    return 1;
}

/* The stored form parsed, or NULL with an error. */
static xmlDocPtr read_form(hhreg_ctx *ctx, state *s, const hhreg_household *h)
{
    xmlDocPtr form = xmlReadMemory(h->xml, (int)h->xml_len, h->id, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (form && xmlDocGetRootElement(form))
        return form;
    s->api->error(ctx, "the stored form of household %s cannot be read; run 'hhreg check'", h->id);
    xmlFreeDoc(form);
    return NULL;
}

/* One member of the streamed batch, on a line of its own. */
static int write_member(hhreg_ctx *ctx, state *s, const void *element, size_t len)
{
    return s->api->write_text(ctx, "  ") || s->api->write_bytes(ctx, element, len) || s->api->write_text(ctx, "\n");
}

/* Streaming: the form's element as stored when it stands alone, else re-serialised. */
static int write_form(hhreg_ctx *ctx, state *s, const hhreg_household *h)
{
    size_t start, end;
    if (bare_element(h->xml, h->xml_len, &start, &end))
        return write_member(ctx, s, h->xml + start, end - start);
    xmlDocPtr form = read_form(ctx, s, h);
    if (!form)
        return -1;
    xmlNodePtr root = xmlDocGetRootElement(form);
    xmlBufferPtr buf = xmlBufferCreate();
    xmlNodeDump(buf, form, root, 1, 1);
    int rc = write_member(ctx, s, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    xmlBufferFree(buf);
    xmlFreeDoc(form);
    return rc;
}

static int household(hhreg_ctx *ctx, void *st, unsigned pass, const hhreg_household *h)
{
    (void)pass;
    state *s = st;
    if (!s->doc)
        return write_form(ctx, s, h);
    xmlDocPtr form = read_form(ctx, s, h);
    if (!form)
        return -1;
    int rc = 0;
    xmlNodePtr copy = xmlDocCopyNode(xmlDocGetRootElement(form), s->doc, 1);
    if (!copy || !xmlAddChild(s->root, copy)) {
        s->api->error(ctx, "out of memory");
        rc = -1;
    }
    xmlFreeDoc(form);
    return rc;
}

/* Reads a whole (small) file; NULL with an error. */
static char *slurp(hhreg_ctx *ctx, const hhreg_host_api *api, const char *path, int *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (64L << 20) && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)n + 1)) && fread(data, 1, (size_t)n, f) == (size_t)n) {
        data[n] = '\0';
        *len = (int)n;
    } else {
        api->error(ctx, "%s: cannot be read", path);
        free(data);
        data = NULL;
    }
    if (f)
        fclose(f);
    return data;
}

static void remember_error(void *arg, xmlErrorPtr e)
{
    state *s = arg;
    if (!s->first_error[0] && e && e->message)
        snprintf(s->first_error, sizeof s->first_error, "line %d: %s", e->line, e->message);
    size_t n = strlen(s->first_error);
    while (n && s->first_error[n - 1] == '\n')
        s->first_error[--n] = '\0';
}

/* libxslt's messages, kept for the error instead of going to stderr. */
static void xslt_message(void *arg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xslt_message(void *arg, const char *fmt, ...)
{
    state *s = arg;
    if (s->first_error[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->first_error, sizeof s->first_error, fmt, ap);
    va_end(ap);
    size_t n = strlen(s->first_error);
    while (n && s->first_error[n - 1] == '\n')
        s->first_error[--n] = '\0';
}

static xmlDocPtr transform(hhreg_ctx *ctx, state *s, xsltStylesheetPtr *style_out)
{
    int len;
    char *text = slurp(ctx, s->api, s->stylesheet, &len);
    if (!text)
        return NULL;
    xmlDocPtr xsl_doc = xmlReadMemory(text, len, s->stylesheet, NULL, XML_PARSE_NONET);
    free(text);
    xsltStylesheetPtr style = xsl_doc ? xsltParseStylesheetDoc(xsl_doc) : NULL;
    if (!style) {
        s->api->error(ctx, "%s: not a usable XSLT stylesheet", s->stylesheet);
        xmlFreeDoc(xsl_doc);
        return NULL;
    }
    xsltSecurityPrefsPtr prefs = xsltNewSecurityPrefs();
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
    xsltSetSecurityPrefs(prefs, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
    xsltTransformContextPtr tctx = xsltNewTransformContext(style, s->doc);
    xsltSetCtxtSecurityPrefs(prefs, tctx);
    xsltSetGenericErrorFunc(s, xslt_message);
    xsltSetTransformErrorFunc(tctx, s, xslt_message);
    xmlDocPtr result = xsltApplyStylesheetUser(style, s->doc, NULL, NULL, NULL, tctx);
    int failed = tctx->state != XSLT_STATE_OK;
    xsltSetGenericErrorFunc(NULL, NULL);
    xsltFreeTransformContext(tctx);
    xsltFreeSecurityPrefs(prefs);
    if (!result || failed) {
        s->api->error(ctx, "%s: the transformation failed: %s (a stylesheet may not write files or use the network)",
                      s->stylesheet, s->first_error[0] ? s->first_error : "no result");
        xmlFreeDoc(result);
        xsltFreeStylesheet(style);
        return NULL;
    }
    *style_out = style;
    return result;
}

static int validate(hhreg_ctx *ctx, state *s, xmlDocPtr doc)
{
    int len;
    char *text = slurp(ctx, s->api, s->schema, &len);
    if (!text)
        return -1;
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt(text, len);
    xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    free(text);
    if (!schema) {
        s->api->error(ctx, "%s: not a usable XML schema", s->schema);
        return -1;
    }
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(vc, remember_error, s);
    int rc = xmlSchemaValidateDoc(vc, doc);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    if (rc != 0) {
        s->api->error(ctx, "the output is not valid under %s (%s); nothing was written", s->schema,
                      s->first_error[0] ? s->first_error : "invalid");
        return -1;
    }
    return 0;
}

static int finish_in_memory(hhreg_ctx *ctx, state *s)
{
    xsltStylesheetPtr style = NULL;
    xmlDocPtr result = s->stylesheet ? transform(ctx, s, &style) : s->doc;
    if (!result)
        return -1;
    int rc = s->schema ? validate(ctx, s, result) : 0;
    if (rc == 0) {
        xmlChar *text = NULL;
        int len = 0;
        if (style)
            xsltSaveResultToString(&text, &len, result, style);
        else
            xmlDocDumpFormatMemoryEnc(result, &text, &len, "UTF-8", 1);
        rc = text ? s->api->write_bytes(ctx, text, (size_t)len) : -1;
        xmlFree(text);
    }
    if (style) {
        xmlFreeDoc(result);
        xsltFreeStylesheet(style);
    }
    return rc;
}

static int end(hhreg_ctx *ctx, void *st, int ok)
{
    state *s = st;
    int rc = 0;
    if (ok)
        rc = s->doc ? finish_in_memory(ctx, s) : s->api->write_text(ctx, "</households>\n");
    /* libxslt registers globals on first use; this plugin (and with it libxslt) is
     * unloaded after the export, so they are released here */
    if (s->stylesheet)
        xsltCleanupGlobals();
    xmlFreeDoc(s->doc);
    free(s);
    return rc;
}

static const hhreg_option_spec options[] = {
    { "stylesheet", HHREG_OPTION_FILE, NULL, "an XSLT 1.0 stylesheet to transform the forms with", NULL },
    { "schema", HHREG_OPTION_FILE, NULL, "an XML schema the output must be valid under, or nothing is written", NULL },
    { NULL, 0, NULL, NULL, NULL },
};

const hhreg_plugin hhreg_plugin_xml = {
    HHREG_PLUGIN_HEADER(0),
    .name = "xml",
    .version = "1.0",
    .summary = "the canonical forms as one XML document, optionally transformed by XSLT and validated",
    .options = options,
    .extension = "xml",
    .passes = 1,
    .begin = begin,
    .household = household,
    .pass_end = NULL,
    .end = end,
};
