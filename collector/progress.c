#include "progress.h"

#include <time.h>

double col_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void col_progress_init(struct col_progress *p, FILE *out, bool enabled, const char *name,
                       const char *verb, uint64_t total)
{
    p->out = out;
    p->enabled = enabled;
    p->visible = false;
    p->name = name;
    p->verb = verb;
    p->total = total;
    p->started = col_now();
    p->last_draw = 0;
}

void col_progress_update(struct col_progress *p, uint64_t bytes, uint64_t rows)
{
    double now, elapsed;

    if (!p->enabled)
        return;
    if (p->total != 0 ? p->total < COL_PROGRESS_MIN_BYTES : bytes < COL_PROGRESS_MIN_BYTES)
        return;
    now = col_now();
    if (now - p->last_draw < 0.1)
        return;
    p->last_draw = now;
    elapsed = now - p->started;
    /* \r and erase-to-end-of-line redraw in place on any terminal. */
    fprintf(p->out, "\r\033[K%s: %s", p->name, p->verb);
    if (p->total != 0)
        fprintf(p->out, " %3.0f%%", 100.0 * (double)bytes / (double)p->total);
    fprintf(p->out, " %llu rows", (unsigned long long)rows);
    if (elapsed > 0.2)
        fprintf(p->out, " %.0f rows/s", (double)rows / elapsed);
    fflush(p->out);
    p->visible = true;
}

void col_progress_clear(struct col_progress *p)
{
    if (!p->visible)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->visible = false;
}
