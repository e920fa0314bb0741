/* entry_typed.c — what a worker types, forgiven and normalised before it becomes an
 * answer (entry.h, hh_entry_parse_typed): dates and months written the ways people
 * write them, document numbers in lower case or full width, phone numbers with
 * dashes, spaces and brackets (as the phone client takes them), codes by their labels in English or
 * Chinese, nationalities by the country's name; items with a form (a pattern in the
 * schema) are checked here with a plain reason instead of the schema's pattern. A
 * reason never quotes what was typed (it may be personal data); it may name codes. */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "entry.h"
#include "entry_session.h"

/* --- dates ------------------------------------------------------------------------------------- */

/* "1942/3/15", "1942-3-15", "1942.3.15", "19420315", "1942年3月15日" (months alike:
 * "2019/6", "201906", "2019年6月") as ISO text in `out`; false when it is none of these. */
static bool iso_date(const char *text, bool month, char out[11])
{
    unsigned y = 0, m = 0, d = 0;
    int used = 0;
    size_t len = strlen(text), digits = strspn(text, "0123456789");
    if (digits == len && len == (month ? 6u : 8u)) {
        if (month ? sscanf(text, "%4u%2u", &y, &m) != 2 : sscanf(text, "%4u%2u%2u", &y, &m, &d) != 3)
            return false;
    } else if (month ? (sscanf(text, "%4u年%2u月%n", &y, &m, &used) == 2 ||
                        sscanf(text, "%4u%*1[-/.]%2u%n", &y, &m, &used) == 2)
                     : (sscanf(text, "%4u年%2u月%2u日%n", &y, &m, &d, &used) == 3 ||
                        sscanf(text, "%4u%*1[-/.]%2u%*1[-/.]%2u%n", &y, &m, &d, &used) == 3)) {
        if ((size_t)used != len || !isdigit((unsigned char)text[0]) || digits != 4)
            return false;
    } else {
        return false;
    }
    if (month)
        snprintf(out, 11, "%04u-%02u", y % 10000, m % 100);
    else
        snprintf(out, 11, "%04u-%02u-%02u", y % 10000, m % 100, d % 100);
    return true;
}

/* --- codes and countries --------------------------------------------------------------------- */

/* Whether `typed` is `name`, ignoring the case of Latin letters. */
static bool same(const char *typed, const char *name)
{
    return name && *name && strcasecmp(typed, name) == 0;
}

/* Whether `typed` is one of the names label `label` joins with '/' or '／' (blanks
 * around each left out), case aside. */
static bool label_part(const char *typed, const char *label)
{
    size_t n = strlen(typed), parts = 0;
    bool found = false;
    for (const char *part = label; part; parts++) {
        const char *slash = strchr(part, '/'), *wide = strstr(part, "\xEF\xBC\x8F"); /* U+FF0F */
        const char *end = slash && (!wide || slash < wide) ? slash : wide;
        const char *from = part, *to = end ? end : part + strlen(part);
        while (from < to && *from == ' ')
            from++;
        while (to > from && to[-1] == ' ')
            to--;
        found |= (size_t)(to - from) == n && strncasecmp(from, typed, n) == 0;
        part = end ? end + (*end == '/' ? 1 : 3) : NULL;
    }
    return found && parts > 1;
}

/* The edit distance of two short ASCII words, transpositions counting one, up to 3. */
static int distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 30 || lb > 30 || (la > lb ? la - lb : lb - la) > 2)
        return 3;
    int d[32][32];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* Whether `typed` nearly names `code` (or its English name): one letter off, two
 * swapped, or the start of the name. */
static bool near(const char *typed, const char *code, const char *name)
{
    size_t n = strlen(typed);
    return distance(typed, code) <= 1 || (name && n >= 3 && strncasecmp(typed, name, n) == 0) ||
           (name && n >= 4 && distance(typed, name) <= 2);
}

