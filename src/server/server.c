/* server.c — `hhreg serve`'s HTTP side on libmicrohttpd: the daemon (its thread
 * pool, connection limits and timeouts, TLS), a request's body read up to the cap,
 * the route table, and every answer's headers. What a route does is in its own
 * file (server_session.c, server_households.c); who may do it, in server_access.c. */
#define _GNU_SOURCE /* gettid */
#include "server_internal.h"


#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

void hh_server_config_defaults(hh_server_config *c)
{
    *c = (hh_server_config){
        .listen = "127.0.0.1:8080",
        .www = HH_WWW_DIR,
        .exports_dir = "hhreg.db.exports",
        .max_connections = 256,
        .timeout = 30,
        .max_body = 4u << 20, /* a form of the largest household, with room */
        .session_idle = 30 * 60,
        .session_absolute = 12 * 3600,
        .login = { .max_failures = 5, .window = 15 * 60, .lock = 15 * 60 },
        .address_max_failures = 20,
    };
}

/* The routes: method, path ("*" matches one segment, handed over as rq->arg), whether
 * a live session is needed, whether its body may be a form's XML (else a body is
 * JSON, sent as application/json: a cross-site HTML form can send text/plain without
 * asking, e.g. a sign-in), and the handler. A state-changing request with a session
 * needs its CSRF token too. */
enum { JSON_BODY = false, FORM_BODY = true };
static const struct route {
    const char *method, *path;
    bool session;
    hh_handler handler;
    bool form_body;
} routes[] = {
    { "POST", "/api/v1/session", false, hh_session_create, JSON_BODY },
    { "DELETE", "/api/v1/session", true, hh_session_delete, JSON_BODY },
    { "GET", "/api/v1/session", true, hh_session_get, JSON_BODY },
    { "GET", "/api/v1/items", true, hh_items_get, JSON_BODY },
    { "GET", "/api/v1/households", true, hh_households_list, JSON_BODY },
    { "GET", "/api/v1/households/*", true, hh_household_get, JSON_BODY },
    { "POST", "/api/v1/households", true, hh_household_submit, FORM_BODY },
    { "POST", "/api/v1/households/*/visits", true, hh_visit_record, JSON_BODY },
    { "GET", "/api/v1/due", true, hh_due_list, JSON_BODY },
    { "POST", "/api/v1/households/*/review", true, hh_review_decide_route, JSON_BODY },
    { "GET", "/api/v1/review-queue", true, hh_review_queue, JSON_BODY },
    { "POST", "/api/v1/households/*/resolve", true, hh_conflict_resolve_route, FORM_BODY },
    { "GET", "/api/v1/progress", true, hh_progress_get, JSON_BODY },
    { "GET", "/api/v1/assignments", true, hh_assignments_list, JSON_BODY },
    { "POST", "/api/v1/assignments", true, hh_assignments_change, JSON_BODY },
    { "GET", "/api/v1/exports", true, hh_exports_list, JSON_BODY },
    { "POST", "/api/v1/exports/*", true, hh_export_start, JSON_BODY },
    { "GET", "/api/v1/export-runs/*", true, hh_export_run_get_route, JSON_BODY },
    { "GET", "/api/v1/export-runs/*/file", true, hh_export_file, JSON_BODY },
    { "POST", "/api/v1/export-runs/*/release", true, hh_export_release, JSON_BODY },
};

/* Whether `path` matches `pattern`; *arg gets the segment "*" matched (kept in
 * `segment`, at most its size), the rest of the pattern following it exactly. */
static bool path_matches(const char *pattern, const char *path, const char **arg, char *segment, size_t size)
{
    const char *star = strchr(pattern, '*');
    if (!star)
        return strcmp(pattern, path) == 0;
    size_t head = (size_t)(star - pattern);
    if (strncmp(pattern, path, head) != 0)
        return false;
    const char *start = path + head, *end = strchr(start, '/');
    size_t n = end ? (size_t)(end - start) : strlen(start);
    if (n == 0 || n >= size || strcmp(end ? end : "", star + 1) != 0)
        return false;
    memcpy(segment, start, n);
    segment[n] = '\0';
    *arg = segment;
    return true;
}

