/* analysis/sae.c: estimate rows -> sae_* columns, against the golden values
 * of tests/reference/sae/fh_reference.R (section "analysis/sae.c"), and the
 * presentation rules by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sae.h"

#define REL_TOL 1e-6
#define ABS_FLOOR 1e-12
#define MAX_ROWS 32

static double max_abs_diff = 0.0;

static void check_close(const char *what, size_t i, double got, double want)
{
    bool ok = isnan(want) ? isnan(got) : fabs(got - want) <= ABS_FLOOR + REL_TOL * fabs(want);

    if (!isnan(want) && fabs(got - want) > max_abs_diff)
        max_abs_diff = fabs(got - want);
    if (!ok) {
        print_error("%s[%zu]: got %.17g, want %.17g\n", what, i, got, want);
        fail();
    }
}

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

static const char *golden_file = "fh_goldens.csv";

static size_t golden(const char *dataset, const char *method, const char *quantity,
                     double *out, size_t max)
{
    char line[256];
    size_t n = 0;
    FILE *fp = open_reference(golden_file);

    assert_non_null(fgets(line, sizeof line, fp));
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
    assert_true(n > 0);
    return n;
}

/* fh_rows.csv: county,fips,respondents,youth_n,youth_total,has_estimate,
 * estimate,se,poverty (state row last, its poverty empty);
 * fh_sample_2025_rows.csv: the same with poverty empty, no state row, and
 * a tenth column officers_total (the frame's: a county whose respondents
 * are all its officers is a census, known and not fitted). */
static const char *rows_file = "fh_rows.csv";

static size_t load_rows(struct an_estimate_row *rows, double *poverty)
{
    char line[512];
    size_t n = 0;
    FILE *fp = open_reference(rows_file);

    assert_non_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp) != NULL) {
        struct an_estimate_row *r = &rows[n];
        char *f[10] = {0};
        char *s = line;
        int has = 0;

        assert_true(n < MAX_ROWS);
        line[strcspn(line, "\r\n")] = '\0';
        for (int k = 0; k < 10 && s != NULL; k++) {
            f[k] = s;
            s = strchr(s, ',');
            if (s != NULL)
                *s++ = '\0';
            else
                assert_true(k >= 7);
        }
        memset(r, 0, sizeof *r);
        r->survey_year = 2025;
        r->measure = AN_MEASURE_CONFIRMED;
        r->level = 0.95;
        snprintf(r->county, sizeof r->county, "%s", f[0]);
        snprintf(r->fips, sizeof r->fips, "%s", f[1]);
        r->respondents = strtol(f[2], NULL, 10);
        r->youth_n = strtol(f[3], NULL, 10);
        r->youth_total = strtol(f[4], NULL, 10);
        has = (int)strtol(f[5], NULL, 10);
        r->has_estimate = has == 1;
        r->estimate = has ? strtod(f[6], NULL) : NAN;
        r->se = has ? strtod(f[7], NULL) : NAN;
        poverty[n] = f[8] != NULL && f[8][0] != '\0' ? strtod(f[8], NULL) : NAN;
        r->officers_total = f[9] != NULL && f[9][0] != '\0' ? strtol(f[9], NULL, 10) : -1;
        n++;
    }
    fclose(fp);
    return n;
}

static void check_rows(const char *dataset, enum an_fh_method method,
                       enum an_sae_transform tr, bool with_poverty)
{
    struct an_estimate_row rows[MAX_ROWS];
    struct an_sae_row out[MAX_ROWS];
    struct an_sae_summary sum;
    struct prev_error err = {0};
    double poverty[MAX_ROWS], want[MAX_ROWS];
    const char *names[] = {"poverty"};
    struct an_sae_covariates cov = {1, names, poverty};
    struct an_sae_options opt = {method, tr, 0.95};
    const char *mname = an_fh_method_name(method);
    size_t n = load_rows(rows, poverty), nc = n;
    double gvf[MAX_ROWS];
    static const char *const cols[] = {"sae_estimate", "sae_mse", "sae_ci_low",
                                       "sae_ci_high", "sae_weight", "sae_variance"};