/* Adds `code` to the suggestions in `why` (at most five). */
static void suggest(char *why, size_t why_len, const char *code, hh_lang lang, int *count)
{
    if (++*count > 5)
        return;
    size_t used = strlen(why);
    snprintf(why + used, why_len - used, "%s%s", *count > 1 ? hh_text(lang, ", ", "、") : "", code);
}

static const hh_country countries[] = {
#define C(code, en, common, zh) { code, en, common, zh },
#include "countries.def"
    HH_COUNTRIES(C)
#undef C
};

const hh_country *hh_countries(size_t *n)
{
    *n = sizeof countries / sizeof countries[0];
    return countries;
}

bool hh_question_is_country(const hh_question *q)
{
    return q->scope == HH_SCOPE_PERSON && strcmp(q->key, "nationality") == 0;
}

/* The ISO 3166 alpha-3 code of a nationality typed as a code or a country's name. */
static const char *country(const char *typed, hh_lang lang, char *why, size_t why_len)
{
    size_t n = sizeof countries / sizeof countries[0];
    for (size_t i = 0; i < n; i++)
        if (same(typed, countries[i].code) || same(typed, countries[i].en) || same(typed, countries[i].common) ||
            (countries[i].zh[0] && strcmp(typed, countries[i].zh) == 0))
            return countries[i].code;
    snprintf(why, why_len, "%s",
             hh_text(lang, "not a country code or name; did you mean: ", "不是国家代码或名称；是否为："));
    int count = 0;
    for (size_t i = 0; i < n; i++)
        if (near(typed, countries[i].code, countries[i].en) || near(typed, countries[i].code, countries[i].common))
            suggest(why, why_len, countries[i].code, lang, &count);
    if (!count)
        snprintf(why, why_len, "%s",
                 hh_text(lang, "not a country: type its three-letter code (CHN, PAK, …) or its name",
                         "不是国家：请输入三字母代码（CHN、PAK…）或国家名称"));
    return NULL;
}

/* The code of `list` typed as itself or its English or Chinese label (any case), or
 * NULL with the codes it may mean in `why` (nothing in `why` when none is near). */
static const char *code(const hh_code_labels *labels, const char *list, const char *const *codes, const char *typed,
                        hh_lang lang, char *why, size_t why_len)
{
    for (size_t i = 0; codes[i]; i++)
        if (same(typed, codes[i]) || same(typed, hh_code_label(labels, list, codes[i], "en")) ||
            strcmp(typed, hh_code_label(labels, list, codes[i], "zh") ? hh_code_label(labels, list, codes[i], "zh")
                                                                       : "") == 0)
            return codes[i];
    /* one of the names a label joins with a slash ("女婿/儿媳": 儿媳), when it is one code's alone */
    const char *named = NULL;
    int naming = 0;
    for (size_t i = 0; codes[i]; i++)
        if (label_part(typed, hh_code_label(labels, list, codes[i], "en")) ||
            label_part(typed, hh_code_label(labels, list, codes[i], "zh"))) {
            named = codes[i];
            naming++;
        }
    if (naming == 1)
        return named;
    /* a long list is searched: part of a label names a code when it names one alone */
    size_t n_codes = 0, n = strlen(typed);
    while (codes[n_codes])
        n_codes++;
    const char *found = NULL;
    int matches = 0;
    for (size_t i = 0; n_codes > HH_CODE_LIST_LONG && n >= 2 && codes[i]; i++) {
        const char *en = hh_code_label(labels, list, codes[i], "en"), *zh = hh_code_label(labels, list, codes[i], "zh");
        if ((en && strncasecmp(typed, en, n) == 0) || (zh && (unsigned char)typed[0] >= 0x80 && strstr(zh, typed))) {
            found = codes[i];
            matches++;
        }
    }
    if (matches == 1)
        return found;
    int count = 0;
    snprintf(why, why_len, "%s", hh_text(lang, "not one of the list; did you mean: ", "不在列表中；是否为："));
    for (size_t i = 0; codes[i]; i++)
        if (near(typed, codes[i], hh_code_label(labels, list, codes[i], "en")))
            suggest(why, why_len, codes[i], lang, &count);
    if (!count)
        why[0] = '\0';
    return NULL;
}

