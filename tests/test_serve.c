/* test_serve.c — `hhreg serve` over real HTTP on loopback (libcurl): signing in and
 * out, the cookie's flags, CSRF, the lock-out, the role matrix of every route × role
 * × own or another grid (a table here), hostile requests, and a clean stop on
 * SIGTERM. The server is the real binary (under valgrind for check-valgrind). */
#define _GNU_SOURCE /* memmem */
#include <check.h>
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "entry.h"
#include "serve_client.h"
#include "server.h"
#include "testutil.h"

Suite *make_serve_suite(void);

#define PASSWORD TU_SERVE_PASSWORD
#define OWN "510105016003-03-0001"     /* in grid 03 */
#define OTHER "510105016003-04-0002"   /* in grid 04 of the same community */

static pid_t server_pid;
static int server_out = -1;
static char base[64];
static char *ca_file; /* set: the server speaks TLS with this self-signed certificate */
static const char *extra_header; /* set: one more request header (If-None-Match: …) */

static void ok(tu_result r)
{
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
}

/* A store with a household in grid 03 and one in grid 04, and an account of each
 * role: enumerators of either grid, the community's supervisor, a statistician and
 * an admin. */
static void make_store(void)
{
    char *own = tu_src("samples/households/" OWN ".xml");
    char *second = tu_src("samples/households/510105016003-03-0002.xml");
    size_t len;
    char *xml = tu_read_file(second, &len);
    char *other = tu_path(tu_store_dir, "other.xml");
    /* the grid's second household, moved to grid 04 */
    char *moved = hh_xasprintf("%s", xml);
    char *id = strstr(moved, "-03-0002"), *grid = strstr(moved, "<grid>3</grid>");
    ck_assert(id && grid);
    id[2] = '4';
    grid[6] = '4';
    tu_write_file(other, moved, strlen(moved));
    tu_no_valgrind = 1; /* the scene of every test: the server below runs under valgrind */
    ok(tu_hhreg(NULL, NULL, "import", "--db", tu_store_db, own, other, NULL));
    tu_no_valgrind = 0;
    free(moved);
    free(xml);
    free(other);
    free(second);
    free(own);
    tu_serve_add_user("enum03", "enumerator", "510105016003-03");
    tu_serve_add_user("enum04", "enumerator", "510105016003-04");
    tu_serve_add_user("super", "supervisor", "510105016003");
    tu_serve_add_user("stats", "statistician", NULL);
    tu_serve_add_user("admin", "admin", NULL);
}

/* Starts hhreg serve on a free port (over TLS when ca_file is set, with its key
 * beside it) and waits for its "listening" line. */
static void server_start(void)
{
    char *key = ca_file ? hh_xasprintf("%s.key", ca_file) : NULL;
    char *www = tu_path(tu_store_dir, "www");
    server_pid = tu_hhreg_start(&server_out, "serve", "--listen", "127.0.0.1:0", "--address-failures", "12", "--db",
                                tu_store_db, "--www", www, "--plugin-dir", getenv("HHREG_PLUGINS"),
                                ca_file ? "--tls-cert" : NULL, ca_file, "--tls-key", key, NULL);
    free(www);
    free(key);
    snprintf(base, sizeof base, "%s://127.0.0.1:%d", ca_file ? "https" : "http", tu_serve_port(server_out));
}

/* SIGTERM: the server finishes and exits 0 (no leak under valgrind). */
static void server_stop(void)
{
    tu_serve_stop(server_pid, server_out);
}

/* The phone client's directory: a page, a script, a style in a subdirectory, and
 * what must never be served: a link out of it, a hidden file, a file of no known type. */
static void make_www(void)
{
    char *www = tu_path(tu_store_dir, "www"), *sub = tu_path(www, "css");
    ck_assert_int_eq(mkdir(www, 0700), 0);
    ck_assert_int_eq(mkdir(sub, 0700), 0);
    static const char *const files[][2] = { { "index.html", "<!doctype html><title>hhreg</title>" },
                                            { "app.js", "console.log('hhreg');" },
                                            { "css/app.css", "body{margin:0}" },
                                            { ".hidden.html", "hidden" },
                                            { "notes.md", "not a type served" } };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *path = tu_path(www, files[i][0]);
        tu_write_file(path, files[i][1], strlen(files[i][1]));
        free(path);
    }
    char *link = tu_path(www, "passwd.txt");
    ck_assert_int_eq(symlink("/etc/passwd", link), 0);
    free(link);
    free(sub);
    free(www);
}

static void serve_setup(void)
{
    tu_store_setup();
    make_store();
    make_www();
    server_start();
}

static void serve_teardown(void)
{
    server_stop();
    tu_store_teardown();
}

typedef tu_http http;
#define http_free tu_http_free
#define json_string tu_json_string

static http request(const char *method, const char *path, const char *body, const char *token, const char *csrf)
{
    char *url = hh_xasprintf("%s%s", base, path);
    char *cookie = token ? hh_xasprintf("hhreg_session=%s", token) : NULL;
    tu_http_request rq = { url, method, NULL, body, cookie, csrf, extra_header, ca_file, false };
    http h = tu_http_send(&rq);
    free(cookie);
    free(url);
    return h;
}

/* Signs `user` in; the session token (from the cookie) and CSRF token. */
static void sign_in(const char *user, char **token, char **csrf)
{
    char *body = hh_xasprintf("{\"user\":\"%s\",\"password\":\"%s\"}", user, PASSWORD);
    http h = request("POST", "/api/v1/session", body, NULL, NULL);
    ck_assert_msg(h.status == 201, "%s: %ld %s", user, h.status, h.body.data);
    const char *cookie = strstr(h.headers.data, "hhreg_session=");
    ck_assert_ptr_nonnull(cookie);
    *token = hh_xstrdup(cookie + strlen("hhreg_session="));
    (*token)[strcspn(*token, ";")] = '\0';
    *csrf = json_string(h.body.data, "csrf");
    ck_assert_ptr_nonnull(*csrf);
    http_free(&h);
    free(body);
}

START_TEST(a_session_is_a_safe_cookie_ended_by_logout)
{
    http h = request("POST", "/api/v1/session", "{\"user\":\"enum03\",\"password\":\"" PASSWORD "\"}", NULL, NULL);
    ck_assert_int_eq(h.status, 201);
    ck_assert_msg(strstr(h.headers.data, "HttpOnly; Secure; SameSite=Strict"), "%s", h.headers.data);
    ck_assert_msg(strstr(h.headers.data, "X-Content-Type-Options: nosniff") &&
                      strstr(h.headers.data, "frame-ancestors 'none'") && strstr(h.headers.data, "no-store"),
                  "%s", h.headers.data);
    ck_assert_msg(strstr(h.body.data, "\"role\":\"enumerator\",\"grids\":[\"510105016003-03\"],\"areas\":"
                                      "{\"510105016003\":{\"district\":\"青羊区\","),
                  "%s", h.body.data);
    ck_assert_msg(!strstr(h.body.data, "\"token\""), "a browser's session token is only in its HttpOnly cookie: %s",
                  h.body.data);
    http_free(&h);
    char *token, *csrf;
    sign_in("enum03", &token, &csrf);
    /* the store keeps the token's hash, never the token */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM session"), 2);
    char *found = hh_xasprintf("SELECT count(*) FROM session WHERE token_sha256 = '%s' OR csrf = '%s'", token, token);
    ck_assert_int_eq(tu_sql_count(tu_store_db, found), 0);
    free(found);
    h = request("GET", "/api/v1/households/" OWN, NULL, token, NULL);
    ck_assert_int_eq(h.status, 200);
    ck_assert_msg(strstr(h.body.data, "\"id\":\"" OWN "\""), "%s", h.body.data);
    ck_assert_msg(strstr(h.body.data, ",\"warnings\":[]}"), "%s", h.body.data);
    http_free(&h);
    /* the warnings kept with the current revision, in the request's language */
    char *warned = tu_src("samples/households/510105016003-03-0014.xml");
    ok(tu_hhreg(NULL, NULL, "import", "-q", "--db", tu_store_db, warned, NULL));
    free(warned);
    extra_header = "Accept-Language: zh";
    h = request("GET", "/api/v1/households/510105016003-03-0014", NULL, token, NULL);
    extra_header = NULL;
    ck_assert_int_eq(h.status, 200);
    ck_assert_msg(strstr(h.body.data, ",\"warnings\":[{\"rule\":\"PHONE-MISSING\",\"path\":\"phone\",\"message\":"
                                      "\"已完成的表单没有任何联系电话，无法回访\"}]}"),
                  "%s", h.body.data);
    http_free(&h);
    /* logging out is state-changing: without the CSRF token it is refused */
    h = request("DELETE", "/api/v1/session", NULL, token, NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    h = request("DELETE", "/api/v1/session", NULL, token, "0000");
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    h = request("DELETE", "/api/v1/session", NULL, token, csrf);
    ck_assert_int_eq(h.status, 204);
    ck_assert_msg(strstr(h.headers.data, "Max-Age=0"), "%s", h.headers.data);
    http_free(&h);
    h = request("GET", "/api/v1/households/" OWN, NULL, token, NULL);
    ck_assert_int_eq(h.status, 401);
    http_free(&h);
    /* API clients may ask for a bearer token */
    h = request("POST", "/api/v1/session", "{\"user\":\"enum03\",\"password\":\"" PASSWORD "\",\"bearer\":true}", NULL,
                NULL);
    char *bearer = json_string(h.body.data, "token");
    ck_assert_ptr_nonnull(bearer);
    http_free(&h);
    char *authorization = hh_xasprintf("Authorization: Bearer %s", bearer);
    extra_header = authorization;
    h = request("GET", "/api/v1/households", NULL, NULL, NULL);
    extra_header = NULL;
    ck_assert_int_eq(h.status, 200);
    ck_assert_msg(strstr(h.body.data, OWN) && !strstr(h.body.data, OTHER), "%s", h.body.data);
    http_free(&h);
    free(authorization);
    free(bearer);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'login'"), 3);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'logout'"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'read' AND household_id"
                                               " = '" OWN "' AND actor = 'enum03'"),
                     1);
    free(token);
    free(csrf);
}
END_TEST