    max_abs_diff = 0.0;
    if (strcmp(rows[n - 1].fips, AN_STATE_FIPS) == 0)
        nc = n - 1;
    assert_int_equal(an_sae_compute(rows, n, with_poverty ? &cov : NULL, &opt, out, &sum, &err),
                     0);
    assert_int_equal(sum.counties, nc);
    golden(dataset, mname, "sigma2_u", want, 1);
    check_close("sigma2_u", 0, sum.fit.sigma2_u, want[0]);
    golden(dataset, mname, "p_bar", want, 1);
    check_close("p_bar", 0, sum.p_bar, want[0]);
    golden(dataset, mname, "deff_bar", want, 1);
    check_close("deff_bar", 0, sum.deff_bar, want[0]);
    golden(dataset, mname, "benchmark_ratio", want, 1);
    assert_true(sum.benchmark_by_population);
    check_close("benchmark_ratio", 0, sum.benchmark_ratio, want[0]);
    for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
        assert_int_equal(golden(dataset, mname, cols[c], want, MAX_ROWS), nc);
        for (size_t i = 0; i < nc; i++) {
            const struct an_sae_row *o = &out[i];
            double got = c == 0   ? o->estimate
                         : c == 1 ? o->mse
                         : c == 2 ? o->ci_low
                         : c == 3 ? o->ci_high
                         : c == 4 ? o->weight
                                  : (o->synthetic ? NAN : o->variance);

            check_close(cols[c], i, got, want[i]);
        }
    }
    if (strcmp(golden_file, "fh_sample_goldens.csv") == 0) {
        assert_int_equal(golden(dataset, mname, "sae_gvf", gvf, MAX_ROWS), nc);
        size_t census = 0;
        for (size_t i = 0; i < nc; i++) {
            bool is_census = rows[i].has_estimate && rows[i].officers_total > 0
                             && rows[i].respondents == rows[i].officers_total;
            census += is_census;
            assert_int_equal(out[i].variance_source,
                             is_census      ? AN_SAE_VAR_CENSUS
                             : gvf[i] == 1.0 ? AN_SAE_VAR_GVF
                                             : AN_SAE_VAR_DIRECT);
            if (is_census) {
                /* Known: the model-based estimate is the direct one. */
                assert_true(out[i].estimate == rows[i].estimate);
                assert_true(out[i].ci_low == out[i].ci_high && out[i].mse == 0.0);
            }
        }
        assert_int_equal(census, 6);   /* 2025: Apache, Coconino, Gila, Greenlee, La Paz,
                                        * Santa Cruz */
    }
    /* The state row is not modelled. */
    if (nc < n) {
        assert_false(out[nc].has_sae);
        assert_int_equal(out[nc].flag, AN_FLAG_SUPPRESS);
    }
    print_message("%s/%s: sigma2_u %.10g, max |C - R| = %.3g\n", dataset, mname,
                  sum.fit.sigma2_u, max_abs_diff);
    an_sae_summary_free(&sum);
}

static void use_files(const char *rows, const char *goldens)
{
    rows_file = rows;
    golden_file = goldens;
}

/* The sample data (sample-data/2025, confirmed): direct estimates from R's
 * survey package; six census counties kept as known, four of the nine
 * fitted ones on the GVF variance. */
static void test_sae_sample_data_matches_r_reml(void **state)
{
    (void)state;
    use_files("fh_sample_2025_rows.csv", "fh_sample_goldens.csv");
    check_rows("sample_2025_none", AN_FH_REML, AN_SAE_TRANSFORM_NONE, false);
    use_files("fh_rows.csv", "fh_goldens.csv");
}

static void test_sae_sample_data_matches_r_ml(void **state)
{
    (void)state;
    use_files("fh_sample_2025_rows.csv", "fh_sample_goldens.csv");
    check_rows("sample_2025_none", AN_FH_ML, AN_SAE_TRANSFORM_NONE, false);
    use_files("fh_rows.csv", "fh_goldens.csv");
}

static void test_sae_sample_data_matches_r_arcsine(void **state)
{
    (void)state;
    use_files("fh_sample_2025_rows.csv", "fh_sample_goldens.csv");
    check_rows("sample_2025_arcsine", AN_FH_REML, AN_SAE_TRANSFORM_ARCSINE, false);
    use_files("fh_rows.csv", "fh_goldens.csv");
}

