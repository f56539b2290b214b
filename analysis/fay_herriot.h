#ifndef AN_FAY_HERRIOT_H
#define AN_FAY_HERRIOT_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_matrix.h>

/* Fay-Herriot area-level model (Fay & Herriot 1979; Rao & Molina 2015,
 * ch. 6), pure computation (GSL), no I/O:
 *
 *   y_i = x_i' beta + u_i + e_i,   u_i ~ N(0, A),   e_i ~ N(0, D_i),
 *
 * A = sigma_u^2 is estimated by ML or REML, beta by GLS given A, and each
 * area gets the EBLUP  gamma_i y_i + (1 - gamma_i) x_i' beta  with the
 * shrinkage factor gamma_i = A / (A + D_i) and the Prasad-Rao MSE.
 * Formulas and citations: docs/methods.md, "Small-area estimates
 * (Fay-Herriot)". */

enum an_fh_method { AN_FH_REML, AN_FH_ML };

const char *an_fh_method_name(enum an_fh_method m);        /* "reml", "ml" */
bool an_fh_method_parse(const char *name, enum an_fh_method *out);

enum {
    AN_FH_OK = 0,
    AN_FH_INVALID = -1,    /* m < p + 2, D_i <= 0, a non-finite value */
    AN_FH_SINGULAR = -2,   /* X'V^-1 X is not positive definite (collinear X) */
    AN_FH_NOMEM = -3
};

struct an_fh_fit {
    size_t m, p;            /* areas, columns of X */
    enum an_fh_method method;
    double sigma2_u;        /* A-hat >= 0 */
    double sigma2_u_se;     /* 1/sqrt(expected information of the method) at A-hat */
    bool at_boundary;       /* A-hat = 0: every EBLUP is the synthetic estimate */
    bool converged;         /* false: the maximiser stopped on its iteration cap */
    int iterations;         /* of the 1-D maximiser and the score polish */
    double loglik;          /* ML or REML log-likelihood at A-hat (constants below) */
    double *beta;           /* p: GLS coefficients at A-hat */
    double *beta_cov;       /* p*p row-major: (X'V^-1 X)^-1 */
    double *gamma;          /* m: A / (A + D_i) */
    double *synthetic;      /* m: x_i' beta */
    double *eblup;          /* m */
    double *g1, *g2, *g3;   /* m: Prasad-Rao terms */
    double *mse;            /* m: g1 + g2 + 2 g3 (REML); ML adds -b_ML * dg1/dA */
    double *std_resid;      /* m: (y_i - x_i' beta) / sqrt(A + D_i) */
    double bias_ml;         /* b_ML(A-hat), Datta & Lahiri (2000); 0 for REML */
};

/* Fit the model to m areas: y[i] the direct estimate, D[i] > 0 its
 * sampling variance, X the m x p design (an intercept column if wanted).
 * The log-likelihoods include their constants:
 *   ML:   -1/2 [m log 2pi + log|V| + r'V^-1 r]
 *   REML: -1/2 [(m-p) log 2pi + log|V| + log|X'V^-1 X| + r'V^-1 r]
 * with V = diag(A + D_i) and r = y - X beta-hat(A).
 * Returns AN_FH_OK and fills *out (free it with an_fh_fit_free), or an
 * error code with *out left empty (an_fh_fit_free is still safe). */
int an_fh_fit(size_t m, const double *y, const double *D, const gsl_matrix *X,
              enum an_fh_method method, struct an_fh_fit *out);

void an_fh_fit_free(struct an_fh_fit *fit);

/* The synthetic estimate x' beta-hat for an area outside the fit (no direct
 * estimate) and its MSE  A-hat + x' (X'V^-1 X)^-1 x: the area's random
 * effect is unpredicted and beta-hat is independent of it (Rao & Molina
 * 2015, sec. 6.2.1, the case gamma_i = 0 without the g3 term). */
void an_fh_synthetic(const struct an_fh_fit *fit, const double *x,
                     double *estimate, double *mse);

/* Log-likelihood of the method at a given A (for diagnostics and tests). */
int an_fh_loglik(size_t m, const double *y, const double *D, const gsl_matrix *X,
                 enum an_fh_method method, double A, double *loglik);

/* ---- arcsine-square-root scale ------------------------------------------ */

/* asin(sqrt(p)) for 0 <= p <= 1. */
double an_fh_arcsine(double p);

/* Bias-corrected back-transformation (Sugasawa & Kubokawa 2017; Hadam,
 * Wuerz & Kreutzmann 2020; R's emdi, backtransformation = "bc"):
 * E[sin^2(T)] for T ~ N(mu, var) with T clamped to [0, pi/2], the mean of
 * the proportion under the model's conditional distribution of the
 * transformed area mean, var = A (1 - gamma_i). emdi integrates over
 * [0, pi/2] only, so its mass above pi/2 counts 0 where here it counts 1
 * (a proportion of 100%); the two agree whenever that mass is negligible.
 * var = 0 gives sin^2(clamp(mu)). Returns NaN if the integration fails. */
double an_fh_arcsine_back(double mu, double var);

/* The standard normal quantile for a two-sided interval at level. */
double an_fh_z(double level);

#endif
