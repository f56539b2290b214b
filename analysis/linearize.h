#ifndef AN_LINEARIZE_H
#define AN_LINEARIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "estimate.h"

/* Ratio estimator R = Y/X for a stratified single-stage sample drawn
 * without replacement, with its Taylor-linearized variance
 *
 *   z_hi = w_hi (y_hi - R x_hi) / X,
 *   var  = sum_h (1 - f_h) n_h/(n_h - 1) sum_i (z_hi - zbar_h)^2
 *
 * (docs/methods.md, "Variance by linearization"). Pure computation: plain
 * arrays in, numbers out; never touches PostgreSQL or files.
 *
 * Two ways in, giving the same numbers: per-PSU values (the direct
 * formula, a reference and for small data), or per-stratum sufficient
 * statistics (what one GROUP BY query returns for a million PSUs). */

/* Sufficient statistics of one stratum. The PSU values y and x are counts
 * (whole numbers), so the sums are exact integers. */
struct an_stratum_moments {
    int64_t n;        /* PSUs sampled in the stratum (respondents) */
    int64_t pop;      /* PSUs in the population (officers_total) for the
                       * finite population correction; 0: none */
    double weight;    /* weight of each PSU: pop/n, or 1 without a frame */
    int64_t sy, sx;   /* sum of y, sum of x */
    int64_t syy, sxx, sxy;
};

struct an_ratio_estimate {
    bool defined;     /* false when X == 0 (nothing to divide by) */
    double ratio;     /* Y/X; NaN when !defined */
    double variance;  /* NaN when !defined */
    double variance_wr;  /* the same sum with every fpc factor 1 - f_h taken as
                          * 1 (census strata included): the with-replacement
                          * variance the design effect cap compares with
                          * (docs/methods.md, "The design-effect cap"); NaN
                          * when !defined */
    double y_hat, x_hat;
    int64_t psus;     /* PSUs in the domain */
    int64_t strata;   /* strata with at least one PSU */
    int64_t census;   /* strata with n = pop (no sampling variance) */
    int64_t lonely;   /* strata with one PSU that are not a census */
    long first_lonely;/* index of the first lonely stratum, or -1 */
};

enum {
    AN_LINEARIZE_OK = 0,
    AN_LINEARIZE_INVALID = -1,   /* impossible input (n < 0, pop < n, ...) */
    AN_LINEARIZE_LONELY = 1      /* rule is AN_LONELY_FAIL and a stratum has
                                  * one PSU; out->first_lonely names it */
};

/* Estimate from nstrata strata of sufficient statistics (strata with n = 0
 * are skipped). Lonely PSU (n = 1, not a census): AN_LONELY_ADJUST centres
 * its value at the grand mean of all PSU values in the domain (R survey's
 * "adjust"), AN_LONELY_CERTAINTY gives it no variance, AN_LONELY_FAIL
 * returns AN_LINEARIZE_LONELY. Returns one of the AN_LINEARIZE_ codes;
 * *out is filled on AN_LINEARIZE_OK and AN_LINEARIZE_LONELY. */
int an_linearize_moments(const struct an_stratum_moments *s, size_t nstrata,
                         enum an_lonely_psu rule, struct an_ratio_estimate *out);

/* The same from per-PSU values: PSU i is in stratum stratum[i] (0 ..
 * nstrata-1), has totals y[i], x[i] and weight w[i]; pop[h] is the
 * population size of stratum h for the fpc (0: none). Two passes in double
 * precision, like R's survey package; the reference for the moments form. */
int an_linearize_direct(size_t npsu, const size_t *stratum, const double *y,
                        const double *x, const double *w, size_t nstrata,
                        const int64_t *pop, enum an_lonely_psu rule,
                        struct an_ratio_estimate *out);

/* The ratio after ratio calibration to known stratum totals of x
 * (docs/methods.md, "Calibration to the frame"): each PSU of stratum h gets
 * the weight w_h g_h with g_h = xtotal[h] / (w_h X_h), X_h the stratum's
 * sum of x over all its PSUs, so that the weighted x of every stratum
 * equals its known total; R's calibrate(design, ~x:stratum - 1,
 * population = xtotal, calfun = "linear", variance = x). The estimator is
 *
 *   R = sum_h a_h Y_h / sum_h a_h X'_h,  a_h = xtotal[h] / X_h,
 *
 * over the domain's sums Y_h, X'_h; its variance is the linearized variance
 * of the calibrated estimator (the residuals of the linearized values on x
 * within each stratum, R's calibration variance): per PSU
 *
 *   e_i = a_h (u_i - b_h x_i) / D,  u_i = d_i (y_i - R x_i),
 *   b_h = sum_i u_i / X_h,  D = sum_h a_h X'_h,
 *
 * which sums to zero in every stratum; so a lonely PSU (whose e is 0) adds
 * nothing under either rule (--lonely-psu fail still refuses it).
 *
 * dom[h]: the stratum's n, pop and weight (the design's) with the domain's
 * sums (d_i y_i, d_i x_i, ...; for a whole stratum, its own sums); whole[h]:
 * the stratum's sums over all its PSUs (sx and sxx are used). Only strata
 * in the domain should be passed. A stratum with X_h = 0 cannot be
 * calibrated and adds nothing to the ratio or its variance whatever its
 * weights (its y and x are all 0), so it is left out of the calibration;
 * X_h > 0 needs xtotal[h] > 0, else AN_LINEARIZE_INVALID (no weights reach
 * the total). Fills *out as
 * an_linearize_moments does (psus, strata, census and lonely from dom). */
int an_linearize_calibrated(const struct an_stratum_moments *dom,
                            const struct an_stratum_moments *whole, const double *xtotal,
                            size_t nstrata, enum an_lonely_psu rule,
                            struct an_ratio_estimate *out);

#endif