/* --- items with a form ------------------------------------------------------------------------- */

/* The form of the items whose schema type has a pattern (household-1.xsd), as an
 * extended regular expression, and the plain reason given for text not of that form. */
static const struct {
    hh_q_scope scope;
    const char *key, *form, *en, *zh;
} forms[] = {
    { HH_SCOPE_HOUSEHOLD, "id", "^[0-9]{12}-[0-9]{2}-[0-9]{4}$",
      "a household id is the community code, the grid and a serial: 12 digits-2 digits-4 digits",
      "户编号为社区代码-网格号-序号：12位数字-2位数字-4位数字" },
    { HH_SCOPE_HOUSEHOLD, "district-code", "^[0-9]{6}$", "6 digits", "应为6位数字" },
    { HH_SCOPE_HOUSEHOLD, "street-code", "^[0-9]{9}$", "9 digits", "应为9位数字" },
    { HH_SCOPE_HOUSEHOLD, "community-code", "^[0-9]{12}$", "12 digits", "应为12位数字" },
    { HH_SCOPE_HOUSEHOLD, "phone", "^\\+?[0-9]{5,20}$", "a phone number: 5 to 20 digits, a + before them allowed",
      "电话号码：5 到 20 位数字，可以 + 开头" },
    { HH_SCOPE_PERSON, "phone", "^\\+?[0-9]{5,20}$", "a phone number: 5 to 20 digits, a + before them allowed",
      "电话号码：5 到 20 位数字，可以 + 开头" },
    { HH_SCOPE_HOUSEHOLD, "language", "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$",
      "a language code of two or three letters: zh, en, ur, …", "语言代码为两三个字母：zh、en、ur…" },
    /* a list of those (LanguageList): the codes apart by spaces */
    { HH_SCOPE_PERSON, "languages", "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*( +[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*)*$",
      "language codes of two or three letters, apart by spaces: zh en ur …",
      "语言代码（两三个字母），以空格分开：zh en ur …" },
    { HH_SCOPE_HOUSEHOLD, "enumerator", "^[A-Za-z0-9_.-]{1,32}$",
      "an enumerator id: letters, digits, _ . or - (at most 32)", "普查员编号：字母、数字、_ . -（最多32个）" },
    { HH_SCOPE_VISIT, "enumerator", "^[A-Za-z0-9_.-]{1,32}$",
      "an enumerator id: letters, digits, _ . or - (at most 32)", "普查员编号：字母、数字、_ . -（最多32个）" },
    { HH_SCOPE_PERSON, "document-number", "^[0-9A-Z]{5,30}$", "a document number: 5 to 30 letters and digits",
      "证件号码：5 到 30 个字母或数字" },
};

const char *hh_question_form(const hh_question *q, const char **en, const char **zh)
{
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (forms[i].scope == q->scope && strcmp(forms[i].key, q->key) == 0) {
            *en = forms[i].en;
            *zh = forms[i].zh;
            return forms[i].form;
        }
    return NULL;
}

/* Whether `text` has the form of `q`'s item; false with the plain reason in `why`. */
static bool has_form(const hh_question *q, const char *text, hh_lang lang, char *why, size_t why_len)
{
    const char *en, *zh, *form = hh_question_form(q, &en, &zh);
    if (!form)
        return true;
    regex_t re;
    if (regcomp(&re, form, REG_EXTENDED | REG_NOSUB) != 0)
        return true; /* the schema still checks it */
    bool ok = regexec(&re, text, 0, NULL, 0) == 0;
    regfree(&re);
    if (!ok)
        snprintf(why, why_len, "%s", hh_text(lang, en, zh));
    return ok;
}

/* Whether `text` is text a form can hold: UTF-8 without control characters. An
 * arrow key typed where the terminal does no line editing arrives as an escape
 * sequence; kept, it would fail only when the form is saved. */
