/* Unit tests for analysis/beta_dist.c: Beta quantiles and distribution
 * function against R 4.2.2's qbeta/pbeta, including the large parameters
 * where GSL gives up and the tiny quantiles where it loses digits. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "beta_dist.h"

static void check_close(double got, double want, double abs_tol, double rel_tol, const char *what,
                        double a, double b)
{
    if (!(fabs(got - want) <= abs_tol + rel_tol * fabs(want))) {
        print_error("%s a=%.17g b=%.17g: got %.17g, want %.17g (|diff| %.3g)\n", what, a, b, got,
                    want, fabs(got - want));
        fail();
    }
}

struct quantile_case {
    double a, b, tail;
    bool upper;
    double want;   /* R: qbeta(tail, a, b, lower.tail = !upper) */
};

static const struct quantile_case quantiles[] = {
    {81, 183, 0.025, false, 0.25273674558527115},
    {82, 182, 0.025, true, 0.3676219226013514},
    {0.5, 20.5, 0.025, false, 2.4246478459242726e-05},
    /* gsl_cdf_beta_Pinv returns NaN from here on */
    {5000, 5001, 0.025, false, 0.49015138058998048},
    {50000, 50001, 0.025, true, 0.50309393779762557},
    {1000000, 1000001, 0.005, false, 0.4990890576858657},
    {250000000, 250000001, 0.025, true, 0.5000438251269228},
    {500000000000, 500000000001, 0.025, false, 0.49999902001750773},
    {4, 999997, 0.025, true, 8.7672477881452194e-06},
    {2, 1000000, 0.025, true, 5.5716250835598953e-06},
    /* tiny a: quantiles far below any fixed tolerance */
    {1e-6, 10000, 0.025, false, 0},
    {0.01, 1000, 0.025, false, 3.5244304434739102e-164},
    {100000, 3, 0.0005, false, 0.99987949447151148},
    {0.3, 0.2, 0.05, true, 0.99999720692714811},
};

static void test_beta_quantile_matches_r(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof quantiles / sizeof quantiles[0]; i++) {
        const struct quantile_case *c = &quantiles[i];

        /* Relative 1e-10: an upper quantile far below 1/2 is found through
         * 1 - x, which holds it to 1.1e-16 absolute (see an_beta_cdf). */
        check_close(an_beta_quantile(c->tail, c->upper, c->a, c->b), c->want, 1e-300, 1e-10,
                    c->upper ? "upper quantile" : "lower quantile", c->a, c->b);
    }
}

struct cdf_case {
    double x, a, b, lower, upper;   /* R: pbeta(x, a, b) and lower.tail = FALSE */
};

static const struct cdf_case cdfs[] = {
    {0.3, 81, 183, 0.41146159809547928, 0.58853840190452078},
    {0.49, 5000, 5001, 0.023281712519269124, 0.97671828748073086},
    /* GSL returns NaN for this one (continued fraction stops at 512 terms) */
    {0.5000001, 1000000, 1000000, 0.50011283790100824, 0.49988716209899176},
    {1e-5, 0.001, 3, 0.99003639879457361, 0.0099636012054263642},
    {0.9, 100000, 3, 0, 1},
    {0.4999, 1000000000, 1000000000, 1.8720471951327248e-19, 1},
};

static void test_beta_cdf_matches_r(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cdfs / sizeof cdfs[0]; i++) {
        const struct cdf_case *c = &cdfs[i];

        /* relative: the small tails must keep their digits */
        check_close(an_beta_cdf(c->x, c->a, c->b, false), c->lower, 1e-300, 1e-10, "P(X <= x)",
                    c->a, c->b);
        check_close(an_beta_cdf(c->x, c->a, c->b, true), c->upper, 1e-300, 1e-10, "P(X > x)",
                    c->a, c->b);
    }
}

static void test_beta_cdf_edges_and_invalid(void **state)
{
    (void)state;
    assert_true(an_beta_cdf(0.0, 2, 3, false) == 0.0);
    assert_true(an_beta_cdf(0.0, 2, 3, true) == 1.0);
    assert_true(an_beta_cdf(-1.0, 2, 3, false) == 0.0);
    assert_true(an_beta_cdf(1.0, 2, 3, false) == 1.0);
    assert_true(an_beta_cdf(1.0, 2, 3, true) == 0.0);
    assert_true(isnan(an_beta_cdf(0.5, 0.0, 3, false)));
    assert_true(isnan(an_beta_cdf(0.5, 2, -1, false)));
    assert_true(isnan(an_beta_cdf(NAN, 2, 3, false)));
    assert_true(isnan(an_beta_cdf(0.5, INFINITY, 3, false)));
    assert_true(isnan(an_beta_quantile(0.0, false, 2, 3)));
    assert_true(isnan(an_beta_quantile(1.0, false, 2, 3)));
    assert_true(isnan(an_beta_quantile(0.5, false, 0.0, 3)));
    assert_true(isnan(an_beta_quantile(NAN, false, 2, 3)));
}

static void test_beta_quantile_round_trips(void **state)
{
    static const double shapes[] = {0.5, 1, 3.7, 40, 1000, 123456.5};
    static const double tails[] = {0.0005, 0.025, 0.3, 0.9};

    (void)state;
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        for (size_t j = 0; j < sizeof shapes / sizeof shapes[0]; j++)
            for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++)
                for (int upper = 0; upper < 2; upper++) {
                    double a = shapes[i], b = shapes[j], t = tails[k];
                    double q = an_beta_quantile(t, upper, a, b), f1, f2;

                    /* Near 1 neighbouring doubles are 1.1e-16 apart, so the
                     * distribution function can jump by more than 1e-9 of t
                     * between them: t must lie between its values a few
                     * doubles either side of q. */
                    f1 = an_beta_cdf(q - 4.0 * (nextafter(q, 2.0) - q), a, b, upper);
                    f2 = an_beta_cdf(q + 4.0 * (nextafter(q, 2.0) - q), a, b, upper);
                    if (!(fmin(f1, f2) * (1.0 - 1e-9) <= t && t <= fmax(f1, f2) * (1.0 + 1e-9))) {
                        print_error("cdf(quantile) a=%g b=%g tail=%g upper=%d: q %.17g, cdf "
                                    "around it %.17g .. %.17g\n", a, b, t, upper, q, f1, f2);
                        fail();
                    }
                }
}

static void test_beta_quantile_huge_parameters_finish(void **state)
{
    /* gsl_cdf_beta_Pinv never returns here; ours must, quickly. */
    clock_t t0 = clock();
    double q = an_beta_quantile(0.025, false, 3651638, 4098587);

    (void)state;
    check_close(q, 0.47081399588569256, 0.0, 1e-12, "Beta(3651638, 4098587) 2.5%", 3651638,
                4098587);
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_beta_quantile_matches_r),
        cmocka_unit_test(test_beta_cdf_matches_r),
        cmocka_unit_test(test_beta_cdf_edges_and_invalid),
        cmocka_unit_test(test_beta_quantile_round_trips),
        cmocka_unit_test(test_beta_quantile_huge_parameters_finish),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
