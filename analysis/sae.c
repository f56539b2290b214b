/* Small-area estimates from direct county estimates: sampling variances
 * (direct or smoothed), the Fay-Herriot fit, back to proportions, and the
 * NCHS-style presentation rules on the model-based interval. The reason
 * strings are an output column: keep the wording, it is documented in
 * docs/methods.md. */
#include "sae.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_matrix.h>

/* NCHS Data Presentation Standards for Proportions (Parker et al. 2017),
 * the same thresholds as nchs.c, applied to the model-based interval. */
#define SAE_MAX_ABS_WIDTH 0.30
#define SAE_SMALL_WIDTH 0.05
#define SAE_MAX_REL_WIDTH 1.30
/* A county the model fits this badly is worth a look before its shrunken
 * estimate is shown. */
#define SAE_MAX_STD_RESID 3.0

const char *an_sae_transform_name(enum an_sae_transform t)
{
    switch (t) {
    case AN_SAE_TRANSFORM_NONE:
        return "none";
    case AN_SAE_TRANSFORM_ARCSINE:
        return "arcsine";
    }
    return NULL;
}

bool an_sae_transform_parse(const char *name, enum an_sae_transform *out)
{
    if (name == NULL)
        return false;
    if (strcmp(name, "none") == 0) {
        *out = AN_SAE_TRANSFORM_NONE;
        return true;
    }
    if (strcmp(name, "arcsine") == 0) {
        *out = AN_SAE_TRANSFORM_ARCSINE;
        return true;
    }
    return false;
}

const char *an_sae_variance_source_name(enum an_sae_variance_source s)
{
    switch (s) {
    case AN_SAE_VAR_DIRECT:
        return "direct";
    case AN_SAE_VAR_GVF:
        return "gvf";
    case AN_SAE_VAR_CENSUS:
        return "census";
    }
    return NULL;
}

static bool is_state(const struct an_estimate_row *r)
{
    return strcmp(r->fips, AN_STATE_FIPS) == 0;
}

/* A county where every officer answered (the frame counts as many officers
 * as responded): its direct estimate is the county's finite-population
 * value, with no sampling error (D_i = 0). The model has nothing to add:
 * shrinking a known value towards the model's prediction only moves it
 * away from the truth (the coverage study found such intervals covering
 * 51-65% before this rule, docs/methods.md). */
static bool is_census(const struct an_estimate_row *r)
{
    return r->has_estimate && r->officers_total > 0 && r->respondents == r->officers_total;
}

/* A direct variance the model can weigh a county by: a real sampling
 * variance (not a census or an estimate at 0 or 1, where se = 0) from
 * enough PSUs to have more than one degree of freedom. */
static bool direct_variance_usable(const struct an_estimate_row *r)
{
    return r->has_estimate && isfinite(r->se) && r->se > 0.0 && r->estimate > 0.0
           && r->estimate < 1.0 && r->respondents >= AN_SAE_MIN_PSUS && r->youth_n > 0;
}

static void reason_add(struct an_sae_row *row, const char *text)
{
    size_t len = strlen(row->reasons);

    snprintf(row->reasons + len, sizeof row->reasons - len, "%s%s", len > 0 ? "; " : "", text);
}

void an_sae_evaluate(struct an_sae_row *row, bool converged)
{
    bool suppress = false, review = false;
    double width;

    row->reasons[0] = '\0';
    if (!row->has_sae) {
        row->flag = AN_FLAG_SUPPRESS;
        reason_add(row, "no model-based estimate");
        return;
    }
    if (!converged) {
        suppress = true;
        reason_add(row, "model fit did not converge");
    }
    if (!isfinite(row->ci_low) || !isfinite(row->ci_high) || !isfinite(row->estimate)) {
        suppress = true;
        reason_add(row, "no confidence interval");
    }
    width = row->ci_high - row->ci_low;
    if (width >= SAE_MAX_ABS_WIDTH) {
        suppress = true;
        reason_add(row, "absolute CI width 0.30 or more");
    }
    if (width > SAE_SMALL_WIDTH && width > SAE_MAX_REL_WIDTH * row->estimate) {
        suppress = true;
        reason_add(row, "relative CI width above 130%");
    }
    if (row->synthetic) {
        review = true;
        reason_add(row, "synthetic estimate (no respondents)");
    } else if (fabs(row->std_resid) > SAE_MAX_STD_RESID) {
        review = true;
        reason_add(row, "standardized residual above 3");
    }
    if (row->estimate == 0.0) {
        review = true;
        reason_add(row, "estimate is 0");
    }
    if (!suppress && width > SAE_SMALL_WIDTH && width > SAE_MAX_REL_WIDTH * (1.0 - row->estimate))
        reason_add(row, "complement unreliable");
    row->flag = suppress ? AN_FLAG_SUPPRESS : review ? AN_FLAG_REVIEW : AN_FLAG_PRESENT;
}

