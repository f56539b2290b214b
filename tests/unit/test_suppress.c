/* Small-cell protection: the invariant is tested directly. For each
 * protected table an attacker who sees only what is published (shown
 * values and the symbols of hidden cells) tries to recover every hidden
 * count: by subtraction from the state total, from the hidden counties'
 * sum, and from a published rate times its denominator. The attacker is
 * written independently of report/suppress.c: a brute-force search over
 * integer sums instead of interval algebra. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "suppress.h"

#define MAXR 20
#define BOUND 1000         /* above every count and total in these tests */
#define SPAN (MAXR * BOUND)

struct table {
    size_t n;              /* counties; row n is the state */
    struct rep_protect_row row[MAXR];
    struct rep_protect_cells cell[MAXR];
    long min_cell;
};

/* Counties with given cases; totals are cases * factor; the state adds up
 * (cases exactly, totals as given by state_total, or the sum when < 0). */
static void make_table(struct table *t, const long *cases, size_t n, double factor,
                       double state_total, long min_cell)
{
    long sum = 0;
    double tsum = 0;

    memset(t, 0, sizeof *t);
    t->n = n;
    t->min_cell = min_cell;
    for (size_t i = 0; i < n; i++) {
        t->row[i] = (struct rep_protect_row){true, cases[i], true, cases[i] * factor,
                                            AN_FLAG_PRESENT, 0};
        sum += cases[i];
        tsum += cases[i] * factor;
    }
    t->row[n] = (struct rep_protect_row){true, sum, true, state_total < 0 ? tsum : state_total,
                                        AN_FLAG_PRESENT, 0};
}

/* What a reader can tell a hidden cell's value set from its symbol. */
static void allowed_set(enum rep_mark m, long min_cell, bool *ok)
{
    for (long v = 0; v <= BOUND; v++) {
        switch (m) {
        case REP_MARK_SMALL:
            ok[v] = v >= 1 && v < min_cell;
            break;
        case REP_MARK_PROTECT:   /* chosen among counts of min_cell or more */
            ok[v] = v >= min_cell;
            break;
        case REP_MARK_NCHS:      /* never 1..min_cell-1: those read "<10" */
            ok[v] = v == 0 || v >= min_cell;
            break;
        default:                /* not published at all */
            ok[v] = true;
        }
    }
}

/* The state and every county holding a case are hidden: no complement
 * is left to choose. */
static bool all_hidden(const struct table *t)
{
    for (size_t i = 0; i <= t->n; i++)
        if (t->row[i].has_data && t->cell[i].cases == REP_MARK_SHOW &&
            (i == t->n || t->row[i].cases > 0))
            return false;
    return true;
}

/* Every value each hidden cell of one relation (counties add up to the
 * state) can take given the published cells; fails the test when a hidden
 * cell has exactly one possible value, or when the hidden counties' sum
 * is a small count. values[] are the true cell values (cases or rounded
 * totals), known[] whether a cell is published, marks[] the symbols. */
