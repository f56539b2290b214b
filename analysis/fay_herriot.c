/* Fay-Herriot EBLUP with ML/REML variance and Prasad-Rao MSE.
 * Notation follows Rao & Molina (2015), ch. 6: A = sigma_u^2, V_i = A + D_i,
 * W = V^-1, C = (X'WX)^-1, P = W - W X C X' W. */
#include "fay_herriot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_roots.h>

/* Grid that brackets the maximum before the 1-D maximiser runs: A = 0 and
 * FH_GRID points spaced geometrically over eight decades below the upper
 * bound. The likelihood of A can have more than one local maximum; the grid
 * makes the choice between them deliberate instead of an accident of the
 * starting value. */
#define FH_GRID 81
#define FH_GRID_DECADES 8.0
#define FH_MAX_ITER 200

const char *an_fh_method_name(enum an_fh_method m)
{
    switch (m) {
    case AN_FH_REML:
        return "reml";
    case AN_FH_ML:
        return "ml";
    }
    return NULL;
}

bool an_fh_method_parse(const char *name, enum an_fh_method *out)
{
    if (name == NULL)
        return false;
    if (strcmp(name, "reml") == 0) {
        *out = AN_FH_REML;
        return true;
    }
    if (strcmp(name, "ml") == 0) {
        *out = AN_FH_ML;
        return true;
    }
    return false;
}

/* Everything that depends on A, recomputed for each trial value. */
struct fh_work {
    size_t m, p;
    const double *y, *D;
    const gsl_matrix *X;
    enum an_fh_method method;
    gsl_matrix *C;          /* X'WX, then its Cholesky factor, then its inverse */
    gsl_matrix *XtW2X;      /* X'W^2 X */
    gsl_matrix *XtW3X;      /* X'W^3 X */
    gsl_matrix *CB, *CB2;   /* C X'W^2X and C X'W^3X */
    gsl_vector *beta;
    double *r;              /* y - X beta */
    /* results at the current A */
    double loglik, score, info;   /* info: expected information of the method */
    double tr_CXtW2X;             /* tr(C X'W^2 X), for b_ML and the REML trace */
    int status;                   /* AN_FH_OK or AN_FH_SINGULAR */
};

static void work_free(struct fh_work *w)
{
    gsl_matrix_free(w->C);
    gsl_matrix_free(w->XtW2X);
    gsl_matrix_free(w->XtW3X);
    gsl_matrix_free(w->CB);
    gsl_matrix_free(w->CB2);
    gsl_vector_free(w->beta);
    free(w->r);
}

static int work_alloc(struct fh_work *w, size_t m, const double *y, const double *D,
                      const gsl_matrix *X, enum an_fh_method method)
{
    size_t p = X->size2;

    memset(w, 0, sizeof *w);
    w->m = m;
    w->p = p;
    w->y = y;
    w->D = D;
    w->X = X;
    w->method = method;
    w->C = gsl_matrix_alloc(p, p);
    w->XtW2X = gsl_matrix_alloc(p, p);
    w->XtW3X = gsl_matrix_alloc(p, p);
    w->CB = gsl_matrix_alloc(p, p);
    w->CB2 = gsl_matrix_alloc(p, p);
    w->beta = gsl_vector_alloc(p);
    w->r = malloc(m * sizeof *w->r);
    if (w->C == NULL || w->XtW2X == NULL || w->XtW3X == NULL || w->CB == NULL
        || w->CB2 == NULL || w->beta == NULL || w->r == NULL) {
        work_free(w);
        return AN_FH_NOMEM;
    }
    return AN_FH_OK;
}

static double trace(const gsl_matrix *a)
{
    double t = 0.0;

    for (size_t j = 0; j < a->size1; j++)
        t += gsl_matrix_get(a, j, j);
    return t;
}

/* tr(A B) without forming the product. */
static double trace_product(const gsl_matrix *a, const gsl_matrix *b)
{
    double t = 0.0;

    for (size_t i = 0; i < a->size1; i++)
        for (size_t k = 0; k < a->size2; k++)
            t += gsl_matrix_get(a, i, k) * gsl_matrix_get(b, k, i);
    return t;
}

