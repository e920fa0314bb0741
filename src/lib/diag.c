/* diag.c — collecting, formatting and printing diagnostics (see diag.h). */
#include "diag.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hh_diags_init(hh_diags *d)
{
    memset(d, 0, sizeof *d);
}

static void diag_free(hh_diag *g)
{
    free(g->file);
    free(g->rule);
    free(g->path);
    free(g->msg_en);
    free(g->msg_zh);
    for (size_t i = 0; i < g->n_also; i++)
        free(g->also[i]);
    free(g->also);
}

void hh_diags_clear(hh_diags *d)
{
    for (size_t i = 0; i < d->n; i++)
        diag_free(&d->items[i]);
    d->n = d->errors = d->warnings = 0;
}

void hh_diags_free(hh_diags *d)
{
    hh_diags_clear(d);
    free(d->items);
    hh_diags_init(d);
}

static hh_diag *push(hh_diags *d, hh_severity sev)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 8;
        d->items = hh_xrealloc(d->items, d->cap * sizeof *d->items);
    }
    if (sev == HH_ERROR)
        d->errors++;
    else
        d->warnings++;
    return &d->items[d->n++];
}

void hh_diags_add(hh_diags *d, const char *file, long line, hh_severity sev,
                  const char *rule, const char *path, const char *en, const char *zh)
{
    hh_diags_take(d, file, line, sev, rule, path, hh_xstrdup(en), hh_xstrdup(zh ? zh : en));
}

void hh_diags_take(hh_diags *d, const char *file, long line, hh_severity sev,
                   const char *rule, const char *path, char *en, char *zh)
{
    hh_diag *g = push(d, sev);
    g->file = hh_xstrdup(file ? file : "-");
    g->line = line;
    g->severity = sev;
    g->rule = hh_xstrdup(rule);
    g->path = hh_xstrdup(path ? path : "");
    g->msg_en = en;
    g->msg_zh = zh;
    g->also = NULL;
    g->n_also = 0;
}

void hh_diags_also(hh_diags *d, const char *path)
{
    hh_diag *g = &d->items[d->n - 1];
    if (strcmp(g->path, path) == 0)
        return;
    for (size_t i = 0; i < g->n_also; i++)
        if (strcmp(g->also[i], path) == 0)
            return;
    g->also = hh_xrealloc(g->also, (g->n_also + 1) * sizeof *g->also);
    g->also[g->n_also++] = hh_xstrdup(path);
}

void hh_diags_move(hh_diags *to, hh_diags *from)
{
    for (size_t i = 0; i < from->n; i++) {
        hh_diag *g = push(to, from->items[i].severity);
        *g = from->items[i];
    }
    from->n = from->errors = from->warnings = 0;
}

const char *hh_diag_message(const hh_diag *g, hh_lang lang)
{
    return lang == HH_LANG_ZH ? g->msg_zh : g->msg_en;
}

static const char *severity_name(hh_severity sev)
{
    return sev == HH_ERROR ? "error" : "warning";
}

/* File names, paths and messages reach the terminal through hh_buf_put_printable:
 * a file named with escape sequences cannot act on the terminal. */
void hh_diag_print(FILE *out, const hh_diag *g, hh_lang lang)
{
    hh_buf line;
    hh_buf_init(&line);
    hh_buf_put_printable(&line, g->file);
    hh_buf_printf(&line, ":%ld: %s: [%s] ", g->line, severity_name(g->severity), g->rule);
    hh_buf_put_printable(&line, g->path);
    hh_buf_puts(&line, *g->path ? ": " : "");
    hh_buf_put_printable(&line, hh_diag_message(g, lang));
    fprintf(out, "%s\n", line.data);
    hh_buf_free(&line);
}

void hh_print_file_problem(FILE *out, const char *who, const char *file, const char *why)
{
    hh_buf line;
    hh_buf_init(&line);
    hh_buf_printf(&line, "%s: ", who);
    hh_buf_put_printable(&line, file);
    hh_buf_puts(&line, ": ");
    hh_buf_put_printable(&line, why);
    fprintf(out, "%s\n", line.data);
    hh_buf_free(&line);
}

void hh_json_messages(hh_json *j, const char *en, const char *zh)
{
    hh_json_object(j, "messages");
    hh_json_str(j, "en", en);
    hh_json_str(j, "zh", zh);
    hh_json_end(j);
}

