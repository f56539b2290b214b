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
 * and for a workbook's sheet, by cell:
 *   FILE:Responses!C12: column caseload: message
 *   FILE:Responses!row 12: message
 * At most `cap` are printed per file; col_diag_finish says how many more
 * there were. Counting never stops.
 *
 * A problem given a group code (col_diag_emit_grouped) that comes back on
 * other rows of the same column is printed once, with how many rows have
 * it and the first of them: a percent sign in every row of a column is
 * one mistake, not two hundred. So that the one line can say so, messages
 * are held until col_diag_flush (in the order they came) rather than
 * printed at once. */

struct col_diag_entry;
struct col_diag_group;

struct col_diag {
    FILE *out;
    const char *file;
    uint64_t errors, warnings, shown, cap;
    struct col_progress *progress;    /* erased before printing; may be NULL */
    const char *sheet;                /* a workbook's sheet, NULL or "" for CSV */
    const int *field_of;              /* column -> field (codebook.h), for cells */
    /* private */
    struct col_diag_entry *entry;     /* held messages, up to cap */
    size_t nentries;
    struct col_diag_group *group;
    size_t ngroups;
    uint64_t grouped;                 /* repeats folded into a group's line */
};

#define COL_DIAG_CAP 100

void col_diag_init(struct col_diag *d, FILE *out, const char *file, uint64_t cap,
                   struct col_progress *progress);

/* line 0: no line; column NULL or "": no column. */
void col_diag_emit(struct col_diag *d, uint64_t line, const char *column, bool warning,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The same with the field (0-based position in the row, -1 unknown),
 * which a workbook's position needs when column is not a codebook name. */
void col_diag_emit_field(struct col_diag *d, uint64_t line, int field, const char *column,
                         bool warning, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* A problem that may repeat down a column: group > 0 names its kind. */
void col_diag_emit_grouped(struct col_diag *d, uint64_t line, const char *column, int group,
                           bool warning, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Print what is held. Safe to call more than once. */
void col_diag_flush(struct col_diag *d);

/* Flush, then "prevalence: FILE: 57 more problems not shown" when the cap
 * was hit; frees what diag holds. */
void col_diag_finish(struct col_diag *d, bool have_rejects);

/* Free without printing (an error stopped the command). */
void col_diag_free(struct col_diag *d);

#endif
