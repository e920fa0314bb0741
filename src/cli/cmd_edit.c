/* cmd_edit.c — `hhreg edit ID` and `hhreg visit ID`: the current revision of a
 * stored household opened in guided entry (entry_flow.c) — edit goes to the review
 * screen, visit asks for one visit — and saved as a new revision. */
#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

#include "entry_flow.h"

typedef struct edit_args {
    const char *draft_dir;
} edit_args;

static int own_option(int opt, const char *arg, void *st)
{
    if (opt != 'D')
        return EXIT_USAGE;
    ((edit_args *)st)->draft_dir = arg;
    return 0;
}

/* Loads household `id` into the session's answers; an exit code on failure. */
static int load_household(entry_session *s, const char *id)
{
    hh_store *store = cli_open_store(s->c, s->cmd, false);
    if (!store)
        return EXIT_USAGE;
    char *xml = NULL;
    size_t len = 0;
    int revision = 0, rc;
    hh_buf err;
    hh_buf_init(&err);
    int found = hh_store_get_xml(store, id, 0, &xml, &len, &revision, &err);
    hh_store_close(store);
    if (found < 0)
        rc = cli_fail(s->cmd, "%s", err.data);
    else if (found > 0)
        rc = cli_fail(s->cmd, "no household %s in %s", id, s->c->db_path);
    else {
        xmlDocPtr doc = xmlReadMemory(xml, (int)len, id, "UTF-8", XML_PARSE_NONET);
        hh_household *h = doc ? hh_household_from_doc(doc) : NULL;
        rc = h ? EXIT_OK : cli_fail(s->cmd, "the stored form of %s cannot be read; run 'hhreg check'", id);
        if (h) {
            s->a = hh_answers_new();
            hh_answers_from_household(s->a, h);
            for (size_t p = 1; p <= h->n_persons; p++) {
                char key[32];
                snprintf(key, sizeof key, "checked-%zu", p);
                hh_answer_set_flag(s->a, key, "yes");
            }
            hh_answer_set_flag(s->a, "roster", "done");
            hh_answer_set_flag(s->a, "visits", "done");
            hh_household_free(h);
        }
        if (doc)
            xmlFreeDoc(doc);
    }
    free(xml);
    hh_buf_free(&err);
    return rc;
}

static int open_stored(const char *name, cli *c, int argc, char **argv, bool visit)
{
    const command *cmd = cli_find_command(name);
    static const struct option own[] = { { "draft-dir", required_argument, NULL, 'D' }, { 0, 0, 0, 0 } };
    edit_args a = { NULL };
    static const cli_spec spec = { own, NULL, own_option, 1, 1 };
    int rest, rc = cli_parse(c, cmd, &spec, &a, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    entry_session s;
    rc = entry_open(&s, c, cmd, a.draft_dir);
    char *what = NULL;
    if (!rc && entry_draft_exists(&s, &what))
        rc = cli_fail(cmd, "a draft is waiting (%s): finish it with 'hhreg enter --resume' or drop it with "
                           "'hhreg enter --discard'", what);
    if (!rc)
        rc = load_household(&s, argv[rest]);
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
