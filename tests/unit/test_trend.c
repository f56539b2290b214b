/* analysis/trend.c: changes, ratios, slopes and Holm's adjustment, against
 * the R survey goldens (tests/reference/trend_goldens.csv, made by
 * tests/reference/make_trend_goldens.R) and on edge cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "trend.h"
#include "trend_fixture.h"

#define GOLDEN_TOL 1e-9

/* cmocka 1.1.5 has no assert_double_equal. NaN equals NaN here: both sides
 * saying "undefined" is agreement. */
static void near(double got, double want, double tol, const char *what, const char *ctx)
{
    bool ok = (isnan(got) && isnan(want)) || (!isnan(got) && !isnan(want)
                                               && fabs(got - want) <= tol);
    if (!ok)
        fail_msg("%s %s: got %.17g, want %.17g (tol %g)", ctx, what, got, want, tol);
}

static struct an_trend_point pt(int year, double p, double se, double df)
{
    struct an_trend_point x = {year, true, p, se, df, AN_FLAG_PRESENT, false};
    return x;
}

/* ---- the goldens ------------------------------------------------------- */

static int load_goldens(void **state)
{
    struct trend_goldens *g = calloc(1, sizeof *g);

    if (g == NULL || trend_goldens_load(g) != 0) {
        free(g);
        return -1;
    }
    *state = g;
    return 0;
}

static int free_goldens(void **state)
{
    struct trend_goldens *g = *state;

    if (g != NULL)
        trend_goldens_free(g);
    free(g);
    return 0;
}

static void golden_context(const struct trend_golden *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s %s %s %s %d-%d", r->kind, r->dataset, r->measure, r->county,
             r->from, r->to);
}

static void test_change_matches_r_survey(void **state)
{
    const struct trend_goldens *g = *state;
    size_t i, checked = 0, undefined = 0, no_ratio = 0;
    double max_diff = 0.0;

    for (i = 0; i < g->n; i++) {
        const struct trend_golden *r = &g->rows[i];
        struct an_trend_point a, b;
        struct an_trend_change c;
        char ctx[128];

        if (strcmp(r->kind, "change") != 0)
            continue;
        golden_context(r, ctx, sizeof ctx);
        a = trend_golden_point(g, r, r->from);
        b = trend_golden_point(g, r, r->to);
        assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
        near(c.difference, r->v[TG_EST], GOLDEN_TOL, "difference", ctx);
        near(c.se, r->v[TG_SE], GOLDEN_TOL, "se", ctx);
        near(c.df, r->v[TG_DF], GOLDEN_TOL, "df", ctx);
        near(c.ci_low, r->v[TG_CI_LOW], GOLDEN_TOL, "ci_low", ctx);
        near(c.ci_high, r->v[TG_CI_HIGH], GOLDEN_TOL, "ci_high", ctx);
        near(c.ratio, r->v[TG_RATIO], GOLDEN_TOL, "ratio", ctx);
        near(c.ratio_ci_low, r->v[TG_RATIO_LOW], GOLDEN_TOL, "ratio_ci_low", ctx);
        near(c.ratio_ci_high, r->v[TG_RATIO_HIGH], GOLDEN_TOL, "ratio_ci_high", ctx);
        near(c.p_value, r->v[TG_P], GOLDEN_TOL, "p_value", ctx);
        if (!isnan(c.se) && fabs(c.se - r->v[TG_SE]) > max_diff)
            max_diff = fabs(c.se - r->v[TG_SE]);
        if (!isnan(c.difference) && fabs(c.difference - r->v[TG_EST]) > max_diff)
            max_diff = fabs(c.difference - r->v[TG_EST]);
        assert_int_equal(c.defined, !isnan(r->v[TG_EST]));
        if (!c.defined) {
            assert_int_equal(c.flag, AN_FLAG_SUPPRESS);
            assert_non_null(strstr(c.reasons, "no data in"));
            undefined++;
        }
        no_ratio += c.defined && isnan(c.ratio);
        checked++;
    }
    /* The goldens must exercise the whole path: 3 data sets x 3 measures x
     * 16 series x 3 comparisons, a county gone for a year, a zero estimate. */
    assert_int_equal(checked, 3 * 3 * 16 * 3);
    assert_true(undefined >= 6);
    assert_true(no_ratio >= 1);
    print_message("trend goldens: %zu changes, max |C - R| of difference and se %.3g\n",
                  checked, max_diff);
}

