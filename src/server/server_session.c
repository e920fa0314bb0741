/* server_session.c — signing in and out (POST and DELETE /api/v1/session), the
 * signed-in account as it is now (GET /api/v1/session), and
 * recognising a session on every other request (web.md, OWASP's session rules):
 * a 256-bit random token in an HttpOnly, Secure, SameSite=Strict cookie or as a
 * bearer token, kept in the store only as its SHA-256; idle and absolute expiry;
 * a CSRF token for every state-changing request; the same answer for an unknown
 * name, a wrong password, a disabled or a locked account, after the same work. */
#include "server_internal.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COOKIE "hhreg_session"

/* The district's, street's and community's names of each community of the account's
 * grids, as the store's households write them, as a JSON object into `out`: the
 * phone fills them in a new household of a grid that has none yet (its worker reads
 * no other grid). No personal data: the names of places. Read on the listings'
 * connection, never under the store lock (a long listing holds listings_lock). */
static void area_names(hh_server *srv, const hh_account *a, hh_buf *out)
{
    static const char *const keys[3] = { "district", "street", "community" };
    hh_json json, *j = &json;
    hh_json_init(j, out);
    hh_json_object(j, NULL);
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->listings_lock);
    for (size_t i = 0; i < a->n_grids; i++) {
        char community[13];
        snprintf(community, sizeof community, "%.12s", a->grids[i]);
        bool seen = strspn(community, "0123456789") != 12;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strncmp(a->grids[k], community, 12) == 0;
        char *names[3];
        if (seen || hh_store_area_names(srv->listings, community, names, &err) != 0)
            continue; /* told once; a community without households (or a failing read) has none */
        hh_json_object(j, community);
        for (int n = 0; n < 3; n++) {
            if (names[n])
                hh_json_str(j, keys[n], names[n]);
            free(names[n]);
        }
        hh_json_end(j);
    }
    pthread_mutex_unlock(&srv->listings_lock);
    hh_buf_free(&err);
    hh_json_end(j);
}

/* The account's name, role, grids and their areas' names (`areas`, area_names'
 * object), as both sign-in and GET /api/v1/session say them. */
static void put_account(hh_json *j, const hh_account *a, const char *areas)
{
    hh_json_str(j, "user", a->name);
    hh_json_str(j, "role", hh_role_name(a->role));
    hh_json_array(j, "grids");
    for (size_t i = 0; i < a->n_grids; i++)
        hh_json_str(j, NULL, a->grids[i]);
    hh_json_end(j);
    hh_json_raw(j, "areas", areas);
}

static unsigned refused(hh_request *rq)
{
    return hh_answer_error(rq, MHD_HTTP_UNAUTHORIZED, "login-refused",
                           "Wrong user or password, or the account is locked or disabled: try again later, or ask "
                           "the supervisor.",
                           "用户名或密码错误，或账户已锁定或停用：请稍后再试，或联系网格长。");
}

/* The user and password of a sign-in body {"user": …, "password": …, "bearer": true
 * (optional)}; false when the body is not that. */
static bool read_credentials(hh_request *rq, char **user, char **password, bool *bearer)
{
    json_error_t error;
    json_t *body = json_loadb(rq->body.data ? rq->body.data : "", rq->body.len, JSON_REJECT_DUPLICATES, &error);
    const char *u = body ? json_string_value(json_object_get(body, "user")) : NULL;
    const char *p = body ? json_string_value(json_object_get(body, "password")) : NULL;
    bool ok = json_is_object(body) && u && p && strlen(u) <= 64 && strlen(p) <= HH_PASSWORD_MAX;
    *bearer = ok && json_is_true(json_object_get(body, "bearer"));
    *user = ok ? hh_xstrdup(u) : NULL;
    *password = ok ? hh_xstrdup(p) : NULL;
    json_decref(body);
    return ok;
}

/* The failures kept for address `from` (a free or the oldest slot when it has none);
 * under failures_lock. */
