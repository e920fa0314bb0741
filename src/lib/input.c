/* input.c — the hostile-input-aware form reader (see input.h).
 *
 * Every byte passes a scanner first: a small state machine over tags, comments,
 * CDATA sections and processing instructions that tracks the depth of elements (to
 * measure each unit's size, find the root element and the points where a batch may
 * be cut), counts attributes in start tags, spots "<!DOCTYPE" and reads every XML
 * declaration's encoding. When it refuses, libxml2 is stopped and the scanner's
 * reason is reported instead of the parser's.
 *
 * The bytes are read ahead until the root element is known. A one-form file (root
 * <household>, at most HH_FORM_MAX_BYTES) is then read whole and parsed into a tree
 * in one call; a batch is fed to libxml2's push parser in pieces that end where a
 * household ends, and each household is handed over, moved into a document of its
 * own and with its own bytes, as soon as its piece is parsed. */
#include "input.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "messages.h"
#include "schemaset.h"
#include "xml_errors.h"

/* No network, no text nodes that only indent elements (every later walk over the
 * tree — schema, rules, digest — visits half as many nodes), and the bytes read as
 * UTF-8 whatever an XML declaration says (the scanner refuses one that names another
 * encoding). Never NOENT, DTDLOAD, DTDATTR, DTDVALID, XINCLUDE, RECOVER or HUGE on
 * form input. */
#define FORM_PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_IGNORE_ENC)
#define FORM_ENCODING "UTF-8"

/* A one-form file is parsed from memory with an int length: the size limit (plus
 * the last chunk read past it) keeps it far below INT_MAX. */
#define READ_CHUNK 65536
_Static_assert(HH_FORM_MAX_BYTES + READ_CHUNK < INT_MAX, "a form's length must fit in an int");
/* Input in memory up to this size gets its whole room in the scanner's buffer at
 * once, not by doubling (a request's body: the reallocations were 1-2 % under load). */
#define MEMORY_RESERVED_MAX ((size_t)HH_FORM_MAX_BYTES)

/* scanner.child_start when no member's bytes are kept */
#define NO_CHILD SIZE_MAX

enum scan_state { TEXT, TAG_OPEN, TAG_NAME, TAG_BODY, QUOTE, MARKUP, COMMENT, CDATA, DECL, PI };

/* Why the scanner refused the input, before or beside libxml2 (each its message). */
typedef enum refusal {
    NOT_REFUSED,
    REFUSED_READ,             /* XML-READ: the system's reason in fail_arg */
    REFUSED_NOT_XML,          /* XML-NOT-XML */
    REFUSED_ENCODING,         /* XML-ENCODING: the encoding declared in fail_arg */
    REFUSED_ENCODING_BOM,     /* XML-ENCODING-BOM: UTF-16 or UTF-32 in fail_arg */
    REFUSED_ENCODING_NUL,     /* XML-ENCODING-NUL */
    REFUSED_DECLARATION_LONG, /* XML-PARSE */
    REFUSED_DOCTYPE,          /* XML-DOCTYPE */
    REFUSED_SIZE,             /* XML-SIZE */
    REFUSED_ATTRS,            /* XML-ATTRS */
} refusal;

typedef struct scanner {
    atomic_size_t *bytes_read;  /* optional: bytes read so far, for progress */
    int fd;                     /* -1: read from `mem` instead */
    const char *mem;
    size_t mem_len, mem_pos;
    hh_buf pending;             /* bytes read and not yet handed to libxml2 */
    size_t scanned;             /* of `pending`: bytes the scanner has passed */
    size_t handed;              /* of `pending`: bytes handed to libxml2's reader */
    long line;
    size_t total;
    /* Bytes of the current unit, which may not exceed HH_FORM_MAX_BYTES: the whole
     * file when it holds one form; in a batch, what lies between two points where
     * an element directly below the root begins or ends. Tags deeper down, whatever
     * their names, never start a new unit. */
    size_t unit_bytes;
    enum scan_state state;
    char quote;
    int attributes;
    char name[80];
    size_t name_len;
    int closing_tag, empty_tag;
    int depth;                  /* elements open */
    long child_line;            /* where the last element directly below the root began */
    /* A batch member's bytes, for standalone_bytes: offsets in the input, not in
     * `pending`, which drops what libxml2 was handed (fill keeps these) */
    size_t base;                /* the input offset of pending's first byte */
    size_t tag_start;           /* of the last '<' passed */
    size_t child_start;         /* of the '<' of the last element directly below the root; NO_CHILD once taken */
    size_t child_bytes;         /* its length, from that '<' to its last '>' (set when it ends) */
    long children;              /* elements directly below the root begun so far (a batch) */
    bool batch;                 /* the root is <households>: its children are the units */
    bool event;                 /* the last byte scanned named the root or closed an element at depth 1 or 0 */
    char markup[8];             /* after "<!": the start of "--", "[CDATA[" or "DOCTYPE" */
    size_t markup_len;
    int run;                    /* '-' in a comment, ']' in a CDATA section, '?' in a PI, just passed */
    char pi[128];               /* a processing instruction, white space runs collapsed */
    size_t pi_len;
    bool pi_long;
    int checked_prolog;
    int at_eof;                 /* the input has been read to its end */
    size_t line_bytes;          /* bytes since the last newline */
    unsigned char prolog[256];  /* the first bytes, until the start can be judged */
    size_t prolog_len;
    /* set when the scanner refuses the input */
    refusal refused;
    long fail_line;
    char fail_arg[48];          /* the encoding found, or the system's reason */
    char root[80];              /* the first start tag's local name */
} scanner;

