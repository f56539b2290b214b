/* Unit tests for analysis/design.c (domains -> rows) and
 * analysis/estimate_output.c (CSV, JSON, tables), without a database: the
 * per-county sums come straight from the golden data sets. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>
#include <jansson.h>

#include "design.h"
#include "estimate_fixture.h"
#include "estimate_output.h"

#define NROWS (EST_NCOUNTIES + 1)

static void assert_close(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s: got %.17g, want %.17g (diff %.3g)\n", what, got, want,
                    fabs(got - want));
        fail();
    }
}

static struct an_estimate_options options(const struct est_dataset *d, enum an_measure m)
{
    return (struct an_estimate_options){
        .survey_year = d->survey_year,
        .measure = m,
        .method = AN_DESIGN_KORN_GRAUBARD,
        .level = 0.95,
        .lonely = AN_LONELY_ADJUST,
        .has_frame = d->has_frame,
        .deff_cap = AN_DEFF_CAP_AFTER_FPC,
    };
}

static const struct an_estimate_row *find(const struct an_estimate_row *rows, const char *name)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strcmp(rows[i].county, name) == 0)
            return &rows[i];
    fail_msg("no row for %s", name);
    return NULL;
}

/* Every county and state row of four data sets, two lonely-PSU rules,
 * three measures and four methods equals R survey's numbers (or, where
 * docs/methods.md says we differ, the documented rule) to 1e-6. */
static void test_estimate_matches_r_goldens(void **state)
{
    static const char *const sets[] = {"estimate_a", "estimate_b", "estimate_c", "estimate_d"};
    static const enum an_lonely_psu rules[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY};
    struct est_golden *g = NULL;
    struct est_compare_stats st = {0};
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct prev_error err;
    size_t ng = 0;

    (void)state;
    assert_int_equal(est_load_goldens(&g, &ng), 0);
    for (size_t s = 0; s < 4; s++) {
        assert_int_equal(est_load_dataset(sets[s], &d), 0);
        for (size_t l = 0; l < 2; l++)
            for (int m = 0; m < AN_MEASURE_N; m++)
                for (int k = 0; k < AN_DESIGN_N_METHODS; k++) {
                    struct an_estimate_options opt = options(&d, (enum an_measure)m);
                    opt.lonely = rules[l];
                    opt.method = (enum an_design_method)k;
                    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
                    est_compare(g, ng, sets[s], &opt, rows, NROWS, 1e-6, &st);
                }
    }
    fprintf(stderr, "goldens: %zu rows (%zu with R's own interval), %zu numbers, max |diff| "
            "%.3g, %zu mismatches\n", st.rows, st.from_r, st.values, st.max_diff, st.mismatches);
    free(g);
    assert_int_equal(st.rows, ng);
    assert_true(st.from_r > ng / 2);
    assert_int_equal(st.mismatches, 0);
}

/* --deff-cap before-fpc: the korn-graubard rows equal R's (the golden
 * columns kg_before_fpc_*: the with-replacement design effect capped at 1,
 * then the fpc from a design without fpc), and differ from after-fpc's
 * where the cap binds in a sampled domain. */
