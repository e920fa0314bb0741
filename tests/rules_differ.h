/* rules_differ.h — the native evaluation of the rules (src/lib/rules_native.c)
 * against XPath, its reference: the same rules file is loaded twice, once evaluated
 * natively and once only through XPath, both check one form, and their diagnostics
 * are compared as hhreg prints them, in both languages. Used by tests/test_rules.c
 * and fuzz/fuzz_rules_native.c. */
#ifndef HH_RULES_DIFFER_H
#define HH_RULES_DIFFER_H

#include <libxml/tree.h>
#include <libxml/xpath.h>
#include "rules.h"

typedef struct rules_differ {
    hh_ruleset *native, *xpath;
    xmlXPathContextPtr native_xp, xpath_xp;
} rules_differ;

/* Loads `rules_path` both ways; -1 with the reason in `err`. */
int rules_differ_open(rules_differ *df, const char *rules_path, hh_buf *err);
/* The same for a rules file in memory. */
int rules_differ_open_memory(rules_differ *df, const char *data, size_t len, hh_buf *err);
void rules_differ_close(rules_differ *df);
/* Checks the form at `root` both ways: 0 when the diagnostics are the same (their
 * number in *n), else -1 with both texts in `why`. */
int rules_differ_check(rules_differ *df, xmlNodePtr root, size_t *n, hh_buf *why);
/* The same for a fuzz harness: a difference is printed under `who`'s name and aborts. */
void rules_differ_or_abort(rules_differ *df, xmlNodePtr root, const char *who);

#endif
