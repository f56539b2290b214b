/* Unit tests for analysis/linearize.c: the ratio estimator and its
 * linearized variance, per PSU and from sufficient statistics. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "linearize.h"

static void assert_close(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s: got %.17g, want %.17g (diff %.3g, tol %.3g)\n", what, got, want,
                    fabs(got - want), tol);
        fail();
    }
}

static void assert_rel(double got, double want, double rel, const char *what)
{
    assert_close(got, want, rel * fmax(fabs(want), 1e-300), what);
}

/* PSUs of a test design, with the moments computed from them. */
struct psus {
    size_t n;
    size_t stratum[4096];
    double y[4096], x[4096], w[4096];
    size_t nstrata;
    int64_t pop[64];
    struct an_stratum_moments m[64];
};

static void add_psu(struct psus *d, size_t h, int64_t y, int64_t x)
{
    d->stratum[d->n] = h;
    d->y[d->n] = (double)y;
    d->x[d->n] = (double)x;
    d->n++;
    d->m[h].n++;
    d->m[h].sy += y;
    d->m[h].sx += x;
    d->m[h].syy += y * y;
    d->m[h].sxx += x * x;
    d->m[h].sxy += x * y;
    if (h + 1 > d->nstrata)
        d->nstrata = h + 1;
}

/* Weights pop/n (1 without fpc), as the design defines them. */
static void finish(struct psus *d)
{
    for (size_t h = 0; h < d->nstrata; h++) {
        d->m[h].pop = d->pop[h];
        d->m[h].weight = d->pop[h] > 0 ? (double)d->pop[h] / (double)d->m[h].n : 1.0;
    }
    for (size_t i = 0; i < d->n; i++)
        d->w[i] = d->m[d->stratum[i]].weight;
}

static void both(struct psus *d, enum an_lonely_psu rule, struct an_ratio_estimate *mom,
                 struct an_ratio_estimate *dir, int want_rc)
{
    finish(d);
    assert_int_equal(an_linearize_moments(d->m, d->nstrata, rule, mom), want_rc);
    assert_int_equal(an_linearize_direct(d->n, d->stratum, d->y, d->x, d->w, d->nstrata,
                                         d->pop, rule, dir), want_rc);
}

/* One stratum, no fpc, PSUs (1,2) (2,4) (0,4): Y = 3, X = 10, R = 0.3,
 * residuals 0.4, 0.8, -1.2, z = residual / 10, sum z^2 = 0.0224,
 * var = 3/2 * 0.0224 = 0.0336. */
static void test_linearize_hand_checked_no_fpc(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;

    (void)state;
    add_psu(&d, 0, 1, 2);
    add_psu(&d, 0, 2, 4);
    add_psu(&d, 0, 0, 4);
    both(&d, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);
    assert_true(mom.defined);
    assert_close(mom.ratio, 0.3, 1e-15, "ratio");
    assert_close(mom.variance, 0.0336, 1e-15, "variance (moments)");
    assert_close(dir.variance, 0.0336, 1e-15, "variance (direct)");
    assert_int_equal(mom.psus, 3);
    assert_int_equal(mom.strata, 1);
    assert_int_equal(mom.lonely, 0);
}

/* The same stratum drawn from N = 6 officers: weight 2, fpc 1 - 3/6 = 1/2.
 * The weight cancels in z = w e / (w X); the fpc halves the variance. A
 * second stratum (N = 4, n = 2: (1,1), (0,3)) gives, by hand,
 * Y = 2*3 + 2*1 = 8, X = 2*10 + 2*4 = 28, R = 2/7. */