static void test_estimate_deff_cap_before_fpc_matches_r(void **state)
{
    static const char *const sets[] = {"estimate_a", "estimate_b", "estimate_c", "estimate_d"};
    static const enum an_lonely_psu rules[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY};
    struct est_golden *g = NULL;
    struct est_compare_stats st = {0};
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct prev_error err;
    size_t ng = 0, nkg = 0, differ = 0;

    (void)state;
    assert_int_equal(est_load_goldens(&g, &ng), 0);
    for (size_t i = 0; i < ng; i++)
        if (g[i].method == AN_DESIGN_KORN_GRAUBARD) {
            nkg++;
            differ += g[i].kg_before_fpc_low != g[i].ci_low;
        }
    for (size_t s = 0; s < 4; s++) {
        assert_int_equal(est_load_dataset(sets[s], &d), 0);
        for (size_t l = 0; l < 2; l++)
            for (int m = 0; m < AN_MEASURE_N; m++) {
                struct an_estimate_options opt = options(&d, (enum an_measure)m);
                opt.lonely = rules[l];
                opt.deff_cap = AN_DEFF_CAP_BEFORE_FPC;
                assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
                est_compare(g, ng, sets[s], &opt, rows, NROWS, 1e-6, &st);
            }
    }
    fprintf(stderr, "before-fpc goldens: %zu rows (%zu differ from after-fpc), max |diff| "
            "%.3g, %zu mismatches\n", st.rows, differ, st.max_diff, st.mismatches);
    free(g);
    assert_int_equal(st.rows, nkg);
    assert_true(differ > 50);
    assert_int_equal(st.mismatches, 0);
}

/* All 15 counties in fips order, the state last; a county without
 * respondents is there, empty and suppressed, and the state ignores it. */
static void test_estimate_county_without_respondents_listed(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    const struct an_estimate_row *graham;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_a", &d), 0);
    opt = options(&d, AN_MEASURE_CONFIRMED);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    for (size_t i = 0; i < EST_NCOUNTIES; i++)
        assert_string_equal(rows[i].fips, d.c[i].fips);
    assert_string_equal(rows[EST_NCOUNTIES].county, "Arizona");
    assert_string_equal(rows[EST_NCOUNTIES].fips, "04");
    graham = find(rows, "Graham");
    assert_int_equal(graham->respondents, 0);
    assert_false(graham->has_estimate);
    assert_true(isnan(graham->estimate) && isnan(graham->se) && isnan(graham->ci_low));
    assert_int_equal(graham->flag, AN_FLAG_SUPPRESS);
    assert_string_equal(graham->reasons, "no data");
    assert_int_equal(graham->officers_total, d.c[4].officers_total);
    assert_false(graham->has_total);

    /* Dropping a county's responses changes the state only by that county. */
    {
        long n = 0, x = 0;
        for (size_t i = 0; i < EST_NCOUNTIES; i++) {
            n += (long)d.c[i].respondents;
            x += (long)d.c[i].caseload;
        }
        assert_int_equal(rows[EST_NCOUNTIES].respondents, n);
        assert_int_equal(rows[EST_NCOUNTIES].youth_n, x);
        /* df = PSUs - strata with data: Graham is not a stratum */
        assert_close(rows[EST_NCOUNTIES].df, (double)(n - 14), 0, "state df");
    }
}

/* Without a frame: equal weights, so the estimate is the pooled ratio of
 * sums; no fpc; officers_total and the totals are empty. */
static void test_estimate_without_frame(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    double y = 0, x = 0;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_d", &d), 0);
    assert_false(d.has_frame);
    opt = options(&d, AN_MEASURE_ANY);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    for (size_t i = 0; i < EST_NCOUNTIES; i++) {
        y += (double)d.c[i].any;
        x += (double)d.c[i].caseload;
        assert_int_equal(rows[i].officers_total, -1);
        assert_false(rows[i].has_total);
    }
    assert_close(rows[EST_NCOUNTIES].estimate, y / x, 1e-15, "pooled ratio");
    assert_false(rows[EST_NCOUNTIES].has_total);
    assert_true(isnan(rows[EST_NCOUNTIES].total_estimate));
    /* The census county of set c is no census without a frame. */
    assert_true(find(rows, "Navajo")->se > 0);
}

/* A frame that lacks a county with respondents, or counts fewer officers
 * than responded, is a data error (65), not a silent guess. */
static void test_estimate_inconsistent_frame_refused(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_a", &d), 0);
    opt = options(&d, AN_MEASURE_CONFIRMED);
    d.c[0].has_frame = false;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "Apache"));
    d.c[0].has_frame = true;
    d.c[0].officers_total = d.c[0].respondents - 1;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "Apache"));
}

