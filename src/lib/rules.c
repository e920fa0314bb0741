/* rules.c — loading the rules file and evaluating its compiled XPath rules.
 *
 * Every expression (context, assert, at, and each {placeholder} of a message) is
 * compiled once at load time, so a broken rule is reported when hhreg starts, not
 * when the first form happens to reach it. Evaluation never changes the form. */
#include "rules.h"

#include <limits.h>

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "dates.h"
#include "nodepath.h"
#include "xpath_functions.h"

#define RULES_NS "urn:hhreg:rules:1"

typedef struct segment {
    char *text;                 /* literal text, or NULL when expr is set */
    xmlXPathCompExprPtr expr;
} segment;

typedef struct message {
    segment *segs;
    size_t n;
} message;

typedef struct rule {
    char *id;
    hh_severity severity;
    xmlXPathCompExprPtr context, test, at;
    message msg[2];             /* indexed by hh_lang */
} rule;

struct hh_ruleset {
    rule *rules;
    size_t n;
    char **ns_prefix, **ns_uri;
    size_t n_ns;
};

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
        if (r->at)
            xmlXPathFreeCompExpr(r->at);
        message_free(&r->msg[0]);
        message_free(&r->msg[1]);
    }
    free(rs->rules);
    for (size_t i = 0; i < rs->n_ns; i++) {
        free(rs->ns_prefix[i]);
        free(rs->ns_uri[i]);
    }
    free(rs->ns_prefix);
    free(rs->ns_uri);
    free(rs);
}

size_t hh_rules_count(const hh_ruleset *rs)
{
    return rs->n;
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

static xmlXPathCompExprPtr compile(xmlXPathContextPtr xp, const char *expr, const char *file,
                                   const xmlNode *where, const char *rule_id, hh_buf *err)
{
    xmlXPathCompExprPtr c = xmlXPathCtxtCompile(xp, BAD_CAST expr);
    if (!c)
        hh_buf_printf(err, "%s:%ld: rule %s: the XPath expression \"%s\" does not compile", file,
                      xmlGetLineNo(where), rule_id, expr);
    return c;
}

/* Compiles the expression of a rule's <context>, <assert> or <at> into `slot`;
 * each may appear once (fuzzing found a second one leaking the first). */
static int compile_once(xmlXPathContextPtr xp, xmlXPathCompExprPtr *slot, const char *expr, const char *file,
                        const xmlNode *where, const char *rule_id, hh_buf *err)
{
    if (*slot) {
        hh_buf_printf(err, "%s:%ld: rule %s: <%s> is given twice; a rule has one", file, xmlGetLineNo(where),
                      rule_id, (const char *)where->name);
        return -1;
    }
    return (*slot = compile(xp, expr, file, where, rule_id, err)) ? 0 : -1;
}

/* Splits "text {expr} text" into segments, compiling each expression. */
static int parse_message(xmlXPathContextPtr xp, const char *text, message *m, const char *file,
                         const xmlNode *where, const char *rule_id, hh_buf *err)
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
            hh_buf_printf(err, "%s:%ld: rule %s: a '{' in a message has no closing '}'", file,
                          xmlGetLineNo(where), rule_id);
            return -1;
        }
        char *expr = hh_xstrndup(open + 1, (size_t)(close - open - 1));
        xmlXPathCompExprPtr c = compile(xp, expr, file, where, rule_id, err);
        free(expr);
        if (!c)
            return -1;
        m->segs[m->n++] = (segment){ NULL, c };
        p = close + 1;
    }
    return 0;
}

static int parse_rule(hh_ruleset *rs, xmlXPathContextPtr xp, xmlNodePtr el, const char *file, hh_buf *err)
{
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
        hh_buf_printf(err, "%s:%ld: a rule needs an id and a severity of error or warning", file,
                      xmlGetLineNo(el));
        return -1;
    }
    for (size_t i = 0; i + 1 < rs->n; i++)
        if (strcmp(rs->rules[i].id, r->id) == 0) {
            hh_buf_printf(err, "%s:%ld: rule id %s is used twice", file, xmlGetLineNo(el), r->id);
            return -1;
        }
    int have_msg[2] = { 0, 0 };
    for (xmlNodePtr c = el->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *text = xmlNodeGetContent(c);
        int rc = 0;
        if (is_rules_element(c, "context"))
            rc = compile_once(xp, &r->context, (const char *)text, file, c, r->id, err);
        else if (is_rules_element(c, "assert"))
            rc = compile_once(xp, &r->test, (const char *)text, file, c, r->id, err);
        else if (is_rules_element(c, "at"))
            rc = compile_once(xp, &r->at, (const char *)text, file, c, r->id, err);
        else if (is_rules_element(c, "message")) {
            xmlChar *lang = xmlNodeGetLang(c);
            hh_lang l;
            if (!lang || hh_lang_parse((const char *)lang, &l) != 0 || have_msg[l]) {
                hh_buf_printf(err, "%s:%ld: rule %s: each message needs xml:lang en or zh, once each",
                              file, xmlGetLineNo(c), r->id);
                rc = -1;
            } else {
                have_msg[l] = 1;
                rc = parse_message(xp, (const char *)text, &r->msg[l], file, c, r->id, err);
            }
            xmlFree(lang);
        } else {
            hh_buf_printf(err, "%s:%ld: rule %s: unexpected element <%s>", file, xmlGetLineNo(c),
                          r->id, (const char *)c->name);
            rc = -1;
        }
        xmlFree(text);
        if (rc)
            return -1;
    }
    if (!r->context || !have_msg[0] || !have_msg[1]) {
        hh_buf_printf(err, "%s:%ld: rule %s needs a context and a message in English and in Chinese",
                      file, xmlGetLineNo(el), r->id);
        return -1;
    }
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