static void test_linearize_hand_checked_two_strata_fpc(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;
    double r = 2.0 / 7.0, X = 28, v1, v2, e[5], zbar1, zbar2;

    (void)state;
    add_psu(&d, 0, 1, 2);
    add_psu(&d, 0, 2, 4);
    add_psu(&d, 0, 0, 4);
    add_psu(&d, 1, 1, 1);
    add_psu(&d, 1, 0, 3);
    d.pop[0] = 6;
    d.pop[1] = 4;
    both(&d, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);

    e[0] = 2 * (1 - r * 2) / X;
    e[1] = 2 * (2 - r * 4) / X;
    e[2] = 2 * (0 - r * 4) / X;
    e[3] = 2 * (1 - r * 1) / X;
    e[4] = 2 * (0 - r * 3) / X;
    zbar1 = (e[0] + e[1] + e[2]) / 3;
    zbar2 = (e[3] + e[4]) / 2;
    v1 = 0.5 * 3.0 / 2.0
         * (pow(e[0] - zbar1, 2) + pow(e[1] - zbar1, 2) + pow(e[2] - zbar1, 2));
    v2 = 0.5 * 2.0 / 1.0 * (pow(e[3] - zbar2, 2) + pow(e[4] - zbar2, 2));
    assert_close(mom.ratio, r, 1e-15, "ratio");
    assert_close(mom.y_hat, 8, 1e-12, "Y");
    assert_close(mom.x_hat, 28, 1e-12, "X");
    assert_close(mom.variance, v1 + v2, 1e-15, "variance (moments)");
    assert_close(dir.variance, v1 + v2, 1e-15, "variance (direct)");
}

/* A census stratum (n = N) adds nothing, whatever its spread. */
static void test_linearize_census_stratum_zero_variance(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;

    (void)state;
    add_psu(&d, 0, 1, 2);
    add_psu(&d, 0, 5, 6);
    add_psu(&d, 0, 0, 9);
    d.pop[0] = 3;
    both(&d, AN_LONELY_FAIL, &mom, &dir, AN_LINEARIZE_OK);
    assert_close(mom.ratio, 6.0 / 17.0, 1e-15, "ratio");
    assert_true(mom.variance == 0.0);
    assert_true(dir.variance == 0.0);
    assert_int_equal(mom.census, 1);
    assert_int_equal(mom.lonely, 0);
}

/* A census stratum of one PSU is a census, not a lonely PSU: no error
 * under --lonely-psu fail, no variance. */
static void test_linearize_census_of_one_is_not_lonely(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;

    (void)state;
    add_psu(&d, 0, 1, 4);
    add_psu(&d, 0, 0, 4);
    add_psu(&d, 1, 2, 5);
    d.pop[0] = 5;
    d.pop[1] = 1;
    both(&d, AN_LONELY_FAIL, &mom, &dir, AN_LINEARIZE_OK);
    assert_int_equal(mom.lonely, 0);
    assert_int_equal(mom.census, 1);
}

/* Lonely PSU, three rules. Stratum 0: (1,4) (0,4) (3,4) of N = 10;
 * stratum 1: one PSU (2,5) of N = 4. adjust adds (1 - 1/4) (z - zbar)^2
 * with zbar the mean z over all four PSUs (zero for a ratio); certainty
 * adds nothing; fail refuses and names stratum 1. */
static void test_linearize_lonely_psu_rules(void **state)
{
    static struct psus d;
    struct an_ratio_estimate adj, adj_dir, cert, cert_dir, failed, failed_dir;
    double w0 = 10.0 / 3.0, w1 = 4.0, X, r, z1, zbar;

    (void)state;
    add_psu(&d, 0, 1, 4);
    add_psu(&d, 0, 0, 4);
    add_psu(&d, 0, 3, 4);
    add_psu(&d, 1, 2, 5);
    d.pop[0] = 10;
    d.pop[1] = 4;
    both(&d, AN_LONELY_ADJUST, &adj, &adj_dir, AN_LINEARIZE_OK);
    both(&d, AN_LONELY_CERTAINTY, &cert, &cert_dir, AN_LINEARIZE_OK);
    both(&d, AN_LONELY_FAIL, &failed, &failed_dir, AN_LINEARIZE_LONELY);

    X = w0 * 12 + w1 * 5;
    r = (w0 * 4 + w1 * 2) / X;
    z1 = w1 * (2 - r * 5) / X;
    zbar = (w0 * (4 - r * 12) / X + z1) / 4;
    assert_close(zbar, 0, 1e-15, "grand mean of z");
    assert_close(adj.variance - cert.variance, 0.75 * (z1 - zbar) * (z1 - zbar), 1e-15,
                 "lonely PSU contribution under adjust");
    assert_close(adj_dir.variance, adj.variance, 1e-15, "adjust, direct");
    assert_close(cert_dir.variance, cert.variance, 1e-15, "certainty, direct");
    assert_true(cert.variance > 0);
    assert_int_equal(adj.lonely, 1);
    assert_int_equal(failed.first_lonely, 1);
    assert_int_equal(failed_dir.first_lonely, 1);
}

