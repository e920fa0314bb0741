/* xml_errors.c — libxml2's errors about a form told without the form's values (see
 * xml_errors.h).
 *
 * What is taken from a libxml2 error: its code; its node (for the item's path); for
 * a facet error the facet, which libxml2 2.9 passes as str2 (str3 for the length of
 * an attribute) — a facet comes from the schema, and is dropped anyway if it
 * contains the value found; and, parsed from the fixed parts of its text, the names
 * of an attribute, of the type and of the expected elements — names of the schema
 * (or of the form's structure), never a value. Messages come from the catalogue
 * (messages.def), each through its typed function. */
#include "xml_errors.h"

#include <stdio.h>
#include <string.h>
#include <libxml/schemasInternals.h>
#include <libxml/tree.h>

#include "dates.h"
#include "messages.h"
#include "nodepath.h"

/* --- schema (XSD) errors -------------------------------------------------------- */

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

/* A message of messages.def without arguments, or with a facet of the schema. */
typedef void say_plain(hh_diags *d, const char *file, long line, const char *path);
typedef void say_facet(hh_diags *d, const char *file, long line, const char *path, const char *facet);

/* A type error about the text of libxml2's error `msg` on `value`: told by the
 * built-in type the type is made from (XSD-TYPE-date for one made from xs:date, or
 * XSD-TYPE-date-day for a day its month lacks, 1950-02-30), else with the schema's
 * name of the type (XSD-TYPE), else without (XSD-TYPE-ANY). The type is the last
 * quoted name of libxml2's text ("... of the atomic type '{ns}T'."). */
