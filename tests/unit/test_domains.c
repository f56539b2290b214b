/* Unit tests for domains (`prevalence estimate --by role`,
 * an_estimate_domain_rows in analysis/design.c) against R survey's
 * subset()/svyby() numbers (tests/reference/domain_goldens.csv, made by
 * make_domain_goldens.R from the sample data), without a database. */
#include <glob.h>
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

#include "design.h"

#define NC 15
#define NROLES 3

static const char *const fips[NC] = {
    "04001", "04003", "04005", "04007", "04009", "04011", "04012", "04013",
    "04015", "04017", "04019", "04021", "04023", "04025", "04027",
};
static const char *const names[NC] = {
    "Apache", "Cochise", "Coconino", "Gila", "Graham", "Greenlee", "La Paz", "Maricopa",
    "Mohave", "Navajo", "Pima", "Pinal", "Santa Cruz", "Yavapai", "Yuma",
};
static const char *const roles[NROLES] = {"probation_officer", "supervisor", "other"};

struct year_data {
    struct an_county_sums whole[NC];
    struct an_county_sums role[NROLES][NC];
};

static int split(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;

    line[strcspn(line, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = p;
        if ((p = strchr(p, ',')) == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

static int index_of(const char *const *list, int n, const char *key)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], key) == 0)
            return i;
    return -1;
}

static void add(struct an_county_sums *s, long x, long c, long a)
{
    s->respondents++;
    s->caseload += x;
    s->caseload_sq += x * x;
    s->confirmed += c;
    s->confirmed_sq += c * c;
    s->confirmed_caseload += c * x;
    s->any += a;
    s->any_sq += a * a;
    s->any_caseload += a * x;
    s->officers_confirmed += c > 0;
}

/* The data of a folder (frame.csv, responses*.csv under the source
 * directory), as the estimate queries would sum it. */
static void load_dir(const char *dir, struct year_data *d)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1200], line[512], *f[16];
    glob_t g;
    FILE *fp;

    memset(d, 0, sizeof *d);
    for (int i = 0; i < NC; i++) {
        struct an_county_sums *all[NROLES + 1] = {&d->whole[i], &d->role[0][i], &d->role[1][i],
                                                  &d->role[2][i]};
        for (int k = 0; k < NROLES + 1; k++) {
            snprintf(all[k]->fips, sizeof all[k]->fips, "%s", fips[i]);
            snprintf(all[k]->name, sizeof all[k]->name, "%s", names[i]);
            all[k]->officers_total = all[k]->youth_total = -1;
        }
    }
    snprintf(path, sizeof path, "%s/%s/frame.csv", src ? src : ".", dir);
    assert_non_null(fp = fopen(path, "r"));
    fgets(line, sizeof line, fp);
    while (fgets(line, sizeof line, fp) != NULL) {
        int i;
        assert_int_equal(split(line, f, 16), 4);
        assert_true((i = index_of(names, NC, f[1])) >= 0);
        d->whole[i].has_frame = true;
        d->whole[i].officers_total = atol(f[2]);
        d->whole[i].youth_total = atol(f[3]);
        for (int k = 0; k < NROLES; k++) {
            d->role[k][i].has_frame = true;
            d->role[k][i].officers_total = d->whole[i].officers_total;
            d->role[k][i].youth_total = d->whole[i].youth_total;
        }
    }
    fclose(fp);
    snprintf(path, sizeof path, "%s/%s/responses*.csv", src ? src : ".", dir);
    assert_int_equal(glob(path, 0, NULL, &g), 0);
    for (size_t j = 0; j < g.gl_pathc; j++) {
        assert_non_null(fp = fopen(g.gl_pathv[j], "r"));
        fgets(line, sizeof line, fp);
        while (fgets(line, sizeof line, fp) != NULL) {
            /* survey_year,county,respondent_id,role,caseload,confirmed,suspected */
            int i, k;
            long x, c, a;
            assert_int_equal(split(line, f, 16), 7);
            assert_true((i = index_of(names, NC, f[1])) >= 0);
            assert_true((k = index_of(roles, NROLES, f[3])) >= 0);
            x = atol(f[4]);
            c = atol(f[5]);
            a = c + atol(f[6]);
            add(&d->whole[i], x, c, a);
            add(&d->role[k][i], x, c, a);
        }
        fclose(fp);
    }
    globfree(&g);
}

