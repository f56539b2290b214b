/* analysis/fay_herriot.c: against golden values from independent R code
 * (tests/reference/sae/fh_reference.R: REML by direct maximisation of the
 * restricted likelihood, ML by nlme, the Prasad-Rao MSE written out), and
 * hand-checkable cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_matrix.h>

#include "fay_herriot.h"

/* "To 1e-6": relative to the size of the number, because these quantities
 * live on the scale of a proportion's variance (1e-6 absolute would accept
 * anything). The floor keeps values at 0 (A on the boundary) testable. */
#define REL_TOL 1e-6
#define ABS_FLOOR 1e-12

static double max_abs_diff = 0.0;

static bool close_to(double got, double want, double rel, double abs_floor)
{
    return fabs(got - want) <= abs_floor + rel * fabs(want);
}

/* scale: the size of a typical value of the quantity, for quantities that
 * are O(1) but can be near 0 by cancellation (standardized residuals). */
static void check_close_scaled(const char *what, size_t i, double got, double want,
                               double scale)
{
    if (fabs(got - want) > max_abs_diff)
        max_abs_diff = fabs(got - want);
    if (!(fabs(got - want) <= ABS_FLOOR + REL_TOL * fmax(fabs(want), scale))) {
        print_error("%s[%zu]: got %.17g, want %.17g (diff %.3g)\n", what, i, got, want,
                    got - want);
        fail();
    }
}

static void check_close(const char *what, size_t i, double got, double want)
{
    check_close_scaled(what, i, got, want, 0.0);
}

/* ---- reading the committed data sets and goldens ------------------------- */

#define MAX_AREAS 32

struct dataset {
    size_t m, p;
    double y[MAX_AREAS], D[MAX_AREAS], youth_n[MAX_AREAS];
    gsl_matrix *X;     /* intercept plus the covariate column x, if present */
};

static FILE *open_reference(const char *name)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1024];
    FILE *fp;

    assert_non_null(src);
    snprintf(path, sizeof path, "%s/tests/reference/sae/%s", src, name);
    fp = fopen(path, "r");
    if (fp == NULL)
        print_error("cannot open %s\n", path);
    assert_non_null(fp);
    return fp;
}

/* The data files are plain comma-separated numbers with a header naming
 * columns among county, youth_n, y, D, x (no quoting needed). */
static void load_dataset(const char *name, struct dataset *d)
{
    char file[128], line[512];
    int col_y = -1, col_d = -1, col_x = -1, col_n = -1, ncol = 0;
    FILE *fp;

    memset(d, 0, sizeof *d);
    snprintf(file, sizeof file, "fh_%s.csv", name);
    fp = open_reference(file);
    assert_non_null(fgets(line, sizeof line, fp));
    line[strcspn(line, "\r\n")] = '\0';
    for (char *tok = strtok(line, ","); tok != NULL; tok = strtok(NULL, ","), ncol++) {
        if (strcmp(tok, "y") == 0)
            col_y = ncol;
        else if (strcmp(tok, "D") == 0)
            col_d = ncol;
        else if (strcmp(tok, "x") == 0)
            col_x = ncol;
        else if (strcmp(tok, "youth_n") == 0)
            col_n = ncol;
    }
    assert_true(col_y >= 0 && col_d >= 0);
    d->p = col_x >= 0 ? 2 : 1;
    d->X = gsl_matrix_alloc(MAX_AREAS, d->p);
    while (fgets(line, sizeof line, fp) != NULL) {
        int c = 0;

        assert_true(d->m < MAX_AREAS);
        line[strcspn(line, "\r\n")] = '\0';
        gsl_matrix_set(d->X, d->m, 0, 1.0);
        for (char *tok = strtok(line, ","); tok != NULL; tok = strtok(NULL, ","), c++) {
            if (c == col_y)
                d->y[d->m] = strtod(tok, NULL);
            else if (c == col_d)
                d->D[d->m] = strtod(tok, NULL);
            else if (c == col_x)
                gsl_matrix_set(d->X, d->m, 1, strtod(tok, NULL));
            else if (c == col_n)
                d->youth_n[d->m] = strtod(tok, NULL);
        }
        d->m++;
    }
    fclose(fp);
    /* Shrink the matrix view to the rows read. */
    {
        gsl_matrix *x = gsl_matrix_alloc(d->m, d->p);
        gsl_matrix_const_view v = gsl_matrix_const_submatrix(d->X, 0, 0, d->m, d->p);

        gsl_matrix_memcpy(x, &v.matrix);
        gsl_matrix_free(d->X);
        d->X = x;
    }
}