static void type_error(hh_diags *d, const char *file, long line, const char *path, const char *msg,
                       const char *value, const xmlSchema *xsd)
{
    static const struct {
        const char *base;
        say_plain *say;
    } by_base[] = {
        { "date", hh_msg_xsd_type_date },
        { "gYearMonth", hh_msg_xsd_type_gyearmonth },
        { "boolean", hh_msg_xsd_type_boolean },
        { "positiveInteger", hh_msg_xsd_type_positiveinteger },
        { "nonNegativeInteger", hh_msg_xsd_type_nonnegativeinteger },
        { "integer", hh_msg_xsd_type_integer },
        { "decimal", hh_msg_xsd_type_decimal },
    };
    const char *close = msg ? strrchr(msg, '\'') : NULL;
    const char *open = close;
    while (open && open > msg && open[-1] != '\'')
        open--;
    hh_buf name;
    hh_buf_init(&name);
    if (!open || open - msg < 7 || strncmp(open - 6, "type '", 6) != 0 || !put_names(open, close, &name)) {
        hh_msg_xsd_type_any(d, file, line, path);
        hh_buf_free(&name);
        return;
    }
    /* the built-in type it is made from */
    const char *base = NULL;
    if (strncmp(name.data, "xs:", 3) == 0) {
        base = name.data + 3;
    } else {
        /* only a name the schema declares is repeated: for a local type libxml2
         * quotes no type, and the last quoted text would be the value's */
        xmlSchemaTypePtr t = xsd && xsd->typeDecl ? xmlHashLookup(xsd->typeDecl, BAD_CAST name.data) : NULL;
        if (!t) {
            hh_msg_xsd_type_any(d, file, line, path);
            hh_buf_free(&name);
            return;
        }
        for (int depth = 0; t && t->type != XML_SCHEMA_TYPE_BASIC && depth < 32; depth++)
            t = t->baseType;
        base = t ? (const char *)t->name : NULL;
    }
    size_t i = 0;
    while (i < sizeof by_base / sizeof by_base[0] && !(base && strcmp(base, by_base[i].base) == 0))
        i++;
    if (i == 0 && value && hh_day_past_month_end(value))
        hh_msg_xsd_type_date_day(d, file, line, path);
    else if (i < sizeof by_base / sizeof by_base[0])
        by_base[i].say(d, file, line, path);
    else
        hh_msg_xsd_type(d, file, line, path, name.data);
    hh_buf_free(&name);
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
    hh_buf path_buf, attr, words;
    hh_buf_init(&path_buf);
    hh_buf_init(&attr);
    hh_buf_init(&words);
    int on_attribute = attribute_name(msg, &attr);
    const xmlAttr *a = on_attribute && node ? xmlHasProp(node, BAD_CAST attr.data) : NULL;
    hh_safe_node_path(a ? (const xmlNode *)a : node, &path_buf);
    const char *path = path_buf.data;
    int value_read = e->code == XML_SCHEMAV_CVC_PATTERN_VALID || e->code == XML_SCHEMAV_CVC_ENUMERATION_VALID ||
                      (e->code >= XML_SCHEMAV_CVC_MININCLUSIVE_VALID && e->code <= XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID) ||
                      (e->code >= XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1 && e->code <= XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3);
    xmlChar *value = value_read ? value_of(node, on_attribute ? attr.data : NULL) : NULL;
    const char *v = (const char *)value;
    const char *f;

    switch (e->code) {
    case XML_SCHEMAV_CVC_PATTERN_VALID:
        if ((f = facet(e->str2, v)))
            hh_msg_xsd_pattern(d, file, line, path, f);
        else
            hh_msg_xsd_pattern_any(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        if ((f = facet(e->str2, v)))
            code_list(f, &words);
        if (words.len)
            hh_msg_xsd_code(d, file, line, path, words.data);
        else
            hh_msg_xsd_code_any(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_MININCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXINCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MINEXCLUSIVE_VALID:
    case XML_SCHEMAV_CVC_MAXEXCLUSIVE_VALID: {
        static say_facet *const says[] = { hh_msg_xsd_range_min, hh_msg_xsd_range_max, hh_msg_xsd_range_min_exclusive,
                                           hh_msg_xsd_range_max_exclusive };
        if ((f = facet(e->str2, v)))
            says[e->code - XML_SCHEMAV_CVC_MININCLUSIVE_VALID](d, file, line, path, f);
        else
            hh_msg_xsd_range(d, file, line, path);
        break;
    }
    case XML_SCHEMAV_CVC_LENGTH_VALID:
    case XML_SCHEMAV_CVC_MINLENGTH_VALID:
    case XML_SCHEMAV_CVC_MAXLENGTH_VALID: {
        static say_facet *const says[] = { hh_msg_xsd_length, hh_msg_xsd_length_min, hh_msg_xsd_length_max };
        /* an element's: (its length, the facet); an attribute's: (value, its length, facet) */
        f = e->str3 ? e->str3 : e->str2;
        if (all_digits(f))
            says[e->code - XML_SCHEMAV_CVC_LENGTH_VALID](d, file, line, path, f);
        else
            hh_msg_xsd_length_any(d, file, line, path);
        break;
    }
    case XML_SCHEMAV_CVC_FRACTIONDIGITS_VALID:
    case XML_SCHEMAV_CVC_TOTALDIGITS_VALID:
        if (!all_digits(e->str2))
            hh_msg_xsd_type_any(d, file, line, path);
        else if (e->code == XML_SCHEMAV_CVC_TOTALDIGITS_VALID)
            hh_msg_xsd_type_digits_total(d, file, line, path, e->str2);
        else
            hh_msg_xsd_type_digits_fraction(d, file, line, path, e->str2);
        break;
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
        type_error(d, file, line, path, msg, v, xsd);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
        if (put_name(e->str1, &words))
            hh_msg_xsd_attribute_missing(d, file, line, path, words.data);
        else
            hh_msg_xsd_attribute_missing_any(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_TYPE_3_1_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
    case XML_SCHEMAV_CVC_AU:
        hh_msg_xsd_attribute(d, file, line, path);
        break;
    case XML_SCHEMAV_ELEMENT_CONTENT:
        if (!copy_names(msg, "Expected is ( ", " )", &words))
            hh_msg_xsd_content_unexpected_any(d, file, line, path);
        else if (strstr(msg, "Missing child element"))
            hh_msg_xsd_content_missing(d, file, line, path, words.data);
        else
            hh_msg_xsd_content_unexpected(d, file, line, path, words.data);
        break;
    case XML_SCHEMAV_CVC_TYPE_3_1_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_2:
        hh_msg_xsd_content_simple(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
        hh_msg_xsd_content_empty(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
        hh_msg_xsd_content_text(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_ELT_1:
        hh_msg_xsd_root(d, file, line, path);
        break;
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_4:
        hh_msg_xsd_content(d, file, line, path, e->code);
        break;
    default: /* told with libxml2's code */
        hh_msg_xsd_structure(d, file, line, path, e->code);
    }
    xmlFree(value);
    hh_buf_free(&path_buf);
    hh_buf_free(&attr);
    hh_buf_free(&words);
}

/* --- parser (well-formedness) errors -------------------------------------------- */

void hh_parse_message_set(hh_parse_message *out, const xmlError *e)
{
    memset(out, 0, sizeof *out);
    if (!e)
        return;
    out->code = e->code;
    out->opened_on = e->int1;
    /* the element a tag error is about: a name of the form's structure, which XML
     * keeps free of quotes, spaces and controls; a long one is not repeated */
    hh_buf name;
    hh_buf_init(&name);
    hh_put_safe_name(e->str1, &name);
    snprintf(out->element, sizeof out->element, "%s", name.data);
    hh_buf_free(&name);
}

void hh_diags_add_parse_error(hh_diags *d, const char *file, long line, const hh_parse_message *m)
{
    switch (m->code) {
    case XML_ERR_TAG_NAME_MISMATCH:
        hh_msg_xml_parse_tag(d, file, line, "", m->element, m->opened_on);
        break;
    case XML_ERR_TAG_NOT_FINISHED:
        hh_msg_xml_parse_unclosed(d, file, line, "", m->element, m->opened_on);
        break;
    case XML_ERR_GT_REQUIRED:
        hh_msg_xml_parse_start_tag(d, file, line, "", m->element, m->opened_on);
        break;
    case XML_ERR_INVALID_CHAR:
    case XML_ERR_INVALID_ENCODING:
        hh_msg_xml_parse_char(d, file, line, "");
        break;
    case XML_ERR_INVALID_HEX_CHARREF:
    case XML_ERR_INVALID_DEC_CHARREF:
    case XML_ERR_INVALID_CHARREF:
        hh_msg_xml_parse_charref(d, file, line, "");
        break;
    case XML_ERR_UNDECLARED_ENTITY:
    case XML_WAR_UNDECLARED_ENTITY:
    case XML_ERR_UNPARSED_ENTITY:
    case XML_ERR_ENTITY_LOOP:
        hh_msg_xml_parse_entity(d, file, line, "");
        break;
    case XML_ERR_ENTITYREF_NO_NAME:
    case XML_ERR_ENTITYREF_SEMICOL_MISSING:
        hh_msg_xml_parse_amp(d, file, line, "");
        break;
    case XML_ERR_LT_IN_ATTRIBUTE:
    case XML_ERR_ATTRIBUTE_NOT_STARTED:
    case XML_ERR_ATTRIBUTE_NOT_FINISHED:
    case XML_ERR_ATTRIBUTE_WITHOUT_VALUE:
    case XML_ERR_STRING_NOT_STARTED:
    case XML_ERR_STRING_NOT_CLOSED:
        hh_msg_xml_parse_attribute(d, file, line, "");
        break;
    case XML_ERR_ATTRIBUTE_REDEFINED:
        hh_msg_xml_parse_attribute_twice(d, file, line, "");
        break;
    case XML_ERR_COMMENT_NOT_FINISHED:
    case XML_ERR_CDATA_NOT_FINISHED:
    case XML_ERR_PI_NOT_STARTED:
    case XML_ERR_PI_NOT_FINISHED:
    case XML_ERR_HYPHEN_IN_COMMENT:
        hh_msg_xml_parse_comment(d, file, line, "");
        break;
    case XML_ERR_NAME_REQUIRED:
    case XML_ERR_NAME_TOO_LONG:
        hh_msg_xml_parse_name(d, file, line, "");
        break;
    case XML_NS_ERR_UNDEFINED_NAMESPACE:
        hh_msg_xml_parse_namespace(d, file, line, "");
        break;
    case XML_ERR_DOCUMENT_END:
    case XML_ERR_EXTRA_CONTENT:
    case XML_ERR_NOT_WELL_BALANCED:
        hh_msg_xml_parse_extra(d, file, line, "");
        break;
    case XML_ERR_DOCUMENT_START:
    case XML_ERR_DOCUMENT_EMPTY:
        hh_msg_xml_parse_start(d, file, line, "");
        break;
    case XML_ERR_XMLDECL_NOT_STARTED:
    case XML_ERR_XMLDECL_NOT_FINISHED:
    case XML_ERR_RESERVED_XML_NAME:
    case XML_ERR_UNKNOWN_ENCODING:
    case XML_ERR_UNSUPPORTED_ENCODING:
    case XML_ERR_ENCODING_NAME:
        hh_msg_xml_parse_declaration(d, file, line, "");
        break;
    case XML_ERR_INTERNAL_ERROR:
    case XML_ERR_NO_MEMORY:
        hh_msg_xml_parse_limit(d, file, line, "");
        break;
    default:
        hh_msg_xml_parse(d, file, line, "", m->code);
    }
}
