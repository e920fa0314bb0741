/* xml_errors.c — libxml2's errors about a form told without the form's values (see
 * xml_errors.h).
 *
 * What is taken from a libxml2 error: its code; its node (for the item's path); for
 * a facet error the facet, which libxml2 2.9 passes as str2 (str3 for the length of
 * an attribute) — a facet comes from the schema, and is dropped anyway if it
 * contains the value found; and, parsed from the fixed parts of its text, the names
 * of an attribute, of the type and of the expected elements — names of the schema
 * (or of the form's structure), never a value. Messages come from the catalogue
 * (messages.c). */
#include "xml_errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libxml/schemasInternals.h>
#include <libxml/tree.h>

#include "nodepath.h"

/* --- schema (XSD) errors -------------------------------------------------------- */

static const char *schema_rule(int code)
{
    switch (code) {
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        return "XSD-CODE";
    case XML_SCHEMAV_CVC_PATTERN_VALID:
        return "XSD-PATTERN";
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
    case XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID:
    case XML_SCHEMAV_CVC_TOTALDIGITS_VALID:
        return "XSD-TYPE";
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID:
        return "XSD-RANGE";
    case XML_SCHEMAV_CVC_LENGTH_VALID:
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID:
        return "XSD-LENGTH";
    case XML_SCHEMAV_CVC_TYPE_3_1_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
    case XML_SCHEMAV_CVC_AU:
        return "XSD-ATTRIBUTE";
    case XML_SCHEMAV_CVC_ELT_1:
        return "XSD-ROOT";
    case XML_SCHEMAV_ELEMENT_CONTENT:
    case XML_SCHEMAV_CVC_TYPE_3_1_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_4:
        return "XSD-CONTENT";
    default:
        return "XSD-STRUCTURE";
    }
}

/* Appends the names in [p, end) to `out` without namespaces in braces; 0 (and
 * nothing appended) if there are none or the text holds anything but ASCII name
 * characters, spaces, commas, '*' and '#' — a name in Chinese is not repeated. */
static int put_names(const char *p, const char *end, hh_buf *out)
{
    size_t before = out->len;
    int in_braces = 0;
    for (; p < end; p++) {
        if (*p == '{' || *p == '}') {
            in_braces = *p == '{';
            continue;
        }
        if (in_braces)
            continue;
        if (!*p || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-, *#", *p)) {
            out->len = before;
            out->data[before] = '\0';
            return 0;
        }
        hh_buf_putc(out, *p);
    }
    return out->len > before;
}

/* One name: the form's names hold no digit, so a name with one (an ID number made
 * into a tag) is not repeated either. */
static int put_name(const char *s, hh_buf *out)
{
    return s && strlen(s) <= 64 && !strpbrk(s, "0123456789") && put_names(s, s + strlen(s), out);
}

void hh_put_safe_name(const char *name, hh_buf *out)
{
    if (!put_name(name, out))
        hh_buf_puts(out, "…");
}

/* The names between `open` and the next `close` in `text`, as put_names. */
static int copy_names(const char *text, const char *open, const char *close, hh_buf *out)
{
    const char *start = text ? strstr(text, open) : NULL;
    const char *end = start ? strstr(start + strlen(open), close) : NULL;
    return end && put_names(start + strlen(open), end, out);
}

/* libxml2 names an attribute as "Element '{ns}el', attribute '{ns}name': "; XML names
 * hold no quote, so the first quoted part is the element. */
static int attribute_name(const char *msg, hh_buf *out)
{
    if (!msg || strncmp(msg, "Element '", 9) != 0)
        return 0;
    const char *el_end = strchr(msg + 9, '\'');
    if (!el_end || strncmp(el_end, "', attribute '", 14) != 0)
        return 0;
    return copy_names(el_end, "', attribute '", "'", out);
}

