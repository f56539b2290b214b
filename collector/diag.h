#ifndef COL_DIAG_H
#define COL_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "progress.h"

/* Data problems as a county specialist reads them, one per line:
 *   FILE:LINE:COLUMN: message
 *   FILE:LINE:COLUMN: warning: message
 *   FILE:LINE: message            (the row as a whole)
 *   FILE: message                 (the file as a whole)
 * At most `cap` are printed per file; col_diag_finish says how many more
 * there were. Counting never stops. */
struct col_diag {
    FILE *out;
    const char *file;
    uint64_t errors, warnings, shown, cap;
    struct col_progress *progress;    /* erased before each message; may be NULL */
};

#define COL_DIAG_CAP 100

void col_diag_init(struct col_diag *d, FILE *out, const char *file, uint64_t cap,
                   struct col_progress *progress);

/* line 0: no line; column NULL or "": no column. */
void col_diag_emit(struct col_diag *d, uint64_t line, const char *column, bool warning,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "prevalence: FILE: 57 more problems not shown" when the cap was hit. */
void col_diag_finish(struct col_diag *d, bool have_rejects);

#endif
