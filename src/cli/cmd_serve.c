/* cmd_serve.c — `hhreg serve [--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE]`:
 * the community office's server (server.h) on the store, until SIGTERM, SIGINT or
 * SIGHUP, which let the requests in flight finish (a second one stops waiting for
 * them) and close the store cleanly. */
#include "cli.h"
#include "server.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_LISTEN = OPT_FIRST_OWN, OPT_TLS_CERT, OPT_TLS_KEY, OPT_MAKE_CERT, OPT_ADDRESS_FAILURES, OPT_WWW,
       OPT_EXPORTS_DIR, OPT_PLUGIN_DIR };

/* The options: the server's, and --make-cert's host name. */
typedef struct serve_options {
    hh_server_config config;
    const char *make_cert;
} serve_options;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    serve_options *o = st;
    hh_server_config *cfg = &o->config;
    long n;
    if (opt == OPT_MAKE_CERT)
        o->make_cert = arg;
    else if (opt == OPT_ADDRESS_FAILURES) {
        if (!cli_number(arg, 1, 100000, &n))
            return cli_fail(cli_find_command("serve"), cli_tr(c, "--address-failures takes a number of failed logins (1 or more)",
                                                              "--address-failures 取登录失败的次数（1 或以上）"));
        cfg->address_max_failures = (int)n;
    }
    else if (opt == OPT_LISTEN)
        cfg->listen = arg;
    else if (opt == OPT_TLS_CERT)
        cfg->tls_cert = arg;
    else if (opt == OPT_TLS_KEY)
        cfg->tls_key = arg;
    else if (opt == OPT_WWW)
        cfg->www = arg;
    else if (opt == OPT_EXPORTS_DIR)
        cfg->exports_dir = arg;
    else if (opt == OPT_PLUGIN_DIR)
        cfg->plugin_dir = arg;
    return 0;
}

/* --make-cert HOSTNAME: the files named by --tls-cert and --tls-key (default
 * hhreg-cert.pem and hhreg-key.pem), new. */
static int make_cert(const cli *c, const command *cmd, const char *hostname, const hh_server_config *cfg)
{
    const char *cert = cfg->tls_cert ? cfg->tls_cert : "hhreg-cert.pem";
    const char *key = cfg->tls_key ? cfg->tls_key : "hhreg-key.pem";
    hh_buf err;
    hh_buf_init(&err);
    int rc = hh_server_make_cert(hostname, cert, key, &err);
    if (rc)
        cli_fail(cmd, "%s", err.data);
    else
        printf(cli_tr(c, "%s: a self-signed certificate for %s, valid 90 days, for a trial (browsers warn about it); "
                         "its key: %s (mode 0600)\n",
                      "%s：%s 的自签名证书，有效期 90 天，供试用（浏览器会对它发出警告）；其私钥：%s（权限 0600）\n"),
               cert, hostname, key);
    hh_buf_free(&err);
    return rc ? EXIT_USAGE : EXIT_OK;
}

int cmd_serve(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("serve");
    static const struct option own[] = { { "listen", required_argument, NULL, OPT_LISTEN },
                                          { "tls-cert", required_argument, NULL, OPT_TLS_CERT },
                                          { "tls-key", required_argument, NULL, OPT_TLS_KEY },
                                          { "make-cert", required_argument, NULL, OPT_MAKE_CERT },
                                          { "address-failures", required_argument, NULL, OPT_ADDRESS_FAILURES },
                                          { "www", required_argument, NULL, OPT_WWW },
                                          { "exports-dir", required_argument, NULL, OPT_EXPORTS_DIR },
                                          { "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
                                          { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, own_option, 0, 0 };
    serve_options o = { .make_cert = NULL };
    hh_server_config_defaults(&o.config);
    o.config.exports_dir = NULL;
    int rest, rc = cli_parse(c, cmd, &spec, &o, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_server_config cfg = o.config;
    if (o.make_cert)
        return make_cert(c, cmd, o.make_cert, &cfg);
    hh_schemaset *set = cli_load_schemas(c, cmd);
    hh_store *s = set ? cli_open_store_to_change(c, cmd) : NULL; /* signing in writes a session */
    if (!s) {
        hh_schemaset_free(set);
        return EXIT_USAGE;
    }
    /* the stops are taken by sigwait below, never by a thread of the pool */
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stops, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client gone mid-answer is libmicrohttpd's to handle */
    hh_buf err;
    hh_buf_init(&err);
    char *exports_dir = cfg.exports_dir ? NULL : hh_xasprintf("%s.exports", c->db_path);
    if (exports_dir)
        cfg.exports_dir = exports_dir;
    hh_server *srv = hh_server_start(s, set, &cfg, &err);
    if (!srv)
        rc = cli_fail(cmd, "%s", err.data);
    else {
        /* the address with the port listened on: the one the system chose for ":0" */
        unsigned port = hh_server_port(srv);
        int host = (int)(strrchr(cfg.listen, ':') - cfg.listen); /* hh_server_start took it: it has one */
        printf(cli_tr(c, "hhreg serve: listening on %s://%.*s:%u (port %u); SIGTERM or Ctrl-C stops it\n",
                      "hhreg serve：正在 %s://%.*s:%u 上监听（端口 %u）；SIGTERM 或 Ctrl-C 停止它\n"),
               cfg.tls_cert ? "https" : "http", host, cfg.listen, port, port);
        fflush(stdout);
        int sig = 0;
        sigwait(&stops, &sig);
        hh_server_quiesce(srv);
        printf(cli_tr(c, "hhreg serve: stopping (%s): the requests in flight are answered first (at most %u s)\n",
                      "hhreg serve：正在停止（%s）：先答复正在处理的请求（最多 %u 秒）\n"),
               hh_signal_name(sig), cfg.timeout);
        fflush(stdout);
        /* a second stop signal ends the wait: those still in flight are cut off */
        const struct timespec now = { 0, 0 };
        while (!hh_server_landed(srv, 100)) {
            int again = sigtimedwait(&stops, NULL, &now);
            if (again > 0) {
                printf(cli_tr(c, "hhreg serve: stopping at once (%s again): %u request(s) in flight cut off unanswered\n",
                              "hhreg serve：立即停止（再次收到 %s）：%u 个正在处理的请求未答复即中断\n"),
                       hh_signal_name(again), hh_server_in_flight(srv));
                fflush(stdout);
                hh_server_cut_short(srv);
                break;
            }
        }
        hh_server_stop(srv);
        fprintf(stderr, cli_tr(c, "hhreg serve: stopped (%s); the store is closed\n", "hhreg serve：已停止（%s）；存储库已关闭\n"),
                hh_signal_name(sig));
    }
    hh_buf_free(&err);
    hh_store_close(s);
    hh_schemaset_free(set);
    free(exports_dir);
    return rc;
}
