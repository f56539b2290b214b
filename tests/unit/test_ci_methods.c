/* Unit tests for analysis/ci_methods.c: published values (Newcombe 1998),
 * goldens from independent implementations (tests/reference/), edges and
 * argument checking. */
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

#include "ci_methods.h"
#include "prev_config.h"

/* cmocka 1.1.5 has no assert_double_equal: compare with a tolerance and
 * print both values and what was compared when it fails. */
static void check_close(double got, double want, double tol, const char *what)
{
    if (!(fabs(got - want) <= tol)) {
        print_error("%s: got %.17g, want %.17g (|diff| %.3g > %.3g)\n", what, got, want,
                    fabs(got - want), tol);
        fail();
    }
}

/* ---- Newcombe (1998), Table I: 95% intervals, 4 decimals as published ----- */

struct published {
    long x, n;
    enum an_ci_method m;
    double low, high;
};

/* Method 1 (simple asymptotic = Wald), 3 (score without continuity
 * correction = Wilson) and 5 (exact = Clopper-Pearson). Wald at 1/29 is
 * published as (-0.0320, 0.1009); we clamp the lower limit to 0 (checked in
 * test_ci_counts_newcombe_wald_overshoot). */
static const struct published newcombe[] = {
    {81, 263, AN_CI_WALD, 0.2522, 0.3638},
    {15, 148, AN_CI_WALD, 0.0527, 0.1500},
    {0, 20, AN_CI_WALD, 0.0000, 0.0000},
    {81, 263, AN_CI_WILSON, 0.2553, 0.3662},
    {15, 148, AN_CI_WILSON, 0.0624, 0.1605},
    {0, 20, AN_CI_WILSON, 0.0000, 0.1611},
    {1, 29, AN_CI_WILSON, 0.0061, 0.1718},
    {81, 263, AN_CI_CLOPPER_PEARSON, 0.2527, 0.3676},
    {15, 148, AN_CI_CLOPPER_PEARSON, 0.0578, 0.1617},
    {0, 20, AN_CI_CLOPPER_PEARSON, 0.0000, 0.1684},
    {1, 29, AN_CI_CLOPPER_PEARSON, 0.0009, 0.1776},
};

static void test_ci_counts_newcombe_table1(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof newcombe / sizeof newcombe[0]; i++) {
        const struct published *c = &newcombe[i];
        struct an_interval r;
        char what[96];

        assert_int_equal(an_ci_counts(c->m, c->x, c->n, 0.95, &r), 0);
        assert_true(r.defined);
        /* Rounded to 4 decimals, ours must print as the published value. */
        snprintf(what, sizeof what, "%s %ld/%ld lower", an_ci_method_name(c->m), c->x, c->n);
        check_close(round(r.low * 1e4) / 1e4, c->low, 1e-12, what);
        snprintf(what, sizeof what, "%s %ld/%ld upper", an_ci_method_name(c->m), c->x, c->n);
        check_close(round(r.high * 1e4) / 1e4, c->high, 1e-12, what);
        check_close(r.estimate, (double)c->x / (double)c->n, 0.0, "estimate");
    }
}

static void test_ci_counts_newcombe_wald_overshoot(void **state)
{
    struct an_interval r;

    (void)state;
    assert_int_equal(an_ci_counts(AN_CI_WALD, 1, 29, 0.95, &r), 0);
    check_close(r.low, 0.0, 0.0, "wald 1/29 lower, clamped");
    check_close(round(r.high * 1e4) / 1e4, 0.1009, 1e-12, "wald 1/29 upper");
    assert_string_equal(r.note, "lower limit clamped to 0");

    assert_int_equal(an_ci_counts(AN_CI_WALD, 0, 20, 0.95, &r), 0);
    assert_true(r.defined);
    assert_non_null(strstr(r.note, "degenerate"));
}

/* ---- goldens: tests/reference/ci_goldens.csv, design_ci_goldens.csv ------ */

