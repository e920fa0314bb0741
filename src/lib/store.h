/* store.h — the SQLite store of household forms.
 *
 * One file holds households, every revision of every form (its XML as received,
 * kept compressed,
 * its items, persons, visits and the warnings kept with it), an index of document
 * numbers held by current households, and an append-only audit log. Nothing is
 * overwritten: a changed form is a new revision, a delete is a tombstone.
 *
 * The file is identified by application_id 'HHRG' and its schema version by
 * user_version; a foreign or newer file is refused, an older one migrated inside
 * BEGIN IMMEDIATE. Opened with WAL, synchronous=FULL, foreign keys, defensive mode,
 * trusted_schema off and secure_delete on. Files are created 0600.
 *
 * The store is sealed: SQLite and its connection are seen only by the store's own
 * files (store*.c); everyone else asks through the functions below.
 *
 * Errors: functions returning int give 0 on success and -1 on failure with a plain
 * message in `err`. */
#ifndef HH_STORE_H
#define HH_STORE_H

#include <stdbool.h>
#include "derived.h"
#include "diag.h"
#include "form.h"
#include "util.h"

#define HH_STORE_APPLICATION_ID 0x48485247 /* "HHRG" */
#define HH_STORE_SCHEMA_VERSION 16

typedef struct hh_store hh_store;

/* $HHREG_DB if set, else "hhreg.db". */
const char *hh_store_default_path(void);
/* Opens an existing store, or with `create` creates one (an existing hhreg store
 * is opened as it is). */
int hh_store_open(const char *path, bool create, hh_store **out, hh_buf *err);
/* Opens an existing, current store for reading only (SQLITE_OPEN_READONLY and
 * query_only): what an export plugin's process reads. The connection is for one
 * thread at a time (SQLite's multi-thread mode: no mutex around each call, 11 % of
 * the host's time in a full load of the central database). */
int hh_store_open_read_only(const char *path, hh_store **out, hh_buf *err);
/* hh_store_open_read_only for a connection that several threads use at once (the
 * server's readers): SQLite serialises the calls. */
int hh_store_open_shared_reader(const char *path, hh_store **out, hh_buf *err);
/* Opens an existing store for reading only, as it is: an older schema version is
 * not upgraded (what a backup copies, e.g. before an upgrade). Only for reading its
 * pages (hh_store_backup, hh_store_schema_version). */
int hh_store_open_as_is(const char *path, hh_store **out, hh_buf *err);
void hh_store_close(hh_store *s);
const char *hh_store_path(const hh_store *s);
/* Whether the store was opened read-only because it cannot be written here (a
 * read-only mount, a file or directory mode): what would change it, an export's
 * audit entry too, is refused; hh_store_errmsg says so. */
bool hh_store_read_only_here(const hh_store *s);
const char *hh_store_read_only_message(void);
/* Whether messages may name another household (the holder of a document number or
 * a room): only to the store file's owner, whose effective user id owns it (a
 * worker running hhreg on someone else's store, root included, is not). */
bool hh_store_owned_by_caller(const hh_store *s);
int hh_store_schema_version(hh_store *s);
/* The store's identity: a random UUID made when it was created (or migrated to
 * schema version 10), kept by backups; every revision records the store it was made
 * in (revision.made_in) and the revision it replaced (revision.parent), for merging
 * stores. Malloc'd; NULL for a store of an older schema version opened as it is. */
char *hh_store_identity(hh_store *s);

/* The version of the SQLite library in use, e.g. "3.40.1". */
const char *hh_store_sqlite_version(void);

int hh_store_begin(hh_store *s, hh_buf *err);      /* BEGIN IMMEDIATE */
/* Bulk loading (store_bulk.c), for an import: from hh_store_bulk_begin until
 * hh_store_bulk_end the document numbers of the forms stored are kept pending and
 * merged into their index in key order every 262,144 numbers and at the end, not
 * added one by one at random places of it. What is refused, and at which form, is
 * the same. hh_store_bulk_end merges in a transaction of its own (none may be open)
 * and ends bulk loading even when that fails: the numbers then stay pending, still
 * found by every lookup, and the next bulk load merges them. Up to 8 MiB of memory,
 * and more for a transaction of more than 262,144 numbers (merges come between
 * transactions). */
