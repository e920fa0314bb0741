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

/* Registers every function on `ctxt`; returns 0 on success. */
int hh_xpath_register_functions(xmlXPathContextPtr ctxt);

#endif