static void test_slope_matches_r_lm(void **state)
{
    const struct trend_goldens *g = *state;
    size_t i, checked = 0, defined = 0;

    for (i = 0; i < g->n; i++) {
        const struct trend_golden *r = &g->rows[i];
        struct an_trend_point pts[3];
        struct an_trend_slope s;
        char ctx[128];
        int y;

        if (strcmp(r->kind, "slope") != 0)
            continue;
        golden_context(r, ctx, sizeof ctx);
        assert_int_equal(r->to - r->from + 1, 3);
        for (y = r->from; y <= r->to; y++)
            pts[y - r->from] = trend_golden_point(g, r, y);
        assert_int_equal(an_trend_slope(pts, 3, 0.95, &s), 0);
        near(s.slope, r->v[TG_EST], GOLDEN_TOL, "slope", ctx);
        near(s.se, r->v[TG_SE], GOLDEN_TOL, "se", ctx);
        near(s.df, r->v[TG_DF], GOLDEN_TOL, "df", ctx);
        near(s.ci_low, r->v[TG_CI_LOW], GOLDEN_TOL, "ci_low", ctx);
        near(s.ci_high, r->v[TG_CI_HIGH], GOLDEN_TOL, "ci_high", ctx);
        near(s.p_value, r->v[TG_P], GOLDEN_TOL, "p_value", ctx);
        assert_int_equal(s.defined, !isnan(r->v[TG_EST]));
        if (!s.defined)
            assert_int_equal(s.flag, AN_FLAG_SUPPRESS);
        defined += s.defined;
        checked++;
    }
    assert_int_equal(checked, 3 * 3 * 16);
    assert_true(defined > 0 && defined < checked);
}

/* Holm within each comparison (and across slopes) equals R's p.adjust. */
static void test_holm_matches_r_p_adjust(void **state)
{
    const struct trend_goldens *g = *state;
    const char *datasets[] = {"three-years", "gap", "sample-data"};
    const char *measures[] = {"confirmed", "any", "officer_any"};
    size_t d, m, i;

    for (d = 0; d < 3; d++) {
        for (m = 0; m < 3; m++) {
            struct an_trend_change changes[64];
            struct an_trend_slope slopes[16];
            const struct trend_golden *crow[64], *srow[16];
            size_t nc = 0, ns = 0;

            for (i = 0; i < g->n; i++) {
                const struct trend_golden *r = &g->rows[i];
                struct an_trend_point a, b, pts[3];
                if (strcmp(r->dataset, datasets[d]) != 0 || strcmp(r->measure, measures[m]) != 0)
                    continue;
                if (strcmp(r->kind, "change") == 0) {
                    assert_true(nc < 64);
                    a = trend_golden_point(g, r, r->from);
                    b = trend_golden_point(g, r, r->to);
                    assert_int_equal(an_trend_change(&a, &b, 0.95, &changes[nc]), 0);
                    crow[nc++] = r;
                } else if (strcmp(r->kind, "slope") == 0) {
                    assert_true(ns < 16);
                    pts[0] = trend_golden_point(g, r, r->from);
                    pts[1] = trend_golden_point(g, r, r->from + 1);
                    pts[2] = trend_golden_point(g, r, r->from + 2);
                    assert_int_equal(an_trend_slope(pts, 3, 0.95, &slopes[ns]), 0);
                    srow[ns++] = r;
                }
            }
            assert_int_equal(nc, 48);
            assert_int_equal(ns, 16);
            assert_int_equal(an_trend_adjust_changes(changes, nc, AN_TREND_ADJUST_HOLM), 0);
            assert_int_equal(an_trend_adjust_slopes(slopes, ns, AN_TREND_ADJUST_HOLM), 0);
            for (i = 0; i < nc; i++) {
                char ctx[128];
                golden_context(crow[i], ctx, sizeof ctx);
                near(changes[i].p_adjusted, crow[i]->v[TG_P_HOLM], GOLDEN_TOL, "p_holm", ctx);
            }
            for (i = 0; i < ns; i++) {
                char ctx[128];
                golden_context(srow[i], ctx, sizeof ctx);
                near(slopes[i].p_adjusted, srow[i]->v[TG_P_HOLM], GOLDEN_TOL, "p_holm", ctx);
            }
        }
    }
}

/* ---- edge cases ---------------------------------------------------------- */

static void test_change_independent_samples(void **state)
{
    struct an_trend_point a = pt(2023, 0.03, 0.004, 40), b = pt(2024, 0.05, 0.003, 30);
    struct an_trend_change c;
    (void)state;

    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_true(c.defined);
    near(c.difference, 0.02, 1e-15, "difference", "basic");
    near(c.se, 0.005, 1e-15, "se", "basic");
    /* Welch-Satterthwaite: (v_a + v_b)^2 / (v_a^2/40 + v_b^2/30), not 40 + 30 */
    near(c.df, 68.681318681318672, 1e-12, "df", "basic");
    /* qt(0.975, df) = 1.9951105661711714 (R) */
    near(c.ci_low, 0.02 - 1.9951105661711714 * 0.005, 1e-12, "ci_low", "basic");
    /* 2 * pt(-4, df) = 0.00015748037169833958 (R) */
    near(c.p_value, 0.00015748037169833958, 1e-12, "p_value", "basic");
    near(c.ratio, 5.0 / 3.0, 1e-15, "ratio", "basic");
    assert_true(c.ratio_ci_low < c.ratio && c.ratio < c.ratio_ci_high);
    /* The log-scale interval is symmetric around log(ratio). */
    near(log(c.ratio) - log(c.ratio_ci_low), log(c.ratio_ci_high) - log(c.ratio), 1e-12,
         "log symmetry", "basic");
    assert_int_equal(c.flag, AN_FLAG_PRESENT);
    assert_string_equal(c.reasons, "");
}

