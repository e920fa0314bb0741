/* xpath_functions.c — XPath 1.0 cannot check a GB 11643 check character or count
 * completed years between dates; these functions do, so the consistency rules stay
 * declarative in the rules file. Invalid input gives NaN or '' rather than an error,
 * so a rule about one item never fails because of another. */
#include "xpath_functions.h"

#include <math.h>
#include <string.h>
#include <libxml/xpathInternals.h>

#include "gb11643.h"

static xmlChar *pop_string(xmlXPathParserContextPtr ctxt)
{
    return xmlXPathPopString(ctxt);
}

static void fn_id_valid(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = pop_string(ctxt);
    valuePush(ctxt, xmlXPathNewBoolean(hh_gb11643_valid((const char *)s)));
    xmlFree(s);
}

static void fn_id_birth(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = pop_string(ctxt);
    hh_date d;
    char text[11] = "";
    if (hh_gb11643_birth((const char *)s, &d))
        hh_date_format(d, text);
    valuePush(ctxt, xmlXPathNewString(BAD_CAST text));
    xmlFree(s);
}

static void fn_id_sex(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = pop_string(ctxt);
    char sex = hh_gb11643_sex((const char *)s);
    valuePush(ctxt, xmlXPathNewString(BAD_CAST(sex == 'm' ? "male" : sex == 'f' ? "female" : "")));
    xmlFree(s);
}

static void fn_days(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = pop_string(ctxt);
    hh_date d;
    double v = hh_date_parse((const char *)s, true, &d) ? (double)hh_date_days(d) : NAN;
    valuePush(ctxt, xmlXPathNewFloat(v));
    xmlFree(s);
}

static void fn_years(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(2);
    xmlChar *to = pop_string(ctxt);
    xmlChar *from = pop_string(ctxt);
    hh_date a, b;
    double v = NAN;
    if (hh_date_parse((const char *)from, false, &a) && hh_date_parse((const char *)to, false, &b))
        v = hh_date_years(a, b);
    valuePush(ctxt, xmlXPathNewFloat(v));
    xmlFree(from);
    xmlFree(to);
}

static void fn_age(xmlXPathParserContextPtr ctxt, int nargs)
{
    CHECK_ARITY(1);
    xmlChar *s = pop_string(ctxt);
    const hh_xpath_env *env = ctxt->context->userData;
    hh_date birth;
    double v = NAN;
    if (env && env->has_enumeration && hh_date_parse((const char *)s, false, &birth))
        v = hh_date_years(birth, env->enumeration);
    valuePush(ctxt, xmlXPathNewFloat(v));
    xmlFree(s);
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
