/* input.c — the hostile-input-aware form reader (see input.h).
 *
 * Every byte passes a scanner first: a small state machine over tags that tracks tag
 * names (to measure each household's size and find the root element), counts
 * attributes in start tags and spots "<!DOCTYPE". When it refuses, libxml2 is
 * stopped and the scanner's reason is reported instead of the parser's.
 *
 * The bytes are read ahead until the root element is known. A one-form file (root
 * <household>, at most HH_FORM_MAX_BYTES) is then read whole and parsed into a tree
 * in one call; a batch is streamed through libxml2's reader, which hands over one
 * <household> subtree at a time, copied into a document of its own. */
#include "input.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <libxml/xmlreader.h>

#include "schemaset.h"
#include "xml_errors.h"

/* No network, and no text nodes that only indent elements: every later walk over
 * the tree (schema, rules, digest) visits half as many nodes. Never NOENT, DTDLOAD,
 * DTDATTR, DTDVALID, XINCLUDE, RECOVER or HUGE on form input. */
#define FORM_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOBLANKS)

enum scan_state { TEXT, TAG_OPEN, TAG_NAME, TAG_BODY, QUOTE, SPECIAL };

typedef struct scanner {
    atomic_size_t *bytes_read;  /* optional: bytes read so far, for progress */
    int fd;                     /* -1: read from `mem` instead */
    const char *mem;
    size_t mem_len, mem_pos;
    hh_buf pending;             /* bytes read ahead, not yet handed to libxml2 */
    size_t pending_pos;
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
    size_t line_bytes;          /* bytes since the last newline */
    unsigned char prolog[256];  /* the first bytes, until the prolog can be judged */
    size_t prolog_len;
    /* set when the scanner refuses the input */
    const char *fail_rule;
    long fail_line;
    char fail_arg[48];
    int fail_int;
    /* the first start tag: decides between a one-form file and a batch */
    int closing_tag;
    char root[80];
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
    if (!s->root[0] && !s->closing_tag)
        snprintf(s->root, sizeof s->root, "%s", local[0] ? local : "?");
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
        if (c == '\n') {
            s->line++;
            s->line_bytes = 0;
        } else {
            s->line_bytes++;
        }
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
            s->closing_tag = c == '/';
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

/* Reads more bytes from the source into `buf` (at most `len`); scans them.
 * Returns the count, 0 at the end, -1 when refused or unreadable. */
static ssize_t source_read(scanner *s, char *buf, size_t len)
{
    if (s->fail_rule)
        return -1;
    ssize_t n;
    if (s->fd < 0) {
        size_t left = s->mem_len - s->mem_pos;
        n = (ssize_t)(left < len ? left : len);
        memcpy(buf, s->mem + s->mem_pos, (size_t)n);
        s->mem_pos += (size_t)n;
    } else {
        do
            n = read(s->fd, buf, len);
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
    if (s->bytes_read)
        atomic_fetch_add(s->bytes_read, (size_t)n);
    return n;
}

/* Reads ahead into s->pending until the root element's name is known, the input
 * ends, or (whole) everything has been read. Returns -1 when refused. */
static int read_ahead(scanner *s, bool whole)
{
    char chunk[65536];
    while (!s->at_eof && (whole || !s->root[0])) {
        ssize_t n = source_read(s, chunk, sizeof chunk);
        if (n < 0)
            return -1;
        hh_buf_append(&s->pending, chunk, (size_t)n);
    }
    return 0;
}

/* libxml2's read callback for the streaming path: the read-ahead bytes first. */
static int stream_cb(void *ctx, char *buf, int len)
{
    scanner *s = ctx;
    if (s->pending_pos < s->pending.len) {
        size_t n = s->pending.len - s->pending_pos;
        if (n > (size_t)len)
            n = (size_t)len;
        memcpy(buf, s->pending.data + s->pending_pos, n);
        s->pending_pos += n;
        return (int)n;
    }
    ssize_t n = source_read(s, buf, (size_t)len);
    return n < 0 ? -1 : (int)n;
}

typedef struct parse_error {
    int seen;
    int code;
    long line, column;
    hh_parse_message message;   /* told without the text the parser stopped at */
} parse_error;

static void on_parse_error(void *arg, xmlErrorPtr e)
{
    parse_error *pe = arg;
    if (pe->seen || !e || e->level < XML_ERR_ERROR)
        return;
    pe->seen = 1;
    pe->code = e->code;
    pe->line = e->line;
    pe->column = e->int2;
    hh_parse_message_set(&pe->message, e);
}

/* True when the parser stopped where the input ends: on its last line, at (about)
 * its last byte. libxml2 counts columns in characters, so up to three bytes each. */
static bool stopped_at_end(const scanner *s, const parse_error *pe)
{
    return s->at_eof && pe->seen && pe->line == s->line && (size_t)pe->column * 3 + 16 >= s->line_bytes;
}

/* Reports why a file (or the rest of it) was refused. `ended_early` says the parser
 * stopped at the end of the input before the document was complete. */
static void report_file_problem(hh_diags *d, const char *name, const scanner *s, const parse_error *pe,
                                bool ended_early)
{
    const char *rule = s->fail_rule;
    if (rule && (strcmp(rule, "XML-SIZE") == 0 || strcmp(rule, "XML-ATTRS") == 0))
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, rule, "", s->fail_int);
    else if (rule && (strcmp(rule, "XML-DOCTYPE") == 0 || strcmp(rule, "XML-NOT-XML") == 0))
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, rule, "");
    else if (rule)
        hh_diags_addmsg(d, name, s->fail_line, HH_ERROR, rule, "", s->fail_arg);
    else if (s->total == 0)
        hh_diags_addmsg(d, name, 1, HH_ERROR, "XML-EMPTY", "");
    else if (ended_early)
        hh_diags_addmsg(d, name, s->line, HH_ERROR, "XML-TRUNCATED", "");
    else if (pe->seen)
        hh_diags_add(d, name, pe->line, HH_ERROR, "XML-PARSE", "", pe->message.en, pe->message.zh);
    else
        hh_diags_addmsg_as(d, name, s->line, HH_ERROR, "XML-PARSE", "XML-PARSE-ANY", "");
}