/* The item's path. The form's names are plain ASCII; a name that is not may be
 * anything typed (a person's name made into a tag), so the path then stops at the
 * nearest ancestor with a plain name and ends in "/…". */
void hh_safe_node_path(const xmlNode *node, hh_buf *out)
{
    const xmlNode *named = node;
    hh_buf name;
    hh_buf_init(&name);
    while (named && named->name && !put_name((const char *)named->name, &name))
        named = named->type == XML_ATTRIBUTE_NODE || named->type == XML_ELEMENT_NODE ? named->parent : NULL;
    hh_buf_free(&name);
    hh_node_path(named, out);
    if (named != node)
        hh_buf_puts(out, "/…");
}

/* The facet `f` when it is there and does not hold the value (paranoia: a facet
 * comes from the schema); NULL otherwise. */
static const char *facet(const char *f, const char *value)
{
    if (!f || !*f)
        return NULL;
    if (value && *value && strstr(f, value))
        return NULL;
    return f;
}

/* A long code list is cut after whole codes: "'Han', 'Mongol', …". */
static void code_list(const char *set, hh_buf *out)
{
    const size_t max = 160;
    size_t len = strlen(set);
    if (len <= max) {
        hh_buf_puts(out, set);
        return;
    }
    size_t cut = max;
    while (cut > 0 && strncmp(set + cut, ", '", 3) != 0)
        cut--;
    hh_buf_append(out, set, cut);
    hh_buf_puts(out, ", …");
}

