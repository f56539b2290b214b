#ifndef COL_PROGRESS_H
#define COL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* A progress line on stderr, redrawn in place: "FILE: loading 45%
 * 120000 rows 250000 rows/s". Only when stderr is a terminal, not quiet,
 * and the input is big enough for a person to wonder (over 4 MB, or of
 * unknown size once 4 MB have been read). */
struct col_progress {
    FILE *out;
    bool enabled;             /* terminal and not quiet */
    bool visible;             /* a line is on screen now */
    const char *name;
    const char *verb;         /* "checking", "loading" */
    uint64_t total;           /* bytes expected, 0 when unknown (stdin) */
    double started, last_draw;
};

#define COL_PROGRESS_MIN_BYTES (4u * 1024 * 1024)

void col_progress_init(struct col_progress *p, FILE *out, bool enabled, const char *name,
                       const char *verb, uint64_t total);
/* Redraw at most ten times a second. */
void col_progress_update(struct col_progress *p, uint64_t bytes, uint64_t rows);
/* Erase the line (before printing a message, and at the end). */
void col_progress_clear(struct col_progress *p);

/* Seconds since an arbitrary point (monotonic clock). */
double col_now(void);

#endif