static int in_form_namespace(const xmlNode *n)
{
    return n && n->ns && xmlStrEqual(n->ns->href, BAD_CAST HH_FORM_NS);
}

/* --- a one-form file: the whole file, parsed into a tree ----------------- */

static hh_read_stats read_one_form(scanner *s, const char *name, hh_diags *d, hh_form_handler handler,
                                   void *arg)
{
    hh_read_stats st = { 0, 0, 0 };
    parse_error pe;
    memset(&pe, 0, sizeof pe);
    xmlDocPtr doc = NULL;
    if (read_ahead(s, true) == 0) {
        /* libxml2 2.9 has no per-parser structured handler; the per-thread one is set
         * for this call only */
        xmlSetStructuredErrorFunc(&pe, on_parse_error);
        doc = xmlReadMemory(s->pending.data, (int)s->pending.len, name, NULL, FORM_PARSE_OPTIONS);
        xmlSetStructuredErrorFunc(NULL, NULL);
    }
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (doc && doc->intSubset) {
        refuse(s, "XML-DOCTYPE", NULL, 0);
    } else if (root && !in_form_namespace(root)) {
        hh_diags_addmsg(d, name, xmlGetLineNo(root), HH_ERROR, "XML-ROOT", "", (const char *)root->name);
        st.refused = 1;
        xmlFreeDoc(doc);
        return st;
    }
    if (!root || s->fail_rule) {
        /* a parser stopping on the last line of a file it read to the end: cut off */
        bool ended_early = stopped_at_end(s, &pe) && pe.code != XML_ERR_DOCUMENT_END;
        report_file_problem(d, name, s, &pe, ended_early);
        st.refused = 1;
        xmlFreeDoc(doc);
        return st;
    }
    long line = xmlGetLineNo(root);
    hh_form_input form = { doc, name, line > 0 ? line : 1, 1, s->pending.data, s->pending.len };
    st.forms = 1;
    st.stopped = handler(&form, arg) != 0;
    xmlFreeDoc(form.doc);
    return st;
}

/* --- a batch: streamed, one household at a time --------------------------- */

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