/* Golden values of one (dataset, method, quantity), in index order. */
static size_t golden(const char *dataset, const char *method, const char *quantity,
                     double *out, size_t max)
{
    char line[256];
    size_t n = 0;
    FILE *fp = open_reference("fh_goldens.csv");

    assert_non_null(fgets(line, sizeof line, fp));   /* header */
    while (fgets(line, sizeof line, fp) != NULL) {
        char ds[64], me[16], qu[32];
        unsigned idx;
        double v;

        assert_int_equal(sscanf(line, "%63[^,],%15[^,],%31[^,],%u,%lf", ds, me, qu, &idx, &v), 5);
        if (strcmp(ds, dataset) != 0 || strcmp(me, method) != 0 || strcmp(qu, quantity) != 0)
            continue;
        assert_true(idx == n && n < max);
        out[n++] = v;
    }
    fclose(fp);
    if (n == 0)
        print_error("no golden %s/%s/%s\n", dataset, method, quantity);
    assert_true(n > 0);
    return n;
}

static void check_vector(const char *dataset, const char *method, const char *quantity,
                         const double *got, size_t n)
{
    double want[MAX_AREAS];
    char what[128];

    assert_int_equal(golden(dataset, method, quantity, want, MAX_AREAS), n);
    snprintf(what, sizeof what, "%s/%s/%s", dataset, method, quantity);
    for (size_t i = 0; i < n; i++)
        check_close_scaled(what, i, got[i], want[i], strcmp(quantity, "std_resid") == 0 ? 1.0 : 0.0);
}

static void check_scalar(const char *dataset, const char *method, const char *quantity,
                         double got)
{
    check_vector(dataset, method, quantity, &got, 1);
}

/* Fit one data set and compare everything the R script wrote. */
static void check_against_r(const char *dataset_file, const char *dataset, bool arcsine,
                            enum an_fh_method method)
{
    struct dataset d;
    struct an_fh_fit fit;
    const char *mname = an_fh_method_name(method);
    double back[MAX_AREAS];

    max_abs_diff = 0.0;
    load_dataset(dataset_file, &d);
    if (arcsine) {
        for (size_t i = 0; i < d.m; i++) {
            double n_eff = d.y[i] * (1.0 - d.y[i]) / d.D[i];

            d.y[i] = an_fh_arcsine(d.y[i]);
            d.D[i] = 1.0 / (4.0 * n_eff);
        }
    }
    assert_int_equal(an_fh_fit(d.m, d.y, d.D, d.X, method, &fit), AN_FH_OK);
    assert_true(fit.converged);
    check_scalar(dataset, mname, "sigma2_u", fit.sigma2_u);
    check_scalar(dataset, mname, "sigma2_u_se", fit.sigma2_u_se);
    check_scalar(dataset, mname, "loglik", fit.loglik);
    if (method == AN_FH_ML) {
        /* nlme's own coefficients and EBLUPs (fitted values at level 1). */
        check_vector(dataset, mname, "beta_nlme", fit.beta, fit.p);
        check_vector(dataset, mname, "eblup_nlme", fit.eblup, fit.m);
    }
    check_vector(dataset, mname, "beta", fit.beta, fit.p);
    check_vector(dataset, mname, "gamma", fit.gamma, fit.m);
    check_vector(dataset, mname, "synthetic", fit.synthetic, fit.m);
    check_vector(dataset, mname, "eblup", fit.eblup, fit.m);
    check_vector(dataset, mname, "g1", fit.g1, fit.m);
    check_vector(dataset, mname, "g2", fit.g2, fit.m);
    check_vector(dataset, mname, "g3", fit.g3, fit.m);
    check_vector(dataset, mname, "mse", fit.mse, fit.m);
    check_vector(dataset, mname, "std_resid", fit.std_resid, fit.m);
    if (arcsine) {
        for (size_t i = 0; i < d.m; i++)
            back[i] = an_fh_arcsine_back(fit.eblup[i], fit.sigma2_u * (1.0 - fit.gamma[i]));
        check_vector(dataset, mname, "back_bc", back, d.m);
    }
    /* For the report: the largest absolute difference from R seen here. */
    print_message("%s/%s: sigma2_u %.10g, max |C - R| = %.3g\n", dataset, mname, fit.sigma2_u,
                  max_abs_diff);
    an_fh_fit_free(&fit);
    gsl_matrix_free(d.X);
}

