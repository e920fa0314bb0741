/* entry_flow.c — see entry_flow.h.
 *
 * Every answer is checked twice before it is kept: for its kind (a date, a number
 * in range, one of the code list's values), then by validating the whole form as
 * it stands — unanswered items filled with stand-ins — and showing the problems
 * the validator finds at that item, in the words of `hhreg validate`. After each
 * person the form so far is validated with every consistency rule, and an error
 * takes the enumerator back to the items it names. The draft file is rewritten
 * after every answer; a closed terminal or Ctrl-C loses nothing. The checks, the
 * matching of problems to questions, the defaults and saving are the library's
 * (entry_session.h); this file asks, shows and decides where to go next. */
#define _GNU_SOURCE
#include "entry_flow.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dates.h"
#include "entry_line.h"
#include "import.h"
#include "input.h"
#include "messages.h"
#include "store_submissions.h"

#define STOP 1 /* the enumerator quit, or the terminal went away */
#define CONFLICT 3 /* the household changed since the edit began: the session ends, the draft stays */
#define PERSON_REMOVED 4 /* the person being added was removed (remove) */
#define ANOTHER_ID 5 /* a new household's id was taken since it was begun: it took the next, saved again */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    interrupted = sig;
}

/* The text in the session's language; the compiler checks a format in both. */
static const char *tr(const entry_conversation *s, const char *en, const char *zh)
    __attribute__((format_arg(2), format_arg(3)));
static const char *tr(const entry_conversation *s, const char *en, const char *zh)
{
    return hh_text(s->c->lang, en, zh);
}

/* --- opening, drafts ---------------------------------------------------------------------- */

int entry_open(entry_conversation *s, cli *c, const command *cmd, const char *draft_dir, bool saving)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->cmd = cmd;
    s->in = stdin;
    s->out = stdout;
    s->set = cli_load_schemas(c, cmd);
    if (!s->set)
        return EXIT_USAGE;
    s->worker = hh_form_worker_new(s->set, false);
    s->labels = s->set->labels;
    const char *env = getenv("HHREG_DRAFT_DIR");
    s->draft_dir = draft_dir ? hh_xstrdup(draft_dir)
                   : env && *env ? hh_xstrdup(env)
                                 : hh_xasprintf("%s.drafts", c->db_path);
    int rc = EXIT_OK;
    /* before anything is typed: is there a store, and can it be saved to? (listing or
     * dropping drafts never writes to it) */
    hh_store *store = saving ? cli_open_store_to_change(c, cmd) : cli_open_store(c, cmd, false);
    if (!store)
        rc = EXIT_USAGE;
    else
        hh_store_close(store);
    if (rc == EXIT_OK && !s->worker)
        rc = cli_fail(cmd, tr(s, "cannot set up the checks of %s", "无法建立 %s 的检查"), s->set->dir);
    else if (rc == EXIT_OK && mkdir(s->draft_dir, 0700) != 0 && errno != EEXIST)
        rc = cli_fail(cmd, tr(s, "%s: cannot make the draft directory: %s", "%s：无法建立草稿目录：%s"), s->draft_dir,
                      hh_system_reason(errno));
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: a read is interrupted, the draft stays */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    s->line = entry_line_open(s->in, s->out, &interrupted);
    return rc;
}

void entry_close(entry_conversation *s)
{
    hh_answers_free(s->a);
    hh_form_worker_free(s->worker);
    hh_schemaset_free(s->set);
    free(s->draft_dir);
    free(s->draft_path);
    free(s->history);
    entry_line_close(s->line);
    for (size_t i = 0; i < s->n_shown; i++)
        free(s->shown[i]);
    free(s->shown);
}

bool entry_draft_exists(entry_conversation *s, char **what)
{
    struct stat st;
    if (!s->draft_path || stat(s->draft_path, &st) != 0)
        return false;
    int missing;
    hh_buf err;
    hh_buf_init(&err);
    hh_answers *a = st.st_size > 0 ? hh_answers_load(s->draft_path, &missing, &err) : NULL;
    hh_buf_free(&err);
    const char *mode = a ? hh_answer_flag(a, "mode") : NULL;
    char name[128];
    *what = hh_xasprintf("%s, %s", entry_draft_name(s, name, sizeof name), mode ? mode : "enter");
    hh_answers_free(a);
    return true;
}

int entry_load_draft(entry_conversation *s)
{
    int missing;
    hh_buf err;
    hh_buf_init(&err);
    hh_answers_free(s->a);
    struct stat st;
    bool empty = s->draft_path && stat(s->draft_path, &st) == 0 && st.st_size == 0; /* claimed, never saved */
    s->a = empty ? hh_answers_new() : s->draft_path ? hh_answers_load(s->draft_path, &missing, &err) : NULL;
    int rc = s->a ? EXIT_OK
             : !s->draft_path || missing ? cli_fail(s->cmd, tr(s, "there is no draft to resume in %s", "%s 中没有可继续的草稿"),
                                                    s->draft_dir)
                                         : cli_fail(s->cmd, "%s", err.data);
    hh_buf_free(&err);
    return rc;
}

void entry_discard_draft(entry_conversation *s)
{
    if (s->draft_path)
        unlink(s->draft_path);
}

int entry_save_draft(entry_conversation *s)
{
    s->unaccepted = 0; /* an answer was kept */
    hh_buf err;
    hh_buf_init(&err);
    bool claimed = !s->draft_path; /* a new household's first kept answer names its draft */
    int rc = claimed ? entry_draft_claim(s) : EXIT_OK;
    if (rc == EXIT_OK && hh_answers_save(s->a, s->draft_path, &err) != 0) {
        rc = cli_fail(s->cmd, "%s", err.data);
        if (claimed) {
            entry_discard_draft(s);
            free(s->draft_path);
            s->draft_path = NULL;
        }
    }
    hh_buf_free(&err);
    return rc;
}

/* --- reading answers ------------------------------------------------------------------------ */

/* An answer is at most ANSWER_MAX bytes; of a longer line, up to SKIP_MAX more bytes
 * are skipped (the rest counts as the next, again too long, answer). When input is
 * not a terminal, entry stops after UNACCEPTED_MAX answers in a row that kept
 * nothing (empty where one is needed, invalid, too long): endless or empty input
 * such as /dev/zero or `yes ''` must not run forever. */
#define ANSWER_MAX 4096
#define UNACCEPTED_MAX 20

/* The answer to `prompt`, trimmed; NULL at the end of input, on a signal, or
 * after too many answers in a row that kept nothing (s->stopped says why). */
static char *read_answer(entry_conversation *s, const char *prompt)
{
    static char line[ANSWER_MAX + 1];
    for (;;) {
        fflush(s->out);
        if (s->unaccepted >= UNACCEPTED_MAX && !isatty(fileno(s->in))) {
            s->stopped = true;
            return NULL;
        }
        s->unaccepted++; /* until the draft is saved */
        long len = interrupted ? -1 : entry_line_read(s->line, prompt, line, ANSWER_MAX);
        if (len == -1)
            return NULL;
        if (len == -2) {
            fprintf(s->out, "\n  ");
            fprintf(s->out, tr(s, "an answer is at most %d bytes; the line was skipped, type it again\n",
                               "答案最长 %d 字节；该行已跳过，请重新输入\n"),
                    ANSWER_MAX);
            continue;
        }
        entry_line_remember(s->line, line);
        while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
            line[--len] = '\0';
        char *start = line;
        while (*start == ' ' || *start == '\t')
            start++;
        return start;
    }
}

static const char *label_of(const entry_conversation *s, const char *list, const char *code)
{
    const char *l = hh_code_label(s->labels, list, code, s->c->lang == HH_LANG_ZH ? "zh" : "en");
    return l ? l : code;
}

static size_t codes_in(const char **codes)
{
    size_t n = 0;
    while (codes[n])
        n++;
    return n;
}

static void show_choices(entry_conversation *s, const hh_question *q, const char **codes, bool all)
{
    size_t n = codes_in(codes);
    if (n > HH_CODE_LIST_LONG && !all) { /* searched by typing (hh_entry_parse_typed) */
        fprintf(s->out, tr(s, "  (%zu choices: type part of the name, or the code or number; ? lists them)\n",
                           "  （共 %zu 项：输入名称的一部分、代码或序号；输入 ? 列出全部）\n"),
                n);
        return;
    }
    for (size_t i = 0; codes[i]; i++) {
        const char *en = hh_code_label(s->labels, q->code_list, codes[i], "en");
        const char *zh = hh_code_label(s->labels, q->code_list, codes[i], "zh");
        fprintf(s->out, "  %2ld  %s / %s\n", hh_code_menu_number(codes, i),
                s->c->lang == HH_LANG_ZH ? (zh ? zh : codes[i]) : (en ? en : codes[i]),
                s->c->lang == HH_LANG_ZH ? (en ? en : codes[i]) : (zh ? zh : codes[i]));
    }
}

/* --- checking the form ------------------------------------------------------------------------- */

static void print_diag(entry_conversation *s, const hh_diag *g)
{
    fprintf(s->out, "  %s: [%s] %s: %s\n", g->severity == HH_ERROR ? tr(s, "error", "错误") : tr(s, "warning", "警告"),
            g->rule, g->path, hh_diag_message(g, s->c->lang));
}

static void propose_id(entry_conversation *s);

/* ROOM-HELD: another current household of the store lives at the building, unit
 * and room answered. Import only warns; entry refuses it, as the worker at the
 * door can check the room at once. Says so (naming the holder only to the store's
 * owner) and returns true. */