/* Evaluate GLS fit, log-likelihood, score and information at A. On a
 * singular X'WX sets w->status and returns it. */
static int work_eval(struct fh_work *w, double A)
{
    size_t m = w->m, p = w->p;
    double sum_logv = 0.0, q = 0.0, sum_w = 0.0, sum_w2 = 0.0, sum_r2w2 = 0.0;
    double logdet = 0.0, dmax = 0.0, dmin = HUGE_VAL;
    gsl_vector *xty = NULL;
    double xty_buf[64];
    gsl_vector_view xty_view;

    /* p is small (an intercept and a few covariates): X'Wy fits on the stack. */
    xty_view = gsl_vector_view_array(xty_buf, p);
    xty = &xty_view.vector;
    gsl_matrix_set_zero(w->C);
    gsl_matrix_set_zero(w->XtW2X);
    gsl_matrix_set_zero(w->XtW3X);
    gsl_vector_set_zero(xty);
    for (size_t i = 0; i < m; i++) {
        double v = A + w->D[i], wi = 1.0 / v;

        sum_logv += log(v);
        sum_w += wi;
        sum_w2 += wi * wi;
        for (size_t a = 0; a < p; a++) {
            double xa = gsl_matrix_get(w->X, i, a);

            xty->data[a * xty->stride] += xa * w->y[i] * wi;
            for (size_t b = 0; b < p; b++) {
                double xab = xa * gsl_matrix_get(w->X, i, b);

                *gsl_matrix_ptr(w->C, a, b) += xab * wi;
                *gsl_matrix_ptr(w->XtW2X, a, b) += xab * wi * wi;
                *gsl_matrix_ptr(w->XtW3X, a, b) += xab * wi * wi * wi;
            }
        }
    }
    if (gsl_linalg_cholesky_decomp1(w->C) != GSL_SUCCESS) {
        w->status = AN_FH_SINGULAR;
        return w->status;
    }
    /* A Cholesky factor that exists but has a pivot many orders below the
     * largest means X is numerically collinear: beta would be noise. */
    for (size_t j = 0; j < p; j++) {
        double l = gsl_matrix_get(w->C, j, j);

        dmax = fmax(dmax, l);
        dmin = fmin(dmin, l);
        logdet += 2.0 * log(l);
    }
    if (!(dmin > 1e-7 * dmax)) {
        w->status = AN_FH_SINGULAR;
        return w->status;
    }
    gsl_linalg_cholesky_solve(w->C, xty, w->beta);
    gsl_linalg_cholesky_invert(w->C);
    for (size_t i = 0; i < m; i++) {
        double fit = 0.0, v = A + w->D[i];

        for (size_t a = 0; a < p; a++)
            fit += gsl_matrix_get(w->X, i, a) * gsl_vector_get(w->beta, a);
        w->r[i] = w->y[i] - fit;
        q += w->r[i] * w->r[i] / v;
        sum_r2w2 += w->r[i] * w->r[i] / (v * v);
    }
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, w->C, w->XtW2X, 0.0, w->CB);
    gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, w->C, w->XtW3X, 0.0, w->CB2);
    w->tr_CXtW2X = trace(w->CB);
    if (w->method == AN_FH_ML) {
        w->loglik = -0.5 * ((double)m * log(2.0 * M_PI) + sum_logv + q);
        w->score = -0.5 * sum_w + 0.5 * sum_r2w2;
        w->info = 0.5 * sum_w2;
    } else {
        /* tr(P) = tr(W) - tr(C X'W^2 X); y'P^2 y = r'W^2 r because P y = W r;
         * tr(P^2) = tr(W^2) - 2 tr(C X'W^3 X) + tr((C X'W^2 X)^2). */
        double tr_p = sum_w - w->tr_CXtW2X;
        double tr_p2 = sum_w2 - 2.0 * trace(w->CB2) + trace_product(w->CB, w->CB);

        w->loglik = -0.5 * ((double)(m - p) * log(2.0 * M_PI) + sum_logv + logdet + q);
        w->score = -0.5 * tr_p + 0.5 * sum_r2w2;
        w->info = 0.5 * tr_p2;
    }
    w->status = AN_FH_OK;
    return AN_FH_OK;
}

