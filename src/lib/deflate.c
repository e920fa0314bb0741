/* deflate.c — see deflate.h. Level 1: most of the gain for a fraction of the time,
 * and the work is done on the workers, not on the thread that writes the store. */
#include "deflate.h"

#include <zlib.h>

int hh_deflate(const char *data, size_t len, hh_buf *out)
{
    uLongf room = compressBound((uLong)len);
    hh_buf_reset(out);
    out->data = hh_xrealloc(out->data, room + 1);
    out->cap = room + 1;
    if (compress2((Bytef *)out->data, &room, (const Bytef *)data, (uLong)len, 1) != Z_OK)
        return -1;
    out->len = room;
    out->data[out->len] = '\0';
    return 0;
}

int hh_inflate(const void *data, size_t len, size_t size, hh_buf *out)
{
    hh_buf_reset(out);
    out->data = hh_xrealloc(out->data, size + 1);
    out->cap = size + 1;
    uLongf got = (uLongf)size;
    if (uncompress((Bytef *)out->data, &got, (const Bytef *)data, (uLong)len) != Z_OK || got != size) {
        out->len = 0;
        out->data[0] = '\0';
        return -1;
    }
    out->len = size;
    out->data[size] = '\0';
    return 0;
}