static void diag_json(hh_json *j, const hh_diag *g, hh_lang lang, bool both)
{
    hh_json_object(j, NULL);
    hh_json_str(j, "file", g->file);
    hh_json_int(j, "line", g->line);
    hh_json_str(j, "severity", severity_name(g->severity));
    hh_json_str(j, "rule", g->rule);
    hh_json_str(j, "path", g->path);
    hh_json_str(j, "message", hh_diag_message(g, lang));
    if (g->n_also) {
        hh_json_array(j, "also");
        for (size_t i = 0; i < g->n_also; i++)
            hh_json_str(j, NULL, g->also[i]);
        hh_json_end(j);
    }
    if (both)
        hh_json_messages(j, hh_diag_message(g, HH_LANG_EN), hh_diag_message(g, HH_LANG_ZH));
    hh_json_end(j);
}

void hh_diag_json(hh_json *j, const hh_diag *g, hh_lang lang)
{
    diag_json(j, g, lang, false);
}

void hh_diag_json_both(hh_json *j, const hh_diag *g, hh_lang lang)
{
    diag_json(j, g, lang, true);
}

int hh_lang_parse(const char *name, hh_lang *out)
{
    if (!strcasecmp(name, "zh") || !strncasecmp(name, "zh_", 3) || !strncasecmp(name, "zh-", 3)) {
        *out = HH_LANG_ZH;
        return 0;
    }
    if (!strcasecmp(name, "en") || !strncasecmp(name, "en_", 3) || !strncasecmp(name, "en-", 3)) {
        *out = HH_LANG_EN;
        return 0;
    }
    return -1;
}

hh_lang hh_lang_from_env(void)
{
    static const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return strncasecmp(v, "zh", 2) == 0 ? HH_LANG_ZH : HH_LANG_EN;
    }
    return HH_LANG_EN;
}

static hh_lang process_reasons = HH_LANG_EN;
static _Thread_local int thread_reasons = -1; /* an hh_lang, or -1: the process's */

void hh_reasons_speak(hh_lang lang)
{
    process_reasons = lang;
}

void hh_reasons_speak_here(hh_lang lang)
{
    thread_reasons = (int)lang;
}

hh_lang hh_reasons_lang(void)
{
    return thread_reasons < 0 ? process_reasons : (hh_lang)thread_reasons;
}

const char *hh_tr(const char *en, const char *zh)
{
    return hh_text(hh_reasons_lang(), en, zh);
}

const char *hh_system_reason(int errnum)
{
    /* the reasons a user meets when a file or directory cannot be used, as glibc's
     * Chinese translation words them */
    static const struct {
        int errnum;
        const char *zh;
    } reasons[] = {
        { ENOENT, "没有那个文件或目录" },  { EACCES, "权限不够" },           { EPERM, "不允许的操作" },
        { EISDIR, "是一个目录" },          { ENOTDIR, "不是目录" },          { EEXIST, "文件已存在" },
        { ENOSPC, "设备上没有空间" },      { EDQUOT, "超出磁盘限额" },       { EROFS, "只读文件系统" },
        { EFBIG, "文件过大" },             { EIO, "输入/输出错误" },         { ENAMETOOLONG, "文件名过长" },
        { ELOOP, "符号连接的层数过多" },   { EMFILE, "打开的文件过多" },     { ENFILE, "系统中打开的文件过多" },
        { ENOMEM, "无法分配内存" },        { EBUSY, "设备或资源忙" },        { ETXTBSY, "文本文件忙" },
        { EAGAIN, "资源暂时不可用" },      { EINVAL, "无效的参数" },         { ENXIO, "没有那个设备或地址" },
        { ENODEV, "没有那个设备" },        { EXDEV, "无效的跨设备链接" },    { ENOTEMPTY, "目录非空" },
        { EADDRINUSE, "地址已在使用" },    { EADDRNOTAVAIL, "无法指定被请求的地址" },
        { ECONNREFUSED, "拒绝连接" },      { EPIPE, "断开的管道" },
    };
    if (hh_reasons_lang() == HH_LANG_ZH)
        for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
            if (reasons[i].errnum == errnum)
                return reasons[i].zh;
    return strerror(errnum);
}

const char *hh_signal_name(int sig)
{
    static const struct {
        int sig;
        const char *zh;
    } names[] = {
        { SIGINT, "中断" },         { SIGTERM, "终止" },         { SIGHUP, "挂断" },     { SIGQUIT, "退出" },
        { SIGKILL, "强制终止" },    { SIGSEGV, "段错误" },       { SIGABRT, "异常中止" }, { SIGBUS, "总线错误" },
        { SIGFPE, "算术运算错误" }, { SIGILL, "非法指令" },      { SIGPIPE, "管道断开" }, { SIGXCPU, "CPU 时间超限" },
        { SIGXFSZ, "文件大小超限" }, { SIGSYS, "不允许的系统调用" },
    };
    if (hh_reasons_lang() == HH_LANG_ZH)
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            if (names[i].sig == sig)
                return names[i].zh;
    return strsignal(sig);
}