static void attack_relation(const struct table *t, const long *values, const bool *known,
                            const enum rep_mark *marks, long rhs, const char *what)
{
    static bool allowed[MAXR][BOUND + 1];
    static bool reach[2 * SPAN + 2];
    long p = 0;
    size_t rows = t->n + 1;
    bool counties_only = true, any_hidden = false;

    for (size_t i = 0; i < rows; i++) {
        int sign = i < t->n ? 1 : -1;
        if (known[i]) {
            p += sign * values[i];
        } else {
            allowed_set(marks[i], t->min_cell, allowed[i]);
            any_hidden = true;
            if (sign < 0)
                counties_only = false;
        }
    }
    if (!any_hidden)
        return;
    if (counties_only && rhs - p >= 1 && rhs - p < t->min_cell) {
        print_error("%s: the hidden counties add up to %ld, a small count\n", what, rhs - p);
        fail();
    }
    for (size_t i = 0; i < rows; i++) {
        int feasible = 0;
        long found = -1;
        if (known[i] || marks[i] == REP_MARK_NA)
            continue;
        /* Sums reachable by the other hidden cells: sum of sign_j * x_j,
         * kept as a boolean array over [-span, span]; each allowed run of
         * values is added with a difference array. */
        long span = 0;
        memset(reach, 0, sizeof reach);
        reach[SPAN] = true;
        for (size_t j = 0; j < rows; j++) {
            int sign = j < t->n ? 1 : -1;
            static int diff[2 * SPAN + 2];
            if (j == i || known[j])
                continue;
            /* Only the part the sums can reach so far, and one more run. */
            memset(diff + SPAN - span - BOUND, 0, (size_t)(2 * (span + BOUND) + 2) * sizeof diff[0]);
            for (long v = 0; v <= BOUND; v++) {
                long lo, hi;
                if (!allowed[j][v] || (v > 0 && allowed[j][v - 1]))
                    continue;
                lo = v;
                hi = v;
                while (hi < BOUND && allowed[j][hi + 1])
                    hi++;
                for (long s = -span; s <= span; s++) {
                    long a, b;
                    if (!reach[s + SPAN])
                        continue;
                    a = sign > 0 ? s + lo : s - hi;
                    b = sign > 0 ? s + hi : s - lo;
                    diff[a + SPAN]++;
                    diff[b + SPAN + 1]--;
                }
            }
            span += BOUND;
            for (long s = -span, run = 0; s <= span; s++) {
                run += diff[s + SPAN];
                reach[s + SPAN] = run > 0;
            }
        }
        for (long v = 0; v <= BOUND; v++) {
            int sign = i < t->n ? 1 : -1;
            long rest = rhs - p - sign * v;
            if (allowed[i][v] && rest >= -SPAN && rest <= SPAN && reach[rest + SPAN]) {
                feasible++;
                found = v;
            }
        }
        /* A small count never; any other hidden value only when nothing
         * was left to hide (suppress.h). */
        if (feasible == 1 && (rep_is_small(values[i], t->min_cell) || !all_hidden(t))) {
            print_error("%s: row %zu is recovered as %ld (true %ld)\n", what, i, found,
                        values[i]);
            fail();
        }
    }
}

/* The whole attack on one protected table. */
static void attack(const struct table *t)
{
    long values[MAXR] = {0}, rhs_cases = 0, rhs_totals = 0;
    bool known[MAXR] = {false};
    enum rep_mark marks[MAXR] = {REP_MARK_SHOW};
    size_t rows = t->n + 1;

    for (size_t i = 0; i < rows; i++) {
        const struct rep_protect_row *r = &t->row[i];
        const struct rep_protect_cells *c = &t->cell[i];
        /* Read directly: a published count is never small. */
        if (c->cases == REP_MARK_SHOW)
            assert_false(rep_is_small(r->cases, t->min_cell));
        if (c->total == REP_MARK_SHOW)
            assert_false(rep_is_small(rep_round_count(r->total), t->min_cell));
        /* A published rate times its published denominator gives the count
         * (one stratum, equal weights): the rate must go with a small one. */
        if (c->rate == REP_MARK_SHOW) {
            assert_false(rep_is_small(r->cases, t->min_cell));
            assert_false(r->has_total && rep_is_small(rep_round_count(r->total), t->min_cell));
        }
        /* Hidden or shown, the block goes together. */
        assert_int_equal(c->cases == REP_MARK_SHOW, c->rate == REP_MARK_SHOW);
    }
    /* Subtraction, cases: exactly additive. */
    for (size_t i = 0; i < rows; i++) {
        values[i] = t->row[i].has_data ? t->row[i].cases : 0;
        known[i] = t->cell[i].cases == REP_MARK_SHOW || !t->row[i].has_data;
        marks[i] = t->cell[i].cases;
        rhs_cases += (i < t->n ? 1 : -1) * values[i];
    }
    attack_relation(t, values, known, marks, rhs_cases, "cases");
    /* Subtraction, totals: a reader assumes they add up; they nearly do. */
    for (size_t i = 0; i < rows; i++) {
        bool has = t->row[i].has_data && t->row[i].has_total;
        values[i] = has ? rep_round_count(t->row[i].total) : 0;
        known[i] = has && t->cell[i].total == REP_MARK_SHOW;
        marks[i] = has ? t->cell[i].total : REP_MARK_NA;   /* NA: unknown, any value */
        /* The "x" total beside a "<10" count says nothing of its size. */
        if (t->cell[i].cases == REP_MARK_SMALL && marks[i] == REP_MARK_PROTECT)
            marks[i] = REP_MARK_NA;
        rhs_totals += (i < t->n ? 1 : -1) * values[i];
    }
    attack_relation(t, values, known, marks, 0, "totals (additive)");
    attack_relation(t, values, known, marks, rhs_totals, "totals (as published)");
}