static bool room_taken(entry_conversation *s)
{
    const char *cc = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "community-code"),
               *building = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "building"),
               *unit = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "unit"),
               *room = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "room");
    if (!cc || !building || !unit || !room)
        return false;
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (!store)
        return false;
    char *holder = NULL;
    hh_buf err;
    hh_buf_init(&err);
    int held = hh_store_address_holder(store, cc, building, unit, room, hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "id"),
                                       &holder, &err);
    if (held > 0) {
        hh_diags d;
        hh_diags_init(&d);
        if (hh_store_owned_by_caller(store))
            hh_msg_room_held(&d, "", 0, "address/room", holder);
        else
            hh_msg_room_held_hidden(&d, "", 0, "address/room");
        d.items[0].severity = HH_ERROR; /* refused here */
        print_diag(s, &d.items[0]);
        hh_diags_free(&d);
        fprintf(s->out, "  %s\n", tr(s, "Two households in one room? Tell them apart in the room, such as 101-1 and 101-2.",
                                      "一室两户？请在室号中加以区分，如 101-1 和 101-2。"));
    } else if (held < 0) {
        cli_fail(s->cmd, "%s", err.data);
    }
    free(holder);
    hh_buf_free(&err);
    hh_store_close(store);
    return held > 0;
}

static bool is_room_item(const char *key)
{
    return strcmp(key, "room") == 0 || strcmp(key, "unit") == 0 || strcmp(key, "building") == 0;
}

/* --- going back and elsewhere ------------------------------------------------------------- */

#define DETOUR (-1) /* navigate: a command was carried out; the question is asked again */

/* Whether `q` of `index` is one of the `n` questions of `t`, and every one of them
 * is answered: not a placeholder of the check (a residence not asked yet). */
static bool among_answered(const entry_conversation *s, const hh_entry_target *t, size_t n, const hh_question *q,
                           int index)
{
    bool found = false;
    for (size_t k = 0; k < n; k++) {
        if (!hh_answer(s->a, t[k].scope, t[k].index, t[k].q->key))
            return false;
        found |= t[k].q == q && t[k].index == index;
    }
    return found;
}

/* A warning about one answer as typed (a mobile number a digit short, an age over
 * 105): said as that answer is given, while it can be asked about at the door, and
 * not again when the person is checked (it is listed again before saving). An empty
 * answer's (PHONE-MISSING: a person's phone may still come) waits for saving. */
static bool warns_of_one_answer(entry_conversation *s, const hh_diag *g)
{
    hh_entry_target t[2];
    if (g->severity == HH_ERROR || hh_entry_involved(s->a, g, t, 2) != 1)
        return false;
    const char *v = hh_answer(s->a, t[0].scope, t[0].index, t[0].q->key); /* where the answer is kept */
    return v && *v;
}

/* The form as it stands, with the answer to `q` just given: the number of errors
 * the validator finds at this item (each shown), for `ask` to ask it again.
 * `more_keys`: the questions the same text answered too. An error of several
 * items (a second head) is shown when this answer is one of them, and never
 * refuses it: the worker chooses which to change when the person is checked. */
static size_t form_refuses(entry_conversation *s, const hh_question *q, hh_q_scope scope, int index,
                           const char *const more_keys[2])
{
    hh_diags d;
    hh_diags_init(&d);
    hh_entry_check(s->worker->validator, s->a, true, -1, -1, &d);
    size_t errors = 0;
    const char *roster = hh_answer_flag(s->a, "roster");
    for (size_t i = 0; i < d.n; i++) {
        const hh_diag *g = &d.items[i];
        if (strcmp(g->rule, "MEMBER-COUNT") == 0 && !(roster && strcmp(roster, "done") == 0))
            continue; /* the count is asked before the roster, and held against it once it is closed */
        hh_entry_item r;
        hh_entry_item_of(g->path, &r);
        bool its = hh_entry_item_is(&r, q, index);
        for (int k = 0; k < 2 && more_keys[k] && !its; k++)
            its = hh_entry_item_is(&r, hh_question_find(scope, more_keys[k]), index);
        if (g->severity != HH_ERROR) {
            if (its && warns_of_one_answer(s, g))
                print_diag(s, g);
            continue;
        }
        hh_entry_target t[8];
        size_t involved = hh_entry_involved(s->a, g, t, sizeof t / sizeof t[0]);
        if (its || (involved >= 2 && among_answered(s, t, involved, q, index))) {
            print_diag(s, g);
            errors += its && involved < 2;
        }
    }
    hh_diags_free(&d);
    return errors;
}

/* hhreg visit: the visit goes to the store's visit log, beside the form (store.h),
 * so it is checked on its own: its answers as typed, and a date not after today. */
static bool visit_logged(const entry_conversation *s)
{
    const char *mode = hh_answer_flag(s->a, "mode");
    return mode && strcmp(mode, "visit") == 0;
}

static size_t visit_refused(entry_conversation *s, const hh_question *q, int index)
{
    const char *date = strcmp(q->key, "date") == 0 ? hh_answer(s->a, HH_SCOPE_VISIT, index, "date") : NULL;
    const char *enumerated = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "enumeration-date");
    char today[11];
    hh_date_format(hh_date_today(), today);
    if (date && strcmp(date, today) > 0)
        fprintf(s->out, "  %s\n", tr(s, "A visit's date cannot be after today.", "走访日期不能晚于今天。"));
    else if (date && enumerated && strcmp(date, enumerated) < 0)
        fprintf(s->out, tr(s, "  The form was enumerated on %s: a visit before that is recorded in the form (hhreg edit).\n",
                           "  本表登记日期为 %s：此前的走访应记入本表（hhreg edit）。\n"),
                enumerated);
    else
        return 0;
    return 1;
}

static int ask(entry_conversation *s, const hh_question *q, hh_q_scope scope, int index);
static int check_person(entry_conversation *s, int p);
static int yes_no(entry_conversation *s, const char *en, const char *zh, bool def, bool may_move);

typedef struct review_line {
    const hh_question *q;
    hh_q_scope scope;
    int index;
} review_line;

typedef enum { LIST_QUIET, LIST_ALL, LIST_CHANGED } list_mode;
static size_t list_answers(entry_conversation *s, review_line **lines, list_mode mode);

static void remember_asked(entry_conversation *s, const hh_question *q, hh_q_scope scope, int index)
{
    if (s->n_history) {
        const struct entry_asked *top = &s->history[s->n_history - 1];
        if (top->q == q && top->scope == scope && top->index == index)
            return;
    }
    if (s->n_history == s->cap_history) {
        s->cap_history = s->cap_history ? 2 * s->cap_history : 32;
        s->history = hh_xrealloc(s->history, s->cap_history * sizeof *s->history);
    }
    s->history[s->n_history++] = (struct entry_asked){ q, scope, index };
}

/* The member count, where it was answered, as the roster now is: the worker added
 * or removed a person in the review, which says how many live here. */
static void count_follows_roster(entry_conversation *s)
{
    if (!hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "member-count"))
        return;
    char n[16];
    snprintf(n, sizeof n, "%d", hh_answers_count(s->a, HH_SCOPE_PERSON));
    hh_answer_set(s->a, HH_SCOPE_HOUSEHOLD, 0, "member-count", n);
}

/* Review line `number` (1-based) asked again; *rc its outcome. False when there
 * is no such line. */
static bool change_line(entry_conversation *s, const review_line *lines, size_t n, long number, int *rc)
{
    if (number < 1 || (size_t)number > n)
        return false;
    review_line l = lines[number - 1];
    *rc = ask(s, l.q, l.scope, l.index);
    if (!*rc && l.scope == HH_SCOPE_PERSON && l.index != s->new_person)
        *rc = check_person(s, l.index);
    return true;
}

/* A line that is a number, or -1. */
static long line_number(const char *text)
{
    char *end;
    long n = strtol(text, &end, 10);
    return *text && !*end ? n : -1;
}

/* Person p's questions asked again (each answer offered), then the person checked. */
static int ask_person_again(entry_conversation *s, int p)
{
    int rc = 0;
    size_t n;
    const hh_question *qs = hh_questions(HH_SCOPE_PERSON, &n);
    for (size_t i = 0; i < n && !rc; i++)
        if (hh_question_applies(&qs[i], s->a, p))
            rc = ask(s, &qs[i], HH_SCOPE_PERSON, p);
    if (!rc && p != s->new_person)
        rc = check_person(s, p);
    return rc;
}

/* The review in the middle of entry: any line changed, then back to the question. */
static int review_detour(entry_conversation *s)
{
    for (;;) {
        review_line *lines;
        fprintf(s->out, "\n%s\n", tr(s, "Review (so far)", "核对（目前）"));
        size_t n = list_answers(s, &lines, LIST_ALL);
        char *text = read_answer(s, tr(s, "Number to change, Enter to go on, q quit (the draft is kept): ",
                                       "输入序号修改，回车继续，q 退出（保留草稿）："));
        int rc = 0;
        if (!text || strcmp(text, "q") == 0)
            rc = STOP;
        else if (!*text)
            rc = DETOUR;
        else if (!change_line(s, lines, n, line_number(text), &rc))
            fprintf(s->out, "  %s\n", tr(s, "not a choice", "无此选项"));
        free(lines);
        if (rc)
            return rc;
    }
}

/* The commands a worker may type at any question (docs/hhreg.1, "Guided entry"):
 * back (the answer before), review, go N (review line N), person N (that person's
 * answers, one by one), remove (the person being added). DETOUR when one was
 * carried out, 0 when `text` is an answer, else STOP or an exit code. */
