#ifndef COL_DBCHECK_H
#define COL_DBCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "scan.h"

/* Checks of a file against data already loaded: a respondent already
 * loaded for the year, a county-year that already has a frame, more
 * respondents than the frame's officers_total (error) or more caseload
 * than its youth_total (warning), whichever of frame and responses came
 * first; and what --replace would retire. The queries read batch_scope
 * and frames (small) and, only when the file's years already hold
 * responses, the respondent codes of those years. */

struct col_dbcheck {
    bool replace;                 /* --replace was given */
    int64_t own_batch;            /* the batch being loaded (0 when checking) */
    int64_t *replaced;            /* active batches this file would supersede */
    size_t nreplaced;
};

/* Fill sc's cells (db_* fields) and respondent entries (loaded_batch),
 * and dc->replaced. Returns 0, or 69 with err filled. */
int col_dbcheck_run(PGconn *conn, struct col_scan *sc, int64_t own_batch, bool replace,
                    struct col_dbcheck *dc, struct prev_error *err);

/* Report what col_dbcheck_run found, in line order, to sc's diagnostics
 * and rejects file. */
void col_dbcheck_report(struct col_scan *sc, const struct col_dbcheck *dc);

void col_dbcheck_free(struct col_dbcheck *dc);

#endif
