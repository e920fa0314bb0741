/* rules_native.c — the shapes of XPath the rules file uses, evaluated directly on
 * the form's tree (see rules_native.h).
 *
 * libxml2's XPath engine spent about a fifth of an import's CPU on the rules: each
 * of ~100 evaluations per form allocates objects, pushes them on a value stack and
 * collects node sets, about 1 µs apiece for a comparison of one item. The subset
 * compiled here is what rules are written in: relative location paths over the
 * child, attribute, self, parent and preceding-sibling axes with name tests and
 * predicates, $lets, string and number literals, or/and, = != < <= > >=, and the
 * functions count, not, string-length, translate and substring (with literal
 * arguments), contains, starts-with, normalize-space, number and hhreg's hh:*.
 * Anything else — arithmetic, unions, '//', other functions — is not compiled, and
 * XPath evaluates that expression as before.
 *
 * The values follow XPath 1.0 as libxml2 implements it (a node set compared with a
 * string or number holds when any of its nodes does; numbers from strings and number
 * literals through libxml2's own conversion, which is not strtod's; NaN compares false
 * except with !=). An expression nested deeper than MAX_DEPTH is not compiled. Where a
 * form makes an evaluation leave the ground covered here — a let that failed, a let
 * holding namespace nodes, a count() of no node set, a node set compared with != to
 * another — it is declined, and XPath evaluates
 * that rule for that form, errors and all. tests/test_rules.c and fuzz/fuzz_rules_native.c
 * check that both ways give byte-identical diagnostics. Each node visited, predicate
 * tested, function called and pair of nodes compared costs one step of the form's
 * rule budget.
 *
 * What several rules compute alike is computed once a node and form (issue 21: a
 * person's age is read by nine rules): an expression whose shape — its tree, names
 * by their namespace — occurs in more than one place keeps its value at each node,
 * when it is a number or a truth value; finding it again costs one step. With the
 * memo of each node's children by name (kept, like these values, in one table a
 * thread reuses form after form), callgrind counts 409 million instructions for the
 * rules of 2,000 forms, against 474 million before. */
#include "rules_native.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlstring.h>
#include <libxml/xpathInternals.h>

#include "gb11643.h"
#include "util.h"
#include "xpath_functions.h"

typedef enum ekind { E_OR, E_AND, E_EQ, E_NE, E_LT, E_LE, E_GT, E_GE, E_LITERAL, E_NUMBER, E_VAR, E_PATH, E_CALL } ekind;
typedef enum axis { AX_CHILD, AX_ATTRIBUTE, AX_SELF, AX_PARENT, AX_PRECEDING_SIBLING } axis;
typedef enum fn {
    F_COUNT, F_NOT, F_STRING_LENGTH, F_TRANSLATE, F_SUBSTRING, F_CONTAINS, F_STARTS_WITH, F_NORMALIZE_SPACE,
    F_NUMBER, F_ID_VALID, F_ID_BIRTH, F_ID_SEX, F_DAYS, F_YEARS, F_AGE, F_TODAY
} fn;

typedef struct step {
    axis ax;
    size_t name_id;             /* AX_CHILD: the name's number in hh_native_shared */
    char *uri;                  /* the name test's namespace; NULL: none */
    char *local;                /* the name test's local name; NULL: any node (. and ..) */
    hh_native_expr **preds;
    size_t n_preds;
} step;

struct hh_native_expr {
    ekind k;
    hh_native_expr *a, *b;      /* operands; E_PATH: a is the $let it starts from, or NULL */
    char *text;                 /* E_LITERAL */
    double num;                 /* E_NUMBER */
    size_t var;                 /* E_VAR: the let's index */
    step *steps;                /* E_PATH */
    size_t n_steps;
    fn f;                       /* E_CALL */
    hh_native_expr *args[3];
    size_t n_args;
    int depth;                  /* of the tree below, itself included */
    const hh_native_shape *shape; /* its value at a node is kept for the form when the shape has other uses */
};

static const struct function {
    const char *name;
    bool hh;                    /* in hhreg's namespace */
    fn f;
    size_t min, max;
} functions[] = {
    { "count", false, F_COUNT, 1, 1 },
    { "not", false, F_NOT, 1, 1 },
    { "string-length", false, F_STRING_LENGTH, 0, 1 },
    { "translate", false, F_TRANSLATE, 3, 3 },
    { "substring", false, F_SUBSTRING, 2, 3 },
    { "contains", false, F_CONTAINS, 2, 2 },
    { "starts-with", false, F_STARTS_WITH, 2, 2 },
    { "normalize-space", false, F_NORMALIZE_SPACE, 0, 1 },
    { "number", false, F_NUMBER, 0, 1 },
    { "id-valid", true, F_ID_VALID, 1, 1 },
    { "id-birth", true, F_ID_BIRTH, 1, 1 },
    { "id-sex", true, F_ID_SEX, 1, 1 },
    { "days", true, F_DAYS, 1, 1 },
    { "years", true, F_YEARS, 2, 2 },
    { "age", true, F_AGE, 1, 1 },
    { "today", true, F_TODAY, 0, 0 },
};

void hh_native_free(hh_native_expr *e)
{
    if (!e)
        return;
    hh_native_free(e->a);
    hh_native_free(e->b);
    free(e->text);
    for (size_t i = 0; i < e->n_steps; i++) {
        free(e->steps[i].uri);
        free(e->steps[i].local);
        for (size_t k = 0; k < e->steps[i].n_preds; k++)
            hh_native_free(e->steps[i].preds[k]);
        free(e->steps[i].preds);
    }
    free(e->steps);
    for (size_t i = 0; i < e->n_args; i++)
        hh_native_free(e->args[i]);
    free(e);
}

void hh_native_shared_free(hh_native_shared *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->uri[i]);
        free(s->local[i]);
    }
    free(s->uri);
    free(s->local);
    for (size_t i = 0; i < s->n_shapes; i++) {
        free(s->shapes[i]->text);
        free(s->shapes[i]);
    }
    free(s->shapes);
    memset(s, 0, sizeof *s);
}

/* ---- compiling ---------------------------------------------------------------- */

/* How deep an expression may nest, in the parser's calls and in the tree it builds:
 * the evaluation recurses as deep. libxml2 stops at 5,000; the rules nest about 6. */
#define MAX_DEPTH 200

typedef struct parser {
    const char *p;
    const hh_native_names *names;
    bool outside;               /* the expression leaves the subset */
    int nesting;                /* parse_or calls open */
} parser;

static hh_native_expr *new_expr(ekind k)
{
    hh_native_expr *e = hh_xcalloc(1, sizeof *e);
    e->k = k;
    e->depth = 1;
    return e;
}

/* Makes `e` at least one deeper than `below`; an expression nested deeper than
 * MAX_DEPTH leaves the subset. */