static FILE *open_reference(const char *name)
{
    const char *dir = getenv("PREVALENCE_SOURCE_DIR");
    char path[4096];
    FILE *fp;

    if (dir == NULL || dir[0] == '\0')
        dir = PREV_SOURCE_DIR;
    snprintf(path, sizeof path, "%s/tests/reference/%s", dir, name);
    if ((fp = fopen(path, "r")) == NULL)
        print_error("cannot open %s\n", path);
    assert_non_null(fp);
    return fp;
}

/* Split a CSV line without quotes into at most max fields, in place. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;

    line[strcspn(line, "\r\n")] = '\0';
    fields[n++] = line;
    for (char *c = line; *c != '\0' && n < max; c++)
        if (*c == ',') {
            *c = '\0';
            fields[n++] = c + 1;
        }
    return n;
}

static double field_double(const char *s, const char *file, int lineno)
{
    char *end = NULL;
    double v = strtod(s, &end);

    if (end == s || *end != '\0') {
        print_error("%s:%d: not a number '%s'\n", file, lineno, s);
        fail();
    }
    return v;
}

static void test_ci_counts_goldens(void **state)
{
    FILE *fp = open_reference("ci_goldens.csv");
    char line[512], *f[8], what[160];
    int lineno = 0, rows = 0;
    double worst = 0.0;

    (void)state;
    while (fgets(line, sizeof line, fp) != NULL) {
        enum an_ci_method m;
        struct an_interval r;
        long x, n;
        double level;

        lineno++;
        if (line[0] == '#' || strncmp(line, "method,", 7) == 0)
            continue;
        assert_int_equal(split_fields(line, f, 8), 7);
        assert_true(an_ci_method_parse(f[0], &m));
        x = (long)field_double(f[1], "ci_goldens.csv", lineno);
        n = (long)field_double(f[2], "ci_goldens.csv", lineno);
        level = field_double(f[3], "ci_goldens.csv", lineno);
        assert_int_equal(an_ci_counts(m, x, n, level, &r), 0);
        snprintf(what, sizeof what, "ci_goldens.csv:%d: %s x=%ld n=%ld level=%g", lineno, f[0], x,
                 n, level);
        if (strcmp(f[4], "0") == 0) {
            if (r.defined) {
                print_error("%s: defined, golden says undefined\n", what);
                fail();
            }
            assert_true(isnan(r.low) && isnan(r.high));
            assert_true(r.note[0] != '\0');
        } else {
            double low = field_double(f[5], "ci_goldens.csv", lineno);
            double high = field_double(f[6], "ci_goldens.csv", lineno);

            if (!r.defined) {
                print_error("%s: undefined (%s), golden has an interval\n", what, r.note);
                fail();
            }
            check_close(r.low, low, 1e-9, what);
            check_close(r.high, high, 1e-9, what);
            worst = fmax(worst, fmax(fabs(r.low - low), fabs(r.high - high)));
        }
        rows++;
    }
    fclose(fp);
    /* The whole grid of make_ci_goldens.py: a truncated file must not pass. */
    assert_int_equal(rows, 2790);
    print_message("ci_goldens.csv: %d rows, largest |diff| %.3g\n", rows, worst);
}

