/* release.h — what the writers share: the households in release order with their
 * new ids, the columns of each file, and the codes and labels of every value. */
#ifndef ANONYMISE_RELEASE_H
#define ANONYMISE_RELEASE_H

#include "method.h"

typedef struct release {
    hhreg_ctx *ctx;
    const hhreg_host_api *api;
    const microdata *m;
    const params *p;
    const disclosure *d;
    const char *plugin_version;
    char date[16];                         /* the release date, YYYY-MM-DD */
    uint32_t *order;                       /* households, shuffled */
    uint16_t *cat_order[VAR_COUNT], *rank[VAR_COUNT];
} release;

/* The columns of the two files, after hh_id (and person_no for persons). */
enum { FILE_HOUSEHOLDS, FILE_PERSONS };
extern const char *const file_stems[2];   /* "households", "persons" */
int file_has(int file, int var);
size_t file_rows(const release *r, int file);

/* Shuffles the households (r->order) and the persons within each household (in
 * place: person_no is then a random position, not the form's), and orders the
 * categories. */
void release_init(release *r, rng *g);
void release_free(release *r);

/* The released id of the household at `position` of the release order: a keyed id
 * ("K" + 16 hex digits) when a key was given, else "H" + the position. */
void release_household_id(const release *r, size_t position, char buf[24]);

/* A value's code as released ("" when blank) and its label in the release language. */
const char *release_code(const release *r, int var, uint16_t category);
const char *release_label(const release *r, int var, uint16_t category);
const char *variable_label(const release *r, int var);
/* Whether labels are in Chinese (--opt lang=zh). */
int release_in_chinese(const release *r);
/* Whether a reader should see the variable as a number (age in single years,
 * household size) rather than a coded category. */
int release_numeric(const release *r, int var);

/* Calls fn(r, file, household, person, arg) for every row of a file in release
 * order (person is -1 for the households file); stops at the first non-zero. */
typedef int (*row_fn)(const release *r, int file, size_t position, size_t household, long person, void *arg);
int release_each_row(const release *r, int file, row_fn fn, void *arg);

/* The value of `var` in a row. */
uint16_t row_value(const release *r, size_t household, long person, int var);

/* The writers: each returns 0, or -1 with the problem reported. */
int write_csv(const release *r, int file);
int write_stat_file(const release *r, int file, unsigned format);
int write_ddi(const release *r);
int write_report(const release *r);

#endif