unsigned hh_answer_error(hh_request *rq, unsigned status, const char *code, const char *en, const char *zh)
{
    hh_buf_free(&rq->answer);
    hh_buf_init(&rq->answer);
    hh_json j;
    hh_json_init(&j, &rq->answer);
    hh_json_object(&j, NULL);
    hh_json_object(&j, "error");
    hh_json_str(&j, "code", code);
    hh_json_str(&j, "message", rq->lang == HH_LANG_ZH ? zh : en);
    hh_json_messages(&j, en, zh);
    hh_json_end(&j);
    hh_json_end(&j);
    return status;
}

const char *hh_json_unknown_key(json_t *o, const char *const known[])
{
    const char *key;
    json_t *value;
    json_object_foreach(o, key, value) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i])
            return key;
    }
    return NULL;
}

unsigned hh_answer_forbidden(hh_request *rq)
{
    return hh_answer_error(rq, MHD_HTTP_FORBIDDEN, "forbidden",
                           "Your account may not do that (it is not among your grids or your role's work).",
                           "您的账户无权执行此操作（不在您的网格内或不属于您的角色）。");
}

unsigned hh_answer_store_failed(hh_request *rq)
{
    return hh_answer_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "store", "The store cannot be used just now: try again.",
                           "数据库暂时无法使用，请重试。");
}

bool hh_server_route(size_t i, const char **method, const char **path)
{
    if (i >= sizeof routes / sizeof routes[0])
        return false;
    *method = routes[i].method;
    *path = routes[i].path;
    return true;
}

const char *hh_request_head_only(const hh_request *rq)
{
    return strcmp(rq->method, "HEAD") == 0 ? "; HEAD: headers only, no data sent" : "";
}

int hh_audit_listing(hh_request *rq, const char *what, long households, hh_buf *err)
{
    char *detail = hh_xasprintf("%s of %ld household(s) over HTTP from %s%s", what, households, rq->from,
                                hh_request_head_only(rq));
    int rc = hh_store_audit(rq->server->store, rq->who.name, "read", NULL, 0, detail, err);
    free(detail);
    return rc;
}

int hh_read_areas(hh_request *rq, const char *what, hh_area_lister each, void *arg, const long *listed, hh_buf *err)
{
    hh_server *srv = rq->server;
    pthread_mutex_lock(&srv->listings_lock);
    int rc = hh_store_begin_read(srv->listings, err);
    char area[16];
    for (size_t i = 0; rc == 0 && i < rq->who.n_grids; i++)
        if (hh_account_area(&rq->who, i, area))
            rc = each(srv->listings, area, arg, err);
    hh_store_rollback(srv->listings);
    pthread_mutex_unlock(&srv->listings_lock);
    if (rc == 0) {
        pthread_mutex_lock(&srv->store_lock);
        rc = hh_audit_listing(rq, what, *listed, err);
        pthread_mutex_unlock(&srv->store_lock);
    }
    return rc;
}

unsigned hh_answer_listing(hh_request *rq, hh_json *json, const char *what, hh_area_lister each, void *arg,
                           const long *listed)
{
    hh_json_init(json, &rq->answer);
    hh_json_array(json, NULL);
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_read_areas(rq, what, each, arg, listed, &err);
    hh_json_end(json);
    hh_buf_free(&err);
    return rc ? hh_answer_store_failed(rq) : MHD_HTTP_OK;
}

unsigned hh_audit_decision(hh_request *rq, const char *operation, unsigned status)
{
    if (rq->audited)
        return status;
    char *detail = hh_xasprintf("over HTTP from %s: %u; nothing stored", rq->from, status);
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&rq->server->store_lock);
    int rc = hh_store_audit(rq->server->store, rq->who.name, operation, rq->arg, 0, detail, &err);
    pthread_mutex_unlock(&rq->server->store_lock);
    free(detail);
    hh_buf_free(&err);
    return rc ? hh_answer_store_failed(rq) : status;
}

/* A signed-in request refused (4xx) that its handler did not audit: who, which
 * route and household (for a household's routes), from where, the status. The
 * route's pattern is written, never the path as sent (it may hold any text).
 * Returns `status`, or 503 when the audit log cannot be written. */