static double neg_loglik(double A, void *params)
{
    struct fh_work *w = params;

    if (A < 0.0 || work_eval(w, A) != AN_FH_OK)
        return HUGE_VAL;
    return -w->loglik;
}

static double score_fn(double A, void *params)
{
    struct fh_work *w = params;

    if (work_eval(w, A) != AN_FH_OK)
        return GSL_NAN;
    return w->score;
}

/* Refine a maximum inside [lo, hi] whose score changes sign from + to -:
 * the root of the analytic score is exact to rounding, where a minimiser of
 * the likelihood itself stops at about sqrt(machine epsilon) relative. */
static int polish_root(struct fh_work *w, double lo, double hi, double *A, int *iter)
{
    gsl_root_fsolver *s = NULL;
    gsl_function f = { score_fn, w };
    int status = GSL_CONTINUE, k = 0;

    s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    if (s == NULL)
        return AN_FH_NOMEM;
    if (gsl_root_fsolver_set(s, &f, lo, hi) != GSL_SUCCESS) {
        gsl_root_fsolver_free(s);
        return GSL_FAILURE;
    }
    while (status == GSL_CONTINUE && k < FH_MAX_ITER) {
        k++;
        if (gsl_root_fsolver_iterate(s) != GSL_SUCCESS)
            break;
        status = gsl_root_test_interval(gsl_root_fsolver_x_lower(s),
                                        gsl_root_fsolver_x_upper(s), 0.0, 4.0 * GSL_DBL_EPSILON);
    }
    *A = gsl_root_fsolver_root(s);
    *iter += k;
    gsl_root_fsolver_free(s);
    return status == GSL_SUCCESS ? AN_FH_OK : GSL_FAILURE;
}

