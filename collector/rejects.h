#ifndef COL_REJECTS_H
#define COL_REJECTS_H

#include <stdint.h>

#include "codebook.h"
#include "prev_error.h"

/* The --rejects file: every bad row with its reasons, as CSV a county
 * specialist can open next to the original. Columns:
 *   file, line, problems
 * where problems is "column: what is wrong; column: ...". No value of
 * the row is ever written, only where it is and what is wrong with its
 * shape: the rejects file is a copy people pass around, and any bad value
 * may be a name typed into the wrong column. Written whole or not at all
 * (common/atomic_file.h). */

struct col_rejects;

/* Create the temporary file (common/atomic_file.h). 73 when it cannot. */
int col_rejects_open(struct col_rejects **out, const char *path, enum col_kind kind,
                     struct prev_error *err);

/* One bad row. problems is the reasons joined with "; ". values and
 * flags (the row's fields, may be NULL) are accepted for the callers'
 * convenience and never written. */
void col_rejects_row(struct col_rejects *rj, const char *file, uint64_t line,
                     const char *problems, const char *const values[COL_NCOLUMNS],
                     const unsigned char flags[COL_NCOLUMNS]);

/* Rename into place (73/74 on failure) and free. */
int col_rejects_commit(struct col_rejects *rj, struct prev_error *err);

/* Remove the temporary file and free (NULL is fine). */
void col_rejects_abort(struct col_rejects *rj);

#endif
