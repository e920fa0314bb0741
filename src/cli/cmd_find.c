/* cmd_find.c — finding a household: `hhreg find TEXT` lists the households a
 * reference names (id, building-unit-room, the id's last digits, a phone or part
 * of a name: hh_store_find), and cli_household_ref resolves the reference that
 * `show` and `history` take to the one household it names; the commands that
 * change a household (`edit`, `visit`, `review`, `delete`, `undelete`, `resolve`)
 * take the narrower one of cli_household_named. cli_warn_unknown_area says when an
 * --area names no household.
 * Messages never quote the reference (it may be a name or a phone); a list of
 * candidates gives ids and addresses only. find's own listing adds the head's
 * name: it is what the worker searched for, in the store they are authorised for. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* "543-1-101", after the estate when there is one. */
static void print_address(FILE *out, const hh_household_match *m)
{
    fprintf(out, "%s%s%s-%s-%s", m->estate ? m->estate : "", m->estate ? " " : "", m->building, m->unit, m->room);
}

typedef struct candidates {
    FILE *out;
    hh_lang lang;
    bool with_head;
    hh_match_kind loosest; /* matches of a looser kind (a phone, a name) are not taken */
    char *first;     /* the first match's id */
    long n;          /* the matches taken */
} candidates;

static void print_candidate(const hh_household_match *m, void *arg)
{
    candidates *c = arg;
    if (m->kind > c->loosest)
        return;
    c->n++;
    if (!c->first)
        c->first = hh_xstrdup(m->id);
    fprintf(c->out, "  %s  ", m->id);
    print_address(c->out, m);
    if (c->with_head && m->head)
        fprintf(c->out, "  %s", m->head);
    fprintf(c->out, "%s\n", m->deleted ? hh_text(c->lang, "  (deleted)", "  （已删除）") : "");
}

static void keep_first(const hh_household_match *m, void *arg)
{
    candidates *c = arg;
    if (m->kind > c->loosest)
        return;
    c->n++;
    if (!c->first)
        c->first = hh_xstrdup(m->id);
}

static const char *no_match(hh_lang lang, hh_match_kind loosest)
{
    if (loosest < HH_MATCH_PHONE)
        return hh_text(lang,
                       "no household matches that reference (an id, building-unit-room such as 543-1-101 or the last "
                       "digits of an id; a deleted household by its whole id)",
                       "没有与该引用相符的住户（可用住户编号、楼栋-单元-室号如 543-1-101 或编号末几位；已删除的住户须用完整编号）");
    return hh_text(lang,
             "no household matches that reference (an id, building-unit-room such as 543-1-101, the last digits "
             "of an id, a phone or part of a name: see 'hhreg find')",
             "没有与该引用相符的住户（可用住户编号、楼栋-单元-室号如 543-1-101、编号末几位、电话或姓名的一部分：见 hhreg find）");
}

/* The one household `ref` names by a match no looser than `loosest`: as cli_household_ref. */
static int household_ref(const cli *c, const command *cmd, hh_store *s, const char *ref, hh_match_kind loosest,
                         char **id)
{
    hh_buf err;
    hh_buf_init(&err);
    candidates found = { stderr, c->lang, false, loosest, NULL, 0 };
    *id = NULL;
    long n = hh_store_find(s, ref, keep_first, &found, &err);
    if (n >= 0)
        n = found.n;
    int rc = EXIT_OK;
    if (n < 0) {
        rc = cli_fail(cmd, "%s", err.data);
    } else if (n == 0) {
        fprintf(stderr, cli_tr(c, "hhreg %s: %s (%s)\n", "hhreg %s：%s（%s）\n"), cmd->name, no_match(c->lang, loosest),
                c->db_path);
        rc = EXIT_PROBLEMS;
    } else if (n > 1) {
        fprintf(stderr,
                c->lang == HH_LANG_ZH ? "hhreg %s：有 %ld 户与该引用相符；请用住户编号指明其中一户：\n"
                                      : "hhreg %s: %ld households match that reference; name one by its id:\n",
                cmd->name, n);
        free(found.first);
        found.first = NULL;
        if (hh_store_find(s, ref, print_candidate, &found, &err) < 0)
            cli_fail(cmd, "%s", err.data);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK)
        *id = found.first;
    else
        free(found.first);
    hh_buf_free(&err);
    return rc;
}

int cli_household_ref(const cli *c, const command *cmd, hh_store *s, const char *ref, char **id)
{
    return household_ref(c, cmd, s, ref, HH_MATCH_NAME, id);
}

int cli_household_named(const cli *c, const command *cmd, hh_store *s, const char *ref, char **id)
{
    return household_ref(c, cmd, s, ref, HH_MATCH_ID_DIGITS, id);
}

void cli_warn_unknown_area(const cli *c, const command *cmd, hh_store *s, const char *area)
{
    hh_buf err;
    hh_buf_init(&err);
    if (area && hh_store_area_known(s, area, &err) == 0) {
        char *shown = hh_printable(area);
        fflush(stdout); /* after what was listed, when both go to one file */
        fprintf(stderr,
                cli_tr(c, "hhreg %s: warning: no current household's id begins with %s (--area)\n",
                       "hhreg %s：警告：没有编号以 %s 开头的现有住户（--area）\n"),
                cmd->name, shown);
        free(shown);
    }
    hh_buf_free(&err);
}

int cmd_find(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("find");
    static const struct option own[] = { { 0, 0, 0, 0 } };
    static const cli_spec spec = { own, NULL, NULL, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, NULL, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    hh_buf err;
    hh_buf_init(&err);
    candidates found = { stdout, c->lang, true, HH_MATCH_NAME, NULL, 0 };
    long n = hh_store_find(s, argv[rest], print_candidate, &found, &err);
    if (n < 0)
        cli_fail(cmd, "%s", err.data);
    else if (n == 0)
        fprintf(stderr, cli_tr(c, "hhreg find: %s (%s)\n", "hhreg find：%s（%s）\n"), no_match(c->lang, HH_MATCH_NAME),
                c->db_path);
    free(found.first);
    hh_buf_free(&err);
    hh_store_close(s);
    return n < 0 ? EXIT_USAGE : n == 0 ? EXIT_PROBLEMS : EXIT_OK;
}
