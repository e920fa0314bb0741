/* server_internal.h — what the server's files share: the server, one request as a
 * handler sees it, the answers' helpers and the handlers of the routes. */
#ifndef HH_SERVER_INTERNAL_H
#define HH_SERVER_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "accounts.h"
#include "diag.h"
#include "json.h"
#include "server.h"
#include "store_checkpoint.h"

/* Failed logins from one client address (server_session.c), kept in memory: an
 * address that tries many names is refused for a while, whatever the name. */
typedef struct hh_address_failures {
    char from[64];
    long long first_at, locked_until;
    int count;
} hh_address_failures;
#define HH_ADDRESSES_KEPT 256

struct hh_server {
    struct MHD_Daemon *daemon;
    hh_store *store;
    const hh_schemaset *schemas;
    hh_server_config config;
    pthread_mutex_t store_lock;     /* one request uses the store at a time */
    hh_checkpointer *checkpointer;  /* the WAL checkpointed beside the writer (store_checkpoint.h), or NULL */
    hh_store *sessions;             /* the store again, read-only, for the session and account of
                                       every request: a WAL reader, which a commit does not hold up */
    pthread_mutex_t sessions_lock;  /* one request uses it at a time */
    hh_store *listings;             /* the store again, read-only, for hh_answer_listing: a long
                                       listing (a grid's forms whole) holds up neither writes nor
                                       the requests that read one household */
    pthread_mutex_t listings_lock;  /* one listing uses it at a time */
    struct hh_form_pool *forms;     /* server_forms.c's readers, schema and rules checkers: one a request */
    hh_buf items;                   /* GET /api/v1/items' answer, made at start (server_items.c) */
    struct hh_static_file **files;  /* the phone client's files, read at start (server_static.c) */
    size_t n_files;
    char items_etag[40];
    pthread_mutex_t failures_lock;  /* guards `failures` */
    hh_address_failures failures[HH_ADDRESSES_KEPT];
    bool tls;
    char *tls_cert, *tls_key;       /* the PEM files' contents, for libmicrohttpd */
    struct hh_export_runner *exports; /* the export run in progress (server_exports.c) */
    /* Stopping (hh_server_stop): the requests in flight are answered before the
     * connections close; one that comes after the stop gets 503 "stopping". */
    pthread_mutex_t flight_lock;    /* guards in_flight, landing_until, and stopping's change */
    pthread_cond_t flight_landed;   /* in_flight fell to 0 while stopping, or the wait was cut short */
    unsigned in_flight;             /* requests begun and not yet answered or given up */
    struct timespec landing_until;  /* CLOCK_MONOTONIC: the wait for them ends then at the latest */
    atomic_bool stopping;
    bool quiesced;                  /* `listening` is ours, closed once the daemon is stopped */
    MHD_socket listening;
};

/* One request: what came in, who sent it (after authentication) and the answer. */
typedef struct hh_request {
    hh_server *server;
    struct MHD_Connection *connection;
    const char *method, *path;
    const char *arg;                /* the route's {id}, or NULL */
    hh_buf body;
    bool body_too_large;
    char from[64];                  /* the client's address, for the audit log */
    hh_lang lang;
    bool signed_in;
    hh_account who;                 /* signed_in: the account */
    char token_hash[HH_TOKEN_HEX], csrf[HH_TOKEN_HEX];
    /* the answer */
    hh_buf answer;                  /* JSON */
    char *set_cookie;               /* a Set-Cookie header, or NULL */
    const char *etag;               /* an answer that may be cached and revalidated, or NULL */
    const char *content_type, *csp; /* a file's, or NULL: JSON and the API's policy */
    int file_fd;                    /* >= 0: the answer is this file (an export's), not `answer` */
    uint64_t file_size;
    char disposition[160];          /* a download's Content-Disposition, or "" */
    char allow[48];                 /* a 405's Allow: the methods the address takes, or "" */
    bool audited;                   /* the request is in the audit log */
    bool in_flight;                 /* counted in the server's in_flight */
} hh_request;

/* A handler writes its answer into rq->answer and returns the HTTP status. */
typedef unsigned (*hh_handler)(hh_request *rq);

/* The JSON error answer of the API (docs/API.md): {"error":{"code","message"}} with
 * the message in the request's language. Returns `status`. */