static void test_ci_design_goldens(void **state)
{
    FILE *fp = open_reference("design_ci_goldens.csv");
    char line[512], *f[12], what[200];
    int lineno = 0, rows = 0;
    double worst = 0.0;

    (void)state;
    while (fgets(line, sizeof line, fp) != NULL) {
        enum an_design_method m;
        struct an_design_input in;
        struct an_design_interval r;

        lineno++;
        if (line[0] == '#' || line[0] == '\n' || strncmp(line, "method,", 7) == 0)
            continue;
        assert_int_equal(split_fields(line, f, 12), 10);
        assert_true(an_design_method_parse(f[0], &m));
        in.p = field_double(f[1], "design_ci_goldens.csv", lineno);
        in.se = field_double(f[2], "design_ci_goldens.csv", lineno);
        in.n = field_double(f[3], "design_ci_goldens.csv", lineno);
        in.df = field_double(f[4], "design_ci_goldens.csv", lineno);
        in.level = field_double(f[5], "design_ci_goldens.csv", lineno);
        snprintf(what, sizeof what, "design_ci_goldens.csv:%d: %s p=%g se=%g n=%g df=%g level=%g",
                 lineno, f[0], in.p, in.se, in.n, in.df, in.level);
        if (an_ci_design(m, &in, &r) != 0) {
            print_error("%s: rejected as invalid\n", what);
            fail();
        }
        check_close(r.n_eff, field_double(f[9], "design_ci_goldens.csv", lineno),
                    1e-12 * fmax(1.0, r.n_eff), what);
        if (strcmp(f[6], "0") == 0) {
            if (r.defined) {
                print_error("%s: defined, golden says undefined\n", what);
                fail();
            }
            assert_true(r.note[0] != '\0');
        } else {
            double low = field_double(f[7], "design_ci_goldens.csv", lineno);
            double high = field_double(f[8], "design_ci_goldens.csv", lineno);

            if (!r.defined) {
                print_error("%s: undefined (%s), golden has an interval\n", what, r.note);
                fail();
            }
            check_close(r.low, low, 1e-9, what);
            check_close(r.high, high, 1e-9, what);
            worst = fmax(worst, fmax(fabs(r.low - low), fabs(r.high - high)));
        }
        rows++;
    }
    fclose(fp);
    assert_int_equal(rows, 5376);
    print_message("design_ci_goldens.csv: %d rows, largest |diff| %.3g\n", rows, worst);
}

/* ---- edges ------------------------------------------------------------------ */

static void test_ci_counts_clopper_pearson_edges_closed_form(void **state)
{
    static const long ns[] = {1, 2, 7, 20, 1000, 1000000};
    static const double levels[] = {0.90, 0.95, 0.99};
    struct an_interval r;

    (void)state;
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++)
        for (size_t j = 0; j < sizeof levels / sizeof levels[0]; j++) {
            double a2 = (1.0 - levels[j]) / 2.0, dn = (double)ns[i];

            assert_int_equal(an_ci_counts(AN_CI_CLOPPER_PEARSON, 0, ns[i], levels[j], &r), 0);
            check_close(r.low, 0.0, 0.0, "CP lower at x = 0");
            check_close(r.high, 1.0 - pow(a2, 1.0 / dn), 1e-15, "CP upper at x = 0");
            assert_int_equal(an_ci_counts(AN_CI_CLOPPER_PEARSON, ns[i], ns[i], levels[j], &r), 0);
            check_close(r.low, pow(a2, 1.0 / dn), 1e-15, "CP lower at x = n");
            check_close(r.high, 1.0, 0.0, "CP upper at x = n");
        }
}

static void test_ci_counts_edges_exact_limits(void **state)
{
    struct an_interval r;

    (void)state;
    /* Wilson and Jeffreys reach the edge exactly, never -1e-17. */
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 0, 7, 0.95, &r), 0);
    assert_true(r.low == 0.0 && r.high > 0.0 && r.high < 1.0);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 7, 7, 0.95, &r), 0);
    assert_true(r.high == 1.0 && r.low > 0.0);
    assert_int_equal(an_ci_counts(AN_CI_JEFFREYS, 0, 7, 0.95, &r), 0);
    assert_true(r.low == 0.0);
    assert_string_equal(r.note, "lower limit set to 0 because x = 0");
    assert_int_equal(an_ci_counts(AN_CI_JEFFREYS, 7, 7, 0.95, &r), 0);
    assert_true(r.high == 1.0);
    assert_string_equal(r.note, "upper limit set to 1 because x = n");
    /* Agresti-Coull overshoots at both ends for n = 1 and says so. */
    assert_int_equal(an_ci_counts(AN_CI_AGRESTI_COULL, 1, 1, 0.95, &r), 0);
    assert_true(r.high == 1.0);
    assert_string_equal(r.note, "upper limit clamped to 1");
    assert_int_equal(an_ci_counts(AN_CI_AGRESTI_COULL, 0, 1, 0.95, &r), 0);
    assert_true(r.low == 0.0);
    assert_string_equal(r.note, "lower limit clamped to 0");
}