static unsigned audit_refusal(hh_request *rq, const char *method, const char *route, unsigned status)
{
    if (!rq->signed_in || rq->audited || status < 400 || status >= 500)
        return status;
    bool household = rq->arg && strncmp(route, "/api/v1/households/*", 20) == 0 &&
                     strspn(rq->arg, "0123456789-") == strlen(rq->arg) && strlen(rq->arg) <= 20;
    char *detail = hh_xasprintf("%s %s refused over HTTP from %s: %u", method, route, rq->from, status);
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&rq->server->store_lock);
    int rc = hh_store_audit(rq->server->store, rq->who.name, "http-refused", household ? rq->arg : NULL, 0, detail,
                            &err);
    pthread_mutex_unlock(&rq->server->store_lock);
    hh_buf_free(&err);
    free(detail);
    rq->audited = rc == 0;
    return rc ? hh_answer_store_failed(rq) : status;
}

/* Adds `method` to the Allow a 405 answer carries (RFC 9110 15.5.6), once. */
static void allow(hh_request *rq, const char *method)
{
    size_t len = strlen(rq->allow), m = strlen(method);
    for (const char *at = rq->allow; (at = strstr(at, method)) != NULL; at += m)
        if ((at == rq->allow || at[-1] == ' ') && (at[m] == ',' || at[m] == '\0'))
            return;
    snprintf(rq->allow + len, sizeof rq->allow - len, "%s%s", len ? ", " : "", method);
}

static unsigned dispatch(hh_request *rq)
{
    hh_reasons_speak_here(rq->lang); /* the library's reasons in the request's language */
    if (rq->body_too_large)
        return hh_answer_error(rq, MHD_HTTP_CONTENT_TOO_LARGE, "too-large", "The request body is too large.",
                               "请求内容过大。");
    bool path_known = false;
    /* HEAD is a GET whose answer's body libmicrohttpd leaves out (RFC 9110 9.3.2) */
    bool head = strcmp(rq->method, "HEAD") == 0;
    char segment[256]; /* the route's {id}: rq->arg while the handler runs */
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const char *arg = NULL;
        if (!path_matches(routes[i].path, rq->path, &arg, segment, sizeof segment))
            continue;
        path_known = true;
        bool get = strcmp(routes[i].method, "GET") == 0;
        if (strcmp(routes[i].method, rq->method) != 0 && !(head && get)) {
            allow(rq, routes[i].method);
            if (get)
                allow(rq, "HEAD");
            continue;
        }
        rq->arg = arg;
        if (rq->body.len && !routes[i].form_body && !hh_content_type_is(rq, "application/json")) {
            /* refused unread, before the session is asked for; audited when it has one */
            unsigned status = hh_answer_error(rq, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "content-type",
                                              "Send the body as JSON, with Content-Type: application/json.",
                                              "请以 JSON 发送请求内容，并带 Content-Type: application/json。");
            return routes[i].session && hh_session_authenticate(rq)
                       ? audit_refusal(rq, rq->method, routes[i].path, status)
                       : status;
        }
        if (routes[i].session) {
            if (!hh_session_authenticate(rq))
                return hh_answer_error(rq, MHD_HTTP_UNAUTHORIZED, "not-signed-in",
                                       "Sign in first (the session is missing, ended or expired).",
                                       "请先登录（会话不存在、已结束或已过期）。");
            if (!get && !hh_session_csrf_ok(rq)) /* GET and HEAD change nothing */
                return audit_refusal(rq, rq->method, routes[i].path,
                                     hh_answer_error(rq, MHD_HTTP_FORBIDDEN, "csrf",
                                                     "The request's X-CSRF-Token header is missing or is not this session's "
                                                     "(the csrf of its sign-in).",
                                                     "请求的 X-CSRF-Token 标头缺失或不属于本会话（应为登录时返回的 csrf）。"));
        }
        return audit_refusal(rq, rq->method, routes[i].path, routes[i].handler(rq));
    }
    bool file = hh_static_is_file_path(rq->path);
    if (file && (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0))
        return hh_static_get(rq);
    if (file) {
        allow(rq, "GET");
        allow(rq, "HEAD");
    }
    if (path_known || file)
        return hh_answer_error(rq, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "That method is not allowed here.",
                               "此处不允许该方法。");
    return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "not-found", "There is nothing at that address.",
                           "该地址不存在。");
}