/* Every route × every role × own grid or another's, with the status expected. "own"
 * is the role's household (OWN; for the supervisor both are in its community). */
static const struct {
    const char *role, *method, *path;
    long status;
} matrix[] = {
    { NULL, "GET", "/api/v1/households", 401 },
    { NULL, "GET", "/api/v1/households/" OWN, 401 },
    { NULL, "DELETE", "/api/v1/session", 401 },
    { "enum03", "GET", "/api/v1/households", 200 },
    { "enum03", "GET", "/api/v1/households/" OWN, 200 },
    { "enum03", "GET", "/api/v1/households/" OTHER, 403 },
    { "enum03", "GET", "/api/v1/households/510105016003-03-9999", 404 },
    { "enum04", "GET", "/api/v1/households/" OWN, 403 },
    { "enum04", "GET", "/api/v1/households/" OTHER, 200 },
    { "super", "GET", "/api/v1/households", 200 },
    { "super", "GET", "/api/v1/households/" OWN, 200 },
    { "super", "GET", "/api/v1/households/" OTHER, 200 },
    { "super", "GET", "/api/v1/households/510105016004-03-0001", 403 },
    { "stats", "GET", "/api/v1/households", 403 },
    { "stats", "GET", "/api/v1/households/" OWN, 403 },
    { "admin", "GET", "/api/v1/households", 403 },
    { "admin", "GET", "/api/v1/households/" OWN, 403 },
    /* a search by a name or a phone: the enumerator's and supervisor's grids only */
    { NULL, "GET", "/api/v1/households?q=%E8%92%8B%E7%B4%A0", 401 },
    { "enum03", "GET", "/api/v1/households?q=%E8%92%8B%E7%B4%A0", 200 },
    { "super", "GET", "/api/v1/households?q=3284-0507", 200 },
    { "stats", "GET", "/api/v1/households?q=%E8%92%8B%E7%B4%A0", 403 },
    { "stats", "GET", "/api/v1/households?q=3284-0507", 403 },
    { "admin", "GET", "/api/v1/households?q=%E8%92%8B%E7%B4%A0", 403 },
    { "admin", "GET", "/api/v1/households?q=3284-0507", 403 },
    { NULL, "GET", "/api/v1/households?full=1", 401 },
    { "enum03", "GET", "/api/v1/households?full=1", 200 },
    { "super", "GET", "/api/v1/households?full=1", 200 },
    { "stats", "GET", "/api/v1/households?full=1", 403 },
    { "admin", "GET", "/api/v1/households?full=1", 403 },
    { NULL, "GET", "/api/v1/session", 401 },
    { "enum03", "GET", "/api/v1/session", 200 },
    { "stats", "GET", "/api/v1/session", 200 },
    { NULL, "GET", "/api/v1/items", 401 },
    { "enum03", "GET", "/api/v1/items", 200 },
    { "super", "GET", "/api/v1/items", 200 },
    { "stats", "GET", "/api/v1/items", 200 },
    { "admin", "GET", "/api/v1/items", 200 },
    { "enum03", "POST", "/api/v1/items", 405 },
    /* forms and visits (what a form may do is test_serve_forms.c's): who may at all */
    { NULL, "POST", "/api/v1/households", 401 },
    { "enum03", "POST", "/api/v1/households", 400 }, /* allowed: the (empty) body is refused */
    { "super", "POST", "/api/v1/households", 400 },
    { "stats", "POST", "/api/v1/households", 403 },
    { "admin", "POST", "/api/v1/households", 403 },
    { NULL, "POST", "/api/v1/households/" OWN "/visits", 401 },
    { "enum03", "POST", "/api/v1/households/" OWN "/visits", 400 }, /* allowed: no body */
    { "enum03", "POST", "/api/v1/households/" OTHER "/visits", 403 },
    { "enum04", "POST", "/api/v1/households/" OWN "/visits", 403 },
    { "super", "POST", "/api/v1/households/" OTHER "/visits", 400 },
    { "super", "POST", "/api/v1/households/510105016004-03-0001/visits", 403 },
    { "stats", "POST", "/api/v1/households/" OWN "/visits", 403 },
    { "admin", "POST", "/api/v1/households/" OWN "/visits", 403 },
    /* what is owed: their grids' households only (the body is checked below) */
    { NULL, "GET", "/api/v1/due", 401 },
    { "enum03", "GET", "/api/v1/due", 200 },
    { "enum03", "HEAD", "/api/v1/due", 200 }, /* HEAD is GET without the body, the same access */
    { NULL, "HEAD", "/api/v1/due", 401 },
    { "stats", "HEAD", "/api/v1/households/" OWN, 403 },
    { "enum03", "HEAD", "/api/v1/households/" OTHER, 403 },
    { "enum03", "HEAD", "/api/v1/households/" OWN, 200 },
    { "enum03", "HEAD", "/api/v1/households", 200 },
    { "enum03", "GET", "/api/v1/due?days=-1", 400 },
    { "enum03", "GET", "/api/v1/due?group=alone,nobody", 400 },
    { "super", "GET", "/api/v1/due", 200 },
    { "stats", "GET", "/api/v1/due", 403 },
    { "admin", "GET", "/api/v1/due", 403 },
    { "enum03", "POST", "/api/v1/due", 405 },
    /* review: decisions by the community's supervisor; the lists as their grids' */
    { NULL, "POST", "/api/v1/households/" OWN "/review", 401 },
    { "enum03", "POST", "/api/v1/households/" OWN "/review", 403 },
    { "enum04", "POST", "/api/v1/households/" OTHER "/review", 403 },
    { "super", "POST", "/api/v1/households/" OWN "/review", 400 }, /* allowed: no body */
    { "super", "POST", "/api/v1/households/" OTHER "/review", 400 },
    { "super", "POST", "/api/v1/households/510105016004-03-0001/review", 403 },
    { "stats", "POST", "/api/v1/households/" OWN "/review", 403 },
    { "admin", "POST", "/api/v1/households/" OWN "/review", 403 },
    { "super", "GET", "/api/v1/households/" OWN "/review", 405 },
    /* conflicts of a merge: the community's supervisor's */
    { NULL, "POST", "/api/v1/households/" OWN "/resolve", 401 },
    { "enum03", "POST", "/api/v1/households/" OWN "/resolve", 403 },
    { "super", "POST", "/api/v1/households/" OWN "/resolve", 400 }, /* allowed: no body */
    { "super", "POST", "/api/v1/households/510105016004-03-0001/resolve", 403 },
    { "stats", "POST", "/api/v1/households/" OWN "/resolve", 403 },
    { "admin", "POST", "/api/v1/households/" OWN "/resolve", 403 },
    { "enum03", "GET", "/api/v1/review-queue?state=conflict", 403 },
    { "super", "GET", "/api/v1/review-queue?state=conflict", 200 },
    { "stats", "GET", "/api/v1/review-queue?state=conflict", 403 },
    { NULL, "GET", "/api/v1/review-queue", 401 },
    { "enum03", "GET", "/api/v1/review-queue", 200 },
    { "enum03", "GET", "/api/v1/review-queue?state=returned", 200 },
    { "super", "GET", "/api/v1/review-queue", 200 },
    { "super", "GET", "/api/v1/review-queue?state=later", 400 },
    { "stats", "GET", "/api/v1/review-queue", 403 },
    { "admin", "GET", "/api/v1/review-queue", 403 },
    { "super", "POST", "/api/v1/review-queue", 405 },
    /* the dashboard: counts of the supervisor's grids */
    { NULL, "GET", "/api/v1/progress", 401 },
    { "enum03", "GET", "/api/v1/progress", 403 },
    { "super", "GET", "/api/v1/progress", 200 },
    { "stats", "GET", "/api/v1/progress", 403 },
    { "admin", "GET", "/api/v1/progress", 403 },
    { "super", "POST", "/api/v1/progress", 405 },
    /* assignments: a supervisor's enumerators, an admin's accounts */
    { NULL, "GET", "/api/v1/assignments", 401 },
    { "enum03", "GET", "/api/v1/assignments", 403 },
    { "super", "GET", "/api/v1/assignments", 200 },
    { "stats", "GET", "/api/v1/assignments", 403 },
    { "admin", "GET", "/api/v1/assignments", 200 },
    { NULL, "POST", "/api/v1/assignments", 401 },
    { "enum03", "POST", "/api/v1/assignments", 403 },
    { "super", "POST", "/api/v1/assignments", 400 }, /* allowed: no body */
    { "stats", "POST", "/api/v1/assignments", 403 },
    { "admin", "POST", "/api/v1/assignments", 400 },
    { "super", "DELETE", "/api/v1/assignments", 405 },
    /* exports: an admin starts and releases runs; a statistician sees the released */
    { NULL, "GET", "/api/v1/exports", 401 },
    { "enum03", "GET", "/api/v1/exports", 403 },
    { "super", "GET", "/api/v1/exports", 403 },
    { "stats", "GET", "/api/v1/exports", 200 },
    { "admin", "GET", "/api/v1/exports", 200 },
    { NULL, "POST", "/api/v1/exports/summary", 401 },
    { "enum03", "POST", "/api/v1/exports/summary", 403 },
    { "super", "POST", "/api/v1/exports/summary", 403 },
    { "stats", "POST", "/api/v1/exports/summary", 403 },
    { "admin", "POST", "/api/v1/exports/no-such-plugin", 404 }, /* allowed: there is no such plugin */
    { "admin", "GET", "/api/v1/exports/summary", 405 },
    { NULL, "GET", "/api/v1/export-runs/1", 401 },
    { "enum03", "GET", "/api/v1/export-runs/1", 403 },
    { "super", "GET", "/api/v1/export-runs/1", 403 },
    { "stats", "GET", "/api/v1/export-runs/1", 404 }, /* allowed: there is no run yet */
    { "admin", "GET", "/api/v1/export-runs/1", 404 },
    { "admin", "GET", "/api/v1/export-runs/x", 404 },
    { "enum03", "GET", "/api/v1/export-runs/1/file?name=summary.csv", 403 },
    { "stats", "GET", "/api/v1/export-runs/1/file?name=summary.csv", 404 },
    { NULL, "POST", "/api/v1/export-runs/1/release", 401 },
    { "enum03", "POST", "/api/v1/export-runs/1/release", 403 },
    { "super", "POST", "/api/v1/export-runs/1/release", 403 },
    { "stats", "POST", "/api/v1/export-runs/1/release", 403 },
    { "admin", "POST", "/api/v1/export-runs/1/release", 404 },
};