/* The sample data of one year. */
static void load_year(int year, struct year_data *d)
{
    char dir[32];

    snprintf(dir, sizeof dir, "sample-data/%d", year);
    load_dir(dir, d);
}

struct golden {
    int year;
    char lonely[16], measure[16], method[16], role[24], county[32], source[24];
    double respondents, n, estimate, se, df, ci_low, ci_high;
    bool used;
};

static double num(const char *s)
{
    return *s == '\0' ? NAN : strtod(s, NULL);
}

static struct golden *load_goldens(size_t *n)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1100], line[1024], *f[20];
    struct golden *g = NULL;
    size_t cap = 0;
    FILE *fp;

    *n = 0;
    snprintf(path, sizeof path, "%s/tests/reference/domain_goldens.csv", src ? src : ".");
    assert_non_null(fp = fopen(path, "r"));
    fgets(line, sizeof line, fp);
    while (fgets(line, sizeof line, fp) != NULL) {
        struct golden *e;
        assert_int_equal(split(line, f, 20), 14);
        if (*n == cap) {
            cap = cap ? 2 * cap : 512;
            assert_non_null(g = realloc(g, cap * sizeof *g));
        }
        e = &g[(*n)++];
        memset(e, 0, sizeof *e);
        e->year = atoi(f[0]);
        snprintf(e->lonely, sizeof e->lonely, "%s", f[1]);
        snprintf(e->measure, sizeof e->measure, "%s", f[2]);
        snprintf(e->method, sizeof e->method, "%s", f[3]);
        snprintf(e->role, sizeof e->role, "%s", f[4]);
        snprintf(e->county, sizeof e->county, "%s", f[5]);
        e->respondents = num(f[6]);
        e->n = num(f[7]);
        e->estimate = num(f[8]);
        e->se = num(f[9]);
        e->df = num(f[10]);
        e->ci_low = num(f[11]);
        e->ci_high = num(f[12]);
        snprintf(e->source, sizeof e->source, "%s", f[13]);
    }
    fclose(fp);
    return g;
}

static size_t mismatches;
static double max_diff;

static void same(const struct golden *e, const char *what, double ours, double want)
{
    double d = fabs(ours - want);

    if (isnan(ours) && isnan(want))
        return;
    if (isnan(ours) != isnan(want) || !(d <= 1e-6)) {
        mismatches++;
        fprintf(stderr, "%d %s %s %s %s %s: %s ours %.17g, R %.17g [%s]\n", e->year, e->lonely,
                e->measure, e->method, e->role, e->county, what, ours, want, e->source);
        return;
    }
    if (d > max_diff)
        max_diff = d;
}

/* Every county x role and state x role domain of the three sample years,
 * both lonely-PSU rules, three measures and four methods equals R's
 * subset()/svyby() numbers and the documented interval rules to 1e-6; a
 * domain R has no estimate for (no respondent of the role, or no youth on
 * their caseloads) is listed empty. */
