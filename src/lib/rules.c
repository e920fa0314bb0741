/* rules.c — loading the rules file and evaluating its compiled XPath rules.
 *
 * Every expression (each <let>, context, assert, at, and each {placeholder} of a
 * message) is compiled once at load time, so a broken rule is reported when hhreg
 * starts, not when the first form happens to reach it. A <let> is evaluated once per
 * form and bound as an XPath variable, so a rule comparing each visit or person with
 * a household value does not walk back up the form for every node. Each form may
 * spend a fixed number of evaluation steps (HHREG_RULE_BUDGET: libxml2's XPath steps, and
 * in rules_native.c each node visited, predicate tested, function called and pair of
 * nodes compared); a form that needs more is
 * refused, the same way on every machine. Evaluation never changes the form. */
#include "rules.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "dates.h"
#include "items.h"
#include "messages.h"
#include "nodepath.h"
#include "rules_native.h"
#include "xpath_functions.h"

#define RULES_NS "urn:hhreg:rules:1"
#define BUDGET_ENV "HHREG_RULE_BUDGET"
/* Evaluation steps one form may cost (about 0.2 s of CPU): a form at the XSD's caps (60
 * persons, 5,000 visits) costs under 500,000 with the shipped rules, errors and all */
#define DEFAULT_BUDGET 20000000UL
#define LET_NAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

typedef struct segment {
    char *text;                 /* literal text, or NULL when expr is set */
    xmlXPathCompExprPtr expr;
} segment;

typedef struct message {
    segment *segs;
    size_t n;
} message;

/* <at> or <also>: an item of the problem, relative to the context node */
typedef struct item_ref {
    xmlXPathCompExprPtr expr;   /* its first node is the item */
    char *absent;               /* absent="NAME": the context's child item named when expr selects none */
} item_ref;

typedef struct rule {
    char *id;
    hh_severity severity;
    xmlXPathCompExprPtr context, test;
    hh_native_expr *native_context, *native_test; /* NULL: XPath evaluates the rule */
    item_ref at;                /* where the problem is reported */
    item_ref *also;             /* the other items it involves, n_also of them */
    size_t n_also;
    message msg[2];             /* indexed by hh_lang */
} rule;

/* <let name="NAME">EXPR</let>: EXPR at the household element, bound as $NAME */
typedef struct let {
    char *name;
    xmlXPathCompExprPtr expr;
    hh_native_expr *native;     /* NULL: only XPath evaluates it */
} let;

struct hh_ruleset {
    let *lets;
    size_t n_lets;
    rule *rules;
    size_t n;
    char **ns_prefix, **ns_uri;
    size_t n_ns;
    unsigned long budget;       /* evaluation steps per form */
    hh_native_shared shared;    /* what the native expressions share */
    bool xpath_only;            /* every rule through XPath (hh_rules_use_native) */
    const hh_code_labels *labels; /* codes in messages shown by their labels (hh_rules_use_labels) */
};

/* What compiling needs to hand round: the rule set so far, the context compiling
 * with, the file name for messages and where the first problem goes. */
typedef struct loading {
    hh_ruleset *rs;
    xmlXPathContextPtr xp;
    const char *file;
    hh_buf *err;
} loading;

static void item_ref_free(item_ref *it)
{
    if (it->expr)
        xmlXPathFreeCompExpr(it->expr);
    free(it->absent);
}

static void message_free(message *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->segs[i].text);
        if (m->segs[i].expr)
            xmlXPathFreeCompExpr(m->segs[i].expr);
    }
    free(m->segs);
}

void hh_rules_free(hh_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        rule *r = &rs->rules[i];
        free(r->id);
        if (r->context)
            xmlXPathFreeCompExpr(r->context);
        if (r->test)
            xmlXPathFreeCompExpr(r->test);
        item_ref_free(&r->at);
        for (size_t k = 0; k < r->n_also; k++)
            item_ref_free(&r->also[k]);
        free(r->also);
        hh_native_free(r->native_context);
        hh_native_free(r->native_test);
        message_free(&r->msg[0]);
        message_free(&r->msg[1]);
    }
    free(rs->rules);
    for (size_t i = 0; i < rs->n_lets; i++) {
        free(rs->lets[i].name);
        if (rs->lets[i].expr)
            xmlXPathFreeCompExpr(rs->lets[i].expr);
        hh_native_free(rs->lets[i].native);
    }
    free(rs->lets);
    for (size_t i = 0; i < rs->n_ns; i++) {
        free(rs->ns_prefix[i]);
        free(rs->ns_uri[i]);
    }
    free(rs->ns_prefix);
    free(rs->ns_uri);
    hh_native_shared_free(&rs->shared);
    free(rs);
}