static void protect(struct table *t)
{
    assert_int_equal(rep_protect_table(t->row, t->n, t->min_cell, t->cell), 0);
    attack(t);
}

static int count_hidden(const struct table *t)
{
    int n = 0;
    for (size_t i = 0; i <= t->n; i++)
        n += t->cell[i].cases != REP_MARK_SHOW && t->row[i].has_data;
    return n;
}

static void test_protect_nothing_small_publishes_all(void **state)
{
    static const long cases[] = {40, 12, 25, 0, 18};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 3.0, -1, 10);
    protect(&t);
    assert_int_equal(count_hidden(&t), 0);
}

static void test_protect_one_small_county_hides_a_second(void **state)
{
    static const long cases[] = {40, 3, 25, 60, 18};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 3.0, -1, 10);
    protect(&t);
    assert_int_equal(t.cell[1].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[1].hidden, REP_HIDE_SMALL);
    /* Its estimated total (9) reads "x" like any total beside a "<10"
     * count (its symbol would split 1..9); its rate is hidden with it. */
    assert_int_equal(t.cell[1].total, REP_MARK_PROTECT);
    assert_int_equal(t.cell[1].rate, REP_MARK_PROTECT);
    assert_true(count_hidden(&t) >= 2);
    /* The state's figures stay: a county gives way first. */
    assert_int_equal(t.cell[5].cases, REP_MARK_SHOW);
}

static void test_protect_complement_is_large_enough(void **state)
{
    /* Hiding the 10 next to the 1 would give 1 + 10 = 11 published as a
     * difference: the "x" (at least 10) then pins the small cell at 1. */
    static const long cases[] = {1, 10, 30, 55};
    struct table t;
    (void)state;
    make_table(&t, cases, 4, 1.0, -1, 10);
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[1].cases, REP_MARK_SHOW);
    assert_int_equal(t.cell[2].hidden, REP_HIDE_COMPLEMENT);
}

static void test_protect_two_small_counties_with_small_sum(void **state)
{
    /* 2 + 3 = 5: both hidden, but their sum is a small count; a third goes. */
    static const long cases[] = {2, 3, 40, 25, 70};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 2.0, -1, 10);
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[1].cases, REP_MARK_SMALL);
    assert_true(count_hidden(&t) >= 3);
}

static void test_protect_two_small_counties_with_large_sum(void **state)
{
    /* 5 + 6 = 11: each could be anything from 2 to 9; no third is needed. */
    static const long cases[] = {5, 6, 40, 25, 70};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 1.0, -1, 10);
    protect(&t);
    assert_int_equal(count_hidden(&t), 2);
}

static void test_protect_small_state_total(void **state)
{
    static const long cases[] = {0, 3, 0, 4, 0};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 1.5, -1, 10);
    protect(&t);
    assert_int_equal(t.cell[5].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[5].rate, REP_MARK_PROTECT);
    assert_int_equal(t.cell[1].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[3].cases, REP_MARK_SMALL);
    /* Zeros are not small and are still published. */
    assert_int_equal(t.cell[0].cases, REP_MARK_SHOW);
}

static void test_protect_single_small_county_and_zeros(void **state)
{
    /* Only one county has cases: the state equals it. Both hidden. */
    static const long cases[] = {0, 0, 7, 0};
    struct table t;
    (void)state;
    make_table(&t, cases, 4, 1.0, -1, 10);
    protect(&t);
    assert_int_equal(t.cell[2].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[4].cases, REP_MARK_SMALL);
}