/* Lonely PSU (set a: Santa Cruz, one respondent of several officers). */
static void test_estimate_lonely_psu_rules(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row adj[NROWS], cert[NROWS], rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    const struct an_estimate_row *sc;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_a", &d), 0);
    opt = options(&d, AN_MEASURE_CONFIRMED);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, adj, &err), 0);
    opt.lonely = AN_LONELY_CERTAINTY;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, cert, &err), 0);
    /* its own row: the ratio of one PSU has no variance, df 0 */
    sc = find(adj, "Santa Cruz");
    assert_true(sc->has_estimate);
    assert_true(sc->se == 0.0);
    assert_close(sc->df, 0, 0, "df");
    /* the state: adjust adds the lonely PSU's squared deviation */
    assert_true(adj[EST_NCOUNTIES].se > cert[EST_NCOUNTIES].se);
    assert_close(adj[EST_NCOUNTIES].estimate, cert[EST_NCOUNTIES].estimate, 0, "estimate");
    /* wilson needs t(df = 0): korn-graubard's interval is shown instead
     * (Clopper-Pearson with n), and n_eff is still n */
    opt.lonely = AN_LONELY_ADJUST;
    opt.method = AN_DESIGN_WILSON;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    sc = find(rows, "Santa Cruz");
    assert_true(isfinite(sc->ci_low) && isfinite(sc->ci_high) && sc->ci_low < sc->ci_high);
    assert_close(sc->n_eff, (double)sc->youth_n, 0, "n_eff");
    /* the flag is judged on the 95% Korn-Graubard interval, which exists */
    assert_null(strstr(sc->reasons, "no confidence interval"));
    /* fail: exit 65 naming the county */
    opt.lonely = AN_LONELY_FAIL;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "Santa Cruz"));
    assert_non_null(strstr(err.msg, "lonely PSU"));
}

/* A census county (set a: La Paz) has se 0; NCHS's n_eff = n rule gives
 * it a Clopper-Pearson interval with n = youth_n (R: (0.5, 0.5)). */
/* The NCHS flag is defined on the 95% Korn-Graubard interval: no choice of
 * --method or --level may change a flag or its reasons (issue #14). */
static void test_estimate_flags_ignore_method_and_level(void **state)
{
    static const char *const sets[] = {"estimate_a", "estimate_b", "estimate_c", "estimate_d"};
    static const double levels[] = {0.50, 0.80, 0.90, 0.95, 0.99};
    struct an_estimate_row ref[EST_NCOUNTIES + 1], rows[EST_NCOUNTIES + 1];
    struct est_dataset d;
    struct prev_error err;
    int compared = 0;

    (void)state;
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        assert_int_equal(est_load_dataset(sets[s], &d), 0);
        for (int m = 0; m < AN_MEASURE_N; m++) {
            for (int lonely = AN_LONELY_ADJUST; lonely <= AN_LONELY_CERTAINTY; lonely++) {
                struct an_estimate_options opt = options(&d, (enum an_measure)m);
                opt.lonely = (enum an_lonely_psu)lonely;
                assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, ref, &err), 0);
                for (int meth = 0; meth < AN_DESIGN_N_METHODS; meth++) {
                    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
                        opt.method = (enum an_design_method)meth;
                        opt.level = levels[l];
                        assert_int_equal(
                            an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
                        for (size_t i = 0; i <= EST_NCOUNTIES; i++) {
                            if (rows[i].flag != ref[i].flag
                                || strcmp(rows[i].reasons, ref[i].reasons) != 0)
                                fail_msg("%s %s %s %s level %g: flag %s (%s), "
                                         "korn-graubard 0.95 gives %s (%s)",
                                         sets[s], an_measure_name((enum an_measure)m),
                                         rows[i].county, an_design_method_name(opt.method),
                                         opt.level, an_flag_name(rows[i].flag),
                                         rows[i].reasons, an_flag_name(ref[i].flag),
                                         ref[i].reasons);
                            compared++;
                        }
                    }
                }
            }
        }
    }
    assert_true(compared > 1000);
}