static void test_change_ratio_undefined_at_zero(void **state)
{
    struct an_trend_point a = pt(2023, 0.0, 0.0, 4), b = pt(2025, 0.04, 0.01, 5);
    struct an_trend_change c;
    (void)state;

    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_true(c.defined);
    near(c.difference, 0.04, 1e-15, "difference", "p=0");
    assert_true(isnan(c.ratio) && isnan(c.ratio_ci_low) && isnan(c.ratio_ci_high));
    assert_non_null(strstr(c.reasons, "ratio undefined: 2023 estimate is 0"));
    assert_false(isnan(c.p_value));
}

static void test_change_exact_between_censuses(void **state)
{
    /* Every officer answered in both years (df 0 with one officer): the
     * change is known exactly, whatever the degrees of freedom. */
    struct an_trend_point a = pt(2023, 0.02, 0.0, 0), b = pt(2024, 0.04, 0.0, 2);
    struct an_trend_change c;
    (void)state;

    a.census = b.census = true;
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    near(c.se, 0.0, 0.0, "se", "census");
    near(c.ci_low, 0.02, 1e-15, "ci_low", "census");
    near(c.ci_high, 0.02, 1e-15, "ci_high", "census");
    near(c.ratio_ci_low, 2.0, 1e-15, "ratio_ci_low", "census");
    near(c.ratio_ci_high, 2.0, 1e-15, "ratio_ci_high", "census");
    assert_true(isnan(c.p_value) && isnan(c.p_adjusted));
    assert_string_equal(c.reasons, "no p-value: both years are a census, the change is exact");
}

static void test_change_zero_se_without_census_has_no_interval(void **state)
{
    /* se 0 from no cases in a sample, or from a lonely PSU, is a variance
     * the design cannot estimate: no zero-width interval then. */
    struct an_trend_point a = pt(2023, 0.02, 0.0, 0), b = pt(2024, 0.0, 0.0, 3);
    struct an_trend_change c;
    (void)state;

    a.census = true;   /* one census is not enough */
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_true(c.defined);
    near(c.difference, -0.02, 1e-15, "difference", "se 0");
    assert_true(isnan(c.ci_low) && isnan(c.ci_high) && isnan(c.p_value));
    assert_string_equal(c.reasons, "no interval or p-value: standard error 0 in both years "
                                   "(no cases or a lonely PSU) but not a census; "
                                   "ratio undefined: 2024 estimate is 0");
}

static void test_change_no_interval_below_one_df(void **state)
{
    struct an_trend_point a = pt(2023, 0.02, 0.01, 0), b = pt(2024, 0.04, 0.01, 0);
    struct an_trend_change c;
    (void)state;

    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_false(isnan(c.difference));
    assert_true(isnan(c.ci_low) && isnan(c.p_value) && isnan(c.ratio_ci_low));
    assert_false(isnan(c.ratio));
    assert_non_null(strstr(c.reasons, "fewer than 1 degree of freedom"));
}