static void deeper_than(parser *ps, hh_native_expr *e, const hh_native_expr *below)
{
    if (below && below->depth + 1 > e->depth)
        e->depth = below->depth + 1;
    if (e->depth > MAX_DEPTH)
        ps->outside = true;
}

static void skip_space(parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r')
        ps->p++;
}

static bool name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* Takes `tok` when it comes next (after white space). */
static bool accept(parser *ps, const char *tok)
{
    skip_space(ps);
    size_t n = strlen(tok);
    if (strncmp(ps->p, tok, n) != 0)
        return false;
    ps->p += n;
    return true;
}

/* Takes the operator name `word` when it comes next as a whole word. */
static bool accept_word(parser *ps, const char *word)
{
    skip_space(ps);
    size_t n = strlen(word);
    if (strncmp(ps->p, word, n) != 0 || name_char(ps->p[n]))
        return false;
    ps->p += n;
    return true;
}

static void outside(parser *ps)
{
    ps->outside = true;
}

/* A QName at ps->p: its prefix (NULL when none) and local part, both allocated. */
static bool read_qname(parser *ps, char **prefix, char **local)
{
    skip_space(ps);
    *prefix = *local = NULL;
    if (!name_start(*ps->p))
        return false;
    const char *s = ps->p;
    while (name_char(*ps->p))
        ps->p++;
    if (ps->p[0] == ':' && name_start(ps->p[1])) {
        *prefix = hh_xstrndup(s, (size_t)(ps->p - s));
        s = ++ps->p;
        while (name_char(*ps->p))
            ps->p++;
    }
    *local = hh_xstrndup(s, (size_t)(ps->p - s));
    return true;
}

static const char *namespace_of(parser *ps, const char *prefix)
{
    for (size_t i = 0; i < ps->names->n_ns; i++)
        if (strcmp(ps->names->ns_prefix[i], prefix) == 0)
            return ps->names->ns_uri[i];
    outside(ps);
    return NULL;
}

static hh_native_expr *parse_or(parser *ps);

static void parse_predicates(parser *ps, step *st)
{
    while (!ps->outside && accept(ps, "[")) {
        st->preds = hh_xrealloc(st->preds, (st->n_preds + 1) * sizeof *st->preds);
        st->preds[st->n_preds++] = parse_or(ps);
        if (!accept(ps, "]"))
            outside(ps);
    }
}

/* The number of a child step's name, registered when it is new. */
static size_t name_id(hh_native_shared *s, const char *uri, const char *local)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->local[i], local) == 0 && (uri ? s->uri[i] && strcmp(s->uri[i], uri) == 0 : !s->uri[i]))
            return i;
    s->uri = hh_xrealloc(s->uri, (s->n + 1) * sizeof *s->uri);
    s->local = hh_xrealloc(s->local, (s->n + 1) * sizeof *s->local);
    s->uri[s->n] = uri ? hh_xstrdup(uri) : NULL;
    s->local[s->n] = hh_xstrdup(local);
    return s->n++;
}

/* One step of a relative location path. */
static void parse_step(parser *ps, step *st)
{
    memset(st, 0, sizeof *st);
    bool parent = accept(ps, "..");
    if (parent || accept(ps, ".")) {
        st->ax = parent ? AX_PARENT : AX_SELF;
        skip_space(ps);
        if (*ps->p == '[')
            outside(ps); /* XPath 1.0 allows no predicate on . or .. */
        return;
    }
    char *prefix, *local;
    if (accept(ps, "@")) {
        st->ax = AX_ATTRIBUTE;
        if (!read_qname(ps, &prefix, &local) || prefix)
            outside(ps); /* a namespaced or wildcard attribute */
    } else {
        st->ax = AX_CHILD;
        if (!read_qname(ps, &prefix, &local)) {
            outside(ps);
            return;
        }
        if (accept(ps, "::")) {
            static const struct { const char *name; axis ax; } axes[] = {
                { "child", AX_CHILD }, { "self", AX_SELF }, { "parent", AX_PARENT },
                { "preceding-sibling", AX_PRECEDING_SIBLING },
            };
            size_t i = 0;
            while (i < sizeof axes / sizeof axes[0] && (prefix || strcmp(axes[i].name, local) != 0))
                i++;
            free(prefix);
            free(local);
            if (i == sizeof axes / sizeof axes[0]) {
                outside(ps);
                return;
            }
            st->ax = axes[i].ax;
            if (!read_qname(ps, &prefix, &local))
                outside(ps);
        }
        skip_space(ps);
        if (*ps->p == '(')
            outside(ps); /* node(), text() and the like */
    }
    if (prefix && !ps->outside) {
        const char *uri = namespace_of(ps, prefix);
        st->uri = uri ? hh_xstrdup(uri) : NULL;
    }
    free(prefix);
    st->local = local;
    if (!st->local)
        outside(ps);
    else if (st->ax == AX_CHILD)
        st->name_id = name_id(ps->names->shared, st->uri, st->local);
    parse_predicates(ps, st);
}

/* A relative location path from `base` (a $let) or from the context node. */
static hh_native_expr *parse_path(parser *ps, hh_native_expr *base)
{
    hh_native_expr *e = new_expr(E_PATH);
    e->a = base;
    do {
        skip_space(ps);
        if (*ps->p == '/') { /* "//" */
            outside(ps);
            break;
        }
        e->steps = hh_xrealloc(e->steps, (e->n_steps + 1) * sizeof *e->steps);
        step *st = &e->steps[e->n_steps++];
        parse_step(ps, st);
        for (size_t k = 0; k < st->n_preds; k++)
            deeper_than(ps, e, st->preds[k]);
    } while (!ps->outside && accept(ps, "/"));
    deeper_than(ps, e, base);
    return e;
}

static bool is_literal(const hh_native_expr *e)
{
    return e && e->k == E_LITERAL;
}

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

static bool is_whole_number(const hh_native_expr *e)
{
    return e && e->k == E_NUMBER && e->num > -1e9 && e->num < 1e9 && e->num == (double)(long)e->num;
}

/* The arguments the native functions take as they are, or the call stays XPath's:
 * translate() with ASCII literals, substring() with whole-number literals. */
static bool arguments_covered(const hh_native_expr *e)
{
    if (e->f == F_TRANSLATE)
        return is_literal(e->args[1]) && is_literal(e->args[2]) && is_ascii(e->args[1]->text) &&
               is_ascii(e->args[2]->text);
    if (e->f == F_SUBSTRING)
        return is_whole_number(e->args[1]) && (e->n_args < 3 || is_whole_number(e->args[2]));
    return true;
}

