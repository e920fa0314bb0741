/* deflate.h — compressing the XML kept with each revision (zlib format), so a district's
 * store is about half the size and half the bytes are written on import. Lossless:
 * `hhreg show --xml` gives back the form exactly as received. */
#ifndef HH_DEFLATE_H
#define HH_DEFLATE_H

#include <stddef.h>
#include "util.h"

/* A compressor for one thread at a time, reused from form to form. */
typedef struct hh_deflater hh_deflater;
hh_deflater *hh_deflater_new(void);   /* NULL when zlib cannot set up */
void hh_deflater_free(hh_deflater *d);
/* Compresses `data` into `out` (replacing its content); 0, or -1 on failure. */
int hh_deflate(hh_deflater *d, const char *data, size_t len, hh_buf *out);
/* The largest size hh_inflate believes: a form is at most 4 MiB when received
 * (HH_FORM_MAX_BYTES); a batch member may grow a little when it is written out alone. */
#define HH_INFLATE_MAX_BYTES ((size_t)8 << 20)
/* Decompresses `data`, which hh_deflate made from `size` bytes, into `out`; 0, or
 * -1 when the data is damaged (`size` 0 or over HH_INFLATE_MAX_BYTES included). */
int hh_inflate(const void *data, size_t len, size_t size, hh_buf *out);

#endif