/* Every golden row's flag and reasons equal those of an independent
 * implementation of the NCHS standard written in R from the published
 * rules (tests/reference/make_nchs_flag_goldens.R -> nchs_flag_goldens.csv):
 * every row with the cap after the fpc, and officer_any's rows with its
 * default, the cap before the fpc. */
static void test_estimate_flags_match_reference(void **state)
{
    static const char *const sets[] = {"estimate_a", "estimate_b", "estimate_c", "estimate_d"};
    static const enum an_lonely_psu rules[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY};
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1200], line[1024];
    struct an_estimate_row rows[EST_NCOUNTIES + 1];
    static struct est_dataset d;
    struct prev_error err;
    FILE *fp;
    size_t checked = 0, mismatches = 0, before = 0;

    (void)state;
    snprintf(path, sizeof path, "%s/tests/reference/nchs_flag_goldens.csv", src ? src : ".");
    assert_non_null(fp = fopen(path, "r"));
    while (fgets(line, sizeof line, fp) != NULL) {
        char *f[8];
        size_t nf = 0;
        char *p = line;

        if (line[0] != '"' || strncmp(line, "\"dataset\"", 9) == 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        /* "a","b",...: quoted fields without commas or quotes inside */
        while (nf < 8 && *p == '"') {
            char *end = strchr(p + 1, '"');
            assert_non_null(end);
            *end = '\0';
            f[nf++] = p + 1;
            p = end + 1;
            if (*p == ',')
                p++;
        }
        assert_int_equal(nf, 8);
        for (size_t s = 0; s < 4; s++) {
            if (strcmp(f[0], sets[s]) != 0)
                continue;
            struct an_estimate_options opt;
            enum an_measure m;
            enum an_design_method meth;
            assert_int_equal(est_load_dataset(sets[s], &d), 0);
            assert_true(an_measure_parse(f[2], &m));
            assert_true(an_design_method_parse(f[3], &meth));
            opt = options(&d, m);
            opt.method = meth;
            opt.lonely = strcmp(f[1], "adjust") == 0 ? rules[0] : rules[1];
            assert_true(an_deff_cap_parse(f[5], &opt.deff_cap));
            if (opt.deff_cap == AN_DEFF_CAP_BEFORE_FPC) {
                /* officer_any's default is this rule: the default gives the
                 * same flags. */
                assert_int_equal(an_deff_cap_for(AN_DEFF_CAP_DEFAULT, m), AN_DEFF_CAP_BEFORE_FPC);
                before++;
            }
            assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
            const struct an_estimate_row *r = find(rows, f[4]);
            assert_non_null(r);
            if (strcmp(an_flag_name(r->flag), f[6]) != 0 || strcmp(r->reasons, f[7]) != 0) {
                fprintf(stderr, "%s %s %s %s %s %s: ours %s (%s), reference %s (%s)\n", f[0],
                        f[1], f[2], f[3], f[4], f[5], an_flag_name(r->flag), r->reasons, f[6],
                        f[7]);
                mismatches++;
            }
            checked++;
        }
    }
    fclose(fp);
    fprintf(stderr, "nchs flags: %zu golden rows checked, %zu mismatches\n", checked, mismatches);
    assert_true(checked >= 1368 + 456);
    assert_int_equal(before, 456);
    assert_int_equal(mismatches, 0);
}