size_t hh_rules_count(const hh_ruleset *rs)
{
    return rs->n;
}

size_t hh_rules_native_count(const hh_ruleset *rs)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->n; i++)
        n += rs->rules[i].native_context != NULL;
    return n;
}

bool hh_rules_all_native(const hh_ruleset *rs)
{
    for (size_t i = 0; i < rs->n_lets; i++)
        if (!rs->lets[i].native)
            return false;
    return hh_rules_native_count(rs) == rs->n;
}

void hh_rules_use_native(hh_ruleset *rs, bool native)
{
    rs->xpath_only = !native;
}

void hh_rules_use_labels(hh_ruleset *rs, const hh_code_labels *labels)
{
    rs->labels = labels;
}

const char *hh_rules_id(const hh_ruleset *rs, size_t i)
{
    return rs->rules[i].id;
}

hh_severity hh_rules_severity(const hh_ruleset *rs, size_t i)
{
    return rs->rules[i].severity;
}

static int is_rules_element(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns && xmlStrEqual(n->ns->href, BAD_CAST RULES_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* The first $name in `expr` that no <let> above defines (string literals skipped),
 * or NULL; its length goes to *len. */
static const char *undefined_variable(const hh_ruleset *rs, const char *expr, size_t *len)
{
    for (const char *p = expr; *p; p++) {
        if (*p == '\'' || *p == '"') {
            const char *end = strchr(p + 1, *p);
            if (!end)
                return NULL; /* an unterminated literal does not compile */
            p = end;
            continue;
        }
        if (*p != '$')
            continue;
        const char *name = p + 1;
        size_t n = 0;
        while (name[n] && (strchr(LET_NAME_CHARS ":", name[n]) || (unsigned char)name[n] >= 0x80))
            n++;
        size_t i = 0;
        while (i < rs->n_lets && !(strncmp(rs->lets[i].name, name, n) == 0 && rs->lets[i].name[n] == '\0'))
            i++;
        if (i == rs->n_lets) {
            *len = n;
            return name;
        }
        p = name + n - 1;
    }
    return NULL;
}

/* Compiles one expression of `what` ("rule ID" or "let NAME"), which may use only
 * the variables of the <let>s above it. */
static xmlXPathCompExprPtr compile(const loading *ld, const char *expr, const xmlNode *where, const char *what)
{
    xmlXPathCompExprPtr c = xmlXPathCtxtCompile(ld->xp, BAD_CAST expr);
    if (!c) {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: %s: the XPath expression \"%s\" does not compile",
                            "%s:%ld：%s：XPath 表达式“%s”无法编译"),
                      ld->file, xmlGetLineNo(where), what, expr);
        return NULL;
    }
    size_t len;
    const char *var = undefined_variable(ld->rs, expr, &len);
    if (var) {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: %s: the XPath expression \"%s\" uses $%.*s, which no <let> above defines",
                            "%s:%ld：%s：XPath 表达式“%s”用到了 $%.*s，但前面没有 <let> 定义它"),
                      ld->file, xmlGetLineNo(where), what, expr, (int)len, var);
        xmlXPathFreeCompExpr(c);
        return NULL;
    }
    return c;
}

/* Compiles the expression of a rule's <context>, <assert> or <at> into `slot`;
 * each may appear once (fuzzing found a second one leaking the first). */
static int compile_once(const loading *ld, xmlXPathCompExprPtr *slot, const char *expr, const xmlNode *where,
                        const char *what)
{
    if (*slot) {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: %s: <%s> is given twice; a rule has one",
                            "%s:%ld：%s：<%s> 出现了两次；一条规则只能有一个"),
                      ld->file, xmlGetLineNo(where), what, (const char *)where->name);
        return -1;
    }
    return (*slot = compile(ld, expr, where, what)) ? 0 : -1;
}

/* Splits "text {expr} text" into segments, compiling each expression. */
static int parse_message(const loading *ld, const char *text, message *m, const xmlNode *where, const char *what)
{
    const char *p = text;
    while (*p) {
        const char *open = strchr(p, '{');
        m->segs = hh_xrealloc(m->segs, (m->n + 2) * sizeof *m->segs);
        if (!open) {
            m->segs[m->n++] = (segment){ hh_xstrdup(p), NULL };
            break;
        }
        if (open > p)
            m->segs[m->n++] = (segment){ hh_xstrndup(p, (size_t)(open - p)), NULL };
        const char *close = strchr(open, '}');
        if (!close) {
            hh_buf_printf(ld->err,
                          hh_tr("%s:%ld: %s: a '{' in a message has no closing '}'",
                                "%s:%ld：%s：消息中的“{”没有对应的“}”"),
                          ld->file, xmlGetLineNo(where), what);
            return -1;
        }
        char *expr = hh_xstrndup(open + 1, (size_t)(close - open - 1));
        xmlXPathCompExprPtr c = compile(ld, expr, where, what);
        free(expr);
        if (!c)
            return -1;
        m->segs[m->n++] = (segment){ NULL, c };
        p = close + 1;
    }
    return 0;
}