static hh_address_failures *failures_of(hh_server *srv, const char *from)
{
    hh_address_failures *oldest = &srv->failures[0];
    for (size_t i = 0; i < HH_ADDRESSES_KEPT; i++) {
        hh_address_failures *f = &srv->failures[i];
        if (strcmp(f->from, from) == 0)
            return f;
        /* the slot heard from longest ago (an unused one first) */
        long long last = f->first_at > f->locked_until ? f->first_at : f->locked_until;
        long long oldest_last =
            oldest->first_at > oldest->locked_until ? oldest->first_at : oldest->locked_until;
        if (last < oldest_last)
            oldest = f;
    }
    memset(oldest, 0, sizeof *oldest);
    snprintf(oldest->from, sizeof oldest->from, "%s", from);
    return oldest;
}

/* Whether address `from` is refused just now for too many failed logins. */
static bool address_locked(hh_server *srv, const char *from, long long now)
{
    pthread_mutex_lock(&srv->failures_lock);
    bool locked = failures_of(srv, from)->locked_until > now;
    pthread_mutex_unlock(&srv->failures_lock);
    return locked;
}

/* Counts a failed login from `from`; true when it now locks the address. */
static bool address_failed(hh_server *srv, const char *from, long long now)
{
    const hh_server_config *c = &srv->config;
    pthread_mutex_lock(&srv->failures_lock);
    hh_address_failures *f = failures_of(srv, from);
    if (f->first_at < now - c->login.window) {
        f->first_at = now;
        f->count = 0;
    }
    bool locks = ++f->count >= c->address_max_failures;
    if (locks) {
        f->locked_until = now + c->login.lock;
        f->count = 0;
        f->first_at = 0;
    }
    pthread_mutex_unlock(&srv->failures_lock);
    return locks;
}

static void forget(char *secret)
{
    if (secret) {
        memset(secret, 0, strlen(secret));
        free(secret);
    }
}

unsigned hh_session_create(hh_request *rq)
{
    hh_server *srv = rq->server;
    char *user, *password;
    bool bearer;
    if (!read_credentials(rq, &user, &password, &bearer))
        return hh_answer_error(rq, MHD_HTTP_BAD_REQUEST, "body",
                               "Send {\"user\": NAME, \"password\": PASSWORD} as JSON.",
                               "请以 JSON 发送 {\"user\": 用户名, \"password\": 密码}。");
    long long now = (long long)time(NULL);
    if (address_locked(srv, rq->from, now)) { /* said in the audit log when it was locked */
        forget(password);
        free(user);
        return refused(rq);
    }
    hh_account a;
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->store_lock);
    int found = hh_account_name_valid(user) ? hh_store_account_get(srv->store, user, &a, &err) : 1;
    pthread_mutex_unlock(&srv->store_lock);
    bool ok = false, locked = found == 0 && a.locked_until > now;
    if (found == 0)
        ok = hh_password_verify(a.password_hash, password) && !a.disabled && !locked;
    else
        hh_password_verify_nobody(password); /* the same time for a name with no account */
    forget(password);
    hh_buf areas; /* read before the store lock is taken again: never a listing's wait under it */
    hh_buf_init(&areas);
    if (ok)
        area_names(srv, &a, &areas);
    unsigned status;
    pthread_mutex_lock(&srv->store_lock);
    if (found < 0)
        status = hh_answer_store_failed(rq);
    else if (!ok) {
        /* a locked account's attempts are said, not counted: counting them would let
         * anyone keep it locked for ever, its owner's right password included */
        char *detail = locked ? hh_xasprintf("login refused from %s: the account is locked", rq->from)
                              : address_failed(srv, rq->from, now)
                                    ? hh_xasprintf("logins from %s refused for %d s: too many failed", rq->from,
                                                   srv->config.login.lock)
                                    : NULL;
        int rc = detail ? hh_store_audit(srv->store, found == 0 ? a.name : "unknown account", "login", NULL, 0,
                                         detail, &err)
                        : 0;
        if (!locked && rc == 0)
            rc = hh_store_login_failed(srv->store, found == 0 ? a.name : "", now, &srv->config.login, rq->from, &err);
        status = rc ? hh_answer_store_failed(rq) : refused(rq);
        free(detail);
    }
    else {
        char token[HH_TOKEN_HEX], hash[HH_TOKEN_HEX], csrf[HH_TOKEN_HEX];
        hh_token_new(token);
        hh_token_new(csrf);
        hh_token_hash(token, hash);
        if (hh_store_session_start(srv->store, a.name, hash, csrf, now, rq->from, &err))
            status = hh_answer_store_failed(rq);
        else {
            rq->set_cookie = hh_xasprintf(COOKIE "=%s; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=%d", token,
                                          srv->config.session_absolute);
            hh_json j;
            hh_json_init(&j, &rq->answer);
            hh_json_object(&j, NULL);
            put_account(&j, &a, areas.data);
            hh_json_str(&j, "csrf", csrf);
            if (bearer) /* an API client without cookies asked for it; a browser never needs to see it */
                hh_json_str(&j, "token", token);
            hh_json_int(&j, "idleSeconds", srv->config.session_idle);
            hh_json_end(&j);
            status = MHD_HTTP_CREATED;
        }
    }
    pthread_mutex_unlock(&srv->store_lock);
    hh_buf_free(&areas);
    if (found == 0)
        hh_account_clear(&a);
    free(user);
    hh_buf_free(&err);
    return status;
}

