/* xml_policy.c — see xml_policy.h. The loader resolves the requested path with
 * realpath() so `..` or links cannot leave the allowed directory. */
#include "xml_policy.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "diag.h"
#include "util.h"

static xmlExternalEntityLoader default_loader;
static char *allowed_dir;

static xmlParserInputPtr deny_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    if (allowed_dir && url) {
        const char *path = url;
        if (strncmp(path, "file://", 7) == 0)
            path += 7;
        char resolved[PATH_MAX];
        size_t n = strlen(allowed_dir);
        if (!strstr(path, "://") && realpath(path, resolved) && strncmp(resolved, allowed_dir, n) == 0 &&
            resolved[n] == '/')
            return default_loader(resolved, id, ctxt);
    }
    (void)ctxt;
    return NULL; /* libxml2 reports "failed to load external entity" */
}

/* libxml2 would print some errors (XPath compilation, for one) straight to stderr;
 * hhreg reports every problem itself, with file, line and item. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void hh_xml_policy_init(void)
{
    xmlInitParser();
    if (!default_loader)
        default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(deny_loader);
    xmlLineNumbersDefault(1);
    xmlSetGenericErrorFunc(NULL, silent);
}

void hh_xml_allow_dir(const char *dir)
{
    free(allowed_dir);
    allowed_dir = NULL;
    char resolved[PATH_MAX];
    if (dir && realpath(dir, resolved))
        allowed_dir = hh_xstrdup(resolved);
}

void hh_xml_policy_cleanup(void)
{
    hh_xml_allow_dir(NULL);
    xmlCleanupParser();
}

void hh_xml_version(hh_buf *out)
{
    int running = atoi(xmlParserVersion); /* 20914 is 2.9.14 */
    hh_buf_printf(out, hh_tr("%d.%d.%d (built with %s)", "%d.%d.%d（编译时所用版本为 %s）"), running / 10000,
                  running / 100 % 100, running % 100, LIBXML_DOTTED_VERSION);
}
