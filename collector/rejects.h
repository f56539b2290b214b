#ifndef COL_REJECTS_H
#define COL_REJECTS_H

#include <stdint.h>

#include "codebook.h"
#include "prev_error.h"

/* The --rejects file: every bad row with its reasons, as CSV a county
 * specialist can open next to the original. Columns:
 *   file, line, problems, then the codebook columns of the kind.
 * Written whole or not at all (common/atomic_file.h). A value that looks
 * like a direct identifier is written as [redacted], one that is not
 * readable text as [unreadable]: the rejects file is a copy people pass
 * around, so the firewall applies to it as to the terminal. */

struct col_rejects;

#define COL_REDACTED "[redacted]"
#define COL_UNREADABLE "[unreadable]"

/* Create path.tmp.PID for the kind's columns. 73 when it cannot. */
int col_rejects_open(struct col_rejects **out, const char *path, enum col_kind kind,
                     struct prev_error *err);

/* One bad row. values[c] is the text of column c or NULL (empty);
 * flags[c] says what the reader saw in it (COL_FIELD_*); flags may be
 * NULL. problems is the reasons joined with "; ". */
void col_rejects_row(struct col_rejects *rj, const char *file, uint64_t line,
                     const char *problems, const char *const values[COL_NCOLUMNS],
                     const unsigned char flags[COL_NCOLUMNS]);

/* Rename into place (73/74 on failure) and free. */
int col_rejects_commit(struct col_rejects *rj, struct prev_error *err);

/* Remove the temporary file and free (NULL is fine). */
void col_rejects_abort(struct col_rejects *rj);

#endif