/* An entity tag without its weakness mark, and its length up to the closing quote. */
static size_t opaque_tag(const char **tag)
{
    if (strncmp(*tag, "W/", 2) == 0)
        *tag += 2;
    const char *end = **tag == '"' ? strchr(*tag + 1, '"') : NULL;
    return end ? (size_t)(end - *tag + 1) : strcspn(*tag, ", \t");
}

bool hh_request_revalidated(hh_request *rq, const char *etag)
{
    const char *has = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
    const char *own = etag;
    size_t own_len = opaque_tag(&own);
    while (has && *has) {
        has += strspn(has, ", \t");
        if (!*has)
            break;
        const char *tag = has;
        size_t len = opaque_tag(&tag);
        if (len == 0)
            break;
        if (len == own_len && memcmp(tag, own, len) == 0)
            return true;
        has = tag + len;
    }
    return false;
}

/* Whether the client takes gzip: Accept-Encoding lists it (or "*"), not with q=0. */
static bool takes_gzip(hh_request *rq)
{
    const char *at = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
    while (at && *at) {
        at += strspn(at, ", \t");
        size_t len = strcspn(at, ",; \t");
        bool gzip = (len == 4 && strncasecmp(at, "gzip", 4) == 0) || (len == 1 && *at == '*');
        const char *end = at + strcspn(at, ",");
        const char *q = strstr(at, "q=");
        bool refused = q && q < end && strtod(q + 2, NULL) == 0.0;
        if (gzip)
            return !refused;
        at = end;
    }
    return false;
}

#define GZIP_MIN 1024 /* smaller answers gain too little to be worth the header */

/* The answer's body gzip-compressed, when the client takes it and it is worth it (the
 * household list is 203 KB as JSON, 5.6 KB compressed; the phone client's files 60
 * KB, 20 KB): the compressed bytes (to free) and their length, else NULL. */
static char *gzipped(hh_request *rq, size_t *len)
{
    if (rq->file_fd >= 0 || rq->answer.len < GZIP_MIN || !takes_gzip(rq))
        return NULL;
    struct libdeflate_compressor *c = libdeflate_alloc_compressor(6);
    if (!c)
        return NULL;
    size_t bound = libdeflate_gzip_compress_bound(c, rq->answer.len);
    char *out = hh_xmalloc(bound);
    *len = libdeflate_gzip_compress(c, rq->answer.data, rq->answer.len, out, bound);
    libdeflate_free_compressor(c);
    if (*len == 0 || *len >= rq->answer.len) {
        free(out);
        return NULL;
    }
    return out;
}

/* The answer with the headers every answer carries (web.md: no caching of personal
 * data, no framing, no sniffing, no referrer; HSTS under TLS). */
static enum MHD_Result answer(hh_request *rq, unsigned status)
{
    size_t packed_len = 0;
    char *packed = gzipped(rq, &packed_len);
    bool gzip = packed != NULL;
    struct MHD_Response *r =
        rq->file_fd >= 0 ? MHD_create_response_from_fd(rq->file_size, rq->file_fd)
        : gzip           ? MHD_create_response_from_buffer(packed_len, packed, MHD_RESPMEM_MUST_FREE)
                         : MHD_create_response_from_buffer(rq->answer.len, rq->answer.data ? rq->answer.data : "",
                                                           MHD_RESPMEM_MUST_COPY);
    if (gzip && !r)
        free(packed);
    if (rq->file_fd >= 0 && r)
        rq->file_fd = -1; /* the response closes it */
    if (!r)
        return MHD_NO;
    if (rq->disposition[0])
        MHD_add_response_header(r, "Content-Disposition", rq->disposition);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED && rq->allow[0])
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->allow);
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            rq->content_type ? rq->content_type : "application/json; charset=utf-8");
    /* personal data is never cached; what may be is revalidated by its ETag */
    MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, rq->etag ? "no-cache" : "no-store");
    if (gzip) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
        MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
    }
    if (rq->etag) { /* another coding of the same content: a weak tag (RFC 9110 8.8.3) */
        char *weak = gzip ? hh_xasprintf("W/%s", rq->etag) : NULL;
        MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, weak ? weak : rq->etag);
        free(weak);
    }
    MHD_add_response_header(r, "Content-Security-Policy",
                            rq->csp ? rq->csp : "default-src 'none'; frame-ancestors 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (rq->server->tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (rq->set_cookie)
        MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, rq->set_cookie);
    if (atomic_load(&rq->server->stopping)) /* no next request on this connection */
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result rc = MHD_queue_response(rq->connection, status, r);
    MHD_destroy_response(r);
    return rc;
}

