/* contacts.c — an example hhreg plugin that writes a directory of files (ABI 1.2).
 *
 * For a visiting team: every household with its address and phone, and every person
 * aged 60 or older with a phone to call, in two CSV files of a new directory:
 *
 *     hhreg export contacts --plugin-dir . -o contacts
 *     contacts/households.csv   household,building,unit,room,phone,persons,aged_60_plus,living_alone
 *     contacts/elderly.csv      household,line,name,age,phone
 *
 * A directory plugin sets HHREG_PLUGIN_DIRECTORY and min_api_minor 2, and names each
 * file with api->open_file before writing it; opening the next file finishes the
 * one before. It asks for two passes, one per file: pass 0 writes households.csv,
 * pass_end(0) starts elderly.csv, and pass 1 writes it. hhreg writes the files into
 * a private directory and renames it to `contacts` only when the export succeeded.
 *
 * Build it like example.c (`make` beside it). */
#include <stdio.h>
#include <stdlib.h>

#include <hhreg/plugin.h>

typedef struct state {
    const hhreg_host_api *api;
} state;

/* Writes a whole row: each field through csv_field (quoted and neutralised, NULL as
 * an empty field), then the line end. 0, or -1 when writing failed. */
static int write_row(hhreg_ctx *ctx, const hhreg_host_api *api, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((i > 0 && api->write_text(ctx, ",") != 0) || api->csv_field(ctx, fields[i], ',', 1) != 0)
            return -1;
    return api->write_text(ctx, "\r\n");   /* CRLF: what Excel writes */
}

static int begin(hhreg_ctx *ctx, const hhreg_host_api *api, void **out)
{
    state *s = malloc(sizeof *s);
    if (!s) {
        api->error(ctx, "out of memory");
        return -1;
    }
    s->api = api;
    *out = s;   /* stored first: end frees it even when the lines below fail */
    static const char *const header[] = { "household", "building", "unit", "room", "phone",
                                          "persons", "aged_60_plus", "living_alone" };
    if (api->open_file(ctx, "households.csv") != 0)
        return -1;   /* already reported by the host */
    return write_row(ctx, api, header, sizeof header / sizeof *header);
}

/* household: pass 0 writes the household's row, pass 1 the rows of its persons
 * aged 60+ (derived by hhreg at the enumeration date, not today). */
static int household(hhreg_ctx *ctx, void *st, unsigned pass, const hhreg_household *h)
{
    const hhreg_host_api *api = ((state *)st)->api;
    if (pass == 0) {
        char persons[24], elderly[24];
        snprintf(persons, sizeof persons, "%zu", h->n_persons);
        snprintf(elderly, sizeof elderly, "%d", h->elderly60);
        const char *const row[] = { h->id, h->building, h->unit, h->room, h->phone,
                                    persons, elderly, h->elderly_living_alone ? "yes" : "no" };
        return write_row(ctx, api, row, sizeof row / sizeof *row);
    }
    for (size_t i = 0; i < h->n_persons; i++) {
        const hhreg_person *p = &h->persons[i];
        if (!p->elderly60)
            continue;
        char line[24], age[24];
        snprintf(line, sizeof line, "%d", p->line);
        snprintf(age, sizeof age, "%d", p->age);
        /* the person's own phone, else the household's (NULL: an empty field) */
        const char *const row[] = { h->id, line, p->name, age, p->phone ? p->phone : h->phone };
        if (write_row(ctx, api, row, sizeof row / sizeof *row) != 0)
            return -1;
    }
    return 0;
}

/* pass_end: after pass 0, finish households.csv and start elderly.csv. */
static int pass_end(hhreg_ctx *ctx, void *st, unsigned pass)
{
    const hhreg_host_api *api = ((state *)st)->api;
    static const char *const header[] = { "household", "line", "name", "age", "phone" };
    if (pass != 0)
        return 0;
    if (api->open_file(ctx, "elderly.csv") != 0)
        return -1;
    return write_row(ctx, api, header, sizeof header / sizeof *header);
}

/* end: also after a failure or a failed begin; state is NULL when malloc failed. */
static int end(hhreg_ctx *ctx, void *st, int ok)
{
    (void)ctx;
    (void)ok;   /* nothing is written here: a failed export leaves no directory */
    free(st);
    return 0;
}

const hhreg_plugin hhreg_plugin_contacts = {
    HHREG_PLUGIN_HEADER(2),      /* open_file needs host API 1.2 */
    .name = "contacts",
    .version = "1.0",
    .summary = "households with their phone, and persons aged 60+ with a phone to call (a directory of CSV)",
    .options = NULL,
    .extension = "",
    .passes = 2,
    .begin = begin,
    .household = household,
    .pass_end = pass_end,
    .end = end,
    .flags = HHREG_PLUGIN_NO_XML | HHREG_PLUGIN_DIRECTORY,
};
