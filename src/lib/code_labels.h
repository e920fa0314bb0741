/* code_labels.h — the English and Chinese labels of the form's code lists, read from
 * the XSD (xs:enumeration/xs:annotation/xs:documentation[@xml:lang]) so no label is
 * repeated in C. Loaded once; lookups are hashed. */
#ifndef HH_CODE_LABELS_H
#define HH_CODE_LABELS_H

#include <libxml/tree.h>
#include "util.h"

typedef struct hh_code_labels hh_code_labels;

/* Reads the labels of `xsd_path`; NULL with `err` on failure. */
hh_code_labels *hh_code_labels_load(const char *xsd_path, hh_buf *err);
/* The labels of an XSD already read (the schema set reads it once for both). */
hh_code_labels *hh_code_labels_of(const xmlDoc *xsd);
void hh_code_labels_free(hh_code_labels *l);
/* The codes of `list` in schema order: a malloc'd, NULL-terminated array of
 * strings owned by `l`; NULL when the list has no codes. */
const char **hh_code_list(const hh_code_labels *l, const char *list);
/* ("SexCode", "female", "zh") -> "女"; NULL when unknown. */
const char *hh_code_label(const hh_code_labels *l, const char *list, const char *code, const char *lang);

#endif