static bool is_plain_text(const char *text, hh_lang lang, char *why, size_t why_len)
{
    hh_text_fault fault = hh_text_check(text, false);
    if (fault == HH_TEXT_CONTROL)
        snprintf(why, why_len, "%s",
                 hh_text(lang, "the answer holds a control key (an arrow key, Esc, Tab?): type it again without it",
                         "回答中含有控制键（方向键、Esc、Tab？）：请不用这些键重新输入"));
    else if (fault == HH_TEXT_DIRECTION)
        snprintf(why, why_len, "%s",
                 hh_text(lang, "the answer holds a character that reverses the direction of text, which makes it "
                               "display as other text: type it again without it",
                         "回答中含有改变文字方向的字符，会使其显示为其他内容：请去掉后重新输入"));
    else if (fault == HH_TEXT_NOT_UTF8)
        snprintf(why, why_len, "%s",
                 hh_text(lang, "the answer is not UTF-8 text: set the terminal to UTF-8 and type it again",
                         "回答不是 UTF-8 文本：请将终端设为 UTF-8 后重新输入"));
    return fault == HH_TEXT_OK;
}

/* `text` with the forms of ASCII a Chinese keyboard types made ASCII (util.h:
 * hh_ascii_forms; ５１０…, Ｘ, ＋, （）), and each character of `drop` and each
 * space left out; malloc'd. */
static char *narrowed(const char *text, const char *drop)
{
    char *out = hh_xstrdup(text), *o = out;
    hh_ascii_forms(out, "-+/.()");
    for (const char *p = out; *p; p++)
        if (!(((unsigned char)*p < 0x80 && isspace((unsigned char)*p)) || strchr(drop, *p))) /* UTF-8 kept whatever the locale */
            *o++ = *p;
    *o = '\0';
    return out;
}

char *hh_entry_parse_typed(const hh_question *q, const char *text, const hh_code_labels *labels, bool by_number,
                           hh_lang lang, char *why, size_t why_len)
{
    char buf[64];
    const char **codes = q->kind == HH_Q_CODE && labels ? hh_code_list(labels, q->code_list) : NULL;
    const char *typed = text;
    char *upper = NULL, *value = NULL;
    why[0] = '\0';
    if (!is_plain_text(text, lang, why, why_len))
        goto done;
    if (*text && (q->kind == HH_Q_DATE || q->kind == HH_Q_MONTH) && iso_date(text, q->kind == HH_Q_MONTH, buf))
        typed = buf;
    if (*text && hh_question_is_country(q) &&
        !(typed = country(text, lang, why, why_len)))
        goto done;
    if (*text && q->scope == HH_SCOPE_PERSON && strcmp(q->key, "document-number") == 0) {
        upper = narrowed(text, ""); /* spaces between the groups, as it is read out */
        for (char *c = upper; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        typed = upper;
    }
    if (*text && strcmp(q->key, "phone") == 0) /* 028-8765 4321 as it is written down: 02887654321 */
        typed = upper = narrowed(text, "()-");
    if (*text && codes) {
        char *end;
        long n = strtol(text, &end, 10);
        if (*end || n < 1 || !by_number) { /* not the number of a choice: a code or a label */
            const char *c = code(labels, q->code_list, codes, text, lang, why, why_len);
            if (!c && why[0])
                goto done;
            if (!c && !by_number) { /* a number of no menu the sender saw */
                snprintf(why, why_len, "%s",
                         hh_text(lang, "not a code of the list: give the code itself or its English or Chinese label",
                                 "不是列表中的代码：请给出代码本身或其英文或中文标签"));
                goto done;
            }
            typed = c ? c : text;
        }
    }
    if (*typed && !has_form(q, typed, lang, why, why_len))
        goto done;
    value = hh_entry_parse_answer(q, typed, codes, lang, why, why_len);
done:
    free(upper);
    free(codes);
    return value;
}
