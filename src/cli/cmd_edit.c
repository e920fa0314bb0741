/* cmd_edit.c — `hhreg edit ID` and `hhreg visit ID`: the current revision of a
 * stored household opened in guided entry (entry_flow.c). Edit goes to the review
 * screen and saves a new revision; visit asks for one visit and keeps it in the
 * store's visit log, the form untouched (store.h). Its draft is
 * named after the household (entry_drafts.c): another household's draft is never in
 * the way. The draft remembers the revision it started from; saving is refused as a conflict when
 * another revision was stored meanwhile (store.h), and `edit ID --resume --force`
 * then saves the draft over it. */
#include <stdlib.h>
#include <string.h>

#include "entry_flow.h"
#include "items.h"
#include "store_review.h"

typedef struct edit_args {
    const char *draft_dir;
    bool resume, force;
} edit_args;

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    edit_args *a = st;
    switch (opt) {
    case 'D': a->draft_dir = arg; return 0;
    case 'r': a->resume = true; return 0;
    case 'f': a->force = true; return 0;
    }
    return EXIT_USAGE;
}

static void note_deleted(const hh_list_row *row, void *arg)
{
    *(bool *)arg |= row->deleted;
}

/* Reads the current revision of household `id`: the household (when `h` is not
 * NULL; free it) and its revision number; an exit code on failure. A deleted
 * household is refused at once, before a question is asked. */
static int read_current(entry_conversation *s, const char *id, hh_household **h, int *revision)
{
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (!store)
        return EXIT_USAGE;
    hh_household *stored = NULL;
    hh_buf err;
    hh_buf_init(&err);
    bool deleted = false;
    int found = hh_store_get_household(store, id, 0, &stored, revision, &err);
    if (found == 0 && hh_store_list(store, id, HH_LIST_ALL, note_deleted, &deleted, &err))
        found = -1;
    hh_review review = { 0 };
    if (found == 0 && !deleted && hh_review_of(store, id, *revision, &review, &err))
        found = -1;
    hh_store_close(store);
    if (found == 0 && !deleted && review.state == HH_REVIEW_RETURNED) { /* what the worker is to change, first */
        hh_buf said;
        hh_buf_init(&said);
        hh_review_text(&said, &review, s->c->lang, "  ");
        fprintf(s->out, "%s\n%s", cli_tr(s->c, "The reviewer returned this form:", "审核人退回了此表单："), said.data);
        hh_buf_free(&said);
    }
    hh_review_free(&review);
    int rc = found < 0   ? cli_fail(s->cmd, "%s", err.data)
             : found > 0 ? cli_fail(s->cmd, cli_tr(s->c, "no household %s in %s", "%2$s 中没有住户 %1$s"), id, s->c->db_path)
                         : EXIT_OK;
    if (rc == EXIT_OK && deleted) {
        cli_fail(s->cmd,
                 cli_tr(s->c, "household %s is deleted: 'hhreg undelete %s --reason TEXT' makes it current again",
                        "住户 %s 已删除：“hhreg undelete %s --reason 原因”可使其恢复为现有住户"),
                 id, id);
        rc = EXIT_PROBLEMS;
    }
    hh_buf_free(&err);
    if (h)
        *h = stored;
    else
        hh_household_free(stored);
    return rc;
}

/* Loads household `id` into the session's answers; an exit code on failure. */
static int load_household(entry_conversation *s, const char *id)
{
    hh_household *h = NULL;
    int revision = 0;
    int rc = read_current(s, id, &h, &revision);
    if (!rc) {
        s->a = hh_answers_new();
        hh_answers_from_household(s->a, h);
        for (size_t p = 1; p <= h->n_persons; p++) {
            char key[32];
            snprintf(key, sizeof key, "checked-%zu", p);
            hh_answer_set_flag(s->a, key, "yes");
        }
        hh_answer_set_flag(s->a, "roster", "done");
        hh_answer_set_flag(s->a, "visits", "done");
        char base[16];
        snprintf(base, sizeof base, "%d", revision);
        hh_answer_set_flag(s->a, "base-revision", base);
    }
    hh_household_free(h);
    return rc;
}