int hh_store_bulk_begin(hh_store *s, hh_buf *err);
int hh_store_bulk_end(hh_store *s, hh_buf *err);
/* Merges the document numbers an import left waiting (it stopped before its last
 * merge) into their index, in a transaction of its own; nothing when none wait.
 * What a writer that runs for long does first (hhreg serve): lookups read waiting
 * numbers one by one. */
int hh_store_merge_waiting_documents(hh_store *s, hh_buf *err);
/* A read transaction: everything read until hh_store_commit (or hh_store_rollback)
 * sees one snapshot. */
int hh_store_begin_read(hh_store *s, hh_buf *err);
int hh_store_commit(hh_store *s, hh_buf *err);
void hh_store_rollback(hh_store *s);
/* A part of the open transaction that can be undone alone (a SAVEPOINT), such as
 * one request of several committed together: hh_store_part_end keeps it, or undoes
 * it when `keep` is false. 0 or -1 with the reason in `err`. */
int hh_store_part_begin(hh_store *s, hh_buf *err);
int hh_store_part_end(hh_store *s, bool keep, hh_buf *err);
/* Whether the store's pages are sound (SQLite's quick_check): a damaged page of an
 * index hides rows without any error while they are read. Inside a read transaction
 * it checks that snapshot. 0; -1 with `err` when damaged or it cannot be checked. */
int hh_store_quick_check(hh_store *s, hh_buf *err);
/* What an export of the changes after `since` (the whole store, no area) handed
 * over: its current households, its tombstones, and its revisions (-1: none were
 * asked for). */
typedef struct hh_feed_handed {
    long long since;
    long households, tombstones, revisions;
} hh_feed_handed;
/* Whether that is all the change feed holds after `since`: the feed's entries
 * numbered without a gap up to the store's last number, every household they name
 * in the store, and as many households, tombstones and revisions handed over as they
 * name. With the walk's own counts (a household's persons, visits and review
 * decisions: hh_store_walk), this finds what an index that lost entries would hide
 * from such an export, reading only the changed part of the store where
 * hh_store_quick_check reads every page. Inside the export's read transaction; 0,
 * or -1 with `err` saying what is short. */
int hh_store_check_feed(hh_store *s, const hh_feed_handed *handed, hh_buf *err);

/* --- writing ------------------------------------------------------------- */
/* STORED, REVISED: a new revision. UNCHANGED: the form equals the current revision.
 * OLDER: it equals an earlier revision (an old delivery), not made current.
 * CONFLICT: the household has a revision newer than the one the edit started from.
 * REFUSED: the store refuses it (deleted household, a document number held by
 * another). FAILED: the store failed. All but the first three add a diagnostic. */
typedef enum {
    HH_PUT_STORED, HH_PUT_UNCHANGED, HH_PUT_REVISED, HH_PUT_OLDER, HH_PUT_CONFLICT, HH_PUT_REFUSED, HH_PUT_FAILED
} hh_put_result;

typedef struct hh_put_request {
    const hh_household *household;
    const char *xml;            /* the form as received, or compressed by hh_deflate */
    size_t xml_len;
    size_t xml_size;            /* compressed: the size it was made from; 0: not compressed */
    const char *sha256;         /* hex digest of the canonical form */
    const char *source;         /* "file:line", kept with the revision */
    const char *actor;          /* who stores it */
    const hh_diags *warnings;   /* kept with the revision (errors are never stored) */
    const char *file;           /* for refusal messages */
    long line;
    int base_revision;          /* the revision an edit started from; 0: none (a delivered form) */
    bool allow_older;           /* store a form equal to an earlier revision as a new one */
    const char *content_sha256; /* hex digest of the content a reviewer judges (digest.h), or NULL */
    int settles;                /* the conflicting revision it settles (its second parent); 0: none */
    bool address_free;          /* the caller found no other current household at the address within
                                 * this transaction: the ROOM-HELD check is not made again */
    bool new_household;         /* begun as a new household (guided entry): a household already under
                                 * its id is a conflict (STORE-ID-TAKEN), never revised by it, unless it
                                 * is this very form (UNCHANGED: a save that died after storing it) */
} hh_put_request;