/* Whether `name` can be an item's step in a reported path: an element or @attribute name. */
static bool is_item_name(const char *name)
{
    const char *p = name + (*name == '@');
    if (!isalpha((unsigned char)*p))
        return false;
    for (; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
            return false;
    return true;
}

/* <at absent="NAME">: the item a missing answer belongs to, so that the problem is
 * reported at it (the phone item of a form without a phone) and not at the context;
 * <also absent="NAME"> alike. */
static int parse_absent(const loading *ld, item_ref *it, xmlNodePtr at, const char *what)
{
    xmlChar *absent = xmlGetNoNsProp(at, BAD_CAST "absent");
    if (!absent)
        return 0;
    int rc = 0;
    if (is_item_name((const char *)absent))
        it->absent = hh_xstrdup((const char *)absent);
    else {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: %s: absent must name one item of the context, as phone or @date",
                            "%s:%ld：%s：absent 须是上下文的一个项目名，如 phone 或 @date"),
                      ld->file, xmlGetLineNo(at), what);
        rc = -1;
    }
    xmlFree(absent);
    return rc;
}

/* `expr` compiled natively with the namespaces and the <let>s defined so far, or NULL. */
static hh_native_expr *native_expr(hh_ruleset *rs, const char *expr)
{
    const char **lets = hh_xcalloc(rs->n_lets + 1, sizeof *lets);
    for (size_t i = 0; i < rs->n_lets; i++)
        lets[i] = rs->lets[i].name;
    hh_native_names names = { rs->ns_prefix, rs->ns_uri, rs->n_ns, lets, rs->n_lets, &rs->shared };
    hh_native_expr *e = hh_native_compile(expr, &names);
    free(lets);
    return e;
}

/* The native form of the rule's context and assert (rules_native.c), when both lie
 * within its subset; the rule stays with XPath otherwise. */
static void compile_natively(const loading *ld, rule *r, xmlNodePtr el)
{
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (!is_rules_element(c, "context") && !is_rules_element(c, "assert"))
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        hh_native_expr *e = native_expr(ld->rs, (const char *)text);
        xmlFree(text);
        if (is_rules_element(c, "context"))
            r->native_context = e;
        else
            r->native_test = e;
    }
    if (!r->native_context || (r->test && !r->native_test)) {
        hh_native_free(r->native_context);
        hh_native_free(r->native_test);
        r->native_context = r->native_test = NULL;
    }
}

/* The parts of rule `r` (its id checked already) from the children of `el`. */
static int parse_rule_parts(const loading *ld, rule *r, xmlNodePtr el)
{
    char *what = hh_xasprintf(hh_tr("rule %s", "规则 %s"), r->id);
    int have_msg[2] = { 0, 0 };
    int rc = 0;
    for (xmlNodePtr c = el->children; c && rc == 0; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        if (is_rules_element(c, "context"))
            rc = compile_once(ld, &r->context, (const char *)text, c, what);
        else if (is_rules_element(c, "assert"))
            rc = compile_once(ld, &r->test, (const char *)text, c, what);
        else if (is_rules_element(c, "at")) {
            rc = compile_once(ld, &r->at.expr, (const char *)text, c, what);
            if (rc == 0)
                rc = parse_absent(ld, &r->at, c, what);
        } else if (is_rules_element(c, "also")) {
            r->also = hh_xrealloc(r->also, (r->n_also + 1) * sizeof *r->also);
            item_ref *also = &r->also[r->n_also++];
            *also = (item_ref){ compile(ld, (const char *)text, c, what), NULL };
            rc = also->expr ? parse_absent(ld, also, c, what) : -1;
        }
        else if (is_rules_element(c, "message")) {
            xmlChar *lang = xmlNodeGetLang(c);
            hh_lang l;
            if (!lang || hh_lang_parse((const char *)lang, &l) != 0 || have_msg[l]) {
                hh_buf_printf(ld->err,
                              hh_tr("%s:%ld: %s: each message needs xml:lang en or zh, once each",
                                    "%s:%ld：%s：每条消息须有 xml:lang（en 或 zh），且两种语言各一条"),
                              ld->file, xmlGetLineNo(c), what);
                rc = -1;
            } else {
                have_msg[l] = 1;
                rc = parse_message(ld, (const char *)text, &r->msg[l], c, what);
            }
            xmlFree(lang);
        } else {
            hh_buf_printf(ld->err, hh_tr("%s:%ld: %s: unexpected element <%s>", "%s:%ld：%s：意外的元素 <%s>"),
                          ld->file, xmlGetLineNo(c), what, (const char *)c->name);
            rc = -1;
        }
        xmlFree(text);
    }
    if (rc == 0)
        compile_natively(ld, r, el);
    if (rc == 0 && (!r->context || !have_msg[0] || !have_msg[1])) {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: %s needs a context and a message in English and in Chinese",
                            "%s:%ld：%s 须有上下文（<context>）以及英文和中文消息各一条"),
                      ld->file, xmlGetLineNo(el), what);
        rc = -1;
    }
    free(what);
    return rc;
}

