/* digest.h — the identity of a form's content: SHA-256 (OpenSSL) over a canonical
 * walk of its tree. The walk feeds, in document order, each element's namespace and
 * name, its attributes sorted by namespace and name, and its text; it leaves out
 * comments, processing instructions and the whitespace that only indents elements.
 * So the same form gives the same digest whether it came alone or inside a batch,
 * pretty-printed or not, whatever its attribute order or quoting. */
#ifndef HH_DIGEST_H
#define HH_DIGEST_H

#include <libxml/tree.h>

/* SHA-256 of `len` bytes as 64 lowercase hex digits and a NUL; 0, or -1 on failure. */
int hh_sha256_hex(const void *data, size_t len, char hex[65]);
/* The form digest to `form_hex` and, unless NULL, the content digest to
 * `content_hex`, each 64 lowercase hex digits and a NUL, from one walk; 0, or -1 on
 * failure. The content digest is over what a reviewer judges: the form without its
 * visits and without the enumeration's date (which a later visit moves). Two
 * revisions with equal content digests differ only in visits, and a review of one
 * holds for the other (review.h). */
int hh_form_digests(xmlDocPtr doc, char form_hex[65], char content_hex[65]);

#endif
