/* analysis/trend_chart.c: the SVG trend chart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trend_chart.h"

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    const char *p = hay;

    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

/* The d attribute of the n-th (0-based) element starting with `open`,
 * copied into buf. */
static const char *attr_d(const char *svg, const char *open, size_t nth, char *buf, size_t size)
{
    const char *p = svg, *d, *end;
    size_t i;

    for (i = 0; i <= nth; i++) {
        if ((p = strstr(p, open)) == NULL)
            fail_msg("no %zu-th %s", nth, open);
        p += strlen(open);
    }
    if ((d = strstr(p, " d=\"")) == NULL || (end = strchr(d + 4, '"')) == NULL)
        fail_msg("no d attribute after %s", open);
    d += 4;
    if ((size_t)(end - d) >= size)
        fail_msg("d attribute too long");
    memcpy(buf, d, (size_t)(end - d));
    buf[end - d] = '\0';
    return buf;
}

static const struct rep_chart_point pima[3] = {
    {2023, true, 0.030, 0.022, 0.040},
    {2024, true, 0.035, 0.026, 0.046},
    {2025, true, 0.041, 0.031, 0.053},
};

static void test_chart_one_line_per_series(void **state)
{
    const struct rep_chart_point state_pts[3] = {
        {2023, true, 0.031, 0.028, 0.034},
        {2024, true, 0.032, 0.029, 0.035},
        {2025, true, 0.036, 0.033, 0.039},
    };
    const struct rep_chart_series s[3] = {
        {"Arizona", state_pts, 3}, {"Maricopa", pima, 3}, {"Pima", pima, 3},
    };
    const struct rep_chart_options opt = {0, 0, "Confirmed MVST", "% of youth", "note"};
    char *svg = NULL;
    size_t len = 0;
    (void)state;

    assert_int_equal(rep_trend_chart_svg(s, 3, &opt, &svg, &len), 0);
    assert_non_null(svg);
    assert_int_equal(len, strlen(svg));
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    assert_non_null(strstr(svg, "</svg>\n"));
    assert_int_equal(count(svg, "class=\"trend-series\""), 3);
    assert_int_equal(count(svg, "class=\"trend-line\""), 3);
    assert_int_equal(count(svg, "class=\"trend-point\""), 9);
    assert_int_equal(count(svg, "class=\"trend-band\""), 3);
    assert_non_null(strstr(svg, "data-series=\"Arizona\""));
    assert_non_null(strstr(svg, "data-series=\"Pima\""));
    /* Three series, three colours and three line styles (apart in grey
     * print too), the same in the legend. */
    assert_non_null(strstr(svg, "stroke=\"#000000\" stroke-width=\"2\" "
                                "stroke-dasharray=\"none\" d="));
    assert_non_null(strstr(svg, "stroke=\"#E69F00\" stroke-width=\"2\" "
                                "stroke-dasharray=\"8 4\" d="));
    assert_non_null(strstr(svg, "stroke=\"#56B4E9\" stroke-width=\"2\" "
                                "stroke-dasharray=\"2 3\" d="));
    assert_non_null(strstr(svg, "stroke=\"#E69F00\" stroke-width=\"2\" "
                                "stroke-dasharray=\"8 4\"/><text"));
    /* No text smaller than 12 px. */
    for (const char *p = svg; (p = strstr(p, "font-size=\"")) != NULL; p += 11)
        assert_true(atof(p + 11) >= 12.0);
    /* The axis starts at zero. */
    assert_non_null(strstr(svg, ">0%</text>"));
    assert_non_null(strstr(svg, ">2023</text>"));
    assert_non_null(strstr(svg, ">2025</text>"));
    free(svg);
}

static void test_chart_suppressed_year_is_a_gap(void **state)
{
    const struct rep_chart_point pts[4] = {
        {2022, true, 0.030, 0.020, 0.040},
        {2023, false, 0.0, NAN, NAN},       /* suppressed: not drawn, not zero */
        {2024, true, 0.035, 0.025, 0.045},
        {2025, true, 0.040, 0.030, 0.050},
    };
    const struct rep_chart_series s = {"Gila", pts, 4};
    char *svg = NULL, d[512], zero_y[32];
    const char *axis;
    (void)state;

    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), 0);
    attr_d(svg, "<path class=\"trend-line\"", 0, d, sizeof d);
    /* Two subpaths: 2022 alone, then 2024-2025. */
    assert_int_equal(count(d, "M"), 2);
    assert_int_equal(count(d, "L"), 1);
    assert_int_equal(count(svg, "class=\"trend-point\""), 3);
    /* Nothing on the line sits on the zero gridline (the first line of
     * the axes group). */
    assert_non_null(axis = strstr(svg, "<g class=\"trend-axes\""));
    assert_int_equal(sscanf(strstr(axis, "y1=\""), "y1=\"%31[0-9.]", zero_y), 1);
    assert_null(strstr(d, zero_y));
    /* Intervals: 2022 alone as an error bar with two caps (a line, not a
     * shaded band), and one shaded polygon for 2024-2025. */
    assert_int_equal(count(svg, "class=\"trend-band trend-errorbar\" fill=\"none\""), 1);
    attr_d(svg, "<path class=\"trend-band trend-errorbar\"", 0, d, sizeof d);
    assert_int_equal(count(d, "H"), 2);
    assert_int_equal(count(d, "V"), 1);
    assert_int_equal(count(svg, "class=\"trend-band\""), 1);
    attr_d(svg, "<path class=\"trend-band\"", 0, d, sizeof d);
    assert_int_equal(count(d, "L"), 3);
    assert_int_equal(count(d, "Z"), 1);
    free(svg);
}