static int parse_rule(const loading *ld, xmlNodePtr el)
{
    hh_ruleset *rs = ld->rs;
    rule *r = &rs->rules[rs->n];
    memset(r, 0, sizeof *r);
    rs->n++;
    xmlChar *id = xmlGetProp(el, BAD_CAST "id");
    xmlChar *sev = xmlGetProp(el, BAD_CAST "severity");
    r->id = hh_xstrdup(id ? (const char *)id : "");
    int ok = id && *id && sev && (xmlStrEqual(sev, BAD_CAST "error") || xmlStrEqual(sev, BAD_CAST "warning"));
    r->severity = sev && xmlStrEqual(sev, BAD_CAST "warning") ? HH_WARNING : HH_ERROR;
    xmlFree(id);
    xmlFree(sev);
    if (!ok) {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: a rule needs an id and a severity of error or warning",
                            "%s:%ld：规则须有 id，且 severity 须为 error 或 warning"),
                      ld->file, xmlGetLineNo(el));
        return -1;
    }
    for (size_t i = 0; i + 1 < rs->n; i++)
        if (strcmp(rs->rules[i].id, r->id) == 0) {
            hh_buf_printf(ld->err, hh_tr("%s:%ld: rule id %s is used twice", "%s:%ld：规则 id %s 被使用了两次"),
                          ld->file, xmlGetLineNo(el), r->id);
            return -1;
        }
    return parse_rule_parts(ld, r, el);
}

/* <let name="NAME">EXPR</let>: a name of letters, digits, '_', '-' and '.' (not
 * starting with a digit, '-' or '.'), defined once. */
static int parse_let(const loading *ld, xmlNodePtr el)
{
    hh_ruleset *rs = ld->rs;
    xmlChar *prop = xmlGetProp(el, BAD_CAST "name");
    xmlChar *text = xmlNodeGetContent(el);
    const char *name = prop ? (const char *)prop : "";
    int rc = -1;
    size_t i = 0;
    while (i < rs->n_lets && strcmp(rs->lets[i].name, name) != 0)
        i++;
    if (!*name || name[strspn(name, LET_NAME_CHARS)] || strchr("0123456789-.", name[0])) {
        hh_buf_printf(ld->err,
                      hh_tr("%s:%ld: a <let> needs a name of letters, digits, '_', '-' and '.', starting with a letter",
                            "%s:%ld：<let> 须有名称，由字母、数字、“_”、“-”和“.”组成，并以字母开头"),
                      ld->file, xmlGetLineNo(el));
    } else if (i < rs->n_lets) {
        hh_buf_printf(ld->err, hh_tr("%s:%ld: let %s is defined twice", "%s:%ld：let %s 被定义了两次"), ld->file,
                      xmlGetLineNo(el), name);
    } else {
        char *what = hh_xasprintf("let %s", name);
        xmlXPathCompExprPtr c = compile(ld, text ? (const char *)text : "", el, what);
        free(what);
        if (c) {
            hh_native_expr *native = native_expr(rs, text ? (const char *)text : "");
            rs->lets[rs->n_lets++] = (let){ hh_xstrdup(name), c, native };
            rc = 0;
        }
    }
    xmlFree(prop);
    xmlFree(text);
    return rc;
}

