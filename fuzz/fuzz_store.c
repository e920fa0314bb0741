/* fuzz_store.c — libFuzzer harness for the store reader: untrusted bytes are a store
 * file (seeded with a small real store, so mutations land in its pages, records and
 * column values: sizes, digests, types, NULLs), opened as hhreg opens one and read by
 * every read path — `check` (integrity, triggers, audit chain, each revision against
 * its stored form, re-validation), a form's XML as `show` reads it, and the walk an
 * export makes. A damaged store must be refused or reported, never crash or leak.
 * Built by --enable-fuzzing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libxml/parser.h>

#include "schemaset.h"
#include "store.h"
#include "store_check.h"
#include "xml_policy.h"

static hh_schemaset *schemas;
static char *path, *wal, *shm;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    hh_xml_policy_init();
    const char *dir = getenv("HHREG_SCHEMA_DIR") ? getenv("HHREG_SCHEMA_DIR") : FUZZ_SCHEMA_DIR;
    hh_buf err;
    hh_buf_init(&err);
    if (!(schemas = hh_schemaset_load(dir, &err))) {
        fprintf(stderr, "fuzz_store: the schemas: %s\n", err.data ? err.data : "");
        exit(2);
    }
    hh_buf_free(&err);
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    path = hh_xasprintf("%s/fuzz_store.%ld.db", tmp, (long)getpid());
    wal = hh_xasprintf("%s-wal", path);
    shm = hh_xasprintf("%s-shm", path);
    return 0;
}

static void forget_files(void)
{
    unlink(path);
    unlink(wal);
    unlink(shm);
}

static int read_household(const hh_current *c, void *arg)
{
    const hh_household *h = c->household;
    size_t *seen = arg;
    *seen += h->n_persons + h->n_visits + c->xml_len + (h->id ? strlen(h->id) : 0) + (c->xml ? 1 : 0) +
             (c->made_in ? strlen(c->made_in) : 0);
    return 0;
}

static int read_tombstone(const hh_tombstone_row *t, void *arg)
{
    size_t *seen = arg;
    *seen += (t->id ? strlen(t->id) : 0) + (t->reason ? strlen(t->reason) : 0) + (size_t)(t->change > 0);
    return 0;
}

static int show_each(const char *id, int revision, const char *xml, size_t len, void *arg)
{
    hh_store *s = arg;
    char *again = NULL;
    size_t again_len = 0;
    int rev = 0;
    hh_buf err;
    hh_buf_init(&err);
    if (id && hh_store_get_xml(s, id, revision, &again, &again_len, &rev, &err) == 0) {
        xmlDocPtr doc = hh_store_parse_form(again, again_len, id);
        hh_household_free(doc ? hh_household_from_doc(doc) : NULL);
        xmlFreeDoc(doc);
    }
    (void)xml;
    (void)len;
    free(again);
    hh_buf_free(&err);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    forget_files();
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    hh_store *s = NULL;
    hh_buf err;
    hh_buf_init(&err);
    if (hh_store_open(path, false, &s, &err) == 0) {
        hh_diags d;
        hh_diags_init(&d);
        hh_check_report r;
        hh_buf_reset(&err);
        hh_store_check(s, schemas, &d, &r, &err);
        hh_diags_free(&d);
        hh_buf_reset(&err);
        size_t seen = 0;
        hh_store_each_household(s, NULL, -1, true, read_household, &seen, &err);
        hh_buf_reset(&err);
        hh_store_each_household(s, NULL, 0, false, read_household, &seen, &err); /* through the change feed */
        hh_buf_reset(&err);
        hh_store_each_tombstone(s, NULL, -1, read_tombstone, &seen, &err);
        seen += (size_t)(hh_store_last_change(s) > 0);
        hh_buf_reset(&err);
        hh_store_each_current(s, show_each, s, &err);
        hh_store_close(s);
    }
    hh_buf_free(&err);
    forget_files();
    return 0;
}
