/* fuzz_rules.c — libFuzzer harness for the rules-file parser: untrusted bytes are
 * compiled as a rules file (rules-1.xml's format) and, when they compile, checked
 * against a valid sample form, so the compiled XPath and message templates run
 * too — natively and through XPath alone (tests/rules_differ.c): any difference in
 * their diagnostics aborts. Built by --enable-fuzzing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <libxml/parser.h>

#include "rules_differ.h"
#include "xml_policy.h"

static xmlDocPtr form;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    form = xmlReadFile(FUZZ_SAMPLE_FORM, NULL, XML_PARSE_NONET); /* before the policy denies files */
    hh_xml_policy_init();
    if (!form) {
        fprintf(stderr, "fuzz_rules: cannot read %s\n", FUZZ_SAMPLE_FORM);
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hh_buf err;
    hh_buf_init(&err);
    rules_differ df;
    if (rules_differ_open_memory(&df, (const char *)data, size, &err) == 0) {
        rules_differ_or_abort(&df, xmlDocGetRootElement(form), "fuzz_rules");
        rules_differ_close(&df);
    }
    hh_buf_free(&err);
    return 0;
}