static void refuse(scanner *s, refusal why, const char *arg)
{
    if (s->refused)
        return;
    s->refused = why;
    s->fail_line = s->line;
    snprintf(s->fail_arg, sizeof s->fail_arg, "%s", arg ? arg : "");
}

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Judges the first bytes: a UTF-16/32 byte order mark, NUL bytes where a UTF-8
 * document has '<' and '?' (UTF-16 or UTF-32 without a byte order mark), or
 * something that is not XML at all. */
static void check_prolog(scanner *s, const unsigned char *data, size_t len, bool at_end)
{
    size_t take = len < sizeof s->prolog - s->prolog_len ? len : sizeof s->prolog - s->prolog_len;
    memcpy(s->prolog + s->prolog_len, data, take);
    s->prolog_len += take;
    const unsigned char *p = s->prolog;
    size_t n = s->prolog_len;
    if (n < 4 && !at_end)
        return;
    bool utf32_bom = n >= 4 && ((p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) ||
                                (p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0));
    bool utf16_bom = !utf32_bom && n >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE));
    if (utf32_bom || utf16_bom) {
        s->checked_prolog = 1;
        refuse(s, REFUSED_ENCODING_BOM, utf32_bom ? "UTF-32" : "UTF-16");
        return;
    }
    size_t nul = 0; /* "<" or white space with NUL bytes around it: UTF-16 or UTF-32 */
    while (nul < n && nul < 4 && p[nul] == 0)
        nul++;
    if (memchr(p, 0, n < 4 ? n : 4) && nul < n && (p[nul] == '<' || is_space(p[nul]))) {
        s->checked_prolog = 1;
        refuse(s, REFUSED_ENCODING_NUL, NULL);
        return;
    }
    size_t first = (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) ? 3 : 0;
    while (first < n && is_space(p[first]))
        first++;
    if (first < n) {
        s->checked_prolog = 1;
        if (p[first] != '<')
            refuse(s, REFUSED_NOT_XML, NULL);
    } else if (at_end || n == sizeof s->prolog) {
        s->checked_prolog = 1; /* only white space so far: libxml2 says what is wrong */
    }
}

/* A processing instruction has ended. If it is an XML declaration — wherever it
 * stands — any encoding it names must be UTF-8. */
static void end_pi(scanner *s)
{
    char *d = s->pi;
    size_t n = s->pi_len;
    while (n && (d[n - 1] == '?' || d[n - 1] == ' '))
        n--;
    d[n] = '\0';
    if (strncasecmp(d, "xml", 3) != 0 || (d[3] != ' ' && d[3] != '\0'))
        return;
    if (s->pi_long) {
        refuse(s, REFUSED_DECLARATION_LONG, NULL);
        return;
    }
    char *enc = strstr(d, " encoding");
    if (!enc)
        return;
    enc += strlen(" encoding");
    enc += *enc == ' ';
    if (*enc++ != '=')
        return;
    enc += *enc == ' ';
    char q = *enc++;
    char *close = (q == '"' || q == '\'') ? strchr(enc, q) : NULL;
    if (!close)
        return;
    *close = '\0';
    if (strcasecmp(enc, "UTF-8") != 0 && strcasecmp(enc, "UTF8") != 0) {
        char what[32];
        snprintf(what, sizeof what, "%.24s", enc);
        refuse(s, REFUSED_ENCODING, what);
    }
}

static void pi_add(scanner *s, unsigned char c)
{
    if (is_space(c)) {
        if (!s->pi_len || s->pi[s->pi_len - 1] == ' ')
            return;
        c = ' ';
    }
    if (s->pi_len < sizeof s->pi - 1)
        s->pi[s->pi_len++] = (char)c;
    else
        s->pi_long = true;
}