static void test_change_missing_year_is_no_data(void **state)
{
    struct an_trend_point a = pt(2023, 0.03, 0.01, 4);
    struct an_trend_point b = {2024, false, 0.0, 0.0, 0.0, AN_FLAG_SUPPRESS, false};
    struct an_trend_change c;
    (void)state;

    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_false(c.defined);
    assert_int_equal(c.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(c.reasons, "no data in 2024");
    near(c.estimate_from, 0.03, 0, "estimate_from", "gap");
    assert_true(isnan(c.estimate_to) && isnan(c.difference) && isnan(c.se)
                && isnan(c.p_value) && isnan(c.ratio));
}

static void test_change_flag_is_the_worse_year(void **state)
{
    struct an_trend_point a = pt(2023, 0.03, 0.01, 10), b = pt(2024, 0.05, 0.01, 10);
    struct an_trend_change c;
    (void)state;

    a.flag = AN_FLAG_REVIEW;
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_int_equal(c.flag, AN_FLAG_REVIEW);
    assert_string_equal(c.reasons, "2023 estimate flagged for review");

    b.flag = AN_FLAG_SUPPRESS;
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_int_equal(c.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(c.reasons,
                        "2023 estimate flagged for review; 2024 estimate suppressed");
    /* Suppressed, but still computed: machine outputs carry the numbers. */
    near(c.difference, 0.02, 1e-15, "difference", "suppress");

    a.flag = AN_FLAG_PRESENT;
    assert_int_equal(an_trend_change(&b, &(struct an_trend_point){2025, true, 0.04, 0.01, 9,
                                                                  AN_FLAG_PRESENT, false},
                                     0.95, &c), 0);
    assert_int_equal(c.flag, AN_FLAG_SUPPRESS);
}

static void test_change_rejects_invalid_input(void **state)
{
    struct an_trend_point a = pt(2023, 0.03, 0.01, 4), b = pt(2024, 0.05, 0.01, 4);
    struct an_trend_change c;
    struct an_trend_point bad;
    (void)state;

    memset(&c, 0x5a, sizeof c);
    assert_int_equal(an_trend_change(&b, &a, 0.95, &c), -1);      /* years reversed */
    assert_int_equal(an_trend_change(&a, &a, 0.95, &c), -1);      /* same year */
    assert_int_equal(an_trend_change(&a, &b, 1.0, &c), -1);
    assert_int_equal(an_trend_change(&a, &b, NAN, &c), -1);
    bad = b;
    bad.p = 1.5;
    assert_int_equal(an_trend_change(&a, &bad, 0.95, &c), -1);
    bad = b;
    bad.se = -0.1;
    assert_int_equal(an_trend_change(&a, &bad, 0.95, &c), -1);
    bad = b;
    bad.df = NAN;
    assert_int_equal(an_trend_change(&a, &bad, 0.95, &c), -1);
    bad = b;
    bad.p = NAN;
    assert_int_equal(an_trend_change(&a, &bad, 0.95, &c), -1);
    assert_int_equal(c.from_year, 0x5a5a5a5a);   /* untouched */
}

static void test_series_changes_consecutive_then_first_last(void **state)
{
    struct an_trend_point p[4] = {pt(2022, 0.02, 0.01, 5), pt(2023, 0.03, 0.01, 5),
                                  pt(2024, 0.04, 0.01, 5), pt(2025, 0.05, 0.01, 5)};
    struct an_trend_change c[4];
    (void)state;

    assert_int_equal(an_trend_changes_count(0), 0);
    assert_int_equal(an_trend_changes_count(1), 0);
    assert_int_equal(an_trend_changes_count(2), 1);
    assert_int_equal(an_trend_changes_count(4), 4);
    assert_int_equal(an_trend_series_changes(p, 4, 0.95, c), 4);
    assert_int_equal(c[0].from_year, 2022);
    assert_int_equal(c[0].to_year, 2023);
    assert_int_equal(c[2].from_year, 2024);
    assert_int_equal(c[2].to_year, 2025);
    assert_int_equal(c[3].from_year, 2022);
    assert_int_equal(c[3].to_year, 2025);
    near(c[3].difference, 0.03, 1e-15, "first-last", "series");
    assert_int_equal(an_trend_series_changes(p, 2, 0.95, c), 1);
    assert_int_equal(an_trend_series_changes(p, 1, 0.95, c), 0);
    p[2].year = 2023;
    assert_int_equal(an_trend_series_changes(p, 4, 0.95, c), -1);
}

/* A year without sampling variance (a census, an estimate of 0, one
 * respondent) carries no degrees of freedom into the change: La Paz, 2
 * respondents (df 1) then a census of 60 (df 59) has df 1, not 60
 * (issue #14: p 0.010 with df 60, 0.24 with the df the variance has). */
static void test_change_df_zero_variance_year(void **state)
{
    struct an_trend_point a = pt(2091, 0.10, 0.02, 1), b = pt(2092, 0.15, 0.0, 59);
    struct an_trend_change c;
    (void)state;

    b.census = true;
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    near(c.df, 1.0, 1e-12, "df", "census year");
    /* 2 * pt(-2.5, 1) = 0.24223788318168671 (R) */
    near(c.p_value, 0.24223788318168671, 1e-12, "p_value", "census year");
    assert_int_equal(an_trend_change(&b, &(struct an_trend_point){2093, true, 0.12, 0.03, 4,
                                                                   AN_FLAG_PRESENT, false},
                                     0.95, &c), 0);
    near(c.df, 4.0, 1e-12, "df", "census first");
    /* Both without variance: no df (NaN); two censuses give the exact change. */
    a = pt(2091, 0.10, 0.0, 5);
    a.census = true;
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_true(isnan(c.df));
    near(c.ci_low, 0.05, 1e-15, "exact low", "two censuses");
    a.census = false;
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_true(isnan(c.df) && isnan(c.ci_low) && isnan(c.p_value));
    /* Variance but no df (cannot come from a design, but must not pass). */
    a = pt(2091, 0.10, 0.02, 0);
    assert_int_equal(an_trend_change(&a, &b, 0.95, &c), 0);
    assert_true(isnan(c.ci_low));
    assert_non_null(strstr(c.reasons, "fewer than 1 degree of freedom"));
}

static void test_slope_exact_line(void **state)
{
    /* Points on a line: the slope is exact whatever the weights. */
    struct an_trend_point p[4] = {pt(2022, 0.020, 0.004, 5), pt(2023, 0.025, 0.002, 5),
                                  pt(2024, 0.030, 0.005, 5), pt(2025, 0.035, 0.003, 5)};
    struct an_trend_slope s;
    double w[4], tbar = 0, sw = 0, sxx = 0;
    int i;
    (void)state;

    assert_int_equal(an_trend_slope(p, 4, 0.95, &s), 0);
    assert_true(s.defined);
    assert_int_equal(s.years, 4);
    near(s.slope, 0.005, 1e-14, "slope", "line");
    for (i = 0; i < 4; i++) {
        w[i] = 1.0 / (p[i].se * p[i].se);
        sw += w[i];
        tbar += w[i] * p[i].year;
    }
    tbar /= sw;
    for (i = 0; i < 4; i++)
        sxx += w[i] * (p[i].year - tbar) * (p[i].year - tbar);
    near(s.se, sqrt(1.0 / sxx), 1e-15, "known-variance se", "line");
    /* Welch-Satterthwaite df of sum c_t^2 se_t^2 with df 5 each, and
     * qt(0.975, df), from R: 11.354193809800375, 2.1926371711421915 */
    near(s.df, 11.354193809800375, 1e-10, "slope df", "line");
    near(s.ci_high - s.slope, 2.1926371711421915 * s.se, 1e-12, "t interval", "line");
    assert_int_equal(s.flag, AN_FLAG_PRESENT);
}

static void test_slope_needs_three_years_with_variance(void **state)
{
    struct an_trend_point p[3] = {pt(2023, 0.02, 0.004, 5), pt(2024, 0.03, 0.004, 5),
                                  pt(2025, 0.04, 0.004, 5)};
    struct an_trend_slope s;
    (void)state;

    assert_int_equal(an_trend_slope(p, 2, 0.95, &s), 0);
    assert_false(s.defined);
    assert_int_equal(s.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(s.reasons, "no slope: 2 years with an estimate, 3 needed");

    p[1].has_estimate = false;
    assert_int_equal(an_trend_slope(p, 3, 0.95, &s), 0);
    assert_false(s.defined);
    assert_int_equal(s.years, 2);
    assert_string_equal(s.reasons,
                        "no data in 2024; no slope: 2 years with an estimate, 3 needed");

    p[1].has_estimate = true;
    p[1].se = 0.0;
    assert_int_equal(an_trend_slope(p, 3, 0.95, &s), 0);
    assert_false(s.defined);
    assert_true(isnan(s.slope) && isnan(s.p_value));
    assert_string_equal(s.reasons, "no slope: standard error 0 in 2024");
}

static void test_slope_flag_propagates(void **state)
{
    struct an_trend_point p[3] = {pt(2023, 0.02, 0.004, 5), pt(2024, 0.03, 0.004, 5),
                                  pt(2025, 0.04, 0.004, 5)};
    struct an_trend_slope s;
    (void)state;

    p[2].flag = AN_FLAG_REVIEW;
    assert_int_equal(an_trend_slope(p, 3, 0.95, &s), 0);
    assert_true(s.defined);
    assert_int_equal(s.flag, AN_FLAG_REVIEW);
    p[0].flag = AN_FLAG_SUPPRESS;
    assert_int_equal(an_trend_slope(p, 3, 0.95, &s), 0);
    assert_true(s.defined);
    assert_int_equal(s.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(s.reasons,
                        "2023 estimate suppressed; 2025 estimate flagged for review");
    p[1].year = 2023;
    assert_int_equal(an_trend_slope(p, 3, 0.95, &s), -1);
}

static void test_holm_known_values(void **state)
{
    /* R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02 */
    double p[4] = {0.01, 0.04, 0.03, 0.005}, a[4];
    /* R: p.adjust(c(0.5, NA, 0.01, 0.01, 0.9), "holm") = 1 NA 0.04 0.04 1 */
    double q[5] = {0.5, NAN, 0.01, 0.01, 0.9};
    (void)state;

    assert_int_equal(an_trend_holm(p, 4, a), 0);
    near(a[0], 0.03, 1e-15, "a0", "holm");
    near(a[1], 0.06, 1e-15, "a1", "holm");
    near(a[2], 0.06, 1e-15, "a2", "holm");
    near(a[3], 0.02, 1e-15, "a3", "holm");
    assert_int_equal(an_trend_holm(q, 5, q), 0);   /* in place */
    near(q[0], 1.0, 0, "q0", "holm NaN");
    assert_true(isnan(q[1]));
    near(q[2], 0.04, 1e-15, "q2", "holm NaN");
    near(q[3], 0.04, 1e-15, "q3", "holm NaN");
    near(q[4], 1.0, 0, "q4", "holm NaN");
    assert_int_equal(an_trend_holm(NULL, 0, NULL), 0);
}

static void test_holm_monotone_and_order_preserving(void **state)
{
    double p[40], a[40];
    unsigned long x = 12345;
    int i, j;
    (void)state;

    for (i = 0; i < 40; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        p[i] = (double)(x >> 11) / 9007199254740992.0 * 0.2;
    }
    p[7] = p[8];   /* a tie */
    assert_int_equal(an_trend_holm(p, 40, a), 0);
    for (i = 0; i < 40; i++) {
        assert_true(a[i] >= p[i] && a[i] <= 1.0);
        for (j = 0; j < 40; j++)
            if (p[i] < p[j])
                assert_true(a[i] <= a[j]);
    }
    near(a[7], a[8], 0, "tie", "holm");
}

static void test_adjust_changes_families_by_comparison(void **state)
{
    struct an_trend_change r[5];
    const double raw[5] = {0.01, 0.02, 0.01, 0.04, NAN};
    const int from[5] = {2023, 2023, 2024, 2023, 2023};
    int i;
    (void)state;

    memset(r, 0, sizeof r);
    for (i = 0; i < 5; i++) {
        r[i].from_year = from[i];
        r[i].to_year = 2025;
        r[i].p_value = raw[i];
    }
    assert_int_equal(an_trend_adjust_changes(r, 5, AN_TREND_ADJUST_NONE), 0);
    for (i = 0; i < 4; i++)
        near(r[i].p_adjusted, raw[i], 0, "none", "family");
    assert_int_equal(an_trend_adjust_changes(r, 5, AN_TREND_ADJUST_HOLM), 0);
    /* Family 2023-2025: 0.01, 0.02, 0.04 (m = 3); 2024-2025 alone. */
    near(r[0].p_adjusted, 0.03, 1e-15, "r0", "family");
    near(r[1].p_adjusted, 0.04, 1e-15, "r1", "family");
    near(r[3].p_adjusted, 0.04, 1e-15, "r3", "family");
    near(r[2].p_adjusted, 0.01, 1e-15, "r2", "family");
    assert_true(isnan(r[4].p_adjusted));
    near(r[0].p_value, 0.01, 0, "raw kept", "family");
}

static void test_adjust_names_round_trip(void **state)
{
    enum an_trend_adjust a = AN_TREND_ADJUST_N;
    (void)state;

    assert_true(an_trend_adjust_parse("holm", &a));
    assert_int_equal(a, AN_TREND_ADJUST_HOLM);
    assert_string_equal(an_trend_adjust_name(a), "holm");
    assert_true(an_trend_adjust_parse("none", &a));
    assert_int_equal(a, AN_TREND_ADJUST_NONE);
    assert_false(an_trend_adjust_parse("bonferroni", &a));
    assert_false(an_trend_adjust_parse(NULL, &a));
}

/* ---- series from estimate rows ------------------------------------------ */

static struct an_estimate_row erow(int year, const char *county, const char *fips, bool has,
                                   double p, double se, double df, enum an_flag flag)
{
    struct an_estimate_row r;

    memset(&r, 0, sizeof r);
    r.survey_year = year;
    snprintf(r.county, sizeof r.county, "%s", county);
    snprintf(r.fips, sizeof r.fips, "%s", fips);
    r.measure = AN_MEASURE_CONFIRMED;
    r.method = AN_DESIGN_KORN_GRAUBARD;
    r.level = 0.95;
    r.has_estimate = has;
    r.estimate = has ? p : NAN;
    r.se = has ? se : NAN;
    r.df = has ? df : NAN;
    r.flag = flag;
    return r;
}

static void test_build_groups_rows_into_series(void **state)
{
    /* Years out of order, La Paz without respondents in 2024. */
    struct an_estimate_row rows[9];
    struct an_trend_result r;
    struct an_trend_change direct;
    size_t i;
    (void)state;

    rows[0] = erow(2025, "Apache", "04001", true, 0.05, 0.010, 4, AN_FLAG_REVIEW);
    rows[1] = erow(2025, "La Paz", "04012", true, 0.02, 0.008, 3, AN_FLAG_SUPPRESS);
    rows[2] = erow(2025, "Arizona", "04", true, 0.04, 0.003, 120, AN_FLAG_PRESENT);
    rows[3] = erow(2023, "Apache", "04001", true, 0.03, 0.012, 5, AN_FLAG_REVIEW);
    rows[4] = erow(2023, "La Paz", "04012", true, 0.01, 0.006, 2, AN_FLAG_SUPPRESS);
    rows[5] = erow(2023, "Arizona", "04", true, 0.03, 0.003, 110, AN_FLAG_PRESENT);
    rows[6] = erow(2024, "Apache", "04001", true, 0.04, 0.011, 4, AN_FLAG_REVIEW);
    rows[7] = erow(2024, "La Paz", "04012", false, 0, 0, 0, AN_FLAG_SUPPRESS);
    rows[8] = erow(2024, "Arizona", "04", true, 0.035, 0.003, 115, AN_FLAG_PRESENT);
    rows[3].respondents = rows[3].officers_total = 6;    /* Apache 2023: a census */
    rows[6].respondents = 5;                             /* Apache 2024: 5 of 6 */
    rows[6].officers_total = 6;

    assert_int_equal(an_trend_build(rows, 9, 0.95, AN_TREND_ADJUST_HOLM, &r), 0);
    assert_int_equal(r.nyears, 3);
    assert_int_equal(r.years[0], 2023);
    assert_int_equal(r.years[2], 2025);
    assert_int_equal(r.nseries, 3);
    assert_string_equal(r.series[0].county, "Apache");
    assert_string_equal(r.series[2].fips, "04");
    assert_ptr_equal(r.series[0].rows[0], &rows[3]);
    assert_ptr_equal(r.series[1].rows[1], &rows[7]);
    assert_false(r.series[1].points[1].has_estimate);
    assert_true(r.series[0].points[0].census);
    assert_false(r.series[0].points[1].census);
    assert_false(r.series[2].points[0].census);
    for (i = 0; i < 3; i++)
        assert_int_equal(r.series[i].nchanges, 3);

    /* La Paz: no data in 2024, so both consecutive changes are empty. */
    assert_false(r.series[1].changes[0].defined);
    assert_false(r.series[1].changes[1].defined);
    assert_true(r.series[1].changes[2].defined);
    assert_int_equal(r.series[1].changes[2].flag, AN_FLAG_SUPPRESS);
    assert_false(r.series[1].slope.defined);

    /* The state: as computed alone; Holm over the family 2023-2025 of
     * three rows (Apache, La Paz and the state all have a p-value). */
    assert_int_equal(an_trend_change(&r.series[2].points[0], &r.series[2].points[2], 0.95,
                                     &direct), 0);
    near(r.series[2].changes[2].p_value, direct.p_value, 0, "p", "build");
    {
        double p[3] = {r.series[0].changes[2].p_value, r.series[1].changes[2].p_value,
                       r.series[2].changes[2].p_value};
        assert_int_equal(an_trend_holm(p, 3, p), 0);
        near(r.series[0].changes[2].p_adjusted, p[0], 0, "holm 0", "build");
        near(r.series[1].changes[2].p_adjusted, p[1], 0, "holm 1", "build");
        near(r.series[2].changes[2].p_adjusted, p[2], 0, "holm 2", "build");
    }
    /* 2023-2024: La Paz has no p-value, so the family is two. */
    {
        double p[2] = {r.series[0].changes[0].p_value, r.series[2].changes[0].p_value};
        assert_int_equal(an_trend_holm(p, 2, p), 0);
        near(r.series[2].changes[0].p_adjusted, p[1], 0, "holm 2023-2024", "build");
        assert_true(isnan(r.series[1].changes[0].p_adjusted));
    }
    /* Slopes: Apache and the state are defined; one family of two. */
    assert_true(r.series[0].slope.defined && r.series[2].slope.defined);
    assert_true(r.series[2].slope.p_adjusted >= r.series[2].slope.p_value);
    an_trend_result_free(&r);
    an_trend_result_free(&r);   /* cleared: a second free is harmless */
}

static void test_build_rejects_mixed_or_duplicate_rows(void **state)
{
    struct an_estimate_row rows[2];
    struct an_trend_result r;
    (void)state;

    rows[0] = erow(2024, "Pima", "04019", true, 0.05, 0.01, 20, AN_FLAG_PRESENT);
    rows[1] = rows[0];
    assert_int_equal(an_trend_build(rows, 2, 0.95, AN_TREND_ADJUST_NONE, &r), -1);
    rows[1].survey_year = 2025;
    rows[1].measure = AN_MEASURE_ANY;
    assert_int_equal(an_trend_build(rows, 2, 0.95, AN_TREND_ADJUST_NONE, &r), -1);
    rows[1].measure = AN_MEASURE_CONFIRMED;
    assert_int_equal(an_trend_build(rows, 2, 0.95, AN_TREND_ADJUST_NONE, &r), 0);
    assert_int_equal(r.nyears, 2);
    assert_int_equal(r.series[0].nchanges, 1);
    assert_false(r.series[0].slope.defined);
    an_trend_result_free(&r);
    assert_int_equal(an_trend_build(NULL, 0, 0.95, AN_TREND_ADJUST_NONE, &r), 0);
    assert_int_equal(r.nseries, 0);
    an_trend_result_free(&r);
}

static void test_report_helpers(void **state)
{
    /* Three years; Maricopa large and shown, Pima shown, Greenlee always
     * suppressed, La Paz large in the frame but suppressed in 2024. */
    struct an_estimate_row rows[15];
    const char *names[5][2] = {{"Greenlee", "04011"}, {"La Paz", "04012"},
                               {"Maricopa", "04013"}, {"Pima", "04019"}, {"Arizona", "04"}};
    const long youth[5] = {20, 900, 3000, 700, 4620};
    struct an_trend_result r;
    const char *chosen[11];
    const struct an_trend_change *last;
    int y, k;
    (void)state;

    for (y = 0; y < 3; y++)
        for (k = 0; k < 5; k++) {
            struct an_estimate_row *e = &rows[5 * y + k];
            *e = erow(2023 + y, names[k][0], names[k][1], true, 0.03 + 0.01 * y,
                      k == 2 ? 0.002 : 0.01, 30, AN_FLAG_PRESENT);
            e->youth_total = youth[k];
            e->ci_low = e->estimate - 0.01;
            e->ci_high = e->estimate + 0.01;
        }
    for (y = 0; y < 3; y++)
        rows[5 * y].flag = AN_FLAG_SUPPRESS;          /* Greenlee */
    rows[5 * 1 + 1].flag = AN_FLAG_SUPPRESS;          /* La Paz 2024 */
    assert_int_equal(an_trend_build(rows, 15, 0.95, AN_TREND_ADJUST_NONE, &r), 0);

    assert_null(an_trend_find(&r, "04999"));
    assert_string_equal(an_trend_find(&r, "04013")->county, "Maricopa");

    /* Last change: 2024 to 2025. Maricopa's interval excludes zero, Pima's
     * (se 0.01 each year) does not. */
    last = an_trend_last_change(&r, an_trend_find(&r, "04013"));
    assert_non_null(last);
    assert_int_equal(last->from_year, 2024);
    assert_int_equal(last->to_year, 2025);
    assert_true(an_trend_change_excludes_zero(last));
    assert_false(an_trend_change_excludes_zero(an_trend_last_change(&r, an_trend_find(&r, "04019"))));
    assert_false(an_trend_change_excludes_zero(NULL));

    /* Default: the state, then the largest counties with a shown year
     * (Greenlee never shown; La Paz has shown years). */
    assert_int_equal(an_trend_default_series(&r, NULL, 3, chosen), 4);
    assert_string_equal(chosen[0], "04");
    assert_string_equal(chosen[1], "04013");
    assert_string_equal(chosen[2], "04012");
    assert_string_equal(chosen[3], "04019");
    assert_int_equal(an_trend_default_series(&r, NULL, 10, chosen), 4);
    {
        /* Eligibility from the caller (the report: published years). */
        const bool only_pima[5] = {false, false, false, true, false};
        assert_int_equal(an_trend_default_series(&r, only_pima, 3, chosen), 2);
        assert_string_equal(chosen[1], "04019");
    }
    an_trend_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest golden[] = {
        cmocka_unit_test(test_change_matches_r_survey),
        cmocka_unit_test(test_slope_matches_r_lm),
        cmocka_unit_test(test_holm_matches_r_p_adjust),
    };
    const struct CMUnitTest edge[] = {
        cmocka_unit_test(test_change_independent_samples),
        cmocka_unit_test(test_change_df_zero_variance_year),
        cmocka_unit_test(test_change_ratio_undefined_at_zero),
        cmocka_unit_test(test_change_exact_between_censuses),
        cmocka_unit_test(test_change_zero_se_without_census_has_no_interval),
        cmocka_unit_test(test_change_no_interval_below_one_df),
        cmocka_unit_test(test_change_missing_year_is_no_data),
        cmocka_unit_test(test_change_flag_is_the_worse_year),
        cmocka_unit_test(test_change_rejects_invalid_input),
        cmocka_unit_test(test_series_changes_consecutive_then_first_last),
        cmocka_unit_test(test_slope_exact_line),
        cmocka_unit_test(test_slope_needs_three_years_with_variance),
        cmocka_unit_test(test_slope_flag_propagates),
        cmocka_unit_test(test_holm_known_values),
        cmocka_unit_test(test_holm_monotone_and_order_preserving),
        cmocka_unit_test(test_adjust_changes_families_by_comparison),
        cmocka_unit_test(test_adjust_names_round_trip),
        cmocka_unit_test(test_build_groups_rows_into_series),
        cmocka_unit_test(test_build_rejects_mixed_or_duplicate_rows),
        cmocka_unit_test(test_report_helpers),
    };
    int failed;

    gsl_set_error_handler_off();
    failed = cmocka_run_group_tests_name("trend goldens", golden, load_goldens, free_goldens);
    failed += cmocka_run_group_tests_name("trend edge cases", edge, NULL, NULL);
    return failed;
}
