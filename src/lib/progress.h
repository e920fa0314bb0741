/* progress.h — a progress line on standard error for long imports: forms done,
 * forms per second, refused so far and the time left (from bytes read against the
 * inputs' total size, when it is known). Drawn at most four times a second, only
 * when standard error is a terminal; erased at the end. */
#ifndef HH_PROGRESS_H
#define HH_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct hh_progress {
    FILE *out;                       /* NULL: no progress */
    unsigned long long total_bytes;  /* 0: unknown */
    atomic_size_t bytes_read;
    double started, last_drawn;
    bool drawn;
} hh_progress;

/* Starts progress on `out` if it is a terminal and `wanted`. */
void hh_progress_start(hh_progress *p, FILE *out, bool wanted, unsigned long long total_bytes);
/* Redraws the line when a quarter second has passed, or at once when `erased` (a
 * message was printed over it). */
void hh_progress_update(hh_progress *p, long forms, long refused, bool erased);
void hh_progress_end(hh_progress *p);

#endif
