/* server_cert.c — `hhreg serve --make-cert HOSTNAME`: a self-signed certificate and
 * its key for a trial of TLS (OpenSSL's libcrypto, which hhreg already uses for its
 * digests). An office installs a certificate from its CA instead (docs/API.md). */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Opens a new file `path` (never over one) with `mode`. */
static FILE *create(const char *path, mode_t mode, hh_buf *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        hh_buf_printf(err, "%s: %s", path, errno == EEXIST ? "exists already; it was left alone" : strerror(errno));
        if (fd >= 0)
            close(fd);
    }
    return f;
}

int hh_server_make_cert(const char *hostname, const char *cert_path, const char *key_path, hh_buf *err)
{
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, hostname, ip) == 1 || inet_pton(AF_INET6, hostname, ip) == 1;
    if (!*hostname || strlen(hostname) > 253 || strspn(hostname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                 "0123456789.-:") != strlen(hostname)) {
        hh_buf_puts(err, "--make-cert takes the server's host name (hhreg.example.org) or address (192.0.2.10)");
        return -1;
    }
    EVP_PKEY *key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    X509 *x = X509_new();
    char *san = hh_xasprintf("%s:%s", is_ip ? "IP" : "DNS", hostname);
    X509_EXTENSION *ext = NULL;
    bool ok = key && x && X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), (long)getpid()) &&
              X509_gmtime_adj(X509_getm_notBefore(x), 0) && X509_gmtime_adj(X509_getm_notAfter(x), 90L * 86400) &&
              X509_set_pubkey(x, key);
    X509_NAME *name = ok ? X509_get_subject_name(x) : NULL;
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)hostname, -1, -1, 0) &&
         X509_set_issuer_name(x, name);
    ok = ok && (ext = X509V3_EXT_conf_nid(NULL, NULL, NID_subject_alt_name, san)) && X509_add_ext(x, ext, -1);
    ok = ok && X509_sign(x, key, EVP_sha256()) > 0;
    if (!ok)
        hh_buf_puts(err, "cannot make the certificate (OpenSSL refused)");
    FILE *k = ok ? create(key_path, 0600, err) : NULL;
    FILE *c = k ? create(cert_path, 0644, err) : NULL;
    ok = ok && k && c && PEM_write_PrivateKey(k, key, NULL, NULL, 0, NULL, NULL) && PEM_write_X509(c, x);
    if (k && fclose(k) != 0)
        ok = false;
    if (c && fclose(c) != 0)
        ok = false;
    if (!ok && k) { /* nothing half-written is left */
        unlink(key_path);
        if (c)
            unlink(cert_path);
        if (!err->len)
            hh_buf_printf(err, "%s: cannot write the key or certificate: %s", key_path, strerror(errno));
    }
    X509_EXTENSION_free(ext);
    X509_free(x);
    EVP_PKEY_free(key);
    free(san);
    return ok ? 0 : -1;
}