/* Stores one form all-or-nothing (inside a savepoint, so it can share a
 * transaction with others). A refusal or failure adds a diagnostic to `d`.
 * Compared, in this order, inside the caller's write transaction: equal to the
 * current revision (UNCHANGED); with a base_revision that is no longer current
 * (CONFLICT: the edit would overwrite a revision it never saw); without one, equal
 * to an earlier revision (OLDER, unless allow_older: an edit may go back to earlier
 * values on purpose, a re-delivered old form may not). "Equal" is the digest of
 * the canonical form (revision.form_sha256). A document number held by another
 * household is refused; the message names that household only when the caller
 * owns the store file (geteuid() is its owner), else says "another household".
 * *revision: the one stored, else (UNCHANGED, CONFLICT, OLDER) the current one. */
hh_put_result hh_store_put(hh_store *s, const hh_put_request *rq, hh_diags *d, int *revision);
/* Marks a household deleted, with a reason; its revisions stay. */
int hh_store_delete(hh_store *s, const char *id, const char *reason, const char *actor, hh_buf *err);
/* Makes deleted household `id` current again: its last revision copied as a new one
 * (persons, visits, kept warnings), its document numbers indexed again, the tombstone
 * cleared and both reasons kept as the new revision's source, audited as "undelete".
 * 0 with *revision; 1 with `err` when `id` is unknown, not deleted, or one of its
 * document numbers is now held by another household; -1 on failure. */
int hh_store_undelete(hh_store *s, const char *id, const char *reason, const char *actor, int *revision,
                      hh_buf *err);
/* Appends visit `v` to household `id`'s visit log (store schema 9): a visit made
 * after the form was stored, kept beside it, so the form, its enumeration date
 * and its review stay as they are. The caller has checked the items (the entry
 * model's answers). Audited as "visit"; inside the caller's write transaction when
 * one is open (nothing is committed or rolled back then), else in its own.
 * 0 with the log's number in *seq; 1 with `err` when `id` is unknown or deleted or
 * the date is no date or after today (dates.h); 2 when it is before the current
 * form's enumeration date (a visit of the enumeration is recorded in the form,
 * with `hhreg edit`); -1 on failure. */
int hh_store_log_visit(hh_store *s, const char *id, const hh_visit *v, const char *actor, int *seq, hh_buf *err);
/* The repeat table of one run (an import), until hh_store_seen_forget: when
 * this connection met household `id` before, the source it came from ("file:line",
 * malloc'd in *first); else *first is NULL and `id` is recorded as met at `source`.
 * 0, or -1 with `err` (a repeat can then not be told: the caller must stop). */
int hh_store_seen(hh_store *s, const char *id, const char *source, char **first, hh_buf *err);
/* Ends the run's repeat table: the next import on this connection starts afresh. */
void hh_store_seen_forget(hh_store *s);
/* Appends to the audit log (part of the caller's transaction, if any). */
int hh_store_audit(hh_store *s, const char *actor, const char *operation, const char *household,
             int revision, const char *detail, hh_buf *err);

/* --- merging stores (store_merge.c, docs/merge.md) ------------------------ */

/* What a merge did with the households of a source store, and the visits from its
 * log that were new here. */