static void test_fh_reml_matches_r_sample_like(void **state)
{
    (void)state;
    check_against_r("sample_like", "sample_like", false, AN_FH_REML);
}

static void test_fh_ml_matches_nlme_sample_like(void **state)
{
    (void)state;
    check_against_r("sample_like", "sample_like", false, AN_FH_ML);
}

static void test_fh_reml_matches_r_covariate(void **state)
{
    (void)state;
    check_against_r("covariate", "covariate", false, AN_FH_REML);
}

static void test_fh_ml_matches_nlme_covariate(void **state)
{
    (void)state;
    check_against_r("covariate", "covariate", false, AN_FH_ML);
}

static void test_fh_reml_matches_r_boundary(void **state)
{
    (void)state;
    check_against_r("boundary", "boundary", false, AN_FH_REML);
}

static void test_fh_ml_matches_nlme_boundary(void **state)
{
    (void)state;
    check_against_r("boundary", "boundary", false, AN_FH_ML);
}

static void test_fh_arcsine_matches_r(void **state)
{
    (void)state;
    check_against_r("sample_like", "sample_like_arcsine", true, AN_FH_REML);
}

/* ---- hand-checkable cases ------------------------------------------------ */

/* With every D_i = D the likelihood has closed forms: beta is the OLS fit,
 * and A-hat = max(0, RSS/(m - p) - D) (REML) or max(0, RSS/m - D) (ML). */
static void test_fh_equal_variances_closed_form(void **state)
{
    const double y[] = {0.02, 0.05, 0.03, 0.08, 0.01, 0.04};
    const double x[] = {0.1, 0.3, 0.2, 0.5, 0.1, 0.2};
    const size_t m = 6;
    double D[6];
    (void)state;

    for (size_t i = 0; i < m; i++)
        D[i] = 1e-5;
    for (size_t p = 1; p <= 2; p++) {
        gsl_matrix *X = gsl_matrix_alloc(m, p);
        double sx = 0, sy = 0, sxx = 0, sxy = 0, b0, b1 = 0.0, rss = 0.0;

        for (size_t i = 0; i < m; i++) {
            gsl_matrix_set(X, i, 0, 1.0);
            if (p == 2)
                gsl_matrix_set(X, i, 1, x[i]);
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
        }
        if (p == 2)
            b1 = (sxy - sx * sy / m) / (sxx - sx * sx / m);
        b0 = sy / m - b1 * sx / m;
        for (size_t i = 0; i < m; i++)
            rss += (y[i] - b0 - b1 * x[i]) * (y[i] - b0 - b1 * x[i]);
        for (int k = 0; k < 2; k++) {
            enum an_fh_method method = k == 0 ? AN_FH_REML : AN_FH_ML;
            double want = fmax(0.0, rss / (double)(method == AN_FH_REML ? m - p : m) - D[0]);
            struct an_fh_fit fit;

            assert_int_equal(an_fh_fit(m, y, D, X, method, &fit), AN_FH_OK);
            check_close("A closed form", p, fit.sigma2_u, want);
            check_close("b0 closed form", p, fit.beta[0], b0);
            if (p == 2)
                check_close("b1 closed form", p, fit.beta[1], b1);
            /* gamma is the same for all areas: A / (A + D). */
            for (size_t i = 0; i < m; i++)
                check_close("gamma", i, fit.gamma[i], want / (want + D[0]));
            an_fh_fit_free(&fit);
        }
        gsl_matrix_free(X);
    }
}

/* Areas that agree more closely than their sampling variances allow: A-hat
 * is exactly 0, every EBLUP is the synthetic estimate, gamma is 0 and the
 * MSE has no g1 term. */
