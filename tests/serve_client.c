/* serve_client.c — see serve_client.h. */
#include "serve_client.h"

#include <check.h>
#include <curl/curl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

void tu_serve_add_user(const char *name, const char *role, const char *grid)
{
    char *input = tu_path(tu_store_dir, "password.txt");
    tu_write_file(input, TU_SERVE_PASSWORD "\n", strlen(TU_SERVE_PASSWORD) + 1);
    /* not under valgrind: it only sets the scene (the accounts suite runs user add
     * under it), and each argon2id hash there takes seconds, five a test */
    tu_no_valgrind = 1;
    tu_result r = tu_hhreg(NULL, input, "user", "add", name, "--role", role, "--password-stdin", "--db", tu_store_db,
                           grid ? "--grid" : NULL, grid, NULL);
    tu_no_valgrind = 0;
    ck_assert_msg(r.status == 0, "user add %s: exit %d: %s", name, r.status, r.err);
    tu_result_free(&r);
    unlink(input);
    free(input);
}

int tu_serve_port(int out)
{
    char line[256];
    size_t n = 0;
    struct pollfd p = { .fd = out, .events = POLLIN };
    while (n < sizeof line - 1 && !memchr(line, '\n', n) && poll(&p, 1, 120000) == 1) {
        ssize_t got = read(out, line + n, sizeof line - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    line[n] = '\0';
    const char *at = strstr(line, "(port ");
    ck_assert_msg(at, "the server said: %s", line);
    int port = atoi(at + 6);
    char address[32]; /* the address it gives is the one listened on, the port ":0" chose */
    snprintf(address, sizeof address, ":%d (port %d)", port, port);
    ck_assert_msg(strstr(line, address), "the server said: %s", line);
    return port;
}

void tu_serve_stop(pid_t pid, int out)
{
    kill(pid, SIGTERM);
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    close(out);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the server ended with %d", status);
}

size_t tu_http_collect(char *data, size_t size, size_t n, void *arg)
{
    hh_buf_append(arg, data, size * n);
    return size * n;
}

tu_http tu_http_send(const tu_http_request *rq)
{
    tu_http h = { 0 };
    hh_buf_init(&h.body);
    hh_buf_init(&h.headers);
    CURL *c = curl_easy_init();
    ck_assert_ptr_nonnull(c);
    curl_easy_setopt(c, CURLOPT_URL, rq->url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L); /* a "../" goes as it is */
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, rq->method);
    if (strcmp(rq->method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L); /* an answer without its body */
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, tu_http_collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &h.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, tu_http_collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 600L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (rq->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, rq->ca_file);
    if (rq->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(rq->body));
    }
    if (rq->cookie)
        curl_easy_setopt(c, CURLOPT_COOKIE, rq->cookie);
    char *lines[3] = { hh_xasprintf("Content-Type: %s", rq->type ? rq->type : "application/json"),
                       rq->csrf ? hh_xasprintf("X-CSRF-Token: %s", rq->csrf) : NULL, hh_xstrdup(rq->header) };
    struct curl_slist *headers = NULL;
    for (int i = 0; i < 3; i++)
        if (lines[i])
            headers = curl_slist_append(headers, lines[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    CURLcode rc = curl_easy_perform(c);
    ck_assert_msg(rc == CURLE_OK || rq->may_fail, "%s %s: %s", rq->method, rq->url, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    for (int i = 0; i < 3; i++)
        free(lines[i]);
    if (!h.body.data)
        hh_buf_puts(&h.body, "");
    return h;
}

void tu_http_free(tu_http *h)
{
    hh_buf_free(&h->body);
    hh_buf_free(&h->headers);
}

char *tu_json_string(const char *json, const char *key)
{
    char *pattern = hh_xasprintf("\"%s\":\"", key);
    const char *at = strstr(json, pattern);
    char *value = NULL;
    if (at) {
        value = hh_xstrdup(at + strlen(pattern));
        value[strcspn(value, "\"")] = '\0';
    }
    free(pattern);
    return value;
}
