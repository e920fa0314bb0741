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
    hh_buf out;          /* JSON problems */
    size_t printed;
} run;

static void emit(run *r, const hh_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        if (r->json) {
            if (r->printed++)
                hh_buf_putc(&r->out, ',');
            hh_buf_puts(&r->out, "\n  ");
            hh_diag_json(&r->out, &d->items[i], r->c->lang);
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
    fprintf(stderr, "hhreg validate: %s: %s\n", path, why);
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
    int rest, rc = cli_parse(c, cmd, argc, argv, own, NULL, own_option, &r, &rest);
    if (rc)
        return rc < 0 ? EXIT_OK : rc;
    if (rest >= argc)
        return cli_fail(cmd, "name at least one form file, directory or '-'");
    hh_schemaset *set = cli_load_schemas(c, cmd);
    if (!set)
        return EXIT_USAGE;
    r.v = hh_validator_new(set);
    hh_buf_init(&r.out);
    hh_path_visitor visitor = { on_input, on_problem, &r };
    for (int i = rest; i < argc; i++)
        hh_visit_path(argv[i], &visitor);
    long bad = r.invalid + r.refused_files;
    if (r.json) {
        printf("{\"forms\":%ld,\"valid\":%ld,\"invalid\":%ld,\"problems\":[%s%s]}\n", r.forms + r.refused_files,
               r.forms - r.invalid, bad, r.out.data, r.printed ? "\n" : "");
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