xmlXPathContextPtr hh_rules_new_context(const hh_ruleset *rs)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(NULL);
    if (!xp)
        return NULL;
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
        hh_buf_printf(err, "%s:%d: cannot read the rules file: %s", path, e ? e->line : 0,
                      e && e->message ? e->message : "not well-formed");
        return NULL;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (doc->intSubset || !root || !is_rules_element(root, "rules")) {
        hh_buf_printf(err, "%s: not a rules file (root <rules> in namespace %s, no DOCTYPE)", path, RULES_NS);
        xmlFreeDoc(doc);
        return NULL;
    }
    hh_ruleset *rs = hh_xcalloc(1, sizeof *rs);
    collect_namespaces(rs, root);
    xmlXPathContextPtr xp = hh_rules_new_context(rs);
    size_t count = 0;
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            count++;
    rs->rules = hh_xcalloc(count, sizeof *rs->rules);
    int failed = !xp;
    for (xmlNodePtr c = root->children; c && !failed; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (!is_rules_element(c, "rule")) {
            hh_buf_printf(err, "%s:%ld: unexpected element <%s>; only <rule> belongs here", path,
                          xmlGetLineNo(c), (const char *)c->name);
            failed = 1;
        } else if (parse_rule(rs, xp, c, path, err) != 0) {
            failed = 1;
        }
    }
    if (xp)
        xmlXPathFreeContext(xp);
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
        hh_buf_printf(err, "%s: the rules file is too large", name);
        return NULL;
    }
    return compile_rules(xmlReadMemory(data, (int)len, name, NULL, rules_parse_options), name, err);
}

static void render(const message *m, xmlXPathContextPtr xp, xmlNodePtr node, hh_buf *out)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->segs[i].text) {
            hh_buf_puts(out, m->segs[i].text);
            continue;
        }
        xp->node = node;
        xmlXPathObjectPtr v = xmlXPathCompiledEval(m->segs[i].expr, xp);
        if (v) {
            xmlChar *s = xmlXPathCastToString(v);
            hh_buf_puts(out, (const char *)s);
            xmlFree(s);
            xmlXPathFreeObject(v);
        }
    }
}

static xmlNodePtr locate(const rule *r, xmlXPathContextPtr xp, xmlNodePtr node)
{
    if (!r->at)
        return node;
    xp->node = node;
    xmlXPathObjectPtr v = xmlXPathCompiledEval(r->at, xp);
    xmlNodePtr at = node;
    if (v && v->type == XPATH_NODESET && v->nodesetval && v->nodesetval->nodeNr > 0)
        at = v->nodesetval->nodeTab[0];
    xmlXPathFreeObject(v);
    return at;
}

static void report(const rule *r, xmlXPathContextPtr xp, xmlNodePtr node, const char *file,
                   long fallback_line, hh_diags *d)
{
    hh_buf path, en, zh;
    hh_buf_init(&path);
    hh_buf_init(&en);
    hh_buf_init(&zh);
    xmlNodePtr at = locate(r, xp, node);
    hh_node_path(at, &path);
    render(&r->msg[HH_LANG_EN], xp, node, &en);
    render(&r->msg[HH_LANG_ZH], xp, node, &zh);
    hh_diags_add(d, file, hh_node_line(at, fallback_line), r->severity, r->id, path.data, en.data, zh.data);
    hh_buf_free(&path);
    hh_buf_free(&en);
    hh_buf_free(&zh);
}

void hh_rules_check(const hh_ruleset *rs, xmlXPathContextPtr xp, xmlNodePtr root, const char *file,
                    long fallback_line, hh_diags *d)
{
    hh_xpath_env env = { { 0, 0, 0 }, 0 };
    for (xmlNodePtr c = root->children; c; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "enumeration")) {
            xmlChar *date = xmlGetProp(c, BAD_CAST "date");
            env.has_enumeration = hh_date_parse((const char *)date, false, &env.enumeration);
            xmlFree(date);
        }
    }
    xp->doc = root->doc;
    xp->userData = &env;
    for (size_t i = 0; i < rs->n; i++) {
        const rule *r = &rs->rules[i];
        xp->node = root;
        xmlXPathObjectPtr set = xmlXPathCompiledEval(r->context, xp);
        if (!set)
            continue;
        if (set->type == XPATH_NODESET && set->nodesetval) {
            for (int k = 0; k < set->nodesetval->nodeNr; k++) {
                xmlNodePtr node = set->nodesetval->nodeTab[k];
                if (r->test) {
                    xp->node = node;
                    if (xmlXPathCompiledEvalToBoolean(r->test, xp) == 1)
                        continue;
                }
                report(r, xp, node, file, fallback_line, d);
            }
        }
        xmlXPathFreeObject(set);
    }
    xp->userData = NULL;
    xp->doc = NULL;
    xp->node = NULL;
}
