/* import_work.h — one form's work before the store: validation, reading it into a
 * household, its digest and the XML to keep. Touches no store and no shared state
 * except the compiled XSD, so it runs on any worker thread, each with its own
 * hh_form_worker. The store side (import.c) consumes results in input order. */
#ifndef HH_IMPORT_WORK_H
#define HH_IMPORT_WORK_H

#include <stdbool.h>

#include "deflate.h"
#include "diag.h"
#include "form.h"
#include "input.h"
#include "store.h"
#include "validate.h"

/* What a result is. */
typedef enum hh_result_kind {
    HH_RESULT_FORMS,      /* a form worked on, or the problems of a file's forms */
    HH_RESULT_UNREADABLE, /* an input that could not be opened or read: `why` says why */
} hh_result_kind;

typedef struct hh_form_result {
    hh_result_kind kind;
    char *file;
    long line;
    char *why;                 /* HH_RESULT_UNREADABLE: the system's reason */
    hh_diags diags;            /* the form's problems, or the file's own */
    long refused;              /* forms refused here, including file-level refusals */
    hh_household *household;   /* NULL unless the form is valid */
    char sha256[65];
    char content_sha256[65];   /* without the visits (digest.h): what a review judges */
    char *xml;                 /* the form as received (a batch member: hh_form_input.original), */
    size_t xml_len;            /* compressed with hh_deflate ... */
    size_t xml_size;           /* ... from this many bytes */
} hh_form_result;

/* What one thread needs for the work: its validator and its compressor. */
typedef struct hh_form_worker {
    hh_validator *validator;
    hh_deflater *deflater;
} hh_form_worker;

/* NULL when either part cannot be made. With `own_rules` the validator compiles
 * the rules for itself (libxml2's compiled XPath is not shared between threads). */
hh_form_worker *hh_form_worker_new(const hh_schemaset *set, bool own_rules);
void hh_form_worker_free(hh_form_worker *w);

void hh_form_result_init(hh_form_result *r);
void hh_form_result_free(hh_form_result *r);
/* Works on a parsed form (a batch member, or a one-form file already parsed). */
void hh_work_on_form(hh_form_worker *w, hh_form_input *form, hh_form_result *out);
/* Parses a one-form file's bytes (as read by hh_read_forms_deferred), then the same. */
void hh_work_on_bytes(hh_form_worker *w, const char *name, const char *bytes, size_t len, hh_form_result *out);

/* What storing valid result `r` asks of the store (store.h), from `source`
 * ("file:line", "http:NAME") by `actor`; a delivered form, not an edit: the caller
 * sets base_revision, allow_older or settles where they differ. */
static inline hh_put_request hh_form_result_put(const hh_form_result *r, const char *source, const char *actor)
{
    return (hh_put_request){ .household = r->household, .xml = r->xml, .xml_len = r->xml_len, .xml_size = r->xml_size,
                             .sha256 = r->sha256, .source = source, .actor = actor, .warnings = &r->diags,
                             .file = r->file, .line = r->line, .content_sha256 = r->content_sha256 };
}

#endif