static void test_domains_match_r_goldens(void **state)
{
    static const enum an_lonely_psu lonely[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY};
    static struct year_data d;
    struct an_estimate_row rows[NC + 1];
    struct prev_error err;
    size_t ng = 0, compared = 0;
    struct golden *g = load_goldens(&ng);

    (void)state;
    for (int year = 2023; year <= 2025; year++) {
        load_year(year, &d);
        for (int l = 0; l < 2; l++)
            for (int m = 0; m < AN_MEASURE_N; m++)
                for (int k = 0; k < AN_DESIGN_N_METHODS; k++)
                    for (int r = 0; r < NROLES; r++) {
                        struct an_estimate_options opt = {
                            .survey_year = year,
                            .measure = (enum an_measure)m,
                            .method = (enum an_design_method)k,
                            .level = 0.95,
                            .lonely = lonely[l],
                            .has_frame = true,
                            .deff_cap = AN_DEFF_CAP_AFTER_FPC,
                        };
                        assert_int_equal(an_estimate_domain_rows(d.whole, d.role[r], NC, &opt,
                                                                 roles[r], rows, &err), 0);
                        for (int i = 0; i < NC + 1; i++) {
                            const struct an_estimate_row *row = &rows[i];
                            struct golden *e = NULL;
                            assert_string_equal(row->domain, roles[r]);
                            for (size_t j = 0; j < ng && e == NULL; j++)
                                if (g[j].year == year
                                    && strcmp(g[j].lonely, an_lonely_psu_name(lonely[l])) == 0
                                    && strcmp(g[j].measure, an_measure_name(opt.measure)) == 0
                                    && strcmp(g[j].method, an_design_method_name(opt.method)) == 0
                                    && strcmp(g[j].role, roles[r]) == 0
                                    && strcmp(g[j].county, row->county) == 0)
                                    e = &g[j];
                            if (e == NULL) {
                                assert_false(row->has_estimate);
                                assert_int_equal(row->flag, AN_FLAG_SUPPRESS);
                                continue;
                            }
                            e->used = true;
                            compared++;
                            same(e, "respondents", (double)row->respondents, e->respondents);
                            same(e, "n", (double)row->youth_n, e->n);
                            same(e, "estimate", row->estimate, e->estimate);
                            same(e, "se", row->se, e->se);
                            same(e, "df", row->df, e->df);
                            same(e, "ci_low", row->ci_low, e->ci_low);
                            same(e, "ci_high", row->ci_high, e->ci_high);
                            /* The frame has no role counts: no totals. */
                            assert_false(row->has_total);
                            assert_int_equal(row->officers_total, -1);
                        }
                    }
    }
    fprintf(stderr, "domain goldens: %zu of %zu rows compared, max |diff| %.3g, %zu "
            "mismatches\n", compared, ng, max_diff, mismatches);
    assert_int_equal(compared, ng);
    assert_int_equal(mismatches, 0);
    free(g);
}

/* A domain is not a stratum: cutting the design to the role's respondents
 * (n_h = the role's count, weight and fpc from it) would give another se.
 * Maricopa's probation officers in 2023 are 56 of 73 respondents. */
static void test_domains_keep_the_design_whole(void **state)
{
    static struct year_data d;
    struct an_estimate_row dom[NC + 1], cut[NC + 1];
    struct an_county_sums as_stratum[NC];
    struct prev_error err;
    struct an_estimate_options opt = {
        .survey_year = 2023, .measure = AN_MEASURE_CONFIRMED,
        .method = AN_DESIGN_KORN_GRAUBARD, .level = 0.95, .lonely = AN_LONELY_ADJUST,
        .has_frame = true, .deff_cap = AN_DEFF_CAP_AFTER_FPC,
    };

    (void)state;
    load_year(2023, &d);
    memcpy(as_stratum, d.role[0], sizeof as_stratum);
    assert_int_equal(an_estimate_domain_rows(d.whole, d.role[0], NC, &opt, "probation_officer",
                                             dom, &err), 0);
    assert_int_equal(an_estimate_rows(as_stratum, NC, &opt, cut, &err), 0);
    assert_int_equal(dom[7].respondents, 56);
    assert_true(fabs(dom[7].estimate - cut[7].estimate) < 1e-15);
    fprintf(stderr, "Maricopa probation officers: se %.6g as a domain, %.6g as a stratum\n", dom[7].se,
            cut[7].se);
    assert_true(fabs(dom[7].se - cut[7].se) > 0.05 * dom[7].se);
    assert_true(dom[7].df == 55);
}

struct cal_golden {
    char data[24], lonely[16], measure[16], role[24], county[32];
    double respondents, n, estimate, se, df;
    bool used;
};