static void test_ci_counts_logit_undefined_at_edges(void **state)
{
    struct an_interval r;

    (void)state;
    assert_int_equal(an_ci_counts(AN_CI_LOGIT, 0, 50, 0.95, &r), 0);
    assert_false(r.defined);
    assert_true(isnan(r.low) && isnan(r.high));
    check_close(r.estimate, 0.0, 0.0, "logit estimate at x = 0");
    assert_string_equal(r.note, "undefined at x = 0: the logit of 0 is minus infinity");
    assert_int_equal(an_ci_counts(AN_CI_LOGIT, 50, 50, 0.95, &r), 0);
    assert_false(r.defined);
    assert_string_equal(r.note, "undefined at x = n: the logit of 1 is infinite");
    assert_int_equal(an_ci_counts(AN_CI_LOGIT, 1, 50, 0.95, &r), 0);
    assert_true(r.defined);
    assert_string_equal(r.note, "");
}

static void test_ci_counts_wald_degenerate_note(void **state)
{
    struct an_interval r;

    (void)state;
    assert_int_equal(an_ci_counts(AN_CI_WALD, 9, 9, 0.99, &r), 0);
    assert_true(r.defined && r.low == 1.0 && r.high == 1.0);
    assert_string_equal(r.note, "degenerate: zero width because x = n (estimated variance is 0)");
}

static void test_ci_counts_invalid_args(void **state)
{
    struct an_interval r, before;

    (void)state;
    memset(&r, 0x5a, sizeof r);
    before = r;
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 0, 0, 0.95, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, -1, 10, 0.95, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 11, 10, 0.95, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 1, -5, 0.95, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 1, 10, 0.0, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 1, 10, 1.0, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 1, 10, 95.0, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_WILSON, 1, 10, NAN, &r), -1);
    assert_int_equal(an_ci_counts(AN_CI_N_METHODS, 1, 10, 0.95, &r), -1);
    assert_memory_equal(&r, &before, sizeof r);
}

static void test_ci_method_names_round_trip(void **state)
{
    static const char *const count_names[] = {"wilson", "clopper-pearson", "jeffreys",
                                              "agresti-coull", "wald", "logit"};
    static const char *const design_names[] = {"korn-graubard", "wilson", "logit", "wald"};
    enum an_ci_method m;
    enum an_design_method d;

    (void)state;
    for (int i = 0; i < AN_CI_N_METHODS; i++) {
        assert_string_equal(an_ci_method_name((enum an_ci_method)i), count_names[i]);
        assert_true(an_ci_method_parse(count_names[i], &m));
        assert_int_equal(m, i);
    }
    for (int i = 0; i < AN_DESIGN_N_METHODS; i++) {
        assert_string_equal(an_design_method_name((enum an_design_method)i), design_names[i]);
        assert_true(an_design_method_parse(design_names[i], &d));
        assert_int_equal(d, i);
    }
    assert_null(an_ci_method_name(AN_CI_N_METHODS));
    assert_null(an_design_method_name(AN_DESIGN_N_METHODS));
    assert_false(an_ci_method_parse("Wilson", &m));
    assert_false(an_ci_method_parse("beta", &m));
    assert_false(an_ci_method_parse("", &m));
    assert_false(an_ci_method_parse(NULL, &m));
    assert_false(an_design_method_parse("beta", &d));
    assert_false(an_design_method_parse("clopper-pearson", &d));
}

/* ---- design-based: behaviour the grid does not spell out ------------------- */