/* The steps each form may cost: $HHREG_RULE_BUDGET when set, else DEFAULT_BUDGET. */
static int read_budget(hh_ruleset *rs, hh_buf *err)
{
    const char *v = getenv(BUDGET_ENV);
    rs->budget = DEFAULT_BUDGET;
    if (!v || !*v)
        return 0;
    char *end;
    errno = 0;
    unsigned long n = strtoul(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || errno || n == 0) {
        hh_buf_printf(err,
                      hh_tr("%s=%s: the rule budget is a whole number of evaluation steps per form, at least 1",
                            "%s=%s：规则预算是每份表单可用的运算步数，须为不小于 1 的整数"),
                      BUDGET_ENV, v);
        return -1;
    }
    rs->budget = n;
    return 0;
}

static void collect_namespaces(hh_ruleset *rs, xmlNodePtr root)
{
    for (xmlNsPtr ns = root->nsDef; ns; ns = ns->next) {
        if (!ns->prefix)
            continue;
        rs->ns_prefix = hh_xrealloc(rs->ns_prefix, (rs->n_ns + 1) * sizeof *rs->ns_prefix);
        rs->ns_uri = hh_xrealloc(rs->ns_uri, (rs->n_ns + 1) * sizeof *rs->ns_uri);
        rs->ns_prefix[rs->n_ns] = hh_xstrdup((const char *)ns->prefix);
        rs->ns_uri[rs->n_ns] = hh_xstrdup((const char *)ns->href);
        rs->n_ns++;
    }
}

/* An evaluation that fails (the budget spent, for one) yields no value; hhreg says
 * what it means itself. */
static void ignore_xpath_error(void *user, xmlErrorPtr e)
{
    (void)user;
    (void)e;
}

xmlXPathContextPtr hh_rules_new_context(const hh_ruleset *rs)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(NULL);
    if (!xp)
        return NULL;
    xp->error = ignore_xpath_error;
    /* reuse XPath objects between evaluations instead of allocating each anew */
    xmlXPathContextSetCache(xp, 1, 100, 0);
    for (size_t i = 0; i < rs->n_ns; i++)
        xmlXPathRegisterNs(xp, BAD_CAST rs->ns_prefix[i], BAD_CAST rs->ns_uri[i]);
    if (hh_xpath_register_functions(xp) != 0) {
        xmlXPathFreeContext(xp);
        return NULL;
    }
    return xp;
}

/* Compiles a parsed rules document (taken and freed); `path` names it in messages. */
static hh_ruleset *compile_rules(xmlDocPtr doc, const char *path, hh_buf *err)
{
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        hh_buf_printf(err, hh_tr("%s:%d: cannot read the rules file: %s", "%s:%d：无法读取规则文件：%s"), path,
                      e ? e->line : 0, e && e->message ? e->message : hh_tr("not well-formed", "不是格式正确的 XML"));
        return NULL;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (doc->intSubset || !root || !is_rules_element(root, "rules")) {
        hh_buf_printf(err,
                      hh_tr("%s: not a rules file (root <rules> in namespace %s, no DOCTYPE)",
                            "%s：不是规则文件（根元素须为命名空间 %s 中的 <rules>，且不得有 DOCTYPE）"),
                      path, RULES_NS);
        xmlFreeDoc(doc);
        return NULL;
    }
    hh_ruleset *rs = hh_xcalloc(1, sizeof *rs);
    collect_namespaces(rs, root);
    loading ld = { rs, hh_rules_new_context(rs), path, err };
    size_t count = 0;
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            count++;
    rs->rules = hh_xcalloc(count, sizeof *rs->rules);
    rs->lets = hh_xcalloc(count, sizeof *rs->lets);
    int failed = !ld.xp || read_budget(rs, err) != 0;
    for (xmlNodePtr c = root->children; c && !failed; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (is_rules_element(c, "rule")) {
            failed = parse_rule(&ld, c) != 0;
        } else if (is_rules_element(c, "let")) {
            failed = parse_let(&ld, c) != 0;
        } else {
            hh_buf_printf(err,
                          hh_tr("%s:%ld: unexpected element <%s>; only <let> and <rule> belong here",
                                "%s:%ld：意外的元素 <%s>；此处只能有 <let> 和 <rule>"),
                          path, xmlGetLineNo(c), (const char *)c->name);
            failed = 1;
        }
    }
    if (ld.xp)
        xmlXPathFreeContext(ld.xp);
    xmlFreeDoc(doc);
    if (failed) {
        hh_rules_free(rs);
        return NULL;
    }
    return rs;
}

static const int rules_parse_options = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR;

hh_ruleset *hh_rules_load(const char *path, hh_buf *err)
{
    return compile_rules(xmlReadFile(path, NULL, rules_parse_options), path, err);
}