/* The most room a request's body is given before its bytes come: far above a form of a
 * large household (about 20 KB). */
#define BODY_RESERVED_MAX ((size_t)256 << 10)

static hh_request *request_new(hh_server *srv, struct MHD_Connection *c, const char *url, const char *method)
{
    hh_request *rq = hh_xmalloc(sizeof *rq);
    memset(rq, 0, sizeof *rq);
    rq->server = srv;
    rq->connection = c;
    rq->file_fd = -1;
    rq->method = method;
    rq->path = url;
    hh_buf_init(&rq->body);
    hh_buf_init(&rq->answer);
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = info ? info->client_addr : NULL;
    snprintf(rq->from, sizeof rq->from, "?");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, rq->from, sizeof rq->from);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, rq->from, sizeof rq->from);
    const char *language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE);
    rq->lang = language && strncmp(language, "zh", 2) == 0 ? HH_LANG_ZH : HH_LANG_EN;
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    unsigned long long announced = length ? strtoull(length, NULL, 10) : 0;
    rq->body_too_large = announced > srv->config.max_body;
    /* the room of a body announced at once: growing it by doubling cost 5 % under load;
     * at most BODY_RESERVED_MAX, so an announcement alone does not take much memory */
    if (announced && !rq->body_too_large)
        hh_buf_reserve(&rq->body, announced < BODY_RESERVED_MAX ? (size_t)announced : BODY_RESERVED_MAX);
    return rq;
}

/* A request begins its flight: counted until it is answered (on_completed), so that
 * a stop waits for it; false once the server is stopping. */
static bool take_off(hh_server *srv, hh_request *rq)
{
    pthread_mutex_lock(&srv->flight_lock);
    rq->in_flight = !atomic_load(&srv->stopping);
    srv->in_flight += rq->in_flight;
    pthread_mutex_unlock(&srv->flight_lock);
    return rq->in_flight;
}

static void land(hh_server *srv)
{
    pthread_mutex_lock(&srv->flight_lock);
    if (--srv->in_flight == 0 && atomic_load(&srv->stopping))
        pthread_cond_broadcast(&srv->flight_landed);
    pthread_mutex_unlock(&srv->flight_lock);
}

static bool before(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Those in flight are waited for: a form stored is answered before its connection
 * closes (a kill -9 loses such an answer; the client's retry gets it from the kept
 * answers). At most `ms` milliseconds, and never past landing_until: the
 * connection timeout from the quiesce (a client that neither sends nor reads is
 * given up then, as it would be anyway), or now once hh_server_cut_short says so.
 * True when the wait is over: none is in flight, or landing_until has passed. */
static bool wait_for_landing(hh_server *srv, unsigned ms)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L)
        until.tv_sec++, until.tv_nsec -= 1000000000L;
    pthread_mutex_lock(&srv->flight_lock);
    int rc = 0;
    while (srv->in_flight && rc != ETIMEDOUT) {
        const struct timespec *end = before(&srv->landing_until, &until) ? &srv->landing_until : &until;
        rc = pthread_cond_timedwait(&srv->flight_landed, &srv->flight_lock, end);
    }
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    bool over = !srv->in_flight || !before(&now, &srv->landing_until);
    pthread_mutex_unlock(&srv->flight_lock);
    return over;
}

/* How much lower than the server's own the request threads run. The store's
 * writer is the limit under load (server_forms.c, write_batches); checking forms
 * on the request threads at the same priority held it back: it ran half the time it
 * held the store lock. */
