/* validate.h — checking one form: its values without the blanks around them, no
 * schema named by the form itself, then the XSD (structure, types, code lists),
 * then — once the structure is valid — every consistency rule. A validator holds the per-thread contexts; the compiled
 * schema set it uses is shared and read-only. */
#ifndef HH_VALIDATE_H
#define HH_VALIDATE_H

#include "diag.h"
#include "input.h"
#include "schemaset.h"

typedef struct hh_validator hh_validator;

hh_validator *hh_validator_new(const hh_schemaset *set);
/* A validator with its own compiled copy of the rules, for a worker thread (libxml2
 * caches lookups inside compiled XPath as it evaluates). Make it before threads
 * start: it reads the rules file. */
hh_validator *hh_validator_new_private(const hh_schemaset *set);
void hh_validator_free(hh_validator *v);
/* Adds every problem of `form` to `d`; returns the number of errors found. First
 * takes the blanks (spaces, tabs, line ends, U+3000) off both ends of every value
 * of the tree; when there were any, form->original is dropped (NULL), so that the
 * form is stored as it was read, from its tree. */
size_t hh_validator_check(hh_validator *v, hh_form_input *form, hh_diags *d);

#endif
