/* xml_policy.h — process-wide libxml2 settings that keep untrusted forms from reaching
 * the file system or the network: a deny-all external entity loader that lets only
 * the schema directory be read, and only while schemas are being compiled.
 * Call hh_xml_policy_init() once, in main, before any thread starts. */
#ifndef HH_XML_POLICY_H
#define HH_XML_POLICY_H

#include "util.h"

void hh_xml_policy_init(void);
/* While `dir` is set (not NULL), files below it may be loaded; NULL denies all. */
void hh_xml_allow_dir(const char *dir);
void hh_xml_policy_cleanup(void);
/* libxml2's version as `hhreg doctor` shows it: the library running and the one
 * hhreg was built with ("2.9.14 (built with 2.9.14)"), appended to `out`. */
void hh_xml_version(hh_buf *out);

#endif