static hh_native_expr *parse_call(parser *ps, char *prefix, char *local)
{
    bool hh = prefix != NULL;
    if (prefix) {
        const char *uri = namespace_of(ps, prefix);
        if (!uri || strcmp(uri, HH_XPATH_NS) != 0)
            outside(ps);
    }
    size_t i = 0;
    while (i < sizeof functions / sizeof functions[0] &&
           (functions[i].hh != hh || strcmp(functions[i].name, local) != 0))
        i++;
    free(prefix);
    free(local);
    hh_native_expr *e = new_expr(E_CALL);
    if (i == sizeof functions / sizeof functions[0]) {
        outside(ps);
        return e;
    }
    e->f = functions[i].f;
    if (!accept(ps, ")")) {
        do {
            if (e->n_args == 3) {
                outside(ps);
                return e;
            }
            e->args[e->n_args] = parse_or(ps);
            deeper_than(ps, e, e->args[e->n_args++]);
        } while (!ps->outside && accept(ps, ","));
        if (!accept(ps, ")"))
            outside(ps);
    }
    if (e->n_args < functions[i].min || e->n_args > functions[i].max || (!ps->outside && !arguments_covered(e)))
        outside(ps);
    return e;
}

static hh_native_expr *parse_number(parser *ps)
{
    const char *s = ps->p;
    while (*ps->p >= '0' && *ps->p <= '9')
        ps->p++;
    if (*ps->p == '.')
        for (ps->p++; *ps->p >= '0' && *ps->p <= '9';)
            ps->p++;
    char *text = hh_xstrndup(s, (size_t)(ps->p - s));
    hh_native_expr *e = new_expr(E_NUMBER);
    e->num = xmlXPathCastStringToNumber(BAD_CAST text); /* libxml2 reads literals so, not as strtod does */
    free(text);
    return e;
}

static hh_native_expr *parse_primary(parser *ps)
{
    skip_space(ps);
    char c = *ps->p;
    if (c == '(') {
        ps->p++;
        hh_native_expr *e = parse_or(ps);
        if (!accept(ps, ")"))
            outside(ps);
        skip_space(ps);
        if (*ps->p == '[' || *ps->p == '/')
            outside(ps); /* a filter expression */
        return e;
    }
    if (c == '\'' || c == '"') {
        const char *end = strchr(ps->p + 1, c);
        hh_native_expr *e = new_expr(E_LITERAL);
        if (!end) {
            outside(ps);
            e->text = hh_xstrdup("");
            return e;
        }
        e->text = hh_xstrndup(ps->p + 1, (size_t)(end - ps->p - 1));
        ps->p = end + 1;
        return e;
    }
    if ((c >= '0' && c <= '9') || (c == '.' && ps->p[1] >= '0' && ps->p[1] <= '9'))
        return parse_number(ps);
    if (c == '$') {
        ps->p++;
        char *prefix, *local;
        hh_native_expr *e = new_expr(E_VAR);
        if (!read_qname(ps, &prefix, &local) || prefix) {
            outside(ps);
        } else {
            size_t i = 0;
            while (i < ps->names->n_lets && strcmp(ps->names->lets[i], local) != 0)
                i++;
            if (i == ps->names->n_lets)
                outside(ps);
            e->var = i;
        }
        free(prefix);
        free(local);
        if (!ps->outside && accept(ps, "/"))
            return parse_path(ps, e);
        return e;
    }
    if (name_start(c)) { /* a function call, or a path's first step */
        const char *start = ps->p;
        char *prefix, *local;
        read_qname(ps, &prefix, &local);
        skip_space(ps);
        bool call = *ps->p == '(' && strcmp(local, "node") != 0 && strcmp(local, "text") != 0 &&
                    strcmp(local, "comment") != 0 && strcmp(local, "processing-instruction") != 0;
        if (call) {
            ps->p++;
            return parse_call(ps, prefix, local);
        }
        free(prefix);
        free(local);
        ps->p = start;
    } else if (c != '.' && c != '@') {
        outside(ps); /* '/', '*', '-' and the rest */
        return new_expr(E_LITERAL);
    }
    return parse_path(ps, NULL);
}

static hh_native_expr *binary(parser *ps, ekind k, hh_native_expr *a, hh_native_expr *b)
{
    hh_native_expr *e = new_expr(k);
    e->a = a;
    e->b = b;
    deeper_than(ps, e, a);
    deeper_than(ps, e, b);
    return e;
}

static hh_native_expr *parse_relational(parser *ps)
{
    hh_native_expr *e = parse_primary(ps);
    while (!ps->outside) {
        ekind k;
        if (accept(ps, "<="))
            k = E_LE;
        else if (accept(ps, "<"))
            k = E_LT;
        else if (accept(ps, ">="))
            k = E_GE;
        else if (accept(ps, ">"))
            k = E_GT;
        else
            break;
        e = binary(ps, k, e, parse_primary(ps));
    }
    return e;
}

static hh_native_expr *parse_equality(parser *ps)
{
    hh_native_expr *e = parse_relational(ps);
    while (!ps->outside) {
        ekind k;
        if (accept(ps, "!="))
            k = E_NE;
        else if (accept(ps, "="))
            k = E_EQ;
        else
            break;
        e = binary(ps, k, e, parse_relational(ps));
    }
    return e;
}

static hh_native_expr *parse_and(parser *ps)
{
    hh_native_expr *e = parse_equality(ps);
    while (!ps->outside && accept_word(ps, "and"))
        e = binary(ps, E_AND, e, parse_equality(ps));
    return e;
}

static hh_native_expr *parse_or(parser *ps)
{
    if (++ps->nesting > MAX_DEPTH) {
        outside(ps);
        ps->nesting--;
        return new_expr(E_LITERAL);
    }
    hh_native_expr *e = parse_and(ps);
    while (!ps->outside && accept_word(ps, "or"))
        e = binary(ps, E_OR, e, parse_and(ps));
    ps->nesting--;
    return e;
}

/* ---- values shared by the rules ------------------------------------------------ */

/* The text of `x`'s tree, the same for two expressions exactly when they mean the
 * same (names by their namespace, $lets by their index). */
static void describe(const hh_native_expr *x, hh_buf *b)
{
    hh_buf_printf(b, "(%d", (int)x->k);
    switch (x->k) {
    case E_LITERAL:
        hh_buf_printf(b, " '%zu:%s'", strlen(x->text), x->text);
        break;
    case E_NUMBER:
        hh_buf_printf(b, " %a", x->num);
        break;
    case E_VAR:
        hh_buf_printf(b, " $%zu", x->var);
        break;
    case E_PATH:
        if (x->a)
            describe(x->a, b);
        for (size_t i = 0; i < x->n_steps; i++) {
            const step *st = &x->steps[i];
            hh_buf_printf(b, " /%d {%zu:%s}%s", (int)st->ax, st->uri ? strlen(st->uri) : 0, st->uri ? st->uri : "",
                          st->local ? st->local : "*");
            for (size_t k = 0; k < st->n_preds; k++) {
                hh_buf_puts(b, "[");
                describe(st->preds[k], b);
                hh_buf_puts(b, "]");
            }
        }
        break;
    case E_CALL:
        hh_buf_printf(b, " f%d", (int)x->f);
        for (size_t i = 0; i < x->n_args; i++)
            describe(x->args[i], b);
        break;
    default:
        describe(x->a, b);
        describe(x->b, b);
        break;
    }
    hh_buf_puts(b, ")");
}

