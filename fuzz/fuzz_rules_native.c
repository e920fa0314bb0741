/* fuzz_rules_native.c — libFuzzer harness for the native evaluation of the rules:
 * untrusted bytes are read as a form (the import's reader, without the schema, so
 * forms of any shape reach the rules), and the shipped rules check it natively and
 * through XPath alone (tests/rules_differ.c); any difference in their diagnostics
 * aborts. Built by --enable-fuzzing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <libxml/parser.h>

#include "input.h"
#include "rules_differ.h"
#include "xml_policy.h"

static rules_differ differ;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    hh_buf err;
    hh_buf_init(&err);
    if (rules_differ_open(&differ, FUZZ_SCHEMA_DIR "/rules-1.xml", &err) != 0) { /* before the policy denies files */
        fprintf(stderr, "fuzz_rules_native: %s\n", err.data);
        exit(2);
    }
    hh_buf_free(&err);
    hh_xml_policy_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    xmlDocPtr doc = hh_read_one_form((const char *)data, size, "fuzz-form.xml", NULL);
    if (!doc)
        return 0;
    rules_differ_or_abort(&differ, xmlDocGetRootElement(doc), "fuzz_rules_native");
    xmlFreeDoc(doc);
    return 0;
}