bool an_sae_presentable(const struct an_sae_row *row)
{
    return row->has_sae && row->flag != AN_FLAG_SUPPRESS;
}

void an_sae_summary_free(struct an_sae_summary *summary)
{
    if (summary == NULL)
        return;
    an_fh_fit_free(&summary->fit);
    memset(summary, 0, sizeof *summary);
}

static double clamp01(double x)
{
    return fmin(fmax(x, 0.0), 1.0);
}

static double sin2_clamped(double t)
{
    double c = fmin(fmax(t, 0.0), M_PI / 2.0), s = sin(c);

    return s * s;
}

/* Model scale (mu, mse*, posterior variance of the area mean) to the
 * proportion columns of row. */
static void back_to_proportion(enum an_sae_transform tr, double mu, double mse_model,
                               double post_var, double z, struct an_sae_row *row)
{
    if (tr == AN_SAE_TRANSFORM_NONE) {
        row->estimate = clamp01(mu);
        row->mse = mse_model;
        row->ci_low = clamp01(mu - z * sqrt(mse_model));
        row->ci_high = clamp01(mu + z * sqrt(mse_model));
        return;
    }
    /* Arcsine: the bias-corrected mean of sin^2 (emdi's "bc"); the MSE by
     * the delta method, d sin^2(t)/dt = sin 2t; the interval is built on the
     * transformed scale and mapped back, so it respects [0, 1]. */
    row->estimate = an_fh_arcsine_back(mu, post_var);
    row->mse = sin(2.0 * mu) * sin(2.0 * mu) * mse_model;
    row->ci_low = sin2_clamped(mu - z * sqrt(mse_model));
    row->ci_high = sin2_clamped(mu + z * sqrt(mse_model));
}

int an_sae_compute(const struct an_estimate_row *rows, size_t nrows,
                   const struct an_sae_covariates *cov, const struct an_sae_options *opt,
                   struct an_sae_row *out, struct an_sae_summary *summary,
                   struct prev_error *err)
{
    size_t *fit_row = NULL;   /* fit index -> row index */
    double *y = NULL, *D = NULL, *xnew = NULL;
    gsl_matrix *X = NULL;
    size_t ncov = cov != NULL && cov->values != NULL ? cov->ncols : 0, p = ncov + 1;
    size_t m = 0, m_fit = 0, counties = 0, nstable = 0, first = nrows;
    double sum_n = 0.0, sum_np = 0.0, sum_deff = 0.0, p_bar, deff_bar, z;
    double bw_direct = 0.0, bw_model = 0.0, bw_sum = 0.0;
    bool by_population = true;
    int rc = 0, frc;