static int navigate(entry_conversation *s, const char *text, const hh_question *q, hh_q_scope scope, int index)
{
    int rc = 0;
    if (strcmp(text, "back") == 0 || strcmp(text, "返回") == 0) {
        while (s->n_history) { /* the last answer kept that is not this question */
            struct entry_asked prev = s->history[--s->n_history];
            if (prev.q == q && prev.scope == scope && prev.index == index)
                continue;
            if (prev.index > hh_answers_count(s->a, prev.scope) && prev.scope != HH_SCOPE_HOUSEHOLD)
                continue; /* a person removed since */
            rc = ask(s, prev.q, prev.scope, prev.index);
            return rc ? rc : DETOUR;
        }
        fprintf(s->out, "  %s\n", tr(s, "there is no earlier answer in this session; 'review' shows them all",
                                      "本次没有更早的回答；输入 review 查看全部"));
        return DETOUR;
    }
    bool to_form = strcmp(text, "review") == 0 || strcmp(text, "核对") == 0 || strncmp(text, "go ", 3) == 0 ||
                   strncmp(text, "person ", 7) == 0;
    if (to_form && visit_logged(s)) {
        fprintf(s->out, "  %s\n", tr(s, "a visit records the visit alone; the form is changed with 'hhreg edit'",
                                      "走访只记录走访；修改住户表请用“hhreg edit”"));
        return DETOUR;
    }
    if (strcmp(text, "review") == 0 || strcmp(text, "核对") == 0)
        return review_detour(s);
    if (strncmp(text, "go ", 3) == 0 && line_number(text + 3) >= 0) {
        review_line *lines;
        size_t n = list_answers(s, &lines, LIST_QUIET);
        if (!change_line(s, lines, n, line_number(text + 3), &rc))
            fprintf(s->out, "  %s %zu\n", tr(s, "the review has lines 1 to", "核对表的序号为 1 至"), n);
        free(lines);
        return rc ? rc : DETOUR;
    }
    if (strncmp(text, "person ", 7) == 0 && line_number(text + 7) >= 0) {
        int p = (int)line_number(text + 7);
        if (p < 1 || p > hh_answers_count(s->a, HH_SCOPE_PERSON) || (p == index && scope == HH_SCOPE_PERSON)) {
            fprintf(s->out, "  %s\n", tr(s, "no such person yet", "尚无此人"));
            return DETOUR;
        }
        rc = ask_person_again(s, p);
        return rc ? rc : DETOUR;
    }
    if (strcmp(text, "remove") == 0 || strcmp(text, "删除") == 0) {
        if (scope != HH_SCOPE_PERSON || index != s->new_person) {
            fprintf(s->out, "  %s\n", tr(s, "only the person being added is removed here; the review at the end "
                                          "removes any person (x N)",
                                          "此处只能删除正在添加的人员；最后的核对中可删除任何人员（x N）"));
            return DETOUR;
        }
        hh_answers_remove_item(s->a, HH_SCOPE_PERSON, index);
        const char *said = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "member-count");
        if (said && atoi(said) > 0) { /* added by mistake: one fewer lives here than was said */
            char n[16];
            snprintf(n, sizeof n, "%d", atoi(said) - 1);
            hh_answer_set(s->a, HH_SCOPE_HOUSEHOLD, 0, "member-count", n);
        }
        hh_answer_set_flag(s->a, "changed", "yes");
        fprintf(s->out, "  %s %d\n", tr(s, "Removed person", "已删除人员"), index);
        return entry_save_draft(s) ? EXIT_USAGE : PERSON_REMOVED;
    }
    return 0;
}

/* --- asking ------------------------------------------------------------------------------------- */

/* Whose question it is, before its prompt: "Person 2 · ", "Visit 1 · ", nothing for the household. */
static void put_whose(entry_conversation *s, hh_buf *b, hh_q_scope scope, int index)
{
    if (scope == HH_SCOPE_PERSON)
        hh_buf_printf(b, "%s %d · ", tr(s, "Person", "人员"), index);
    else if (scope == HH_SCOPE_VISIT && visit_logged(s)) /* its number is the log's, given when stored */
        hh_buf_printf(b, "%s · ", tr(s, "New visit", "新走访"));
    else if (scope == HH_SCOPE_VISIT)
        hh_buf_printf(b, "%s %d · ", tr(s, "Visit", "走访"), index);
}

/* Sets the household's answer `key` back to `value` (NULL: unanswered). */
static void restore(entry_conversation *s, hh_q_scope scope, int index, const char *key, const char *value)
{
    if (value)
        hh_answer_set(s->a, scope, index, key, value);
    else
        hh_answer_unset(s->a, scope, index, key);
}

/* One answer typed that answers the questions after it too: building-unit-room
 * where the building is asked (the unit and room), a resident ID number where the
 * document type is asked (the type is resident-id, the number that one). The value
 * for `q` into *value and the others into more[] for the keys more_keys[] (NULL
 * after the last); false, touching nothing, when `text` is not such an answer. */
static bool answers_more(const hh_question *q, hh_q_scope scope, const char *text, char **value, char *more[2],
                         const char *more_keys[2])
{
    if (scope == HH_SCOPE_HOUSEHOLD && strcmp(q->key, "building") == 0) {
        char *parts[3];
        if (!hh_entry_split_address(text, parts))
            return false;
        *value = parts[0];
        more[0] = parts[1], more[1] = parts[2];
        more_keys[0] = "unit", more_keys[1] = "room";
        return true;
    }
    if (scope == HH_SCOPE_PERSON && strcmp(q->key, "document-type") == 0) {
        /* read as the number is (spaces between its groups, full-width digits, x), and
         * taken by its shape: a wrong check character is then told as ID-CHECKSUM. A
         * resident ID begins with a province's code (1-8); the 2023 foreign permanent
         * residence card's 18 digits begin with 9, and 0 is no area */
        char why[256];
        char *id = hh_entry_parse_typed(hh_question_find(HH_SCOPE_PERSON, "document-number"), text, NULL, false,
                                        HH_LANG_EN, why, sizeof why);
        if (!id || strlen(id) != 18 || strspn(id, "0123456789") < 17 || id[0] < '1' || id[0] > '8' ||
            (!isdigit((unsigned char)id[17]) && id[17] != 'X')) {
            free(id);
            return false;
        }
        *value = hh_xstrdup("resident-id");
        more[0] = id, more[1] = NULL;
        more_keys[0] = "document-number", more_keys[1] = NULL;
        return true;
    }
    return false;
}

static const char *shown(const entry_conversation *s, const hh_question *q, const char *value)
{
    if (q->kind == HH_Q_BOOL)
        return strcmp(value, "true") == 0 ? tr(s, "yes", "是") : tr(s, "no", "否");
    if (q->kind == HH_Q_CODE && *value)
        return label_of(s, q->code_list, value);
    return value;
}

/* What `q` takes and what may be typed instead, for '?' at its prompt. */
static void explain(entry_conversation *s, const hh_question *q)
{
    switch (q->kind) {
    case HH_Q_DATE:
        fprintf(s->out, "  %s", tr(s, "a date: 2026-11-02, 20261102 or 2026年11月2日", "日期：2026-11-02、20261102 或 2026年11月2日"));
        break;
    case HH_Q_MONTH:
        fprintf(s->out, "  %s", tr(s, "a month: 2026-11 or 2026年11月", "月份：2026-11 或 2026年11月"));
        break;
    case HH_Q_INT:
    case HH_Q_DECIMAL:
        fprintf(s->out, tr(s, "  a number from %g to %g", "  %g 至 %g 之间的数"), q->min, q->max);
        break;
    case HH_Q_BOOL:
        fprintf(s->out, "  %s", tr(s, "y (yes) or n (no)", "y（是）或 n（否）"));
        break;
    default: {
        const char *en, *zh;
        if (hh_question_form(q, &en, &zh)) /* a code of digits, a phone, a language tag: its form */
            fprintf(s->out, "  %s", tr(s, en, zh));
        else if (q->max > 0)
            fprintf(s->out, tr(s, "  text of at most %g characters", "  不超过 %g 个字符的文字"), q->max);
        else
            fprintf(s->out, "  %s", tr(s, "text", "文字"));
    }
    }
    fprintf(s->out, "%s\n  %s\n", q->optional ? tr(s, "; Enter skips it", "；回车跳过") : "",
            tr(s, "Enter takes the value in brackets; at any question: back, review, go N, person N",
               "回车接受方括号中的值；任何问题处可输入：返回、核对、go N、person N"));
}