#define REQUEST_NICENESS 5

/* The request thread's priority lowered once, on its first request: a thread may
 * lower its own, never raise it again, so the writer (made before any request)
 * keeps the server's. Where it cannot be lowered nothing changes but the speed. */
static void yield_to_the_writer(void)
{
    static _Thread_local bool lowered;
    if (lowered)
        return;
    lowered = true;
    id_t me = (id_t)gettid();
    errno = 0;
    int now = getpriority(PRIO_PROCESS, me);
    if (errno == 0)
        setpriority(PRIO_PROCESS, me, now + REQUEST_NICENESS);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void)version;
    hh_server *srv = cls;
    hh_request *rq = *state;
    if (!rq) {
        yield_to_the_writer();
        *state = request_new(srv, c, url, method);
        rq = *state;
        if (!take_off(srv, rq))
            return answer(rq, hh_answer_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, "stopping",
                                              "The server is stopping: nothing was done. Send the request again "
                                              "once it is back.",
                                              "服务器正在停止：未执行任何操作。请在其恢复后重新发送请求。"));
        /* a body announced too large is refused before a byte of it is read */
        return rq->body_too_large ? answer(rq, dispatch(rq)) : MHD_YES;
    }
    if (*upload_size) {
        if (rq->body.len + *upload_size > srv->config.max_body)
            rq->body_too_large = true; /* the rest is read and dropped */
        else if (!rq->body_too_large)
            hh_buf_append(&rq->body, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    return answer(rq, dispatch(rq));
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state, enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    hh_request *rq = *state;
    if (!rq)
        return;
    if (rq->in_flight)
        land(rq->server);
    hh_buf_free(&rq->body);
    hh_buf_free(&rq->answer);
    if (rq->file_fd >= 0) /* never handed to a response */
        close(rq->file_fd);
    hh_account_clear(&rq->who);
    free(rq->set_cookie);
    free(rq);
    *state = NULL;
}

/* Unescapes a URL's %XX as libmicrohttpd would, but leaves one that would decode to
 * a NUL as it came: "/index.html%00.js" must not become "/index.html". */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    char *as_sent = hh_xstrdup(s);
    size_t n = MHD_http_unescape(s);
    if (n != strlen(s)) {
        strcpy(s, as_sent); /* the decoded text is never longer than what was sent */
        n = strlen(s);
    }
    free(as_sent);
    return n;
}

/* Parses "ADDR:PORT" or "[ADDR6]:PORT" into `sa`; whether it is a loopback address. */
static int parse_listen(const char *listen, struct sockaddr_storage *sa, bool *loopback, hh_buf *err)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    const char *h = listen, *h_end = colon;
    if (listen[0] == '[') {
        h = listen + 1;
        h_end = strchr(listen, ']');
        if (!h_end || h_end[1] != ':')
            h_end = NULL;
        colon = h_end ? h_end + 1 : NULL;
    }
    long port = -1;
    if (colon && h_end && (size_t)(h_end - h) < sizeof host) {
        char *end;
        errno = 0;
        port = strtol(colon + 1, &end, 10);
        if (errno || *end || end == colon + 1 || port < 0 || port > 65535)
            port = -1;
        memcpy(host, h, (size_t)(h_end - h));
        host[h_end - h] = '\0';
    }
    memset(sa, 0, sizeof *sa);
    struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
    if (port >= 0 && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        *loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
        return 0;
    }
    if (port >= 0 && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        *loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
        return 0;
    }
    hh_buf_puts(err, "--listen takes an address and a port: 127.0.0.1:8080, [::1]:8080 or 0.0.0.0:443");
    return -1;
}

/* The contents of PEM file `path` (at most 1 MiB), or NULL with `err`. */
static char *read_pem(const char *path, const char *what, hh_buf *err)
{
    FILE *f = fopen(path, "rb");
    hh_buf pem;
    hh_buf_init(&pem);
    char chunk[4096];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && pem.len < (1u << 20))
        hh_buf_append(&pem, chunk, n);
    bool ok = f && !ferror(f) && pem.len > 0 && pem.len < (1u << 20);
    if (!ok)
        hh_buf_printf(err, "%s: cannot read the TLS %s: %s", path, what,
                      !f || ferror(f) ? strerror(errno) : "empty or larger than 1 MiB");
    if (f)
        fclose(f);
    if (!ok) {
        hh_buf_free(&pem);
        return NULL;
    }
    return hh_buf_detach(&pem);
}


