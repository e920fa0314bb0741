/* cmd_history.c — `hhreg history ID`: every revision of a household, oldest first,
 * with who stored it, when, from which source, the review decisions on it
 * (store_review.h), under the current one the visits logged since its form and its
 * tombstone if deleted. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store_review.h"

typedef struct history_args {
    bool json;
    hh_lang lang;
    long rows;
    hh_buf out;
    hh_json rows_json;      /* array elements, written into `out` */
    hh_review *reviews;     /* every decision on the household, oldest first */
    size_t n_reviews;
    hh_household *log;      /* its visit log (in log / n_logged only) */
    char *store_id;         /* this store's: a revision made elsewhere says where */
} history_args;

static void keep_review(const hh_review *r, void *arg)
{
    history_args *a = arg;
    a->reviews = hh_xrealloc(a->reviews, (a->n_reviews + 1) * sizeof *a->reviews);
    hh_review *kept = &a->reviews[a->n_reviews++];
    *kept = (hh_review){ r->state, r->revision, hh_xstrdup(r->reviewer), hh_xstrdup(r->at),
                         r->comment ? hh_xstrdup(r->comment) : NULL, NULL, 0 };
    kept->notes = hh_xcalloc(r->n_notes ? r->n_notes : 1, sizeof *kept->notes);
    for (size_t i = 0; i < r->n_notes; i++)
        kept->notes[kept->n_notes++] = (hh_review_note){ hh_xstrdup(r->notes[i].path), hh_xstrdup(r->notes[i].comment) };
}

/* The decisions on revision `revision`, as lines under it. */
static void print_reviews(const history_args *a, int revision)
{
    for (size_t i = 0; i < a->n_reviews; i++) {
        const hh_review *r = &a->reviews[i];
        if (r->revision != revision)
            continue;
        hh_buf line;
        hh_buf_init(&line);
        hh_review_text(&line, r, a->lang, "     ");
        fputs(line.data, stdout);
        hh_buf_free(&line);
    }
}

