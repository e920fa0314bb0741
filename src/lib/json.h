/* json.h — a small streaming JSON writer over hh_buf, so every command and exporter
 * writes JSON the same way: commas and nesting are tracked, strings escaped.
 *
 *   hh_json j; hh_json_init(&j, &buf);
 *   hh_json_object(&j, NULL);            {
 *   hh_json_str(&j, "id", id);             "id": "...",
 *   hh_json_array(&j, "persons");          "persons": [
 *   ...  hh_json_end(&j);                  ]
 *   hh_json_end(&j);                     }
 * Keys are ignored inside arrays. */
#ifndef HH_JSON_H
#define HH_JSON_H

#include <stdbool.h>
#include "util.h"

#define HH_JSON_MAX_DEPTH 16

typedef struct hh_json {
    hh_buf *out;
    int depth;
    bool first[HH_JSON_MAX_DEPTH];
    bool in_array[HH_JSON_MAX_DEPTH];
} hh_json;

void hh_json_init(hh_json *j, hh_buf *out);
void hh_json_object(hh_json *j, const char *key);
void hh_json_array(hh_json *j, const char *key);
void hh_json_end(hh_json *j);                               /* closes the innermost */
void hh_json_str(hh_json *j, const char *key, const char *value);    /* NULL: null */
void hh_json_int(hh_json *j, const char *key, long value);
void hh_json_int_or_null(hh_json *j, const char *key, long value, long absent);
void hh_json_bool(hh_json *j, const char *key, bool value);
/* Writes `raw` as the value as it is (already JSON). */
void hh_json_raw(hh_json *j, const char *key, const char *raw);

#endif