/* The connections one address may hold. An office's phones often share one public
 * address (the office's NAT, a carrier's), each browser keeping up to 6 connections:
 * 15 grid workers may need 90. Half of all (128) leaves room for them and still
 * keeps half for everyone else. At a quarter (64), a client of 64 connections was
 * refused a new connection now and then (an empty answer: "Server returned
 * nothing"), when it replaced one before the server had counted the old one gone. */
static unsigned per_address_limit(const hh_server_config *cfg)
{
    return cfg->max_connections / 2;
}

hh_server *hh_server_start(hh_store *s, const hh_schemaset *set, const hh_server_config *cfg, hh_buf *err)
{
    struct sockaddr_storage sa;
    bool loopback = false;
    if (parse_listen(cfg->listen, &sa, &loopback, err))
        return NULL;
    bool tls = cfg->tls_cert || cfg->tls_key;
    if (tls && !(cfg->tls_cert && cfg->tls_key)) {
        hh_buf_puts(err, "TLS needs both --tls-cert FILE and --tls-key FILE");
        return NULL;
    }
    if (!loopback && !tls) {
        hh_buf_printf(err, "%s is not a loopback address: personal data leaves this machine only over TLS "
                           "(give --tls-cert FILE --tls-key FILE)",
                      cfg->listen);
        return NULL;
    }
    hh_server *srv = hh_xmalloc(sizeof *srv);
    memset(srv, 0, sizeof *srv);
    srv->store = s;
    srv->schemas = set;
    srv->config = *cfg;
    srv->tls = tls;
    hh_buf_init(&srv->items);
    hh_items_answer_make(srv);
    if (hh_store_merge_waiting_documents(s, err) != 0 ||
        hh_store_open_shared_reader(hh_store_path(s), &srv->sessions, err) != 0 ||
        hh_store_open_shared_reader(hh_store_path(s), &srv->listings, err) != 0 ||
        hh_static_load(srv, cfg->www, err) != 0 || hh_forms_make(srv, err) != 0 || hh_exports_make(srv, err) != 0) {
        hh_forms_free(srv);
        hh_static_free(srv);
        hh_buf_free(&srv->items);
        hh_store_close(srv->sessions);
        hh_store_close(srv->listings);
        free(srv);
        return NULL;
    }
    pthread_mutex_init(&srv->store_lock, NULL);
    srv->checkpointer = hh_checkpointer_start(s); /* none: SQLite checkpoints in the writer's commits */
    pthread_mutex_init(&srv->sessions_lock, NULL);
    pthread_mutex_init(&srv->listings_lock, NULL);
    pthread_mutex_init(&srv->failures_lock, NULL);
    pthread_mutex_init(&srv->flight_lock, NULL);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&srv->flight_landed, &monotonic);
    pthread_condattr_destroy(&monotonic);
    if (tls && (!(srv->tls_cert = read_pem(cfg->tls_cert, "certificate", err)) ||
                !(srv->tls_key = read_pem(cfg->tls_key, "key", err)))) {
        hh_server_stop(srv);
        return NULL;
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | (tls ? MHD_USE_TLS : 0) |
                     (sa.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    struct MHD_OptionItem tls_options[] = {
        { tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, srv->tls_cert },
        { MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key },
        { MHD_OPTION_END, 0, NULL },
    };
    srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
                                   MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                   /* a thread serves its connections one request at a time, and
                                    * libmicrohttpd divides the connection limit among the pool:
                                    * with a thread for each connection allowed, no request waits
                                    * behind another connection's. With 64 threads (4 connections
                                    * each), 64 clients submitting forms shared 13 of them, and a
                                    * form waited for another's check and commit: p99 76-130 ms,
                                    * now 36-52 ms (bench/bench-load.sh, 20,000 forms). The price:
                                    * every idle thread wakes for a new connection (3,000 opened
                                    * one after another: 0.2 ms of the server's time each with 64
                                    * threads, 0.5 ms with 256; phones keep theirs open). A thread
                                    * waiting costs its stack (1 MiB: JSON nested 2,000 deep,
                                    * jansson's limit, parses in it; 8 MiB made starting the server
                                    * under valgrind take 9 s), a checker is made only per core */
                                   MHD_OPTION_THREAD_POOL_SIZE, cfg->max_connections,
                                   MHD_OPTION_THREAD_STACK_SIZE, (size_t)1 << 20,
                                   MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
                                   MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address_limit(cfg),
                                   MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
                                   /* a connection's buffer for its headers and reads, which MHD
                                    * clears for each request: 128 KiB cost 196 KiB of memset a
                                    * request (callgrind, 2,000 submissions; 1.7 % of the server's
                                    * time in perf under load); a body is gathered in rq->body
                                    * whatever its size */
                                   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
                                   MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
                                   MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
                                   MHD_OPTION_ARRAY, tls_options,
                                   MHD_OPTION_END);
    if (!srv->daemon) {
        hh_buf_printf(err, "cannot listen on %s: %s", cfg->listen,
                      errno ? strerror(errno) : "the address is taken or TLS could not be set up");
        hh_server_stop(srv);
        return NULL;
    }
    return srv;
}

