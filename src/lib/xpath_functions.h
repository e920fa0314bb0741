/* xpath_functions.h — hhreg's XPath extension functions for the rules file, in
 * namespace urn:hhreg:xpath:1 (see schemas/rules-1.xml for the list). They read the
 * form's enumeration date from an hh_xpath_env set as the XPath context's userData. */
#ifndef HH_XPATH_FUNCTIONS_H
#define HH_XPATH_FUNCTIONS_H

#include <libxml/xpath.h>
#include "dates.h"

#define HH_XPATH_NS "urn:hhreg:xpath:1"

typedef struct hh_xpath_env {
    hhreg_date enumeration;   /* the reference date of the form being checked */
    int has_enumeration;
} hh_xpath_env;

/* The functions' values from their arguments' text (a node's string value), shared
 * with the native evaluation of rules_native.c: hh:id-birth writes YYYY-MM-DD or ''
 * into `out`, hh:id-sex gives 'male', 'female' or '', the numbers are NaN when the
 * text is no date. hh:id-valid is hh_gb11643_valid. */
void hh_fn_id_birth(const char *s, char out[11]);
const char *hh_fn_id_sex(const char *s);
double hh_fn_days(const char *s);
double hh_fn_years(const char *from, const char *to);
double hh_fn_age(const hh_xpath_env *env, const char *birth);

/* Registers every function on `ctxt`; returns 0 on success. */
int hh_xpath_register_functions(xmlXPathContextPtr ctxt);

#endif