/* Maximise the (restricted) likelihood over A >= 0. */
static int maximise(struct fh_work *w, double *A_out, bool *converged, int *iterations)
{
    double grid[FH_GRID + 1], ll[FH_GRID + 1];
    double ymean = 0.0, yvar = 0.0, dmax = 0.0, upper, lo, hi, glo, ghi, x0, fx0, A;
    size_t best = 0, m = w->m;
    int rc, iter = 0;
    bool conv = false;

    *converged = false;
    *iterations = 0;
    for (size_t i = 0; i < m; i++) {
        ymean += w->y[i] / (double)m;
        dmax = fmax(dmax, w->D[i]);
    }
    for (size_t i = 0; i < m; i++)
        yvar += (w->y[i] - ymean) * (w->y[i] - ymean) / (double)(m - 1);
    /* Beyond the spread of y no between-area variance is plausible; grow the
     * bound until the likelihood is falling there (score < 0). */
    upper = yvar + dmax;
    for (int k = 0;; k++) {
        if ((rc = work_eval(w, upper)) != AN_FH_OK)
            return rc;
        if (w->score < 0.0)
            break;
        if (k == 60)
            return AN_FH_INVALID;
        upper *= 4.0;
    }
    grid[0] = 0.0;
    for (size_t k = 1; k <= FH_GRID; k++)
        grid[k] = upper * pow(10.0, -FH_GRID_DECADES * (double)(FH_GRID - k) / (FH_GRID - 1));
    for (size_t k = 0; k <= FH_GRID; k++) {
        if ((rc = work_eval(w, grid[k])) != AN_FH_OK)
            return rc;
        ll[k] = w->loglik;
        if (ll[k] > ll[best])
            best = k;
    }
    if (best == 0) {
        /* The boundary: with the score at 0 pointing down (or flat), A = 0
         * is the constrained maximum and no interior search is needed. */
        work_eval(w, 0.0);
        if (w->score <= 0.0) {
            *A_out = 0.0;
            *converged = true;
            return AN_FH_OK;
        }
        lo = 0.0;
        hi = grid[1];
    } else {
        lo = grid[best - 1];
        hi = grid[best < FH_GRID ? best + 1 : FH_GRID];
    }
    /* An interior starting point better than both ends, as Brent needs. */
    x0 = 0.5 * (lo + hi);
    fx0 = neg_loglik(x0, w);
    for (int k = 1; k < 32; k++) {
        double x = lo + (hi - lo) * k / 32.0, fx = neg_loglik(x, w);

        if (fx < fx0) {
            x0 = x;
            fx0 = fx;
        }
    }
    A = x0;
    glo = lo;
    ghi = hi;
    if (fx0 < neg_loglik(lo, w) && fx0 < neg_loglik(hi, w)) {
        gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
        gsl_function f = { neg_loglik, w };
        int status = GSL_CONTINUE;

        if (s == NULL)
            return AN_FH_NOMEM;
        if (gsl_min_fminimizer_set(s, &f, x0, lo, hi) == GSL_SUCCESS) {
            while (status == GSL_CONTINUE && iter < FH_MAX_ITER) {
                iter++;
                if (gsl_min_fminimizer_iterate(s) != GSL_SUCCESS)
                    break;
                lo = gsl_min_fminimizer_x_lower(s);
                hi = gsl_min_fminimizer_x_upper(s);
                /* A minimiser of the likelihood gets A to about
                 * sqrt(epsilon) relative, no closer: it only has to bring
                 * A near the root of the score, which polish_root solves. */
                status = gsl_min_test_interval(lo, hi, 1e-15 * upper, 1e-7);
            }
            A = gsl_min_fminimizer_x_minimum(s);
            conv = status == GSL_SUCCESS;
        }
        gsl_min_fminimizer_free(s);
    }
    /* Widen the final bracket until the score surely changes sign in it
     * (at most back to the grid's bracket), then solve score(A) = 0 there. */
    for (double k = 4.0;; k *= 8.0) {
        double a = fmax(glo, A - k * (hi - lo) - 1e-12 * upper);
        double b = fmin(ghi, A + k * (hi - lo) + 1e-12 * upper);
        double sa = score_fn(a, w), sb = score_fn(b, w);

        if (!(sa > 0.0 && sb < 0.0) && !(a == 0.0 && sa <= 0.0)
            && (a > glo || b < ghi))
            continue;
        if (sa > 0.0 && sb < 0.0) {
            double root = A;

            if (polish_root(w, a, b, &root, &iter) == AN_FH_OK) {
                A = root;
                conv = true;
            }
        } else if (a == 0.0 && sa <= 0.0) {
            A = 0.0;
            conv = true;
        }
        break;
    }
    /* The boundary checked explicitly: a flat or falling start can leave the
     * interior search at a point no better than A = 0. */
    if (neg_loglik(0.0, w) <= neg_loglik(A, w))
        A = 0.0;
    *A_out = A;
    *converged = conv;
    *iterations = iter;
    return AN_FH_OK;
}

void an_fh_fit_free(struct an_fh_fit *fit)
{
    if (fit == NULL)
        return;
    free(fit->beta);
    free(fit->beta_cov);
    free(fit->gamma);
    free(fit->synthetic);
    free(fit->eblup);
    free(fit->g1);
    free(fit->g2);
    free(fit->g3);
    free(fit->mse);
    free(fit->std_resid);
    memset(fit, 0, sizeof *fit);
}

static int check_input(size_t m, const double *y, const double *D, const gsl_matrix *X)
{
    if (y == NULL || D == NULL || X == NULL || X->size1 != m || X->size2 == 0
        || X->size2 > 64 || m < X->size2 + 2)
        return AN_FH_INVALID;
    for (size_t i = 0; i < m; i++) {
        if (!isfinite(y[i]) || !isfinite(D[i]) || !(D[i] > 0.0))
            return AN_FH_INVALID;
        for (size_t j = 0; j < X->size2; j++)
            if (!isfinite(gsl_matrix_get(X, i, j)))
                return AN_FH_INVALID;
    }
    return AN_FH_OK;
}

