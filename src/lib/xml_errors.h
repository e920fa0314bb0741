/* xml_errors.h — libxml2's errors about a form as hhreg's messages, in English and
 * Chinese. libxml2's own texts quote what they stopped at: the value that failed a
 * pattern, the bytes of a GBK name, the text of an unclosed comment — personal
 * data. These messages are built from the error's kind (its code), the item and
 * what the schema expects (a pattern, a code list, a bound, a type: the schema's,
 * not the form's) and never carry a value from the form. */
#ifndef HH_XML_ERRORS_H
#define HH_XML_ERRORS_H

#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "diag.h"

/* Adds the schema validation error `e` about a form in `file` at `line` to `d`: the
 * rule id by class (XSD-CODE, XSD-PATTERN, ...), the item's path (down to the
 * attribute) and a message saying what `xsd` expects there. */
void hh_diags_add_schema_error(hh_diags *d, const char *file, long line, const xmlError *e,
                               const xmlSchema *xsd);

/* A name from the form (an element's, an attribute's) as messages may repeat it:
 * plain ASCII names as they are, anything else — a person's name typed as a tag —
 * as "…". */
void hh_put_safe_name(const char *name, hh_buf *out);
/* The item's path (hh_node_path), stopping at the nearest ancestor with a plain
 * name and ending in "/…" where a name is not plain. */
void hh_safe_node_path(const xmlNode *node, hh_buf *out);

/* A parser (well-formedness) error, kept without the text it stopped at: its code
 * and, for a tag error, the element's name (as hh_put_safe_name) and line. */
typedef struct hh_parse_message {
    int code;
    int opened_on;
    char element[72];
} hh_parse_message;

/* Fills `out` for the parser error `e` (NULL: not known). */
void hh_parse_message_set(hh_parse_message *out, const xmlError *e);
/* Adds the parser error `m` about `file` at `line` to `d` (rule XML-PARSE). */
void hh_diags_add_parse_error(hh_diags *d, const char *file, long line, const hh_parse_message *m);

#endif