static void test_fh_boundary_gives_synthetic(void **state)
{
    struct dataset d;
    struct an_fh_fit fit;
    double ll0 = 0.0;
    (void)state;

    load_dataset("boundary", &d);
    assert_int_equal(an_fh_fit(d.m, d.y, d.D, d.X, AN_FH_REML, &fit), AN_FH_OK);
    assert_true(fit.at_boundary);
    assert_true(fit.sigma2_u == 0.0);
    for (size_t i = 0; i < d.m; i++) {
        assert_true(fit.gamma[i] == 0.0);
        assert_true(fit.eblup[i] == fit.synthetic[i]);
        assert_true(fit.g1[i] == 0.0);
        check_close("mse = g2 + 2 g3", i, fit.mse[i], fit.g2[i] + 2.0 * fit.g3[i]);
    }
    /* The boundary is a maximum: the likelihood falls on moving into A > 0. */
    assert_int_equal(an_fh_loglik(d.m, d.y, d.D, d.X, AN_FH_REML, 0.0, &ll0), AN_FH_OK);
    check_close("loglik at 0", 0, fit.loglik, ll0);
    for (double a = 1e-9; a < 1e-3; a *= 10.0) {
        double ll = 0.0;

        assert_int_equal(an_fh_loglik(d.m, d.y, d.D, d.X, AN_FH_REML, a, &ll), AN_FH_OK);
        assert_true(ll < ll0);
    }
    an_fh_fit_free(&fit);
    gsl_matrix_free(d.X);
}

/* The REML estimate is a maximum of the restricted likelihood, the EBLUP
 * lies between the direct and the synthetic estimate, and a county outside
 * the fit gets x' beta with MSE A + x'Cx. */
static void test_fh_one_covariate_properties(void **state)
{
    struct dataset d;
    struct an_fh_fit fit;
    double ll_lo = 0.0, ll_hi = 0.0, est = 0.0, mse = 0.0;
    const double xnew[2] = {1.0, 0.25};
    (void)state;

    load_dataset("covariate", &d);
    assert_int_equal(d.p, 2);
    assert_int_equal(an_fh_fit(d.m, d.y, d.D, d.X, AN_FH_REML, &fit), AN_FH_OK);
    assert_false(fit.at_boundary);
    assert_int_equal(an_fh_loglik(d.m, d.y, d.D, d.X, AN_FH_REML, fit.sigma2_u * 0.99, &ll_lo),
                     AN_FH_OK);
    assert_int_equal(an_fh_loglik(d.m, d.y, d.D, d.X, AN_FH_REML, fit.sigma2_u * 1.01, &ll_hi),
                     AN_FH_OK);
    assert_true(ll_lo < fit.loglik && ll_hi < fit.loglik);
    for (size_t i = 0; i < d.m; i++) {
        double lo = fmin(d.y[i], fit.synthetic[i]), hi = fmax(d.y[i], fit.synthetic[i]);

        assert_true(fit.eblup[i] >= lo - 1e-15 && fit.eblup[i] <= hi + 1e-15);
        /* Shrinkage never makes the MSE worse than the direct variance
         * by more than the g3 term for estimating A. */
        assert_true(fit.mse[i] <= d.D[i] + 2.0 * fit.g3[i] + fit.g2[i]);
    }
    an_fh_synthetic(&fit, xnew, &est, &mse);
    check_close("synthetic", 0, est, fit.beta[0] + 0.25 * fit.beta[1]);
    check_close("synthetic mse", 0, mse,
                fit.sigma2_u + fit.beta_cov[0] + 2.0 * 0.25 * fit.beta_cov[1]
                    + 0.25 * 0.25 * fit.beta_cov[3]);
    an_fh_fit_free(&fit);
    gsl_matrix_free(d.X);
}