typedef struct hh_merge_counts {
    long added, updated, unchanged, conflicts, refused, visits;
} hh_merge_counts;
/* A household that became a conflict (refused false) or was not merged (refused,
 * with the reason: never a name or a document number). */
typedef struct hh_merge_note {
    const char *household;
    bool refused;
    const char *reason;
} hh_merge_note;
/* Brings the store at `path` into `s` in one transaction, audited; `note` (may be
 * NULL) hears of each conflict and refusal. Repeating it changes nothing. 0, or -1
 * with `err` and nothing merged. */
int hh_store_merge(hh_store *s, const char *path, const char *actor, hh_merge_counts *counts,
                   void (*note)(const hh_merge_note *n, void *arg), void *arg, hh_buf *err);
/* A conflict: revision `revision` was current here when revision `other` (numbers
 * here) arrived from store `source_store`; `deleted_at`: deleted there. Resolved:
 * by the revision `resolution`. */
typedef struct hh_conflict {
    long long seq;
    const char *household;
    int revision, other;
    const char *kind; /* different-household, concurrent-edit, edit-and-delete */
    const char *source_store, *found_at, *found_by, *deleted_at, *delete_reason; /* deleted in the other store */
    const char *resolved_at, *resolved_by;
    int resolution;
} hh_conflict;
/* The open conflicts (and the resolved ones, `resolved_too`) of the households whose
 * id starts with `area` (a household's id, a grid's code; NULL: all) in household
 * order; 0 or -1 with `err`. */
int hh_store_each_conflict(hh_store *s, const char *area, bool resolved_too,
                           void (*fn)(const hh_conflict *c, void *arg), void *arg, hh_buf *err);
/* Why a resolution was refused (with the reason in `err`). */
enum {
    HH_RESOLVE_NOTHING_OPEN = 1, /* the household has no open conflict */
    HH_RESOLVE_NO_REVISION,      /* `keep` is not one of its revisions */
    HH_RESOLVE_DOCUMENT_HELD,    /* another household holds one of its document numbers */
    HH_RESOLVE_NO_HOUSEHOLD,     /* no household of that id */
    HH_RESOLVE_OTHER_HOUSEHOLD,  /* the merged form is of another household */
    HH_RESOLVE_FORM_REFUSED      /* the store refuses the merged form (why: in the diagnostics) */
};
/* Settles the open conflicts of `id` with a new current revision copying revision
 * `keep` (edited from the current one, the other side its second parent), live;
 * 0 with its number in *revision, HH_RESOLVE_* when refused, -1 with `err` on error. */
int hh_store_resolve(hh_store *s, const char *id, int keep, const char *actor, int *revision, hh_buf *err);
/* Settles them with a merged form instead: `form` (valid, as hh_store_put takes it;
 * the actor and source are its own) becomes the new current revision, edited from
 * the current one with the other side its second parent, live; a form equal to the
 * current revision keeps that one as --keep would. 0 with *revision; HH_RESOLVE_*
 * when refused (FORM_REFUSED: the store's reason added to `d`, as a put adds it;
 * the others in `err`); -1 with `err`. */
int hh_store_resolve_with(hh_store *s, const char *id, const hh_put_request *form, hh_diags *d, int *revision,
                          hh_buf *err);

/* --- reading ------------------------------------------------------------- */
typedef struct hh_list_row {
    const char *id, *estate, *building, *unit, *room, *community_code, *enumeration_date;
    const char *status; /* the enumeration status: complete, partial, refused, nobody-home */
    int revision, size, elderly60, disabled;
    int foreign; /* persons of a nationality other than CHN */
    bool living_alone, empty_nest, low_income, deleted;
    bool conflict; /* a conflict a merge found is open (hhreg conflicts) */
} hh_list_row;

/* Which households hh_store_list gives: those not deleted; also a deleted one with
 * an open conflict (which a supervisor must still see to settle); or all. */
typedef enum { HH_LIST_CURRENT, HH_LIST_CURRENT_OR_IN_CONFLICT, HH_LIST_ALL } hh_list_which;