static void test_estimate_census_county(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    const struct an_estimate_row *lp;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_a", &d), 0);
    opt = options(&d, AN_MEASURE_CONFIRMED);
    /* A census is never a lonely PSU, not even a census of one: make Santa
     * Cruz (one respondent) one, and --lonely-psu fail has nothing to say. */
    d.c[12].officers_total = 1;
    opt.lonely = AN_LONELY_FAIL;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    lp = find(rows, "La Paz");
    assert_int_equal(lp->respondents, lp->officers_total);
    assert_true(lp->se == 0.0);
    assert_close(lp->n_eff, (double)lp->youth_n, 0, "n_eff");
    /* No sampling error: the interval is the estimate, for every method
     * (as a change between two censuses is exact); the NCHS flag still
     * judges p as a proportion of n (Clopper-Pearson with n). */
    for (int meth = 0; meth < AN_DESIGN_N_METHODS; meth++) {
        opt.method = (enum an_design_method)meth;
        assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
        lp = find(rows, "La Paz");
        assert_close(lp->ci_low, lp->estimate, 0, "census ci_low");
        assert_close(lp->ci_high, lp->estimate, 0, "census ci_high");
    }
    assert_close(lp->deff, 0, 0, "deff");
    assert_true(find(rows, "Santa Cruz")->se == 0.0);
}

/* p = 0 (set c: Apache has no confirmed case) and p = 1: estimate, se 0,
 * deff empty (0/0), flagged for review or worse. */
static void test_estimate_p0_and_p1(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    const struct an_estimate_row *r;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_c", &d), 0);
    opt = options(&d, AN_MEASURE_CONFIRMED);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    r = find(rows, "Apache");
    assert_true(r->has_estimate && r->estimate == 0.0 && r->se == 0.0);
    assert_true(isnan(r->deff));
    assert_close(r->ci_low, 0, 0, "ci_low");
    assert_true(r->ci_high > 0);
    assert_int_not_equal(r->flag, AN_FLAG_PRESENT);
    assert_non_null(strstr(r->reasons, "0 or 100%"));
    assert_close(r->total_estimate, 0, 0, "total");

    /* p = 1: every youth on Apache's caseloads a confirmed victim */
    d.c[0].confirmed = d.c[0].caseload;
    d.c[0].confirmed_sq = d.c[0].caseload_sq;
    d.c[0].confirmed_caseload = d.c[0].caseload_sq;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    r = find(rows, "Apache");
    assert_true(r->estimate == 1.0 && r->se == 0.0);
    assert_close(r->ci_high, 1, 0, "ci_high");
    assert_true(r->ci_low < 1);
}

/* Respondents whose caseloads are all empty: no ratio, row suppressed. */
static void test_estimate_no_youth_on_caseloads(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    struct an_county_sums *c;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_a", &d), 0);
    c = &d.c[4];   /* Graham: nobody responded in set a */
    c->respondents = 2;
    opt = options(&d, AN_MEASURE_CONFIRMED);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    assert_false(rows[4].has_estimate);
    assert_int_equal(rows[4].flag, AN_FLAG_SUPPRESS);
    assert_string_equal(rows[4].reasons, "no youth on caseloads");
    /* officer_any still has two respondents to divide by */
    opt.measure = AN_MEASURE_OFFICER_ANY;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    assert_true(rows[4].has_estimate && rows[4].estimate == 0.0);
}

/* The coverage rule (docs/methods.md, "Coverage of the statewide
 * figures"): Graham sent nothing in set a. The state's total is over the
 * responding counties' youth; coverage_youth is their share of the frame;
 * a --min-coverage above it flags the state suppress, reason first. */
