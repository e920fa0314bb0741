/* rules.h — the consistency rules (schemas/rules-1.xml): loading and compiling the
 * rules file, and checking a structurally valid form against every rule.
 * A compiled rule set is read-only after loading; each checking thread uses its
 * own XPath context from hh_rules_new_context(). */
#ifndef HH_RULES_H
#define HH_RULES_H

#include <stdbool.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include "code_labels.h"
#include "diag.h"

typedef struct hh_ruleset hh_ruleset;

/* Loads and compiles `path`, with the per-form budget of XPath steps from
 * $HHREG_RULE_BUDGET (a bad value is an error too). On failure returns NULL and puts
 * a message naming the file, line and rule in `err`. */
hh_ruleset *hh_rules_load(const char *path, hh_buf *err);
/* The same for a rules file already in memory, named `name` in messages. */
hh_ruleset *hh_rules_load_memory(const char *data, size_t len, const char *name, hh_buf *err);
void hh_rules_free(hh_ruleset *rs);
size_t hh_rules_count(const hh_ruleset *rs);
const char *hh_rules_id(const hh_ruleset *rs, size_t i);
hh_severity hh_rules_severity(const hh_ruleset *rs, size_t i);
/* How many rules are evaluated natively (rules_native.c) rather than through XPath. */
size_t hh_rules_native_count(const hh_ruleset *rs);
/* Whether every <let> and every rule is evaluated natively. */
bool hh_rules_all_native(const hh_ruleset *rs);
/* With native false every rule is evaluated through XPath, the reference the native
 * evaluation is tested against (tests/test_rules.c, fuzz/fuzz_rules_native.c). */
void hh_rules_use_native(hh_ruleset *rs, bool native);
/* Messages show a code of an item with a code list ({f:sex}, {@type}) by its label
 * in the message's language, from `labels` (kept by the caller, read-only); without
 * them, by the code itself. */
void hh_rules_use_labels(hh_ruleset *rs, const hh_code_labels *labels);

/* An XPath context with the rules' namespace prefixes and hhreg's functions;
 * free with xmlXPathFreeContext. NULL on failure. */
xmlXPathContextPtr hh_rules_new_context(const hh_ruleset *rs);
/* Checks the form whose household element is `root`; adds one diagnostic per
 * problem to `d` (file `file`, line of the node or `fallback_line`). A form that
 * spends its budget of XPath steps gets the error RULES-BUDGET and no further checks. */
void hh_rules_check(const hh_ruleset *rs, xmlXPathContextPtr xp, xmlNodePtr root,
                    const char *file, long fallback_line, hh_diags *d);

#endif
