#ifndef AN_SAE_H
#define AN_SAE_H

#include <stdbool.h>
#include <stddef.h>

#include "estimate.h"
#include "fay_herriot.h"
#include "nchs.h"
#include "prev_error.h"

/* Small-area (Fay-Herriot) estimates for the counties of one survey year
 * and measure, from the direct estimates of `prevalence estimate`. Pure:
 * rows and aligned covariate values in, model-based columns out
 * (docs/methods.md, "Small-area estimates (Fay-Herriot)"). */

enum an_sae_transform { AN_SAE_TRANSFORM_NONE, AN_SAE_TRANSFORM_ARCSINE };

const char *an_sae_transform_name(enum an_sae_transform t);   /* "none", "arcsine" */
bool an_sae_transform_parse(const char *name, enum an_sae_transform *out);

/* Where a county's sampling variance D_i comes from. */
enum an_sae_variance_source {
    AN_SAE_VAR_DIRECT,   /* the design-based se^2 of the direct estimate */
    AN_SAE_VAR_GVF,      /* smoothed: p-bar (1 - p-bar) deff-bar / n_i */
    AN_SAE_VAR_CENSUS    /* every officer answered: the county's value is known,
                          * D_i = 0, not in the fit; model-based = direct */
};

/* "direct", "gvf", "census" */
const char *an_sae_variance_source_name(enum an_sae_variance_source s);

/* A direct variance from fewer PSUs than this has at most one degree of
 * freedom: too unstable to weigh a county by (it is replaced by the GVF). */
#define AN_SAE_MIN_PSUS 3
#define AN_SAE_MAX_COEF 16

struct an_sae_options {
    enum an_fh_method method;          /* default AN_FH_REML */
    enum an_sae_transform transform;   /* default AN_SAE_TRANSFORM_NONE */
    double level;                      /* of sae_ci_low/high, e.g. 0.95 */
};

/* Covariate values aligned with the rows passed to an_sae_compute: row r
 * has values[r * ncols + j] for column names[j] (ignored for the state
 * row). ncols = 0 or a NULL pointer: an intercept-only model. */
struct an_sae_covariates {
    size_t ncols;
    const char *const *names;
    const double *values;
};

/* The model-based columns of one output row. */
struct an_sae_row {
    bool has_sae;          /* false for the state row, or no model */
    bool synthetic;        /* county without respondents: x' beta */
    double estimate;       /* sae_estimate (proportion scale) */
    double mse;            /* sae_mse (proportion scale; delta method under arcsine) */
    double ci_low, ci_high;/* sae_ci_low/high, clamped to [0, 1] */
    double weight;         /* sae_weight: gamma = A / (A + D_i); 0 if synthetic */
    double variance;       /* D_i used by the model (on the model's scale) */
    enum an_sae_variance_source variance_source;
    double std_resid;      /* (y_i - x_i' beta) / sqrt(A + D_i); NaN if synthetic */
    enum an_flag flag;     /* NCHS-style rules on the model-based interval */
    char reasons[320];
};

struct an_sae_summary {
    struct an_fh_fit fit;      /* owned: free with an_sae_summary_free */
    enum an_sae_transform transform;
    size_t counties;           /* counties in the state (rows minus the state row) */
    size_t m;                  /* counties in the fit (with respondents) */
    size_t n_gvf;              /* of them, with a smoothed variance */
    double p_bar;              /* youth_n-weighted mean of the direct estimates */
    double deff_bar;           /* mean design effect of counties with a direct variance, >= 1 */
    double benchmark_ratio;    /* weighted mean direct / weighted mean model-based */
    bool benchmark_by_population;   /* weights youth_total (frame), else youth_n */
    size_t ncoef;
    char coef_names[AN_SAE_MAX_COEF][64];   /* "(intercept)", covariate names */
};

/* Fit the model to the county rows among rows[0..nrows) (the state row,
 * fips AN_STATE_FIPS, is skipped and gets has_sae = false) and fill out[r]
 * for every row. All county rows must share survey_year and measure.
 * Returns 0, or an error code (PREV_EX_DATA: too few counties, no cases
 * anywhere, collinear covariates; PREV_EX_SOFTWARE: inconsistent rows) with
 * err filled. summary is filled on success; free it with
 * an_sae_summary_free (safe on a zeroed or failed summary too). */
int an_sae_compute(const struct an_estimate_row *rows, size_t nrows,
                   const struct an_sae_covariates *cov, const struct an_sae_options *opt,
                   struct an_sae_row *out, struct an_sae_summary *summary,
                   struct prev_error *err);

void an_sae_summary_free(struct an_sae_summary *summary);

/* Whether the model-based estimate of a row may be shown: its flag (set by
 * an_sae_compute from the NCHS thresholds applied to the model-based
 * interval, docs/methods.md) is not "suppress". For the report. */
bool an_sae_presentable(const struct an_sae_row *row);

/* The flag rules themselves, for a row whose estimate, ci_low, ci_high,
 * synthetic and std_resid are set; converged is the model's. */
void an_sae_evaluate(struct an_sae_row *row, bool converged);

#endif