static void test_fh_rejects_invalid_input(void **state)
{
    const double y[] = {0.02, 0.05, 0.03, 0.08};
    const double D_ok[] = {1e-4, 2e-4, 1e-4, 3e-4};
    const double D_zero[] = {1e-4, 0.0, 1e-4, 3e-4};
    const double y_nan[] = {0.02, NAN, 0.03, 0.08};
    struct an_fh_fit fit;
    gsl_matrix *X1 = gsl_matrix_alloc(4, 1), *X3 = gsl_matrix_alloc(4, 3),
               *Xc = gsl_matrix_alloc(4, 2);
    (void)state;

    for (size_t i = 0; i < 4; i++) {
        gsl_matrix_set(X1, i, 0, 1.0);
        gsl_matrix_set(X3, i, 0, 1.0);
        gsl_matrix_set(X3, i, 1, (double)i);
        gsl_matrix_set(X3, i, 2, (double)(i * i));
        gsl_matrix_set(Xc, i, 0, 1.0);
        gsl_matrix_set(Xc, i, 1, 2.0);   /* a second intercept: collinear */
    }
    assert_int_equal(an_fh_fit(4, y, D_zero, X1, AN_FH_REML, &fit), AN_FH_INVALID);
    assert_int_equal(an_fh_fit(4, y_nan, D_ok, X1, AN_FH_REML, &fit), AN_FH_INVALID);
    /* m = 4 areas cannot support p = 3 coefficients and a variance. */
    assert_int_equal(an_fh_fit(4, y, D_ok, X3, AN_FH_REML, &fit), AN_FH_INVALID);
    assert_int_equal(an_fh_fit(4, y, D_ok, Xc, AN_FH_REML, &fit), AN_FH_SINGULAR);
    assert_null(fit.eblup);
    an_fh_fit_free(&fit);
    assert_int_equal(an_fh_fit(4, y, D_ok, X1, AN_FH_ML, &fit), AN_FH_OK);
    an_fh_fit_free(&fit);
    gsl_matrix_free(X1);
    gsl_matrix_free(X3);
    gsl_matrix_free(Xc);
}

static void test_fh_method_names_round_trip(void **state)
{
    enum an_fh_method m = AN_FH_ML;
    (void)state;

    assert_true(an_fh_method_parse("reml", &m));
    assert_int_equal(m, AN_FH_REML);
    assert_true(an_fh_method_parse("ml", &m));
    assert_int_equal(m, AN_FH_ML);
    assert_false(an_fh_method_parse("REML", &m));
    assert_false(an_fh_method_parse("", &m));
    assert_string_equal(an_fh_method_name(AN_FH_REML), "reml");
    assert_string_equal(an_fh_method_name(AN_FH_ML), "ml");
}

/* Away from 0 and pi/2 the clamp does nothing and
 * E[sin^2 T] = (1 - cos(2 mu) exp(-2 var)) / 2 exactly. */
static void test_fh_arcsine_back_closed_form(void **state)
{
    const double mus[] = {0.3, 0.6, 1.0};
    const double vars[] = {1e-6, 1e-4, 1e-3};
    (void)state;

    for (size_t i = 0; i < 3; i++) {
        for (size_t j = 0; j < 3; j++) {
            double mu = mus[i], var = vars[j];
            double want = 0.5 * (1.0 - cos(2.0 * mu) * exp(-2.0 * var));

            assert_true(close_to(an_fh_arcsine_back(mu, var), want, 1e-12, 1e-15));
        }
    }
    /* No variance: the plain inverse, clamped. */
    assert_true(close_to(an_fh_arcsine_back(an_fh_arcsine(0.04), 0.0), 0.04, 1e-14, 0.0));
    assert_true(an_fh_arcsine_back(-0.1, 0.0) == 0.0);
    assert_true(an_fh_arcsine_back(2.0, 0.0) == 1.0);
    /* Mass below 0 counts as 0: at mu = 0 the mean is below the unclamped one. */
    assert_true(an_fh_arcsine_back(0.0, 1e-4) < 0.5 * (1.0 - exp(-2e-4)));
    assert_true(an_fh_arcsine_back(0.0, 1e-4) > 0.0);
    assert_true(isnan(an_fh_arcsine_back(0.1, -1.0)));
    check_close("z 95%", 0, an_fh_z(0.95), 1.959963984540054);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fh_reml_matches_r_sample_like),
        cmocka_unit_test(test_fh_ml_matches_nlme_sample_like),
        cmocka_unit_test(test_fh_reml_matches_r_covariate),
        cmocka_unit_test(test_fh_ml_matches_nlme_covariate),
        cmocka_unit_test(test_fh_reml_matches_r_boundary),
        cmocka_unit_test(test_fh_ml_matches_nlme_boundary),
        cmocka_unit_test(test_fh_arcsine_matches_r),
        cmocka_unit_test(test_fh_equal_variances_closed_form),
        cmocka_unit_test(test_fh_boundary_gives_synthetic),
        cmocka_unit_test(test_fh_one_covariate_properties),
        cmocka_unit_test(test_fh_rejects_invalid_input),
        cmocka_unit_test(test_fh_method_names_round_trip),
        cmocka_unit_test(test_fh_arcsine_back_closed_form),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
