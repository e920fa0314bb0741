/* rules.c — the rules' share of `make bench` (bench/bench-import.sh): the forms of a
 * batch file are read into memory once, then every one is checked against the rules
 * file ROUNDS times natively (src/lib/rules_native.c) and ROUNDS times through
 * libxml2's XPath alone, and it prints microseconds per form for each and their
 * ratio. Parsing and the schema are left out: this is the rules' cost alone.
 *
 *   rules RULES-FILE BATCH-FILE [ROUNDS]
 *
 * Exit 1 when the two ways do not give the same number of diagnostics. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "input.h"
#include "rules.h"

typedef struct forms {
    xmlDocPtr *docs;
    size_t n, cap;
} forms;

static int keep(hh_form_input *form, void *arg)
{
    forms *f = arg;
    if (f->n == f->cap)
        f->docs = hh_xrealloc(f->docs, (f->cap = 2 * f->cap + 1024) * sizeof *f->docs);
    f->docs[f->n++] = form->doc;
    form->doc = NULL;
    return 0;
}

/* Seconds to check every form `rounds` times; the diagnostics found go to *found. */
static double time_rules(const hh_ruleset *rs, const forms *f, int rounds, size_t *found)
{
    xmlXPathContextPtr xp = hh_rules_new_context(rs);
    struct timespec a, b;
    *found = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < f->n; i++) {
            hh_diags d;
            hh_diags_init(&d);
            hh_rules_check(rs, xp, xmlDocGetRootElement(f->docs[i]), "form.xml", 1, &d);
            *found += d.n;
            hh_diags_free(&d);
        }
    clock_gettime(CLOCK_MONOTONIC, &b);
    xmlXPathFreeContext(xp);
    return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *in = fopen(path, "rb");
    if (!in)
        return NULL;
    hh_buf b;
    hh_buf_init(&b);
    char chunk[65536];
    for (size_t n; (n = fread(chunk, 1, sizeof chunk, in)) > 0;)
        hh_buf_append(&b, chunk, n);
    fclose(in);
    *len = b.len;
    return b.data;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rules RULES-FILE BATCH-FILE [ROUNDS]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    hh_buf err;
    hh_buf_init(&err);
    hh_ruleset *native = hh_rules_load(argv[1], &err), *xpath = native ? hh_rules_load(argv[1], &err) : NULL;
    if (!xpath) {
        fprintf(stderr, "rules: %s\n", err.data);
        return 2;
    }
    hh_rules_use_native(xpath, false);
    size_t len;
    char *data = read_all(argv[2], &len);
    if (!data) {
        perror(argv[2]);
        return 2;
    }
    forms f = { NULL, 0, 0 };
    hh_diags d;
    hh_diags_init(&d);
    hh_read_forms_memory(data, len, argv[2], &d, keep, &f);
    size_t n_native, n_xpath;
    double t_native = time_rules(native, &f, rounds, &n_native);
    double t_xpath = time_rules(xpath, &f, rounds, &n_xpath);
    double per = f.n ? 1e6 / ((double)f.n * rounds) : 0;
    printf("rules on %zu forms, %d rounds (%zu rules, %zu native): native %.1f us/form, XPath %.1f us/form, "
           "XPath / native %.2fx\n",
           f.n, rounds, hh_rules_count(native), hh_rules_native_count(native), t_native * per, t_xpath * per,
           t_xpath / (t_native > 0 ? t_native : 1e-9));
    for (size_t i = 0; i < f.n; i++)
        xmlFreeDoc(f.docs[i]);
    free(f.docs);
    free(data);
    hh_diags_free(&d);
    hh_buf_free(&err);
    hh_rules_free(native);
    hh_rules_free(xpath);
    return n_native == n_xpath ? 0 : 1;
}