static void end_tag_name(scanner *s)
{
    s->name[s->name_len < sizeof s->name ? s->name_len : sizeof s->name - 1] = '\0';
    if (s->root[0] || s->closing_tag)
        return;
    const char *local = strrchr(s->name, ':');
    local = local ? local + 1 : s->name;
    snprintf(s->root, sizeof s->root, "%s", local[0] ? local : "?");
    s->batch = strcmp(s->root, "households") == 0;
    s->event = true;
}

/* The '>' of a tag. An element that ends directly below the root (or the root
 * itself) is a point where a batch may be cut: the next unit begins. */
static void end_tag(scanner *s)
{
    s->state = TEXT;
    if (s->closing_tag) {
        if (s->depth > 0)
            s->depth--;
    } else if (!s->empty_tag) {
        s->depth++;
        return;
    }
    if (s->depth <= 1) {
        s->event = true;
        if (s->batch && s->depth == 1)
            s->child_bytes = s->unit_bytes; /* from its '<': a unit begins there */
        if (s->batch)
            s->unit_bytes = 0;
    }
}

/* After "<!": a comment, a CDATA section, a DOCTYPE (refused) or some other
 * declaration, told apart by their first characters. */
static void markup(scanner *s, unsigned char c)
{
    static const char *const starts[] = { "--", "[CDATA[", "DOCTYPE" };
    static const enum scan_state states[] = { COMMENT, CDATA, DECL };
    s->markup[s->markup_len++] = (char)c;
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++) {
        if (strncmp(starts[i], s->markup, s->markup_len) != 0)
            continue;
        if (strlen(starts[i]) == s->markup_len) {
            s->state = states[i];
            s->run = 0;
            if (states[i] == DECL)
                refuse(s, REFUSED_DOCTYPE, NULL);
        }
        return;
    }
    s->state = c == '>' ? TEXT : DECL;
}

/* In text, or inside a quoted attribute value, nothing matters to the scanner until
 * the next '<' or closing quote: the bytes before it are passed at once (memchr),
 * their lines counted, never past the unit's size limit (the byte that would cross it
 * is left to the byte-by-byte loop, which refuses it). Returns the bytes passed. */
static size_t skip_plain(scanner *s, const unsigned char *p, size_t n)
{
    size_t room = HH_FORM_MAX_BYTES - s->unit_bytes;
    if (n > room)
        n = room;
    const unsigned char *stop = memchr(p, s->state == TEXT ? '<' : (unsigned char)s->quote, n);
    size_t k = stop ? (size_t)(stop - p) : n;
    const unsigned char *after_newline = NULL;
    for (const unsigned char *q = p; (q = memchr(q, '\n', (size_t)(p + k - q))) != NULL; q++) {
        s->line++;
        after_newline = q + 1;
    }
    s->line_bytes = after_newline ? (size_t)(p + k - after_newline) : s->line_bytes + k;
    s->unit_bytes += k;
    return k;
}

/* Passes bytes through the scanner. Stops early, just after the byte, when
 * something a reader waits for has happened (s->event): the root's name is known,
 * or an element at depth 1 or 0 has ended. Returns the bytes passed. */