static int ask(entry_conversation *s, const hh_question *q, hh_q_scope scope, int index)
{
    const char **codes = q->kind == HH_Q_CODE ? hh_code_list(s->labels, q->code_list) : NULL;
    const char *previous = hh_answer(s->a, scope, index, q->key);
    char *kept = previous ? hh_xstrdup(previous) : NULL;
    int rc = STOP;
    for (;;) {
        char date[11], why[256] = "";
        const char *def = kept && *kept ? kept : hh_entry_default(s->a, q, index, s->c->enumerator, date);
        if (codes)
            show_choices(s, q, codes, false);
        hh_buf prompt;
        hh_buf_init(&prompt);
        put_whose(s, &prompt, scope, index);
        hh_buf_puts(&prompt, tr(s, q->en, q->zh));
        if (def && *def)
            hh_buf_printf(&prompt, " [%s]", shown(s, q, def));
        else if (q->optional)
            hh_buf_printf(&prompt, " [%s]", tr(s, "Enter to skip", "回车跳过"));
        hh_buf_puts(&prompt, ": ");
        char *text = read_answer(s, prompt.data);
        hh_buf_free(&prompt);
        if (!text)
            break;
        if (codes && strcmp(text, "?") == 0) { /* a short list is shown again at the prompt anyway */
            if (codes_in(codes) > HH_CODE_LIST_LONG)
                show_choices(s, q, codes, true);
            continue;
        }
        if (strcmp(text, "?") == 0 || strcmp(text, "？") == 0) { /* help, never an answer (a name of '?') */
            explain(s, q);
            continue;
        }
        int went = navigate(s, text, q, scope, index);
        if (went == DETOUR)
            continue;
        if (went) {
            rc = went;
            break;
        }
        /* building-unit-room, or a resident ID number: the questions after this one are answered too */
        char *value = NULL, *more[2] = { NULL, NULL }, *before[2] = { NULL, NULL };
        const char *more_keys[2] = { NULL, NULL };
        bool split = answers_more(q, scope, text, &value, more, more_keys);
        for (int k = 0; k < 2 && more_keys[k]; k++) {
            const char *was = hh_answer(s->a, scope, index, more_keys[k]);
            before[k] = was ? hh_xstrdup(was) : NULL;
            hh_answer_set(s->a, scope, index, more_keys[k], more[k]);
            free(more[k]);
        }
        if (!split)
            value = !*text && def && *def ? hh_xstrdup(def)
                                          : hh_entry_parse_typed(q, text, s->labels, true, s->c->lang, why, sizeof why);
        if (!value) {
            fprintf(s->out, "  %s\n", why);
            continue;
        }
        if (codes && *text && codes_in(codes) > HH_CODE_LIST_LONG) /* found by a search: say what */
            fprintf(s->out, "  = %s\n", shown(s, q, value));
        hh_answer_set(s->a, scope, index, q->key, value);
        free(value);
        /* a resident ID number corrected: the sex and birth date taken from the old one follow */
        char *was_sex = NULL, *was_born = NULL;
        bool followed = false;
        if (scope == HH_SCOPE_PERSON && strcmp(q->key, "document-number") == 0 && kept) {
            const char *sex = hh_answer(s->a, scope, index, "sex"), *born = hh_answer(s->a, scope, index, "birth-date");
            was_sex = sex ? hh_xstrdup(sex) : NULL;
            was_born = born ? hh_xstrdup(born) : NULL;
            followed = hh_answers_follow_resident_id(s->a, index, kept);
        }
        size_t errors = scope == HH_SCOPE_VISIT && visit_logged(s) ? visit_refused(s, q, index)
                                                                   : form_refuses(s, q, scope, index, more_keys);
        if (!errors && scope == HH_SCOPE_HOUSEHOLD && is_room_item(q->key) && room_taken(s))
            errors = 1;
        if (errors) {
            if (kept)
                hh_answer_set(s->a, scope, index, q->key, kept);
            else
                hh_answer_unset(s->a, scope, index, q->key);
            for (int k = 0; k < 2 && more_keys[k]; k++) /* the questions after it as they were */
                restore(s, scope, index, more_keys[k], before[k]);
            if (followed) {
                restore(s, scope, index, "sex", was_sex);
                restore(s, scope, index, "birth-date", was_born);
            }
            fprintf(s->out, "  %s\n", tr(s, "please correct it", "请改正"));
            free(before[0]);
            free(before[1]);
            free(was_sex);
            free(was_born);
            continue;
        }
        free(before[0]);
        free(before[1]);
        free(was_sex);
        free(was_born);
        if (followed) {
            const hh_question *q_sex = hh_question_find(HH_SCOPE_PERSON, "sex");
            fprintf(s->out, tr(s, "  = from the ID number: %s, born %s\n", "  = 据证件号码：%s，%s 出生\n"),
                    shown(s, q_sex, hh_answer(s->a, scope, index, "sex")), hh_answer(s->a, scope, index, "birth-date"));
        }
        const char *now = hh_answer(s->a, scope, index, q->key);
        if (!kept || strcmp(kept, now) != 0)
            hh_answer_set_flag(s->a, "changed", "yes");
        if (scope == HH_SCOPE_HOUSEHOLD)
            hh_entry_household_changed(s->a, q->key, kept);
        remember_asked(s, q, scope, index);
        rc = entry_save_draft(s);
        break;
    }
    free(kept);
    free(codes);
    return rc;
}


/* A question the context settles (hh_entry_settled) takes its default without
 * being asked; its line is added to `taken`, shown before the next question. */
static bool settle(entry_conversation *s, const hh_question *q, hh_q_scope scope, int index, hh_buf *taken)
{
    char date[11];
    const char *actor = s->c->enumerator;
    const char *def = hh_entry_settled(s->a, q, index, actor) ? hh_entry_default(s->a, q, index, actor, date) : NULL;
    if (!def)
        return false;
    char *value = hh_xstrdup(def); /* def may be a flag of the answers being changed */
    hh_answer_set(s->a, scope, index, q->key, value);
    if (*value)
        hh_buf_printf(taken, "%s%s: %s", taken->len ? "; " : "", tr(s, q->en, q->zh), shown(s, q, value));
    free(value);
    hh_answer_set_flag(s->a, "changed", "yes");
    return true;
}

/* Shows the settled answers gathered in `taken` (one line) and saves the draft. */
static int show_taken(entry_conversation *s, hh_buf *taken)
{
    if (!taken->len)
        return 0;
    fprintf(s->out, "  %s %s\n", tr(s, "(taken; 'review' changes them)", "（已按上下文填写，可在“核对”中修改）"),
            taken->data);
    hh_buf_reset(taken);
    return entry_save_draft(s);
}

/* Sex and birth date as person `index`'s resident ID says, confirmed with one
 * Enter: 1 when taken, 0 when there is no valid resident ID or the worker says no
 * (both are then asked), STOP. */
static int confirm_from_id(entry_conversation *s, int index)
{
    char birth[11];
    const char *sex = hh_answers_from_resident_id(s->a, index, "sex", birth);
    const char *born = sex ? hh_answers_from_resident_id(s->a, index, "birth-date", birth) : NULL;
    if (!sex || !born || hh_answer(s->a, HH_SCOPE_PERSON, index, "sex") ||
        hh_answer(s->a, HH_SCOPE_PERSON, index, "birth-date"))
        return 0;
    const hh_question *q_sex = hh_question_find(HH_SCOPE_PERSON, "sex");
    char prompt[160];
    snprintf(prompt, sizeof prompt, tr(s, "Person %d · from the ID number: %s, born %s. Right?", "人员 %d · 据证件号码：%s，%s 出生。对吗？"),
             index, shown(s, q_sex, sex), born);
    int yes = yes_no(s, prompt, prompt, true, false); /* its sex and birth date: from the number just typed */
    if (yes <= 0)
        return yes < 0 ? STOP : 0;
    hh_answer_set(s->a, HH_SCOPE_PERSON, index, "sex", sex);
    hh_answer_set(s->a, HH_SCOPE_PERSON, index, "birth-date", born);
    hh_answer_set_flag(s->a, "changed", "yes");
    return entry_save_draft(s) ? EXIT_USAGE : 1;
}

/* The names of the extras of a scope (hh_question_extra) not answered yet for
 * `index`, into `names` ("Phone, Languages spoken, Notes"); whether there are any. */
static bool extras_open(entry_conversation *s, const hh_question *qs, size_t n, hh_q_scope scope, int index,
                        hh_buf *names)
{
    for (size_t i = 0; i < n; i++)
        if (hh_question_extra(&qs[i]) && hh_question_applies(&qs[i], s->a, index) && !hh_answer(s->a, scope, index, qs[i].key))
            hh_buf_printf(names, "%s%s", names->len ? tr(s, ", ", "、") : "", tr(s, qs[i].en, qs[i].zh));
    return names->len > 0;
}

/* The extras of a scope (hh_question_extra) not answered yet: offered in one
 * question (`yes` -1), each asked on yes, else each given its default (or left
 * empty); `yes` 1 or 0: asked, or given their defaults, without that question. */
static int ask_extras(entry_conversation *s, const hh_question *qs, size_t n, hh_q_scope scope, int index, int yes)
{
    hh_buf names;
    hh_buf_init(&names);
    int rc = 0;
    if (extras_open(s, qs, n, scope, index, &names)) {
        char prompt[512];
        snprintf(prompt, sizeof prompt, tr(s, "Also record: %s?", "是否填写：%s？"), names.data);
        if (yes < 0)
            yes = yes_no(s, prompt, prompt, false, true);
        for (size_t i = 0; i < n && !rc && yes >= 0; i++) {
            const hh_question *q = &qs[i];
            if (!hh_question_extra(q) || !hh_question_applies(q, s->a, index) || hh_answer(s->a, scope, index, q->key))
                continue;
            char date[11];
            const char *def = hh_entry_default(s->a, q, index, s->c->enumerator, date);
            if (yes)
                rc = ask(s, q, scope, index);
            else
                hh_answer_set(s->a, scope, index, q->key, def ? def : "");
        }
        rc = yes < 0 ? STOP : rc ? rc : entry_save_draft(s);
    }
    hh_buf_free(&names);
    return rc;
}

/* The run of questions from qs[from] on (before qs[n]) that ask a difficulty
 * (the Washington Group's six), apply and are not answered yet. */
static size_t difficulties_run(entry_conversation *s, const hh_question *qs, size_t from, size_t n, int index)
{
    size_t k = 0;
    while (from + k < n && qs[from + k].code_list && strcmp(qs[from + k].code_list, "DifficultyCode") == 0 &&
           hh_question_applies(&qs[from + k], s->a, index) && !hh_answer(s->a, HH_SCOPE_PERSON, index, qs[from + k].key))
        k++;
    return k;
}

/* The difficulties of person `index` (the run qs[0..k-1]) asked together: each
 * question shown, one digit typed for each in order (spaces allowed), Enter for
 * their defaults; a changed answer is still one review line each. 0, or STOP. */
