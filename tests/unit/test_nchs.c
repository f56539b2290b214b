/* Unit tests for analysis/nchs.c: every branch and every reason string of
 * the NCHS presentation standard (Parker et al. 2017). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "nchs.h"

/* A comfortably presentable estimate; each test changes one thing. */
static struct an_nchs_input good(void)
{
    return (struct an_nchs_input){
        .has_estimate = true, .p = 0.20, .low = 0.17, .high = 0.23,
        .n = 800, .n_eff = 400, .df = 40,
    };
}

static void expect(const struct an_nchs_input *in, enum an_flag flag, const char *reasons)
{
    struct an_nchs_result r;

    an_nchs_evaluate(in, &r);
    if (r.flag != flag || strcmp(r.reasons, reasons) != 0) {
        print_error("got %s \"%s\", want %s \"%s\"\n", an_flag_name(r.flag), r.reasons,
                    an_flag_name(flag), reasons);
        fail();
    }
}

static void test_nchs_present_without_reasons(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    expect(&in, AN_FLAG_PRESENT, "");
}

static void test_nchs_no_data(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    in.has_estimate = false;
    /* Nothing else is judged: the other fields are meaningless then. */
    in.n = 0;
    in.n_eff = NAN;
    in.df = 0;
    expect(&in, AN_FLAG_SUPPRESS, "no data");
}

static void test_nchs_effective_sample_size(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    in.n_eff = 29.9;
    expect(&in, AN_FLAG_SUPPRESS, "effective sample size below 30");
    in.n_eff = 30;
    expect(&in, AN_FLAG_PRESENT, "");
    /* min(n, n_eff): a design effect below 1 does not rescue a small n. */
    in.n = 25;
    in.n_eff = 400;
    expect(&in, AN_FLAG_SUPPRESS, "effective sample size below 30");
    /* An unknown n_eff never passes. */
    in = good();
    in.n_eff = NAN;
    expect(&in, AN_FLAG_SUPPRESS, "effective sample size below 30");
}

static void test_nchs_absolute_width(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    in.p = 0.5;
    in.low = 0.35;
    in.high = 0.65;   /* 0.30000000000000004 */
    expect(&in, AN_FLAG_SUPPRESS, "absolute CI width 0.30 or more");
    in.low = 0.0;
    in.high = 0.30;   /* exactly 0.30: the rule is >= */
    in.p = 0.25;
    expect(&in, AN_FLAG_SUPPRESS, "absolute CI width 0.30 or more");
    in.low = 0.36;
    in.high = 0.64;
    in.p = 0.5;
    expect(&in, AN_FLAG_PRESENT, "");
}

static void test_nchs_relative_width(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    /* width 0.08 > 0.05 and 0.08 / 0.05 = 1.6 > 1.30 */
    in.p = 0.05;
    in.low = 0.02;
    in.high = 0.10;
    expect(&in, AN_FLAG_SUPPRESS, "relative CI width above 130%");
    /* width 0.04 <= 0.05: relative width is not judged (4.0 would fail) */
    in.p = 0.01;
    in.low = 0.001;
    in.high = 0.041;
    expect(&in, AN_FLAG_PRESENT, "");
    /* width 0.10, p 0.08: relative 1.25, shown */
    in.p = 0.08;
    in.low = 0.04;
    in.high = 0.14;
    expect(&in, AN_FLAG_PRESENT, "");
}

static void test_nchs_every_suppression_reason_listed(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    in.p = 0.1;
    in.low = 0.0;
    in.high = 0.45;
    in.n_eff = 12;
    in.df = 3;
    expect(&in, AN_FLAG_SUPPRESS,
           "effective sample size below 30; absolute CI width 0.30 or more; "
           "relative CI width above 130%; degrees of freedom below 8");
}

