/* progress.c — see progress.h. */
#include "progress.h"
#include "diag.h"

#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void hh_progress_start(hh_progress *p, FILE *out, bool wanted, unsigned long long total_bytes)
{
    p->out = wanted && out && isatty(fileno(out)) ? out : NULL;
    p->total_bytes = total_bytes;
    atomic_init(&p->bytes_read, 0);
    p->started = p->last_drawn = now();
    p->drawn = false;
}

void hh_progress_update(hh_progress *p, long forms, long refused, bool erased)
{
    if (!p->out)
        return;
    double t = now();
    if (t - p->last_drawn < 0.25 && !(erased && p->drawn))
        return;
    p->last_drawn = t;
    double elapsed = t - p->started;
    fprintf(p->out, hh_tr("\r%ld forms, %.0f forms/s, %ld refused", "\r已处理 %ld 份表单，每秒 %.0f 份，拒绝 %ld 份"),
            forms, elapsed > 0 ? forms / elapsed : 0.0, refused);
    size_t done = atomic_load(&p->bytes_read);
    if (p->total_bytes && done > 0 && done <= p->total_bytes) {
        long left = (long)(elapsed * (double)(p->total_bytes - done) / (double)done);
        fprintf(p->out, hh_tr(", %ld:%02ld left", "，剩余 %ld:%02ld"), left / 60, left % 60);
    }
    fputs("\033[K", p->out);
    fflush(p->out);
    p->drawn = true;
}

void hh_progress_end(hh_progress *p)
{
    if (p->out && p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
}