unsigned hh_answer_error(hh_request *rq, unsigned status, const char *code, const char *en, const char *zh);
/* 403 "forbidden": the access rule said no (server_access.c). */
unsigned hh_answer_forbidden(hh_request *rq);
/* Whether the request's If-None-Match names `etag` (weak comparison, RFC 9110: a
 * compressed answer's W/ tag matches too): answer 304 with no body then. */
bool hh_request_revalidated(hh_request *rq, const char *etag);
/* 503 "store": the store failed; the client may try again. */
unsigned hh_answer_store_failed(hh_request *rq);
/* A listing of personal data in the audit log, under the store lock: who read
 * `what` ("list", "due"), how many households and from where; never a value. */
int hh_audit_listing(hh_request *rq, const char *what, long households, hh_buf *err);
/* What an audit row of a GET route adds when the request was a HEAD (the answer's
 * headers only: nothing of the data left the server), else "". */
const char *hh_request_head_only(const hh_request *rq);
/* A supervisor's decision on household rq->arg (review, resolve) that the store did
 * not take (rq->audited false) is audited too, as `operation`: who, which household,
 * from where, the status; nothing stored. Returns `status`, or 503 when the audit log
 * cannot be written. */
unsigned hh_audit_decision(hh_request *rq, const char *operation, unsigned status);
/* A read of the caller's areas: `each` runs for each area of the account's grids, in
 * one read snapshot on the listings' read-only connection (`s`: it reads only from
 * the store it is given), counting what it read into *listed; then the read is
 * audited as `what` (hh_audit_listing) on the store's own connection. 0, or -1 with
 * `err`. */
typedef int (*hh_area_lister)(hh_store *s, const char *area, void *arg, hh_buf *err);
int hh_read_areas(hh_request *rq, const char *what, hh_area_lister each, void *arg, const long *listed, hh_buf *err);
/* hh_read_areas as the JSON array answer: `each` writes its rows into `json` (made
 * here on rq->answer). Returns 200, or 503 when the store failed. */
unsigned hh_answer_listing(hh_request *rq, hh_json *json, const char *what, hh_area_lister each, void *arg,
                           const long *listed);

/* What an account may do (server_access.c). */
typedef enum {
    HH_ACT_LIST_HOUSEHOLDS,   /* the households of one's grids */
    HH_ACT_READ_HOUSEHOLD,    /* one household's form */
    HH_ACT_SUBMIT_FORM,       /* a new household or a revision, into one's grids */
    HH_ACT_RECORD_VISIT,      /* a visit to a household of one's grids */
    HH_ACT_OVERRIDE_ADDRESS,  /* a new household at an address held by another (supervisor) */
    HH_ACT_READ_ITEMS,        /* the item dictionary (no personal data: every role) */
    HH_ACT_REVIEW,            /* approve or return a household's form (supervisor) */
    HH_ACT_PROGRESS,          /* the dashboard of one's grids (supervisor) */
    HH_ACT_ASSIGN,            /* give a grid (the "household") to an account, or take it (supervisor, admin) */
    HH_ACT_EXPORT,            /* start an export run, release one (admin) */
    HH_ACT_READ_EXPORTS,      /* export runs: every one (admin), the released ones (statistician) */
} hh_action;

/* The one decision: may account `who` do `action` (to household `household_id` in
 * building `building` where the action concerns one; NULL: not known, which an
 * account of single buildings is never allowed)? Default deny. */
bool hh_access_allows(const hh_account *who, hh_action action, const char *household_id, const char *building);
/* hh_access_allows for current household `id` as the store holds it: its building
 * is read from the store when the account works in single buildings (the caller
 * holds the store lock). A household not in the store is allowed only `if_absent`
 * (a new one); false when the store cannot say. */
bool hh_access_allows_stored(hh_store *store, const hh_account *who, hh_action action, const char *id,
                             bool if_absent);
/* hh_access_allows for the request's account and the current household `id` the
 * route names (the store is asked, under its lock, only for an account of single
 * buildings; a household not in the store is then refused like another's). */
bool hh_access_allows_id(hh_request *rq, hh_action action, const char *id);

