/* sample.h — generating realistic household forms: the grid of the article first
 * (estate 成飞512, buildings 543-554, 55 units, 812 households, about 1,730 persons of
 * an old factory estate: many elderly, elderly living alone, persons with
 * disabilities, low-income households, migrants and a few Pakistani households),
 * then further grids, communities and streets of Qingyang for larger counts.
 * The same seed gives the same forms, byte for byte. Every form is valid.
 *
 * The area codes are Qingyang's (GB/T 2260 510105) only when asked (real_area);
 * otherwise the same codes under province 00, which GB/T 2260 does not have, so no
 * sample household id, area code or resident ID number can be a real one.
 * Files are created, never opened through a symbolic link, and never replace an
 * existing file unless `force` (and then only a regular file); a directory must be
 * empty or new unless `force`. */
#ifndef HH_SAMPLE_H
#define HH_SAMPLE_H

#include <stdbool.h>
#include <stdint.h>
#include "util.h"

typedef struct hh_sample_options {
    long households;
    uint64_t seed;
    const char *out_dir;          /* one file per household, or */
    const char *batch_file;       /* one batch file ("-" for standard output) */
    const char *enumeration_date; /* YYYY-MM-DD the visits end on; NULL: 2026-10-28 */
    bool force;                   /* replace existing files of the same names */
    bool real_area;               /* Qingyang's real area codes instead of province 00 */
} hh_sample_options;

/* Returns 0, or -1 with the reason in `err`. */
int hh_sample_generate(const hh_sample_options *opt, hh_buf *err);

#endif