/* `first`, an answer to GET `path`, carries an ETag; sent back, it gets 304 and no body. */
static void assert_revalidated(const char *path, const char *token, const http *first)
{
    const char *etag = strstr(first->headers.data, "ETag: ");
    ck_assert_ptr_nonnull(etag);
    char *if_none_match = hh_xasprintf("If-None-Match: %.*s", (int)strcspn(etag + 6, "\r\n"), etag + 6);
    extra_header = if_none_match;
    http again = request("GET", path, NULL, token, NULL);
    extra_header = NULL;
    ck_assert_int_eq(again.status, 304);
    ck_assert_int_eq(again.body.len, 0);
    http_free(&again);
    free(if_none_match);
}

/* GET /api/v1/households?q=: a name, a phone or the id's last digits find the
 * caller's households only, without the name in the answer or the audit log. */
START_TEST(a_search_finds_only_the_callers_households)
{
    char *token, *csrf;
    sign_in("enum03", &token, &csrf);
    http h = request("GET", "/api/v1/households?q=%E8%92%8B%E7%B4%A0", NULL, token, NULL); /* 蒋素: part of a name */
    ck_assert_int_eq(h.status, 200);
    ck_assert_str_eq(h.body.data, "[{\"id\":\"" OWN "\",\"estate\":\"成飞512\",\"building\":\"543\",\"unit\":\"1\","
                                  "\"room\":\"101\",\"match\":\"name\"}]");
    http_free(&h);
    h = request("GET", "/api/v1/households?q=3284-0507", NULL, token, NULL); /* part of its phone */
    ck_assert_msg(strstr(h.body.data, "\"match\":\"phone\"") && strstr(h.body.data, OWN), "%s", h.body.data);
    http_free(&h);
    /* the grid 04 household's head: another grid's, not found */
    h = request("GET", "/api/v1/households?q=%E6%9D%A8%E5%BB%BA%E5%9B%BD", NULL, token, NULL);
    ck_assert_int_eq(h.status, 200);
    ck_assert_str_eq(h.body.data, "[]");
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE 'find of 1 household(s)%'"), 2);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%蒋%' OR detail LIKE '%杨%'"
                                               " OR detail LIKE '%0507%'"),
                     0);
    free(token);
    free(csrf);
}
END_TEST

/* GET /api/v1/households?full=1: every household of the caller's grids whole, each
 * as GET /api/v1/households/{id} gives it, in one answer audited once (a phone
 * keeping its grids for the round offline). */
START_TEST(the_callers_grids_come_whole_in_one_answer)
{
    char *token, *csrf;
    sign_in("enum03", &token, &csrf);
    long reads = tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'read'");
    http all = request("GET", "/api/v1/households?full=1", NULL, token, NULL);
    ck_assert_int_eq(all.status, 200);
    http one = request("GET", "/api/v1/households/" OWN, NULL, token, NULL);
    ck_assert_int_eq(one.status, 200);
    ck_assert_msg(strstr(all.body.data, one.body.data) != NULL, "the household in the whole list differs from its own");
    ck_assert_msg(!strstr(all.body.data, "\"id\":\"" OTHER "\""), "another grid's household is in the answer");
    long households = 0;
    for (const char *at = all.body.data; (at = strstr(at, "\"review\":")) != NULL; at++)
        households++;
    ck_assert_int_eq(households, tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE id LIKE"
                                                           " '510105016003-03-%' AND deleted_at IS NULL"));
    char *sql = hh_xasprintf("SELECT count(*) FROM audit WHERE operation = 'read' AND actor = 'enum03' AND detail LIKE"
                             " 'forms of %ld household(s) over HTTP from 127.0.0.1'", households);
    ck_assert_int_eq(tu_sql_count(tu_store_db, sql), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'read'"), reads + 2);
    free(sql);
    http_free(&one);
    http_free(&all);
    free(token);
    free(csrf);
}
END_TEST