static int ask_difficulties(entry_conversation *s, const hh_question *qs, size_t k, int index)
{
    const char **codes = hh_code_list(s->labels, qs[0].code_list);
    size_t n_codes = codes_in(codes);
    char defaults[16] = "", date[11];
    for (size_t i = 0; i < k && i + 1 < sizeof defaults; i++) {
        const char *def = hh_entry_default(s->a, &qs[i], index, s->c->enumerator, date);
        defaults[i] = def && strlen(def) == 1 ? def[0] : '1';
    }
    int rc = 0;
    for (;;) {
        fprintf(s->out, " ");
        for (size_t c = 0; c < n_codes; c++)
            fprintf(s->out, " %zu %s", c + 1, label_of(s, qs[0].code_list, codes[c]));
        fprintf(s->out, "\n");
        for (size_t i = 0; i < k; i++)
            fprintf(s->out, "    %zu. %s\n", i + 1, tr(s, qs[i].en, qs[i].zh));
        char *prompt = hh_xasprintf(tr(s, "Person %d · the difficulties, one digit each in this order [%s]: ",
                                       "人员 %d · 以上各项困难程度，按顺序每项一位数字 [%s]："),
                                    index, defaults);
        char *text = read_answer(s, prompt);
        free(prompt);
        if (!text) {
            rc = STOP;
            break;
        }
        int went = navigate(s, text, &qs[0], HH_SCOPE_PERSON, index);
        if (went == DETOUR)
            continue;
        if (went) {
            rc = went;
            break;
        }
        char digits[16];
        size_t got = 0;
        bool ok = true;
        for (const char *t = *text ? text : defaults; *t && ok; t++) {
            if (*t == ' ')
                continue;
            ok = got < k && *t >= '1' && (size_t)(*t - '0') <= n_codes;
            if (ok)
                digits[got++] = *t;
        }
        if (!ok || got != k) {
            fprintf(s->out, tr(s, "  type %zu digits from 1 to %zu, one for each difficulty in order (or Enter)\n",
                               "  请按顺序输入 %zu 位数字（每位 1 至 %zu），或直接回车\n"),
                    k, n_codes);
            continue;
        }
        for (size_t i = 0; i < k; i++) {
            hh_answer_set(s->a, HH_SCOPE_PERSON, index, qs[i].key, codes[digits[i] - '1']);
            if (digits[i] != '1')
                fprintf(s->out, "  = %s: %s\n", tr(s, qs[i].en, qs[i].zh), label_of(s, qs[0].code_list, codes[digits[i] - '1']));
        }
        hh_answer_set_flag(s->a, "changed", "yes");
        remember_asked(s, &qs[0], HH_SCOPE_PERSON, index);
        rc = entry_save_draft(s);
        break;
    }
    free(codes);
    return rc;
}

/* Asks every question of a scope not answered yet that applies: what the context
 * settles is taken and listed, sex and birth date from a resident ID are confirmed
 * together, and the extras are offered together at the end. */
static int ask_missing(entry_conversation *s, hh_q_scope scope, int index)
{
    size_t n;
    const hh_question *qs = hh_questions(scope, &n);
    hh_q_scope stored = scope == HH_SCOPE_AFTER_ROSTER ? HH_SCOPE_HOUSEHOLD : scope;
    hh_buf taken;
    hh_buf_init(&taken);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const hh_question *q = &qs[i];
        if (!hh_question_applies(q, s->a, index) || hh_answer(s->a, stored, index, q->key) || hh_question_extra(q))
            continue;
        if (stored == HH_SCOPE_HOUSEHOLD && strcmp(q->key, "id") == 0)
            propose_id(s);
        if (settle(s, q, stored, index, &taken))
            continue;
        if ((rc = show_taken(s, &taken)) != 0)
            break;
        if (stored == HH_SCOPE_PERSON && strcmp(q->key, "sex") == 0 && (rc = confirm_from_id(s, index)) != 0) {
            rc = rc == 1 ? 0 : rc;
            continue;
        }
        size_t run = stored == HH_SCOPE_PERSON ? difficulties_run(s, qs, i, n, index) : 0;
        if (run > 1) {
            rc = ask_difficulties(s, q, run, index);
            i += run - 1;
            continue;
        }
        rc = ask(s, q, stored, index);
    }
    if (!rc)
        rc = show_taken(s, &taken);
    if (!rc && stored != HH_SCOPE_PERSON) /* a person's are offered once for the roster (roster_extras) */
        rc = ask_extras(s, qs, n, stored, index, -1);
    hh_buf_free(&taken);
    return rc;
}

/* The next free household id of the grid: COMMUNITY-GRID-SERIAL. None is proposed
 * when the store cannot say which is free; where no store can be opened (none made
 * yet), the grid's first. */
static void propose_id(entry_conversation *s)
{
    const char *cc = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "community-code");
    const char *grid = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "grid");
    if (!cc || !grid)
        return;
    char *prefix = hh_xasprintf("%s-%02d-", cc, atoi(grid));
    long serial = 1;
    int rc = 0;
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (store) {
        hh_buf err;
        hh_buf_init(&err);
        if ((rc = hh_store_next_serial(store, prefix, &serial, &err)) != 0)
            cli_fail(s->cmd, "%s", err.data);
        hh_buf_free(&err);
        hh_store_close(store);
    }
    if (rc == 0) {
        char *id = hh_xasprintf("%s%04ld", prefix, serial);
        hh_answer_set_flag(s->a, "proposed-id", id);
        free(id);
    }
    free(prefix);
}

/* Asks again what error `g` involves: its item's question, or the one the worker
 * chooses of the items it compares (entry.h); *asked 0 when no question asks it. */
static int ask_involved(entry_conversation *s, const hh_diag *g, int *asked)
{
    hh_entry_target t[8];
    size_t n = hh_entry_involved(s->a, g, t, 8), pick = 0;
    *asked = n > 0;
    if (n > 1) {
        fprintf(s->out, "%s\n", tr(s, "It involves these items; which one do you change?", "此问题涉及以下各项，请选择要修改的一项："));
        for (size_t i = 0; i < n; i++) {
            hh_buf line;
            hh_buf_init(&line);
            put_whose(s, &line, t[i].scope, t[i].index);
            fprintf(s->out, "  %zu  %s%s\n", i + 1, line.data ? line.data : "", tr(s, t[i].q->en, t[i].q->zh));
            hh_buf_free(&line);
        }
        for (;;) {
            char *text = read_answer(s, "[1]: "), *end;
            if (!text)
                return STOP;
            long k = *text ? strtol(text, &end, 10) : 1;
            if ((!*text || !*end) && k >= 1 && (size_t)k <= n) {
                pick = (size_t)k - 1;
                break;
            }
        }
    }
    return n ? ask(s, t[pick].q, t[pick].scope, t[pick].index) : 0;
}

/* --- a person, checked with every rule -------------------------------------------------------- */

/* Whether error `g`, reported elsewhere (a second head: at the household), names
 * one of person p's answers among the items it compares. */
static bool names_person(entry_conversation *s, const hh_diag *g, int p)
{
    hh_entry_target t[8];
    size_t n = g->severity == HH_ERROR ? hh_entry_involved(s->a, g, t, sizeof t / sizeof t[0]) : 0;
    for (size_t k = 0; k < n; k++)
        if (t[k].scope == HH_SCOPE_PERSON && t[k].index == p)
            return true;
    return false;
}

/* Validates the form up to person p and re-asks what its errors name (at the
 * person, or comparing one of its answers), until none. */
static int check_person(entry_conversation *s, int p)
{
    for (;;) {
        hh_diags d;
        hh_diags_init(&d);
        hh_entry_check(s->worker->validator, s->a, true, p, 0, &d);
        size_t errors = 0;
        const hh_diag *first = NULL;
        for (size_t i = 0; i < d.n; i++) {
            hh_entry_item r;
            hh_entry_item_of(d.items[i].path, &r);
            if (((r.scope != HH_SCOPE_PERSON || r.index != p) && !names_person(s, &d.items[i], p)) ||
                warns_of_one_answer(s, &d.items[i]))
                continue;
            print_diag(s, &d.items[i]);
            if (d.items[i].severity == HH_ERROR && !errors++)
                first = &d.items[i];
        }
        int rc = 0;
        if (first) {
            fprintf(s->out, "%s\n", tr(s, "Please correct:", "请改正："));
            size_t n;
            const hh_question *qs = hh_questions(HH_SCOPE_PERSON, &n);
            int asked = 0;
            rc = ask_involved(s, first, &asked);
            if (!asked) /* a rule naming the person as a whole: go through it again */
                for (size_t i = 0; i < n && rc == 0; i++)
                    if (hh_question_applies(&qs[i], s->a, p))
                        rc = ask(s, &qs[i], HH_SCOPE_PERSON, p);
        }
        hh_diags_free(&d);
        if (rc || !first)
            return rc;
    }
}

/* Asks a yes/no that steers the flow; 1 yes, 0 no, -1 stop. */
/* A yes or no: 1 or 0, -1 to stop. Where `may_move`, the words that move about the
 * form (back, review, go N, person N) do so, as at any question, and it is asked
 * again; -1 too when one of them ends the session. */
static int yes_no(entry_conversation *s, const char *en, const char *zh, bool def, bool may_move)
{
    for (;;) {
        char *prompt = hh_xasprintf("%s [%s]: ", tr(s, en, zh), def ? tr(s, "y", "是") : tr(s, "n", "否"));
        char *text = read_answer(s, prompt);
        free(prompt);
        if (!text)
            return -1;
        if (!*text)
            return def;
        int went = may_move ? navigate(s, text, NULL, HH_SCOPE_HOUSEHOLD, 0) : 0;
        if (went == DETOUR)
            continue;
        if (went)
            return -1;
        char why[128];
        static const hh_question bool_question = { "", HH_SCOPE_HOUSEHOLD, HH_Q_BOOL, "", NULL, "", "", false, 0, 0, HH_WHEN_ALWAYS };
        char *v = hh_entry_parse_answer(&bool_question, text, NULL, s->c->lang, why, sizeof why);
        if (v) {
            int yes = strcmp(v, "true") == 0;
            free(v);
            return yes;
        }
        fprintf(s->out, "  %s\n", why);
    }
}