hh_ruleset *hh_rules_load_memory(const char *data, size_t len, const char *name, hh_buf *err)
{
    if (len > INT_MAX) {
        hh_buf_printf(err, hh_tr("%s: the rules file is too large", "%s：规则文件过大"), name);
        return NULL;
    }
    return compile_rules(xmlReadMemory(data, (int)len, name, NULL, rules_parse_options), name, err);
}

/* The label, in `lang`, of the code `value` when `v` selected an item with a code
 * list (the sex, a document's type); NULL for anything else. */
static const char *code_label(const hh_ruleset *rs, const xmlXPathObject *v, const char *value, hh_lang lang)
{
    if (!rs->labels || v->type != XPATH_NODESET || !v->nodesetval || v->nodesetval->nodeNr == 0)
        return NULL;
    const hh_item *it = hh_item_of_node(v->nodesetval->nodeTab[0]); /* the first in document order: the cast sorted */
    return it && it->code_list ? hh_code_label(rs->labels, it->code_list, value, lang == HH_LANG_ZH ? "zh" : "en")
                               : NULL;
}

/* The message in `lang`, its placeholders evaluated at `node`: a code is shown by its
 * label in that language, as the form's questions show it. */
static void render(const hh_ruleset *rs, hh_lang lang, const rule *r, xmlXPathContextPtr xp, xmlNodePtr node,
                   hh_buf *out)
{
    const message *m = &r->msg[lang];
    for (size_t i = 0; i < m->n; i++) {
        if (m->segs[i].text) {
            hh_buf_puts(out, m->segs[i].text);
            continue;
        }
        xp->node = node;
        xmlXPathObjectPtr v = xmlXPathCompiledEval(m->segs[i].expr, xp);
        if (v) {
            xmlChar *s = xmlXPathCastToString(v);
            const char *label = code_label(rs, v, (const char *)s, lang);
            hh_buf_puts(out, label ? label : (const char *)s);
            xmlFree(s);
            xmlXPathFreeObject(v);
        }
    }
}

/* The node of item `it` of a problem at context `node`: the first its expression
 * selects, else NULL. */
static xmlNodePtr locate(const item_ref *it, xmlXPathContextPtr xp, xmlNodePtr node)
{
    if (!it->expr)
        return NULL;
    xp->node = node;
    xmlXPathObjectPtr v = xmlXPathCompiledEval(it->expr, xp);
    xmlNodePtr at = NULL;
    if (v && v->type == XPATH_NODESET && v->nodesetval && v->nodesetval->nodeNr > 0)
        at = v->nodesetval->nodeTab[0];
    xmlXPathFreeObject(v);
    return at;
}

/* The path of the item absent="NAME" names at context `node`, as its path would be
 * if it were given: context/NAME (at the root NAME, or household/@NAME). */
static void absent_path(const char *name, xmlNodePtr node, hh_buf *path)
{
    if ((node->parent && node->parent->type == XML_ELEMENT_NODE) || name[0] == '@') {
        hh_node_path(node, path);
        hh_buf_putc(path, '/');
    }
    hh_buf_puts(path, name);
}

/* Each <also> of the problem of rule `r` at context `node` named in the last
 * diagnostic of `d`: every node its expression selects, else the item its absent
 * names. */
static void report_also(const rule *r, xmlXPathContextPtr xp, xmlNodePtr node, hh_diags *d)
{
    hh_buf path;
    hh_buf_init(&path);
    for (size_t k = 0; k < r->n_also; k++) {
        xp->node = node;
        xmlXPathObjectPtr v = xmlXPathCompiledEval(r->also[k].expr, xp);
        int n = v && v->type == XPATH_NODESET && v->nodesetval ? v->nodesetval->nodeNr : 0;
        for (int i = 0; i < n; i++) {
            hh_buf_reset(&path);
            hh_node_path(v->nodesetval->nodeTab[i], &path);
            hh_diags_also(d, path.data);
        }
        if (n == 0 && r->also[k].absent) {
            hh_buf_reset(&path);
            absent_path(r->also[k].absent, node, &path);
            hh_diags_also(d, path.data);
        }
        xmlXPathFreeObject(v);
    }
    hh_buf_free(&path);
}

/* Whether the form has spent its steps: libxml2 then fails every evaluation, and
 * rules_native.c stops. */
static int spent(const xmlXPathContext *xp)
{
    return xp->opCount >= xp->opLimit;
}