static void test_ci_design_invalid_args(void **state)
{
    const struct an_design_input ok = {0.2, 0.03, 500, 40, 0.95, AN_DEFF_CAP_AFTER_FPC, 1.0};
    struct an_design_input in;
    struct an_design_interval r, before;

    (void)state;
    memset(&r, 0x5a, sizeof r);
    before = r;
    in = ok, in.p = -0.01;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), -1);
    in = ok, in.p = 1.01;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), -1);
    in = ok, in.p = NAN;
    assert_int_equal(an_ci_design(AN_DESIGN_WALD, &in, &r), -1);
    in = ok, in.se = -1e-9;
    assert_int_equal(an_ci_design(AN_DESIGN_WALD, &in, &r), -1);
    in = ok, in.se = INFINITY;
    assert_int_equal(an_ci_design(AN_DESIGN_WALD, &in, &r), -1);
    in = ok, in.n = 0;
    assert_int_equal(an_ci_design(AN_DESIGN_LOGIT, &in, &r), -1);
    in = ok, in.level = 1.0;
    assert_int_equal(an_ci_design(AN_DESIGN_WILSON, &in, &r), -1);
    in = ok, in.df = 0.5;
    for (int m = 0; m < AN_DESIGN_N_METHODS; m++)
        assert_int_equal(an_ci_design((enum an_design_method)m, &in, &r), -1);
    in = ok, in.df = NAN;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), -1);
    assert_int_equal(an_ci_design(AN_DESIGN_N_METHODS, &ok, &r), -1);
    assert_memory_equal(&r, &before, sizeof r);
}

static void test_ci_design_df_only_when_needed(void **state)
{
    /* One PSU in one stratum has df = 0; at p = 0 Korn-Graubard needs no t
     * quantile and still gives the Clopper-Pearson upper limit with n. */
    const struct an_design_input in = {0.0, 0.0, 40, 0, 0.95, AN_DEFF_CAP_AFTER_FPC, 1.0};
    struct an_design_interval r;

    (void)state;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
    check_close(r.low, 0.0, 0.0, "KG lower at p = 0");
    check_close(r.high, 1.0 - pow(0.025, 1.0 / 40.0), 1e-15, "KG upper at p = 0");
    check_close(r.n_eff, 40.0, 0.0, "n_eff at p = 0");
    assert_string_equal(r.note, "estimate is 0 or 1: Clopper-Pearson limits with n");
    assert_int_equal(an_ci_design(AN_DESIGN_WALD, &in, &r), 0);
    assert_string_equal(r.note, "degenerate: zero width because se = 0");
    assert_int_equal(an_ci_design(AN_DESIGN_LOGIT, &in, &r), 0);
    assert_false(r.defined);
    assert_string_equal(r.note, "undefined at p = 0: the logit of 0 is minus infinity");
    /* Wilson always needs t(df). */
    assert_int_equal(an_ci_design(AN_DESIGN_WILSON, &in, &r), -1);
}

static void test_ci_design_korn_graubard_cap_note(void **state)
{
    /* se below the simple random sampling se: design effect < 1, n_eff > n. */
    const struct an_design_input in = {0.3, 0.01, 1000, 200, 0.95, AN_DEFF_CAP_AFTER_FPC, 1.0};
    struct an_design_interval r;

    (void)state;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
    check_close(r.n_eff, 0.3 * 0.7 / 0.0001, 1e-9, "uncapped n_eff is reported");
    assert_string_equal(r.note, "effective sample size capped at n");
    /* Capped at n, the limits are Clopper-Pearson's for x = 300 of 1000. */
    {
        struct an_interval cp;

        assert_int_equal(an_ci_counts(AN_CI_CLOPPER_PEARSON, 300, 1000, 0.95, &cp), 0);
        check_close(r.low, cp.low, 1e-13, "capped KG lower = CP lower");
        check_close(r.high, cp.high, 1e-13, "capped KG upper = CP upper");
    }
}