/* `gz` (a gzip member) inflated. */
static char *gunzip(const char *gz, size_t len, size_t *out_len)
{
    z_stream z = { 0 };
    ck_assert_int_eq(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
    size_t cap = 1 << 20;
    char *out = hh_xmalloc(cap);
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    inflateEnd(&z);
    return out;
}

/* An answer of 1 KiB or more goes gzip-compressed to a client whose Accept-Encoding
 * takes it (a phone on mobile data), with a weak ETag that revalidates; not to one
 * that refuses it with q=0, and never a small one. */
START_TEST(answers_are_compressed_for_clients_that_take_gzip)
{
    char *token, *csrf;
    sign_in("enum03", &token, &csrf);
    http plain = request("GET", "/api/v1/items", NULL, token, NULL);
    ck_assert_int_eq(plain.status, 200);
    ck_assert(!strstr(plain.headers.data, "Content-Encoding"));
    extra_header = "Accept-Encoding: deflate, gzip;q=0.8";
    http packed = request("GET", "/api/v1/items", NULL, token, NULL);
    extra_header = NULL;
    ck_assert_int_eq(packed.status, 200);
    ck_assert_msg(strstr(packed.headers.data, "Content-Encoding: gzip\r\n"), "%s", packed.headers.data);
    ck_assert(strstr(packed.headers.data, "Vary: Accept-Encoding\r\n"));
    ck_assert(strstr(packed.headers.data, "ETag: W/\""));
    ck_assert_msg(packed.body.len * 3 < plain.body.len, "%zu of %zu bytes", packed.body.len, plain.body.len);
    size_t len;
    char *unpacked = gunzip(packed.body.data, packed.body.len, &len);
    ck_assert(len == plain.body.len && memcmp(unpacked, plain.body.data, len) == 0);
    free(unpacked);
    assert_revalidated("/api/v1/items", token, &packed); /* W/"…" names the same content */
    extra_header = "Accept-Encoding: gzip;q=0, identity";
    http refused = request("GET", "/api/v1/items", NULL, token, NULL);
    ck_assert(!strstr(refused.headers.data, "Content-Encoding"));
    http_free(&refused);
    extra_header = "Accept-Encoding: gzip";
    http small = request("GET", "/app.js", NULL, NULL, NULL);
    extra_header = NULL;
    ck_assert_int_eq(small.status, 200);
    ck_assert(!strstr(small.headers.data, "Content-Encoding"));
    http_free(&small);
    http_free(&packed);
    http_free(&plain);
    free(token);
    free(csrf);
}
END_TEST

/* GET /api/v1/items: every question of guided entry in its order, code lists with both
 * languages' labels, the conditions as data; cached by its ETag. */
START_TEST(the_item_dictionary_is_served_with_its_conditions)
{
    char *token, *csrf;
    sign_in("stats", &token, &csrf); /* no personal data: any role */
    http h = request("GET", "/api/v1/items", NULL, token, NULL);
    ck_assert_int_eq(h.status, 200);
    static const hh_q_scope scopes[] = { HH_SCOPE_HOUSEHOLD, HH_SCOPE_PERSON, HH_SCOPE_AFTER_ROSTER, HH_SCOPE_VISIT };
    for (size_t s = 0; s < sizeof scopes / sizeof scopes[0]; s++) {
        size_t n;
        const hh_question *qs = hh_questions(scopes[s], &n);
        const char *at = h.body.data; /* in the order they are asked */
        for (size_t i = 0; i < n; i++) {
            char *key = hh_xasprintf("{\"key\":\"%s\"", qs[i].key);
            const char *found = strstr(at, key);
            ck_assert_msg(found, "question %s is missing or out of order", qs[i].key);
            at = found + 1;
            free(key);
        }
    }
    ck_assert(strstr(h.body.data, "{\"code\":\"Han\",\"en\":\"Han\",\"zh\":\"汉族\"}"));
    /* where each answer sits in the household's JSON: its key, and the object holding it */
    ck_assert(strstr(h.body.data, "\"path\":\"address/room\",\"json\":\"room\",\"group\":\"address\""));
    ck_assert(strstr(h.body.data, "\"path\":\"functioning/@selfCare\",\"json\":\"selfCare\",\"group\":\"functioning\""));
    ck_assert(strstr(h.body.data, "\"path\":\"birthDate\",\"json\":\"birthDate\",\"group\":null"));
    /* the form an answer must have, and the plain reason, as guided entry checks it */
    ck_assert(strstr(h.body.data, "\"pattern\":\"^\\\\+?[0-9]{5,20}$\",\"patternHint\":{\"en\":\"a phone number: "
                                  "5 to 20 digits, a + before them allowed\",\"zh\":\"电话号码"));
    /* the answer guided entry offers first */
    ck_assert(strstr(h.body.data, "\"key\":\"ethnicity\"") &&
              strstr(strstr(h.body.data, "\"key\":\"ethnicity\""), "\"usual\":\"Han\""));
    ck_assert(strstr(h.body.data, "\"when\":\"AGE_15\",\"codeList\":\"MaritalStatusCode\""));
    ck_assert(strstr(h.body.data, "\"AGE_15\":{\"ageAtLeast\":15,\"orAgeUnknown\":true}"));
    ck_assert(strstr(h.body.data, "\"LOW_INCOME\":{\"scope\":\"household\",\"item\":\"low-income\",\"equals\":"
                                  "\"true\",\"orUnanswered\":false}"));
    ck_assert(strstr(h.headers.data, "Cache-Control: no-cache"));
    assert_revalidated("/api/v1/items", token, &h);
    http_free(&h);
    free(token);
    free(csrf);
}
END_TEST

/* The phone client's files: typed, revalidated, with a policy that keeps the page to
 * its own files; nothing outside the list read at start, however the path is put. */
START_TEST(the_phone_clients_files_are_served_and_nothing_else)
{
    static const struct {
        const char *path, *type;
    } served[] = { { "/", "text/html; charset=utf-8" },
                   { "/index.html", "text/html; charset=utf-8" },
                   { "/app.js", "text/javascript; charset=utf-8" },
                   { "/css/app.css", "text/css; charset=utf-8" } };
    for (size_t i = 0; i < sizeof served / sizeof served[0]; i++) {
        http h = request("GET", served[i].path, NULL, NULL, NULL);
        ck_assert_msg(h.status == 200, "%s: %ld", served[i].path, h.status);
        char *type = hh_xasprintf("Content-Type: %s\r\n", served[i].type);
        ck_assert_msg(strstr(h.headers.data, type), "%s: %s", served[i].path, h.headers.data);
        ck_assert(strstr(h.headers.data, "Content-Security-Policy: default-src 'self'"));
        ck_assert(strstr(h.headers.data, "Cache-Control: no-cache"));
        free(type);
        http_free(&h);
    }
    http h = request("GET", "/css/app.css", NULL, NULL, NULL);
    ck_assert_str_eq(h.body.data, "body{margin:0}");
    assert_revalidated("/css/app.css", NULL, &h);
    http_free(&h);
    static const char *const refused[] = { "/passwd.txt", "/.hidden.html", "/notes.md", "/../../etc/passwd",
                                           "/%2e%2e/%2e%2e/etc/passwd", "/css/../../../etc/passwd", "//etc/passwd",
                                           "/css", "/index.html%00.js", "/nothing.html" };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        h = request("GET", refused[i], NULL, NULL, NULL);
        ck_assert_msg(h.status == 404 && !strstr(h.body.data, "root:"), "%s: %ld %s", refused[i], h.status,
                      h.body.data);
        ck_assert(strstr(h.body.data, "{\"error\":{\"code\":\"not-found\""));
        http_free(&h);
    }
    /* a 405 says what the address takes (RFC 9110): a file, GET and HEAD; a route, its methods */
    static const struct {
        const char *method, *path, *allow;
    } elsewhere[] = {
        { "POST", "/index.html", "\r\nAllow: GET, HEAD\r\n" },
        { "PUT", "/api/v1/session", "\r\nAllow: POST, DELETE, GET, HEAD\r\n" },
        { "POST", "/api/v1/items", "\r\nAllow: GET, HEAD\r\n" },
    };
    for (size_t i = 0; i < sizeof elsewhere / sizeof elsewhere[0]; i++) {
        h = request(elsewhere[i].method, elsewhere[i].path, "{}", NULL, NULL);
        ck_assert_msg(h.status == 405 && strstr(h.headers.data, elsewhere[i].allow), "%s %s: %ld\n%s",
                      elsewhere[i].method, elsewhere[i].path, h.status, h.headers.data);
        http_free(&h);
    }
    h = request("GET", "/api/v1/nothing-here", NULL, NULL, NULL); /* a 404 has none */
    ck_assert_msg(h.status == 404 && !strstr(h.headers.data, "Allow:"), "%ld\n%s", h.status, h.headers.data);
    http_free(&h);
}
END_TEST

/* Assignments: a supervisor gives its enumerators the community's grids and takes
 * them away, at once in effect; never another community's grid, never another
 * role's account; an admin assigns any account. Each change audited. */
START_TEST(a_supervisor_assigns_grids_of_its_community)
{
    char *st, *sc, *et, *ec, *at, *ac;
    sign_in("super", &st, &sc);
    sign_in("enum03", &et, &ec);
    sign_in("admin", &at, &ac);
    http h = request("GET", "/api/v1/assignments", NULL, st, NULL);
    ck_assert_msg(h.status == 200 &&
                      strstr(h.body.data, "{\"user\":\"enum03\",\"role\":\"enumerator\",\"disabled\":false,"
                                          "\"grids\":[\"510105016003-03\"]}") &&
                      strstr(h.body.data, "\"enum04\"") && !strstr(h.body.data, "\"stats\"") &&
                      !strstr(h.body.data, "\"super\""),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/households/" OTHER, NULL, et, NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    h = request("POST", "/api/v1/assignments", "{\"user\":\"enum03\",\"grid\":\"510105016003-04\"}", st, sc);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"grids\":[\"510105016003-03\",\"510105016003-04\"]"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/households/" OTHER, NULL, et, NULL); /* the same session, at once */
    ck_assert_int_eq(h.status, 200);
    http_free(&h);
    h = request("GET", "/api/v1/session", NULL, et, NULL); /* and it says so, for the phone to follow */
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "{\"user\":\"enum03\",\"role\":\"enumerator\",\"grids\":"
                                                         "[\"510105016003-03\",\"510105016003-04\"],\"areas\":"
                                                         "{\"510105016003\":{\"district\":\"青羊区\",\"street\":"
                                                         "\"黄田坝街道\",\"community\":\"华兴社区\"}},\"idleSeconds\":") &&
                      !strstr(h.body.data, "csrf") && !strstr(h.body.data, "token"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request("POST", "/api/v1/assignments",
                "{\"user\":\"enum03\",\"grid\":\"510105016003-04\",\"assign\":false}", st, sc);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"grids\":[\"510105016003-03\"]"), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/households/" OTHER, NULL, et, NULL);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    static const struct {
        const char *body;
        long status;
    } refused[] = {
        { "{\"user\":\"enum03\",\"grid\":\"510105016004-03\"}", 403 }, /* another community's grid */
        { "{\"user\":\"enum03\",\"grid\":\"510105016004\"}", 403 },
        { "{\"user\":\"stats\",\"grid\":\"510105016003-03\"}", 403 },  /* not an enumerator */
        { "{\"user\":\"super\",\"grid\":\"510105016003-03\"}", 403 },
        { "{\"user\":\"nobody\",\"grid\":\"510105016003-03\"}", 403 },  /* not told it is none */
        { "{\"user\":\"enum03\",\"grid\":\"510105016003\"}", 400 },     /* a community: an enumerator's? */
        { "{\"user\":\"enum03\",\"grid\":\"510105016003-04\",\"assign\":false}", 404 }, /* not held */
        { "{\"user\":\"enum03\",\"grid\":\"03\"}", 400 },
        { "{\"user\":\"enum03\",\"grid\":\"510105016003-03\",\"assign\":\"no\"}", 400 },
        { "{\"user\":\"enum03\"}", 400 },
        { "not json", 400 },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        h = request("POST", "/api/v1/assignments", refused[i].body, st, sc);
        ck_assert_msg(h.status == refused[i].status, "%s: %ld %s", refused[i].body, h.status, h.body.data);
        http_free(&h);
    }
    h = request("POST", "/api/v1/assignments", "{\"user\":\"enum03\",\"grid\":\"510105016003-04\"}", et, ec);
    ck_assert_int_eq(h.status, 403);
    http_free(&h);
    h = request("POST", "/api/v1/assignments", "{\"user\":\"nobody\",\"grid\":\"510105016004\"}", at, ac);
    ck_assert_int_eq(h.status, 404); /* the admin may know */
    http_free(&h);
    h = request("POST", "/api/v1/assignments", "{\"user\":\"super\",\"grid\":\"510105016003-05\"}", at, ac);
    ck_assert_int_eq(h.status, 409); /* within its community already: listed twice otherwise */
    http_free(&h);
    h = request("POST", "/api/v1/assignments", "{\"user\":\"stats\",\"grid\":\"510105016003-05\"}", at, ac);
    ck_assert_int_eq(h.status, 400); /* a statistician never sees households */
    http_free(&h);
    h = request("POST", "/api/v1/assignments", "{\"user\":\"super\",\"grid\":\"510105016004\"}", at, ac);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"grids\":[\"510105016003\",\"510105016004\"]"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'account' AND detail"
                                               " LIKE 'account %assigned%'"),
                     3);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM account_grid WHERE account = 'enum03'"), 1);
    free(st), free(sc), free(et), free(ec), free(at), free(ac);
}
END_TEST