static void report(const hh_ruleset *rs, const rule *r, xmlXPathContextPtr xp, xmlNodePtr node, const char *file,
                   long fallback_line, hh_diags *d)
{
    hh_buf path, en, zh;
    hh_buf_init(&path);
    hh_buf_init(&en);
    hh_buf_init(&zh);
    xmlNodePtr at = locate(&r->at, xp, node);
    if (!at && r->at.absent)
        absent_path(r->at.absent, node, &path);
    else
        hh_node_path(at ? at : node, &path);
    if (!at)
        at = node;
    render(rs, HH_LANG_EN, r, xp, node, &en);
    render(rs, HH_LANG_ZH, r, xp, node, &zh);
    if (!spent(xp)) { /* else the message may lack a value: the budget message says it all */
        hh_diags_add(d, file, hh_node_line(at, fallback_line), r->severity, r->id, path.data, en.data, zh.data);
        report_also(r, xp, node, d);
    }
    hh_buf_free(&path);
    hh_buf_free(&en);
    hh_buf_free(&zh);
}

/* A rule whose context or test cannot be evaluated (a function the rules file names
 * but nobody registered, a variable of no <let>) would otherwise never fire, and every
 * form would pass it: the form is refused, naming the rule and libxml2's reason. */
static void cannot_evaluate(const rule *r, xmlXPathContextPtr xp, xmlNodePtr node, const char *file,
                            long fallback_line, hh_diags *d)
{
    int code = xp->lastError.code;
    char why[96];
    snprintf(why, sizeof why, "%s",
             code == XML_XPATH_UNKNOWN_FUNC_ERROR      ? hh_tr("it calls a function that does not exist", "调用了不存在的函数")
             : code == XML_XPATH_UNDEF_VARIABLE_ERROR  ? hh_tr("it uses a variable no <let> defines", "使用了未由 <let> 定义的变量")
             : code == XML_XPATH_INVALID_ARITY         ? hh_tr("a function is given the wrong number of arguments",
                                                               "函数的参数个数不对")
             : code == XML_XPATH_INVALID_TYPE          ? hh_tr("a value is of the wrong type", "值的类型不对")
                                                       : "");
    if (!*why && code) /* libxml2 records no reason for some, such as a prefix no xmlns declares */
        snprintf(why, sizeof why, hh_tr("XPath error %d", "XPath 错误 %d"), code);
    else if (!*why)
        snprintf(why, sizeof why, "%s", hh_tr("e.g. a prefix no xmlns declares", "例如使用了未用 xmlns 声明的前缀"));
    hh_buf path;
    hh_buf_init(&path);
    hh_node_path(node, &path);
    hh_msg_rules_eval(d, file, hh_node_line(node, fallback_line), path.data, r->id, why);
    hh_buf_free(&path);
}

/* One form being checked. The <let>s are evaluated natively when they can be, and
 * bound as XPath variables only when XPath needs them: for a rule it evaluates, or
 * for a problem's location and message. */
typedef struct checking {
    const hh_ruleset *rs;
    hh_native_form form;        /* form.lets is values, or NULL when every rule goes through XPath */
    xmlXPathObjectPtr *values;  /* each let's value (NULL: unbound) */
    bool owned;                 /* values were evaluated natively and are freed here */
    bool bound;                 /* the XPath variables are set */
    xmlNodePtr root;
    const char *file;
    long fallback_line;
    hh_diags *d;
} checking;

/* Binds the lets as XPath variables, copies of their native values. */
static void bind_copies(checking *c)
{
    if (c->bound)
        return;
    c->bound = true;
    for (size_t i = 0; i < c->rs->n_lets; i++) {
        xmlXPathObjectPtr v = c->values[i] ? xmlXPathObjectCopy(c->values[i]) : NULL;
        if (v && xmlXPathRegisterVariable(c->form.xp, BAD_CAST c->rs->lets[i].name, v) != 0)
            xmlXPathFreeObject(v);
    }
}

/* Checks rule `r` natively; false when XPath must (the rule or this form lies
 * outside what rules_native.c evaluates). */
static bool check_rule_natively(const rule *r, checking *c)
{
    if (!r->native_context || !c->form.lets)
        return false;
    xmlNodePtr *problems;
    size_t n;
    if (hh_native_problems(r->native_context, r->native_test, &c->form, c->root, &problems, &n) ==
        HH_NATIVE_DECLINED)
        return false;
    if (n)
        bind_copies(c);
    for (size_t k = 0; k < n && !spent(c->form.xp); k++)
        report(c->rs, r, c->form.xp, problems[k], c->file, c->fallback_line, c->d);
    free(problems);
    return true;
}