/* Calls `fn` for each household `which` says whose id or area codes start with
 * `area` (NULL: all), in id order. Returns 0, or -1 with `err`. */
int hh_store_list(hh_store *s, const char *area, hh_list_which which,
                  void (*fn)(const hh_list_row *row, void *arg), void *arg, hh_buf *err);

typedef struct hh_revision_info {
    const char *household_id;
    int revision, current_revision;
    const char *stored_at, *stored_by, *source, *sha256;
    const char *deleted_at, *delete_reason;
    int warnings;
    const char *made_in;        /* the id of the store it was made in (hh_store_identity) */
    int parent;                 /* the revision it replaced; 0: the first */
    int origin;                 /* its number in the store it was made in */
    int merged_from;            /* the other side a resolution settled; 0: none */
} hh_revision_info;

/* The XML of revision `revision` (0: current) of household `id`, malloc'd in
 * *xml. Returns 0, 1 when there is no such household or revision, -1 on error. */
int hh_store_get_xml(hh_store *s, const char *id, int revision, char **xml, size_t *len,
                     int *revision_out, hh_buf *err);
/* A current household as hh_store_each_household hands it over; valid only during
 * the call (do not hh_household_free it). */
typedef struct hh_current {
    const hh_household *household;   /* its persons and visits read from the store's tables */
    int revision;
    const char *xml;                 /* with_xml: the form's XML, decompressed; else NULL */
    size_t xml_len;
    const char *made_in;             /* the store its revision was made in (NULL: unknown) */
    int parent;                      /* the revision it replaced; 0: the first */
    long long change;                /* its newest entry in the change feed */
} hh_current;

/* Calls `fn` for each current household whose id or area codes start with `area`
 * (NULL: all) and, with `since` >= 0, that has an entry in the change feed after
 * `since` (a revision, a logged visit or a review decision: see migration 11), in id
 * order; `with_xml` decompresses the form (nearly half the time of an export that
 * does not need it). `fn` returns non-zero to stop, negative after writing the
 * reason into `err` (an error: -1 then). Run it inside a read transaction to see
 * one snapshot across calls. */
int hh_store_each_household(hh_store *s, const char *area, long long since, bool with_xml,
                            int (*fn)(const hh_current *c, void *arg), void *arg, hh_buf *err);

/* A deleted household as hh_store_each_tombstone hands it over. */
typedef struct hh_tombstone_row {
    const char *id;
    int revision;                    /* the revision it was deleted at */
    const char *deleted_at, *reason;
    long long change;                /* the deletion's entry in the change feed */
} hh_tombstone_row;

/* Calls `fn` for each household deleted now whose id or area codes start with `area`
 * and whose deletion came after change `since` (-1: every one), in id order; as
 * hh_store_each_household. */
int hh_store_each_tombstone(hh_store *s, const char *area, long long since,
                            int (*fn)(const hh_tombstone_row *t, void *arg), void *arg, hh_buf *err);
/* A revision's lineage as hh_store_each_revision hands it over. */
typedef struct hh_revision_row {
    const char *id;
    int revision;
    const char *district_code, *made_in;
    int origin;                      /* its number in made_in */
    int parent;                      /* 0 for the first */
    int merged_from;                 /* 0 unless it settled a conflict */
    const char *stored_at, *content_sha256;
    long long change;                /* its entry in the change feed, 0 when none */
} hh_revision_row;

/* Calls `fn` for each revision of a household whose id or area codes start with
 * `area` — every one, or those whose entry in the change feed is after `since` (-1:
 * every one) — in household-id and revision order; as hh_store_each_household. */
int hh_store_each_revision(hh_store *s, const char *area, long long since,
                           int (*fn)(const hh_revision_row *r, void *arg), void *arg, hh_buf *err);
/* The newest entry of the store's change feed (0: none yet), or -1 when it cannot be
 * read. */