/* Whether `x`'s value at a node is worth keeping for the form: a value the rules
 * compute again and again — a person's age in nine rules, whether a person is the
 * head in seven, whether an ID number is valid in two — that is a number or a truth
 * value (a node set or a string is not kept). A predicate is kept only when it is
 * a truth value: a number there is a position. */
static bool worth_keeping(const hh_native_expr *x, bool predicate)
{
    switch (x->k) {
    case E_OR:
    case E_AND:
    case E_EQ:
    case E_NE:
    case E_LT:
    case E_LE:
    case E_GT:
    case E_GE:
        return predicate;
    case E_CALL:
        switch (x->f) {
        case F_NOT:
        case F_CONTAINS:
        case F_STARTS_WITH:
            return predicate;
        case F_ID_VALID:
        case F_DAYS:
        case F_YEARS:
        case F_AGE:
            return true;
        default:
            return false;
        }
    default:
        return false;
    }
}

/* The shape of that text in `s`, registered when it is new, with one more use. */
static const hh_native_shape *shape_of(hh_native_shared *s, const char *text)
{
    size_t i = 0;
    while (i < s->n_shapes && strcmp(s->shapes[i]->text, text) != 0)
        i++;
    if (i == s->n_shapes) {
        s->shapes = hh_xrealloc(s->shapes, (s->n_shapes + 1) * sizeof *s->shapes);
        s->shapes[s->n_shapes] = hh_xcalloc(1, sizeof **s->shapes);
        s->shapes[s->n_shapes++]->text = hh_xstrdup(text);
    }
    s->shapes[i]->uses++;
    return s->shapes[i];
}

/* Numbers the values of `x`'s tree worth keeping, by their shapes in `s`. */
static void share(hh_native_expr *x, hh_native_shared *s, bool predicate)
{
    if (!x)
        return;
    if (worth_keeping(x, predicate)) {
        hh_buf text;
        hh_buf_init(&text);
        describe(x, &text);
        x->shape = shape_of(s, text.data);
        hh_buf_free(&text);
    }
    share(x->a, s, false);
    share(x->b, s, false);
    for (size_t i = 0; i < x->n_args; i++)
        share(x->args[i], s, false);
    for (size_t i = 0; i < x->n_steps; i++)
        for (size_t k = 0; k < x->steps[i].n_preds; k++)
            share(x->steps[i].preds[k], s, true);
}

hh_native_expr *hh_native_compile(const char *xpath, const hh_native_names *names)
{
    parser ps = { xpath, names, false, 0 };
    hh_native_expr *e = parse_or(&ps);
    skip_space(&ps);
    if (ps.outside || *ps.p) {
        hh_native_free(e);
        return NULL;
    }
    share(e, names->shared, false);
    return e;
}

/* ---- values ------------------------------------------------------------------- */

typedef enum vtype { V_NODES, V_STRING, V_NUMBER, V_BOOLEAN } vtype;

/* A value. A node set is kept in `inl` while it is small, else in `tab` (owned
 * unless it is a let's); a string is borrowed from the form or the expression, or
 * `owned` (xmlFree). */
typedef struct value {
    vtype t;
    bool borrowed;
    int n, cap;
    union {
        bool b;
        double num;
        const char *s;
    };
    xmlChar *owned;
    xmlNodePtr *tab;
    xmlNodePtr inl[3];
} value;

static value nodes_value(void)
{
    value v; /* the fields an empty node set reads, not its room (measured: 2 % of the rules' time) */
    v.t = V_NODES;
    v.borrowed = false;
    v.n = v.cap = 0;
    v.num = 0;
    v.owned = NULL;
    v.tab = NULL;
    return v;
}

static value number_value(double d)
{
    value v = nodes_value();
    v.t = V_NUMBER;
    v.num = d;
    return v;
}

static value boolean_value(bool b)
{
    value v = nodes_value();
    v.t = V_BOOLEAN;
    v.b = b;
    return v;
}

static value string_value(const char *s, xmlChar *owned)
{
    value v = nodes_value();
    v.t = V_STRING;
    v.s = s;
    v.owned = owned;
    return v;
}

static xmlNodePtr *nodes_of(value *v)
{
    return v->tab ? v->tab : v->inl;
}

static void add_node(value *v, xmlNodePtr n)
{
    if (v->borrowed) { /* a let's: copied before it grows */
        xmlNodePtr *own = hh_xmalloc(((size_t)v->n + 1) * sizeof *own);
        memcpy(own, v->tab, (size_t)v->n * sizeof *own);
        v->tab = own;
        v->cap = v->n + 1;
        v->borrowed = false;
    }
    if (!v->tab && v->n == (int)(sizeof v->inl / sizeof v->inl[0])) {
        v->cap = 2 * v->n;
        v->tab = hh_xmalloc((size_t)v->cap * sizeof *v->tab);
        memcpy(v->tab, v->inl, sizeof v->inl);
    } else if (v->tab && v->n == v->cap) {
        v->cap *= 2;
        v->tab = hh_xrealloc(v->tab, (size_t)v->cap * sizeof *v->tab);
    }
    nodes_of(v)[v->n++] = n;
}

static void value_free(value *v)
{
    if (v->tab && !v->borrowed) /* most values own nothing: no call then */
        free(v->tab);
    if (v->owned)
        xmlFree(v->owned);
    v->tab = NULL;
    v->owned = NULL;
    v->n = 0;
}

/* The string value of a node; *owned is set (xmlFree it) when it had to be built. */
static const char *node_string(xmlNodePtr n, xmlChar **owned)
{
    *owned = NULL;
    if (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE) {
        xmlNodePtr t = n->children;
        if (!t)
            return "";
        if (t->type == XML_TEXT_NODE && !t->next && t->content)
            return (const char *)t->content;
    }
    *owned = xmlXPathCastNodeToString(n);
    return *owned ? (const char *)*owned : "";
}

static double string_number(const char *s)
{
    return xmlXPathCastStringToNumber(BAD_CAST s);
}

static double node_number(xmlNodePtr n)
{
    xmlChar *owned;
    double d = string_number(node_string(n, &owned));
    xmlFree(owned);
    return d;
}

/* string(v): borrowed from v or the form, or *owned (xmlFree it). */
static const char *to_string(value *v, xmlChar **owned)
{
    *owned = NULL;
    switch (v->t) {
    case V_NODES:
        return v->n ? node_string(nodes_of(v)[0], owned) : "";
    case V_STRING:
        return v->s;
    case V_NUMBER:
        *owned = xmlXPathCastNumberToString(v->num);
        return *owned ? (const char *)*owned : "";
    case V_BOOLEAN:
        break;
    }
    return v->b ? "true" : "false";
}

