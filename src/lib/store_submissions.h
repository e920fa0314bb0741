/* store_submissions.h — what `hhreg serve` keeps about forms sent over HTTP: the
 * answer given to each client-generated submission id (Idempotency-Key), so that a
 * retried upload gets the first answer again and stores nothing new, and the
 * current household that holds an address (a new household there is refused).
 * Both are read and written inside the caller's write transaction. */
#ifndef HH_STORE_SUBMISSIONS_H
#define HH_STORE_SUBMISSIONS_H

#include "store.h"

/* The answer kept for `account`'s submission `key`, whose request's body had the
 * SHA-256 `body_sha256` (hex): 1 with *status and *answer (malloc'd JSON); 2 when the
 * answer kept is to another body (the id used again for another request); 0 when
 * there is none; -1 with `err`. */
int hh_store_submission_find(hh_store *s, const char *account, const char *key, const char *body_sha256,
                             int *status, char **answer, hh_buf *err);
/* Keeps the answer to `account`'s submission `key` with body `body_sha256` (about
 * household `household`, or NULL). 0, or -1 with `err` (also when the key is kept
 * already). */
int hh_store_submission_keep(hh_store *s, const char *account, const char *key, const char *body_sha256,
                             const char *household, int status, const char *answer, hh_buf *err);
/* The current (not deleted) household other than `except` (NULL: none) living at
 * room `room` of unit `unit` of building `building` in community `community`:
 * 1 with its id (malloc'd) in *holder; 0 when there is none; -1 with `err`. */
int hh_store_address_holder(hh_store *s, const char *community, const char *building, const char *unit,
                            const char *room, const char *except, char **holder, hh_buf *err);

#endif