static long occurrences(const char *text, const char *what)
{
    long n = 0;
    for (const char *at = text; (at = strstr(at, what)); at++)
        n++;
    return n;
}

/* A supervisor given a grid of its community as well, before overlapping codes were
 * refused, still sees each household once: in its list, its queue and its counts. */
START_TEST(an_account_holding_overlapping_grids_sees_each_household_once)
{
    ck_assert_int_eq(tu_sql_exec(tu_store_db, "INSERT INTO account_grid(account, grid) VALUES ('super', "
                                              "'510105016003-03')"),
                     0);
    char *token, *csrf;
    sign_in("super", &token, &csrf);
    http h = request("GET", "/api/v1/households", NULL, token, NULL);
    ck_assert_msg(h.status == 200 && occurrences(h.body.data, "\"" OWN "\"") == 1, "%s", h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/review-queue", NULL, token, NULL);
    ck_assert_msg(h.status == 200 && occurrences(h.body.data, "\"" OWN "\"") == 1, "%s", h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/progress", NULL, token, NULL);
    long households = tu_sql_count(tu_store_db, "SELECT count(*) FROM household WHERE deleted_at IS NULL AND id LIKE"
                                                " '510105016003-%'");
    char *total = hh_xasprintf("\"total\":{\"households\":%ld,", households);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, total), "%s not in %s", total, h.body.data);
    http_free(&h);
    free(total);
    free(token);
    free(csrf);
}
END_TEST

/* docs/openapi.yaml is the server as served: every path and method in it is a
 * route (hh_server_route) and every route is in it, and each one answers a request
 * without a session as a route does (never "not found" or "method not allowed"). */
START_TEST(the_openapi_file_lists_every_route_and_only_those)
{
    char *path = tu_src("docs/openapi.yaml");
    char *yaml = tu_read_file(path, NULL);
    free(path);
    char listed[64][2][128];
    size_t n = 0;
    char current[128] = "";
    for (char *line = strtok(yaml, "\n"); line; line = strtok(NULL, "\n")) {
        char word[96];
        if (sscanf(line, "  /%94[^:]:", word) == 1 && line[2] == '/') {
            /* a path parameter of any name ({plugin}, {run}) stands where a route has "*", as {id} */
            size_t at = 0;
            for (const char *c = word; *c && at + 5 < sizeof current; c++) {
                if (at == 0)
                    current[at++] = '/';
                if (*c == '{' && strchr(c, '}')) {
                    memcpy(current + at, "{id}", 4);
                    at += 4;
                    c = strchr(c, '}');
                } else {
                    current[at++] = *c;
                }
            }
            current[at] = '\0';
        }
        else if (line[0] != ' ')
            current[0] = '\0'; /* a top-level key ends paths: */
        else if (*current && sscanf(line, "    %15[a-z]:", word) == 1 && line[4] != ' ' &&
                 (strcmp(word, "get") == 0 || strcmp(word, "post") == 0 || strcmp(word, "delete") == 0 ||
                  strcmp(word, "put") == 0 || strcmp(word, "patch") == 0)) {
            ck_assert_uint_lt(n, 64);
            for (char *c = word; *c; c++)
                *c = (char)(*c - 'a' + 'A');
            snprintf(listed[n][0], sizeof listed[n][0], "%s", word);
            snprintf(listed[n][1], sizeof listed[n][1], "%s", current);
            n++;
        }
    }
    free(yaml);
    size_t routes = 0;
    const char *method, *route;
    for (; hh_server_route(routes, &method, &route); routes++) {
        char as_listed[96]; /* "*" is a path parameter, {id} */
        const char *star = strchr(route, '*');
        snprintf(as_listed, sizeof as_listed, "%.*s%s%s", star ? (int)(star - route) : (int)strlen(route), route,
                 star ? "{id}" : "", star ? star + 1 : "");
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(listed[i][0], method) == 0 && strcmp(listed[i][1], as_listed) == 0;
        ck_assert_msg(found, "%s %s is served but not in docs/openapi.yaml", method, as_listed);
    }
    ck_assert_msg(routes == n, "docs/openapi.yaml lists %zu routes, the server has %zu", n, routes);
    for (size_t i = 0; i < n; i++) {
        char *at = strstr(listed[i][1], "{id}"), real[128];
        snprintf(real, sizeof real, "%.*s%s%s", at ? (int)(at - listed[i][1]) : (int)strlen(listed[i][1]),
                 listed[i][1], at ? OWN : "", at ? at + 4 : "");
        http h = request(listed[i][0], real, NULL, NULL, NULL);
        ck_assert_msg(h.status == 401 || (strcmp(real, "/api/v1/session") == 0 && h.status == 400), "%s %s: %ld %s",
                      listed[i][0], real, h.status, h.body.data);
        http_free(&h);
    }
}
END_TEST

START_TEST(the_role_matrix_holds)
{
    const char *users[] = { "enum03", "enum04", "super", "stats", "admin" };
    char *token[5], *csrf[5];
    for (int u = 0; u < 5; u++)
        sign_in(users[u], &token[u], &csrf[u]);
    for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        int u = -1;
        for (int k = 0; k < 5 && matrix[i].role; k++)
            if (strcmp(users[k], matrix[i].role) == 0)
                u = k;
        http h = request(matrix[i].method, matrix[i].path, NULL, u >= 0 ? token[u] : NULL, u >= 0 ? csrf[u] : NULL);
        ck_assert_msg(h.status == matrix[i].status, "%s %s as %s: %ld, not %ld (%s)", matrix[i].method,
                      matrix[i].path, matrix[i].role ? matrix[i].role : "nobody", h.status, matrix[i].status,
                      h.body.data);
        if (strcmp(matrix[i].method, "HEAD") == 0)
            ck_assert_msg(h.body.len == 0, "HEAD %s: a body of %zu bytes", matrix[i].path, h.body.len);
        else if (h.status >= 400)
            ck_assert_msg(strstr(h.body.data, "{\"error\":{\"code\":"), "%s", h.body.data);
        http_free(&h);
    }
    /* every refusal of a signed-in account is in the audit log: who, the route, the household, never a value */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-refused' AND"
                                               " actor = 'enum03' AND household_id = '" OTHER "' AND detail LIKE"
                                               " 'GET /api/v1/households/* refused over HTTP from 127.0.0.1: 403'"),
                     1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-refused' AND"
                                               " actor = 'enum03' AND household_id = '" OTHER "' AND detail LIKE"
                                               " 'HEAD /api/v1/households/* refused over HTTP from 127.0.0.1: 403'"),
                     1);
    /* a HEAD that was answered is audited as one: nothing of the household left the server */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'read' AND actor = 'enum03'"
                                               " AND household_id = '" OWN "' AND detail LIKE"
                                               " '%; HEAD: headers only, no data sent'"),
                     1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-refused' AND"
                                               " actor = 'stats' AND household_id IS NULL AND detail LIKE"
                                               " 'POST /api/v1/exports/* refused %: 403'"),
                     1);
    /* what was searched for (a name, a phone) is never in the audit log */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%q=%' OR detail LIKE"
                                               " '%3284%' OR detail LIKE '%蒋%'"),
                     0);
    /* the lists hold exactly the caller's grids */
    http h = request("GET", "/api/v1/households", NULL, token[0], NULL);
    ck_assert_msg(strstr(h.body.data, OWN) && !strstr(h.body.data, OTHER), "%s", h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/households", NULL, token[2], NULL);
    ck_assert_msg(strstr(h.body.data, OWN) && strstr(h.body.data, OTHER), "%s", h.body.data);
    http_free(&h);
    for (int u = 0; u < 5; u++) {
        free(token[u]);
        free(csrf[u]);
    }
}
END_TEST

/* A merge into the live server's store leaves a conflict (another family under the
 * same id, from another worker's store); the supervisor sees it on the review queue
 * and resolves it over HTTP with a merged form; the household is flagged until then. */