int an_fh_loglik(size_t m, const double *y, const double *D, const gsl_matrix *X,
                 enum an_fh_method method, double A, double *loglik)
{
    struct fh_work w;
    int rc;

    if ((rc = check_input(m, y, D, X)) != AN_FH_OK || !(A >= 0.0) || !isfinite(A))
        return AN_FH_INVALID;
    if ((rc = work_alloc(&w, m, y, D, X, method)) != AN_FH_OK)
        return rc;
    gsl_set_error_handler_off();
    if ((rc = work_eval(&w, A)) == AN_FH_OK)
        *loglik = w.loglik;
    work_free(&w);
    return rc;
}

int an_fh_fit(size_t m, const double *y, const double *D, const gsl_matrix *X,
              enum an_fh_method method, struct an_fh_fit *out)
{
    struct fh_work w;
    struct an_fh_fit fit;
    size_t p;
    double A = 0.0, sum_w2 = 0.0;
    bool converged = false;
    int iterations = 0, rc;

    memset(out, 0, sizeof *out);
    memset(&fit, 0, sizeof fit);
    if ((rc = check_input(m, y, D, X)) != AN_FH_OK)
        return rc;
    p = X->size2;
    gsl_set_error_handler_off();
    if ((rc = work_alloc(&w, m, y, D, X, method)) != AN_FH_OK)
        return rc;
    if ((rc = maximise(&w, &A, &converged, &iterations)) != AN_FH_OK)
        goto done;
    if ((rc = work_eval(&w, A)) != AN_FH_OK)
        goto done;

    fit.m = m;
    fit.p = p;
    fit.method = method;
    fit.sigma2_u = A;
    fit.at_boundary = A == 0.0;
    fit.converged = converged;
    fit.iterations = iterations;
    fit.loglik = w.loglik;
    fit.sigma2_u_se = 1.0 / sqrt(w.info);
    fit.beta = malloc(p * sizeof *fit.beta);
    fit.beta_cov = malloc(p * p * sizeof *fit.beta_cov);
    fit.gamma = malloc(m * sizeof *fit.gamma);
    fit.synthetic = malloc(m * sizeof *fit.synthetic);
    fit.eblup = malloc(m * sizeof *fit.eblup);
    fit.g1 = malloc(m * sizeof *fit.g1);
    fit.g2 = malloc(m * sizeof *fit.g2);
    fit.g3 = malloc(m * sizeof *fit.g3);
    fit.mse = malloc(m * sizeof *fit.mse);
    fit.std_resid = malloc(m * sizeof *fit.std_resid);
    if (fit.beta == NULL || fit.beta_cov == NULL || fit.gamma == NULL
        || fit.synthetic == NULL || fit.eblup == NULL || fit.g1 == NULL || fit.g2 == NULL
        || fit.g3 == NULL || fit.mse == NULL || fit.std_resid == NULL) {
        rc = AN_FH_NOMEM;
        goto done;
    }
    for (size_t a = 0; a < p; a++) {
        fit.beta[a] = gsl_vector_get(w.beta, a);
        for (size_t b = 0; b < p; b++)
            fit.beta_cov[a * p + b] = gsl_matrix_get(w.C, a, b);
    }
    for (size_t i = 0; i < m; i++)
        sum_w2 += 1.0 / ((A + D[i]) * (A + D[i]));
    /* Prasad & Rao (1990): g3 uses the asymptotic variance of A-hat,
     * 2 / sum V_i^-2, the same for ML and REML to the order kept. The ML
     * estimator is biased by O(1/m); Datta & Lahiri (2000) correct the MSE
     * with -b_ML dg1/dA, b_ML = -tr(C X'W^2X) / sum V_i^-2. */
    fit.bias_ml = method == AN_FH_ML ? -w.tr_CXtW2X / sum_w2 : 0.0;
    for (size_t i = 0; i < m; i++) {
        double v = A + D[i], g = A / v, xcx = 0.0, xb = 0.0;

        for (size_t a = 0; a < p; a++) {
            double xa = gsl_matrix_get(X, i, a);

            xb += xa * fit.beta[a];
            for (size_t b = 0; b < p; b++)
                xcx += xa * fit.beta_cov[a * p + b] * gsl_matrix_get(X, i, b);
        }
        fit.gamma[i] = g;
        fit.synthetic[i] = xb;
        fit.eblup[i] = g * y[i] + (1.0 - g) * xb;
        fit.g1[i] = g * D[i];
        fit.g2[i] = (1.0 - g) * (1.0 - g) * xcx;
        fit.g3[i] = D[i] * D[i] / (v * v * v) * (2.0 / sum_w2);
        fit.mse[i] = fit.g1[i] + fit.g2[i] + 2.0 * fit.g3[i];
        if (method == AN_FH_ML)
            fit.mse[i] -= fit.bias_ml * (1.0 - g) * (1.0 - g);
        fit.std_resid[i] = (y[i] - xb) / sqrt(v);
    }
    *out = fit;
    memset(&fit, 0, sizeof fit);
done:
    an_fh_fit_free(&fit);
    work_free(&w);
    return rc;
}

