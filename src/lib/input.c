/* input.c — the streaming, hostile-input-aware form reader (see input.h).
 *
 * The byte scanner sits in libxml2's read callback. It is a small state machine over
 * tags: it tracks tag names (to measure each household's size), counts attributes
 * in start tags and spots "<!DOCTYPE". When it refuses, the callback returns an
 * error, libxml2 stops, and the scanner's reason is reported instead of the parser's. */
#include "input.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <libxml/xmlreader.h>

#include "schemaset.h"

enum scan_state { TEXT, TAG_OPEN, TAG_NAME, TAG_BODY, QUOTE, SPECIAL };

typedef struct scanner {
    int fd;                     /* -1: read from `mem` instead */
    const char *mem;
    size_t mem_len, mem_pos;
    long line;
    size_t total;
    size_t since_household;     /* bytes since the last household tag */
    enum scan_state state;
    char quote;
    int attributes;
    char name[80];
    size_t name_len;
    size_t doctype_match;
    int checked_prolog;
    int at_eof;                 /* the input has been read to its end */
    unsigned char prolog[256];  /* the first bytes, until the prolog can be judged */
    size_t prolog_len;
    /* set when the scanner refuses the input */
    const char *fail_rule;
    long fail_line;
    char fail_arg[48];
    int fail_int;
    /* capture of a one-form file's bytes */
    int capturing;
    hh_buf capture;
} scanner;

static void refuse(scanner *s, const char *rule, const char *arg, int n)
{
    if (s->fail_rule)
        return;
    s->fail_rule = rule;
    s->fail_line = s->line;
    snprintf(s->fail_arg, sizeof s->fail_arg, "%s", arg ? arg : "");
    s->fail_int = n;
}

static void end_tag_name(scanner *s)
{
    s->name[s->name_len < sizeof s->name ? s->name_len : sizeof s->name - 1] = '\0';
    const char *local = strrchr(s->name, ':');
    local = local ? local + 1 : s->name;
    if (strcmp(local, "household") == 0)
        s->since_household = 0;
}

/* Judges the start of the input: a UTF-16/32 byte order mark, something that is not
 * XML at all, or an XML declaration naming an encoding other than UTF-8. Waits for
 * more bytes while the declaration is incomplete. */
static void check_prolog(scanner *s, const unsigned char *data, size_t len, bool at_end)
{
    size_t take = len < sizeof s->prolog - s->prolog_len ? len : sizeof s->prolog - s->prolog_len;
    memcpy(s->prolog + s->prolog_len, data, take);
    s->prolog_len += take;
    const unsigned char *p = s->prolog;
    size_t n = s->prolog_len;
    size_t skip0 = (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0;
    size_t first = skip0;
    while (first < n && (p[first] == ' ' || p[first] == '\t' || p[first] == '\r' || p[first] == '\n'))
        first++;
    bool utf16_bom = n >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE));
    bool utf32_bom = n >= 4 && p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF;
    if (first < n && p[first] != '<' && !utf16_bom && !utf32_bom) {
        s->checked_prolog = 1;
        refuse(s, "XML-NOT-XML", NULL, 0);
        return;
    }
    if (!at_end && n < sizeof s->prolog && !memchr(p, '>', n))
        return;
    bool declaration = n >= skip0 + 5 && memcmp(p + skip0, "<?xml", 5) == 0;
    s->checked_prolog = 1;
    if (utf16_bom) {
        refuse(s, "XML-ENCODING", "UTF-16 (by its byte order mark)", 0);
        return;
    }
    if (utf32_bom) {
        refuse(s, "XML-ENCODING", "UTF-32 (by its byte order mark)", 0);
        return;
    }
    size_t skip = skip0;
    if (!declaration)
        return;
    size_t limit = n < skip + 256 ? n : skip + 256;
    const unsigned char *end = memchr(p + skip, '>', limit - skip);
    if (!end)
        return;
    char decl[260];
    size_t decl_len = (size_t)(end - (p + skip));
    memcpy(decl, p + skip, decl_len);
    decl[decl_len] = '\0';
    char *enc = strstr(decl, "encoding");
    if (!enc)
        return;
    enc = strpbrk(enc, "\"'");
    if (!enc)
        return;
    char q = *enc++;
    char *close = strchr(enc, q);
    if (!close)
        return;
    *close = '\0';
    if (strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "UTF8") != 0) {
        char what[40];
        snprintf(what, sizeof what, "declared as %.24s", enc);
        refuse(s, "XML-ENCODING", what, 0);
    }
}