static void test_sae_rows_match_r_intercept_reml(void **state)
{
    (void)state;
    check_rows("rows_none", AN_FH_REML, AN_SAE_TRANSFORM_NONE, false);
}

static void test_sae_rows_match_r_covariate_ml(void **state)
{
    (void)state;
    check_rows("rows_poverty_ml", AN_FH_ML, AN_SAE_TRANSFORM_NONE, true);
}

static void test_sae_rows_match_r_arcsine(void **state)
{
    (void)state;
    check_rows("rows_arcsine", AN_FH_REML, AN_SAE_TRANSFORM_ARCSINE, false);
}

/* Which counties got the smoothed variance, and what the columns say. */
static void test_sae_gvf_and_synthetic_rows(void **state)
{
    struct an_estimate_row rows[MAX_ROWS];
    struct an_sae_row out[MAX_ROWS];
    struct an_sae_summary sum;
    struct prev_error err = {0};
    double poverty[MAX_ROWS];
    struct an_sae_options opt = {AN_FH_REML, AN_SAE_TRANSFORM_NONE, 0.95};
    size_t n = load_rows(rows, poverty);
    (void)state;

    assert_int_equal(an_sae_compute(rows, n, NULL, &opt, out, &sum, &err), 0);
    /* Greenlee: census (se 0); La Paz: 2 respondents; Santa Cruz: p = 0. */
    assert_int_equal(sum.n_gvf, 3);
    assert_int_equal(sum.m, 14);
    for (size_t i = 0; i + 1 < n; i++) {
        bool gvf = strcmp(rows[i].county, "Greenlee") == 0 || strcmp(rows[i].county, "La Paz") == 0
                   || strcmp(rows[i].county, "Santa Cruz") == 0;

        assert_true(out[i].has_sae);
        if (!rows[i].has_estimate)
            continue;
        assert_int_equal(out[i].variance_source, gvf ? AN_SAE_VAR_GVF : AN_SAE_VAR_DIRECT);
        if (gvf)
            check_close("gvf D", i, out[i].variance,
                        sum.p_bar * (1 - sum.p_bar) * sum.deff_bar / (double)rows[i].youth_n);
        else
            check_close("direct D", i, out[i].variance, rows[i].se * rows[i].se);
        /* Shrinkage: gamma in (0, 1), EBLUP between direct and synthetic. */
        assert_true(out[i].weight > 0.0 && out[i].weight < 1.0);
    }
    /* Graham has no respondents: synthetic, weight 0. Its MSE is all
     * between-county variance, so its interval is too wide relative to
     * the estimate and it is suppressed (and marked synthetic). */
    assert_true(out[4].synthetic);
    assert_true(out[4].weight == 0.0);
    check_close("synthetic = beta", 4, out[4].estimate, sum.fit.beta[0]);
    check_close("synthetic mse", 4, out[4].mse, sum.fit.sigma2_u + sum.fit.beta_cov[0]);
    assert_true(isnan(out[4].std_resid));
    assert_true(out[4].ci_high - out[4].ci_low > 1.30 * out[4].estimate);
    assert_int_equal(out[4].flag, AN_FLAG_SUPPRESS);
    assert_string_equal(out[4].reasons,
                        "relative CI width above 130%; synthetic estimate (no respondents)");
    assert_false(an_sae_presentable(&out[4]));
    /* Maricopa: big, precise: nearly its direct estimate, shown. */
    assert_true(out[7].weight > 0.9);
    assert_int_equal(out[7].flag, AN_FLAG_PRESENT);
    assert_true(an_sae_presentable(&out[7]));
    an_sae_summary_free(&sum);
}

