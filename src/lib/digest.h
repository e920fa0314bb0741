/* digest.h — the identity of a form's content: SHA-256 (OpenSSL) over its Canonical
 * XML 1.0 serialisation without comments, so the same form gives the same digest
 * whether it came alone in a file or inside a batch, whatever its quoting style. */
#ifndef HH_DIGEST_H
#define HH_DIGEST_H

#include <libxml/tree.h>

/* Writes 64 lowercase hex digits and a NUL to `hex`; returns 0, or -1 on failure. */
int hh_form_digest(xmlDocPtr doc, char hex[65]);

#endif