static double to_number(value *v)
{
    switch (v->t) {
    case V_NODES:
        return v->n ? node_number(nodes_of(v)[0]) : NAN;
    case V_STRING:
        return string_number(v->s);
    case V_NUMBER:
        return v->num;
    case V_BOOLEAN:
        break;
    }
    return v->b ? 1.0 : 0.0;
}

static bool to_boolean(const value *v)
{
    switch (v->t) {
    case V_NODES:
        return v->n > 0;
    case V_STRING:
        return v->s[0] != '\0';
    case V_NUMBER:
        return v->num != 0.0 && !isnan(v->num);
    case V_BOOLEAN:
        break;
    }
    return v->b;
}

/* ---- evaluating --------------------------------------------------------------- */

/* What the memo keeps of a node for the form: its children of one name, found once
 * (most rules start from the household's persons, and most of a person's rules
 * read its birth date; each found child of every name lies in one pool), or the
 * value of a shape at it (eval). */
typedef struct memo_entry {
    unsigned form;              /* not the memo's form: an empty slot */
    xmlNodePtr node;
    uintptr_t key;              /* children: 2 * the name's number + 1; a value: its shape's address (even) */
    union {
        struct {
            size_t first;       /* in the pool */
            int n;
        } children;
        struct {
            vtype t;            /* V_NUMBER or V_BOOLEAN */
            union {
                bool b;
                double num;
            };
        } value;
    };
} memo_entry;

#define CHILDREN_KEY(name_id) (2 * (uintptr_t)(name_id) + 1)
#define VALUE_KEY(shape) ((uintptr_t)(shape))

struct hh_native_memo {
    memo_entry *slots;
    size_t cap, used;           /* cap a power of two */
    xmlNodePtr *pool;
    size_t pool_len, pool_cap;
    unsigned form;              /* the form's number for this memo: its slots are those that carry it */
};

static void memo_free(void *memo)
{
    struct hh_native_memo *m = memo;
    if (!m)
        return;
    free(m->slots);
    free(m->pool);
    free(m);
}

/* A thread's memo, emptied, is kept for its next form (freed when the thread ends):
 * allocating its tables anew for each form cost more than what they saved, a table
 * of that size making glibc sort out every small block the last form freed. Not
 * one grown past these (a household of 8 persons fills 128 slots a quarter): the
 * server's 256 request threads would each keep the largest form they checked, 1.5
 * MB for one of 60 persons and 5,000 visits. */
#define MEMO_KEPT_SLOTS 1024u /* 40 KB */
#define MEMO_KEPT_POOL 2048u  /* 16 KB */
static pthread_key_t spare_memo;
static pthread_once_t spare_memo_once = PTHREAD_ONCE_INIT;

static void spare_memo_make(void)
{
    if (pthread_key_create(&spare_memo, memo_free) != 0)
        abort();
}

void hh_native_form_end(hh_native_form *form)
{
    struct hh_native_memo *m = form->memo;
    if (!m)
        return;
    form->memo = NULL;
    if (m->cap > MEMO_KEPT_SLOTS || m->pool_cap > MEMO_KEPT_POOL) {
        memo_free(m); /* a form far larger than most: not kept by every thread that saw one */
        return;
    }
    if (++m->form == 0) { /* once in four billion forms: the slots of the first one would seem taken */
        memset(m->slots, 0, m->cap * sizeof *m->slots);
        m->form = 1;
    }
    m->used = m->pool_len = 0;
    pthread_once(&spare_memo_once, spare_memo_make);
    memo_free(pthread_getspecific(spare_memo));
    pthread_setspecific(spare_memo, m);
}

static memo_entry *memo_slot(const struct hh_native_memo *m, xmlNodePtr node, uintptr_t key)
{
    uint64_t mixed = ((uint64_t)(uintptr_t)node ^ ((uint64_t)key << 17)) * 0x9E3779B97F4A7C15u;
    size_t h = (size_t)(mixed >> 32) & (m->cap - 1);
    while (m->slots[h].form == m->form && !(m->slots[h].node == node && m->slots[h].key == key))
        h = (h + 1) & (m->cap - 1);
    return &m->slots[h];
}

/* What the memo of `form` keeps of `node` under `key`, the memo made or grown when
 * needed; *fresh when nothing was kept: the entry is then taken, to be filled in. */
static memo_entry *memo_take(hh_native_form *form, xmlNodePtr node, uintptr_t key, bool *fresh)
{
    struct hh_native_memo *m = form->memo;
    if (!m) {
        pthread_once(&spare_memo_once, spare_memo_make);
        m = form->memo = pthread_getspecific(spare_memo);
        if (m)
            pthread_setspecific(spare_memo, NULL);
        else {
            m = form->memo = hh_xcalloc(1, sizeof *m);
            m->form = 1; /* the zeroed slots are of no form */
        }
    }
    if (2 * (m->used + 1) > m->cap) {
        memo_entry *old = m->slots;
        size_t old_cap = m->cap;
        m->cap = old_cap ? 2 * old_cap : 128;
        m->slots = hh_xcalloc(m->cap, sizeof *m->slots);
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].form == m->form)
                *memo_slot(m, old[i].node, old[i].key) = old[i];
        free(old);
    }
    memo_entry *slot = memo_slot(m, node, key);
    *fresh = slot->form != m->form;
    if (*fresh) {
        slot->form = m->form;
        slot->node = node;
        slot->key = key;
        m->used++;
    }
    return slot;
}

typedef struct ev {
    hh_native_form *form;
    xmlNodePtr node;            /* the context node */
    const xmlNs *matched_ns;    /* a namespace found to be matched_uri (name_matches) */
    const char *matched_uri;
    hh_native_outcome status;   /* DONE while all goes well */
    size_t scratch_used;
    char scratch[512];          /* the strings functions make, while they fit */
} ev;

/* One step of the form's budget; false (and SPENT) when none is left. */
static bool spend(ev *e)
{
    xmlXPathContextPtr xp = e->form->xp;
    if (xp->opLimit && xp->opCount >= xp->opLimit) {
        e->status = HH_NATIVE_SPENT;
        return false;
    }
    xp->opCount++;
    return true;
}

static void decline(ev *e)
{
    if (e->status == HH_NATIVE_DONE)
        e->status = HH_NATIVE_DECLINED;
}

static value eval(const hh_native_expr *x, ev *e);

/* Whether `n` passes `st`'s name test. The form's elements share one namespace
 * declaration, so the one last found to be st's namespace is not compared again. */