static size_t scan(scanner *s, const unsigned char *p, size_t n)
{
    s->event = false;
    size_t i = 0;
    while (i < n && !s->refused && !s->event) {
        if (s->state == TEXT || s->state == QUOTE) {
            i += skip_plain(s, p + i, n - i);
            if (i == n)
                break;
        }
        unsigned char c = p[i++];
        if (c == '\n') {
            s->line++;
            s->line_bytes = 0;
        } else {
            s->line_bytes++;
        }
        if (++s->unit_bytes > HH_FORM_MAX_BYTES) {
            refuse(s, REFUSED_SIZE, NULL);
            break;
        }
        switch (s->state) {
        case TEXT:
            if (c == '<') {
                s->state = TAG_OPEN;
                s->tag_start = s->base + s->scanned + i - 1; /* p is pending's at s->scanned */
            }
            break;
        case TAG_OPEN:
            s->name_len = 0;
            s->attributes = 0;
            s->closing_tag = c == '/';
            s->empty_tag = 0;
            if (c == '!') {
                s->state = MARKUP;
                s->markup_len = 0;
            } else if (c == '?') {
                s->state = PI;
                s->pi_len = 0;
                s->pi_long = false;
                s->run = 0;
            } else if (c == '/') {
                s->state = TAG_NAME;
            } else {
                if (s->batch && s->depth == 1) {
                    s->unit_bytes = 2; /* a new unit, from its '<' */
                    s->child_start = s->tag_start;
                    s->children++;
                }
                if (s->depth == 1)
                    s->child_line = s->line;
                s->state = TAG_NAME;
                s->name[s->name_len++] = (char)c;
            }
            break;
        case TAG_NAME:
            if (c == '>' || c == '/' || is_space(c)) {
                end_tag_name(s);
                s->empty_tag = c == '/';
                if (c == '>')
                    end_tag(s);
                else
                    s->state = TAG_BODY;
            } else if (s->name_len < sizeof s->name - 1) {
                s->name[s->name_len++] = (char)c;
            } else {
                s->name_len = sizeof s->name; /* long: kept only in part */
            }
            break;
        case TAG_BODY:
            if (c == '>') {
                end_tag(s);
                break;
            }
            if (c == '"' || c == '\'') {
                s->quote = (char)c;
                s->state = QUOTE;
            } else if (c == '=' && ++s->attributes > HH_MAX_ATTRIBUTES) {
                refuse(s, REFUSED_ATTRS, NULL);
            }
            s->empty_tag = c == '/';
            break;
        case QUOTE:
            if (c == (unsigned char)s->quote)
                s->state = TAG_BODY;
            break;
        case MARKUP:
            markup(s, c);
            break;
        case COMMENT:
        case CDATA:
            if (c == '>' && s->run >= 2)
                s->state = TEXT;
            else
                s->run = c == (s->state == COMMENT ? '-' : ']') ? s->run + 1 : 0;
            break;
        case DECL:
            if (c == '>')
                s->state = TEXT;
            break;
        case PI:
            if (c == '>' && s->run) {
                end_pi(s);
                s->state = TEXT;
            } else {
                s->run = c == '?';
                pi_add(s, c);
            }
            break;
        }
    }
    return i;
}

/* Appends the next bytes of the source to s->pending, first dropping what libxml2
 * has been handed, except a batch's last element below the root begun: its bytes
 * are kept whole, to be stored as they are (standalone_bytes). Returns -1 when
 * refused or unreadable. */
static int fill(scanner *s)
{
    if (s->handed && s->handed == s->pending.len) {
        size_t end = s->base + s->pending.len, keep_from = end;
        if (s->children && s->child_start != NO_CHILD)
            keep_from = s->child_start;
        if (s->state == TAG_OPEN && s->tag_start < keep_from) /* a '<' whose element may be the next member */
            keep_from = s->tag_start;
        size_t drop = keep_from - s->base;
        if (drop) {
            s->pending.len -= drop;
            memmove(s->pending.data, s->pending.data + drop, s->pending.len + 1); /* and the NUL */
            s->base = keep_from;
        }
        s->handed = s->scanned = s->pending.len;
    }
    char chunk[READ_CHUNK];
    const char *data = chunk;
    ssize_t n;
    if (s->fd < 0) {
        size_t left = s->mem_len - s->mem_pos;
        n = (ssize_t)(left < sizeof chunk ? left : sizeof chunk);
        data = s->mem + s->mem_pos;
        s->mem_pos += (size_t)n;
    } else {
        do
            n = read(s->fd, chunk, sizeof chunk);
        while (n < 0 && errno == EINTR);
    }
    if (n < 0) {
        refuse(s, REFUSED_READ, hh_system_reason(errno));
        return -1;
    }
    if (n == 0)
        s->at_eof = 1;
    if (!s->checked_prolog)
        check_prolog(s, (const unsigned char *)data, (size_t)n, n == 0);
    hh_buf_append(&s->pending, data, (size_t)n);
    s->total += (size_t)n;
    if (s->bytes_read)
        atomic_fetch_add(s->bytes_read, (size_t)n);
    return s->refused ? -1 : 0;
}

/* Scans the bytes of s->pending not yet scanned, up to the next event; reads more
 * when all are. Returns -1 when refused, 0 at the end of the input, else 1. */
static int advance(scanner *s)
{
    if (s->scanned < s->pending.len)
        s->scanned += scan(s, (const unsigned char *)s->pending.data + s->scanned, s->pending.len - s->scanned);
    else if (s->at_eof)
        return 0;
    else
        fill(s);
    return s->refused ? -1 : 1;
}

/* Reads and scans ahead into s->pending until the root element's name is known,
 * or (whole) to the end of the input. Returns -1 when refused. */