START_TEST(a_supervisor_resolves_a_merge_conflict_over_http)
{
    char *dir = tu_path(tu_store_dir, "other-worker"), *form = tu_path(dir, OWN ".xml");
    char *laptop = tu_path(tu_store_dir, "laptop.db");
    ok(tu_hhreg(NULL, NULL, "sample", "--households", "1", "--seed", "99", "--real-area", "-o", dir, NULL));
    ok(tu_hhreg(NULL, NULL, "init", "--db", laptop, NULL));
    ok(tu_hhreg(NULL, NULL, "import", "--db", laptop, form, NULL));
    tu_result r = tu_hhreg(NULL, NULL, "merge", "--db", tu_store_db, laptop, NULL);
    ck_assert_msg(r.status == 1 && strstr(r.out, "1 conflicts"), "%d %s%s", r.status, r.out, r.err);
    tu_result_free(&r);
    char *token, *csrf;
    sign_in("super", &token, &csrf);
    http h = request("GET", "/api/v1/households", NULL, token, NULL);
    ck_assert_msg(strstr(h.body.data, "\"conflict\":true"), "%s", h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/review-queue?state=conflict", NULL, token, NULL);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"id\":\"" OWN "\",\"kind\":\"different-household\","
                                                         "\"revision\":1,\"other\":2"),
                  "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request("POST", "/api/v1/households/" OWN "/resolve", "{\"keep\":7}", token, csrf);
    ck_assert_msg(h.status == 400 && strstr(h.body.data, "no-revision"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request("POST", "/api/v1/households/" OWN "/resolve", "{\"keep\":2}", token, NULL);
    ck_assert_int_eq(h.status, 403); /* no CSRF token */
    http_free(&h);
    /* a merged form: another household's (its XML) and an invalid one are refused, changing nothing */
    char *other_path = tu_src("samples/households/510105016003-03-0002.xml");
    char *other_xml = tu_read_file(other_path, NULL), *url = hh_xasprintf("%s/api/v1/households/" OWN "/resolve", base);
    char *cookie = hh_xasprintf("hhreg_session=%s", token);
    /* JSON sent as text/plain, as a cross-site HTML form may send it, is refused unread */
    tu_http_request plain_rq = { url, "POST", "text/plain", "{\"keep\":2}", cookie, csrf, NULL, ca_file, false };
    h = tu_http_send(&plain_rq);
    ck_assert_msg(h.status == 415 && strstr(h.body.data, "content-type"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* on a JSON route the 415 comes before the session is asked for: audited all the same */
    char *visits = hh_xasprintf("%s/api/v1/households/" OWN "/visits", base);
    tu_http_request visit_rq = { visits, "POST", "text/plain", "{\"date\":\"2026-11-02\"}", cookie, csrf, NULL, ca_file,
                                 false };
    h = tu_http_send(&visit_rq);
    ck_assert_msg(h.status == 415 && strstr(h.body.data, "content-type"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    free(visits);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-refused' AND"
                                               " household_id = '" OWN "' AND detail LIKE"
                                               " 'POST /api/v1/households/*/visits refused over HTTP from %: 415'"),
                     1);
    tu_http_request xml_rq = { url, "POST", "application/xml", other_xml, cookie, csrf, NULL, ca_file, false };
    h = tu_http_send(&xml_rq);
    ck_assert_msg(h.status == 400 && strstr(h.body.data, "other-household"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    /* a batch of households where one form is expected: refused whole, none of it taken */
    const char *form_start = strstr(other_xml, "<household ");
    ck_assert(form_start != NULL);
    char *batch = hh_xasprintf("<households xmlns=\"urn:hhreg:household:1\">%s%s</households>", form_start, form_start);
    xml_rq.body = batch;
    h = tu_http_send(&xml_rq);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "XML-ONE-FORM"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    free(batch);
    tu_result shown = tu_hhreg(NULL, NULL, "show", "--db", tu_store_db, "--json", "--revision", "2", OWN, NULL);
    char *area = strstr(shown.out, "\"floorArea\":");
    ck_assert_msg(shown.status == 0 && area, "%s", shown.err);
    const char *after = strchr(area, ',');
    char *invalid = hh_xasprintf("{\"form\":%.*s\"floorArea\":-5%s}", (int)(area - shown.out), shown.out, after);
    h = request("POST", "/api/v1/households/" OWN "/resolve", invalid, token, csrf);
    ck_assert_msg(h.status == 422 && strstr(h.body.data, "invalid-form") && strstr(h.body.data, "floorArea"), "%ld %s",
                  h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM revision WHERE household_id = '" OWN "'"), 2);
    /* the merged form of the family that lives there: current, both versions its ancestors */
    char *merged = hh_xasprintf("{\"form\":%.*s\"floorArea\":77.5%s}", (int)(area - shown.out), shown.out, after);
    h = request("POST", "/api/v1/households/" OWN "/resolve", merged, token, csrf);
    ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"revision\":3,\"merged\":true"), "%ld %s", h.status,
                  h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT merged_from * 10 + parent FROM revision WHERE household_id = '"
                                               OWN "' AND revision = 3"), 21);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT CAST(r.floor_area * 10 AS INTEGER) FROM household h JOIN"
                                               " revision r ON r.household_id = h.id AND r.revision ="
                                               " h.current_revision WHERE h.id = '" OWN "'"), 775);
    free(merged);
    free(invalid);
    tu_result_free(&shown);
    free(cookie);
    free(url);
    free(other_xml);
    free(other_path);
    h = request("POST", "/api/v1/households/" OWN "/resolve", "{\"keep\":2}", token, csrf);
    ck_assert_msg(h.status == 409 && strstr(h.body.data, "no-conflict"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    h = request("GET", "/api/v1/review-queue?state=conflict", NULL, token, NULL);
    ck_assert_str_eq(h.body.data, "[]");
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'resolve' AND actor ="
                                               " 'super' AND household_id = '" OWN "' AND revision = 3"),
                     1);
    /* the six refusals; the resolution is the store's own 'resolve' entry */
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'http-resolve'"), 6);
    ok(tu_hhreg(NULL, NULL, "check", "--db", tu_store_db, NULL));
    free(token);
    free(csrf);
    free(laptop);
    free(form);
    free(dir);
}
END_TEST

/* Wrong passwords lock the account (5 within 15 minutes); the answer is the same for
 * an unknown name, a wrong password and a locked account; all of it audited. */
START_TEST(failed_logins_lock_the_account_and_say_nothing_more)
{
    http h = request("POST", "/api/v1/session", "{\"user\":\"nobody\",\"password\":\"" PASSWORD "\"}", NULL, NULL);
    ck_assert_int_eq(h.status, 401);
    char *unknown = hh_xstrdup(h.body.data);
    http_free(&h);
    for (int i = 0; i < 5; i++) {
        h = request("POST", "/api/v1/session", "{\"user\":\"enum03\",\"password\":\"not the password\"}", NULL, NULL);
        ck_assert_int_eq(h.status, 401);
        ck_assert_str_eq(h.body.data, unknown);
        http_free(&h);
    }
    long locked_until = tu_sql_count(tu_store_db, "SELECT locked_until FROM account WHERE name = 'enum03'");
    /* while it is locked, even the right password is refused, and no attempt counts:
     * nobody can keep it locked for ever */
    for (int i = 0; i < 6; i++) {
        h = request("POST", "/api/v1/session", "{\"user\":\"enum03\",\"password\":\"" PASSWORD "\"}", NULL, NULL);
        ck_assert_int_eq(h.status, 401);
        ck_assert_str_eq(h.body.data, unknown);
        http_free(&h);
    }
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'login' AND detail LIKE"
                                               " '%account locked for%' AND actor = 'enum03'"),
                     1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%the account is locked'"),
                     6);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT locked_until FROM account WHERE name = 'enum03'"), locked_until);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%not the password%'"
                                               " OR detail LIKE '%nobody%' OR actor = 'nobody'"),
                     0);
    /* another account is not touched; a new password set by the office unlocks */
    char *token, *csrf;
    sign_in("enum04", &token, &csrf);
    free(token);
    free(csrf);
    char *input = tu_path(tu_store_dir, "password.txt");
    tu_write_file(input, PASSWORD "\n", strlen(PASSWORD) + 1);
    ok(tu_hhreg(NULL, input, "user", "passwd", "enum03", "--password-stdin", "--db", tu_store_db, NULL));
    free(input);
    sign_in("enum03", &token, &csrf);
    free(token);
    free(csrf);
    free(unknown);
}
END_TEST

/* One address trying many names is refused after --address-failures (12 here) of
 * them, whatever the name, the right password of a real account included. */
START_TEST(an_address_trying_many_names_is_refused)
{
    for (int i = 0; i < 12; i++) {
        char *body = hh_xasprintf("{\"user\":\"guess%d\",\"password\":\"" PASSWORD "\"}", i);
        http h = request("POST", "/api/v1/session", body, NULL, NULL);
        ck_assert_int_eq(h.status, 401);
        http_free(&h);
        free(body);
    }
    http h = request("POST", "/api/v1/session", "{\"user\":\"enum04\",\"password\":\"" PASSWORD "\"}", NULL, NULL);
    ck_assert_msg(h.status == 401, "%ld %s", h.status, h.body.data);
    http_free(&h);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE 'logins from 127.0.0.1"
                                               " refused for 900 s%'"),
                     1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE detail LIKE '%guess%'"), 0);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM session"), 0);
}
END_TEST