unsigned hh_server_port(const hh_server *srv)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

void hh_server_quiesce(hh_server *srv)
{
    if (!srv || !srv->daemon || srv->quiesced)
        return;
    pthread_mutex_lock(&srv->flight_lock); /* a request taking off now sees it */
    atomic_store(&srv->stopping, true);
    clock_gettime(CLOCK_MONOTONIC, &srv->landing_until);
    srv->landing_until.tv_sec += (time_t)srv->config.timeout;
    pthread_mutex_unlock(&srv->flight_lock);
    srv->listening = MHD_quiesce_daemon(srv->daemon);
    srv->quiesced = true;
    /* no longer polled, the socket still listens: the system would complete new
     * connections that nobody serves until the socket is closed, after the wait.
     * Shut down, it refuses them at once; closed after the daemon stops. */
    if (srv->listening != MHD_INVALID_SOCKET)
        shutdown(srv->listening, SHUT_RDWR);
}

bool hh_server_landed(hh_server *srv, unsigned ms)
{
    return !srv || !srv->quiesced || wait_for_landing(srv, ms);
}

unsigned hh_server_in_flight(hh_server *srv)
{
    pthread_mutex_lock(&srv->flight_lock);
    unsigned n = srv->in_flight;
    pthread_mutex_unlock(&srv->flight_lock);
    return n;
}

void hh_server_cut_short(hh_server *srv)
{
    if (!srv || !srv->quiesced)
        return;
    pthread_mutex_lock(&srv->flight_lock);
    clock_gettime(CLOCK_MONOTONIC, &srv->landing_until);
    pthread_cond_broadcast(&srv->flight_landed);
    pthread_mutex_unlock(&srv->flight_lock);
}

void hh_server_stop(hh_server *srv)
{
    if (!srv)
        return;
    if (srv->daemon) {
        hh_server_quiesce(srv);
        wait_for_landing(srv, srv->config.timeout * 1000U);
        MHD_stop_daemon(srv->daemon);
        if (srv->listening != MHD_INVALID_SOCKET) /* not before: a thread of the daemon may use it */
            close(srv->listening);
    }
    hh_exports_free(srv); /* a run in progress is ended and recorded as failed */
    hh_forms_free(srv);
    hh_buf_free(&srv->items);
    hh_static_free(srv);
    hh_checkpointer_stop(srv->checkpointer);
    pthread_mutex_destroy(&srv->store_lock);
    pthread_mutex_destroy(&srv->sessions_lock);
    pthread_mutex_destroy(&srv->listings_lock);
    pthread_mutex_destroy(&srv->failures_lock);
    pthread_mutex_destroy(&srv->flight_lock);
    pthread_cond_destroy(&srv->flight_landed);
    hh_store_close(srv->sessions);
    hh_store_close(srv->listings);
    free(srv->tls_cert);
    free(srv->tls_key);
    free(srv);
}