static struct cal_golden *load_cal_goldens(size_t *n)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1100], line[1024], *f[20];
    struct cal_golden *g = NULL;
    size_t cap = 0;
    FILE *fp;

    *n = 0;
    snprintf(path, sizeof path, "%s/tests/reference/calibration_goldens.csv", src ? src : ".");
    assert_non_null(fp = fopen(path, "r"));
    fgets(line, sizeof line, fp);
    while (fgets(line, sizeof line, fp) != NULL) {
        struct cal_golden *e;
        assert_int_equal(split(line, f, 20), 10);
        if (*n == cap) {
            cap = cap ? 2 * cap : 512;
            assert_non_null(g = realloc(g, cap * sizeof *g));
        }
        e = &g[(*n)++];
        memset(e, 0, sizeof *e);
        snprintf(e->data, sizeof e->data, "%s", f[0]);
        snprintf(e->lonely, sizeof e->lonely, "%s", f[1]);
        snprintf(e->measure, sizeof e->measure, "%s", f[2]);
        snprintf(e->role, sizeof e->role, "%s", f[3]);
        snprintf(e->county, sizeof e->county, "%s", f[4]);
        e->respondents = num(f[5]);
        e->n = num(f[6]);
        e->estimate = num(f[7]);
        e->se = num(f[8]);
        e->df = num(f[9]);
    }
    fclose(fp);
    return g;
}

static void cal_same(const struct cal_golden *e, const char *what, double ours, double want)
{
    double d = fabs(ours - want);

    if (!(d <= 1e-6 * fmax(1.0, fabs(want)))) {
        mismatches++;
        fprintf(stderr, "%s %s %s %s %s: %s ours %.17g, R %.17g\n", e->data, e->lonely,
                e->measure, e->role, e->county, what, ours, want);
        return;
    }
    if (d > max_diff)
        max_diff = d;
}

/* --weights calibrated (issue #14, point 5): every county and state row,
 * whole and by role, of the sample years and the golden data sets with a
 * frame, both lonely-PSU rules and the youth measures, equals R's
 * calibrate(~caseload:county - 1, calfun = "linear", variance = caseload)
 * to 1e-6; the county rows are also the design's, and the state's moves. */
static void test_calibration_matches_r_goldens(void **state)
{
    static const char *const sets[][2] = {
        {"sample-2023", "sample-data/2023"}, {"sample-2024", "sample-data/2024"},
        {"sample-2025", "sample-data/2025"}, {"estimate_a", "tests/reference/data/estimate_a"},
        {"estimate_b", "tests/reference/data/estimate_b"},
        {"estimate_c", "tests/reference/data/estimate_c"},
    };
    static const enum an_lonely_psu lonely[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY};
    static const enum an_measure measures[] = {AN_MEASURE_CONFIRMED, AN_MEASURE_ANY};
    static struct year_data d;
    struct an_estimate_row rows[NC + 1], design[NC + 1];
    struct prev_error err;
    size_t ng = 0, compared = 0, state_moved = 0;
    struct cal_golden *g = load_cal_goldens(&ng);

    (void)state;
    mismatches = 0;
    max_diff = 0;
    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        load_dir(sets[s][1], &d);
        for (int l = 0; l < 2; l++)
            for (int m = 0; m < 2; m++)
                for (int r = -1; r < NROLES; r++) {
                    struct an_estimate_options opt = {
                        .survey_year = 2023,
                        .measure = measures[m],
                        .method = AN_DESIGN_KORN_GRAUBARD,
                        .level = 0.95,
                        .lonely = lonely[l],
                        .has_frame = true,
                        .deff_cap = AN_DEFF_CAP_AFTER_FPC,
                        .weights = AN_WEIGHTS_CALIBRATED,
                    };
                    const char *role = r < 0 ? "" : roles[r];
                    if (r < 0)
                        assert_int_equal(an_estimate_rows(d.whole, NC, &opt, rows, &err), 0);
                    else
                        assert_int_equal(an_estimate_domain_rows(d.whole, d.role[r], NC, &opt,
                                                                 role, rows, &err), 0);
                    opt.weights = AN_WEIGHTS_DESIGN;
                    if (r < 0)
                        assert_int_equal(an_estimate_rows(d.whole, NC, &opt, design, &err), 0);
                    else
                        assert_int_equal(an_estimate_domain_rows(d.whole, d.role[r], NC, &opt,
                                                                 role, design, &err), 0);
                    for (int i = 0; i < NC + 1; i++) {
                        const struct an_estimate_row *row = &rows[i];
                        struct cal_golden *e = NULL;
                        for (size_t j = 0; j < ng && e == NULL; j++)
                            if (strcmp(g[j].data, sets[s][0]) == 0
                                && strcmp(g[j].lonely, an_lonely_psu_name(lonely[l])) == 0
                                && strcmp(g[j].measure, an_measure_name(measures[m])) == 0
                                && strcmp(g[j].role, role) == 0
                                && strcmp(g[j].county, row->county) == 0)
                                e = &g[j];
                        if (e == NULL) {
                            assert_false(row->has_estimate);
                            continue;
                        }
                        assert_true(row->has_estimate);
                        e->used = true;
                        compared++;
                        cal_same(e, "respondents", (double)row->respondents, e->respondents);
                        cal_same(e, "n", (double)row->youth_n, e->n);
                        cal_same(e, "estimate", row->estimate, e->estimate);
                        cal_same(e, "se", row->se, e->se);
                        cal_same(e, "df", row->df, e->df);
                        if (i < NC) {
                            assert_true(row->estimate == design[i].estimate);
                            assert_true(row->se == design[i].se);
                        } else if (fabs(row->estimate - design[i].estimate) > 1e-6) {
                            state_moved++;
                        }
                    }
                }
    }
    fprintf(stderr, "calibration goldens: %zu of %zu rows compared, max |diff| %.3g, %zu "
            "mismatches, %zu state rows moved by calibration\n", compared, ng, max_diff,
            mismatches, state_moved);
    assert_int_equal(compared, ng);
    assert_int_equal(mismatches, 0);
    assert_true(state_moved > 0);
    free(g);
}

