/* report/report_trend.c: the report's change column and trend chart on
 * hand-made rows of three survey years. What the page shows of a year is
 * what that year's own published table shows. */
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

#include "report.h"

#define NC 6
#define NY 3

static const char *const names[NC] = {"Apache", "Cochise", "Gila", "Maricopa", "Pima", "Yuma"};
static const char *const fips[NC] = {"04001", "04003", "04007", "04013", "04019", "04027"};

/* One year's row: cases of youth_n, se from a design effect of 1.5, a
 * symmetric interval. */
static void make_row(struct an_estimate_row *r, int year, const char *name, const char *f,
                     long resp, long officers, long youth_total, long youth_n, long cases,
                     enum an_flag flag)
{
    memset(r, 0, sizeof *r);
    r->survey_year = year;
    snprintf(r->county, sizeof r->county, "%s", name);
    snprintf(r->fips, sizeof r->fips, "%s", f);
    r->measure = AN_MEASURE_CONFIRMED;
    r->method = AN_DESIGN_KORN_GRAUBARD;
    r->level = 0.95;
    r->respondents = resp;
    r->officers_total = officers;
    r->youth_total = youth_total;
    r->youth_n = youth_n;
    r->cases = cases;
    r->has_estimate = true;
    r->estimate = (double)cases / (double)youth_n;
    r->se = sqrt(1.5 * r->estimate * (1 - r->estimate) / (double)youth_n);
    r->ci_low = fmax(0, r->estimate - 2 * r->se);
    r->ci_high = fmin(1, r->estimate + 2 * r->se);
    r->df = (double)resp - 1;
    r->deff = 1.5;
    r->n_eff = (double)youth_n / 1.5;
    r->has_total = true;
    r->total_estimate = r->estimate * (double)youth_total;
    r->total_ci_low = r->ci_low * (double)youth_total;
    r->total_ci_high = r->ci_high * (double)youth_total;
    r->flag = flag;
    if (flag == AN_FLAG_SUPPRESS)
        snprintf(r->reasons, sizeof r->reasons, "relative CI width above 130%%");
}

/* Maricopa large and rising, Pima suppressed (NCHS) in 2024, Apache with
 * a small count every year (hidden), the others in between. */
static void make_years(struct an_estimate_row rows[NY][NC + 1])
{
    static const long yn[NC] = {60, 300, 250, 3000, 600, 400};
    static const long cases[NY][NC] = {
        {3, 20, 15, 120, 40, 25}, {2, 22, 16, 150, 41, 24}, {4, 25, 14, 210, 60, 26}};

    for (int y = 0; y < NY; y++) {
        long syn = 0, sc = 0;
        for (int i = 0; i < NC; i++) {
            enum an_flag f = y == 1 && i == 4 ? AN_FLAG_SUPPRESS : AN_FLAG_PRESENT;
            make_row(&rows[y][i], 2023 + y, names[i], fips[i], 20, 30, yn[i] * 3 / 2, yn[i],
                     cases[y][i], f);
            syn += yn[i];
            sc += cases[y][i];
        }
        make_row(&rows[y][NC], 2023 + y, AN_STATE_NAME, AN_STATE_FIPS, 20 * NC, 30 * NC,
                 syn * 3 / 2, syn, sc, AN_FLAG_PRESENT);
    }
}