static void test_estimate_coverage_rule(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;
    long youth = 0, covered = 0, officers = 0, officers_cov = 0;
    const struct an_estimate_row *az = &rows[EST_NCOUNTIES];
    char reason[96];

    (void)state;
    assert_int_equal(est_load_dataset("estimate_a", &d), 0);
    for (size_t i = 0; i < EST_NCOUNTIES; i++) {
        youth += d.c[i].youth_total;
        officers += d.c[i].officers_total;
        covered += d.c[i].respondents > 0 ? d.c[i].youth_total : 0;
        officers_cov += d.c[i].respondents > 0 ? d.c[i].officers_total : 0;
    }
    assert_true(covered < youth);
    opt = options(&d, AN_MEASURE_CONFIRMED);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    assert_int_equal(az->youth_total, youth);
    assert_int_equal(az->youth_covered, covered);
    assert_close(az->coverage_youth, (double)covered / (double)youth, 1e-15, "coverage_youth");
    assert_close(az->coverage_officers, (double)officers_cov / (double)officers, 1e-15,
                 "coverage_officers");
    assert_close(az->total_estimate, (double)covered * az->estimate, 1e-9, "state total");
    assert_true(isnan(rows[0].coverage_youth));
    assert_false(az->low_coverage);          /* min_coverage 0: the rule is off */
    assert_int_equal(az->flag, AN_FLAG_PRESENT);

    opt.min_coverage = az->coverage_youth + 0.001;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    assert_true(az->low_coverage);
    assert_int_equal(az->flag, AN_FLAG_SUPPRESS);
    an_coverage_reason(az->coverage_youth, reason, sizeof reason);
    assert_int_equal(strncmp(az->reasons, reason, strlen(reason)), 0);
    assert_non_null(strstr(az->reasons, "responding counties cover only"));
    /* Counties are untouched by the rule. */
    assert_int_equal(rows[0].flag, AN_FLAG_PRESENT);

    opt.min_coverage = az->coverage_youth - 0.001;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    assert_false(az->low_coverage);
    assert_int_equal(az->flag, AN_FLAG_PRESENT);
    /* Rounded down: 79.6% never reads as 80%. */
    an_coverage_reason(0.796, reason, sizeof reason);
    assert_string_equal(reason, "responding counties cover only 79% of youth on probation");
}

/* officer_any: n is respondents and the total counts officers. */
static void test_estimate_officer_any_counts_and_totals(void **state)
{
    static struct est_dataset d;
    struct an_estimate_row rows[NROWS];
    struct an_estimate_options opt;
    struct prev_error err;

    (void)state;
    assert_int_equal(est_load_dataset("estimate_b", &d), 0);
    opt = options(&d, AN_MEASURE_OFFICER_ANY);
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    for (size_t i = 0; i < NROWS; i++) {
        if (!rows[i].has_estimate)
            continue;
        assert_int_equal(rows[i].youth_n, rows[i].respondents);
        /* The state's total is over the responding counties' officers. */
        assert_close(rows[i].total_estimate,
                     (i + 1 == NROWS ? rows[i].officers_covered : rows[i].officers_total)
                         * rows[i].estimate, 1e-9, "officers total");
    }
    opt.measure = AN_MEASURE_CONFIRMED;
    assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows, &err), 0);
    for (size_t i = 0; i < NROWS; i++) {
        if (!rows[i].has_estimate)
            continue;
        assert_close(rows[i].total_estimate,
                     (i + 1 == NROWS ? rows[i].youth_covered : rows[i].youth_total)
                         * rows[i].estimate, 1e-9,
                     "youth total");
        assert_close(rows[i].total_ci_low,
                     (i + 1 == NROWS ? rows[i].youth_covered : rows[i].youth_total)
                         * rows[i].ci_low, 1e-9,
                     "youth total low");
    }
    /* the state's frame totals add the counties' */
    {
        long o = 0, y = 0;
        for (size_t i = 0; i < EST_NCOUNTIES; i++) {
            o += d.c[i].officers_total;
            y += d.c[i].youth_total;
        }
        assert_int_equal(rows[EST_NCOUNTIES].officers_total, o);
        assert_int_equal(rows[EST_NCOUNTIES].youth_total, y);
    }
}