/* What calibration cannot do is refused, not guessed: officer_any (a share
 * of officers), a year without a frame, a frame with no youth where the
 * respondents have some. A county whose respondents have no youth on their
 * caseloads adds nothing under either weights and is left out. */
static void test_calibration_refusals(void **state)
{
    static struct year_data d;
    struct an_estimate_row rows[NC + 1], design[NC + 1];
    struct prev_error err;
    struct an_estimate_options opt = {
        .survey_year = 2023, .measure = AN_MEASURE_OFFICER_ANY,
        .method = AN_DESIGN_KORN_GRAUBARD, .level = 0.95, .lonely = AN_LONELY_ADJUST,
        .has_frame = true, .deff_cap = AN_DEFF_CAP_AFTER_FPC, .weights = AN_WEIGHTS_CALIBRATED,
    };

    (void)state;
    load_year(2023, &d);
    assert_int_equal(an_estimate_rows(d.whole, NC, &opt, rows, &err), 64);
    opt.measure = AN_MEASURE_CONFIRMED;
    opt.has_frame = false;
    assert_int_equal(an_estimate_rows(d.whole, NC, &opt, rows, &err), 65);
    opt.has_frame = true;
    d.whole[7].youth_total = 0;   /* Maricopa */
    assert_int_equal(an_estimate_rows(d.whole, NC, &opt, rows, &err), 65);
    assert_non_null(strstr(err.msg, "Maricopa"));

    /* Gila's respondents with no youth: the state's estimate and se equal
     * the calibration of the other counties alone (Gila's respondents
     * removed). */
    load_year(2023, &d);
    d.whole[3].caseload = d.whole[3].caseload_sq = 0;
    d.whole[3].confirmed = d.whole[3].confirmed_sq = d.whole[3].confirmed_caseload = 0;
    d.whole[3].any = d.whole[3].any_sq = d.whole[3].any_caseload = 0;
    d.whole[3].officers_confirmed = 0;
    assert_int_equal(an_estimate_rows(d.whole, NC, &opt, rows, &err), 0);
    d.whole[3].respondents = 0;
    assert_int_equal(an_estimate_rows(d.whole, NC, &opt, design, &err), 0);
    assert_true(fabs(rows[NC].estimate - design[NC].estimate) < 1e-15);
    assert_true(fabs(rows[NC].se - design[NC].se) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_domains_match_r_goldens),
        cmocka_unit_test(test_domains_keep_the_design_whole),
        cmocka_unit_test(test_calibration_matches_r_goldens),
        cmocka_unit_test(test_calibration_refusals),
    };
    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
