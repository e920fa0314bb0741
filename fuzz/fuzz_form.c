/* fuzz_form.c — libFuzzer harness for the import path: untrusted bytes are read as
 * a form file (one form or a batch), every form is validated against the XSD and
 * the consistency rules and, when valid, stored in an in-memory store — the work
 * of `hhreg import`, minus the files. Each input is stored inside a transaction
 * that is rolled back, so inputs stay independent. Built by --enable-fuzzing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "import_work.h"
#include "input.h"
#include "schemaset.h"
#include "store.h"
#include "validate.h"
#include "xml_policy.h"

static hh_schemaset *schemas;
static hh_form_worker *worker;
static hh_store *store;

static void give_up(const char *what, hh_buf *err)
{
    fprintf(stderr, "fuzz_form: %s: %s\n", what, err->data ? err->data : "");
    exit(2);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    hh_xml_policy_init();
    const char *dir = getenv("HHREG_SCHEMA_DIR") ? getenv("HHREG_SCHEMA_DIR") : FUZZ_SCHEMA_DIR;
    hh_buf err;
    hh_buf_init(&err);
    if (!(schemas = hh_schemaset_load(dir, &err)))
        give_up("the schemas", &err);
    worker = hh_form_worker_new(schemas, false);
    if (hh_store_open(":memory:", true, &store, &err) != 0)
        give_up("the in-memory store", &err);
    hh_buf_free(&err);
    return 0;
}

static int store_form(hh_form_input *form, void *arg)
{
    (void)arg;
    hh_form_result r;
    hh_form_result_init(&r);
    hh_work_on_form(worker, form, &r);
    if (r.household) {
        hh_put_request rq = hh_form_result_put(&r, "fuzz:1", "fuzz");
        int revision = 0;
        hh_store_put(store, &rq, &r.diags, &revision);
    }
    hh_form_result_free(&r);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hh_buf err;
    hh_buf_init(&err);
    if (hh_store_begin(store, &err) != 0)
        give_up("BEGIN", &err);
    hh_diags d;
    hh_diags_init(&d);
    hh_read_forms_memory((const char *)data, size, "fuzz.xml", &d, store_form, NULL);
    hh_diags_free(&d);
    hh_store_rollback(store);
    hh_buf_free(&err);
    return 0;
}
