/* server.h — `hhreg serve`: the community office's server (docs/API.md). One
 * process: libmicrohttpd's thread pool answers HTTP on one address, every request
 * is decided by one authorisation function (server_access.c) before any data is
 * touched, and the store is opened once and used by one request at a time.
 * Plain HTTP only on a loopback address; anything else needs TLS. */
#ifndef HH_SERVER_H
#define HH_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "schemaset.h"
#include "store.h"
#include "store_accounts.h"
#include "util.h"

typedef struct hh_server_config {
    const char *listen;            /* "127.0.0.1:8080" (port 0: any free one); IPv6 as "[::1]:8080" */
    const char *tls_cert, *tls_key; /* PEM files; both or neither */
    const char *www;               /* the phone client's files (default $(pkgdatadir)/www) */
    const char *exports_dir;       /* where export runs write (made 0700 with the first run; `hhreg
                                      serve`: STORE.exports) */
    const char *plugin_dir;        /* looked in first for export plugins, or NULL */
    unsigned max_connections;      /* at once (a thread for each), and per client address (half of it) */
    unsigned timeout;              /* seconds a connection may stay silent */
    size_t max_body;               /* bytes of a request body */
    int session_idle, session_absolute; /* seconds */
    hh_login_policy login;          /* per account */
    int address_max_failures;       /* failed logins from one address within login.window that
                                       refuse it for login.lock (an office behind one NAT shares one) */
} hh_server_config;

/* What an office gets without options (hhreg(1) documents them). */
void hh_server_config_defaults(hh_server_config *c);

typedef struct hh_server hh_server;

/* Starts answering on cfg->listen with store `s` (kept open by the caller until
 * hh_server_stop) and the schemas `set`. NULL with `err` when the address is refused
 * (not loopback without TLS), taken, or TLS cannot be set up. */
hh_server *hh_server_start(hh_store *s, const hh_schemaset *set, const hh_server_config *cfg, hh_buf *err);
/* The port it listens on (the one chosen when cfg->listen asked for port 0). */
unsigned hh_server_port(const hh_server *srv);
/* Writes a self-signed certificate for `hostname` (a name or an address; valid 90
 * days, EC P-256) to the new file `cert_path` and its key to the new file
 * `key_path` (0600), for a trial of TLS. 0, or -1 with `err` and neither file. */
int hh_server_make_cert(const char *hostname, const char *cert_path, const char *key_path, hh_buf *err);
/* Route `i` of the server (0, 1, ...): its method and path, "*" standing for one
 * segment such as {id}; false past the last. docs/openapi.yaml lists the same
 * (tests/test_serve.c checks both ways). */
bool hh_server_route(size_t i, const char **method, const char **path);
/* Takes no new connection nor request from now on (one on a connection already open
 * is answered 503 "stopping"); those in flight go on. */
void hh_server_quiesce(hh_server *srv);
/* After hh_server_quiesce: waits at most `ms` milliseconds for the requests in
 * flight to be answered; true when the wait is over (none is in flight, or
 * cfg->timeout seconds have passed since the quiesce, or it was cut short). */
bool hh_server_landed(hh_server *srv, unsigned ms);
/* The requests begun and not yet answered or given up. */
unsigned hh_server_in_flight(hh_server *srv);
/* After hh_server_quiesce: the wait for the requests in flight ends now (a second
 * SIGTERM); hh_server_stop then closes their connections unanswered. Any thread. */
void hh_server_cut_short(hh_server *srv);
/* Quiesces, waits for the requests in flight to be answered (at most cfg->timeout
 * seconds from the quiesce, or until hh_server_cut_short), and frees the server. */
void hh_server_stop(hh_server *srv);

#endif