    memset(summary, 0, sizeof *summary);
    for (size_t r = 0; r < nrows; r++) {
        memset(&out[r], 0, sizeof out[r]);
        out[r].estimate = out[r].mse = out[r].ci_low = out[r].ci_high = NAN;
        out[r].weight = out[r].variance = out[r].std_resid = NAN;
    }
    if (p > AN_SAE_MAX_COEF) {
        rc = prev_fail(err, PREV_EX_DATA, "", "small-area model: at most %d covariates",
                       AN_SAE_MAX_COEF - 1);
        goto done;
    }
    if (!(opt->level > 0.0 && opt->level < 1.0)) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "small-area model: level %g outside (0, 1)",
                       opt->level);
        goto done;
    }
    /* Pass 1: which rows are counties, the pooled proportion, the mean
     * design effect of usable direct variances. */
    for (size_t r = 0; r < nrows; r++) {
        const struct an_estimate_row *row = &rows[r];

        if (is_state(row))
            continue;
        if (first == nrows)
            first = r;
        else if (row->survey_year != rows[first].survey_year
                 || row->measure != rows[first].measure) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, row->county,
                           "small-area model: rows of different years or measures mixed");
            goto done;
        }
        counties++;
        if (row->youth_total < 0)
            by_population = false;
        if (!row->has_estimate)
            continue;
        if (!(row->youth_n > 0) || !isfinite(row->estimate) || row->estimate < 0.0
            || row->estimate > 1.0) {
            rc = prev_fail(err, PREV_EX_SOFTWARE, row->county,
                           "small-area model: estimate %g from youth_n %ld is not a proportion",
                           row->estimate, row->youth_n);
            goto done;
        }
        m++;
        if (!is_census(row))
            m_fit++;
        sum_n += (double)row->youth_n;
        sum_np += (double)row->youth_n * row->estimate;
        if (direct_variance_usable(row)) {
            double p = row->estimate;

            nstable++;
            sum_deff += row->se * row->se * (double)row->youth_n / (p * (1.0 - p));
        }
    }
    if (m_fit < p + 2) {
        rc = prev_fail(err, PREV_EX_DATA, "",
                       "small-area model: %zu counties with respondents (%zu of them a census, "
                       "whose value is known), need at least %zu sampled ones for %zu "
                       "coefficient(s) and the between-county variance",
                       m, m - m_fit, p + 2, p);
        goto done;
    }
    p_bar = sum_np / sum_n;
    if (!(p_bar > 0.0 && p_bar < 1.0)) {
        rc = prev_fail(err, PREV_EX_DATA, "",
                       "small-area model: the pooled estimate is %g in every county; there is "
                       "no variation to model",
                       p_bar);
        goto done;
    }
    /* A design effect below 1 is taken as 1, as NCHS does for n_eff: the
     * smoothed variance must not claim more precision than simple random
     * sampling would give. */
    deff_bar = nstable > 0 ? fmax(1.0, sum_deff / (double)nstable) : 1.0;
    z = an_fh_z(opt->level);

    fit_row = malloc(m_fit * sizeof *fit_row);
    y = malloc(m_fit * sizeof *y);
    D = malloc(m_fit * sizeof *D);
    xnew = malloc(p * sizeof *xnew);
    X = gsl_matrix_alloc(m_fit, p);
    if (fit_row == NULL || y == NULL || D == NULL || xnew == NULL || X == NULL) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "small-area model: out of memory");
        goto done;
    }
    /* Pass 2: the model's data. */
    m = 0;
    for (size_t r = 0; r < nrows; r++) {
        const struct an_estimate_row *row = &rows[r];
        double pr, n = (double)row->youth_n;

        if (is_state(row) || !row->has_estimate)
            continue;
        pr = row->estimate;
        if (is_census(row)) {
            /* Known: model-based = direct, no error, not in the fit. */
            out[r].has_sae = true;
            out[r].variance_source = AN_SAE_VAR_CENSUS;
            out[r].variance = 0.0;
            out[r].weight = 1.0;
            out[r].estimate = out[r].ci_low = out[r].ci_high = pr;
            out[r].mse = 0.0;
            continue;
        }
        if (direct_variance_usable(row)) {
            out[r].variance_source = AN_SAE_VAR_DIRECT;
            /* Under arcsine, 1/(4 n_eff) with n_eff = p(1-p)/se^2. */
            D[m] = opt->transform == AN_SAE_TRANSFORM_NONE ? row->se * row->se
                                                           : row->se * row->se / (4.0 * pr * (1.0 - pr));
        } else {
            out[r].variance_source = AN_SAE_VAR_GVF;
            summary->n_gvf++;
            D[m] = opt->transform == AN_SAE_TRANSFORM_NONE ? p_bar * (1.0 - p_bar) * deff_bar / n
                                                           : deff_bar / (4.0 * n);
        }
        y[m] = opt->transform == AN_SAE_TRANSFORM_NONE ? pr : an_fh_arcsine(pr);
        gsl_matrix_set(X, m, 0, 1.0);
        for (size_t j = 0; j < ncov; j++) {
            double v = cov->values[r * ncov + j];

            if (!isfinite(v)) {
                rc = prev_fail(err, PREV_EX_DATA, row->county,
                               "small-area model: covariate %s is missing", cov->names[j]);
                goto done;
            }
            gsl_matrix_set(X, m, j + 1, v);
        }
        out[r].variance = D[m];
        fit_row[m++] = r;
    }
    frc = an_fh_fit(m, y, D, X, opt->method, &summary->fit);
    if (frc == AN_FH_SINGULAR) {
        rc = prev_fail(err, PREV_EX_DATA, "",
                       "small-area model: the covariates are collinear (or constant) across "
                       "the %zu counties with respondents; drop one",
                       m);
        goto done;
    }
    if (frc != AN_FH_OK) {
        rc = prev_fail(err, PREV_EX_SOFTWARE, "", "small-area model: fit failed (code %d)", frc);
        goto done;
    }
    /* Counties in the fit. */
    for (size_t i = 0; i < m; i++) {
        struct an_sae_row *o = &out[fit_row[i]];
        const struct an_fh_fit *f = &summary->fit;

        o->has_sae = true;
        o->weight = f->gamma[i];
        o->std_resid = f->std_resid[i];
        back_to_proportion(opt->transform, f->eblup[i], f->mse[i],
                           f->sigma2_u * (1.0 - f->gamma[i]), z, o);
    }
    /* Counties without respondents: the synthetic estimate. */
    for (size_t r = 0; r < nrows; r++) {
        double est = 0.0, mse = 0.0;

        if (is_state(&rows[r]) || rows[r].has_estimate)
            continue;
        xnew[0] = 1.0;
        for (size_t j = 0; j < ncov; j++) {
            xnew[j + 1] = cov->values[r * ncov + j];
            if (!isfinite(xnew[j + 1])) {
                rc = prev_fail(err, PREV_EX_DATA, rows[r].county,
                               "small-area model: covariate %s is missing", cov->names[j]);
                goto done;
            }
        }
        an_fh_synthetic(&summary->fit, xnew, &est, &mse);
        out[r].has_sae = true;
        out[r].synthetic = true;
        out[r].weight = 0.0;
        back_to_proportion(opt->transform, est, mse, summary->fit.sigma2_u, z, &out[r]);
    }
    /* Benchmark: does the model keep the state total? Weighted means of the
     * direct and the model-based estimates over the counties with both
     * (census counties, whose two are equal, included). */
    for (size_t r = 0; r < nrows; r++) {
        const struct an_estimate_row *row = &rows[r];
        double w = by_population ? (double)row->youth_total : (double)row->youth_n;

        if (is_state(row) || !row->has_estimate)
            continue;
        bw_direct += w * row->estimate;
        bw_model += w * out[r].estimate;
        bw_sum += w;
    }
    for (size_t r = 0; r < nrows; r++) {
        if (is_state(&rows[r])) {
            an_sae_evaluate(&out[r], true);
        } else if (is_census(&rows[r])) {
            /* The model-based estimate is the direct one: so is its
             * reliability (NCHS judges a census proportion on n). */
            out[r].flag = rows[r].flag;
            snprintf(out[r].reasons, sizeof out[r].reasons, "%s", rows[r].reasons);
        } else {
            an_sae_evaluate(&out[r], summary->fit.converged);
        }
    }
    summary->transform = opt->transform;
    summary->counties = counties;
    summary->m = m;
    summary->p_bar = p_bar;
    summary->deff_bar = deff_bar;
    summary->benchmark_ratio = bw_sum > 0.0 && bw_model > 0.0 ? bw_direct / bw_model : NAN;
    summary->benchmark_by_population = by_population;
    summary->ncoef = p;
    snprintf(summary->coef_names[0], sizeof summary->coef_names[0], "(intercept)");
    for (size_t j = 0; j < ncov; j++)
        snprintf(summary->coef_names[j + 1], sizeof summary->coef_names[j + 1], "%s",
                 cov->names[j]);
done:
    if (rc != 0)
        an_sae_summary_free(summary);
    free(fit_row);
    free(y);
    free(D);
    free(xnew);
    gsl_matrix_free(X);
    return rc;
}