static int read_ahead(scanner *s, bool whole)
{
    int more = 1;
    while (more > 0 && (whole || !s->root[0]))
        more = advance(s);
    return more < 0 ? -1 : 0;
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
 * stopped at the end of the input before the document was complete. Returns the
 * line named. */
static long report_file_problem(hh_diags *d, const char *name, const scanner *s, const parse_error *pe,
                                bool ended_early)
{
    long line = s->refused ? s->fail_line : s->total == 0 ? 1 : ended_early ? s->line : pe->seen ? pe->line : s->line;
    switch (s->refused) {
    case REFUSED_READ:
        hh_msg_xml_read(d, name, line, "", s->fail_arg);
        break;
    case REFUSED_NOT_XML:
        hh_msg_xml_not_xml(d, name, line, "");
        break;
    case REFUSED_ENCODING:
        hh_msg_xml_encoding(d, name, line, "", s->fail_arg);
        break;
    case REFUSED_ENCODING_BOM:
        hh_msg_xml_encoding_bom(d, name, line, "", s->fail_arg);
        break;
    case REFUSED_ENCODING_NUL:
        hh_msg_xml_encoding_nul(d, name, line, "");
        break;
    case REFUSED_DECLARATION_LONG:
        hh_msg_xml_parse_declaration_long(d, name, line, "");
        break;
    case REFUSED_DOCTYPE:
        hh_msg_xml_doctype(d, name, line, "");
        break;
    case REFUSED_SIZE:
        hh_msg_xml_size(d, name, line, "", HH_FORM_MAX_MIB);
        break;
    case REFUSED_ATTRS:
        hh_msg_xml_attrs(d, name, line, "", HH_MAX_ATTRIBUTES);
        break;
    case NOT_REFUSED:
        if (s->total == 0)
            hh_msg_xml_empty(d, name, line, "");
        else if (ended_early)
            hh_msg_xml_truncated(d, name, line, "");
        else if (pe->seen)
            hh_diags_add_parse_error(d, name, line, &pe->message);
        else
            hh_msg_xml_parse_any(d, name, line, "");
    }
    return line;
}

static int in_form_namespace(const xmlNode *n)
{
    return n && n->ns && xmlStrEqual(n->ns->href, BAD_CAST HH_FORM_NS);
}

/* XML-ROOT for a file whose root is not a form; the root's name only when plain. A
 * household (or households) element of another namespace, or of none, is told so:
 * its name is right, and a message saying what the name must be would not help. */
static void wrong_root(hh_diags *d, const char *name, const xmlNode *root)
{
    hh_buf root_name;
    hh_buf_init(&root_name);
    hh_put_safe_name((const char *)root->name, &root_name);
    if (xmlStrEqual(root->name, BAD_CAST "household") || xmlStrEqual(root->name, BAD_CAST "households"))
        hh_msg_xml_root_namespace(d, name, xmlGetLineNo(root), "", root_name.data);
    else
        hh_msg_xml_root(d, name, xmlGetLineNo(root), "", root_name.data);
    hh_buf_free(&root_name);
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
        doc = xmlReadMemory(s->pending.data, (int)s->pending.len, name, FORM_ENCODING, FORM_PARSE_OPTIONS);
        xmlSetStructuredErrorFunc(NULL, NULL);
    }
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (doc && doc->intSubset) {
        refuse(s, REFUSED_DOCTYPE, NULL);
    } else if (root && !in_form_namespace(root)) {
        wrong_root(d, name, root);
        st.refused = 1;
        xmlFreeDoc(doc);
        return st;
    }
    if (!root || s->refused) {
        /* a parser stopping on the last line of a file it read to the end: cut off */
        bool ended_early = stopped_at_end(s, &pe) && pe.code != XML_ERR_DOCUMENT_END;
        report_file_problem(d, name, s, &pe, ended_early);
        st.refused = 1;
        xmlFreeDoc(doc);
        return st;
    }
    long line = xmlGetLineNo(root);
    hh_form_input form = { doc, name, line > 0 ? line : 1, 1, s->pending.data, s->pending.len, false };
    st.forms = 1;
    st.stopped = handler(&form, arg) != 0;
    xmlFreeDoc(form.doc);
    return st;
}

/* --- a batch: streamed, one household at a time --------------------------- */

/* A piece of a batch: the bytes scanned up to the next point where it may be cut.
 * Returns its length, 0 at the end of the input, -1 when the scanner refused. */
static ssize_t next_piece(scanner *s)
{
    while (s->handed == s->scanned) {
        int more = advance(s);
        if (more <= 0)
            return more;
    }
    return (ssize_t)(s->scanned - s->handed);
}

/* An element directly below the root that is not a household: the first few are
 * named, the rest only counted (a batch of a million would otherwise pile up a
 * million messages). */