static void test_estimate_names_parse(void **state)
{
    enum an_measure m;
    enum an_lonely_psu l;
    enum rep_format f;

    (void)state;
    assert_true(an_measure_parse("officer_any", &m) && m == AN_MEASURE_OFFICER_ANY);
    assert_false(an_measure_parse("all", &m));
    assert_string_equal(an_measure_name(AN_MEASURE_ANY), "any");
    assert_true(an_lonely_psu_parse("certainty", &l) && l == AN_LONELY_CERTAINTY);
    assert_false(an_lonely_psu_parse("average", &l));
    assert_true(rep_format_parse("md", &f) && f == REP_FORMAT_MD);
    assert_false(rep_format_parse("xlsx", &f));
}

/* Rows of set a, all measures, written by one writer into a string. */
static char *written_set(const char *set, enum rep_format format, size_t *nrows_out);

static char *written(enum rep_format format, size_t *nrows_out)
{
    return written_set("estimate_a", format, nrows_out);
}

static char *written_set(const char *set, enum rep_format format, size_t *nrows_out)
{
    static struct est_dataset d;
    static struct an_estimate_row rows[3 * NROWS];
    struct rep_estimate_meta meta = {0};
    struct prev_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp;

    assert_int_equal(est_load_dataset(set, &d), 0);
    for (int m = 0; m < AN_MEASURE_N; m++) {
        struct an_estimate_options opt = options(&d, (enum an_measure)m);
        assert_int_equal(an_estimate_rows(d.c, EST_NCOUNTIES, &opt, rows + m * NROWS, &err), 0);
    }
    meta.survey_year = d.survey_year;
    meta.has_frame = true;
    meta.nnotes = 1;
    snprintf(meta.notes[0], sizeof meta.notes[0], "a note");
    fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(rep_estimate_write(fp, format, &meta, rows, 3 * NROWS, &err), 0);
    fclose(fp);
    if (nrows_out != NULL)
        *nrows_out = 3 * NROWS;
    return buf;
}

/* CSV: the contract's header, one line per row, numbers that read back
 * to the same double, empty cells for missing numbers. */
static void test_estimate_output_csv(void **state)
{
    size_t nrows;
    char *csv = written(REP_FORMAT_CSV, &nrows), *line, *save = NULL;
    size_t lines = 0;
    bool saw_empty = false, saw_full = false;

    (void)state;
    line = strtok_r(csv, "\n", &save);
    assert_string_equal(line, "survey_year,county,fips,measure,method,level,respondents,"
                              "officers_total,youth_n,cases,estimate,se,ci_low,ci_high,df,"
                              "deff,n_eff,total_estimate,total_ci_low,total_ci_high,flag,"
                              "reasons,coverage_youth,coverage_officers");
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        lines++;
        if (strncmp(line, "2024,Graham,04009,confirmed,korn-graubard,0.95,0,", 49) == 0) {
            assert_non_null(strstr(line, ",0,0,,,,,,,,,,,suppress,no data,,"));
            saw_empty = true;
        }
        if (strncmp(line, "2024,Apache,04001,confirmed,", 28) == 0)
            saw_full = strstr(line, ",0.13761467889908258,") != NULL;
    }
    assert_int_equal(lines, nrows);
    assert_true(saw_empty);
    assert_true(saw_full);
    free(csv);
}

/* JSON: the same keys per row, null for missing, notes and frame flag. */
static void test_estimate_output_json(void **state)
{
    size_t nrows;
    char *text = written(REP_FORMAT_JSON, &nrows);
    json_error_t jerr;
    json_t *doc = json_loads(text, 0, &jerr), *rows, *row;
    size_t i;

    (void)state;
    assert_non_null(doc);
    assert_true(json_is_true(json_object_get(doc, "frame")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "notes"), 0)),
                        "a note");
    rows = json_object_get(doc, "rows");
    assert_int_equal(json_array_size(rows), nrows);
    json_array_foreach(rows, i, row) {
        size_t k = 0;
        const char *key;
        json_t *v;
        json_object_foreach(row, key, v) {
            if (rep_estimate_columns[k] == NULL)
                break;
            assert_string_equal(key, rep_estimate_columns[k]);
            k++;
        }
        assert_null(rep_estimate_columns[k]);
        assert_non_null(json_object_get(row, "coverage_youth"));
        assert_non_null(json_object_get(row, "coverage_officers"));
    }
    row = json_array_get(rows, 4);   /* Graham */
    assert_string_equal(json_string_value(json_object_get(row, "county")), "Graham");
    assert_true(json_is_null(json_object_get(row, "estimate")));
    assert_true(json_is_integer(json_object_get(row, "officers_total")));
    row = json_array_get(rows, 0);
    assert_true(json_real_value(json_object_get(row, "estimate")) == 0.13761467889908258);
    json_decref(doc);
    free(text);
}

