/* cmd_validate.c — `hhreg validate FILE...`: every problem of every form, as text
 * lines "FILE:LINE: error|warning: [RULE] PATH: message" or as JSON, and a second
 * household at a room met among the forms checked together (ROOM-HELD). Nothing
 * is stored. */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "form.h"
#include "input.h"
#include "messages.h"
#include "paths.h"
#include "validate.h"

/* A room met: community, building, unit and room, and the first household there. */
typedef struct room_met {
    char *room;
    char *household;
} room_met;

typedef struct run {
    cli *c;
    hh_validator *v;
    bool json;
    long forms, invalid, refused_files;
    bool io_error;
    hh_buf out;          /* JSON problems, as array elements */
    hh_json problems;
    void *rooms;         /* room_met, a tsearch tree */
} run;

static int compare_rooms(const void *a, const void *b)
{
    return strcmp(((const room_met *)a)->room, ((const room_met *)b)->room);
}

static void free_room(void *p)
{
    room_met *m = p;
    free(m->room);
    free(m->household);
    free(m);
}

/* ROOM-HELD when another household of the forms checked so far is at this one's
 * room (a form of the same household again is not another). Only the five items
 * are read: the whole household (hh_household_from_doc) was a tenth of the time. */
static void check_room(run *r, const hh_form_input *form, hh_diags *d)
{
    static const char *const keys[] = { "community-code", "building", "unit", "room" };
    char *parts[4];
    for (size_t i = 0; i < 4; i++)
        parts[i] = hh_form_household_value(form->doc, keys[i]);
    char *id = hh_form_household_value(form->doc, "id");
    room_met *m = hh_xcalloc(1, sizeof *m);
    m->room = hh_xasprintf("%s\x1f%s\x1f%s\x1f%s", parts[0] ? parts[0] : "", parts[1] ? parts[1] : "",
                           parts[2] ? parts[2] : "", parts[3] ? parts[3] : "");
    for (size_t i = 0; i < 4; i++)
        free(parts[i]);
    room_met **found = tsearch(m, &r->rooms, compare_rooms);
    if (!found)
        hh_out_of_memory();
    if (*found == m) {
        m->household = id ? id : hh_xstrdup("");
    } else {
        if (strcmp((*found)->household, id ? id : "") != 0)
            hh_msg_room_held(d, form->file, form->line, "address/room", (*found)->household);
        free_room(m);
        free(id);
    }
}

static void emit(run *r, const hh_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (r->json) {
            hh_diag_json(&r->problems, &d->items[i], r->c->lang);
        } else {
            hh_diag_print(stdout, &d->items[i], r->c->lang);
        }
    }
}

static int on_form(hh_form_input *form, void *arg)
{
    run *r = arg;
    hh_diags d;
    hh_diags_init(&d);
    r->forms++;
    if (hh_validator_check(r->v, form, &d) > 0)
        r->invalid++;
    else
        check_room(r, form, &d);
    emit(r, &d);
    hh_diags_free(&d);
    return 0;
}

static int on_input(int fd, const char *name, void *arg)
{
    run *r = arg;
    hh_diags d;
    hh_diags_init(&d);
    hh_read_stats st = hh_read_forms(fd, name, &d, on_form, r);
    r->refused_files += st.refused;
    emit(r, &d);
    hh_diags_free(&d);
    return 0;
}

static void on_problem(const char *path, const char *why, void *arg)
{
    run *r = arg;
    fflush(stdout); /* the messages so far first: into one file (2>&1), never cut in a character */
    hh_print_file_problem(stderr, "hhreg validate", path, why);
    r->io_error = true;
}

static int own_option(const cli *c, int opt, const char *arg, void *st)
{
    (void)c;
    (void)arg;
    if (opt == 'j')
        ((run *)st)->json = true;
    return 0;
}

int cmd_validate(cli *c, int argc, char **argv)
{
    const command *cmd = cli_find_command("validate");
    static const struct option own[] = { { "json", no_argument, NULL, 'j' }, { 0, 0, 0, 0 } };
    run r;
    memset(&r, 0, sizeof r);
    r.c = c;
    static const cli_spec spec = { own, NULL, own_option, 1, -1 };
    int rest, rc = cli_parse(c, cmd, &spec, &r, argc, argv, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    hh_schemaset *set = cli_load_schemas(c, cmd);
    if (!set)
        return EXIT_USAGE;
    r.v = hh_validator_new(set);
    hh_buf_init(&r.out);
    hh_json_init(&r.problems, &r.out);
    hh_path_visitor visitor = { on_input, on_problem, &r };
    for (int i = rest; i < argc; i++)
        hh_visit_path(argv[i], &visitor);
    long bad = r.invalid + r.refused_files;
    if (r.json) {
        hh_buf doc;
        hh_buf_init(&doc);
        hh_json j;
        hh_json_init(&j, &doc);
        hh_json_object(&j, NULL);
        hh_json_int(&j, "forms", r.forms + r.refused_files);
        hh_json_int(&j, "valid", r.forms - r.invalid);
        hh_json_int(&j, "invalid", bad);
        hh_json_array(&j, "problems");
        hh_buf_puts(&doc, r.out.data);
        hh_json_end(&j);
        hh_json_end(&j);
        printf("%s\n", doc.data);
        hh_buf_free(&doc);
    } else {
        fflush(stdout); /* as in on_problem: the summary after every message, whole */
        fprintf(stderr, cli_tr(c, "%ld form(s): %ld valid, %ld invalid\n", "%ld 份表单：有效 %ld，无效 %ld\n"), r.forms + r.refused_files, r.forms - r.invalid, bad);
    }
    hh_buf_free(&r.out);
    while (r.rooms) { /* POSIX has no tdestroy: the root, one by one */
        room_met *m = *(room_met **)r.rooms;
        tdelete(m, &r.rooms, compare_rooms);
        free_room(m);
    }
    hh_validator_free(r.v);
    hh_schemaset_free(set);
    if (r.io_error)
        return EXIT_USAGE;
    return bad ? EXIT_PROBLEMS : EXIT_OK;
}