/* Whether to add item `n` of a list (persons, visits) that `flag` closes: 1 yes,
 * 0 no (the list is closed and saved), an exit code, or STOP. */
static int one_more(entry_conversation *s, const char *flag, int n, const char *first_en, const char *first_zh,
                    const char *more_en, const char *more_zh, bool yes_by_default)
{
    const char *closed = hh_answer_flag(s->a, flag);
    if (closed && strcmp(closed, "done") == 0)
        return 0;
    int more = yes_no(s, n == 1 ? first_en : more_en, n == 1 ? first_zh : more_zh, yes_by_default, true);
    if (more < 0)
        return STOP;
    if (more)
        return 1;
    hh_answer_set_flag(s->a, flag, "done");
    return entry_save_draft(s) ? EXIT_USAGE : 0;
}

/* The persons' extras (phone, languages, notes), offered once for the whole roster
 * when it is closed: on yes, asked of each person (Enter skips one), else left
 * empty; the review changes any of them later. 0, an exit code, or STOP. */
static int roster_extras(entry_conversation *s)
{
    const char *offered = hh_answer_flag(s->a, "roster-extras");
    if (offered && strcmp(offered, "done") == 0)
        return 0;
    size_t n;
    const hh_question *qs = hh_questions(HH_SCOPE_PERSON, &n);
    int persons = hh_answers_count(s->a, HH_SCOPE_PERSON), rc = 0;
    hh_buf names;
    hh_buf_init(&names);
    for (int p = 1; p <= persons && !names.len; p++)
        extras_open(s, qs, n, HH_SCOPE_PERSON, p, &names);
    if (names.len) {
        char prompt[512];
        snprintf(prompt, sizeof prompt, tr(s, "Also record for anyone: %s?", "是否为某人填写：%s？"), names.data);
        int yes = yes_no(s, prompt, prompt, false, true);
        for (int p = 1; p <= persons && !rc && yes >= 0; p++)
            rc = ask_extras(s, qs, n, HH_SCOPE_PERSON, p, yes);
        rc = yes < 0 ? STOP : rc;
    }
    hh_buf_free(&names);
    if (!rc) {
        hh_answer_set_flag(s->a, "roster-extras", "done");
        rc = entry_save_draft(s) ? EXIT_USAGE : 0;
    }
    return rc;
}

/* The roster: persons not finished yet, then as many as the member count says (or,
 * without one, more while the enumerator says so); each person is checked with
 * every rule once complete. */
static int walk_roster(entry_conversation *s)
{
    const char *count = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "member-count");
    int members = count ? atoi(count) : -1;
    for (int p = 1;; p++) {
        if (p > hh_answers_count(s->a, HH_SCOPE_PERSON) && members >= 0) {
            if (p > members) { /* the count says who is left: nobody */
                hh_answer_set_flag(s->a, "roster", "done");
                return entry_save_draft(s) ? EXIT_USAGE : roster_extras(s);
            }
            fprintf(s->out, "%s %d %s %d %s\n", tr(s, "— Person", "— 人员"), p, tr(s, "of", "/"), members,
                    tr(s, "('remove' takes this person out again)", "（输入 删除 可撤销此人）"));
            s->new_person = p;
        } else if (p > hh_answers_count(s->a, HH_SCOPE_PERSON)) {
            /* the first person at once where someone answered, then no by default: a person added by
             * mistake costs a 'remove' */
            const char *status = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "status");
            bool answered = !status || strcmp(status, "complete") == 0 || strcmp(status, "partial") == 0;
            int more = p == 1 && answered ? 1
                                          : one_more(s, "roster", p, "Enter the first person?", "录入第一位人员？",
                                                     "Add another person?", "继续添加人员？", false);
            if (more != 1)
                return more ? more : roster_extras(s);
            fprintf(s->out, "%s %d %s\n", tr(s, "— Person", "— 人员"), p,
                    tr(s, "('remove' takes this person out again)", "（输入 删除 可撤销此人）"));
            s->new_person = p;
        }
        char checked_key[32];
        snprintf(checked_key, sizeof checked_key, "checked-%d", p);
        int rc = ask_missing(s, HH_SCOPE_PERSON, p);
        if (!rc && !hh_answer_flag(s->a, checked_key))
            rc = check_person(s, p);
        s->new_person = 0;
        if (rc == PERSON_REMOVED) {
            p--; /* the same number is the next person's */
            count = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "member-count"); /* one fewer, as 'remove' set it */
            members = count ? atoi(count) : -1;
            continue;
        }
        if (rc)
            return rc;
        hh_answer_set_flag(s->a, checked_key, "yes");
        if (entry_save_draft(s))
            return EXIT_USAGE;
    }
}

/* The visits: a new household's first is the registration's own, taken whole
 * (hh_entry_settled); more are added from the review (v). */
static int walk_visits(entry_conversation *s)
{
    if (!hh_answer_flag(s->a, "mode") && hh_answers_count(s->a, HH_SCOPE_VISIT) == 0 && !hh_answer_flag(s->a, "visits")) {
        hh_answer_set_flag(s->a, "registration-visit", "yes");
        int rc = ask_missing(s, HH_SCOPE_VISIT, 1);
        hh_answer_set_flag(s->a, "registration-visit", NULL);
        hh_answer_set_flag(s->a, "visits", "done");
        return rc ? rc : entry_save_draft(s);
    }
    for (int v = 1;; v++) {
        if (v > hh_answers_count(s->a, HH_SCOPE_VISIT)) {
            int more = one_more(s, "visits", v, "Record a visit?", "记录一次走访？", "Record another visit?",
                                "再记录一次走访？", v == 1);
            if (more != 1)
                return more;
        }
        int rc = ask_missing(s, HH_SCOPE_VISIT, v);
        if (rc)
            return rc;
    }
}

/* --- review and saving ---------------------------------------------------------------------------- */

/* Whether `text` was among the lines the last listing printed. */
static bool shown_before(const entry_conversation *s, const char *text)
{
    for (size_t i = 0; i < s->n_shown; i++)
        if (strcmp(s->shown[i], text) == 0)
            return true;
    return false;
}

/* The review's lines (`lines`, malloc'd): every answer of a question that applies,
 * numbered. LIST_ALL prints them all; LIST_CHANGED only those not printed the last
 * time (a changed answer, a person added), so the review is read once. */
static size_t list_answers(entry_conversation *s, review_line **lines, list_mode mode)
{
    size_t n = 0, cap = 0, changed = 0;
    *lines = NULL;
    char **now = NULL;
    int persons = hh_answers_count(s->a, HH_SCOPE_PERSON), visits = hh_answers_count(s->a, HH_SCOPE_VISIT);
    struct {
        hh_q_scope scope;
        int from, to;
    } parts[] = { { HH_SCOPE_HOUSEHOLD, 0, 0 }, { HH_SCOPE_PERSON, 1, persons },
                  { HH_SCOPE_AFTER_ROSTER, 0, 0 }, { HH_SCOPE_VISIT, 1, visits } };
    for (size_t part = 0; part < 4; part++)
        for (int index = parts[part].from; index <= parts[part].to; index++) {
            size_t count;
            const hh_question *qs = hh_questions(parts[part].scope, &count);
            hh_q_scope stored = parts[part].scope == HH_SCOPE_AFTER_ROSTER ? HH_SCOPE_HOUSEHOLD : parts[part].scope;
            const char *whose = stored == HH_SCOPE_PERSON  ? tr(s, "Person", "人员")
                                : stored == HH_SCOPE_VISIT ? tr(s, "Visit", "走访")
                                                           : NULL;
            if (mode == LIST_ALL && whose)
                fprintf(s->out, "— %s %d\n", whose, index);
            for (size_t i = 0; i < count; i++) {
                if (!hh_question_applies(&qs[i], s->a, index))
                    continue;
                const char *v = hh_answer(s->a, stored, index, qs[i].key);
                const char *value = v ? shown(s, &qs[i], v) : "—", *label = tr(s, qs[i].en, qs[i].zh);
                if (n == cap) {
                    cap = cap ? cap * 2 : 64;
                    *lines = hh_xrealloc(*lines, cap * sizeof **lines);
                    now = hh_xrealloc(now, cap * sizeof *now);
                }
                (*lines)[n] = (review_line){ &qs[i], stored, index };
                now[n++] = whose ? hh_xasprintf("%s %d · %s: %s", whose, index, label, value)
                                 : hh_xasprintf("%s: %s", label, value);
                if (mode == LIST_ALL)
                    fprintf(s->out, "%4zu  %s: %s\n", n, label, value);
                else if (mode == LIST_CHANGED && !shown_before(s, now[n - 1]) && ++changed)
                    fprintf(s->out, "%4zu  %s\n", n, now[n - 1]);
            }
        }
    if (mode == LIST_CHANGED && !changed)
        fprintf(s->out, "  %s\n", tr(s, "(nothing changed since the list above; l lists it again)",
                                     "（自上次列出后没有改动；输入 l 再次列出）"));
    char **drop = mode == LIST_QUIET ? now : s->shown;
    size_t n_drop = mode == LIST_QUIET ? n : s->n_shown;
    for (size_t i = 0; i < n_drop; i++)
        free(drop[i]);
    free(drop);
    if (mode != LIST_QUIET) {
        s->shown = now;
        s->n_shown = n;
    }
    return n;
}

