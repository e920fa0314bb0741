/* store_review.h — the review of forms (store schema 6): a supervisor approves a
 * household's current revision or returns it to the enumerator with a comment for
 * the form and one per item path; a new revision made from it is submitted again.
 *
 * The state of a household is that of its current revision: the latest decision
 * on it, or on the revisions before it that differ from it only in visits (their
 * content digests are equal, digest.h), so recording a visit keeps an approval;
 * "submitted" when there is none. Decisions are appended, never changed (the
 * latest counts), and kept in `hhreg history`. The audit log says who decided what
 * on which revision and how many item comments, never a comment's words. */
#ifndef HH_STORE_REVIEW_H
#define HH_STORE_REVIEW_H

#include <stddef.h>

#include "diag.h"
#include "json.h"
#include "store.h"

typedef enum { HH_REVIEW_SUBMITTED, HH_REVIEW_APPROVED, HH_REVIEW_RETURNED } hh_review_state;

/* "submitted", "approved", "returned"; and back (-1 for another word). */
const char *hh_review_state_name(hh_review_state state);
int hh_review_state_named(const char *name);

/* A comment on one item: its path as `validate` names it (person[2]/birthDate). */
typedef struct hh_review_note {
    char *path, *comment;
} hh_review_note;

/* One decision, or a household's state (state SUBMITTED: no decision holds). */
typedef struct hh_review {
    hh_review_state state;
    int revision;               /* the revision decided on */
    char *reviewer, *at;        /* who and when (UTC, ISO 8601) */
    char *comment;              /* on the form; NULL when none */
    hh_review_note *notes;
    size_t n_notes;
} hh_review;

void hh_review_free(hh_review *r);

/* A decision as lines for a terminal, each begun with `indent`: "returned AT by
 * REVIEWER: COMMENT", then each item comment under it ("  PATH: COMMENT"), what
 * people typed written as text, never as control sequences (hh_buf_put_printable). */
void hh_review_text(hh_buf *b, const hh_review *r, hh_lang lang, const char *indent);

/* A review as JSON (docs/API.md, "Review"): {"state","revision","reviewer","at",
 * "comment","items":[{"path","comment"}]}; a submitted form has only its state and
 * revision. Under `key` in an object (NULL in an array). */
void hh_review_json(hh_json *j, const char *key, const hh_review *r);

/* The state of household `id`'s current revision `revision` into *out (free it).
 * 0; -1 with `err`. */
int hh_review_of(hh_store *s, const char *id, int revision, hh_review *out, hh_buf *err);

/* Whether the review holding for revision `revision` of `id` returned the form
 * (what `due` lists): 1 or 0; -1 with `err`. */
int hh_review_is_returned(hh_store *s, const char *id, int revision, hh_buf *err);

/* What hh_review_decide answers. */
typedef enum {
    HH_DECIDED = 0,
    HH_DECIDE_NO_HOUSEHOLD, /* no current household of that id (or deleted) */
    HH_DECIDE_STALE,        /* the revision is not the current one: another came meanwhile */
    HH_DECIDE_BAD,          /* a return without any comment, or a path that names no item */
    HH_DECIDE_FAILED = -1,  /* the store failed */
} hh_decide_result;

/* Records `reviewer`'s decision (APPROVED or RETURNED) on revision `revision` of
 * household `id` (0: the current one), in its own write transaction with the
 * audit entry (the caller holds none open). A return needs a comment on the form or on an item; every note's path
 * must name an element or attribute of that revision's form (kept as `validate`
 * names it); comments are one line of UTF-8 text without control characters. HH_DECIDED with
 * the decision as kept in *out (free it; NULL: not wanted); anything else leaves a
 * plain reason in `err`, in `lang` (but for a store failure's), that quotes no value
 * of the form and no comment. */
hh_decide_result hh_review_decide(hh_store *s, const char *id, int revision, hh_review_state decision,
                                  const char *comment, const hh_review_note *notes, size_t n_notes,
                                  const char *reviewer, hh_lang lang, hh_review *out, hh_buf *err);
/* What hh_review_decide would answer, and its reason in `lang`, recording nothing:
 * the reason of a refused decision in another language (the server gives both). */
hh_decide_result hh_review_refusal(hh_store *s, const char *id, int revision, hh_review_state decision,
                                   const char *comment, const hh_review_note *notes, size_t n_notes, hh_lang lang,
                                   hh_buf *err);

/* A household in a review listing: its id, address, who enumerated it and when
 * the current revision was stored, and its review. */
typedef struct hh_review_row {
    const char *id, *building, *unit, *room, *enumerator, *stored_at;
    int revision;
    const hh_review *review;
} hh_review_row;

/* A row as JSON, in an array: {"id","building","unit","room","enumerator",
 * "storedAt","review"}. */
void hh_review_row_json(hh_json *j, const hh_review_row *row);

/* Calls `fn` for each current household whose id or area codes start with `area`
 * (NULL: all) in state `state`, in id order (the row valid during the call). 0, or
 * -1 with `err`. */
int hh_review_each(hh_store *s, const char *area, hh_review_state state,
                   void (*fn)(const hh_review_row *row, void *arg), void *arg, hh_buf *err);

/* Calls `fn` for each decision on household `id`, oldest first (for history). */
int hh_review_history(hh_store *s, const char *id, void (*fn)(const hh_review *r, void *arg), void *arg,
                      hh_buf *err);

#endif