static bool name_matches(const step *st, const xmlNode *n, xmlElementType type, ev *e)
{
    if (!st->local)
        return true;
    const char *name = (const char *)n->name;
    if (n->type != type || name[0] != st->local[0] || strcmp(name, st->local) != 0)
        return false;
    if (!st->uri)
        return !n->ns;
    if (!n->ns || !n->ns->href)
        return false;
    if (n->ns == e->matched_ns && st->uri == e->matched_uri)
        return true;
    if (strcmp((const char *)n->ns->href, st->uri) != 0)
        return false;
    e->matched_ns = n->ns;
    e->matched_uri = st->uri;
    return true;
}

/* The element children of `x` that `st` names, found once per form. */
static const memo_entry *children_named(const step *st, xmlNodePtr x, ev *e)
{
    bool fresh;
    memo_entry *f = memo_take(e->form, x, CHILDREN_KEY(st->name_id), &fresh);
    if (!fresh)
        return f;
    struct hh_native_memo *m = e->form->memo;
    f->children.first = m->pool_len;
    f->children.n = 0;
    for (xmlNodePtr c = x->children; c && spend(e); c = c->next) {
        if (!name_matches(st, c, XML_ELEMENT_NODE, e))
            continue;
        if (m->pool_len == m->pool_cap)
            m->pool = hh_xrealloc(m->pool, (m->pool_cap = 2 * m->pool_cap + 64) * sizeof *m->pool);
        m->pool[m->pool_len++] = c;
        f->children.n++;
    }
    return f;
}

/* The nodes of `st`'s axis from `x` that pass its name test, in the axis's order. */
static void axis_nodes(const step *st, xmlNodePtr x, value *out, ev *e)
{
    switch (st->ax) {
    case AX_CHILD:
        if (x->type != XML_ELEMENT_NODE && x->type != XML_DOCUMENT_NODE)
            return;
        const memo_entry *f = children_named(st, x, e);
        const struct hh_native_memo *m = e->form->memo;
        for (int i = 0; i < f->children.n && spend(e); i++)
            add_node(out, m->pool[f->children.first + (size_t)i]);
        return;
    case AX_ATTRIBUTE:
        if (x->type != XML_ELEMENT_NODE)
            return;
        for (xmlAttrPtr a = x->properties; a && spend(e); a = a->next)
            if (name_matches(st, (xmlNodePtr)a, XML_ATTRIBUTE_NODE, e))
                add_node(out, (xmlNodePtr)a);
        return;
    case AX_SELF:
        if (spend(e) && name_matches(st, x, XML_ELEMENT_NODE, e))
            add_node(out, x);
        return;
    case AX_PARENT:
        if (spend(e) && x->parent && x->type != XML_DOCUMENT_NODE && name_matches(st, x->parent, XML_ELEMENT_NODE, e))
            add_node(out, x->parent);
        return;
    case AX_PRECEDING_SIBLING:
        if (x->type == XML_ATTRIBUTE_NODE)
            return;
        for (xmlNodePtr c = x->prev; c && spend(e); c = c->prev)
            if (name_matches(st, c, XML_ELEMENT_NODE, e))
                add_node(out, c);
        return;
    }
}

/* Keeps the nodes of `set` (in axis order) for which predicate `p` holds. */
static void filter(const hh_native_expr *p, value *set, ev *e)
{
    xmlNodePtr saved = e->node;
    xmlNodePtr *tab = nodes_of(set);
    int kept = 0;
    for (int i = 0; i < set->n && e->status == HH_NATIVE_DONE; i++) {
        if (!spend(e))
            break;
        e->node = tab[i];
        value v = eval(p, e);
        bool keep = v.t == V_NUMBER ? v.num == (double)(i + 1) : to_boolean(&v);
        value_free(&v);
        if (keep)
            tab[kept++] = tab[i];
    }
    set->n = kept;
    e->node = saved;
}

/* Whether the nodes of a $let lie side by side (one parent), so that steps from
 * them give each node once, in document order. */
static bool siblings(value *v)
{
    xmlNodePtr *tab = nodes_of(v);
    for (int i = 1; i < v->n; i++)
        if (tab[i]->parent != tab[0]->parent)
            return false;
    return true;
}

static value eval_path(const hh_native_expr *x, ev *e)
{
    value in;
    if (x->a) {
        in = eval(x->a, e);
        if (in.t != V_NODES || !siblings(&in)) {
            value_free(&in);
            decline(e);
            return nodes_value();
        }
    } else {
        in = nodes_value();
        add_node(&in, e->node);
    }
    for (size_t s = 0; s < x->n_steps && e->status == HH_NATIVE_DONE; s++) {
        const step *st = &x->steps[s];
        if (in.n > 1 && (st->ax == AX_PARENT || st->ax == AX_PRECEDING_SIBLING)) {
            decline(e); /* several nodes would meet in one parent */
            break;
        }
        value out = nodes_value();
        xmlNodePtr *tab = nodes_of(&in);
        for (int i = 0; i < in.n && e->status == HH_NATIVE_DONE; i++) {
            value found = nodes_value();
            axis_nodes(st, tab[i], &found, e);
            for (size_t k = 0; k < st->n_preds && found.n && e->status == HH_NATIVE_DONE; k++)
                filter(st->preds[k], &found, e);
            xmlNodePtr *f = nodes_of(&found);
            if (st->ax == AX_PRECEDING_SIBLING) /* back to document order */
                for (int k = found.n - 1; k >= 0; k--)
                    add_node(&out, f[k]);
            else
                for (int k = 0; k < found.n; k++)
                    add_node(&out, f[k]);
            value_free(&found);
        }
        value_free(&in);
        in = out;
    }
    return in;
}

static value eval_var(const hh_native_expr *x, ev *e)
{
    xmlXPathObjectPtr o = x->var < e->form->n_lets ? e->form->lets[x->var] : NULL;
    if (!o) {
        decline(e);
        return nodes_value();
    }
    switch (o->type) {
    case XPATH_NODESET: {
        value v = nodes_value();
        for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++)
            if (o->nodesetval->nodeTab[i]->type == XML_NAMESPACE_DECL) { /* an xmlNs, not an xmlNode */
                decline(e);
                return v;
            }
        if (o->nodesetval && o->nodesetval->nodeNr > 0) {
            v.tab = o->nodesetval->nodeTab;
            v.n = v.cap = o->nodesetval->nodeNr;
            v.borrowed = true;
        }
        return v;
    }
    case XPATH_STRING:
        return string_value(o->stringval ? (const char *)o->stringval : "", NULL);
    case XPATH_NUMBER:
        return number_value(o->floatval);
    case XPATH_BOOLEAN:
        return boolean_value(o->boolval);
    default:
        decline(e);
        return nodes_value();
    }
}

/* Whether `a op b` holds for two numbers (op one of the relational kinds). */
static bool numbers_compare(ekind op, double a, double b)
{
    switch (op) {
    case E_LT:
        return a < b;
    case E_LE:
        return a <= b;
    case E_GT:
        return a > b;
    default:
        return a >= b;
    }
}

