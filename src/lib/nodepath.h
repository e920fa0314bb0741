/* nodepath.h — the item path of a node inside a form, as users read it:
 * `person[3]/birthDate`, `enumeration/@date`, `address/district`. The household
 * root itself is "household". An index is shown where an element has siblings of
 * the same name. */
#ifndef HH_NODEPATH_H
#define HH_NODEPATH_H

#include <libxml/tree.h>
#include "util.h"

void hh_node_path(const xmlNode *node, hh_buf *out);
/* The line of the node (of its element for an attribute); `fallback` when libxml2
 * only knows it is at or beyond line 65535. */
long hh_node_line(const xmlNode *node, long fallback);

#endif