static void test_protect_zero_is_no_complement(void **state)
{
    /* A zero next to the hidden 4 would hide nothing: 4 + 0 = 4 is still
     * published as a difference. The complement must hold cases. */
    static const long cases[] = {4, 0, 0, 50, 80};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 1.0, -1, 10);
    protect(&t);
    assert_int_equal(t.cell[1].cases, REP_MARK_SHOW);
    assert_int_equal(t.cell[2].cases, REP_MARK_SHOW);
    assert_int_equal(t.cell[3].hidden, REP_HIDE_COMPLEMENT);
}

static void test_protect_nchs_zero_gets_a_complement(void **state)
{
    /* A county whose rate NCHS suppresses, with no case: alone it would be
     * recovered (as 0) by subtraction; another county is hidden with it. */
    static const long cases[] = {0, 30, 45, 60};
    struct table t;
    (void)state;
    make_table(&t, cases, 4, 1.0, -1, 10);
    t.row[0].flag = AN_FLAG_SUPPRESS;
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_NCHS);
    assert_int_equal(t.cell[0].rate, REP_MARK_NCHS);
    assert_int_equal(count_hidden(&t), 2);
}

static void test_protect_state_nchs_hides_a_county(void **state)
{
    static const long cases[] = {20, 30, 45};
    struct table t;
    (void)state;
    make_table(&t, cases, 3, 1.0, -1, 10);
    t.row[3].flag = AN_FLAG_SUPPRESS;
    protect(&t);
    assert_int_equal(t.cell[3].rate, REP_MARK_NCHS);
    assert_int_equal(t.cell[0].hidden, REP_HIDE_COMPLEMENT);
}

static void test_protect_small_total_large_cases(void **state)
{
    /* A small estimated total hides the block even when cases are not
     * small (a frame with fewer youth than the caseloads). */
    static const long cases[] = {12, 30, 45};
    struct table t;
    (void)state;
    make_table(&t, cases, 3, 1.0, -1, 10);
    t.row[0].total = 6.4;
    t.row[3].total = 6.4 + 75;
    protect(&t);
    assert_int_equal(t.cell[0].total, REP_MARK_SMALL);
    assert_int_equal(t.cell[0].cases, REP_MARK_PROTECT);
}

static void test_protect_non_additive_totals(void **state)
{
    /* The state's ratio estimate of the total need not equal the counties'
     * sum; published - published can then land on a small number. */
    static const long cases[] = {3, 40, 25, 60};
    struct table t;
    (void)state;
    make_table(&t, cases, 4, 2.5, 318.0, 10);
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_SMALL);
}

static void test_protect_no_data_and_no_frame(void **state)
{
    static const long cases[] = {0, 3, 40, 25, 60};
    struct table t;
    (void)state;
    make_table(&t, cases, 5, 2.0, -1, 10);
    t.row[0].has_data = false;
    t.row[0].has_total = false;
    t.row[0].flag = AN_FLAG_SUPPRESS;
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_NA);
    assert_int_equal(t.cell[0].rate, REP_MARK_NA);
    assert_int_equal(t.cell[1].cases, REP_MARK_SMALL);

    make_table(&t, cases, 5, 2.0, -1, 10);
    for (size_t i = 0; i <= t.n; i++)
        t.row[i].has_total = false;
    protect(&t);
    assert_int_equal(t.cell[1].total, REP_MARK_NA);
    assert_true(count_hidden(&t) >= 2);
}

static void test_protect_nothing_left_to_hide(void **state)
{
    /* Every count is small, the state too: a "*" county (0 cases) beside a
     * state total below 200 can only be 0. Nothing is left to hide, and no
     * small count is exposed, so the table stands. */
    static const long cases[] = {0, 150, 30, 4};
    struct table t;
    (void)state;
    make_table(&t, cases, 4, 1.0, -1, 200);
    t.row[0].flag = AN_FLAG_SUPPRESS;
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_NCHS);
    assert_int_equal(t.cell[1].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[4].cases, REP_MARK_SMALL);
}

