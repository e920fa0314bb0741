/* validate.c — one form through the XSD and the rules (see validate.h).
 *
 * libxml2's schema messages name the element as "Element '{ns}name':"; the path
 * column already says which item, so that prefix and the namespace are cut and the
 * error is classified (code list, pattern, type, range, length, content, attribute)
 * into a stable rule id such as XSD-CODE. */
#include "validate.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/xmlschemas.h>

#include "nodepath.h"
#include "xml_policy.h"

#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

struct hh_validator {
    const hh_schemaset *set;
    hh_ruleset *rules;          /* the set's, or a private copy */
    hh_ruleset *own_rules;
    xmlSchemaValidCtxtPtr vctxt;
    xmlXPathContextPtr xp;
    /* the form being checked, for the error callback */
    const hh_form_input *form;
    hh_diags *out;
};

static const char *classify(int code)
{
    switch (code) {
    case XML_SCHEMAV_CVC_ENUMERATION_VALID:
        return "XSD-CODE";
    case XML_SCHEMAV_CVC_PATTERN_VALID:
        return "XSD-PATTERN";
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_1:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_2:
    case XML_SCHEMAV_CVC_DATATYPE_VALID_1_2_3:
    case XML_SCHEMAV_CVC_TYPE_3_1_1:
    case XML_SCHEMAV_CVC_TYPE_3_1_2:
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
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_3_2_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_4:
    case XML_SCHEMAV_CVC_AU:
        return "XSD-ATTRIBUTE";
    case XML_SCHEMAV_CVC_ELT_1:
        return "XSD-ROOT";
    case XML_SCHEMAV_ELEMENT_CONTENT:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_1:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_2:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_3:
    case XML_SCHEMAV_CVC_COMPLEX_TYPE_2_4:
        return "XSD-CONTENT";
    default:
        return "XSD-STRUCTURE";
    }
}

/* libxml2's message without "Element '...': " / "Element '...', attribute '...': ",
 * without the namespace in braces and without the trailing newline. */
static void clean_message(const char *msg, hh_buf *out)
{
    const char *p = msg;
    if (strncmp(p, "Element '", 9) == 0) {
        const char *colon = strstr(p, "': ");
        if (colon)
            p = colon + 3;
    }
    const char *ns = "{" HH_FORM_NS "}";
    size_t nslen = strlen(ns);
    while (*p) {
        if (strncmp(p, ns, nslen) == 0) {
            p += nslen;
            continue;
        }
        if (*p == '\n' && p[1] == '\0')
            break;
        hh_buf_putc(out, *p++);
    }
    while (out->len && (out->data[out->len - 1] == ' ' || out->data[out->len - 1] == '\n'))
        out->data[--out->len] = '\0';
}

static void on_schema_error(void *arg, xmlErrorPtr e)
{
    hh_validator *v = arg;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    hh_buf path, msg;
    hh_buf_init(&path);
    hh_buf_init(&msg);
    xmlNodePtr node = e->node;
    if (node)
        hh_node_path(node, &path);
    clean_message(e->message ? e->message : "invalid", &msg);
    long line = node ? hh_node_line(node, v->form->line) : (e->line > 0 ? e->line : v->form->line);
    hh_diags_addmsg(v->out, v->form->file, line, HH_ERROR, classify(e->code), path.data, msg.data);
    hh_buf_free(&path);
    hh_buf_free(&msg);
}

hh_validator *hh_validator_new(const hh_schemaset *set)
{
    hh_validator *v = hh_xcalloc(1, sizeof *v);
    v->set = set;
    v->rules = set->rules;
    v->vctxt = xmlSchemaNewValidCtxt(set->xsd);
    v->xp = hh_rules_new_context(set->rules);
    if (!v->vctxt || !v->xp) {
        hh_validator_free(v);
        return NULL;
    }
    xmlSchemaSetValidStructuredErrors(v->vctxt, on_schema_error, v);
    return v;
}

hh_validator *hh_validator_new_private(const hh_schemaset *set)
{
    hh_buf err;
    hh_buf_init(&err);
    char *path = hh_xasprintf("%s/%s", set->dir, HH_RULES_FILE);
    hh_xml_allow_dir(set->dir);
    hh_ruleset *own = hh_rules_load(path, &err);
    hh_xml_allow_dir(NULL);
    free(path);
    hh_buf_free(&err);
    hh_validator *v = own ? hh_validator_new(set) : NULL;
    if (!v) {
        hh_rules_free(own);
        return NULL;
    }
    xmlXPathFreeContext(v->xp);
    v->xp = hh_rules_new_context(own);
    v->rules = v->own_rules = own;
    return v;
}

void hh_validator_free(hh_validator *v)
{
    if (!v)
        return;
    hh_rules_free(v->own_rules);
    if (v->vctxt)
        xmlSchemaFreeValidCtxt(v->vctxt);
    if (v->xp)
        xmlXPathFreeContext(v->xp);
    free(v);
}

/* A form may not point the validator at a schema of its own choosing. */
static size_t check_no_xsi(const xmlNode *node, const hh_form_input *form, hh_diags *d)
{
    size_t errors = 0;
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        for (const xmlAttr *a = node->properties; a; a = a->next) {
            if (a->ns && xmlStrEqual(a->ns->href, BAD_CAST XSI_NS)) {
                hh_buf path;
                hh_buf_init(&path);
                hh_node_path((const xmlNode *)a, &path);
                hh_diags_addmsg(d, form->file, hh_node_line(node, form->line), HH_ERROR, "XML-XSI",
                                path.data, (const char *)a->name);
                hh_buf_free(&path);
                errors++;
            }
        }
        errors += check_no_xsi(node->children, form, d);
    }
    return errors;
}

size_t hh_validator_check(hh_validator *v, const hh_form_input *form, hh_diags *d)
{
    size_t before = d->errors;
    xmlNodePtr root = xmlDocGetRootElement(form->doc);
    check_no_xsi(root, form, d);
    v->form = form;
    v->out = d;
    int rc = xmlSchemaValidateDoc(v->vctxt, form->doc);
    if (rc != 0 && d->errors == before)
        hh_diags_addmsg(d, form->file, form->line, HH_ERROR, "XSD-STRUCTURE", "household",
                        "the form does not match the schema");
    v->form = NULL;
    v->out = NULL;
    if (d->errors == before)
        hh_rules_check(v->rules, v->xp, root, form->file, form->line, d);
    return d->errors - before;
}