static void skip_element(hh_diags *d, const char *name, const xmlNode *n, long line, long *skipped)
{
    if (++*skipped <= HH_SKIPPED_NAMED) {
        hh_buf path;
        hh_buf_init(&path);
        hh_put_safe_name((const char *)n->name, &path);
        hh_msg_xsd_content_batch(d, name, line, path.data);
        hh_buf_free(&path);
    }
}

typedef struct batch {
    scanner *s;
    const char *name;
    hh_diags *d;
    hh_form_handler handler;
    void *arg;
    hh_read_stats st;
    long read_to;               /* households that begin after this line were not read (yet) */
    long skipped, skipped_line;
    long children_taken;        /* elements directly below the root handed over or skipped */
    long stray_text;            /* text or CDATA between households, said once */
} batch;

/* The namespace declarations a household's nodes borrow from outside it — the
 * batch's root element's, or the batch document's own "xml" — and the household's
 * copies of them, made on first use. */
typedef struct borrowed_ns {
    const xmlNode *batch_root;
    xmlNodePtr household;
    xmlNsPtr *from, *to;
    size_t n, cap;
} borrowed_ns;

static bool declared_outside(const borrowed_ns *b, const xmlNs *ns)
{
    if (ns == b->batch_root->doc->oldNs)
        return true;
    for (const xmlNs *d = b->batch_root->nsDef; d; d = d->next)
        if (d == ns)
            return true;
    return false;
}

static xmlNsPtr own_ns(borrowed_ns *b, xmlNsPtr ns)
{
    if (!ns)
        return NULL;
    for (size_t k = b->n; k-- > 0;)
        if (b->from[k] == ns)
            return b->to[k];
    if (!declared_outside(b, ns))
        return ns;
    /* "xml" is never declared; every other prefix the household uses from the root
     * is not declared on the household (the parser would have bound it there) */
    xmlNsPtr copy = xmlStrEqual(ns->prefix, BAD_CAST "xml") ? xmlSearchNs(b->household->doc, b->household, ns->prefix)
                                                          : xmlNewNs(b->household, ns->href, ns->prefix);
    if (!copy)
        hh_out_of_memory();
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 4;
        b->from = hh_xrealloc(b->from, b->cap * sizeof *b->from);
        b->to = hh_xrealloc(b->to, b->cap * sizeof *b->to);
    }
    b->from[b->n] = ns;
    b->to[b->n++] = copy;
    return copy;
}

/* A household unlinked from the batch's tree becomes the root of a document of its
 * own, moved rather than copied: the form is stored as it would stand alone (a
 * copy declared the namespace under a made-up "default" prefix as well as without
 * one), and each node is allocated once, not twice (10,000 forms -j 1: 4.80 s
 * against 4.95 s, within the noise). With XML_PARSE_NODICT every name is the node's
 * own, and once the namespaces it borrowed are declared on the household itself,
 * the tree owes the batch's document nothing: a worker thread may validate and free
 * it while the reader goes on. */
static xmlDocPtr adopt_household(xmlNodePtr household, const xmlNode *batch_root, const xmlNs **declared)
{
    xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
    if (!doc)
        hh_out_of_memory();
    xmlNsPtr own_last = household->nsDef; /* xmlNewNs appends after the household's own */
    while (own_last && own_last->next)
        own_last = own_last->next;
    xmlSetTreeDoc(household, doc);
    xmlDocSetRootElement(doc, household);
    borrowed_ns b = { batch_root, household, NULL, NULL, 0, 0 };
    for (xmlNodePtr n = household; n;) {
        if (n->type == XML_ELEMENT_NODE) {
            n->ns = own_ns(&b, n->ns);
            for (xmlAttrPtr a = n->properties; a; a = a->next)
                a->ns = own_ns(&b, a->ns);
        }
        /* depth first: down, else along, else up and along */
        if (n->type == XML_ELEMENT_NODE && n->children) {
            n = n->children;
            continue;
        }
        while (n != household && !n->next)
            n = n->parent;
        n = n == household ? NULL : n->next;
    }
    free(b.from);
    free(b.to);
    *declared = own_last ? own_last->next : household->nsDef;
    return doc;
}

/* Appends a namespace's URI as the value of its declaration between double quotes,
 * which the parser reads back as the same URI. Its '&' stays as it is: libxml2
 * keeps an '&' of a namespace declaration as the text "&#38;" (a character
 * reference, read back as itself); other characters are escaped. */
static void put_namespace_uri(hh_buf *out, const char *text)
{
    for (; *text; text++)
        switch (*text) {
        case '<': hh_buf_puts(out, "&lt;"); break;
        case '"': hh_buf_puts(out, "&quot;"); break;
        case '\t': hh_buf_puts(out, "&#9;"); break;
        case '\n': hh_buf_puts(out, "&#10;"); break;
        case '\r': hh_buf_puts(out, "&#13;"); break;
        default: hh_buf_putc(out, *text);
        }
}