static void test_chart_no_band_without_interval(void **state)
{
    const struct rep_chart_point pts[3] = {
        {2023, true, 0.030, NAN, NAN},
        {2024, true, 0.035, 0.025, 0.045},
        {2025, true, 0.040, NAN, NAN},
    };
    const struct rep_chart_series s = {"Yuma", pts, 3};
    char *svg = NULL, d[256];
    (void)state;

    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), 0);
    /* 2024's interval alone: an error bar, no shaded band */
    assert_int_equal(count(svg, "class=\"trend-band trend-errorbar\""), 1);
    assert_int_equal(count(svg, "class=\"trend-band\""), 0);
    attr_d(svg, "<path class=\"trend-line\"", 0, d, sizeof d);
    assert_int_equal(count(d, "M"), 1);   /* the line itself is whole */
    assert_int_equal(count(d, "L"), 2);
    free(svg);
}

static void test_chart_series_without_shown_years_still_has_its_line(void **state)
{
    const struct rep_chart_point none[2] = {{2024, false, 0, NAN, NAN}, {2025, false, 0, NAN, NAN}};
    const struct rep_chart_series s[2] = {{"Arizona", pima, 3}, {"Greenlee", none, 2}};
    char *svg = NULL, d[64];
    (void)state;

    assert_int_equal(rep_trend_chart_svg(s, 2, NULL, &svg, NULL), 0);
    assert_int_equal(count(svg, "class=\"trend-line\""), 2);
    assert_string_equal(attr_d(svg, "<path class=\"trend-line\"", 1, d, sizeof d), "");
    assert_non_null(strstr(svg, ">Greenlee<tspan fill=\"#777\"> (not shown)</tspan></text>"));
    assert_null(strstr(svg, ">Arizona<tspan"));
    free(svg);
}

static void test_chart_escapes_names(void **state)
{
    const struct rep_chart_series s = {"A & <B> \"q\"", pima, 3};
    const struct rep_chart_options opt = {800, 400, "x < y & z", NULL, NULL};
    char *svg = NULL;
    (void)state;

    assert_int_equal(rep_trend_chart_svg(&s, 1, &opt, &svg, NULL), 0);
    assert_non_null(strstr(svg, "data-series=\"A &amp; &lt;B&gt; &quot;q&quot;\""));
    assert_non_null(strstr(svg, "<title>x &lt; y &amp; z</title>"));
    assert_null(strstr(svg, "<B>"));
    assert_non_null(strstr(svg, "width=\"800\" height=\"400\""));
    free(svg);
}

static void test_chart_axis_top_is_round_and_covers_bands(void **state)
{
    const struct rep_chart_point pts[3] = {
        {2023, true, 0.02, 0.01, 0.03},
        {2024, true, 0.03, 0.02, 0.047},
        {2025, true, 0.04, 0.03, 0.05},
    };
    const struct rep_chart_series s = {"Pinal", pts, 3};
    char *svg = NULL;
    (void)state;

    /* top 5%: step 1% -> ticks 0..5 */
    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), 0);
    assert_non_null(strstr(svg, ">5%</text>"));
    assert_null(strstr(svg, ">6%</text>"));
    free(svg);
}

static void test_chart_rejects_invalid_input(void **state)
{
    struct rep_chart_point bad[2] = {{2024, true, 0.02, 0.01, 0.03}, {2023, true, 0.02, 0.01, 0.03}};
    struct rep_chart_series s = {"X", bad, 2};
    char *svg = (char *)"untouched";
    (void)state;

    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), -1);   /* years out of order */
    assert_null(svg);
    bad[1].year = 2025;
    bad[1].p = 1.5;
    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), -1);
    bad[1].p = 0.02;
    bad[1].high = -0.1;
    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), -1);
    bad[1].high = 0.03;
    assert_int_equal(rep_trend_chart_svg(NULL, 1, NULL, &svg, NULL), -1);
    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, NULL, NULL), -1);
    assert_int_equal(rep_trend_chart_svg(&s, 1, NULL, &svg, NULL), 0);
    free(svg);
}

static void test_chart_empty_is_valid_svg(void **state)
{
    char *svg = NULL;
    (void)state;

    assert_int_equal(rep_trend_chart_svg(NULL, 0, NULL, &svg, NULL), 0);
    assert_true(strncmp(svg, "<svg ", 5) == 0);
    assert_int_equal(count(svg, "trend-line"), 0);
    free(svg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chart_one_line_per_series),
        cmocka_unit_test(test_chart_suppressed_year_is_a_gap),
        cmocka_unit_test(test_chart_no_band_without_interval),
        cmocka_unit_test(test_chart_series_without_shown_years_still_has_its_line),
        cmocka_unit_test(test_chart_escapes_names),
        cmocka_unit_test(test_chart_axis_top_is_round_and_covers_bands),
        cmocka_unit_test(test_chart_rejects_invalid_input),
        cmocka_unit_test(test_chart_empty_is_valid_svg),
    };
    return cmocka_run_group_tests_name("trend chart", tests, NULL, NULL);
}
