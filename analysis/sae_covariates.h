#ifndef AN_SAE_COVARIATES_H
#define AN_SAE_COVARIATES_H

#include <stddef.h>

#include "estimate.h"
#include "prev_error.h"

/* The covariates file of `prevalence estimate --small-area --covariates
 * FILE.csv` (docs/codebook.md, "Covariates file"): a header, a `county`
 * column (name or 5-digit FIPS) and one or more numeric columns, one row
 * per county. Reading is the I/O edge; sae.c gets aligned numbers. */

#define AN_COV_MAX_COLS 15     /* AN_SAE_MAX_COEF minus the intercept */
#define AN_COV_NAME_MAX 64

struct an_covariates {
    char path[256];                         /* as given, for messages */
    size_t ncols;                           /* numeric columns */
    char names[AN_COV_MAX_COLS][AN_COV_NAME_MAX];
    size_t nrows;
    char (*county)[32];                     /* nrows: as written */
    long *line;                             /* nrows: line of the row in the file */
    double *values;                         /* nrows * ncols, row-major */
};

/* Read path into *out (free with an_covariates_free, also after a failure).
 * Errors (PREV_EX_NOINPUT unreadable, PREV_EX_DATA malformed) name
 * path:line:column. */
int an_covariates_read(const char *path, struct an_covariates *out, struct prev_error *err);

void an_covariates_free(struct an_covariates *c);

/* Fill values[r * c->ncols + j] for each of rows[0..nrows): the county's
 * covariates, NaN for the state row. Every county of rows needs a row in
 * the file, and every row of the file must name one of them (a typo would
 * otherwise drop a county silently). Returns 0 or PREV_EX_DATA. */
int an_covariates_align(const struct an_covariates *c, const struct an_estimate_row *rows,
                        size_t nrows, double *values, struct prev_error *err);

#endif