static int all_digits(const char *s)
{
    if (!s || !*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

/* The catalogue entry for a type error: "XSD-TYPE-date" for a type made from
 * xs:date, else "XSD-TYPE" with the schema's name of the type in `name`. The type
 * is the last quoted name of libxml2's text ("... of the atomic type '{ns}T'."). */
static const char *type_message(const char *msg, const xmlSchema *xsd, hh_buf *name, hh_buf *id)
{
    const char *close = msg ? strrchr(msg, '\'') : NULL;
    const char *open = close;
    while (open && open > msg && open[-1] != '\'')
        open--;
    if (!open || open - msg < 7 || strncmp(open - 6, "type '", 6) != 0 || !put_names(open, close, name))
        return "XSD-TYPE-ANY";
    /* the built-in type it is made from */
    const char *base = NULL;
    if (strncmp(name->data, "xs:", 3) == 0) {
        base = name->data + 3;
    } else {
        /* only a name the schema declares is repeated: for a local type libxml2
         * quotes no type, and the last quoted text would be the value's */
        xmlSchemaTypePtr t = xsd && xsd->typeDecl ? xmlHashLookup(xsd->typeDecl, BAD_CAST name->data) : NULL;
        if (!t) {
            hh_buf_free(name);
            hh_buf_init(name);
            return "XSD-TYPE-ANY";
        }
        for (int depth = 0; t && t->type != XML_SCHEMA_TYPE_BASIC && depth < 32; depth++)
            t = t->baseType;
        base = t ? (const char *)t->name : NULL;
    }
    const char *en, *zh;
    hh_buf_printf(id, "XSD-TYPE-%s", base ? base : "");
    return base && hh_message_lookup(id->data, &en, &zh) ? id->data : "XSD-TYPE";
}

/* The value the error is about: the attribute's or the element's text (xmlFree). */
static xmlChar *value_of(const xmlNode *node, const char *attribute)
{
    if (!node)
        return NULL;
    if (attribute)
        return xmlGetProp(node, BAD_CAST attribute);
    return xmlNodeGetContent(node);
}

void hh_diags_add_schema_error(hh_diags *d, const char *file, long line, const xmlError *e,
                               const xmlSchema *xsd)
{
    const xmlNode *node = e->node;
    const char *msg = e->message;
    const char *rule = schema_rule(e->code);
    hh_buf path, attr, words, id;
    hh_buf_init(&path);
    hh_buf_init(&attr);
    hh_buf_init(&words);
    hh_buf_init(&id);
    int on_attribute = attribute_name(msg, &attr);
    const xmlAttr *a = on_attribute && node ? xmlHasProp(node, BAD_CAST attr.data) : NULL;
    hh_safe_node_path(a ? (const xmlNode *)a : node, &path);
    int facet_error = e->code == XML_SCHEMAV_CVC_PATTERN_VALID || e->code == XML_SCHEMAV_CVC_ENUMERATION_VALID ||
                      (e->code >= XML_SCHEMAV_CVC_MININCLUSIVE_VALID && e->code <= XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID);
    xmlChar *value = facet_error ? value_of(node, on_attribute ? attr.data : NULL) : NULL;
    const char *v = (const char *)value;
    const char *f;

#define ADD(message, ...) hh_diags_addmsg_as(d, file, line, HH_ERROR, rule, message, path.data, __VA_ARGS__)
    switch (e->code) {
    case XML_SCHEMAV_CVC_PATTERN_VALID:
        if ((f = facet(e->str2, v)))
            ADD("XSD-PATTERN", f);
        else
            ADD("XSD-PATTERN-ANY", 0);
        break;
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        if ((f = facet(e->str2, v)))
            code_list(f, &words);
        ADD(words.len ? "XSD-CODE" : "XSD-CODE-ANY", words.data);
        break;
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID: {
        static const char *ids[] = { "XSD-RANGE-MIN", "XSD-RANGE-MAX", "XSD-RANGE-MIN-EXCLUSIVE",
                                     "XSD-RANGE-MAX-EXCLUSIVE" };
        if ((f = facet(e->str2, v)))
            ADD(ids[e->code - XML_SCHEMAV_CVC_MININCLUSIVE_VALID], f);
        else
            ADD("XSD-RANGE", 0);
        break;
    }
    case XML_SCHEMAV_CVC_LENGTH_VALID:
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID: {
        static const char *ids[] = { "XSD-LENGTH", "XSD-LENGTH-MIN", "XSD-LENGTH-MAX" };
        /* an element's: (its length, the facet); an attribute's: (value, its length, facet) */
        f = e->str3 ? e->str3 : e->str2;
        if (all_digits(f))
            ADD(ids[e->code - XML_SCHEMAV_CVC_LENGTH_VALID], f);
        else
            ADD("XSD-LENGTH-ANY", 0);
        break;
    }
    case XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID:
    case XML_SCHEMAV_CVC_TOTALDIGITS_VALID:
        if (all_digits(e->str2))
            ADD(e->code == XML_SCHEMAV_CVC_TOTALDIGITS_VALID ? "XSD-DIGITS-TOTAL" : "XSD-DIGITS-FRACTION", e->str2);
        else
            ADD("XSD-TYPE-ANY", 0);
        break;
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
        ADD(type_message(msg, xsd, &words, &id), words.data);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        if (put_name(e->str1, &words))
            ADD("XSD-ATTRIBUTE-MISSING", words.data);
        else
            ADD("XSD-ATTRIBUTE-MISSING-ANY", 0);
        break;
    case XML_SCHEMAV_CVC_TYPE_3_1_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
    case XML_SCHEMAV_CVC_AU:
        ADD("XSD-ATTRIBUTE", 0);
        break;
    case XML_SCHEMAV_ELEMENT_CONTENT:
        if (!copy_names(msg, "Expected is ( ", " )", &words))
            ADD("XSD-CONTENT-UNEXPECTED-ANY", 0);
        else if (strstr(msg, "Missing child element"))
            ADD("XSD-CONTENT-MISSING", words.data);
        else
            ADD("XSD-CONTENT-UNEXPECTED", words.data);
        break;
    case XML_SCHEMAV_CVC_TYPE_3_1_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_2:
        ADD("XSD-CONTENT-SIMPLE", 0);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
        ADD("XSD-CONTENT-EMPTY", 0);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
        ADD("XSD-CONTENT-TEXT", 0);
        break;
    case XML_SCHEMAV_CVC_ELT_1:
        ADD("XSD-ROOT", 0);
        break;
    default: /* XSD-CONTENT or XSD-STRUCTURE, told with libxml2's code */
        ADD(rule, e->code);
    }
#undef ADD
    xmlFree(value);
    hh_buf_free(&path);
    hh_buf_free(&attr);
    hh_buf_free(&words);
    hh_buf_free(&id);
}

/* --- parser (well-formedness) errors -------------------------------------------- */

static const char *parse_message_id(int code)
{
    switch (code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        return "XML-PARSE-TAG";
    case XML_ERR_TAG_NOT_FINISHED:
        return "XML-PARSE-UNCLOSED";
    case XML_ERR_GT_REQUIRED:
        return "XML-PARSE-START-TAG";
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_ENCODING:
        return "XML-PARSE-CHAR";
    case XML_ERR_INVALID_HEX_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_CHARREF:
        return "XML-PARSE-CHARREF";
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_UNPARSED_ENTITY:
    case XML_ERR_ENTITY_LOOP:
        return "XML-PARSE-ENTITY";
    case XML_ERR_ENTITYREF_NO_NAME:
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        return "XML-PARSE-AMP";
    case XML_ERR_LT_IN_ATTRIBUTE:
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_STRING_NOT_STARTED:
    case XML_ERR_STRING_NOT_CLOSED:
        return "XML-PARSE-ATTRIBUTE";
    case XML_ERR_ATTRIBUTE_REDEFINED:
        return "XML-PARSE-ATTRIBUTE-TWICE";
    case XML_ERR_COMMENT_NOT_FINISHED:
    case XML_ERR_CDATA_NOT_FINISHED:
    case XML_ERR_PI_NOT_STARTED:
    case XML_ERR_PI_NOT_FINISHED:
    case XML_ERR_HYPHEN_IN_COMMENT:
        return "XML-PARSE-COMMENT";
    case XML_ERR_NAME_REQUIRED:
    case XML_ERR_NAME_TOO_LONG:
        return "XML-PARSE-NAME";
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
        return "XML-PARSE-NAMESPACE";
    case XML_ERR_DOCUMENT_END:
    case XML_ERR_EXTRA_CONTENT:
    case XML_ERR_NOT_WELL_BALANCED:
        return "XML-PARSE-EXTRA";
    case XML_ERR_DOCUMENT_START:
    case XML_ERR_DOCUMENT_EMPTY:
        return "XML-PARSE-START";
    case XML_ERR_XMLDECL_NOT_STARTED:
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_RESERVED_XML_NAME:
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_ENCODING_NAME:
        return "XML-PARSE-DECLARATION";
    case XML_ERR_INTERNAL_ERROR:
    case XML_ERR_NO_MEMORY:
        return "XML-PARSE-LIMIT";
    default:
        return NULL;
    }
}

static void format_into(char *out, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, size, fmt, ap);
    va_end(ap);
}

void hh_parse_message_set(hh_parse_message *out, const xmlError *e)
{
    int code = e ? e->code : 0;
    const char *id = parse_message_id(code);
    const char *en, *zh;
    if (!id || !hh_message_lookup(id, &en, &zh)) {
        hh_message_lookup("XML-PARSE", &en, &zh);
        format_into(out->en, sizeof out->en, en, code);
        format_into(out->zh, sizeof out->zh, zh, code);
        return;
    }
    /* the element a tag error is about: a name of the form's structure, which XML
     * keeps free of quotes, spaces and controls; a long one is not repeated */
    hh_buf name;
    hh_buf_init(&name);
    if (!put_name(e->str1, &name))
        hh_buf_puts(&name, "…");
    format_into(out->en, sizeof out->en, en, name.data, e->int1);
    format_into(out->zh, sizeof out->zh, zh, name.data, e->int1);
    hh_buf_free(&name);
}
