/* input.h — reading forms from untrusted bytes.
 *
 * A file holds one form (root <household>) or a batch (root <households> with many
 * <household> children). Either way the bytes are read through a scanner that
 * refuses, before libxml2 builds anything, a DOCTYPE (entities, external DTDs), a
 * non-UTF-8 encoding (by byte order mark, NUL bytes or any XML declaration), an
 * element with too many attributes and a household larger than HH_FORM_MAX_BYTES
 * (counted from the file's start, or in a batch from the household's start tag,
 * whatever is nested inside). libxml2 then parses as UTF-8 with no network, no
 * entity substitution and no DTD loading, and each household is handed to the
 * caller as a standalone document, one at a time, as soon as it has ended, so
 * memory does not grow with the file and an error later in a batch cannot take
 * back a household handed over before it. */
#ifndef HH_INPUT_H
#define HH_INPUT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>
#include "diag.h"

#define HH_FORM_MAX_MIB 4
#define HH_FORM_MAX_BYTES ((size_t)HH_FORM_MAX_MIB << 20)
#define HH_MAX_ATTRIBUTES 64
/* Elements other than households in a batch: this many are named, the rest counted. */
#define HH_SKIPPED_NAMED 10

typedef struct hh_form_input {
    xmlDocPtr doc;          /* root is the household element; a handler may take it (set NULL) */
    const char *file;
    long line;              /* line of the <household> start tag */
    long index;             /* 1-based position of the form in its file */
    const char *original;   /* the form's bytes, stored as they are: a one-form file's exact bytes; a
                               batch member's own, the namespace declarations it borrowed from the
                               batch's root written into its start tag (or NULL: serialize it) */
    size_t original_len;
    bool batch_member;      /* read from a batch (<households>), not a one-form file */
} hh_form_input;

/* Called for each form; return non-zero to stop reading. */
typedef int (*hh_form_handler)(hh_form_input *form, void *arg);

typedef struct hh_read_stats {
    long forms;             /* handed to the handler */
    long refused;           /* file-level refusals (each also added to the diagnostics) */
    int stopped;            /* the handler asked to stop */
} hh_read_stats;

/* Reads every form from `fd` (not closed), naming the input `name` in messages.
 * Problems with the file itself go to `d`. */
hh_read_stats hh_read_forms(int fd, const char *name, hh_diags *d, hh_form_handler handler, void *arg);
/* hh_read_forms that adds the bytes it reads to `bytes_read` (for progress; may be
 * NULL) and, when `deferred`, hands a one-form file over unparsed: form->doc is
 * NULL and form->original holds its bytes (scanned, within the size limit), to be
 * read with hh_read_forms_memory — by another thread, for parallel imports. Batch
 * members are always handed over parsed. */
hh_read_stats hh_read_forms_counted(int fd, const char *name, hh_diags *d, hh_form_handler handler, void *arg,
                                    bool deferred, atomic_size_t *bytes_read);
/* The same for bytes in memory (a stored revision, a test fixture). */
hh_read_stats hh_read_forms_memory(const char *data, size_t len, const char *name, hh_diags *d,
                                   hh_form_handler handler, void *arg);
/* One form held in memory (a stored revision), read as an imported form is read:
 * the same scanner, UTF-8 whatever it declares. Returns its document (the caller
 * frees it), or NULL with the reason in `d` (may be NULL) when it is refused or
 * holds a batch. */
xmlDocPtr hh_read_one_form(const char *data, size_t len, const char *name, hh_diags *d);

#endif