/* What the enumerator can do when the store moved on while editing. */
static void explain_conflict(entry_conversation *s, const char *id)
{
    fprintf(s->out, tr(s, "Your answers are kept in the draft (%s). See what changed with 'hhreg history %s' and "
                          "'hhreg show %s'; then either save your answers over it with 'hhreg edit %s --resume --force', "
                          "or drop the draft with 'hhreg enter --discard %s' and edit the current revision with "
                          "'hhreg edit %s'.\n",
                       "您的回答保留在草稿中（%s）。用“hhreg history %s”和“hhreg show %s”查看改动；然后可用"
                       "“hhreg edit %s --resume --force”以您的回答覆盖，或用“hhreg enter --discard %s”放弃草稿，"
                       "再用“hhreg edit %s”修改当前版本。\n"),
            s->draft_path, id, id, id, id, id);
}

/* A new household whose id another took since it was begun (two drafts of a grid
 * are given the same next id; the other was saved first): the id it was given
 * moves on to the grid's next free one, said, and the form is saved again
 * (ANOTHER_ID); an id the worker typed is theirs to change in the review (1). */
static int id_taken(entry_conversation *s, const char *id)
{
    const char *proposed = hh_answer_flag(s->a, "proposed-id");
    char *taken = hh_xstrdup(id);
    int rc = 1;
    if (proposed && strcmp(proposed, taken) == 0) {
        propose_id(s);
        proposed = hh_answer_flag(s->a, "proposed-id");
    }
    if (proposed && strcmp(proposed, taken) != 0) {
        hh_answer_set(s->a, HH_SCOPE_HOUSEHOLD, 0, "id", proposed);
        fprintf(s->out, tr(s, "%s was given to another household since this one was begun: this one takes %s.\n",
                           "%s 在此户开始登记后已分给另一户：此户改用 %s。\n"),
                taken, proposed);
        rc = entry_save_draft(s) ? EXIT_USAGE : ANOTHER_ID;
    } else {
        fprintf(s->out, "%s\n", tr(s, "Give this household another id in the review (Household id).",
                                   "请在复核中为此户另设编号（住户编号）。"));
    }
    free(taken);
    return rc;
}

/* Stores the checked form through the importer (entry_save.c); 0 (stored when
 * *stored, else refused: the messages were shown), CONFLICT, ANOTHER_ID, 1 (a
 * new household's id typed by the worker is taken), or an exit code. */
static int store_form(entry_conversation *s, hh_form_result *form, bool *stored)
{
    *stored = false;
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (!store)
        return EXIT_USAGE;
    const char *base = hh_answer_flag(s->a, "base-revision"), *id = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "id");
    bool begun_new = !hh_answer_flag(s->a, "mode"); /* enter's, not edit's or visit's */
    hh_entry_save_options opt = { s->c->actor, s->c->lang, s->out, base ? atoi(base) : 0, begun_new };
    hh_entry_saved saved = hh_entry_save(store, s->set, form, &opt);
    hh_store_close(store);
    switch (saved) {
    case HH_ENTRY_STORED:
    case HH_ENTRY_REVISED:
        *stored = true;
        fprintf(s->out, "%s %s %s\n", saved == HH_ENTRY_STORED ? tr(s, "Stored the new household", "已保存新住户")
                                                              : tr(s, "Stored a new revision of", "已保存新版本："),
                id, form->diags.warnings ? tr(s, "(with its warnings)", "（含警告）") : "");
        return EXIT_OK;
    case HH_ENTRY_UNCHANGED:
        *stored = true;
        fprintf(s->out, "%s %s\n", tr(s, "Nothing changed; the store keeps", "没有改动，保留"), id);
        return EXIT_OK;
    case HH_ENTRY_CONFLICT:
        if (begun_new)
            return id_taken(s, id);
        explain_conflict(s, id);
        return CONFLICT;
    case HH_ENTRY_REFUSED:
        fprintf(s->out, "%s\n", tr(s, "The store refused the form (see above); the draft is kept.",
                                  "存储拒绝了此表（见上）；草稿已保留。"));
        return EXIT_OK;
    case HH_ENTRY_FAILED:
        break;
    }
    return EXIT_USAGE; /* the importer said why */
}

/* Remembers this household's address for the next one (estate, building, unit…). */
static void remember_address(entry_conversation *s)
{
    hh_answers *next = hh_entry_address_of(s->a);
    char *path = hh_xasprintf("%s/last-address", s->draft_dir);
    hh_buf err;
    hh_buf_init(&err);
    hh_answers_save(next, path, &err);
    hh_buf_free(&err);
    free(path);
    hh_answers_free(next);
}

/* The warnings kept with the revision an edit or visit started from. */
typedef struct kept_warnings {
    char **rule_path; /* "RULE path" */
    size_t n;
} kept_warnings;

static void keep_warning(const char *rule, const char *path, const char *en, const char *zh, void *arg)
{
    (void)en, (void)zh;
    kept_warnings *k = arg;
    k->rule_path = hh_xrealloc(k->rule_path, (k->n + 1) * sizeof *k->rule_path);
    k->rule_path[k->n++] = hh_xasprintf("%s %s", rule, path);
}

/* Whether every warning in `d` was accepted before: kept with the revision this
 * edit or visit started from, for the same rule at the same item. Such warnings
 * are not asked about again. */
static bool warnings_accepted_before(entry_conversation *s, const hh_diags *d)
{
    const char *base = hh_answer_flag(s->a, "base-revision"), *id = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "id");
    if (!base || !id || !d->warnings)
        return false;
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (!store)
        return false;
    kept_warnings k = { NULL, 0 };
    hh_buf err;
    hh_buf_init(&err);
    bool all = hh_store_warnings(store, id, atoi(base), keep_warning, &k, &err) == 0;
    hh_store_close(store);
    for (size_t i = 0; i < d->n && all; i++) {
        if (d->items[i].severity != HH_WARNING)
            continue;
        char *key = hh_xasprintf("%s %s", d->items[i].rule, d->items[i].path);
        bool found = false;
        for (size_t j = 0; j < k.n && !found; j++)
            found = strcmp(k.rule_path[j], key) == 0;
        free(key);
        all = found;
    }
    for (size_t j = 0; j < k.n; j++)
        free(k.rule_path[j]);
    free(k.rule_path);
    hh_buf_free(&err);
    return all;
}

/* Reads the whole form once into `form`, as the importer reads a file (the result
 * is what is stored), and shows its problems; 0 when it may be saved, 1 when an
 * item was re-asked (or the enumerator declined the warnings), STOP. Warnings
 * `accepted` (the same form's, under another id) are not asked about again. */
static int check_form(entry_conversation *s, hh_form_result *form, bool accepted)
{
    const char *mode = hh_answer_flag(s->a, "mode");
    char *name = hh_xasprintf("hhreg %s", mode ? mode : "enter"); /* the revision's source */
    hh_entry_form(s->worker, s->a, name, form);
    free(name);
    const hh_diags *d = &form->diags;
    for (size_t i = 0; i < d->n; i++)
        print_diag(s, &d->items[i]);
    int rc = 0;
    if (!d->errors && room_taken(s)) { /* taken meanwhile, or answered before this check */
        rc = ask(s, hh_question_find(HH_SCOPE_HOUSEHOLD, "room"), HH_SCOPE_HOUSEHOLD, 0);
        return rc ? rc : 1;
    }
    if (d->errors) {
        fprintf(s->out, "%s\n", tr(s, "Errors must be fixed before saving:", "保存前须改正错误："));
        int asked = 0;
        for (size_t i = 0; i < d->n; i++)
            if (d->items[i].severity == HH_ERROR) {
                rc = ask_involved(s, &d->items[i], &asked);
                break;
            }
        if (!asked)
            fprintf(s->out, "%s\n", tr(s, "Choose the item to change from the list.", "请在列表中选择要修改的项。"));
        rc = rc ? rc : 1;
    } else if (warnings_accepted_before(s, d)) {
        fprintf(s->out, "%s\n", tr(s, "(these warnings were accepted before: not asked again)",
                                   "（这些警告此前已确认，不再询问）"));
    } else if (d->warnings && !accepted) {
        int yes = yes_no(s, "Save with these warnings?", "带警告保存？", true, false); /* no: back to the review */
        rc = yes < 0 ? STOP : yes ? 0 : 1;
    }
    return rc;
}

/* Checks the whole form and stores it when it may be saved: 0 (stored when
 * *stored), 1 when an item was re-asked or the warnings declined, CONFLICT, STOP,
 * or an exit code. */
static int save(entry_conversation *s, bool *stored)
{
    *stored = false;
    int rc;
    bool again = false;
    do {
        hh_form_result form;
        hh_form_result_init(&form);
        rc = check_form(s, &form, again);
        if (rc == 0)
            rc = store_form(s, &form, stored);
        hh_form_result_free(&form);
        again = true;
    } while (rc == ANOTHER_ID);
    return rc;
}

/* Person `p` added from the review ('p'), asked item by item and checked; the draft
 * names it ("adding") until it is whole, so a session stopped half way through it
 * goes on with its questions, not to a review of a person half answered that the
 * schema refuses item by item. */
static int add_person(entry_conversation *s, int p, bool continued)
{
    char number[16];
    snprintf(number, sizeof number, "%d", p);
    hh_answer_set_flag(s->a, "adding", number);
    fprintf(s->out, "%s %d%s\n", tr(s, "— Person", "— 人员"), p, continued ? tr(s, " (continued)", "（续）") : "");
    s->new_person = p;
    int rc = ask_missing(s, HH_SCOPE_PERSON, p);
    if (!rc)
        rc = check_person(s, p);
    s->new_person = 0;
    rc = rc == PERSON_REMOVED ? 0 : rc;
    if (rc == STOP)
        return rc; /* the draft still names the person: continued when resumed */
    hh_answer_set_flag(s->a, "adding", NULL);
    if (!rc) {
        count_follows_roster(s);
        rc = entry_save_draft(s) ? EXIT_USAGE : 0;
    }
    return rc;
}