static void scan(scanner *s, const unsigned char *p, size_t n)
{
    static const char doctype[] = "DOCTYPE";
    if (!s->checked_prolog)
        check_prolog(s, p, n, n == 0);
    for (size_t i = 0; i < n && !s->fail_rule; i++) {
        unsigned char c = p[i];
        if (c == '\n')
            s->line++;
        if (++s->since_household > HH_FORM_MAX_BYTES) {
            refuse(s, "XML-SIZE", NULL, HH_FORM_MAX_MIB);
            break;
        }
        switch (s->state) {
        case TEXT:
            if (c == '<')
                s->state = TAG_OPEN;
            break;
        case TAG_OPEN:
            s->name_len = 0;
            s->attributes = 0;
            if (c == '!') {
                s->state = SPECIAL;
                s->doctype_match = 0;
            } else if (c == '?') {
                s->state = SPECIAL;
                s->doctype_match = sizeof doctype; /* never matches */
            } else if (c == '/') {
                s->state = TAG_NAME;
            } else {
                s->state = TAG_NAME;
                s->name[s->name_len++] = (char)c;
            }
            break;
        case TAG_NAME:
            if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                end_tag_name(s);
                s->state = c == '>' ? TEXT : TAG_BODY;
            } else if (s->name_len < sizeof s->name - 1) {
                s->name[s->name_len++] = (char)c;
            } else {
                s->name_len = sizeof s->name; /* too long to be a household tag */
            }
            break;
        case TAG_BODY:
            if (c == '"' || c == '\'') {
                s->quote = (char)c;
                s->state = QUOTE;
            } else if (c == '=') {
                if (++s->attributes > HH_MAX_ATTRIBUTES)
                    refuse(s, "XML-ATTRS", NULL, HH_MAX_ATTRIBUTES);
            } else if (c == '>') {
                s->state = TEXT;
            }
            break;
        case QUOTE:
            if (c == (unsigned char)s->quote)
                s->state = TAG_BODY;
            break;
        case SPECIAL:
            if (s->doctype_match < sizeof doctype - 1) {
                if (c == (unsigned char)doctype[s->doctype_match]) {
                    if (++s->doctype_match == sizeof doctype - 1)
                        refuse(s, "XML-DOCTYPE", NULL, 0);
                } else {
                    s->doctype_match = sizeof doctype;
                }
            }
            if (c == '>')
                s->state = TEXT;
            break;
        }
    }
}

static int read_cb(void *ctx, char *buf, int len)
{
    scanner *s = ctx;
    if (s->fail_rule)
        return -1;
    ssize_t n;
    if (s->fd < 0) {
        size_t left = s->mem_len - s->mem_pos;
        n = (ssize_t)(left < (size_t)len ? left : (size_t)len);
        memcpy(buf, s->mem + s->mem_pos, (size_t)n);
        s->mem_pos += (size_t)n;
    } else {
        do
            n = read(s->fd, buf, (size_t)len);
        while (n < 0 && errno == EINTR);
    }
    if (n < 0) {
        refuse(s, "XML-READ", strerror(errno), 0);
        return -1;
    }
    if (n == 0)
        s->at_eof = 1;
    scan(s, (const unsigned char *)buf, (size_t)n);
    if (s->fail_rule)
        return -1;
    s->total += (size_t)n;
    if (s->capturing)
        hh_buf_append(&s->capture, buf, (size_t)n);
    return (int)n;
}

typedef struct parse_error {
    int seen;
    long line;
    char message[200];
} parse_error;

static void on_parse_error(void *arg, xmlErrorPtr e)
{
    parse_error *pe = arg;
    if (pe->seen || !e || e->level < XML_ERR_ERROR)
        return;
    pe->seen = 1;
    pe->line = e->line;
    snprintf(pe->message, sizeof pe->message, "%s", e->message ? e->message : "parse error");
    size_t n = strlen(pe->message);
    while (n && (pe->message[n - 1] == '\n' || pe->message[n - 1] == ' '))
        pe->message[--n] = '\0';
}

static int is_form_element(xmlTextReaderPtr r, const char *local)
{
    const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);
    return ns && xmlStrEqual(ns, BAD_CAST HH_FORM_NS) &&
           xmlStrEqual(xmlTextReaderConstLocalName(r), BAD_CAST local);
}

/* The current household subtree as a document of its own. NULL if it is broken. */
static xmlDocPtr take_household(xmlTextReaderPtr r, long *line)
{
    xmlNodePtr node = xmlTextReaderExpand(r);
    if (!node)
        return NULL;
    long l = xmlGetLineNo(node);
    *line = (l > 0 && l < 65535) ? l : xmlTextReaderGetParserLineNumber(r);
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr copy = xmlDocCopyNode(node, doc, 1);
    if (!copy) {
        xmlFreeDoc(doc);
        return NULL;
    }
    xmlDocSetRootElement(doc, copy);
    return doc;
}

static void report_file_problem(hh_diags *d, const char *name, const scanner *s, const parse_error *pe,
                                int root_closed)
{
    if (s->fail_rule && strcmp(s->fail_rule, "XML-SIZE") == 0)
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, s->fail_rule, "", s->fail_int);
    else if (s->fail_rule && strcmp(s->fail_rule, "XML-ATTRS") == 0)
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, s->fail_rule, "", s->fail_int);
    else if (s->fail_rule && (strcmp(s->fail_rule, "XML-DOCTYPE") == 0 || strcmp(s->fail_rule, "XML-NOT-XML") == 0))
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, s->fail_rule, "");
    else if (s->fail_rule)
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, s->fail_rule, "", s->fail_arg);
    else if (s->total == 0)
        hh_diags_addmsg(d, name, 1, HH_ERROR, "XML-EMPTY", "");
    else if (s->at_eof && !root_closed && (!pe->seen || pe->line >= s->line))
        hh_diags_addmsg(d, name, s->line, HH_ERROR, "XML-TRUNCATED", "");
    else
        hh_diags_addmsg(d, name, pe->seen ? pe->line : s->line, HH_ERROR, "XML-PARSE", "",
                        pe->seen ? pe->message : "the document ends before it is complete");
}

