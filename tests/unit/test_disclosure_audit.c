/* The disclosure audit's arithmetic (report/disclosure_audit.c) on
 * problems a reader of the 2025 sample report could write down: each test
 * removes one protection and checks that the audit notices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "disclosure_audit.h"

/* The 2025 sample: the hidden counties of the county table, their design
 * weights (officers / respondents), their symbol sets and true counts. */
#define NH 13
static const char *const names[NH] = {"Apache", "Cochise", "Coconino", "Gila", "Graham",
                                      "Greenlee", "La Paz", "Mohave", "Navajo", "Pinal",
                                      "Santa Cruz", "Yavapai", "Yuma"};
static const double w[NH] = {1, 1.5, 1, 1, 2, 1, 1, 2, 1.5, 11.0 / 7, 1, 4.0 / 3, 5.0 / 3};
static const long truth[NH] = {0, 7, 3, 3, 0, 0, 0, 3, 2, 4, 5, 5, 11};
static const long lo[NH] = {0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 0};
static const long hi[NH] = {0, 9, 9, 9, 0, 0, 0, 9, 9, 9, 9, 9, 87};
static const long yuma_allowed[] = {0, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

struct fixture {
    struct rep_audit_var vars[NH];
    struct rep_audit_relation rel[2];
    struct rep_audit_problem p;
};

/* Hidden counts sum to 43 (Arizona's 234 minus the shown 191); the
 * statewide rate bounds their weighted sum within [lo_w, hi_w]. */
static void make(struct fixture *f, double lo_w, double hi_w)
{
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < NH; i++) {
        struct rep_audit_var *x = &f->vars[i];
        snprintf(x->name, sizeof x->name, "county table, %s", names[i]);
        x->truth = truth[i];
        x->lo = lo[i];
        x->hi = hi[i];
        x->prior_hi = 100;
        x->protect = truth[i] >= 1 && truth[i] <= 9;
        snprintf(x->row_channel, sizeof x->row_channel, "its own row");
        f->rel[0].var[i] = f->rel[1].var[i] = i;
        f->rel[0].coef[i] = 1;
        f->rel[1].coef[i] = w[i];
    }
    f->vars[12].allowed = yuma_allowed;
    f->vars[12].nallowed = sizeof yuma_allowed / sizeof yuma_allowed[0];
    snprintf(f->rel[0].channel, sizeof f->rel[0].channel, "the Arizona count");
    f->rel[0].n = NH;
    f->rel[0].lo = f->rel[0].hi = 43;
    snprintf(f->rel[1].channel, sizeof f->rel[1].channel, "the statewide rate");
    f->rel[1].n = NH;
    f->rel[1].lo = lo_w;
    f->rel[1].hi = hi_w;
    f->p = (struct rep_audit_problem){.min_cell = 10, .protection = 3, .nvars = NH, .nrel = 2,
                                      .vars = f->vars, .rel = f->rel};
}

/* The trend chart's Arizona point at full precision (cy="180.04":
 * 6.93806% +- 0.00028 of 4732.49 weighted youth) pins Pinal at 4. */
static void test_audit_statewide_coordinate_pins_pinal(void **state)
{
    static struct fixture f;
    struct rep_audit_finding r;
    (void)state;
    make(&f, 61.780, 61.806);
    assert_int_equal(rep_audit_run(&f.p, &r), 0);
    assert_false(r.safe);
    assert_string_equal(f.vars[r.var].name, "county table, Pinal");
    assert_int_equal(r.nfound, 1);
    assert_int_equal(r.values[0], 4);
    assert_int_equal(r.rel, 1);
    assert_non_null(strstr(r.channel, "statewide rate"));
}

/* The printed 6.9% (+- 0.05 points) leaves every count several values. */
static void test_audit_printed_rate_keeps_protection(void **state)
{
    static struct fixture f;
    struct rep_audit_finding r;
    (void)state;
    make(&f, 0.0685 * 4732.4915584 - 266.55, 0.0695 * 4732.4915584 - 266.55);
    assert_int_equal(rep_audit_run(&f.p, &r), 0);
    assert_true(r.safe);
}

/* One respondent: "<10" without the zero rule is 1..1; with it, 0..1 is
 * all the denominator allows, which the promise accepts. */
static void test_audit_small_denominator(void **state)
{
    struct rep_audit_var v = {.name = "officer table, Gila", .truth = 1, .lo = 1, .hi = 1,
                              .prior_hi = 1, .protect = true};
    struct rep_audit_problem p = {.min_cell = 10, .protection = 3, .nvars = 1, .vars = &v};
    struct rep_audit_finding r;
    (void)state;
    assert_int_equal(rep_audit_run(&p, &r), 0);
    assert_false(r.safe);
    assert_non_null(strstr(r.channel, "symbol and published denominator"));
    v.lo = 0;
    assert_int_equal(rep_audit_run(&p, &r), 0);
    assert_true(r.safe);
}

/* A row whose flag and reasons, recomputed per count, leave two values. */
static void test_audit_row_cells_narrow(void **state)
{
    static const long allowed[] = {1, 2};
    struct rep_audit_var v = {.name = "county table, Graham", .truth = 1, .lo = 1, .hi = 9,
                              .allowed = allowed, .nallowed = 2, .prior_hi = 15,
                              .row_channel = "its own row", .protect = true};
    struct rep_audit_problem p = {.min_cell = 10, .protection = 3, .nvars = 1, .vars = &v};
    struct rep_audit_finding r;
    long vals[4];
    (void)state;
    assert_int_equal(rep_audit_run(&p, &r), 0);
    assert_false(r.safe);
    assert_string_equal(r.channel, "its own row");
    assert_int_equal(rep_audit_feasible(&p, 0, 0, false, vals, 4), 4);
    p.protection = 2;
    assert_int_equal(rep_audit_run(&p, &r), 0);
    assert_true(r.safe);
}

/* A model that does not hold for the truth is an error, never a pass. */
static void test_audit_rejects_a_wrong_model(void **state)
{
    static struct fixture f;
    struct rep_audit_finding r;
    (void)state;
    make(&f, 70, 71);
    assert_int_equal(rep_audit_run(&f.p, &r), -1);
    f.p.protection = 1;
    assert_int_equal(rep_audit_run(&f.p, &r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_audit_statewide_coordinate_pins_pinal),
        cmocka_unit_test(test_audit_printed_rate_keeps_protection),
        cmocka_unit_test(test_audit_small_denominator),
        cmocka_unit_test(test_audit_row_cells_narrow),
        cmocka_unit_test(test_audit_rejects_a_wrong_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