/* GET /api/v1/session: the account as the store has it now — a grid given or taken
 * away since signing in shows here, and the phone client follows it. */
unsigned hh_session_get(hh_request *rq)
{
    hh_json j;
    hh_json_init(&j, &rq->answer);
    hh_json_object(&j, NULL);
    hh_buf areas;
    hh_buf_init(&areas);
    area_names(rq->server, &rq->who, &areas);
    put_account(&j, &rq->who, areas.data);
    hh_buf_free(&areas);
    hh_json_int(&j, "idleSeconds", rq->server->config.session_idle);
    hh_json_end(&j);
    return MHD_HTTP_OK;
}

unsigned hh_session_delete(hh_request *rq)
{
    hh_server *srv = rq->server;
    hh_buf err;
    hh_buf_init(&err);
    pthread_mutex_lock(&srv->store_lock);
    int rc = hh_store_session_end(srv->store, rq->token_hash, rq->who.name, &err);
    pthread_mutex_unlock(&srv->store_lock);
    hh_buf_free(&err);
    if (rc < 0)
        return hh_answer_store_failed(rq);
    rq->set_cookie = hh_xstrdup(COOKIE "=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0");
    return MHD_HTTP_NO_CONTENT;
}

/* The session token the request carries: its cookie, else its bearer token. */
static const char *token_of(hh_request *rq)
{
    const char *cookie = MHD_lookup_connection_value(rq->connection, MHD_COOKIE_KIND, COOKIE);
    if (cookie)
        return cookie;
    const char *auth = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    return auth && strncmp(auth, "Bearer ", 7) == 0 ? auth + 7 : NULL;
}

bool hh_session_authenticate(hh_request *rq)
{
    const char *token = token_of(rq);
    if (!token || strlen(token) != HH_TOKEN_HEX - 1 || strspn(token, "0123456789abcdef") != HH_TOKEN_HEX - 1)
        return false;
    hh_token_hash(token, rq->token_hash);
    hh_server *srv = rq->server;
    hh_buf err;
    hh_buf_init(&err);
    long long now = (long long)time(NULL);
    bool upkeep = false;
    pthread_mutex_lock(&srv->sessions_lock);
    int rc = hh_store_session_find(srv->sessions, rq->token_hash, now, srv->config.session_idle,
                                   srv->config.session_absolute, &rq->who, rq->csrf, &upkeep, &err);
    pthread_mutex_unlock(&srv->sessions_lock);
    if (rc >= 0 && upkeep) { /* now and then: the last use written, expired sessions ended */
        pthread_mutex_lock(&srv->store_lock);
        if (hh_store_session_upkeep(srv->store, rq->token_hash, now, srv->config.session_idle,
                                    srv->config.session_absolute, &err) && rc == 0) {
            hh_account_clear(&rq->who);
            rc = -1;
        }
        pthread_mutex_unlock(&srv->store_lock);
    }
    hh_buf_free(&err);
    rq->signed_in = rc == 0;
    return rq->signed_in;
}

bool hh_session_csrf_ok(hh_request *rq)
{
    const char *sent = MHD_lookup_connection_value(rq->connection, MHD_HEADER_KIND, "X-CSRF-Token");
    return sent && *rq->csrf && hh_token_equal(sent, rq->csrf);
}
