/* cmd_validate.c — `hhreg validate FILE...`: every problem of every form, as text
 * lines "FILE:LINE: error|warning: [RULE] PATH: message" or as JSON. Nothing is
 * stored. */
#include <string.h>

#include "cli.h"
#include "input.h"
#include "paths.h"
#include "validate.h"

typedef struct run {
    cli *c;
    hh_validator *v;
    bool json;
    long forms, invalid, refused_files;
    bool io_error;
    hh_buf out;          /* JSON problems, as array elements */
    hh_json problems;
} run;

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
    hh_print_file_problem(stderr, "hhreg validate", path, why);
    r->io_error = true;
}

static int own_option(int opt, const char *arg, void *st)
{
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
        fprintf(stderr, "%ld form(s): %ld valid, %ld invalid\n", r.forms + r.refused_files, r.forms - r.invalid, bad);
    }
    hh_buf_free(&r.out);
    hh_validator_free(r.v);
    hh_schemaset_free(set);
    if (r.io_error)
        return EXIT_USAGE;
    return bad ? EXIT_PROBLEMS : EXIT_OK;
}