static void test_sae_evaluate_suppresses_wide_intervals(void **state)
{
    struct an_sae_row r;
    (void)state;

    memset(&r, 0, sizeof r);
    r.has_sae = true;
    r.estimate = 0.04;
    r.std_resid = 0.5;
    r.ci_low = 0.0;
    r.ci_high = 0.09;   /* width 0.09 > 0.05 and > 1.30 * 0.04 */
    an_sae_evaluate(&r, true);
    assert_int_equal(r.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(r.reasons, "relative CI width above 130%");
    assert_false(an_sae_presentable(&r));

    r.ci_low = 0.03;
    r.ci_high = 0.05;   /* narrow */
    an_sae_evaluate(&r, true);
    assert_int_equal(r.flag, AN_FLAG_PRESENT);
    assert_string_equal(r.reasons, "");
    assert_true(an_sae_presentable(&r));

    an_sae_evaluate(&r, false);
    assert_int_equal(r.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(r.reasons, "model fit did not converge");

    r.std_resid = -3.5;
    an_sae_evaluate(&r, true);
    assert_int_equal(r.flag, AN_FLAG_REVIEW);
    assert_string_equal(r.reasons, "standardized residual above 3");

    r.std_resid = 0.0;
    r.estimate = 0.5;
    r.ci_low = 0.3;
    r.ci_high = 0.65;   /* width 0.35 */
    an_sae_evaluate(&r, true);
    assert_int_equal(r.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(r.reasons, "absolute CI width 0.30 or more");

    r.has_sae = false;
    an_sae_evaluate(&r, true);
    assert_int_equal(r.flag, AN_FLAG_SUPPRESS);
    assert_string_equal(r.reasons, "no model-based estimate");
    assert_false(an_sae_presentable(&r));
}

static void test_sae_rejects_unusable_input(void **state)
{
    struct an_estimate_row rows[MAX_ROWS];
    struct an_sae_row out[MAX_ROWS];
    struct an_sae_summary sum;
    struct prev_error err = {0};
    double poverty[MAX_ROWS];
    const char *names[] = {"constant"};
    struct an_sae_covariates cov = {1, names, poverty};
    struct an_sae_options opt = {AN_FH_REML, AN_SAE_TRANSFORM_NONE, 0.95};
    size_t n = load_rows(rows, poverty);
    (void)state;

    /* A constant covariate duplicates the intercept. */
    for (size_t i = 0; i < n; i++)
        poverty[i] = 0.2;
    assert_int_equal(an_sae_compute(rows, n, &cov, &opt, out, &sum, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "collinear"));
    an_sae_summary_free(&sum);

    /* No cases anywhere: nothing to model. */
    for (size_t i = 0; i < n; i++)
        if (rows[i].has_estimate) {
            rows[i].estimate = 0.0;
            rows[i].se = 0.0;
        }
    assert_int_equal(an_sae_compute(rows, n, NULL, &opt, out, &sum, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "no variation"));

    /* Two counties cannot carry an intercept and a variance. */
    n = load_rows(rows, poverty);
    assert_int_equal(an_sae_compute(rows, 2, NULL, &opt, out, &sum, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "need at least 3"));

    /* Rows of two measures are a caller's bug. */
    rows[3].measure = AN_MEASURE_ANY;
    assert_int_equal(an_sae_compute(rows, n, NULL, &opt, out, &sum, &err), PREV_EX_SOFTWARE);
}

static void test_sae_names_round_trip(void **state)
{
    enum an_sae_transform t = AN_SAE_TRANSFORM_NONE;
    (void)state;

    assert_true(an_sae_transform_parse("arcsine", &t));
    assert_int_equal(t, AN_SAE_TRANSFORM_ARCSINE);
    assert_true(an_sae_transform_parse("none", &t));
    assert_int_equal(t, AN_SAE_TRANSFORM_NONE);
    assert_false(an_sae_transform_parse("logit", &t));
    assert_string_equal(an_sae_transform_name(AN_SAE_TRANSFORM_ARCSINE), "arcsine");
    assert_string_equal(an_sae_variance_source_name(AN_SAE_VAR_GVF), "gvf");
    assert_string_equal(an_sae_variance_source_name(AN_SAE_VAR_DIRECT), "direct");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sae_rows_match_r_intercept_reml),
        cmocka_unit_test(test_sae_sample_data_matches_r_reml),
        cmocka_unit_test(test_sae_sample_data_matches_r_ml),
        cmocka_unit_test(test_sae_sample_data_matches_r_arcsine),
        cmocka_unit_test(test_sae_rows_match_r_covariate_ml),
        cmocka_unit_test(test_sae_rows_match_r_arcsine),
        cmocka_unit_test(test_sae_gvf_and_synthetic_rows),
        cmocka_unit_test(test_sae_evaluate_suppresses_wide_intervals),
        cmocka_unit_test(test_sae_rejects_unusable_input),
        cmocka_unit_test(test_sae_names_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