static void test_nchs_review_degrees_of_freedom(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    in.df = 7;
    expect(&in, AN_FLAG_REVIEW, "degrees of freedom below 8");
    in.df = 8;
    expect(&in, AN_FLAG_PRESENT, "");
    in.df = NAN;
    expect(&in, AN_FLAG_REVIEW, "degrees of freedom below 8");
}

static void test_nchs_review_estimate_zero_or_one(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    in.p = 0.0;
    in.low = 0.0;
    in.high = 0.009;
    expect(&in, AN_FLAG_REVIEW, "estimate is 0 or 100%");
    in.p = 1.0;
    in.low = 0.991;
    in.high = 1.0;
    expect(&in, AN_FLAG_REVIEW, "estimate is 0 or 100%");
    /* p = 0 with an interval wider than 0.05: the standard computes no
     * relative width at p = 0 (0/0), so it is reviewed, not suppressed
     * (the NCHS SAS macro and CDC's surveytable agree). */
    in.p = 0.0;
    in.low = 0.0;
    in.high = 0.09;
    expect(&in, AN_FLAG_REVIEW, "estimate is 0 or 100%");
    /* ... but the absolute width still applies. */
    in.high = 0.31;
    expect(&in, AN_FLAG_SUPPRESS, "absolute CI width 0.30 or more; estimate is 0 or 100%");
    /* p = 1: its complement is 0, whose relative width is not computed. */
    in.p = 1.0;
    in.low = 0.91;
    in.high = 1.0;
    expect(&in, AN_FLAG_REVIEW, "estimate is 0 or 100%");
    in.df = 2;
    in.p = 0.0;
    in.high = 0.009;
    expect(&in, AN_FLAG_REVIEW, "degrees of freedom below 8; estimate is 0 or 100%");
}

static void test_nchs_complement_unreliable(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    /* width 0.06 > 0.05 and 0.06 / (1 - 0.97) = 2 > 1.30; flag unchanged */
    in.p = 0.97;
    in.low = 0.93;
    in.high = 0.99;
    expect(&in, AN_FLAG_PRESENT, "complement unreliable");
    in.df = 5;
    expect(&in, AN_FLAG_REVIEW, "degrees of freedom below 8; complement unreliable");
    /* Not added to a suppressed estimate. */
    in.df = 40;
    in.n_eff = 10;
    expect(&in, AN_FLAG_SUPPRESS, "effective sample size below 30");
    /* width <= 0.05: not judged */
    in = good();
    in.p = 0.99;
    in.low = 0.96;
    in.high = 0.999;
    expect(&in, AN_FLAG_PRESENT, "");
}

static void test_nchs_no_interval_suppressed(void **state)
{
    struct an_nchs_input in = good();

    (void)state;
    /* logit at p = 0 has no interval: never shown unreviewed */
    in.p = 0.0;
    in.low = NAN;
    in.high = NAN;
    expect(&in, AN_FLAG_SUPPRESS, "no confidence interval; estimate is 0 or 100%");
}

static void test_nchs_flag_names(void **state)
{
    (void)state;
    assert_string_equal(an_flag_name(AN_FLAG_PRESENT), "present");
    assert_string_equal(an_flag_name(AN_FLAG_REVIEW), "review");
    assert_string_equal(an_flag_name(AN_FLAG_SUPPRESS), "suppress");
    assert_null(an_flag_name((enum an_flag)7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nchs_present_without_reasons),
        cmocka_unit_test(test_nchs_no_data),
        cmocka_unit_test(test_nchs_effective_sample_size),
        cmocka_unit_test(test_nchs_absolute_width),
        cmocka_unit_test(test_nchs_relative_width),
        cmocka_unit_test(test_nchs_every_suppression_reason_listed),
        cmocka_unit_test(test_nchs_review_degrees_of_freedom),
        cmocka_unit_test(test_nchs_review_estimate_zero_or_one),
        cmocka_unit_test(test_nchs_complement_unreliable),
        cmocka_unit_test(test_nchs_no_interval_suppressed),
        cmocka_unit_test(test_nchs_flag_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