/* = and != (neq) as libxml2 has them: a node set holds when any node does. */
static bool equal(value *l, value *r, bool neq, ev *e)
{
    if (l->t != V_NODES && r->t == V_NODES)
        return equal(r, l, neq, e);
    if (l->t == V_NODES) {
        xmlNodePtr *ln = nodes_of(l);
        if (r->t == V_BOOLEAN)
            return (l->n > 0) == r->b ? !neq : neq;
        if (r->t == V_NODES) {
            if (neq) { /* rare in rules: XPath's own way is the reference */
                decline(e);
                return false;
            }
            xmlNodePtr *rn = nodes_of(r);
            for (int i = 0; i < l->n; i++) {
                xmlChar *lo;
                const char *ls = node_string(ln[i], &lo);
                bool found = false;
                for (int k = 0; k < r->n && !found && spend(e); k++) {
                    xmlChar *ro;
                    found = strcmp(ls, node_string(rn[k], &ro)) == 0;
                    xmlFree(ro);
                }
                xmlFree(lo);
                if (found)
                    return true;
            }
            return false;
        }
        if (r->t == V_NUMBER) {
            for (int i = 0; i < l->n; i++) {
                double d = node_number(ln[i]);
                if (neq ? d != r->num : d == r->num)
                    return true;
            }
            return false;
        }
        for (int i = 0; i < l->n; i++) { /* a string */
            xmlChar *lo;
            bool same = strcmp(node_string(ln[i], &lo), r->s) == 0;
            xmlFree(lo);
            if (same != neq)
                return true;
        }
        return false;
    }
    bool same;
    if (l->t == V_BOOLEAN || r->t == V_BOOLEAN)
        same = to_boolean(l) == to_boolean(r);
    else if (l->t == V_NUMBER || r->t == V_NUMBER)
        same = to_number(l) == to_number(r);
    else
        same = strcmp(l->s, r->s) == 0;
    return same != neq;
}

/* < <= > >=: numbers, a node set holding when any of its nodes does. */
static bool compare(ekind op, value *l, value *r, ev *e)
{
    if ((l->t == V_NODES && r->t == V_BOOLEAN) || (l->t == V_BOOLEAN && r->t == V_NODES)) {
        decline(e);
        return false;
    }
    if (l->t == V_NODES || r->t == V_NODES) {
        value *set = l->t == V_NODES ? l : r;
        xmlNodePtr *tab = nodes_of(set);
        if (l->t == V_NODES && r->t == V_NODES) {
            xmlNodePtr *rt = nodes_of(r);
            for (int i = 0; i < l->n; i++)
                for (int k = 0; k < r->n && spend(e); k++)
                    if (numbers_compare(op, node_number(tab[i]), node_number(rt[k])))
                        return true;
            return false;
        }
        double other = to_number(set == l ? r : l);
        for (int i = 0; i < set->n; i++) {
            double d = node_number(tab[i]);
            if (set == l ? numbers_compare(op, d, other) : numbers_compare(op, other, d))
                return true;
        }
        return false;
    }
    return numbers_compare(op, to_number(l), to_number(r));
}

/* The number of characters of UTF-8 text `s`, as libxml2 counts them. */
static double characters(const char *s)
{
    return (double)xmlUTF8Strlen(BAD_CAST s);
}

/* Room for a string of `n` bytes and its NUL: in the scratch of the evaluation
 * while there is some, else allocated (and in *owned). */
static xmlChar *text_room(ev *e, size_t n, xmlChar **owned)
{
    if (n < sizeof e->scratch - e->scratch_used) {
        xmlChar *room = (xmlChar *)e->scratch + e->scratch_used;
        e->scratch_used += n + 1;
        *owned = NULL;
        return room;
    }
    return *owned = xmlMalloc(n + 1);
}

static value translated(ev *e, const char *s, const char *from, const char *to)
{
    size_t n = strlen(s), to_len = strlen(to);
    xmlChar *owned, *out = text_room(e, n, &owned);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *at = s[i] ? strchr(from, s[i]) : NULL;
        if (!at)
            out[k++] = (xmlChar)s[i];
        else if ((size_t)(at - from) < to_len)
            out[k++] = (xmlChar)to[at - from];
    }
    out[k] = '\0';
    return string_value((const char *)out, owned);
}

/* substring(s, start, len): the characters at positions p with start <= p < start + len. */
static value substring(ev *e, const char *s, double start, double len)
{
    size_t n = strlen(s);
    xmlChar *owned, *out = text_room(e, n, &owned);
    size_t k = 0;
    double pos = 1;
    for (size_t i = 0; i < n; pos++) {
        size_t width = 1;
        while (i + width < n && ((unsigned char)s[i + width] & 0xC0) == 0x80)
            width++;
        if (pos >= start && pos < start + len) {
            memcpy(out + k, s + i, width);
            k += width;
        }
        i += width;
    }
    out[k] = '\0';
    return string_value((const char *)out, owned);
}

static value normalized(ev *e, const char *s)
{
    xmlChar *owned, *out = text_room(e, strlen(s), &owned);
    size_t k = 0;
    bool space = false;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
            space = k > 0;
            continue;
        }
        if (space)
            out[k++] = ' ';
        space = false;
        out[k++] = (xmlChar)*s;
    }
    out[k] = '\0';
    return string_value((const char *)out, owned);
}

static value date_text(ev *e, const char *text)
{
    xmlChar *owned, *out = text_room(e, strlen(text), &owned);
    memcpy(out, text, strlen(text) + 1);
    return string_value((const char *)out, owned);
}