static void test_ci_design_korn_graubard_cap_before_fpc(void **state)
{
    /* Half the officers answered (fpc 0.5): se^2 = 0.5 * se_wr^2. The with-
     * replacement design effect is 2 * 0.008^2 / (0.21/1000) = 0.61 < 1, so
     * before-fpc caps the with-replacement n_eff at n = 1000 and then applies
     * the fpc: n_eff_df = 2000, the Clopper-Pearson interval of 600 of 2000.
     * after-fpc caps at n = 1000 and loses the correction. */
    struct an_design_input in = {0.3, 0.008, 1000, 200, 0.95, AN_DEFF_CAP_BEFORE_FPC, 0.5};
    struct an_design_interval r;
    struct an_interval cp;

    (void)state;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
    assert_string_equal(r.note, "effective sample size capped at n / fpc");
    assert_int_equal(an_ci_counts(AN_CI_CLOPPER_PEARSON, 600, 2000, 0.95, &cp), 0);
    check_close(r.low, cp.low, 1e-12, "before-fpc KG lower = CP(600, 2000) lower");
    check_close(r.high, cp.high, 1e-12, "before-fpc KG upper = CP(600, 2000) upper");
    in.deff_cap = AN_DEFF_CAP_AFTER_FPC;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
    assert_string_equal(r.note, "effective sample size capped at n");
    assert_int_equal(an_ci_counts(AN_CI_CLOPPER_PEARSON, 300, 1000, 0.95, &cp), 0);
    check_close(r.low, cp.low, 1e-12, "after-fpc KG lower = CP(300, 1000) lower");
    /* Without an fpc (0 = unset, or 1) the two rules agree. */
    in.deff_cap = AN_DEFF_CAP_BEFORE_FPC;
    in.fpc = 0;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
    check_close(r.low, cp.low, 1e-12, "before-fpc without fpc = after-fpc");
    /* Below the cap nothing changes: a design effect above 1 either way. */
    in.se = 0.05;
    in.fpc = 0.5;
    {
        struct an_design_interval r2;
        assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
        in.deff_cap = AN_DEFF_CAP_AFTER_FPC;
        assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r2), 0);
        check_close(r.low, r2.low, 0.0, "uncapped: same lower");
        check_close(r.high, r2.high, 0.0, "uncapped: same upper");
        assert_string_equal(r.note, "");
    }
}

static void test_ci_design_wald_clamped(void **state)
{
    const struct an_design_input in = {0.02, 0.02, 100, 10, 0.95, AN_DEFF_CAP_AFTER_FPC, 1.0};
    struct an_design_interval r;

    (void)state;
    assert_int_equal(an_ci_design(AN_DESIGN_WALD, &in, &r), 0);
    assert_true(r.low == 0.0);
    assert_string_equal(r.note, "lower limit clamped to 0");
}

static void test_ci_design_large_n_eff_beta_quantiles(void **state)
{
    /* n_eff in the thousands, where gsl_cdf_beta_Pinv returns NaN; the limits
     * must still equal R's qbeta (values from R 4.2.2, computed as in
     * tests/reference/make_design_ci_goldens.R). */
    const struct an_design_input in = {0.5, 0.005, 20000, 50, 0.95, AN_DEFF_CAP_AFTER_FPC, 1.0};
    struct an_design_interval r;

    (void)state;
    assert_int_equal(an_ci_design(AN_DESIGN_KORN_GRAUBARD, &in, &r), 0);
    assert_true(r.defined);
    check_close(r.low, 4.8990660065814196e-01, 1e-12, "KG lower, n_eff 10000");
    check_close(r.high, 5.1009339934185804e-01, 1e-12, "KG upper, n_eff 10000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ci_counts_newcombe_table1),
        cmocka_unit_test(test_ci_counts_newcombe_wald_overshoot),
        cmocka_unit_test(test_ci_counts_goldens),
        cmocka_unit_test(test_ci_counts_clopper_pearson_edges_closed_form),
        cmocka_unit_test(test_ci_counts_edges_exact_limits),
        cmocka_unit_test(test_ci_counts_logit_undefined_at_edges),
        cmocka_unit_test(test_ci_counts_wald_degenerate_note),
        cmocka_unit_test(test_ci_counts_invalid_args),
        cmocka_unit_test(test_ci_method_names_round_trip),
        cmocka_unit_test(test_ci_design_goldens),
        cmocka_unit_test(test_ci_design_invalid_args),
        cmocka_unit_test(test_ci_design_df_only_when_needed),
        cmocka_unit_test(test_ci_design_korn_graubard_cap_note),
        cmocka_unit_test(test_ci_design_korn_graubard_cap_before_fpc),
        cmocka_unit_test(test_ci_design_wald_clamped),
        cmocka_unit_test(test_ci_design_large_n_eff_beta_quantiles),
    };

    gsl_set_error_handler_off();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