/* A county domain that is one lonely PSU: its ratio is y/x exactly, its z
 * is 0 and so is its variance under every rule but fail (R subset()). */
static void test_linearize_lonely_domain_alone(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;

    (void)state;
    add_psu(&d, 0, 2, 14);
    d.pop[0] = 6;
    both(&d, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);
    assert_close(mom.ratio, 2.0 / 14.0, 1e-16, "ratio");
    assert_true(mom.variance == 0.0);
    assert_true(dir.variance == 0.0);
    assert_int_equal(mom.psus - mom.strata, 0);
}

/* p = 0 and p = 1 have no residuals: variance exactly 0. */
static void test_linearize_p0_and_p1(void **state)
{
    static struct psus zero, one;
    struct an_ratio_estimate mom, dir;

    (void)state;
    add_psu(&zero, 0, 0, 3);
    add_psu(&zero, 0, 0, 8);
    add_psu(&zero, 1, 0, 5);
    add_psu(&zero, 1, 0, 1);
    both(&zero, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);
    assert_true(mom.ratio == 0.0 && mom.variance == 0.0);
    assert_true(dir.ratio == 0.0 && dir.variance == 0.0);

    add_psu(&one, 0, 3, 3);
    add_psu(&one, 0, 8, 8);
    add_psu(&one, 1, 5, 5);
    add_psu(&one, 1, 1, 1);
    one.pop[0] = 9;
    one.pop[1] = 7;
    both(&one, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);
    assert_true(mom.ratio == 1.0 && mom.variance == 0.0);
    assert_close(dir.ratio, 1.0, 1e-15, "direct ratio");
    assert_close(dir.variance, 0.0, 1e-30, "direct variance");
}

/* Nothing on any caseload: no ratio, but the counts are still there. */
static void test_linearize_zero_denominator_undefined(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;

    (void)state;
    add_psu(&d, 0, 0, 0);
    add_psu(&d, 0, 0, 0);
    both(&d, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);
    assert_false(mom.defined);
    assert_false(dir.defined);
    assert_true(isnan(mom.ratio) && isnan(mom.variance));
    assert_int_equal(mom.psus, 2);
}

/* Strata with n = 0 are skipped (a county without respondents). */
static void test_linearize_empty_stratum_skipped(void **state)
{
    static struct psus a, b;
    struct an_ratio_estimate ma, da, mb, db;

    (void)state;
    add_psu(&a, 0, 1, 5);
    add_psu(&a, 0, 2, 7);
    add_psu(&a, 2, 0, 3);
    add_psu(&a, 2, 1, 2);
    a.pop[0] = 9;
    a.pop[2] = 3;
    a.pop[1] = 11;   /* in the frame, nobody responded */
    add_psu(&b, 0, 1, 5);
    add_psu(&b, 0, 2, 7);
    add_psu(&b, 1, 0, 3);
    add_psu(&b, 1, 1, 2);
    b.pop[0] = 9;
    b.pop[1] = 3;
    both(&a, AN_LONELY_ADJUST, &ma, &da, AN_LINEARIZE_OK);
    both(&b, AN_LONELY_ADJUST, &mb, &db, AN_LINEARIZE_OK);
    assert_int_equal(ma.strata, 2);
    assert_close(ma.variance, mb.variance, 1e-18, "variance");
    assert_close(da.variance, mb.variance, 1e-18, "direct variance");
}

/* Impossible input is refused, not computed. */
static void test_linearize_invalid_input(void **state)
{
    struct an_stratum_moments m = {.n = 3, .pop = 2, .weight = 1, .sy = 1, .sx = 3,
                                   .syy = 1, .sxx = 3, .sxy = 1};
    struct an_ratio_estimate out;

    (void)state;
    /* more respondents than officers */
    assert_int_equal(an_linearize_moments(&m, 1, AN_LONELY_ADJUST, &out),
                     AN_LINEARIZE_INVALID);
    /* sum of squares below (sum)^2/n: no real data has it */
    m.pop = 0;
    m.sy = 3;
    m.syy = 2;
    assert_int_equal(an_linearize_moments(&m, 1, AN_LONELY_ADJUST, &out),
                     AN_LINEARIZE_INVALID);
    /* a weight of zero */
    m.syy = 5;
    m.weight = 0;
    assert_int_equal(an_linearize_moments(&m, 1, AN_LONELY_ADJUST, &out),
                     AN_LINEARIZE_INVALID);
}