/* Bad requests get a clear 4xx and change nothing. */
START_TEST(hostile_requests_are_refused_plainly)
{
    long audit = tu_sql_count(tu_store_db, "SELECT count(*) FROM audit");
    static const struct {
        const char *method, *path, *body;
        long status;
    } cases[] = {
        { "POST", "/api/v1/session", "{\"user\":", 400 },
        { "POST", "/api/v1/session", "[1, 2]", 400 },
        { "POST", "/api/v1/session", "{\"user\":\"enum03\",\"user\":\"admin\",\"password\":\"x\"}", 400 },
        { "POST", "/api/v1/session", "{\"user\":1,\"password\":2}", 400 },
        { "GET", "/../../etc/passwd", NULL, 404 },
        { "GET", "/api/v1/households/../../../etc/passwd", NULL, 404 },
        { "PUT", "/api/v1/session", "{}", 405 },
        { "GET", "/api/v2/households", NULL, 404 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http h = request(cases[i].method, cases[i].path, cases[i].body, NULL, NULL);
        ck_assert_msg(h.status == cases[i].status, "case %zu: %ld %s", i, h.status, h.body.data);
        ck_assert_msg(strstr(h.body.data, "{\"error\":{\"code\":") && !strstr(h.body.data, "root:"), "case %zu: %s",
                      i, h.body.data);
        http_free(&h);
    }
    /* a body that is not sent as JSON (a cross-site HTML form posts text/plain without
     * asking): refused before it is read, a sign-in too */
    static const char *const plain[][2] = {
        { "/api/v1/session", "{\"user\":\"enum03\",\"password\":\"" PASSWORD "\"}" },
        { "/api/v1/households/510105016003-03-0001/review", "{\"decision\":\"approve\"}" },
    };
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++) {
        char *url = hh_xasprintf("%s%s", base, plain[i][0]);
        tu_http_request rq = { url, "POST", "text/plain", plain[i][1], NULL, NULL, extra_header, ca_file, false };
        http h = tu_http_send(&rq);
        ck_assert_msg(h.status == 415 && strstr(h.body.data, "\"code\":\"content-type\"") &&
                          !strstr(h.headers.data, "Set-Cookie"),
                      "%s: %ld %s", plain[i][0], h.status, h.body.data);
        http_free(&h);
        free(url);
    }
    /* JSON nested as deep as jansson reads (2,000 levels) is parsed on a pool thread's
     * 1 MiB stack and refused; deeper, jansson refuses it itself */
    for (size_t depth = 2000; depth <= 100000; depth *= 50) {
        hh_buf nested;
        hh_buf_init(&nested);
        hh_buf_puts(&nested, "{\"user\":");
        for (size_t i = 0; i < depth; i++)
            hh_buf_putc(&nested, '[');
        for (size_t i = 0; i < depth; i++)
            hh_buf_putc(&nested, ']');
        hh_buf_puts(&nested, ",\"password\":\"x\"}");
        http h = request("POST", "/api/v1/session", nested.data, NULL, NULL);
        ck_assert_msg(h.status == 400 && strstr(h.body.data, "\"code\":\"body\""), "%zu deep: %ld %s", depth, h.status,
                      h.body.data);
        http_free(&h);
        hh_buf_free(&nested);
    }
    /* a body over the cap (4 MiB) is refused before it is read */
    size_t big = (4u << 20) + 1;
    char *huge = hh_xmalloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    http h = request("POST", "/api/v1/session", huge, NULL, NULL);
    ck_assert_int_eq(h.status, 413);
    http_free(&h);
    free(huge);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit"), audit);
}
END_TEST

/* Sixteen requests at once from two accounts (libcurl's multi interface) — reads of
 * either grid and sign-ins — each answered as it would be alone (the pool's threads
 * share the store one at a time). */
START_TEST(requests_at_once_are_each_answered_right)
{
    char *token[2], *csrf[2];
    sign_in("enum03", &token[0], &csrf[0]);
    sign_in("enum04", &token[1], &csrf[1]);
    enum { N = 16 };
    CURLM *multi = curl_multi_init();
    CURL *easy[N];
    hh_buf body[N];
    char *url[N], *cookie[N];
    for (int i = 0; i < N; i++) {
        int who = i % 2;
        hh_buf_init(&body[i]);
        easy[i] = curl_easy_init();
        /* each reads its own grid's household, or (every fourth) the other grid's */
        bool own = i % 4 < 2;
        url[i] = hh_xasprintf("%s/api/v1/households/%s", base, (who == 0) == own ? OWN : OTHER);
        cookie[i] = hh_xasprintf("hhreg_session=%s", token[who]);
        curl_easy_setopt(easy[i], CURLOPT_URL, url[i]);
        curl_easy_setopt(easy[i], CURLOPT_COOKIE, cookie[i]);
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, tu_http_collect);
        curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &body[i]);
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT, 600L);
        curl_multi_add_handle(multi, easy[i]);
    }
    int running = N;
    while (running > 0) {
        ck_assert_int_eq(curl_multi_perform(multi, &running), CURLM_OK);
        if (running)
            curl_multi_poll(multi, NULL, 0, 1000, NULL);
    }
    for (int i = 0; i < N; i++) {
        long status = 0;
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &status);
        bool own = i % 4 < 2;
        ck_assert_msg(status == (own ? 200 : 403), "request %d: %ld %s", i, status, body[i].data);
        if (own)
            ck_assert_msg(strstr(body[i].data, i % 2 == 0 ? OWN : OTHER), "request %d: %s", i, body[i].data);
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
        hh_buf_free(&body[i]);
        free(url[i]);
        free(cookie[i]);
    }
    curl_multi_cleanup(multi);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'read'"), N / 2);
    for (int u = 0; u < 2; u++) {
        free(token[u]);
        free(csrf[u]);
    }
}
END_TEST

/* Plain HTTP only on loopback; a second server cannot take the same port. */
START_TEST(plain_http_is_only_for_loopback)
{
    tu_result r = tu_hhreg(NULL, NULL, "serve", "--listen", "0.0.0.0:0", "--db", tu_store_db, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "not a loopback address") && strstr(r.err, "--tls-cert"), "%s", r.err);
    tu_result_free(&r);
    r = tu_hhreg(NULL, NULL, "serve", "--listen", "127.0.0.1", "--db", tu_store_db, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "--listen takes an address and a port"), "%s", r.err);
    tu_result_free(&r);
    char *taken = hh_xasprintf("127.0.0.1:%s", strrchr(base, ':') + 1);
    r = tu_hhreg(NULL, NULL, "serve", "--listen", taken, "--db", tu_store_db, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert_msg(strstr(r.err, "cannot listen on"), "%s", r.err);
    tu_result_free(&r);
    free(taken);
}
END_TEST

/* TLS: a trial certificate from --make-cert, verified by the client as a real one
 * would be (by its address); the answers carry HSTS. */
