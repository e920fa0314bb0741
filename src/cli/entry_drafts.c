/* entry_drafts.c — the draft directory of guided entry: one draft file per unfinished
 * household, so an unfinished household never blocks another (issue 17 item 7).
 *
 * A draft is DIR/NAME.draft. An edit or visit of a stored household is named after
 * its id (one draft per household: its edit and its visits share it); a new household
 * is "new-N", the smallest N free when its first answer is kept (O_EXCL, so two
 * terminals on one store never share a name). "entry.draft", the one draft of
 * earlier versions, is listed and resumed like any other. A draft is chosen by its
 * name or by the household id inside it; the listing shows names, ids and times,
 * never a person's answer. */
#define _GNU_SOURCE
#include "entry_flow.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SUFFIX ".draft"

static const char *tr(const entry_conversation *s, const char *en, const char *zh)
    __attribute__((format_arg(2), format_arg(3)));
static const char *tr(const entry_conversation *s, const char *en, const char *zh)
{
    return hh_text(s->c->lang, en, zh);
}

/* Whether `name` may name a draft file: letters, digits, '-', '_' and '.', not
 * starting with '.' (no path, no hidden file). */
static bool plain_name(const char *name)
{
    if (!name || !*name || name[0] == '.' || strlen(name) > 100)
        return false;
    for (const char *p = name; *p; p++)
        if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') || ('0' <= *p && *p <= '9') || *p == '-' ||
              *p == '_' || *p == '.'))
            return false;
    return true;
}

static char *path_of(const entry_conversation *s, const char *name)
{
    return hh_xasprintf("%s/%s" SUFFIX, s->draft_dir, name);
}

void entry_draft_for_household(entry_conversation *s, const char *id)
{
    free(s->draft_path);
    s->draft_path = plain_name(id) ? path_of(s, id) : NULL; /* else a new-N name at the first save */
}

bool entry_draft_reserve(entry_conversation *s)
{
    if (!s->draft_path)
        return true; /* named new-N at its first save */
    int fd = open(s->draft_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

int entry_draft_claim(entry_conversation *s)
{
    for (int n = 1; n < 100000; n++) {
        char name[32];
        snprintf(name, sizeof name, "new-%d", n);
        char *path = path_of(s, name);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            close(fd);
            free(s->draft_path);
            s->draft_path = path;
            return EXIT_OK;
        }
        free(path);
        if (errno != EEXIST)
            return cli_fail(s->cmd, tr(s, "%s: cannot make a draft there: %s", "%s：无法在此建立草稿：%s"), s->draft_dir,
                            hh_system_reason(errno));
    }
    return cli_fail(s->cmd, tr(s, "%s: too many drafts", "%s：草稿过多"), s->draft_dir);
}

/* --- the drafts waiting --------------------------------------------------------- */

typedef struct draft {
    char *name, *path, *mode, *id; /* id: the household's, or NULL before it is answered */
    char *door;                    /* building-unit-room as far as answered, or NULL: two new
                                      households of a grid may show one id until saved */
    time_t saved;
    bool unreadable;
} draft;

static int by_name(const void *x, const void *y)
{
    const draft *a = x, *b = y;
    return strcmp(a->name, b->name);
}

/* The drafts in the directory, sorted by name; their number in *n. */
static draft *read_drafts(const entry_conversation *s, size_t *n)
{
    *n = 0;
    DIR *dir = opendir(s->draft_dir);
    if (!dir)
        return NULL;
    draft *all = NULL;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len <= strlen(SUFFIX) || strcmp(e->d_name + len - strlen(SUFFIX), SUFFIX) != 0)
            continue;
        char *name = hh_xstrndup(e->d_name, len - strlen(SUFFIX));
        if (!plain_name(name)) {
            free(name);
            continue;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 8;
            all = hh_xrealloc(all, cap * sizeof *all);
        }
        draft *d = &all[(*n)++];
        memset(d, 0, sizeof *d);
        d->name = name;
        d->path = path_of(s, name);
        struct stat st = { 0 }; /* a draft saved as a household by another terminal meanwhile: gone */
        if (stat(d->path, &st) == 0)
            d->saved = st.st_mtime;
        int missing;
        hh_buf err;
        hh_buf_init(&err);
        hh_answers *a = st.st_size > 0 ? hh_answers_load(d->path, &missing, &err) : NULL;
        hh_buf_free(&err);
        d->unreadable = !a && st.st_size > 0;
        const char *mode = a ? hh_answer_flag(a, "mode") : NULL, *id = a ? hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "id") : NULL;
        d->mode = hh_xstrdup(mode ? mode : "enter");
        d->id = id && *id ? hh_xstrdup(id) : NULL;
        const char *building = a ? hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "building") : NULL;
        if (building && *building) {
            const char *unit = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "unit"), *room = hh_answer(a, HH_SCOPE_HOUSEHOLD, 0, "room");
            d->door = hh_xasprintf("%s%s%s%s%s", building, unit && *unit ? "-" : "", unit && *unit ? unit : "",
                                   room && *room ? "-" : "", room && *room ? room : "");
        }
        hh_answers_free(a);
    }
    closedir(dir);
    if (*n)
        qsort(all, *n, sizeof *all, by_name);
    return all;
}