struct fixture {
    struct an_estimate_row rows[NY][NC + 1];
    struct an_trend_result trend;
    struct rep_report_input in;
    struct rep_pub_table main, officers;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    make_years(f->rows);
    if (an_trend_build(&f->rows[0][0], NY * (NC + 1), 0.95, AN_TREND_ADJUST_NONE,
                       &f->trend) != 0)
        return -1;
    f->in.survey_year = 2025;
    f->in.measure = AN_MEASURE_CONFIRMED;
    f->in.method = AN_DESIGN_KORN_GRAUBARD;
    f->in.level = 0.95;
    f->in.min_cell = 10;
    f->in.has_frame = true;
    f->in.rows = f->rows[NY - 1];
    f->in.officer_rows = f->rows[NY - 1];
    f->in.ncounties = NC;
    f->in.trend = &f->trend;
    if (rep_publish_table(f->in.rows, NC, 10, &f->main) != 0
        || rep_publish_table(f->in.rows, NC, 10, &f->officers) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    an_trend_result_free(&f->trend);
    free(f);
    return 0;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static char *section(const struct fixture *f, const struct rep_report_trend *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    assert_non_null(fp);
    assert_int_equal(rep_write_trend_section(fp, &f->in, t), 0);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static void test_report_trend_years_published_like_their_own_year(void **state)
{
    struct fixture *f = *state;
    struct rep_report_trend t;

    assert_int_equal(rep_report_trend_prepare(&f->in, &t), 0);
    /* This year's table in the trend is the page's own table. */
    for (size_t i = 0; i <= NC; i++)
        assert_int_equal(t.years[NY - 1].row[i].plotted, f->main.row[i].plotted);
    assert_false(t.years[0].row[0].plotted);    /* Apache: a small count */
    assert_false(t.years[1].row[4].plotted);    /* Pima 2024: NCHS suppress */
    assert_true(t.years[1].row[3].plotted);     /* Maricopa */
    rep_report_trend_free(&t);
}

static void test_report_change_cell_only_between_published_years(void **state)
{
    struct fixture *f = *state;
    struct rep_report_trend t;
    char buf[32];
    bool marked;

    assert_int_equal(rep_report_trend_prepare(&f->in, &t), 0);
    /* Maricopa: 5.0% to 7.0%, far beyond its interval: marked rise. */
    rep_report_change_cell(&t, 3, buf, sizeof buf, &marked);
    assert_string_equal(buf, "+2.0 \u25b2");
    assert_true(marked);
    /* Pima: 2024 suppressed, so no change since 2024, though 2025 shows. */
    assert_true(t.years[NY - 1].row[4].plotted);
    rep_report_change_cell(&t, 4, buf, sizeof buf, &marked);
    assert_string_equal(buf, "-");
    assert_false(marked);
    /* Apache: hidden both years. */
    rep_report_change_cell(&t, 0, buf, sizeof buf, &marked);
    assert_string_equal(buf, "-");
    /* Every cell shown has both years published. */
    for (size_t i = 0; i <= NC; i++) {
        rep_report_change_cell(&t, i, buf, sizeof buf, &marked);
        if (strcmp(buf, "-") != 0)
            assert_true(t.years[NY - 1].row[i].plotted && t.years[NY - 2].row[i].plotted);
    }
    /* Yuma: 26/400 after 24/400: small, inside its interval, no mark. */
    rep_report_change_cell(&t, 5, buf, sizeof buf, &marked);
    assert_false(marked);
    assert_null(strstr(buf, "\u25b2"));
    rep_report_trend_free(&t);
}

static void test_report_trend_chart_default_series(void **state)
{
    struct fixture *f = *state;
    struct rep_report_trend t;
    char *svg, path[256];
    const char *pima, *d;

    assert_int_equal(rep_report_trend_prepare(&f->in, &t), 0);
    /* The state, then the largest counties with a published year:
     * Maricopa, Pima, Yuma (Apache is never published). */
    assert_int_equal(t.nseries, 4);
    assert_string_equal(t.fips[0], "04");
    assert_string_equal(t.fips[1], "04013");
    assert_string_equal(t.fips[2], "04019");
    assert_string_equal(t.fips[3], "04027");
    svg = section(f, &t);
    assert_non_null(strstr(svg, "<section id=\"trend\">"));
    assert_non_null(strstr(svg, "Change over time, 2023 to 2025"));
    assert_int_equal(count(svg, "class=\"trend-line\""), 4);
    assert_null(strstr(svg, "data-series=\"Apache\""));
    /* Pima's line breaks at 2024: two subpaths and no segment. */
    assert_non_null(pima = strstr(svg, "data-series=\"Pima\""));
    assert_non_null(d = strstr(strstr(pima, "class=\"trend-line\""), " d=\""));
    d += 4;
    assert_true(strchr(d, '"') - d < (long)sizeof path);
    memcpy(path, d, (size_t)(strchr(d, '"') - d));
    path[strchr(d, '"') - d] = '\0';
    assert_int_equal(count(path, "M"), 2);
    assert_int_equal(count(path, "L"), 0);
    free(svg);
    rep_report_trend_free(&t);
}

static void test_report_trend_chart_chosen_series(void **state)
{
    struct fixture *f = *state;
    struct rep_report_trend t;
    char *svg;

    f->in.ntrend_fips = 2;
    f->in.trend_fips[0] = "04001";
    f->in.trend_fips[1] = "04";
    assert_int_equal(rep_report_trend_prepare(&f->in, &t), 0);
    f->in.ntrend_fips = 0;
    assert_int_equal(t.nseries, 2);
    svg = section(f, &t);
    assert_int_equal(count(svg, "class=\"trend-line\""), 2);
    /* Apache is never published: its line is empty and the legend says so. */
    assert_non_null(strstr(svg, ">Apache<tspan fill=\"#777\"> (not shown)</tspan>"));
    assert_int_equal(count(svg, "class=\"trend-point\""), 3);
    free(svg);
    rep_report_trend_free(&t);
}

static void test_report_page_with_and_without_trend(void **state)
{
    struct fixture *f = *state;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);

    assert_int_equal(rep_write_report_html(fp, &f->in, &f->main, &f->officers), 0);
    assert_int_equal(fclose(fp), 0);
    assert_non_null(strstr(buf, "<th class=\"change\">Change since 2024 (percentage "
                               "points)<sup>t</sup></th>"));
    assert_int_equal(count(buf, "<td class=\"change"), NC + 1);
    assert_non_null(strstr(buf, "<td class=\"change marked\">+2.0 \u25b2</td>"));
    assert_non_null(strstr(buf, "<section id=\"trend\">"));
    /* The change has a table of its own (heading and column); the officer
     * table has none. */
    assert_non_null(strstr(buf, "<table id=\"change-table\">"));
    assert_int_equal(count(buf, "Change since"), 2);
    free(buf);

    f->in.trend = NULL;
    buf = NULL;
    fp = open_memstream(&buf, &len);
    assert_int_equal(rep_write_report_html(fp, &f->in, &f->main, &f->officers), 0);
    assert_int_equal(fclose(fp), 0);
    f->in.trend = &f->trend;
    assert_null(strstr(buf, "Change since"));
    assert_null(strstr(buf, "id=\"trend\""));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_trend_years_published_like_their_own_year),
        cmocka_unit_test(test_report_change_cell_only_between_published_years),
        cmocka_unit_test(test_report_trend_chart_default_series),
        cmocka_unit_test(test_report_trend_chart_chosen_series),
        cmocka_unit_test(test_report_page_with_and_without_trend),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests_name("report trend", tests, setup, teardown);
}