static void tls_setup(void)
{
    tu_store_setup();
    make_store();
    ca_file = tu_path(tu_store_dir, "cert.pem");
    char *key = hh_xasprintf("%s.key", ca_file);
    tu_result r = tu_hhreg(NULL, NULL, "serve", "--make-cert", "127.0.0.1", "--tls-cert", ca_file, "--tls-key", key,
                           NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tu_result_free(&r);
    /* asked again, it replaces nothing */
    r = tu_hhreg(NULL, NULL, "serve", "--make-cert", "127.0.0.1", "--tls-cert", ca_file, "--tls-key", key, NULL);
    ck_assert_msg(r.status == 2 && strstr(r.err, "exists already"), "%s", r.err);
    tu_result_free(&r);
    free(key);
    server_start();
}

static void tls_teardown(void)
{
    server_stop();
    free(ca_file);
    ca_file = NULL;
    tu_store_teardown();
}

START_TEST(a_session_over_tls)
{
    char *token, *csrf;
    sign_in("enum03", &token, &csrf);
    http h = request("GET", "/api/v1/households/" OWN, NULL, token, NULL);
    ck_assert_int_eq(h.status, 200);
    ck_assert_msg(strstr(h.headers.data, "Strict-Transport-Security: max-age="), "%s", h.headers.data);
    http_free(&h);
    h = request("DELETE", "/api/v1/session", NULL, token, csrf);
    ck_assert_int_eq(h.status, 204);
    http_free(&h);
    free(token);
    free(csrf);
}
END_TEST

/* Run `id`'s answer once it has ended (polled: the export runs in a child process). */
static http run_ended(long id, const char *token)
{
    char *path = hh_xasprintf("/api/v1/export-runs/%ld", id);
    http h = { 0 };
    for (int i = 0; i < 1200; i++) {
        h = request("GET", path, NULL, token, NULL);
        ck_assert_msg(h.status == 200, "%s: %ld %s", path, h.status, h.body.data);
        if (!strstr(h.body.data, "\"state\":\"running\""))
            break;
        http_free(&h);
        usleep(100 * 1000);
    }
    free(path);
    return h;
}

static long run_started(const char *plugin, const char *body, const char *token, const char *csrf)
{
    char *path = hh_xasprintf("/api/v1/exports/%s", plugin);
    http h = request("POST", path, body, token, csrf);
    ck_assert_msg(h.status == 202, "%s: %ld %s", path, h.status, h.body.data);
    const char *id = strstr(h.body.data, "{\"id\":");
    ck_assert_ptr_nonnull(id);
    long run = atol(id + 6);
    http_free(&h);
    free(path);
    return run;
}

/* An admin runs summary and jsonl over HTTP; the run is `hhreg export` (the plugin
 * confined as on the command line), its output kept with the run; a statistician
 * sees nothing until the admin releases the summary, then downloads exactly that
 * file and never a jsonl run (which holds names). Bad options fail the run with
 * hhreg export's reason; a path in a file name reaches nothing. */
START_TEST(an_admin_releases_a_summary_run_to_the_statisticians)
{
    char *admin, *admin_csrf, *stats, *stats_csrf;
    sign_in("admin", &admin, &admin_csrf);
    sign_in("stats", &stats, &stats_csrf);
    http h = request("GET", "/api/v1/exports", NULL, admin, NULL);
    ck_assert_msg(strstr(h.body.data, "{\"name\":\"summary\",\"releasable\":true}") &&
                      strstr(h.body.data, "{\"name\":\"jsonl\",\"releasable\":false}"),
                  "%s", h.body.data);
    http_free(&h);
    long tables = run_started("summary", "{\"options\":[\"min-count=3\"],\"file\":\"tables.csv\"}", admin,
                              admin_csrf);
    h = run_ended(tables, admin);
    ck_assert_msg(strstr(h.body.data, "\"state\":\"done\"") && strstr(h.body.data, "\"name\":\"tables.csv\"") &&
                      strstr(h.body.data, "\"options\":[\"min-count=3\"]") &&
                      strstr(h.body.data, "household(s) exported to"),
                  "%s", h.body.data);
    http_free(&h);
    long names = run_started("jsonl", "{\"area\":\"510105016003-03\"}", admin, admin_csrf);
    h = run_ended(names, admin);
    ck_assert_msg(strstr(h.body.data, "\"state\":\"done\"") && strstr(h.body.data, "\"name\":\"jsonl.jsonl\""), "%s",
                  h.body.data);
    http_free(&h);
    /* a plugin writing several formats: its one file is named after the one asked for (the
     * last given, as hhreg export takes it) */
    long json = run_started("summary",
                            "{\"options\":[\"format=csv\",\"min-count=3\",\"method=suppress\",\"format=json\"]}",
                            admin, admin_csrf);
    h = run_ended(json, admin);
    ck_assert_msg(strstr(h.body.data, "\"state\":\"done\"") && strstr(h.body.data, "\"name\":\"summary.json\""), "%s",
                  h.body.data);
    http_free(&h);
    long bad = run_started("summary", "{\"options\":[\"min-count=zero\",\"method=suppress\"]}", admin, admin_csrf);
    h = run_ended(bad, admin);
    ck_assert_msg(strstr(h.body.data, "\"state\":\"failed\"") && strstr(h.body.data, "min-count") &&
                      strstr(h.body.data, "\"files\":[]") && strstr(h.body.data, "\"releasable\":false"),
                  "%s", h.body.data);
    http_free(&h);
    /* summary's default (method=none) and its internal flags are for the custodian: never released */
    static const char *const unprotected[] = { "{}", "{\"options\":[\"min-count=3\",\"flags=internal\"]}" };
    for (size_t i = 0; i < sizeof unprotected / sizeof unprotected[0]; i++) {
        long open = run_started("summary", unprotected[i], admin, admin_csrf);
        h = run_ended(open, admin);
        ck_assert_msg(strstr(h.body.data, "\"state\":\"done\"") && strstr(h.body.data, "\"releasable\":false"),
                      "%s", h.body.data);
        http_free(&h);
        char *path = hh_xasprintf("/api/v1/export-runs/%ld/release", open);
        h = request("POST", path, NULL, admin, admin_csrf);
        ck_assert_msg(h.status == 409 && strstr(h.body.data, "unprotected"), "%s: %ld %s", unprotected[i], h.status,
                      h.body.data);
        http_free(&h);
        free(path);
    }
    /* nothing is the statistician's before a release */
    h = request("GET", "/api/v1/exports", NULL, stats, NULL);
    ck_assert_str_eq(h.body.data, "{\"runs\":[]}");
    http_free(&h);
    char *path = hh_xasprintf("/api/v1/export-runs/%ld/file?name=tables.csv", tables);
    h = request("GET", path, NULL, stats, NULL);
    ck_assert_int_eq(h.status, 404);
    http_free(&h);
    /* only a done run of summary or anonymise is released */
    char *release = hh_xasprintf("/api/v1/export-runs/%ld/release", names);
    h = request("POST", release, NULL, admin, admin_csrf);
    ck_assert_msg(h.status == 409 && strstr(h.body.data, "not-releasable"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    free(release);
    release = hh_xasprintf("/api/v1/export-runs/%ld/release", bad);
    h = request("POST", release, NULL, admin, admin_csrf);
    ck_assert_msg(h.status == 409 && strstr(h.body.data, "not-finished"), "%ld %s", h.status, h.body.data);
    http_free(&h);
    free(release);
    release = hh_xasprintf("/api/v1/export-runs/%ld/release", tables);
    for (int twice = 0; twice < 2; twice++) { /* a repeat changes nothing */
        h = request("POST", release, NULL, admin, admin_csrf);
        ck_assert_msg(h.status == 200 && strstr(h.body.data, "\"releasedBy\":\"admin\""), "%ld %s", h.status,
                      h.body.data);
        http_free(&h);
    }
    free(release);
    /* the statistician: the released run alone, without the admin's details, and its file */
    h = request("GET", "/api/v1/exports", NULL, stats, NULL);
    ck_assert_msg(strstr(h.body.data, "\"plugin\":\"summary\"") && !strstr(h.body.data, "jsonl") &&
                      !strstr(h.body.data, "\"message\"") && !strstr(h.body.data, "requestedBy") &&
                      !strstr(h.body.data, "\"plugins\"") && !strstr(h.body.data, "\"options\""),
                  "%s", h.body.data);
    http_free(&h);
    h = request("GET", path, NULL, stats, NULL);
    ck_assert_int_eq(h.status, 200);
    ck_assert_msg(strstr(h.headers.data, "Content-Disposition: attachment; filename=\"tables.csv\"") &&
                      strstr(h.headers.data, "Content-Type: text/csv") && strstr(h.headers.data, "no-store"),
                  "%s", h.headers.data);
    char *dir = hh_xasprintf("%s.exports", tu_store_db), *file = hh_xasprintf("%s/%ld/tables.csv", dir, tables);
    size_t len;
    char *on_disk = tu_read_file(file, &len);
    ck_assert_int_eq(h.body.len, len);
    ck_assert_int_eq(memcmp(h.body.data, on_disk, len), 0);
    ck_assert_msg(strncmp(on_disk, "table,area_level,", 17) == 0, "%.80s", on_disk);
    http_free(&h);
    free(on_disk);
    free(path);
    static const char *const not_files[] = { "../tables.csv", "../../hhreg.db", "%2e%2e/1/tables.csv", "", "tables" };
    for (size_t i = 0; i < sizeof not_files / sizeof not_files[0]; i++) {
        path = hh_xasprintf("/api/v1/export-runs/%ld/file?name=%s", tables, not_files[i]);
        h = request("GET", path, NULL, stats, NULL);
        ck_assert_msg(h.status == 404 && strstr(h.body.data, "no-file"), "%s: %ld", path, h.status);
        http_free(&h);
        free(path);
    }
    path = hh_xasprintf("/api/v1/export-runs/%ld", names);
    h = request("GET", path, NULL, stats, NULL);
    ck_assert_int_eq(h.status, 404);
    http_free(&h);
    free(path);
    /* the runs' directory is the server's alone */
    struct stat st;
    ck_assert_int_eq(stat(dir, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0700);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'export-run' AND"
                                               " actor = 'admin'"), 6);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'export' AND"
                                               " actor = 'admin'"), 5);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'export-release'"), 1);
    ck_assert_int_eq(tu_sql_count(tu_store_db, "SELECT count(*) FROM audit WHERE operation = 'export-download' AND"
                                               " actor = 'stats'"), 1);
    free(file);
    free(dir);
    free(admin);
    free(admin_csrf);
    free(stats);
    free(stats_csrf);
}
END_TEST

Suite *make_serve_suite(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("http");
    tcase_set_timeout(tc, 900); /* argon2id and a server under valgrind */
    tcase_add_checked_fixture(tc, serve_setup, serve_teardown);
    tcase_add_test(tc, a_session_is_a_safe_cookie_ended_by_logout);
    tcase_add_test(tc, the_role_matrix_holds);
    tcase_add_test(tc, a_supervisor_resolves_a_merge_conflict_over_http);
    tcase_add_test(tc, the_openapi_file_lists_every_route_and_only_those);
    tcase_add_test(tc, a_supervisor_assigns_grids_of_its_community);
    tcase_add_test(tc, an_account_holding_overlapping_grids_sees_each_household_once);
    tcase_add_test(tc, the_item_dictionary_is_served_with_its_conditions);
    tcase_add_test(tc, answers_are_compressed_for_clients_that_take_gzip);
    tcase_add_test(tc, a_search_finds_only_the_callers_households);
    tcase_add_test(tc, the_callers_grids_come_whole_in_one_answer);
    tcase_add_test(tc, the_phone_clients_files_are_served_and_nothing_else);
    tcase_add_test(tc, failed_logins_lock_the_account_and_say_nothing_more);
    tcase_add_test(tc, hostile_requests_are_refused_plainly);
    tcase_add_test(tc, an_address_trying_many_names_is_refused);
    tcase_add_test(tc, plain_http_is_only_for_loopback);
    tcase_add_test(tc, requests_at_once_are_each_answered_right);
    tcase_add_test(tc, an_admin_releases_a_summary_run_to_the_statisticians);
    suite_add_tcase(s, tc);
    TCase *tls = tcase_create("tls");
    tcase_set_timeout(tls, 900);
    tcase_add_checked_fixture(tls, tls_setup, tls_teardown);
    tcase_add_test(tls, a_session_over_tls);
    suite_add_tcase(s, tls);
    return s;
}
