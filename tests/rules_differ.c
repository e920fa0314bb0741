/* rules_differ.c — see rules_differ.h. */
#include "rules_differ.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Takes the two loaded rule sets (either may be NULL: failed to load). */
static int open_both(rules_differ *df, hh_ruleset *native, hh_ruleset *xpath, hh_buf *err)
{
    memset(df, 0, sizeof *df);
    df->native = native;
    df->xpath = xpath;
    if (!df->native || !df->xpath) {
        rules_differ_close(df);
        return -1;
    }
    hh_rules_use_native(df->xpath, false);
    df->native_xp = hh_rules_new_context(df->native);
    df->xpath_xp = hh_rules_new_context(df->xpath);
    if (!df->native_xp || !df->xpath_xp) {
        hh_buf_puts(err, "cannot make an XPath context");
        rules_differ_close(df);
        return -1;
    }
    return 0;
}

int rules_differ_open(rules_differ *df, const char *rules_path, hh_buf *err)
{
    hh_ruleset *native = hh_rules_load(rules_path, err);
    return open_both(df, native, native ? hh_rules_load(rules_path, err) : NULL, err);
}

int rules_differ_open_memory(rules_differ *df, const char *data, size_t len, hh_buf *err)
{
    hh_ruleset *native = hh_rules_load_memory(data, len, "rules.xml", err);
    return open_both(df, native, native ? hh_rules_load_memory(data, len, "rules.xml", err) : NULL, err);
}

void rules_differ_close(rules_differ *df)
{
    if (df->native_xp)
        xmlXPathFreeContext(df->native_xp);
    if (df->xpath_xp)
        xmlXPathFreeContext(df->xpath_xp);
    hh_rules_free(df->native);
    hh_rules_free(df->xpath);
    memset(df, 0, sizeof *df);
}

/* The diagnostics of the form at `root` under `rs`, as printed in English and Chinese. */
static char *printed(const hh_ruleset *rs, xmlXPathContextPtr xp, xmlNodePtr root, size_t *n)
{
    hh_diags d;
    hh_diags_init(&d);
    hh_rules_check(rs, xp, root, "form.xml", 1, &d);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    for (size_t i = 0; out && i < d.n; i++) {
        hh_diag_print(out, &d.items[i], HH_LANG_EN);
        hh_diag_print(out, &d.items[i], HH_LANG_ZH);
    }
    if (out)
        fclose(out);
    *n = d.n;
    hh_diags_free(&d);
    return text ? text : strdup("");
}

int rules_differ_check(rules_differ *df, xmlNodePtr root, size_t *n, hh_buf *why)
{
    size_t n_xpath;
    char *native = printed(df->native, df->native_xp, root, n);
    char *xpath = printed(df->xpath, df->xpath_xp, root, &n_xpath);
    int same = strcmp(native, xpath) == 0;
    if (!same)
        hh_buf_printf(why, "natively:\n%s--- through XPath:\n%s", native, xpath);
    free(native);
    free(xpath);
    return same ? 0 : -1;
}

void rules_differ_or_abort(rules_differ *df, xmlNodePtr root, const char *who)
{
    hh_buf why;
    hh_buf_init(&why);
    size_t n;
    if (rules_differ_check(df, root, &n, &why) != 0) {
        fprintf(stderr, "%s: the native evaluation and XPath differ\n%s", who, why.data);
        abort();
    }
    hh_buf_free(&why);
}
