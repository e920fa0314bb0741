/* write_stat.c — the .dta (Stata 14+, UTF-8) and .sav (SPSS) files, written with
 * ReadStat: every coded variable as whole numbers 1..n with value labels, numbers
 * as numbers (the top code labelled, e.g. 85 "85+"), blanks as system missing,
 * variable labels in the release language. */
#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "release.h"

typedef struct stat_writer {
    const release *r;
    readstat_writer_t *w;
    readstat_variable_t *columns[VAR_COUNT];
    readstat_variable_t *id, *person_no;
    readstat_error_t failed;
} stat_writer;

/* ReadStat counts a short write as an error only when the callback returns fewer
 * bytes than asked: -1 would be read as a huge size_t and the error lost. */
static ssize_t put_bytes(const void *data, size_t len, void *arg)
{
    const release *r = arg;
    return r->api->write_bytes(r->ctx, data, len) == 0 ? (ssize_t)len : 0;
}

static void define_variable(stat_writer *s, int v)
{
    const release *r = s->r;
    readstat_label_set_t *labels = NULL;
    const categories *c = &r->m->cats[v];
    for (uint16_t i = 0; i < c->n; i++) {
        uint16_t cat = r->cat_order[v][i];
        int numeric = release_numeric(r, v);
        if (numeric && !c->names[cat])
            continue; /* a plain number needs no label */
        if (!labels)
            labels = readstat_add_label_set(s->w, READSTAT_TYPE_INT32, variables[v].name);
        int32_t value = numeric ? (int32_t)strtol(c->codes[cat], NULL, 10) : (int32_t)r->rank[v][cat];
        readstat_label_int32_value(labels, value, release_label(r, v, cat));
    }
    s->columns[v] = readstat_add_variable(s->w, variables[v].name, READSTAT_TYPE_INT32, 0);
    readstat_variable_set_label(s->columns[v], variable_label(r, v));
    if (labels)
        readstat_variable_set_label_set(s->columns[v], labels);
}

static int stat_row(const release *r, int file, size_t position, size_t household, long person, void *arg)
{
    stat_writer *s = arg;
    char id[24];
    release_household_id(r, position, id);
    readstat_error_t e = readstat_begin_row(s->w);
    if (!e)
        e = readstat_insert_string_value(s->w, s->id, id);
    if (!e && file == FILE_PERSONS)
        e = readstat_insert_int32_value(s->w, s->person_no,
                                        (int32_t)(person - (long)r->m->households[household].first_person + 1));
    for (int v = 0; v < VAR_COUNT && !e; v++) {
        if (!file_has(file, v))
            continue;
        uint16_t cat = row_value(r, household, person, v);
        if (!cat)
            e = readstat_insert_missing_value(s->w, s->columns[v]);
        else
            e = readstat_insert_int32_value(s->w, s->columns[v],
                                            release_numeric(r, v) ? (int32_t)strtol(r->m->cats[v].codes[cat], NULL, 10)
                                                                  : (int32_t)r->rank[v][cat]);
    }
    if (!e)
        e = readstat_end_row(s->w);
    s->failed = e;
    return e != READSTAT_OK;
}

int write_stat_file(const release *r, int file, unsigned format)
{
    char name[64];
    snprintf(name, sizeof name, "%s.%s", file_stems[file], format == FORMAT_DTA ? "dta" : "sav");
    if (r->api->open_file(r->ctx, name) != 0)
        return -1;
    stat_writer s;
    memset(&s, 0, sizeof s);
    s.r = r;
    s.w = readstat_writer_init();
    readstat_set_data_writer(s.w, put_bytes);
    char title[128];
    snprintf(title, sizeof title, "%s, anonymised (%s)", file_stems[file], r->p->profile);
    readstat_writer_set_file_label(s.w, title);
    if (format == FORMAT_DTA)
        readstat_writer_set_file_format_version(s.w, 118); /* Stata 14+: UTF-8 */
    s.id = readstat_add_variable(s.w, "hh_id", READSTAT_TYPE_STRING, 17);
    readstat_variable_set_label(s.id, release_in_chinese(r) ? "发布的户编号" : "Released household id");
    if (file == FILE_PERSONS) {
        s.person_no = readstat_add_variable(s.w, "person_no", READSTAT_TYPE_INT32, 0);
        readstat_variable_set_label(s.person_no, release_in_chinese(r) ? "户内人员序号" : "Person number in the household");
    }
    for (int v = 0; v < VAR_COUNT; v++)
        if (file_has(file, v))
            define_variable(&s, v);
    long rows = (long)file_rows(r, file);
    readstat_error_t e = format == FORMAT_DTA ? readstat_begin_writing_dta(s.w, (void *)r, rows)
                                              : readstat_begin_writing_sav(s.w, (void *)r, rows);
    if (!e && release_each_row(r, file, stat_row, &s) != 0)
        e = s.failed;
    if (!e)
        e = readstat_end_writing(s.w);
    readstat_writer_free(s.w);
    if (e != READSTAT_OK) {
        r->api->error(r->ctx, "%s: %s", name, readstat_error_message(e));
        return -1;
    }
    return 0;
}
