/* schemaset.h — the compiled schemas of one form version: the XSD, the rules and the
 * code lists' labels (which the rules' messages show), loaded once from a schema
 * directory (the installed $(pkgdatadir)/schemas unless --schema-dir says otherwise)
 * and then shared read-only. */
#ifndef HH_SCHEMASET_H
#define HH_SCHEMASET_H

#include <libxml/xmlschemas.h>
#include "code_labels.h"
#include "rules.h"
#include "util.h"

#define HH_FORM_NS "urn:hhreg:household:1"
#define HH_FORM_XSD "household-1.xsd"
#define HH_RULES_FILE "rules-1.xml"

typedef struct hh_schemaset {
    char *dir;
    xmlSchemaPtr xsd;
    hh_ruleset *rules;
    hh_code_labels *labels;   /* the code lists' labels, read from the XSD: the rules' messages show them */
} hh_schemaset;

/* The directory compiled in at configure time. */
const char *hh_default_schema_dir(void);
/* Loads `dir` (NULL: the default). On failure NULL, with the reason in `err`. */
hh_schemaset *hh_schemaset_load(const char *dir, hh_buf *err);
/* A rule set of the set's own rules file, labels and all, for a checker that keeps
 * one of its own (hh_validator_new_private); NULL with `err`. */
hh_ruleset *hh_schemaset_own_rules(const hh_schemaset *set, hh_buf *err);
void hh_schemaset_free(hh_schemaset *s);

#endif