typedef struct undone {
    const cli *c;
    hh_buf said;
} undone;

/* One item another revision changed, named as guided entry asks it. */
static void name_change(hh_item_scope scope, int index, const hh_item *it, void *arg)
{
    undone *u = arg;
    const hh_item_question *q = it ? hh_item_question_of(scope, it->key) : NULL;
    const char *what = q ? cli_tr(u->c, q->en, q->zh) : it ? it->json : cli_tr(u->c, "added or removed", "增加或删除");
    hh_buf_puts(&u->said, u->said.len ? cli_tr(u->c, "; ", "；") : "");
    if (scope == HH_ITEM_PERSON)
        hh_buf_printf(&u->said, cli_tr(u->c, "Person %d · ", "人员 %d · "), index);
    else if (scope == HH_ITEM_VISIT)
        hh_buf_printf(&u->said, cli_tr(u->c, "Visit %d · ", "走访 %d · "), index);
    hh_buf_puts(&u->said, what);
}

/* What revision `current` changed since the draft's base revision `base`: the changes
 * a forced save undoes, named before it is made (last writer wins only knowingly). */
static void say_what_is_undone(entry_conversation *s, const char *id, int base, int current)
{
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    hh_household *then = NULL, *now = NULL;
    int got;
    hh_buf err;
    hh_buf_init(&err);
    undone u = { s->c, { 0 } };
    hh_buf_init(&u.said);
    if (store && hh_store_get_household(store, id, base, &then, &got, &err) == 0 &&
        hh_store_get_household(store, id, current, &now, &got, &err) == 0 &&
        hh_household_changes(then, now, name_change, &u) > 0)
        fprintf(s->out,
                cli_tr(s->c, "Since your edit began (revision %d), revision %d changed: %s. Saving over it undoes "
                             "those changes unless you make them here too.\n",
                       "自您开始修改（第 %d 版）以来，第 %d 版改动了：%s。覆盖保存将撤销这些改动，除非您在此也作同样修改。\n"),
                base, current, u.said.data);
    hh_household_free(then);
    hh_household_free(now);
    hh_buf_free(&u.said);
    hh_buf_free(&err);
    hh_store_close(store);
}

/* --resume: the waiting draft, which must be an edit or visit of `id`; with
 * --force its base becomes the current revision, so saving replaces that one
 * (which stays in the history). */
static int resume_draft(entry_conversation *s, const char *id, bool force)
{
    int rc = entry_load_draft(s);
    if (rc)
        return rc;
    const char *mode = hh_answer_flag(s->a, "mode"), *draft_id = hh_answer(s->a, HH_SCOPE_HOUSEHOLD, 0, "id");
    if (!mode || strcmp(mode, "enter") == 0 || !draft_id || strcmp(draft_id, id) != 0)
        return cli_fail(s->cmd,
                        cli_tr(s->c, "the draft of %s in %s is not an edit of it: continue it with 'hhreg enter --resume %s'",
                               "%2$s 中 %1$s 的草稿不是对它的修改：用“hhreg enter --resume %3$s”继续"),
                        id, s->draft_dir, id);
    const char *base = hh_answer_flag(s->a, "base-revision");
    int current = 0;
    if (force && !(rc = read_current(s, id, NULL, &current)) && (!base || atoi(base) != current)) {
        if (base)
            say_what_is_undone(s, id, atoi(base), current);
        char text[16];
        snprintf(text, sizeof text, "%d", current);
        hh_answer_set_flag(s->a, "base-revision", text);
        rc = entry_save_draft(s);
        fprintf(s->out, s->c->lang == HH_LANG_ZH ? "保存时将以草稿覆盖第 %d 版（该版保留在历史中：hhreg history %s）。\n"
                                                : "Saving replaces revision %d with the draft (that revision stays "
                                                  "in the history: hhreg history %s).\n",
                current, id);
    }
    return rc;
}

