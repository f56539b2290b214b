#ifndef REP_SAE_FIT_H
#define REP_SAE_FIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "analysis.h"
#include "prev_error.h"

/* What a front end asks of the small-area model (its options parsed). */
struct rep_sae_request {
    bool small_area;            /* fit the model at all */
    bool insist;                /* a model that cannot be fitted is an error; else
                                 * the report goes on without it and says why */
    enum an_fh_method fit;
    enum an_sae_transform transform;
    const char *covariates;     /* covariates file, or NULL: intercept only */
    FILE *diagnostics;          /* the model's diagnostics go here, or NULL */
    const char *label;          /* their heading, e.g. "prevalence report" */
};

/* The covariates file, read once, and its values aligned with a block of
 * rows (a measure's counties, then the state). */
struct rep_sae_covariates {
    bool loaded;
    struct an_covariates file;
    const char *names[AN_COV_MAX_COLS];
    double *values;           /* block * file.ncols */
    size_t block;
    char sha256[65];          /* of the file as read */
};

/* Read path (nothing when NULL) for blocks of `block` rows. Free c with
 * rep_sae_covariates_free, also after a failure. Returns 0 or an error
 * code (66 unreadable, 65 malformed or over the caps) with err filled. */
int rep_sae_covariates_read(const char *path, size_t block, struct rep_sae_covariates *c,
                            struct prev_error *err);
void rep_sae_covariates_free(struct rep_sae_covariates *c);

/* Fit the model to one block rows[0..block) into sae[0..block), with the
 * covariates aligned to these rows (c may be unloaded: intercept only);
 * diagnostics to rq->diagnostics when set. view (may be NULL) receives
 * the aligned covariates as the model saw them; it points into c. summary
 * is filled on success (free it with an_sae_summary_free). Returns 0 or
 * an_sae_compute's error. */
int rep_sae_fit_block(const struct rep_sae_request *rq, struct rep_sae_covariates *c,
                      const struct an_estimate_row *rows, size_t block, struct an_sae_row *sae,
                      struct an_sae_covariates *view, struct an_sae_summary *summary,
                      struct prev_error *err);

struct rep_report_data;

/* The report's small-area model, fitted to the loaded rows: what
 * d->in.sae points into. */
struct rep_sae_fit {
    struct rep_sae_covariates cov;
    struct an_sae_row rows[AN_MAX_COUNTIES + 1];
    struct an_sae_row officer_rows[AN_MAX_COUNTIES + 1];
};

/* Fit the model for the report's measure and for officer_any and fill
 * d->in.sae. When the model cannot be fitted for the report's measure (too
 * few counties with respondents, no case anywhere) and !rq->insist, the
 * report goes on without it: d->in.sae.fallback says why and a caveat is
 * added. Free f with rep_sae_fit_free. Returns 0 or an exit code with err
 * filled. */
int rep_report_sae_fit(const struct rep_sae_request *rq, struct rep_report_data *d,
                       struct rep_sae_fit *f, struct prev_error *err);
void rep_sae_fit_free(struct rep_sae_fit *f);

#endif