long long hh_store_last_change(hh_store *s);

/* Calls `fn` with the XML of every current (not deleted) revision, in id order. */
int hh_store_each_current(hh_store *s,
                          int (*fn)(const char *id, int revision, const char *xml, size_t len, void *arg),
                          void *arg, hh_buf *err);
/* A stored form (from hh_store_get_xml) parsed the one way `show`, `edit` and `check`
 * read it: UTF-8, no network. NULL when it cannot be read. */
xmlDocPtr hh_store_parse_form(const char *xml, size_t len, const char *name);
/* The next free serial for a household id that starts with `prefix` (e.g.
 * "510105016003-03-"): one more than the largest number after the prefix among all
 * household ids, deleted ones included (an id is never given twice), 1 when none. */
int hh_store_next_serial(hh_store *s, const char *prefix, long *serial, hh_buf *err);
/* Revision `revision` (0: current, with the household's visit log in h->logged) of
 * household `id` as values, its form read as hh_store_parse_form reads it (what
 * `show` and `edit` present): 0 with *h (free it
 * with hh_household_free) and *revision_out; 1 when there is no such household or
 * revision; -1 with `err` when it cannot be read. */
int hh_store_get_household(hh_store *s, const char *id, int revision, hh_household **h, int *revision_out,
                           hh_buf *err);
/* The visit log of household `id` (visits recorded after its form, by date) into
 * h->logged and h->n_logged, malloc'd (hh_household_free frees them); 0 or -1 with
 * `err`. */
int hh_store_visit_log(hh_store *s, const char *id, hh_household *h, hh_buf *err);
/* Calls `fn` for each revision of `id`, oldest first. 1 if no such household. */
int hh_store_history(hh_store *s, const char *id, void (*fn)(const hh_revision_info *r, void *arg),
                     void *arg, hh_buf *err);
/* Calls `fn` for each warning kept with a revision. */
int hh_store_warnings(hh_store *s, const char *id, int revision,
                      void (*fn)(const char *rule, const char *path, const char *en,
                                 const char *zh, void *arg),
                      void *arg, hh_buf *err);

/* --- finding a household --------------------------------------------------- */
/* How a reference matched, in the order they are tried (store_find.c). */
typedef enum {
    HH_MATCH_ID, HH_MATCH_ROOM, HH_MATCH_ID_DIGITS, HH_MATCH_PHONE, HH_MATCH_NAME
} hh_match_kind;

typedef struct hh_household_match {
    const char *id, *estate, *building, *unit, *room;
    const char *head;           /* the head's name (personal data: for find's own listing only) */
    hh_match_kind kind;
    bool deleted;
} hh_household_match;

/* The households that `text` names, what a grid worker knows of one (blanks around
 * it ignored, full-width digits, hyphens and plus signs read as ASCII): its id
 * exactly (deleted ones too); else the building-unit-room of a current household
 * ("543-1-101"); else, all digits, the last digits of its id; else, reading as a
 * phone number (4 digits or more; spaces, dashes and a plus ignored), part of the
 * household's or a person's phone; else part of a person's name (case ignored for
 * Latin letters). The first of these kinds that matches anything is the answer.
 * Calls `fn` for each match in id order (its strings valid during the call) and
 * returns how many matched, or -1 with `err`. */
long hh_store_find(hh_store *s, const char *text, void (*fn)(const hh_household_match *m, void *arg), void *arg,
                   hh_buf *err);
/* Whether some current household's id begins with `area` (what --area takes): 1 or
 * 0, -1 with `err`. */
int hh_store_area_known(hh_store *s, const char *area, hh_buf *err);
/* The district's, street's and community's names as the current households of
 * community `community_code` (12 digits) last wrote them, malloc'd into names[0..2]:
 * 0; 1 when the community has no current household (all NULL); -1 with `err`. */
int hh_store_area_names(hh_store *s, const char *community_code, char *names[3], hh_buf *err);


#endif