static value eval_call(const hh_native_expr *x, ev *e)
{
    if (!spend(e))
        return nodes_value();
    value a[3];
    xmlChar *owned[3] = { NULL, NULL, NULL };
    const char *s[3] = { "", "", "" };
    size_t n = x->n_args;
    for (size_t i = 0; i < n; i++)
        a[i] = eval(x->args[i], e);
    if (n == 0 && (x->f == F_STRING_LENGTH || x->f == F_NORMALIZE_SPACE || x->f == F_NUMBER)) {
        a[0] = nodes_value(); /* of the context node */
        add_node(&a[0], e->node);
        n = 1;
    }
    value r = nodes_value();
    if (e->status != HH_NATIVE_DONE)
        goto done;
    if (x->f != F_COUNT && x->f != F_NOT && x->f != F_NUMBER && x->f != F_SUBSTRING)
        for (size_t i = 0; i < n; i++)
            s[i] = to_string(&a[i], &owned[i]);
    switch (x->f) {
    case F_COUNT:
        if (a[0].t == V_NODES)
            r = number_value(a[0].n);
        else
            decline(e);
        break;
    case F_NOT:
        r = boolean_value(!to_boolean(&a[0]));
        break;
    case F_STRING_LENGTH:
        r = number_value(characters(s[0]));
        break;
    case F_TRANSLATE:
        r = translated(e, s[0], x->args[1]->text, x->args[2]->text);
        break;
    case F_SUBSTRING:
        s[0] = to_string(&a[0], &owned[0]);
        r = substring(e, s[0], x->args[1]->num, n == 3 ? x->args[2]->num : INFINITY);
        break;
    case F_CONTAINS:
        r = boolean_value(strstr(s[0], s[1]) != NULL);
        break;
    case F_STARTS_WITH:
        r = boolean_value(strncmp(s[0], s[1], strlen(s[1])) == 0);
        break;
    case F_NORMALIZE_SPACE:
        r = normalized(e, s[0]);
        break;
    case F_NUMBER:
        r = number_value(to_number(&a[0]));
        break;
    case F_ID_VALID:
        r = boolean_value(hh_gb11643_valid(s[0]));
        break;
    case F_ID_BIRTH: {
        char text[11];
        hh_fn_id_birth(s[0], text);
        r = date_text(e, text);
        break;
    }
    case F_ID_SEX:
        r = string_value(hh_fn_id_sex(s[0]), NULL);
        break;
    case F_DAYS:
        r = number_value(hh_fn_days(s[0]));
        break;
    case F_YEARS:
        r = number_value(hh_fn_years(s[0], s[1]));
        break;
    case F_AGE:
        r = number_value(hh_fn_age(e->form->xp->userData, s[0]));
        break;
    case F_TODAY: {
        char text[11];
        hh_date_format(hh_date_today(), text);
        r = date_text(e, text);
        break;
    }
    }
done:
    for (size_t i = 0; i < n; i++) {
        xmlFree(owned[i]);
        value_free(&a[i]);
    }
    return r;
}

/* Keeps `v` as the value of shape `shape` at `node`, when it is one to keep. */
static void keep_value(ev *e, xmlNodePtr node, const hh_native_shape *shape, const value *v)
{
    if (v->t != V_NUMBER && v->t != V_BOOLEAN)
        return;
    bool fresh;
    memo_entry *k = memo_take(e->form, node, VALUE_KEY(shape), &fresh);
    k->value.t = v->t;
    if (v->t == V_NUMBER)
        k->value.num = v->num;
    else
        k->value.b = v->b;
}

static value eval_anew(const hh_native_expr *x, ev *e);

/* The value of `x` at the context node: found again when it is kept for the form
 * (the finding costs one step of the budget), else evaluated. */
static value eval(const hh_native_expr *x, ev *e)
{
    if (e->status != HH_NATIVE_DONE)
        return nodes_value();
    if (!x->shape || x->shape->uses < 2)
        return eval_anew(x, e);
    const struct hh_native_memo *m = e->form->memo;
    const memo_entry *k = m && m->slots ? memo_slot(m, e->node, VALUE_KEY(x->shape)) : NULL;
    if (k && k->form == m->form) {
        if (!spend(e))
            return nodes_value();
        return k->value.t == V_NUMBER ? number_value(k->value.num) : boolean_value(k->value.b);
    }
    xmlNodePtr at = e->node;
    value v = eval_anew(x, e);
    if (e->status == HH_NATIVE_DONE)
        keep_value(e, at, x->shape, &v);
    return v;
}

static value eval_anew(const hh_native_expr *x, ev *e)
{
    switch (x->k) {
    case E_LITERAL:
        return string_value(x->text, NULL);
    case E_NUMBER:
        return number_value(x->num);
    case E_VAR:
        return eval_var(x, e);
    case E_PATH:
        return eval_path(x, e);
    case E_CALL:
        return eval_call(x, e);
    case E_OR:
    case E_AND: {
        value l = eval(x->a, e);
        bool b = to_boolean(&l);
        value_free(&l);
        if (b == (x->k == E_OR))
            return boolean_value(b);
        value r = eval(x->b, e);
        b = to_boolean(&r);
        value_free(&r);
        return boolean_value(b);
    }
    default: {
        value l = eval(x->a, e), r = eval(x->b, e);
        bool b = false;
        if (e->status == HH_NATIVE_DONE)
            b = x->k == E_EQ || x->k == E_NE ? equal(&l, &r, x->k == E_NE, e) : compare(x->k, &l, &r, e);
        value_free(&l);
        value_free(&r);
        return boolean_value(b);
    }
    }
}

/* An evaluation at `root` (its scratch not cleared: only what is used is read). */
static void begin(ev *e, hh_native_form *form, xmlNodePtr root)
{
    e->form = form;
    e->node = root;
    e->matched_ns = NULL;
    e->matched_uri = NULL;
    e->status = HH_NATIVE_DONE;
    e->scratch_used = 0;
}

xmlXPathObjectPtr hh_native_value(const hh_native_expr *x, hh_native_form *form, xmlNodePtr root)
{
    ev e;
    begin(&e, form, root);
    value v = eval(x, &e);
    xmlXPathObjectPtr o = NULL;
    if (e.status == HH_NATIVE_DONE) {
        switch (v.t) {
        case V_NODES:
            o = xmlXPathNewNodeSet(NULL);
            for (int i = 0; o && o->nodesetval && i < v.n; i++)
                xmlXPathNodeSetAddUnique(o->nodesetval, nodes_of(&v)[i]);
            break;
        case V_STRING:
            o = xmlXPathNewString(BAD_CAST v.s);
            break;
        case V_NUMBER:
            o = xmlXPathNewFloat(v.num);
            break;
        case V_BOOLEAN:
            o = xmlXPathNewBoolean(v.b);
            break;
        }
    }
    value_free(&v);
    return o;
}

hh_native_outcome hh_native_problems(const hh_native_expr *context, const hh_native_expr *test,
                                     hh_native_form *form, xmlNodePtr root, xmlNodePtr **problems,
                                     size_t *n)
{
    ev e;
    begin(&e, form, root);
    *problems = NULL;
    *n = 0;
    value set = eval(context, &e);
    if (e.status == HH_NATIVE_DECLINED) {
        value_free(&set);
        return HH_NATIVE_DECLINED;
    }
    value found = nodes_value();
    xmlNodePtr *tab = nodes_of(&set);
    for (int i = 0; set.t == V_NODES && i < set.n && e.status == HH_NATIVE_DONE; i++) {
        bool holds = false;
        if (test) {
            e.node = tab[i];
            e.scratch_used = 0; /* the strings of the last test are gone */
            value v = eval(test, &e);
            holds = to_boolean(&v);
            value_free(&v);
        }
        if (e.status == HH_NATIVE_DONE && !holds)
            add_node(&found, tab[i]);
    }
    value_free(&set);
    if (e.status == HH_NATIVE_DECLINED) {
        value_free(&found);
        return HH_NATIVE_DECLINED;
    }
    *n = (size_t)found.n;
    *problems = hh_xmalloc((found.n ? (size_t)found.n : 1) * sizeof **problems);
    memcpy(*problems, nodes_of(&found), (size_t)found.n * sizeof **problems);
    value_free(&found);
    return e.status;
}