void an_fh_synthetic(const struct an_fh_fit *fit, const double *x, double *estimate, double *mse)
{
    double xb = 0.0, xcx = 0.0;
    size_t p = fit->p;

    for (size_t a = 0; a < p; a++) {
        xb += x[a] * fit->beta[a];
        for (size_t b = 0; b < p; b++)
            xcx += x[a] * fit->beta_cov[a * p + b] * x[b];
    }
    *estimate = xb;
    *mse = fit->sigma2_u + xcx;
}

double an_fh_arcsine(double p)
{
    return asin(sqrt(p));
}

struct arcsine_params {
    double mu, sd;
};

static double arcsine_integrand(double t, void *params)
{
    const struct arcsine_params *a = params;
    double s = sin(t);

    return s * s * gsl_ran_gaussian_pdf(t - a->mu, a->sd);
}

double an_fh_arcsine_back(double mu, double var)
{
    struct arcsine_params par;
    gsl_integration_workspace *ws = NULL;
    gsl_function f;
    double lo, hi, inner = 0.0, abserr = 0.0, upper_tail, result;
    int status;
    const double half_pi = M_PI / 2.0;

    if (!isfinite(mu) || !(var >= 0.0) || !isfinite(var))
        return GSL_NAN;
    if (var == 0.0) {
        double t = fmin(fmax(mu, 0.0), half_pi);

        return sin(t) * sin(t);
    }
    par.mu = mu;
    par.sd = sqrt(var);
    /* Outside mu +- 40 sd the normal density is below 1e-340 of its peak:
     * integrating only where it lives keeps a narrow spike from being missed
     * by the adaptive rule. Mass above pi/2 is a proportion of 1. */
    lo = fmax(0.0, mu - 40.0 * par.sd);
    hi = fmin(half_pi, mu + 40.0 * par.sd);
    upper_tail = gsl_cdf_gaussian_Q(half_pi - mu, par.sd);
    if (lo >= hi)
        return upper_tail;
    ws = gsl_integration_workspace_alloc(256);
    if (ws == NULL)
        return GSL_NAN;
    f.function = arcsine_integrand;
    f.params = &par;
    status = gsl_integration_qag(&f, lo, hi, 1e-15, 1e-12, 256, GSL_INTEG_GAUSS31, ws,
                                 &inner, &abserr);
    /* Round-off is reported when the tolerance is below what the sum can
     * show; the estimate is then as good as doubles allow. */
    if (status == GSL_SUCCESS || (status == GSL_EROUND && abserr <= 1e-12))
        result = inner + upper_tail;
    else
        result = GSL_NAN;
    gsl_integration_workspace_free(ws);
    return result;
}

double an_fh_z(double level)
{
    return gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * level);
}