static void print_revision(const hh_revision_info *r, void *arg)
{
    history_args *a = arg;
    if (a->json) {
        hh_json *j = &a->rows_json;
        hh_json_object(j, NULL);
        hh_json_int(j, "revision", r->revision);
        hh_json_bool(j, "current", r->revision == r->current_revision);
        hh_json_str(j, "storedAt", r->stored_at);
        hh_json_str(j, "storedBy", r->stored_by);
        hh_json_str(j, "source", r->source);
        hh_json_str(j, "sha256", r->sha256);
        hh_json_str(j, "madeIn", r->made_in);
        hh_json_int_or_null(j, "origin", r->origin, 0);
        hh_json_int_or_null(j, "mergedFrom", r->merged_from, 0);
        hh_json_int_or_null(j, "parent", r->parent, 0);
        hh_json_int(j, "warnings", r->warnings);
        hh_json_array(j, "reviews");
        for (size_t i = 0; i < a->n_reviews; i++)
            if (a->reviews[i].revision == r->revision)
                hh_review_json(j, NULL, &a->reviews[i]);
        hh_json_end(j);
        if (r->revision == r->current_revision) {
            hh_json_array(j, "visitLog");
            for (size_t i = 0; i < a->log->n_logged; i++) {
                const hh_visit *v = &a->log->logged[i];
                hh_json_object(j, NULL);
                hh_json_str(j, "date", v->date);
                hh_json_str(j, "enumerator", v->enumerator);
                hh_json_str(j, "purpose", v->purpose);
                hh_json_str(j, "outcome", v->outcome);
                hh_json_end(j);
            }
            hh_json_end(j);
            hh_json_str(j, "deletedAt", r->deleted_at);
            hh_json_str(j, "deleteReason", r->delete_reason);
        }
        hh_json_end(j);
    } else {
        char *by = hh_printable(r->stored_by), *source = hh_printable(r->source); /* as typed or named */
        printf(a->lang == HH_LANG_ZH ? "r%-3d %s %s  %-12s %s  %d 条警告  %s\n" : "r%-3d %s %s  %-12s %s  %d warning(s)  %s\n",
               r->revision, r->revision == r->current_revision ? "*" : " ", r->stored_at, by,
               r->sha256 ? r->sha256 : "", r->warnings, source);
        free(by);
        free(source);
        print_reviews(a, r->revision);
        bool elsewhere = r->made_in && a->store_id && strcmp(r->made_in, a->store_id) != 0;
        if (elsewhere || r->merged_from || r->parent != r->revision - 1) {
            if (r->parent) /* else a first revision: another family's, a merge's conflict */
                printf(a->lang == HH_LANG_ZH ? "     修改自 r%d" : "     edited from r%d", r->parent);
            else
                fputs(a->lang == HH_LANG_ZH ? "     首个版本" : "     a first revision", stdout);
            if (r->merged_from)
                printf(a->lang == HH_LANG_ZH ? "，并解决了与 r%d 的冲突" : ", settling r%d", r->merged_from);
            if (elsewhere)
                printf(a->lang == HH_LANG_ZH ? "；来自存储库 %.8s（其 r%d）" : "; made in store %.8s (its r%d)",
                       r->made_in, r->origin);
            putchar('\n');
        }
        for (size_t i = 0; r->revision == r->current_revision && i < a->log->n_logged; i++) {
            const hh_visit *v = &a->log->logged[i];
            printf(a->lang == HH_LANG_ZH ? "     走访 %s，%s：%s，%s\n" : "     visit %s by %s: %s, %s\n", v->date,
                   v->enumerator, v->purpose, v->outcome);
        }
        if (r->deleted_at && r->revision == r->current_revision)
            printf(a->lang == HH_LANG_ZH ? "     已删除 %s：%s\n" : "     deleted %s: %s\n", r->deleted_at,
                   r->delete_reason ? r->delete_reason : "");
    }
    a->rows++;
}

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    (void)arg;
    if (opt == 'j')
        ((history_args *)st)->json = true;
    return 0;
}

int cmd_history(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("history");
    static const struct option own[] = { { "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 } };
    history_args a;
    memset(&a, 0, sizeof a);
    static const cli_spec spec = { own, NULL, own_option, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_store *s = cli_open_store(c, cmd, false);
    if (!s)
        return EXIT_USAGE;
    a.lang = c->lang;
    a.store_id = hh_store_identity(s);
    hh_buf_init(&a.out);
    hh_json_init(&a.rows_json, &a.out);
    hh_buf err;
    hh_buf_init(&err);
    char *id = NULL;
    int found = cli_household_ref(c, cmd, s, argv[rest], &id);
    a.log = hh_xcalloc(1, sizeof *a.log);
    rc = found ? 0 : hh_review_history(s, id, keep_review, &a, &err);
    if (!found && rc == 0)
        rc = hh_store_visit_log(s, id, a.log, &err);
    if (!found && rc == 0)
        rc = hh_store_history(s, id, print_revision, &a, &err);
    if (rc == 0 && !found && a.json)
        printf("[%s]\n", a.out.data);
    if (rc < 0)
        cli_fail(cmd, "%s", err.data);
    else if (rc > 0)
        fprintf(stderr, hh_text(a.lang, "hhreg history: the household has no revisions (%s)\n", "hhreg history：该住户没有任何版本（%s）\n"),
                c->db_path);
    free(id);
    free(a.store_id);
    for (size_t i = 0; i < a.n_reviews; i++)
        hh_review_free(&a.reviews[i]);
    free(a.reviews);
    hh_household_free(a.log);
    hh_buf_free(&err);
    hh_buf_free(&a.out);
    hh_store_close(s);
    return found ? found : rc < 0 ? EXIT_USAGE : rc > 0 ? EXIT_PROBLEMS : EXIT_OK;
}