static void check_rule(const rule *r, checking *c)
{
    if (check_rule_natively(r, c))
        return;
    bind_copies(c);
    xmlXPathContextPtr xp = c->form.xp;
    xmlNodePtr root = c->root;
    const char *file = c->file;
    long fallback_line = c->fallback_line;
    hh_diags *d = c->d;
    xp->node = root;
    xmlResetError(&xp->lastError);
    xmlXPathObjectPtr set = xmlXPathCompiledEval(r->context, xp);
    if (!set && !spent(xp))
        cannot_evaluate(r, xp, root, file, fallback_line, d);
    if (set && set->type == XPATH_NODESET && set->nodesetval) {
        for (int k = 0; k < set->nodesetval->nodeNr && !spent(xp); k++) {
            xmlNodePtr node = set->nodesetval->nodeTab[k];
            if (r->test) {
                xp->node = node;
                int holds = xmlXPathCompiledEvalToBoolean(r->test, xp);
                if (holds == 1)
                    continue;
                if (holds < 0 && !spent(xp)) {
                    cannot_evaluate(r, xp, node, file, fallback_line, d);
                    break;
                }
            }
            report(c->rs, r, xp, node, file, fallback_line, d);
        }
    }
    xmlXPathFreeObject(set);
}

/* Evaluates each <let> natively, in order, into c->values (owned); false when one
 * cannot be (not compiled, or declined on this form), with nothing kept. */
static bool evaluate_lets_natively(checking *c)
{
    for (size_t i = 0; i < c->rs->n_lets; i++) {
        const let *l = &c->rs->lets[i];
        c->values[i] = l->native ? hh_native_value(l->native, &c->form, c->root) : NULL;
        if (!c->values[i]) {
            for (size_t k = 0; k < i; k++) {
                xmlXPathFreeObject(c->values[k]);
                c->values[k] = NULL;
            }
            return false;
        }
    }
    c->owned = true;
    return true;
}

/* Binds each <let> for the form through XPath, in order, keeping each value in
 * c->values (NULL when unbound) for the native evaluation. One whose evaluation
 * fails stays unbound, and the rules using it fail to evaluate as any failing rule does. */
static void bind_lets(checking *c)
{
    xmlXPathContextPtr xp = c->form.xp;
    for (size_t i = 0; i < c->rs->n_lets; i++) {
        xp->node = c->root;
        xmlXPathObjectPtr v = xmlXPathCompiledEval(c->rs->lets[i].expr, xp);
        if (v && xmlXPathRegisterVariable(xp, BAD_CAST c->rs->lets[i].name, v) != 0) {
            xmlXPathFreeObject(v);
            v = NULL;
        }
        c->values[i] = v;
    }
    c->bound = true;
}

/* Drops the bindings and values, which point into the form's document. */
static void unbind_lets(checking *c)
{
    for (size_t i = 0; c->bound && i < c->rs->n_lets; i++)
        xmlXPathRegisterVariable(c->form.xp, BAD_CAST c->rs->lets[i].name, NULL);
    for (size_t i = 0; c->owned && i < c->rs->n_lets; i++)
        xmlXPathFreeObject(c->values[i]);
    free(c->values);
}

void hh_rules_check(const hh_ruleset *rs, xmlXPathContextPtr xp, xmlNodePtr root, const char *file,
                    long fallback_line, hh_diags *d)
{
    hh_xpath_env env = { { 0, 0, 0 }, 0 };
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "enumeration")) {
            xmlChar *date = xmlGetProp(c, BAD_CAST "date");
            env.has_enumeration = hhreg_date_parse((const char *)date, false, &env.enumeration);
            xmlFree(date);
        }
    }
    xp->doc = root->doc;
    xp->userData = &env;
    xp->opLimit = rs->budget;
    xp->opCount = 0;
    xmlXPathObjectPtr *values = hh_xcalloc(rs->n_lets + 1, sizeof *values);
    checking c = { .rs = rs,
                   .form = { .xp = xp, .lets = rs->xpath_only ? NULL : values, .n_lets = rs->n_lets, .memo = NULL },
                   .values = values,
                   .root = root,
                   .file = file,
                   .fallback_line = fallback_line,
                   .d = d };
    /* a let may read the lets above it: form.lets is set while they are evaluated */
    if (rs->xpath_only || !evaluate_lets_natively(&c))
        bind_lets(&c);
    for (size_t i = 0; i < rs->n && !spent(xp); i++)
        check_rule(&rs->rules[i], &c);
    if (spent(xp)) {
        hh_buf path;
        hh_buf_init(&path);
        hh_node_path(root, &path);
        hh_msg_rules_budget(d, file, hh_node_line(root, fallback_line), path.data, rs->budget);
        hh_buf_free(&path);
    }
    unbind_lets(&c);
    hh_native_form_end(&c.form);
    xp->userData = NULL;
    xp->doc = NULL;
    xp->node = NULL;
}