static hh_read_stats read_forms(scanner *sp, const char *name, hh_diags *d, hh_form_handler handler, void *arg);

hh_read_stats hh_read_forms(int fd, const char *name, hh_diags *d, hh_form_handler handler, void *arg)
{
    scanner s;
    memset(&s, 0, sizeof s);
    s.fd = fd;
    return read_forms(&s, name, d, handler, arg);
}

hh_read_stats hh_read_forms_memory(const char *data, size_t len, const char *name, hh_diags *d,
                                   hh_form_handler handler, void *arg)
{
    scanner s;
    memset(&s, 0, sizeof s);
    s.fd = -1;
    s.mem = data;
    s.mem_len = len;
    return read_forms(&s, name, d, handler, arg);
}

static hh_read_stats read_forms(scanner *sp, const char *name, hh_diags *d, hh_form_handler handler, void *arg)
{
    hh_read_stats st = { 0, 0, 0 };
    scanner s = *sp;
    s.line = 1;
    s.capturing = 1;
    hh_buf_init(&s.capture);
    parse_error pe;
    memset(&pe, 0, sizeof pe);

    xmlTextReaderPtr r = xmlReaderForIO(read_cb, NULL, &s, name, NULL, XML_PARSE_NONET);
    if (!r) {
        hh_diags_addmsg(d, name, 0, HH_ERROR, "XML-READ", "", "cannot start the XML reader");
        hh_buf_free(&s.capture);
        st.refused = 1;
        return st;
    }
    xmlTextReaderSetStructuredErrorHandler(r, on_parse_error, &pe);

    int batch = 0, failed = 0, root_closed = 0;
    xmlDocPtr single = NULL;
    long single_line = 0;
    int ret = xmlTextReaderRead(r);
    while (ret == 1 && !st.stopped) {
        int type = xmlTextReaderNodeType(r);
        int advanced = 0;
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            refuse(&s, "XML-DOCTYPE", NULL, 0);
            failed = 1;
            break;
        }
        if (type == XML_READER_TYPE_END_ELEMENT && xmlTextReaderDepth(r) == 0)
            root_closed = 1;
        if (type == XML_READER_TYPE_ELEMENT) {
            int depth = xmlTextReaderDepth(r);
            if (depth == 0 && is_form_element(r, "household")) {
                single = take_household(r, &single_line);
                if (!single) {
                    failed = 1;
                    break;
                }
                root_closed = 1;
                ret = xmlTextReaderNext(r);
                advanced = 1;
            } else if (depth == 0 && is_form_element(r, "households")) {
                batch = 1;
                s.capturing = 0;
                hh_buf_free(&s.capture);
                hh_buf_init(&s.capture);
            } else if (depth == 0) {
                hh_diags_addmsg(d, name, xmlGetLineNo(xmlTextReaderCurrentNode(r)), HH_ERROR, "XML-ROOT", "",
                                (const char *)xmlTextReaderConstName(r));
                st.refused++;
                xmlFreeTextReader(r);
                hh_buf_free(&s.capture);
                return st;
            } else if (depth == 1 && batch) {
                if (is_form_element(r, "household")) {
                    hh_form_input form = { NULL, name, 0, st.forms + 1, NULL, 0 };
                    form.doc = take_household(r, &form.line);
                    if (!form.doc) {
                        failed = 1;
                        break;
                    }
                    st.forms++;
                    if (handler(&form, arg))
                        st.stopped = 1;
                    if (form.doc)
                        xmlFreeDoc(form.doc);
                } else {
                    hh_diags_add(d, name, xmlTextReaderGetParserLineNumber(r), HH_ERROR, "XSD-CONTENT",
                                 (const char *)xmlTextReaderConstLocalName(r),
                                 "only household elements belong in a batch of households",
                                 "批量文件中只能包含 household 元素");
                    st.refused++;
                }
                ret = xmlTextReaderNext(r);
                advanced = 1;
            }
        }
        if (!advanced)
            ret = xmlTextReaderRead(r);
    }
    if (ret < 0)
        failed = 1;
    if (failed) {
        report_file_problem(d, name, &s, &pe, root_closed);
        st.refused++;
        if (single)
            xmlFreeDoc(single);
    } else if (single && !st.stopped) {
        hh_form_input form = { single, name, single_line, 1, s.capture.data, s.capture.len };
        st.forms++;
        if (handler(&form, arg))
            st.stopped = 1;
        if (form.doc)
            xmlFreeDoc(form.doc);
    } else if (single) {
        xmlFreeDoc(single);
    } else if (!batch && !st.stopped) {
        report_file_problem(d, name, &s, &pe, root_closed);
        st.refused++;
    }
    xmlFreeTextReader(r);
    hh_buf_free(&s.capture);
    return st;
}
