/* profile.h — a district profile (schemas/district-profile-1.xsd) read into C:
 * which records, the output settings, the row filter, the columns and the code
 * tables. */
#ifndef DCSV_PROFILE_H
#define DCSV_PROFILE_H

#include <stddef.h>

#include "fields.h"
#include "filter.h"

typedef enum { RECORDS_HOUSEHOLDS, RECORDS_PERSONS, RECORDS_VISITS, RECORDS_SPECIAL_GROUPS } records_kind;
typedef enum { ENC_UTF8, ENC_UTF8_BOM, ENC_GB18030 } encoding_kind;

typedef struct code_table {
    char *name;
    item by[4];                  /* the items looked up, joined by a space */
    size_t n_by;
    char **from, **to;
    size_t n;
    char *fallback;              /* <default to=...>, or NULL: keep the value */
} code_table;

typedef struct column {
    char *header;
    item value;
    const code_table *codes;     /* or NULL */
    int width;                   /* fixed-width layout */
    int align_right;
    int as_text;                 /* as="text": kept as text by a spreadsheet */
} column;

typedef struct profile {
    records_kind records;
    encoding_kind encoding;
    int fixed_width;
    char delimiter;
    int header;
    const char *line_end;
    char *date_format;
    int neutralise;
    filter *filter;              /* or NULL: every row */
    column *columns;
    size_t n_columns;
    code_table *tables;
    size_t n_tables;
} profile;

/* Reads and validates `path` against `xsd_path`. NULL with a message naming the
 * file and line in `err` (size `n`). */
profile *profile_load(const char *path, const char *xsd_path, char *err, size_t n);
/* The same for a profile of `len` bytes in memory named `name`, with the schema's text. */
profile *profile_parse(const char *text, int len, const char *name, const char *xsd, int xsd_len, char *err,
                       size_t n);
void profile_free(profile *p);
/* The code of `value` (or of the joined `by` values) in table `t`. */
const char *profile_translate(const code_table *t, const char *key);

#endif