static int review(entry_conversation *s)
{
    hh_answer_set_flag(s->a, "stage", "review");
    if (entry_save_draft(s))
        return EXIT_USAGE;
    const char *adding = hh_answer_flag(s->a, "adding");
    int half_added = adding ? atoi(adding) : 0; /* a person added here when the session stopped */
    if (half_added >= 1 && half_added <= hh_answers_count(s->a, HH_SCOPE_PERSON)) {
        int rc = add_person(s, half_added, true);
        if (rc)
            return rc;
    } else if (adding) {
        hh_answer_set_flag(s->a, "adding", NULL); /* removed since */
    }
    bool enter_saves = true; /* until the store refuses the form: then Enter would only try again */
    bool relist = false;
    for (bool all = true;; all = relist, relist = false) {
        if (!hh_answer_flag(s->a, "roster")) { /* opened again: somebody answered where nobody had */
            int rc = ask_missing(s, HH_SCOPE_HOUSEHOLD, 0);
            if (!rc)
                rc = walk_roster(s);
            if (!rc)
                rc = ask_missing(s, HH_SCOPE_AFTER_ROSTER, 0);
            if (rc)
                return rc;
            all = true;
        }
        review_line *lines;
        fprintf(s->out, "\n%s\n", all ? tr(s, "Review", "核对") : tr(s, "Review: what changed", "核对：改动之处"));
        size_t n = list_answers(s, &lines, all ? LIST_ALL : LIST_CHANGED);
        char *prompt = hh_xasprintf("%s%s: ", tr(s, "Number to change, p add a person, x N remove person N, v add a visit, "
                                                    "l list all, s save, q quit (the draft is kept)",
                                                "输入序号修改，p 添加人员，x N 删除第N人，v 添加走访，l 全部列出，s 保存，q 退出（保留草稿）"),
                                    enter_saves ? " [s]" : "");
        const char *text = read_answer(s, prompt);
        free(prompt);
        int rc = 0;
        if (!text || strcmp(text, "q") == 0) {
            free(lines);
            return STOP;
        }
        if (!*text && enter_saves) /* Enter saves, as the brackets say */
            text = "s";
        if (strcmp(text, "l") == 0) {
            for (size_t i = 0; i < s->n_shown; i++) /* nothing counts as shown: all listed again */
                free(s->shown[i]);
            s->n_shown = 0;
        } else if (change_line(s, lines, n, line_number(text), &rc) ||
                   (strncmp(text, "go ", 3) == 0 && change_line(s, lines, n, line_number(text + 3), &rc))) {
            enter_saves = true; /* a number, or go N as at any question */
        } else if (strncmp(text, "person ", 7) == 0 && line_number(text + 7) >= 1 &&
                   line_number(text + 7) <= hh_answers_count(s->a, HH_SCOPE_PERSON)) {
            rc = ask_person_again(s, (int)line_number(text + 7));
            enter_saves = true;
        } else if (strcmp(text, "p") == 0) {
            rc = add_person(s, hh_answers_count(s->a, HH_SCOPE_PERSON) + 1, false);
        } else if (text[0] == 'x' && atoi(text + 1) >= 1 && atoi(text + 1) <= hh_answers_count(s->a, HH_SCOPE_PERSON)) {
            hh_answers_remove_item(s->a, HH_SCOPE_PERSON, atoi(text + 1));
            count_follows_roster(s);
            hh_answer_set_flag(s->a, "changed", "yes");
            fprintf(s->out, "  %s %d\n", tr(s, "Removed person", "已删除人员"), atoi(text + 1));
            relist = true; /* the lines after it are numbered anew */
            rc = entry_save_draft(s);
        } else if (strcmp(text, "v") == 0) {
            rc = ask_missing(s, HH_SCOPE_VISIT, hh_answers_count(s->a, HH_SCOPE_VISIT) + 1);
        } else if (strcmp(text, "s") == 0 && !hh_answer_flag(s->a, "changed")) {
            fprintf(s->out, "%s\n", tr(s, "Nothing was changed; the stored revision stays current.",
                                       "没有修改；保留当前版本。"));
            entry_discard_draft(s);
            free(lines);
            return EXIT_OK;
        } else if (strcmp(text, "s") == 0) {
            bool stored;
            rc = save(s, &stored);
            if (rc == 0 && stored) {
                remember_address(s);
                entry_discard_draft(s);
                free(lines);
                return EXIT_OK;
            }
            enter_saves = rc != 0; /* refused by the store: nothing re-asked, so Enter stops saving */
            rc = rc == 1 ? 0 : rc;
        } else {
            fprintf(s->out, "  %s\n", tr(s, "not a choice", "无此选项"));
        }
        free(lines);
        if (rc)
            return rc;
    }
}

/* Defaults remembered from the last household entered (estate, building, unit…). */
static void load_remembered(entry_conversation *s)
{
    char *path = hh_xasprintf("%s/last-address", s->draft_dir);
    int missing;
    hh_buf err;
    hh_buf_init(&err);
    hh_answers *last = hh_answers_load(path, &missing, &err);
    if (last)
        hh_entry_offer_address(s->a, last);
    hh_answers_free(last);
    hh_buf_free(&err);
    free(path);
}

/* hhreg visit: the visit's questions, then the visit into the store's visit log.
 * The form is not touched: not its enumeration date (ages stay counted on it), not
 * its review, and its warnings are not asked again. */
static int record_visit(entry_conversation *s)
{
    int v = atoi(hh_answer_flag(s->a, "visit-index"));
    int rc = ask_missing(s, HH_SCOPE_VISIT, v);
    if (rc)
        return rc;
    hh_visit visit;
    memset(&visit, 0, sizeof visit);
    size_t n;
    const hh_item *items = hh_items_of(HH_ITEM_VISIT, &n);
    for (size_t k = 0; k < n; k++) { /* every visit item is text (items.def) */
        const char *answer = hh_answer(s->a, HH_SCOPE_VISIT, v, items[k].key);
        *(const char **)hh_item_at(&items[k], &visit) = answer && *answer ? answer : NULL;
    }
    const char *id = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "id");
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (!store)
        return EXIT_USAGE;
    hh_buf err;
    hh_buf_init(&err);
    int seq = 0, logged = hh_store_log_visit(store, id, &visit, s->c->actor, &seq, &err);
    hh_store_close(store);
    if (logged == 0) {
        fprintf(s->out, "%s %s (%s %d)\n", tr(s, "Recorded the visit to", "已记录走访："), id,
                tr(s, "visit log, entry", "走访记录第"), seq);
        entry_discard_draft(s);
    } else {
        rc = cli_fail(s->cmd, "%s (%s)", err.data,
                      tr(s, "the draft is kept: hhreg visit --resume", "草稿已保留：hhreg visit --resume"));
    }
    hh_buf_free(&err);
    return rc;
}

int entry_run(entry_conversation *s)
{
    if (!s->a)
        s->a = hh_answers_new();
    load_remembered(s);
    const char *stage = hh_answer_flag(s->a, "stage"), *mode = hh_answer_flag(s->a, "mode");
    bool reviewing = stage && strcmp(stage, "review") == 0;
    int rc = 0;
    if (!reviewing && mode && strcmp(mode, "visit") == 0) {
        rc = record_visit(s);
    } else {
        if (!reviewing) {
            fprintf(s->out, "%s\n", tr(s, "(Enter accepts the value in brackets; the draft is saved after every answer. "
                                          "At any question: back, review, go N, person N.)",
                                       "（回车接受方括号中的值；每答一题草稿即保存。任何问题处可输入："
                                       "返回、核对、go N（改第N行）、person N（改第N人）。）"));
            rc = ask_missing(s, HH_SCOPE_HOUSEHOLD, 0);
            if (!rc)
                rc = walk_roster(s);
            if (!rc)
                rc = ask_missing(s, HH_SCOPE_AFTER_ROSTER, 0);
            if (!rc)
                rc = walk_visits(s);
        }
        if (!rc)
            rc = review(s);
    }
    if (rc == CONFLICT)
        return EXIT_PROBLEMS;
    char name[128];
    entry_draft_name(s, name, sizeof name);
    if (rc == STOP && s->stopped) {
        char why[512];
        if (*name)
            snprintf(why, sizeof why,
                     tr(s, "%d answers in a row were not accepted and the input is not a terminal: stopped; the "
                           "answers kept so far are in the draft (hhreg %s --resume %s)",
                        "连续 %d 个回答未被接受，且输入不是终端：已停止；已接受的回答保存在草稿中（hhreg %s --resume %s）"),
                     UNACCEPTED_MAX, s->cmd->name, name);
        else
            snprintf(why, sizeof why,
                     tr(s, "%d answers in a row were not accepted and the input is not a terminal: stopped before "
                           "any answer was kept; there is no draft",
                        "连续 %d 个回答未被接受，且输入不是终端：尚未保存任何回答即已停止；没有草稿"),
                     UNACCEPTED_MAX);
        fprintf(s->out, "\n");
        return cli_fail(s->cmd, "%s", why);
    }
    if (rc == STOP && !*name) {
        fprintf(s->out, "\n%s\n", tr(s, "Stopped before any answer was kept; there is no draft.",
                                      "尚未保存任何回答即已停止；没有草稿。"));
        return EXIT_PROBLEMS;
    }
    if (rc == STOP) {
        fprintf(s->out, tr(s, "\nStopped; nothing is lost. Continue with: hhreg %s --resume %s\n",
                           "\n已停止，未丢失任何内容。继续：hhreg %s --resume %s\n"),
                s->cmd->name, name);
        return EXIT_PROBLEMS;
    }
    return rc;
}