/* Tables for people: percent with one decimal, the state, the notes. */
static void test_estimate_output_table_and_markdown(void **state)
{
    char *table = written(REP_FORMAT_TABLE, NULL);
    char *md = written(REP_FORMAT_MD, NULL);

    (void)state;
    assert_non_null(strstr(table, "Survey year 2024: confirmed victims"));
    assert_non_null(strstr(table, "13.8%"));
    assert_non_null(strstr(table, "Arizona"));
    assert_non_null(strstr(table, "Note: a note"));
    assert_null(strstr(table, " \n"));
    assert_non_null(strstr(md, "### Survey year 2024: officers with at least one"));
    assert_non_null(strstr(md, "| Apache | 17 | 327 | 45 | 13.8% |"));
    assert_non_null(strstr(md, "- a note"));
    /* No row under review in this set: no mark, no warning. */
    assert_null(strstr(table, "use with caution"));
    free(table);
    free(md);
}

/* A row flagged for review is shown with a mark on the estimate and the
 * warning before its reasons, in both formats for people (issue #14). */
static void test_estimate_output_review_marked(void **state)
{
    char *table = written_set("estimate_b", REP_FORMAT_TABLE, NULL);
    char *md = written_set("estimate_b", REP_FORMAT_MD, NULL);
    const char *line;

    (void)state;
    line = strstr(table, "\nApache ");
    assert_non_null(line);
    assert_non_null(strstr(line, "0.0%!"));
    assert_non_null(strstr(line, "review    use with caution: degrees of freedom below 8"));
    assert_non_null(strstr(table, "Note: ! use with caution: flagged for statistical review"));
    assert_non_null(strstr(md, "| 0.0%! |"));
    assert_non_null(strstr(md, "| review | use with caution: degrees of freedom below 8"));
    assert_non_null(strstr(md, "- ! use with caution"));
    free(table);
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_matches_r_goldens),
        cmocka_unit_test(test_estimate_deff_cap_before_fpc_matches_r),
        cmocka_unit_test(test_estimate_county_without_respondents_listed),
        cmocka_unit_test(test_estimate_without_frame),
        cmocka_unit_test(test_estimate_inconsistent_frame_refused),
        cmocka_unit_test(test_estimate_lonely_psu_rules),
        cmocka_unit_test(test_estimate_flags_ignore_method_and_level),
        cmocka_unit_test(test_estimate_flags_match_reference),
        cmocka_unit_test(test_estimate_census_county),
        cmocka_unit_test(test_estimate_p0_and_p1),
        cmocka_unit_test(test_estimate_no_youth_on_caseloads),
        cmocka_unit_test(test_estimate_officer_any_counts_and_totals),
        cmocka_unit_test(test_estimate_coverage_rule),
        cmocka_unit_test(test_estimate_names_parse),
        cmocka_unit_test(test_estimate_output_csv),
        cmocka_unit_test(test_estimate_output_json),
        cmocka_unit_test(test_estimate_output_table_and_markdown),
        cmocka_unit_test(test_estimate_output_review_marked),
    };
    /* As main.c does: the interval code checks GSL's return codes. */
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