/* Random designs: many strata, fpc or not, sizes 1..60, every lonely rule.
 * The moments form must give the direct form's numbers. */
static void test_linearize_moments_match_direct_random(void **state)
{
    static struct psus d;
    unsigned seed = 12345;

    (void)state;
    for (int trial = 0; trial < 200; trial++) {
        bool fpc = trial % 3 != 0;
        enum an_lonely_psu rule = trial % 2 == 0 ? AN_LONELY_ADJUST : AN_LONELY_CERTAINTY;
        struct an_ratio_estimate mom, dir;
        size_t nstrata = 1 + (size_t)(rand_r(&seed) % 15);

        memset(&d, 0, sizeof d);
        for (size_t h = 0; h < nstrata; h++) {
            int n = 1 + rand_r(&seed) % 60;
            for (int i = 0; i < n; i++) {
                int64_t x = rand_r(&seed) % 80;
                int64_t y = x > 0 ? rand_r(&seed) % (x / 4 + 1) : 0;
                add_psu(&d, h, y, x);
            }
            d.pop[h] = fpc ? n + rand_r(&seed) % (3 * n + 1) : 0;
        }
        both(&d, rule, &mom, &dir, AN_LINEARIZE_OK);
        if (!dir.defined) {
            assert_false(mom.defined);
            continue;
        }
        assert_rel(mom.ratio, dir.ratio, 1e-14, "ratio");
        assert_close(mom.variance, dir.variance, 1e-13 * dir.variance + 1e-30, "variance");
        assert_int_equal(mom.psus, dir.psus);
        assert_int_equal(mom.lonely, dir.lonely);
        assert_int_equal(mom.census, dir.census);
    }
}

/* Where the textbook raw-moment formula fails: y = 7x exactly but for 20
 * PSUs off by one, with x in the millions (sums of squares beyond 2^53), so the residuals are tiny against sum y^2. The careful moments
 * form still matches the two-pass direct form; the naive one computed in
 * double here is far off, which shows the data really is hard. */
static void test_linearize_no_cancellation_when_y_proportional_to_x(void **state)
{
    static struct psus d;
    struct an_ratio_estimate mom, dir;
    unsigned seed = 7;
    double naive = 0, r, X;

    (void)state;
    for (int i = 0; i < 2000; i++) {
        int64_t x = 1000000 + rand_r(&seed) % 9000000;
        int64_t y = 7 * x + (i % 100 == 0 ? (i % 200 == 0 ? 1 : -1) : 0);
        add_psu(&d, (size_t)(i % 40), y, x);
    }
    both(&d, AN_LONELY_ADJUST, &mom, &dir, AN_LINEARIZE_OK);
    assert_true(dir.variance > 0);
    assert_rel(mom.variance, dir.variance, 1e-9, "variance, careful moments vs direct");

    r = dir.ratio;
    X = dir.x_hat;
    for (size_t h = 0; h < d.nstrata; h++) {
        const struct an_stratum_moments *m = &d.m[h];
        double n = (double)m->n;
        double ss = (double)m->syy - 2 * r * (double)m->sxy + r * r * (double)m->sxx
                    - pow((double)m->sy - r * (double)m->sx, 2) / n;
        naive += n / (n - 1) * ss / (X * X);
    }
    if (!(fabs(naive - dir.variance) > 0.01 * dir.variance)) {
        print_error("naive %.17g direct %.17g: the data is not hard enough\n", naive,
                    dir.variance);
        fail();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linearize_hand_checked_no_fpc),
        cmocka_unit_test(test_linearize_hand_checked_two_strata_fpc),
        cmocka_unit_test(test_linearize_census_stratum_zero_variance),
        cmocka_unit_test(test_linearize_census_of_one_is_not_lonely),
        cmocka_unit_test(test_linearize_lonely_psu_rules),
        cmocka_unit_test(test_linearize_lonely_domain_alone),
        cmocka_unit_test(test_linearize_p0_and_p1),
        cmocka_unit_test(test_linearize_zero_denominator_undefined),
        cmocka_unit_test(test_linearize_empty_stratum_skipped),
        cmocka_unit_test(test_linearize_invalid_input),
        cmocka_unit_test(test_linearize_moments_match_direct_random),
        cmocka_unit_test(test_linearize_no_cancellation_when_y_proportional_to_x),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
