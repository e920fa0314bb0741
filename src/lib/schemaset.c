/* schemaset.c — compiling the XSD and the rules file of a schema directory. Only
 * while this runs may libxml2 read files, and only below that directory
 * (xml_policy.c). */
#include "schemaset.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"
#include "diag.h"
#include "xml_policy.h"

const char *hh_default_schema_dir(void)
{
    return HH_SCHEMA_DIR;
}

static void schema_error(void *arg, xmlErrorPtr e)
{
    hh_buf *err = arg;
    if (err->len == 0 && e && e->level >= XML_ERR_ERROR)
        hh_buf_printf(err, "%s:%d: %s", e->file ? e->file : hh_tr("schema", "模式"), e->line,
                      e->message ? e->message : hh_tr("schema error", "模式错误"));
}

/* The XSD, read once: the schema compiler and the code lists' labels both take it
 * (reading it twice was a seventh of a one-form `hhreg validate`, callgrind). */
static xmlDocPtr read_xsd(const char *path, hh_buf *err)
{
    xmlSetStructuredErrorFunc(err, schema_error);
    xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOENT);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc && err->len == 0)
        hh_buf_printf(err, hh_tr("%s: cannot read the form schema", "%s：无法读取表单模式"), path);
    return doc;
}

static xmlSchemaPtr compile_xsd(xmlDocPtr doc, const char *path, hh_buf *err)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(doc);
    if (!pc) {
        hh_buf_printf(err, hh_tr("%s: cannot read the form schema", "%s：无法读取表单模式"), path);
        return NULL;
    }
    xmlSchemaSetParserStructuredErrors(pc, schema_error, err);
    xmlSchemaPtr xsd = xmlSchemaParse(pc);
    xmlSchemaFreeParserCtxt(pc);
    if (!xsd && err->len == 0)
        hh_buf_printf(err, hh_tr("%s: the form schema does not compile", "%s：表单模式无法编译"), path);
    return xsd;
}

hh_schemaset *hh_schemaset_load(const char *dir, hh_buf *err)
{
    if (!dir)
        dir = hh_default_schema_dir();
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        hh_buf_printf(err, hh_tr("%s: schema directory not found (use --schema-dir)",
                                 "%s：找不到模式目录（请用 --schema-dir 指定）"),
                      dir);
        return NULL;
    }
    hh_schemaset *s = hh_xcalloc(1, sizeof *s);
    s->dir = hh_xstrdup(dir);
    char *xsd_path = hh_xasprintf("%s/%s", dir, HH_FORM_XSD);
    char *rules_path = hh_xasprintf("%s/%s", dir, HH_RULES_FILE);
    hh_xml_allow_dir(dir);
    xmlDocPtr doc = read_xsd(xsd_path, err);
    if (doc) {
        /* the labels first: the schema compiler may edit the document it is given */
        s->labels = hh_code_labels_of(doc);
        s->xsd = compile_xsd(doc, xsd_path, err);
        xmlFreeDoc(doc);
    }
    if (s->xsd)
        s->rules = hh_rules_load(rules_path, err);
    hh_xml_allow_dir(NULL);
    if (s->rules)
        hh_rules_use_labels(s->rules, s->labels);
    free(xsd_path);
    free(rules_path);
    if (!s->xsd || !s->rules || !s->labels) {
        hh_schemaset_free(s);
        return NULL;
    }
    return s;
}

hh_ruleset *hh_schemaset_own_rules(const hh_schemaset *set, hh_buf *err)
{
    char *path = hh_xasprintf("%s/%s", set->dir, HH_RULES_FILE);
    hh_xml_allow_dir(set->dir);
    hh_ruleset *own = hh_rules_load(path, err);
    hh_xml_allow_dir(NULL);
    free(path);
    if (own)
        hh_rules_use_labels(own, set->labels);
    return own;
}

void hh_schemaset_free(hh_schemaset *s)
{
    if (!s)
        return;
    if (s->xsd)
        xmlSchemaFree(s->xsd);
    hh_rules_free(s->rules);
    hh_code_labels_free(s->labels);
    free(s->dir);
    free(s);
}
