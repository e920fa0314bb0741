/* sample.h — generating realistic household forms: the grid of the article first
 * (estate 成飞512, buildings 543-554, 55 units, 812 households, about 1,730 persons of
 * an old factory estate: many elderly, elderly living alone, persons with
 * disabilities, low-income households, migrants and a few Pakistani households),
 * then further grids, communities and streets of Qingyang for larger counts.
 * The same seed gives the same forms, byte for byte. Every form is valid. */
#ifndef HH_SAMPLE_H
#define HH_SAMPLE_H

#include <stdint.h>
#include "util.h"

typedef struct hh_sample_options {
    long households;
    uint64_t seed;
    const char *out_dir;          /* one file per household, or */
    const char *batch_file;       /* one batch file ("-" for standard output) */
    const char *enumeration_date; /* YYYY-MM-DD the visits end on; NULL: 2026-10-28 */
} hh_sample_options;

/* Returns 0, or -1 with the reason in `err`. */
int hh_sample_generate(const hh_sample_options *opt, hh_buf *err);

#endif