static void free_drafts(draft *all, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(all[i].name);
        free(all[i].path);
        free(all[i].mode);
        free(all[i].id);
        free(all[i].door);
    }
    free(all);
}

static void print_draft(const entry_conversation *s, FILE *out, const draft *d)
{
    char when[32] = "";
    struct tm tm;
    if (d->saved && localtime_r(&d->saved, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    char *door = hh_printable(d->door ? d->door : "");
    fprintf(out, "  %-22s %-6s %-22s %-14s %s %s\n", d->name, d->mode,
            d->unreadable ? tr(s, "(unreadable)", "（无法读取）")
            : d->id       ? d->id
                          : tr(s, "(no id yet)", "（尚无编号）"),
            door, tr(s, "saved", "保存于"), when);
    free(door);
}

int entry_drafts_list(entry_conversation *s)
{
    size_t n;
    draft *all = read_drafts(s, &n);
    if (n == 0)
        printf(tr(s, "No draft is waiting in %s.\n", "%s 中没有待完成的草稿。\n"), s->draft_dir);
    else
        printf(tr(s, "%zu draft(s) waiting in %s (continue one with 'hhreg enter --resume NAME'):\n",
                  "有 %zu 份草稿待完成，在 %s 中（用“hhreg enter --resume 名称”继续）：\n"),
               n, s->draft_dir);
    for (size_t i = 0; i < n; i++)
        print_draft(s, stdout, &all[i]);
    free_drafts(all, n);
    return EXIT_OK;
}

size_t entry_drafts_waiting(entry_conversation *s)
{
    size_t n;
    draft *all = read_drafts(s, &n);
    free_drafts(all, n);
    return n;
}

/* Whether `ref` names draft `d`: its name, its household's id, or the end of that id
 * after a dash ("0902", "03-0902": what a worker reads off a door or a list); NULL
 * names every draft. */
static bool refers_to(const draft *d, const char *ref)
{
    if (!ref || strcmp(d->name, ref) == 0)
        return true;
    size_t id_len = d->id ? strlen(d->id) : 0, ref_len = strlen(ref);
    return id_len && ref_len && ref_len <= id_len && strcmp(d->id + id_len - ref_len, ref) == 0 &&
           (ref_len == id_len || d->id[id_len - ref_len - 1] == '-');
}

int entry_draft_choose(entry_conversation *s, const char *ref)
{
    size_t n;
    draft *all = read_drafts(s, &n);
    const draft *chosen = NULL;
    size_t matches = 0;
    for (size_t i = 0; i < n; i++)
        if (refers_to(&all[i], ref)) {
            matches++;
            if (!chosen || (ref && strcmp(all[i].name, ref) == 0))
                chosen = &all[i]; /* a name beats an id found inside another draft */
        }
    int rc = EXIT_OK;
    if (matches == 0 && !ref)
        rc = cli_fail(s->cmd, tr(s, "there is no draft to resume in %s", "%s 中没有可继续的草稿"), s->draft_dir);
    else if (matches == 0)
        rc = cli_fail(s->cmd,
                      tr(s, "no draft in %s is named so or holds that household ('hhreg enter --drafts' lists them)",
                         "%s 中没有这个名称或含该住户的草稿（“hhreg enter --drafts”可列出草稿）"),
                      s->draft_dir);
    else if (matches > 1 && !(ref && strcmp(chosen->name, ref) == 0)) {
        fprintf(stderr, "hhreg %s: ", s->cmd->name);
        fprintf(stderr, tr(s, "%zu drafts are waiting; name the one to continue:\n", "有 %zu 份草稿待完成；请指明继续哪一份：\n"),
                matches);
        for (size_t i = 0; i < n; i++)
            if (refers_to(&all[i], ref))
                print_draft(s, stderr, &all[i]);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK) {
        free(s->draft_path);
        s->draft_path = hh_xstrdup(chosen->path);
    }
    free_drafts(all, n);
    return rc;
}

const char *entry_draft_name(const entry_conversation *s, char *name, size_t size)
{
    const char *base = s->draft_path ? strrchr(s->draft_path, '/') : NULL;
    base = base ? base + 1 : "";
    size_t len = strlen(base) >= strlen(SUFFIX) ? strlen(base) - strlen(SUFFIX) : 0;
    snprintf(name, size, "%.*s", (int)len, base);
    return name;
}
