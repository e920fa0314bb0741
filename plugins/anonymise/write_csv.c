/* write_csv.c — persons.csv and households.csv: UTF-8, a header row, codes as the
 * form schema spells them (labels are in the codebook), blank where a value is
 * absent or suppressed. */
#include <stdio.h>
#include <string.h>

#include "release.h"

static int csv_row(const release *r, int file, size_t position, size_t household, long person, void *arg)
{
    (void)arg;
    char id[24];
    release_household_id(r, position, id);
    if (r->api->write_text(r->ctx, id) != 0)
        return -1;
    if (file == FILE_PERSONS &&
        r->api->writef(r->ctx, ",%ld", person - (long)r->m->households[household].first_person + 1) != 0)
        return -1;
    for (int v = 0; v < VAR_COUNT; v++)
        if (file_has(file, v) && (r->api->write_text(r->ctx, ",") != 0 ||
                                  r->api->csv_field(r->ctx, release_code(r, v, row_value(r, household, person, v)),
                                                    ',', 1) != 0))
            return -1;
    return r->api->write_text(r->ctx, "\n");
}

int write_csv(const release *r, int file)
{
    char name[64];
    snprintf(name, sizeof name, "%s.csv", file_stems[file]);
    if (r->api->open_file(r->ctx, name) != 0 ||
        r->api->write_text(r->ctx, file == FILE_PERSONS ? "hh_id,person_no" : "hh_id") != 0)
        return -1;
    for (int v = 0; v < VAR_COUNT; v++)
        if (file_has(file, v) && r->api->writef(r->ctx, ",%s", variables[v].name) != 0)
            return -1;
    if (r->api->write_text(r->ctx, "\n") != 0)
        return -1;
    return release_each_row(r, file, csv_row, NULL);
}