/* The routes' handlers. */
unsigned hh_session_create(hh_request *rq);
unsigned hh_session_delete(hh_request *rq);
unsigned hh_session_get(hh_request *rq);
unsigned hh_households_list(hh_request *rq);
unsigned hh_due_list(hh_request *rq);
unsigned hh_household_get(hh_request *rq);
unsigned hh_household_submit(hh_request *rq);
unsigned hh_visit_record(hh_request *rq);
unsigned hh_review_decide_route(hh_request *rq);
unsigned hh_review_queue(hh_request *rq);
unsigned hh_conflicts_queue(hh_request *rq);
unsigned hh_conflict_resolve_route(hh_request *rq);
unsigned hh_progress_get(hh_request *rq);
unsigned hh_assignments_list(hh_request *rq);
unsigned hh_assignments_change(hh_request *rq);
unsigned hh_exports_list(hh_request *rq);
unsigned hh_export_start(hh_request *rq);
unsigned hh_export_run_get_route(hh_request *rq);
unsigned hh_export_file(hh_request *rq);
unsigned hh_export_release(hh_request *rq);
/* Marks runs a stop cut short as failed and makes the runner; frees it at stop,
 * ending a run in progress (server_exports.c). */
int hh_exports_make(hh_server *srv, hh_buf *err);
void hh_exports_free(hh_server *srv);
/* Makes GET /api/v1/items' answer and its ETag (server_items.c). */
void hh_items_answer_make(hh_server *srv);
unsigned hh_items_get(hh_request *rq);

/* The phone client's files (server_static.c): read from `dir` at start (none when
 * it does not exist; -1 with `err` when it cannot be read), freed at stop; whether a
 * path is one of theirs (anything outside /api/), and its answer. */
typedef struct hh_static_file hh_static_file;
int hh_static_load(hh_server *srv, const char *dir, hh_buf *err);
void hh_static_free(hh_server *srv);
bool hh_static_is_file_path(const char *path);
unsigned hh_static_get(hh_request *rq);

/* What is wrong with a JSON form, at the place hh_json_form_xml names ("persons[2].
 * birthDate", "address.…" for a key not shown; the line for a body that is no object). */
typedef enum {
    HH_JSON_FORM_NOT_OBJECT_BODY,
    HH_JSON_FORM_NOT_ITEM,
    HH_JSON_FORM_NOT_SCALAR,
    HH_JSON_FORM_NOT_ARRAY,
    HH_JSON_FORM_NOT_OBJECT,
} hh_json_form_fault;
/* The form's XML (malloc'd, *xml_len bytes) from its JSON shape (show --json);
 * NULL with the fault and its place in `where`, which names a key, never a value
 * (server_json_form.c); hh_forms_json_to_xml says it in both languages. */
char *hh_json_form_xml(const char *json, size_t len, size_t *xml_len, hh_buf *where, hh_json_form_fault *fault);
/* Whether a JSON key sent may be named in a message: it looks like a key
 * ("floorAera"), not like a value put where a key goes (which is never quoted). */
bool hh_json_key_nameable(const char *key);

/* Makes (before any thread starts: the schema and rules are read) and frees what
 * the form handlers use (server_forms.c). */
int hh_forms_make(hh_server *srv, hh_buf *err);
void hh_forms_free(hh_server *srv);
struct hh_form_result;
/* Reads and checks `len` bytes of form (reader, schema, rules: as `hhreg import`)
 * into `out` on a checker of the pool; false when no checker can be made (memory). */
bool hh_forms_check(hh_server *srv, const char *bytes, size_t len, struct hh_form_result *out);
/* The form's XML from its JSON shape (hh_json_form_xml); NULL having answered 400
 * "json-form" with the reason (*status). */
char *hh_forms_json_to_xml(hh_request *rq, const char *json, size_t len, size_t *xml_len, unsigned *status);
/* The answer of a form refused by the reader, schema, rules or store: 422 with its
 * diagnostics (rule id, item path, message in the request's language). */
unsigned hh_answer_invalid_form(hh_request *rq, const hh_diags *d);
/* The store names the household holding a document number to the store's owner,
 * which the server is: over HTTP the message says "another household" instead. */
void hh_forms_hide_holders(struct hh_form_result *r);
/* Whether the request's Content-Type is `type` (parameters such as charset aside). */
bool hh_content_type_is(hh_request *rq, const char *type);
/* The first key of JSON object `o` not among `known` (NULL-ended), or NULL: a body
 * with a misspelt key is refused, not read as if the key were absent. */
struct json_t;
const char *hh_json_unknown_key(struct json_t *o, const char *const known[]);

/* Signs the request in from its cookie or bearer token; false when it carries no
 * live session. */
bool hh_session_authenticate(hh_request *rq);
/* Whether a state-changing request carries its session's CSRF token. */
bool hh_session_csrf_ok(hh_request *rq);

#endif