static void test_protect_min_cell_option(void **state)
{
    static const long cases[] = {12, 14, 40, 25};
    struct table t;
    char buf[16];
    (void)state;
    make_table(&t, cases, 4, 1.0, -1, 20);
    protect(&t);
    assert_int_equal(t.cell[0].cases, REP_MARK_SMALL);
    assert_int_equal(t.cell[1].cases, REP_MARK_SMALL);
    assert_string_equal(rep_mark_symbol(REP_MARK_SMALL, 20, buf, sizeof buf), "<20");
    /* min_cell 1: no count is small; NCHS cells are still protected. */
    make_table(&t, cases, 4, 1.0, -1, 1);
    protect(&t);
    assert_int_equal(count_hidden(&t), 0);
}

static void test_protect_rejects_bad_arguments(void **state)
{
    struct rep_protect_row rows[2] = {{true, 1, false, 0, AN_FLAG_PRESENT, 0},
                                     {true, 1, false, 0, AN_FLAG_PRESENT, 0}};
    struct rep_protect_cells cells[2];
    (void)state;
    assert_int_equal(rep_protect_table(rows, 1, 0, cells), -1);
    rows[0].cases = -1;
    assert_int_equal(rep_protect_table(rows, 1, 10, cells), -1);
}

/* Random tables shaped like the survey: 15 counties, a few large, many
 * small, some without respondents, some NCHS-suppressed; a fixed seed so
 * a failure reproduces. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static void test_protect_random_tables_leak_nothing(void **state)
{
    (void)state;
    for (int trial = 0; trial < 200; trial++) {
        struct table t;
        long cases[15];
        size_t n = 15;
        for (size_t i = 0; i < n; i++) {
            uint32_t r = rng() % 100;
            cases[i] = r < 30 ? 0 : r < 65 ? 1 + (long)(rng() % 9)
                                           : r < 90 ? 10 + (long)(rng() % 15)
                                                    : 25 + (long)(rng() % 10);
        }
        make_table(&t, cases, n, 1.0 + (rng() % 10) / 10.0,
                   rng() % 3 == 0 ? 0 : -1, 10 + (long)(rng() % 3) * 5);
        if (t.row[n].total == 0) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += t.row[i].total;
            t.row[n].total = s * (0.97 + (rng() % 7) / 100.0);
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t r = rng() % 20;
            if (r == 0) {
                t.row[i].has_data = false;
                t.row[n].cases -= t.row[i].cases;
                t.row[i].cases = 0;
            } else if (r < 4) {
                t.row[i].flag = AN_FLAG_SUPPRESS;
            } else if (r < 6) {
                t.row[i].flag = AN_FLAG_REVIEW;
            }
        }
        if (rng() % 10 == 0)
            t.row[n].flag = AN_FLAG_SUPPRESS;
        protect(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protect_nothing_small_publishes_all),
        cmocka_unit_test(test_protect_one_small_county_hides_a_second),
        cmocka_unit_test(test_protect_complement_is_large_enough),
        cmocka_unit_test(test_protect_two_small_counties_with_small_sum),
        cmocka_unit_test(test_protect_two_small_counties_with_large_sum),
        cmocka_unit_test(test_protect_small_state_total),
        cmocka_unit_test(test_protect_single_small_county_and_zeros),
        cmocka_unit_test(test_protect_zero_is_no_complement),
        cmocka_unit_test(test_protect_nchs_zero_gets_a_complement),
        cmocka_unit_test(test_protect_state_nchs_hides_a_county),
        cmocka_unit_test(test_protect_small_total_large_cases),
        cmocka_unit_test(test_protect_non_additive_totals),
        cmocka_unit_test(test_protect_no_data_and_no_frame),
        cmocka_unit_test(test_protect_nothing_left_to_hide),
        cmocka_unit_test(test_protect_min_cell_option),
        cmocka_unit_test(test_protect_rejects_bad_arguments),
        cmocka_unit_test(test_protect_random_tables_leak_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
