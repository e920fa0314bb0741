/* load.c — the load generator of `make bench` (bench/bench-load.sh): K clients at
 * once submit forms to a running `hhreg serve` as one enumerator, over HTTP on
 * loopback (libcurl's multi interface: one thread, K connections kept alive), and
 * it prints submissions per second and the latencies' median and 99th percentile.
 *
 *   load URL USER PASSWORD K LIST
 *
 * URL is the server's base (http://127.0.0.1:PORT); LIST a file naming one form
 * file a line. It signs in once (a bearer token, with the session's CSRF token)
 * and submits each form once, with its own Idempotency-Key. Exit 1 when a
 * submission is not answered 201 (the first such answer is printed).
 *
 * It shares the server's two cores, so it spends as little as it can: libcurl is
 * driven by its socket interface and epoll (woken for the connections that are
 * ready, not polling all K after each answer) and without its SIGPIPE handling
 * (ignored once here). Before, it took 1.9-2.7 of the run's CPU seconds, a sixth of
 * what the server had; see the closing note of this change for the figures. */
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

typedef struct buffer {
    char *data;
    size_t len;
} buffer;

static size_t collect(char *data, size_t size, size_t n, void *arg)
{
    buffer *b = arg;
    char *grown = realloc(b->data, b->len + size * n + 1);
    if (!grown)
        return 0;
    b->data = grown;
    memcpy(b->data + b->len, data, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buffer b = { 0 };
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        if (collect(chunk, 1, n, &b) != n)
            break;
    fclose(f);
    *len = b.len;
    return b.data;
}

/* The string value of "key" in a JSON answer (no escapes in what is read here). */
static char *json_string(const char *json, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *at = json ? strstr(json, pattern) : NULL;
    if (!at)
        return NULL;
    at += strlen(pattern);
    const char *end = strchr(at, '"');
    return end ? strndup(at, (size_t)(end - at)) : NULL;
}

typedef struct slot {
    CURL *easy;
    struct curl_slist *headers;
    buffer answer;
    double started;
    size_t form;
} slot;

/* What every submission shares. */
typedef struct run {
    CURLM *multi;
    const char *url, *authorization, *csrf_header;
    char **forms;
    size_t *lens;
    int epoll;
    double deadline; /* when libcurl's timer expires, < 0: none */
} run;

/* libcurl says which events a connection waits for: epoll is told. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *arg, void *socket_arg)
{
    (void)easy;
    (void)socket_arg;
    run *r = arg;
    if (what == CURL_POLL_REMOVE)
        return epoll_ctl(r->epoll, EPOLL_CTL_DEL, fd, NULL), 0;
    struct epoll_event ev = { (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0), { .fd = fd } };
    if (epoll_ctl(r->epoll, EPOLL_CTL_MOD, fd, &ev) != 0)
        epoll_ctl(r->epoll, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

static int on_timer(CURLM *multi, long ms, void *arg)
{
    (void)multi;
    run *r = arg;
    r->deadline = ms < 0 ? -1 : now() + (double)ms / 1000;
    return 0;
}

/* Starts submitting form `f` on slot `s`. */
static void start_form(const run *r, slot *s, size_t f)
{
    char key[64];
    snprintf(key, sizeof key, "Idempotency-Key: load-%zu", f);
    curl_slist_free_all(s->headers);
    s->headers = curl_slist_append(NULL, "Content-Type: application/xml");
    s->headers = curl_slist_append(s->headers, r->authorization);
    s->headers = curl_slist_append(s->headers, r->csrf_header);
    s->headers = curl_slist_append(s->headers, key);
    s->answer.len = 0;
    s->form = f;
    s->started = now();
    curl_easy_setopt(s->easy, CURLOPT_URL, r->url);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, r->forms[f]);
    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE, (long)r->lens[f]);
    curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, &s->answer);
    curl_easy_setopt(s->easy, CURLOPT_PRIVATE, s);
    curl_easy_setopt(s->easy, CURLOPT_NOSIGNAL, 1L);
    curl_multi_add_handle(r->multi, s->easy);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: load URL USER PASSWORD K LIST\n");
        return 2;
    }
    const char *base = argv[1];
    int k = atoi(argv[4]);
    FILE *list = fopen(argv[5], "r");
    if (!list || k < 1) {
        fprintf(stderr, "load: cannot read %s (or K is not a number)\n", argv[5]);
        return 2;
    }
    size_t n = 0, cap = 0;
    char **forms = NULL, line[4096];
    size_t *lens = NULL;
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            forms = realloc(forms, cap * sizeof *forms);
            lens = realloc(lens, cap * sizeof *lens);
        }
        if (!(forms[n] = read_file(line, &lens[n]))) {
            fprintf(stderr, "load: cannot read %s\n", line);
            return 2;
        }
        n++;
    }
    fclose(list);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    signal(SIGPIPE, SIG_IGN); /* a connection the server closes is libcurl's to report */

    /* sign in once: a bearer token and the CSRF token for every submission */
    char url[512], body[512];
    snprintf(url, sizeof url, "%s/api/v1/session", base);
    snprintf(body, sizeof body, "{\"user\":\"%s\",\"password\":\"%s\",\"bearer\":true}", argv[2], argv[3]);
    buffer session = { 0 };
    CURL *c = curl_easy_init();
    struct curl_slist *json = curl_slist_append(NULL, "Content-Type: application/json"); /* else 415 */
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, json);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &session);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    curl_slist_free_all(json);
    char *token = json_string(session.data, "token"), *csrf = json_string(session.data, "csrf");
    if (rc != CURLE_OK || !token || !csrf) {
        fprintf(stderr, "load: cannot sign in: %s\n", rc != CURLE_OK ? curl_easy_strerror(rc) : session.data);
        return 1;
    }
    char authorization[256], csrf_header[256];
    snprintf(authorization, sizeof authorization, "Authorization: Bearer %s", token);
    snprintf(csrf_header, sizeof csrf_header, "X-CSRF-Token: %s", csrf);
    snprintf(url, sizeof url, "%s/api/v1/households", base);

    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)k);
    slot *slots = calloc((size_t)k, sizeof *slots);
    double *latency = calloc(n ? n : 1, sizeof *latency);
    size_t next = 0, done = 0, failed = 0;
    char *first_failure = NULL;
    double start = now();
    for (int i = 0; i < k; i++)
        slots[i].easy = curl_easy_init();
    run shared = { multi, url, authorization, csrf_header, forms, lens, epoll_create1(EPOLL_CLOEXEC), -1 };
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, &shared);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &shared);
    for (int i = 0; i < k && next < n; i++, next++)
        start_form(&shared, &slots[i], next);
    int active = 1;
    while (done < n) {
        double wait = shared.deadline < 0 ? 0.1 : shared.deadline - now();
        struct epoll_event ready[64];
        int got = epoll_wait(shared.epoll, ready, 64, wait > 0 ? (int)(wait * 1000) + 1 : 0);
        for (int i = 0; i < got; i++)
            curl_multi_socket_action(multi, ready[i].data.fd,
                                     (ready[i].events & EPOLLIN ? CURL_CSELECT_IN : 0) |
                                         (ready[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0) |
                                         (ready[i].events & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0),
                                     &active);
        if (shared.deadline >= 0 && now() >= shared.deadline) {
            shared.deadline = -1;
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &active);
        }
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            slot *s;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&s);
            long status = 0;
            curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
            latency[done++] = now() - s->started;
            if (status != 201 && failed++ == 0)
                first_failure = strdup(s->answer.data ? s->answer.data : curl_easy_strerror(msg->data.result));
            curl_multi_remove_handle(multi, s->easy);
            if (next < n)
                start_form(&shared, s, next++);
        }
    }
    double seconds = now() - start;
    qsort(latency, n, sizeof *latency, by_value);
    printf("%zu submissions by %d clients in %.2f s: %.0f/s, p50 %.1f ms, p99 %.1f ms, %zu not stored\n", n, k,
           seconds, (double)n / seconds, n ? 1000 * latency[n / 2] : 0.0, n ? 1000 * latency[(n * 99) / 100] : 0.0,
           failed);
    if (first_failure)
        fprintf(stderr, "load: the first submission not stored was answered: %.300s\n", first_failure);
    for (int i = 0; i < k; i++) {
        curl_easy_cleanup(slots[i].easy);
        curl_slist_free_all(slots[i].headers);
        free(slots[i].answer.data);
    }
    curl_multi_cleanup(multi);
    close(shared.epoll);
    curl_global_cleanup();
    for (size_t i = 0; i < n; i++)
        free(forms[i]);
    free(forms);
    free(lens);
    free(slots);
    free(latency);
    free(first_failure);
    free(token);
    free(csrf);
    free(session.data);
    return failed ? 1 : 0;
}
