/* serve_client.h — what the suites of `hhreg serve` share to talk to the real server:
 * accounts made with `hhreg user add`, the server started on a free loopback port and
 * stopped by SIGTERM (exit 0 required: no leak under valgrind), and one HTTP request
 * over libcurl with its status, headers and body. */
#ifndef TU_SERVE_CLIENT_H
#define TU_SERVE_CLIENT_H

#include <stdbool.h>
#include <sys/types.h>

#include "util.h"

#define TU_SERVE_PASSWORD "correct horse battery staple"

/* `hhreg user add NAME --role ROLE [--grid GRID]` on the test store, with TU_SERVE_PASSWORD. */
void tu_serve_add_user(const char *name, const char *role, const char *grid);
/* The port of a server started with tu_hhreg_start(&out, "serve", "--listen",
 * "127.0.0.1:0", ...), read from its "listening" line. */
int tu_serve_port(int out);
/* SIGTERM, then the server must exit 0. */
void tu_serve_stop(pid_t pid, int out);

typedef struct tu_http {
    long status;
    hh_buf body, headers;
} tu_http;

typedef struct tu_http_request {
    const char *url;                     /* base and path */
    const char *method, *type, *body;    /* type: the Content-Type (default JSON) */
    const char *cookie;                  /* "hhreg_session=…", or NULL */
    const char *csrf;                    /* the X-CSRF-Token, or NULL */
    const char *header;                  /* one more header line, or NULL */
    const char *ca_file;                 /* TLS: the certificate to trust */
    bool may_fail;                       /* no answer at all (the server gone): status 0, not a failed test */
} tu_http_request;

tu_http tu_http_send(const tu_http_request *rq);
/* A libcurl write function appending to the hh_buf it is given (for the multi interface). */
size_t tu_http_collect(char *data, size_t size, size_t n, void *arg);
void tu_http_free(tu_http *h);
/* The value of "key":"…" in a JSON answer, malloc'd; NULL when absent. */
char *tu_json_string(const char *json, const char *key);

#endif
