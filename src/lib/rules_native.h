/* rules_native.h — evaluating the common shapes of rule expressions without
 * libxml2's XPath engine (see rules_native.c). rules.c compiles each rule's context
 * and assert here too; a shape outside the subset stays with XPath, which is the
 * reference, and so does any form on which a native evaluation meets something it
 * does not handle the same way (it says so and XPath evaluates that rule). */
#ifndef HH_RULES_NATIVE_H
#define HH_RULES_NATIVE_H

#include <stdbool.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

typedef struct hh_native_expr hh_native_expr;

/* An expression's shape (its tree as text) and how many places of the rule set
 * have it: a value computed in several is computed once a node and form. */
typedef struct hh_native_shape {
    char *text;
    size_t uses;
} hh_native_shape;

/* What a rule set's expressions share: the element names its child steps test,
 * numbered as they are compiled, so that an evaluation finds each node's children
 * of one name once per form, and the shapes of its expressions. */
typedef struct hh_native_shared {
    char **uri, **local;
    size_t n;
    hh_native_shape **shapes;
    size_t n_shapes;
} hh_native_shared;

void hh_native_shared_free(hh_native_shared *s);

/* What compiling needs: the namespace prefixes of the rules file, the names of
 * the <let>s defined so far ($NAME is the let's index) and what the rule set shares. */
typedef struct hh_native_names {
    char **ns_prefix, **ns_uri;
    size_t n_ns;
    const char *const *lets;
    size_t n_lets;
    hh_native_shared *shared;
} hh_native_names;

/* The compiled expression, or NULL when it lies outside the subset. */
hh_native_expr *hh_native_compile(const char *xpath, const hh_native_names *names);
void hh_native_free(hh_native_expr *e);

/* One form's evaluation: the XPath context (its step count and limit are shared,
 * its userData is the form's hh_xpath_env) and the <let> values bound for it. */
typedef struct hh_native_form {
    xmlXPathContextPtr xp;
    xmlXPathObjectPtr *lets;    /* by index (NULL: not evaluated, or it could not be); NULL: XPath only */
    size_t n_lets;
    struct hh_native_memo *memo; /* NULL at first: the children found so far */
} hh_native_form;

/* Forgets the children found (before the form's tree changes or is freed). */
void hh_native_form_end(hh_native_form *form);

typedef enum hh_native_outcome {
    HH_NATIVE_DONE,             /* the problem nodes are in *problems */
    HH_NATIVE_SPENT,            /* the budget ran out; *problems holds those found before */
    HH_NATIVE_DECLINED,         /* XPath must evaluate this rule on this form */
} hh_native_outcome;

/* The value of `e` (a <let>) at `root` as an XPath object the caller frees; NULL
 * when it is declined or the budget is spent. */
xmlXPathObjectPtr hh_native_value(const hh_native_expr *e, hh_native_form *form, xmlNodePtr root);

/* The nodes `context` selects at `root` for which `test` (NULL: none) is not true, in
 * document order; *problems is allocated (free it) unless DECLINED. */
hh_native_outcome hh_native_problems(const hh_native_expr *context, const hh_native_expr *test,
                                     hh_native_form *form, xmlNodePtr root, xmlNodePtr **problems,
                                     size_t *n);

#endif
