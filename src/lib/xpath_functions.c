/* xpath_functions.c — XPath 1.0 cannot check a GB 11643 check character or count
 * completed years between dates; these functions do, so the consistency rules stay
 * declarative in the rules file. Invalid input gives NaN or '' rather than an error,
 * so a rule about one item never fails because of another. */
#include "xpath_functions.h"

#include <math.h>
#include <string.h>
#include <libxml/xpathInternals.h>

#include "gb11643.h"

/* An argument as text. A node's text is read in place (no copy); anything else is
 * converted. Call arg_done afterwards. */
typedef struct arg {
    xmlXPathObjectPtr obj;
    xmlChar *owned;
    const char *text;
} arg;

static arg pop_arg(xmlXPathParserContextPtr ctxt)
{
    arg a = { valuePop(ctxt), NULL, "" };
    if (!a.obj)
        return a;
    if (a.obj->type == XPATH_STRING) {
        a.text = (const char *)a.obj->stringval;
    } else if (a.obj->type == XPATH_NODESET && a.obj->nodesetval && a.obj->nodesetval->nodeNr > 0) {
        xmlNodePtr n = a.obj->nodesetval->nodeTab[0];
        xmlNodePtr t = (n->type == XML_ELEMENT_NODE || n->type == XML_ATTRIBUTE_NODE) ? n->children : NULL;
        if (t && t->type == XML_TEXT_NODE && !t->next)
            a.text = (const char *)t->content;
        else
            a.text = (const char *)(a.owned = xmlXPathCastToString(a.obj));
    } else if (a.obj->type != XPATH_NODESET) {
        a.text = (const char *)(a.owned = xmlXPathCastToString(a.obj));
    }
    return a;
}

static void arg_done(xmlXPathParserContextPtr ctxt, arg *a)
{
    (void)ctxt;
    xmlFree(a->owned);
    xmlXPathFreeObject(a->obj);
}

void hh_fn_id_birth(const char *s, char out[11])
{
    hhreg_date d;
    out[0] = '\0';
    if (hh_gb11643_birth(s, &d))
        hh_date_format(d, out);
}

const char *hh_fn_id_sex(const char *s)
{
    char sex = hh_gb11643_sex(s);
    return sex == 'm' ? "male" : sex == 'f' ? "female" : "";
}

double hh_fn_days(const char *s)
{
    hhreg_date d;
    return hhreg_date_parse(s, true, &d) ? (double)hhreg_date_days(d) : NAN;
}

double hh_fn_years(const char *from, const char *to)
{
    hhreg_date a, b;
    if (hhreg_date_parse(from, false, &a) && hhreg_date_parse(to, false, &b))
        return hhreg_date_years(a, b);
    return NAN;
}

double hh_fn_age(const hh_xpath_env *env, const char *birth)
{
    hhreg_date b;
    if (env && env->has_enumeration && hhreg_date_parse(birth, false, &b))
        return hhreg_date_years(b, env->enumeration);
    return NAN;
}

static void fn_id_valid(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    arg s = pop_arg(ctxt);
    valuePush(ctxt, xmlXPathNewBoolean(hh_gb11643_valid(s.text)));
    arg_done(ctxt, &s);
}

static void fn_id_birth(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    arg s = pop_arg(ctxt);
    char text[11];
    hh_fn_id_birth(s.text, text);
    valuePush(ctxt, xmlXPathNewString(BAD_CAST text));
    arg_done(ctxt, &s);
}

static void fn_id_sex(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    arg s = pop_arg(ctxt);
    valuePush(ctxt, xmlXPathNewString(BAD_CAST hh_fn_id_sex(s.text)));
    arg_done(ctxt, &s);
}

static void fn_days(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    arg s = pop_arg(ctxt);
    valuePush(ctxt, xmlXPathNewFloat(hh_fn_days(s.text)));
    arg_done(ctxt, &s);
}

static void fn_years(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(2);
    arg to = pop_arg(ctxt);
    arg from = pop_arg(ctxt);
    valuePush(ctxt, xmlXPathNewFloat(hh_fn_years(from.text, to.text)));
    arg_done(ctxt, &from);
    arg_done(ctxt, &to);
}

static void fn_age(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    arg s = pop_arg(ctxt);
    valuePush(ctxt, xmlXPathNewFloat(hh_fn_age(ctxt->context->userData, s.text)));
    arg_done(ctxt, &s);
}

static void fn_today(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(0);
    char text[11];
    hh_date_format(hh_date_today(), text);
    valuePush(ctxt, xmlXPathNewString(BAD_CAST text));
}

int hh_xpath_register_functions(xmlXPathContextPtr ctxt)
{
    static const struct {
        const char *name;
        xmlXPathFunction fn;
    } table[] = {
        { "id-valid", fn_id_valid }, { "id-birth", fn_id_birth }, { "id-sex", fn_id_sex },
        { "days", fn_days },         { "years", fn_years },       { "age", fn_age },
        { "today", fn_today },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (xmlXPathRegisterFuncNS(ctxt, BAD_CAST table[i].name, BAD_CAST HH_XPATH_NS, table[i].fn))
            return -1;
    return 0;
}
