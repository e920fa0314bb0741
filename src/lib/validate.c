/* validate.c — one form through the XSD and the rules (see validate.h).
 *
 * libxml2's schema messages quote the values they refuse; each schema error is told
 * instead by xml_errors.c, from its kind, its item and the schema's facet, under a
 * stable rule id such as XSD-CODE. */
#include "validate.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/xmlschemas.h>

#include "messages.h"
#include "nodepath.h"
#include "xml_errors.h"

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

static void on_schema_error(void *arg, xmlErrorPtr e)
{
    hh_validator *v = arg;
    if (!e || e->level < XML_ERR_ERROR)
        return;
    xmlNodePtr node = e->node;
    long line = node ? hh_node_line(node, v->form->line) : (e->line > 0 ? e->line : v->form->line);
    hh_diags_add_schema_error(v->out, v->form->file, line, e, v->set->xsd);
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
    hh_ruleset *own = hh_schemaset_own_rules(set, &err);
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

/* The length of the blank at `s` (a space, tab, line end or the ideographic space
 * U+3000 a Chinese input method types), 0 when there is none. */
static size_t blank_at(const xmlChar *s)
{
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        return 1;
    return s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
}

/* Takes the blanks off both ends of text node `t`; true when there were any. */
static bool trim_text(xmlNodePtr t)
{
    const xmlChar *start = t->content;
    if (!start || !*start)
        return false;
    for (size_t n; (n = blank_at(start)) > 0;)
        start += n;
    const xmlChar *end = start + xmlStrlen(start);
    for (bool more = true; more && end > start;) {
        more = false;
        if (blank_at(end - 1) == 1)
            end--, more = true;
        else if (end - start >= 3 && blank_at(end - 3) == 3)
            end -= 3, more = true;
    }
    if (start == t->content && !*end)
        return false;
    xmlChar *value = xmlStrndup(start, (int)(end - start)); /* start points into what is replaced */
    xmlNodeSetContent(t, value);
    xmlFree(value);
    return true;
}

/* Blanks around a value are not part of it: an export that writes <room> 701 </room>
 * or id=" 5101…-0001 " means 701 and 5101…-0001, as XSD's whitespace rule already
 * reads its token-typed items; taken off here, every value (element text, attribute)
 * reaches the schema, the rules and the store as it is meant. Returns the number of
 * values trimmed. */
static size_t trim_values(xmlNodePtr node)
{
    size_t trimmed = 0;
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttrPtr a = node->properties; a; a = a->next)
            if (a->children && a->children->type == XML_TEXT_NODE && !a->children->next)
                trimmed += trim_text(a->children);
        xmlNodePtr only = node->children;
        if (only && !only->next && only->type == XML_TEXT_NODE)
            trimmed += trim_text(only);
        else
            trimmed += trim_values(node->children);
    }
    return trimmed;
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
                hh_buf path, attribute;
                hh_buf_init(&path);
                hh_buf_init(&attribute);
                hh_safe_node_path((const xmlNode *)a, &path);
                hh_put_safe_name((const char *)a->name, &attribute);
                hh_msg_xml_xsi(d, form->file, hh_node_line(node, form->line), path.data, attribute.data);
                hh_buf_free(&path);
                hh_buf_free(&attribute);
                errors++;
            }
        }
        errors += check_no_xsi(node->children, form, d);
    }
    return errors;
}

size_t hh_validator_check(hh_validator *v, hh_form_input *form, hh_diags *d)
{
    size_t before = d->errors;
    xmlNodePtr root = xmlDocGetRootElement(form->doc);
    if (trim_values(root) > 0) {
        form->original = NULL; /* the form is stored as trimmed: from its tree */
        form->original_len = 0;
    }
    check_no_xsi(root, form, d);
    v->form = form;
    v->out = d;
    int rc = xmlSchemaValidateDoc(v->vctxt, form->doc);
    if (rc != 0 && d->errors == before)
        hh_msg_xsd_structure_any(d, form->file, form->line, "household");
    v->form = NULL;
    v->out = NULL;
    if (d->errors == before)
        hh_rules_check(v->rules, v->xp, root, form->file, form->line, d);
    return d->errors - before;
}