static hh_read_stats read_batch(scanner *s, const char *name, hh_diags *d, hh_form_handler handler, void *arg)
{
    hh_read_stats st = { 0, 0, 0 };
    parse_error pe;
    memset(&pe, 0, sizeof pe);
    xmlTextReaderPtr r = xmlReaderForIO(stream_cb, NULL, s, name, NULL, FORM_PARSE_OPTIONS);
    if (!r) {
        hh_diags_addmsg(d, name, 0, HH_ERROR, "XML-READ", "", "cannot start the XML reader");
        st.refused = 1;
        return st;
    }
    xmlTextReaderSetStructuredErrorHandler(r, on_parse_error, &pe);
    int failed = 0, root_closed = 0;
    int ret = xmlTextReaderRead(r);
    while (ret == 1 && !st.stopped) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        int advanced = 0;
        if (type == XML_READER_TYPE_DOCUMENT_TYPE) {
            refuse(s, "XML-DOCTYPE", NULL, 0);
            failed = 1;
            break;
        }
        if (type == XML_READER_TYPE_END_ELEMENT && depth == 0)
            root_closed = 1;
        if (type == XML_READER_TYPE_ELEMENT && depth == 0 && !is_form_element(r, "households")) {
            hh_diags_addmsg(d, name, xmlGetLineNo(xmlTextReaderCurrentNode(r)), HH_ERROR, "XML-ROOT", "",
                            (const char *)xmlTextReaderConstName(r));
            st.refused++;
            xmlFreeTextReader(r);
            return st;
        }
        if (type == XML_READER_TYPE_ELEMENT && depth == 1) {
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
                hh_diags_add(d, name, xmlGetLineNo(xmlTextReaderCurrentNode(r)), HH_ERROR, "XSD-CONTENT",
                             (const char *)xmlTextReaderConstLocalName(r),
                             "only household elements belong in a batch of households",
                             "批量文件中只能包含 household 元素");
                st.refused++;
            }
            ret = xmlTextReaderNext(r);
            advanced = 1;
        }
        if (!advanced)
            ret = xmlTextReaderRead(r);
    }
    if ((ret < 0 || failed) && !st.stopped) {
        report_file_problem(d, name, s, &pe, !root_closed && (stopped_at_end(s, &pe) || !pe.seen));
        st.refused++;
    }
    xmlFreeTextReader(r);
    return st;
}

/* A one-form file handed over unparsed: its bytes, for hh_read_forms_memory. */
static hh_read_stats defer_one_form(scanner *s, const char *name, hh_diags *d, hh_form_handler handler, void *arg)
{
    hh_read_stats st = { 0, 0, 0 };
    if (read_ahead(s, true) != 0) {
        parse_error none;
        memset(&none, 0, sizeof none);
        report_file_problem(d, name, s, &none, false);
        st.refused = 1;
        return st;
    }
    hh_form_input form = { NULL, name, 1, 1, s->pending.data, s->pending.len };
    st.forms = 1;
    st.stopped = handler(&form, arg) != 0;
    return st;
}

static hh_read_stats read_forms(scanner *s, const char *name, hh_diags *d, hh_form_handler handler, void *arg,
                                bool defer)
{
    hh_read_stats st = { 0, 0, 0 };
    s->line = 1;
    hh_buf_init(&s->pending);
    if (read_ahead(s, false) != 0 || s->total == 0) {
        parse_error none;
        memset(&none, 0, sizeof none);
        report_file_problem(d, name, s, &none, false);
        st.refused = 1;
    } else if (strcmp(s->root, "household") == 0) {
        st = defer ? defer_one_form(s, name, d, handler, arg) : read_one_form(s, name, d, handler, arg);
    } else {
        st = read_batch(s, name, d, handler, arg);
    }
    hh_buf_free(&s->pending);
    return st;
}

hh_read_stats hh_read_forms(int fd, const char *name, hh_diags *d, hh_form_handler handler, void *arg)
{
    scanner s;
    memset(&s, 0, sizeof s);
    s.fd = fd;
    return read_forms(&s, name, d, handler, arg, false);
}

hh_read_stats hh_read_forms_counted(int fd, const char *name, hh_diags *d, hh_form_handler handler, void *arg,
                                    bool deferred, atomic_size_t *bytes_read)
{
    scanner s;
    memset(&s, 0, sizeof s);
    s.fd = fd;
    s.bytes_read = bytes_read;
    return read_forms(&s, name, d, handler, arg, deferred);
}

hh_read_stats hh_read_forms_memory(const char *data, size_t len, const char *name, hh_diags *d,
                                   hh_form_handler handler, void *arg)
{
    scanner s;
    memset(&s, 0, sizeof s);
    s.fd = -1;
    s.mem = data;
    s.mem_len = len;
    return read_forms(&s, name, d, handler, arg, false);
}
