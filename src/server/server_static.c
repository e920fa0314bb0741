/* server_static.c — the phone client's files (HTML, CSS, JavaScript, icons) from
 * `--www DIR`, by default $(pkgdatadir)/www. The directory is read once at start into
 * a list of its regular files (no symbolic link, no hidden name, at most a few
 * directories deep, 16 MiB in all); a request's path is only looked up in that list,
 * never joined onto the directory, so "..", "%2e%2e", an absolute path or a link out
 * of it can reach nothing. "/" is index.html. Each file is answered with its type,
 * an ETag and Cache-Control: no-cache (revalidated, so a new version is seen at
 * once), and a Content-Security-Policy that lets a page load only its own files and
 * talk only to this server. No session is needed: the page must load to sign in. */
#include "server_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"

#define MAX_DEPTH 4
#define MAX_TOTAL (16u << 20)

struct hh_static_file {
    char *path;         /* "/index.html" */
    char *data;
    size_t len;
    const char *type;
    char etag[40];
};

static const char *type_of(const char *name)
{
    static const char *const types[][2] = {
        { ".html", "text/html; charset=utf-8" },     { ".css", "text/css; charset=utf-8" },
        { ".js", "text/javascript; charset=utf-8" }, { ".json", "application/json; charset=utf-8" },
        { ".svg", "image/svg+xml" },                 { ".png", "image/png" },
        { ".ico", "image/x-icon" },                  { ".webmanifest", "application/manifest+json" },
        { ".txt", "text/plain; charset=utf-8" },
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i][0]) == 0)
            return types[i][1];
    return NULL; /* not served */
}

/* Letters, digits, '-', '_' and '.', not starting with '.'. */
static bool plain(const char *name)
{
    if (!*name || name[0] == '.')
        return false;
    for (const char *p = name; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return false;
    return true;
}

static int add_file(hh_server *srv, const char *file, const char *url, const char *type, size_t *total, hh_buf *err)
{
    FILE *f = fopen(file, "rb");
    hh_buf data;
    hh_buf_init(&data);
    char chunk[8192];
    size_t n;
    while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && *total + data.len <= MAX_TOTAL)
        hh_buf_append(&data, chunk, n);
    bool ok = f && !ferror(f) && *total + data.len <= MAX_TOTAL;
    if (!ok)
        hh_buf_printf(err, "%s: %s", file, !f || ferror(f) ? strerror(errno) : "the web files exceed 16 MiB in all");
    if (f)
        fclose(f);
    if (!ok) {
        hh_buf_free(&data);
        return -1;
    }
    *total += data.len;
    srv->files = hh_xrealloc(srv->files, (srv->n_files + 1) * sizeof *srv->files);
    hh_static_file *sf = hh_xmalloc(sizeof *sf);
    sf->path = hh_xstrdup(url);
    sf->len = data.len;
    sf->data = data.len ? hh_buf_detach(&data) : hh_xstrdup("");
    sf->type = type;
    char hex[65];
    hh_sha256_hex(sf->data, sf->len, hex);
    snprintf(sf->etag, sizeof sf->etag, "\"%.32s\"", hex);
    srv->files[srv->n_files++] = sf;
    hh_buf_free(&data);
    return 0;
}

static int walk(hh_server *srv, const char *dir, const char *url, int depth, size_t *total, hh_buf *err)
{
    DIR *d = opendir(dir);
    if (!d) {
        hh_buf_printf(err, "%s: cannot read the web files: %s", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d))) {
        if (!plain(e->d_name))
            continue;
        char *file = hh_xasprintf("%s/%s", dir, e->d_name), *sub = hh_xasprintf("%s/%s", url, e->d_name);
        struct stat st;
        const char *type = type_of(e->d_name);
        if (lstat(file, &st) == 0 && S_ISDIR(st.st_mode) && depth < MAX_DEPTH)
            rc = walk(srv, file, sub, depth + 1, total, err);
        else if (lstat(file, &st) == 0 && S_ISREG(st.st_mode) && type)
            rc = add_file(srv, file, sub, type, total, err);
        free(file);
        free(sub);
    }
    closedir(d);
    return rc;
}

int hh_static_load(hh_server *srv, const char *dir, hh_buf *err)
{
    struct stat st;
    if (stat(dir, &st) != 0 && errno == ENOENT)
        return 0; /* no phone client installed: the API alone */
    size_t total = 0;
    return walk(srv, dir, "", 0, &total, err);
}

void hh_static_free(hh_server *srv)
{
    for (size_t i = 0; i < srv->n_files; i++) {
        free(srv->files[i]->path);
        free(srv->files[i]->data);
        free(srv->files[i]);
    }
    free(srv->files);
}

bool hh_static_is_file_path(const char *path)
{
    return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0;
}

unsigned hh_static_get(hh_request *rq)
{
    const char *path = strcmp(rq->path, "/") == 0 ? "/index.html" : rq->path;
    hh_server *srv = rq->server;
    for (size_t i = 0; i < srv->n_files; i++) {
        const hh_static_file *f = srv->files[i];
        if (strcmp(f->path, path) != 0)
            continue;
        rq->etag = f->etag;
        rq->content_type = f->type;
        rq->csp = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                  "base-uri 'none'; form-action 'self'";
        if (hh_request_revalidated(rq, f->etag))
            return MHD_HTTP_NOT_MODIFIED;
        hh_buf_append(&rq->answer, f->data, f->len);
        return MHD_HTTP_OK;
    }
    return hh_answer_error(rq, MHD_HTTP_NOT_FOUND, "not-found", "There is nothing at that address.", "该地址不存在。");
}