static int open_stored(const char *name, cli *c, int argc, char **argv, bool visit)
{
    const command *cmd = cli_find_command(name);
    static const struct option own[] = { { "draft-dir", required_argument, NULL, 'D' },
                                         { "resume", no_argument, NULL, 'r' },
                                         { "force", no_argument, NULL, 'f' },
                                         { 0, 0, 0, 0 } };
    edit_args a = { NULL, false, false };
    static const cli_spec spec = { own, NULL, own_option, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (a.force && visit) /* a visit makes no revision: nothing to save over */
        return cli_fail(cmd, cli_tr(c, "--force is for edit: a visit goes to the visit log and replaces nothing",
                                    "--force 仅用于 edit：走访记入走访记录，不覆盖任何内容"));
    if (a.force && !a.resume)
        return cli_fail(cmd, cli_tr(c, "--force goes with --resume: it saves a waiting draft over a newer revision",
                                    "--force 须与 --resume 同用：以待完成的草稿覆盖较新的版本"));
    char *id = NULL;
    hh_store *store = cli_open_store(c, cmd, false);
    /* both change the household: named by its id, last digits or building-unit-room */
    rc = store ? cli_household_named(c, cmd, store, argv[rest], &id) : EXIT_USAGE;
    hh_store_close(store);
    if (rc)
        return rc;
    if (strcmp(argv[rest], id) != 0) /* which household the reference named, before the first question */
        printf(cli_tr(c, "hhreg %s: household %s\n", "hhreg %s：住户 %s\n"), name, id);
    argv[rest] = id; /* the household's id from here on (freed at the end) */
    entry_conversation s;
    rc = entry_open(&s, c, cmd, a.draft_dir, true);
    char *what = NULL;
    if (!rc && a.resume) {
        entry_draft_for_household(&s, argv[rest]);
        rc = resume_draft(&s, argv[rest], a.force);
        if (!rc)
            rc = entry_run(&s);
        entry_close(&s);
        free(id);
        return rc;
    }
    if (!rc)
        entry_draft_for_household(&s, argv[rest]);
    /* the household's draft made at once (O_EXCL): two terminals never share it */
    if (!rc && !entry_draft_reserve(&s) && entry_draft_exists(&s, &what))
        rc = cli_fail(cmd,
                      cli_tr(c, "a draft of this household is waiting (%s): continue it with 'hhreg %s --resume %s' or "
                                "drop it with 'hhreg enter --discard %s'",
                             "此住户有一份草稿待完成（%s）：用“hhreg %s --resume %s”继续，或用“hhreg enter --discard %s”放弃"),
                      what, name, argv[rest], argv[rest]);
    else if (!rc && (rc = load_household(&s, argv[rest])) != 0)
        entry_discard_draft(&s); /* the empty one just made */
    if (!rc) {
        hh_answer_set_flag(s.a, "mode", name);
        if (visit) {
            char index[16];
            snprintf(index, sizeof index, "%d", hh_answers_count(s.a, HH_SCOPE_VISIT) + 1);
            hh_answer_set_flag(s.a, "visit-index", index);
            hh_answer_set_flag(s.a, "visit-today", "yes");
        } else {
            hh_answer_set_flag(s.a, "stage", "review");
        }
        rc = entry_save_draft(&s);
    }
    if (!rc)
        rc = entry_run(&s);
    free(what);
    free(id);
    entry_close(&s);
    return rc;
}

int cmd_edit(cli *c, int argc, char **argv)
{
    return open_stored("edit", c, argc, argv, false);
}

int cmd_visit(cli *c, int argc, char **argv)
{
    return open_stored("visit", c, argc, argv, true);
}