/* The household's bytes as the batch holds them, with the namespace declarations
 * it borrowed from the batch's root (`declared` on, made by adopt_household)
 * written into its start tag: the form as it would stand alone, stored as it was
 * read rather than serialized again (libxml2's serializer was 6 % of an import of
 * a batch). NULL, for the serializer to make them, unless the last piece read was
 * this household's alone: the parser handed it over with the piece that ended it. */
static char *standalone_bytes(const batch *b, const xmlNode *household, const xmlNs *declared, size_t *len)
{
    const scanner *s = b->s;
    /* the last member begun, ended with the piece just parsed: from its '<' to the end
     * of what was handed, as long as the scanner counted it */
    if (s->children != b->children_taken || s->child_start == NO_CHILD || s->child_start < s->base ||
        s->child_start - s->base >= s->handed || s->handed - (s->child_start - s->base) != s->child_bytes)
        return NULL;
    const char *bytes = s->pending.data + (s->child_start - s->base);
    size_t n = s->child_bytes;
    size_t prefix = household->ns && household->ns->prefix ? strlen((const char *)household->ns->prefix) + 1 : 0;
    size_t name = prefix + strlen((const char *)household->name);
    if (s->handed > s->pending.len || n < name + 3 ||
        bytes[0] != '<' || (prefix && (strncmp(bytes + 1, (const char *)household->ns->prefix, prefix - 1) != 0 ||
                                       bytes[prefix] != ':')) ||
        strncmp(bytes + 1 + prefix, (const char *)household->name, name - prefix) != 0 ||
        !strchr(" \t\r\n/>", bytes[1 + name]) || bytes[n - 1] != '>')
        return NULL;
    hh_buf out;
    hh_buf_init(&out);
    hh_buf_append(&out, bytes, 1 + name);
    for (const xmlNs *ns = declared; ns; ns = ns->next) {
        hh_buf_puts(&out, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            hh_buf_puts(&out, (const char *)ns->prefix);
        hh_buf_puts(&out, "=\"");
        put_namespace_uri(&out, (const char *)ns->href);
        hh_buf_putc(&out, '"');
    }
    hh_buf_append(&out, bytes + 1 + name, n - 1 - name);
    *len = out.len;
    return hh_buf_detach(&out);
}

/* Once the last member begun is taken, its bytes need not be kept any longer. */
static void release_bytes(batch *b)
{
    if (b->s->children == b->children_taken)
        b->s->child_start = NO_CHILD;
}

/* Hands over what is complete below the root — after a piece, at most the one
 * element it ended — and frees it, so the tree never holds more than one. */
static void take_children(batch *b, xmlNodePtr root, const xmlNode *open)
{
    xmlNodePtr next;
    for (xmlNodePtr c = root->children; c && c != open && !b->st.stopped; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        if (c->type == XML_ELEMENT_NODE && in_form_namespace(c) && xmlStrEqual(c->name, BAD_CAST "household")) {
            b->children_taken++;
            const xmlNs *declared;
            hh_form_input form = { adopt_household(c, root, &declared), b->name, b->s->child_line, b->st.forms + 1,
                                   NULL, 0, true };
            char *bytes = standalone_bytes(b, c, declared, &form.original_len);
            form.original = bytes;
            release_bytes(b);
            b->st.forms++;
            b->read_to = form.line;
            if (b->handler(&form, b->arg))
                b->st.stopped = 1;
            xmlFreeDoc(form.doc); /* and c with it */
            free(bytes);
            continue;
        } else if (c->type == XML_ELEMENT_NODE) {
            b->children_taken++;
            release_bytes(b);
            b->skipped_line = b->s->child_line;
            skip_element(b->d, b->name, c, b->skipped_line, &b->skipped);
            b->st.refused++;
        } else if ((c->type == XML_TEXT_NODE && !xmlIsBlankNode(c)) || c->type == XML_CDATA_SECTION_NODE) {
            /* said once, without the text: it may be anything typed */
            if (!b->stray_text++)
                hh_msg_xsd_content_stray_text(b->d, b->name, xmlGetLineNo(c), "households");
            b->st.refused += b->stray_text == 1;
        }
        xmlFreeNode(c);
    }
}

/* A batch is fed to libxml2's push parser piece by piece, each piece ending where
 * an element directly below the root ends; after each, the household it completed
 * is handed over. An error further on cannot take back what was handed over, and
 * what it costs is named: the households after the last one read. */
static hh_read_stats read_batch(scanner *s, const char *name, hh_diags *d, hh_form_handler handler, void *arg)
{
    batch b = { s, name, d, handler, arg, { 0, 0, 0 }, 1, 0, 0, 0, 0 };
    parse_error pe;
    memset(&pe, 0, sizeof pe);
    xmlParserCtxtPtr ctxt = xmlCreatePushParserCtxt(NULL, NULL, NULL, 0, name);
    if (!ctxt || xmlCtxtResetPush(ctxt, NULL, 0, name, FORM_ENCODING) != 0) {
        xmlFreeParserCtxt(ctxt);
        hh_msg_xml_read(d, name, 0, "", "cannot start the XML parser");
        b.st.refused = 1;
        return b.st;
    }
    /* no dictionary: the names of a million elements are freed with them */
    xmlCtxtUseOptions(ctxt, FORM_PARSE_OPTIONS | XML_PARSE_NODICT);
    bool failed = false, root_checked = false, root_closed = false;
    while (!failed && !b.st.stopped && !root_closed) {
        ssize_t n = next_piece(s);
        if (n < 0)
            break;
        xmlSetStructuredErrorFunc(&pe, on_parse_error);
        int rc = xmlParseChunk(ctxt, s->pending.data + s->handed, (int)n, n == 0);
        xmlSetStructuredErrorFunc(NULL, NULL);
        s->handed += (size_t)n;
        failed = rc != 0 || !ctxt->wellFormed;
        xmlNodePtr root = ctxt->myDoc ? xmlDocGetRootElement(ctxt->myDoc) : NULL;
        if (ctxt->myDoc && ctxt->myDoc->intSubset) {
            refuse(s, REFUSED_DOCTYPE, NULL);
            break;
        }
        if (root && !root_checked) {
            if (!in_form_namespace(root) || !xmlStrEqual(root->name, BAD_CAST "households")) {
                wrong_root(d, name, root);
                b.st.refused++;
                xmlFreeDoc(ctxt->myDoc);
                xmlFreeParserCtxt(ctxt);
                return b.st;
            }
            root_checked = true;
            b.read_to = xmlGetLineNo(root);
        }
        if (!failed && root)
            take_children(&b, root, ctxt->nodeNr > 1 ? ctxt->nodeTab[1] : NULL);
        root_closed = !failed && root && ctxt->nodeNr == 0;
        if (n == 0)
            break;
    }
    if (b.skipped > HH_SKIPPED_NAMED)
        hh_msg_xml_skipped(d, name, b.skipped_line, "", b.skipped - HH_SKIPPED_NAMED);
    if (root_closed && !b.st.stopped) {
        /* only comments, processing instructions and white space may follow */
        xmlSetStructuredErrorFunc(&pe, on_parse_error);
        ssize_t n;
        while (!failed && (n = next_piece(s)) >= 0) {
            failed = xmlParseChunk(ctxt, s->pending.data + s->handed, (int)n, n == 0) != 0 || !ctxt->wellFormed;
            s->handed += (size_t)n;
            if (n == 0)
                break;
        }
        xmlSetStructuredErrorFunc(NULL, NULL);
    }
    if ((failed || s->refused || (!root_closed && !b.st.stopped)) && !b.st.stopped) {
        long line = report_file_problem(d, name, s, &pe, !root_closed && (stopped_at_end(s, &pe) || !pe.seen));
        if (!root_closed) /* name what the error cost: every household after the last one read */
            hh_msg_xml_not_read(d, name, b.read_to, "", b.read_to, line);
        b.st.refused++;
    }
    xmlFreeDoc(ctxt->myDoc);
    xmlFreeParserCtxt(ctxt);
    return b.st;
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
    hh_form_input form = { NULL, name, 1, 1, s->pending.data, s->pending.len, false };
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
    if (s->fd < 0 && s->mem_len <= MEMORY_RESERVED_MAX) /* a form in memory (a request's body): room at once */
        hh_buf_reserve(&s->pending, s->mem_len);
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

/* Takes the document of a one-form input; a batch is not one form. */
static int take_one(hh_form_input *form, void *arg)
{
    if (!form->batch_member) {
        *(xmlDocPtr *)arg = form->doc;
        form->doc = NULL;
    }
    return 1;
}

xmlDocPtr hh_read_one_form(const char *data, size_t len, const char *name, hh_diags *d)
{
    hh_diags own;
    hh_diags_init(&own);
    xmlDocPtr doc = NULL;
    hh_read_forms_memory(data, len, name, d ? d : &own, take_one, &doc);
    hh_diags_free(&own);
    return doc;
}
