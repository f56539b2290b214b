/* Integration tests for `prevalence trend` against a real PostgreSQL: each
 * golden data set (three survey years in the codebook layout) is loaded
 * with COPY into a fresh database; the yearly estimates come from the
 * estimate's own query, the changes and slopes from analysis/trend.c, and
 * everything is compared with R survey (tests/reference/trend_goldens.csv). */
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

#include "pg_harness.h"
#include "trend_fixture.h"
#include "trend_query.h"

/* The issue asks for 1e-6 against R; the path through PostgreSQL's
 * sufficient statistics agrees far closer (the largest difference is
 * printed). */
#define TOL 1e-6

static int group_setup(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    return pg_harness_start();
}

static void copy_in(PGconn *conn, const char *path)
{
    char line[512];
    FILE *fp = fopen(path, "r");
    PGresult *res;

    if (fp == NULL)
        fail_msg("cannot open %s", path);
    res = PQexec(conn, "COPY staging FROM STDIN WITH (FORMAT csv, HEADER true)");
    assert_int_equal(PQresultStatus(res), PGRES_COPY_IN);
    PQclear(res);
    while (fgets(line, sizeof line, fp) != NULL)
        assert_int_equal(PQputCopyData(conn, line, (int)strlen(line)), 1);
    fclose(fp);
    assert_int_equal(PQputCopyEnd(conn, NULL), 1);
    res = PQgetResult(conn);
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        print_error("COPY %s: %s\n", path, PQerrorMessage(conn));
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQclear(PQgetResult(conn));
}

/* Every file matching dir/pattern (codebook columns, counties by name) into
 * table, under one new batch. */
static void load_files(PGconn *conn, const char *dir, const char *pattern, const char *kind,
                       const char *table, const char *columns, const char *staging_columns)
{
    static int tag;
    char sql[1200], pat[1200];
    glob_t gl;

    snprintf(pat, sizeof pat, "%s/%s", dir, pattern);
    assert_int_equal(glob(pat, 0, NULL, &gl), 0);
    snprintf(sql, sizeof sql,
             "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) "
             "VALUES ('%s', lpad(to_hex(%d), 64, '0'), 'test.csv', 0, 'test')", kind, ++tag);
    pg_harness_exec_ok(conn, sql);
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE staging (%s)", staging_columns);
    pg_harness_exec_ok(conn, sql);
    for (size_t i = 0; i < gl.gl_pathc; i++)
        copy_in(conn, gl.gl_pathv[i]);
    globfree(&gl);
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (batch_id, fips, %s) "
             "SELECT (SELECT max(batch_id) FROM batches), c.fips, %s FROM staging s "
             "JOIN counties c ON c.name = s.county OR c.fips = s.county",
             table, columns, columns);
    pg_harness_exec_ok(conn, sql);
    pg_harness_exec_ok(conn, "DROP TABLE staging");
}

static void load_dataset(PGconn *conn, const char *dir)
{
    load_files(conn, dir, "*/responses*.csv", "responses", "responses",
               "survey_year, respondent_id, role, caseload, confirmed, suspected",
               "survey_year integer, county text, respondent_id text, role text, "
               "caseload integer, confirmed integer, suspected integer");
    load_files(conn, dir, "*/frame.csv", "frame", "frames",
               "survey_year, officers_total, youth_total",
               "survey_year integer, county text, officers_total integer, youth_total integer");
}

struct stats {
    size_t compared, mismatches;
    double max_diff;        /* over every number */
    double max_diff_d_se;   /* over the differences and their standard errors */
};

static void check(struct stats *st, double got, double want, const char *what,
                  const struct trend_golden *r)
{
    bool same = (isnan(got) && isnan(want))
                || (!isnan(got) && !isnan(want) && fabs(got - want) <= TOL);

    st->compared++;
    if (!isnan(got) && !isnan(want) && fabs(got - want) > st->max_diff)
        st->max_diff = fabs(got - want);
    if (!same) {
        st->mismatches++;
        print_error("%s %s %s %d-%d %s: got %.17g, R %.17g\n", r->dataset, r->measure,
                    r->county, r->from, r->to, what, got, want);
    }
}

static const struct an_trend_series *series_of(const struct an_trend_result *res,
                                               const char *fips)
{
    for (size_t i = 0; i < res->nseries; i++)
        if (strcmp(res->series[i].fips, fips) == 0)
            return &res->series[i];
    fail_msg("no series %s", fips);
    return NULL;
}

static const struct an_trend_change *change_of(const struct an_trend_series *s, int from, int to)
{
    for (size_t j = 0; j < s->nchanges; j++)
        if (s->changes[j].from_year == from && s->changes[j].to_year == to)
            return &s->changes[j];
    fail_msg("%s: no change %d-%d", s->county, from, to);
    return NULL;
}

/* Compare one data set and measure with every golden row of it. */
static void compare(const struct trend_goldens *g, const char *dataset, enum an_measure m,
                    const struct an_trend_result *res, struct stats *st)
{
    size_t rows = 0;

    for (size_t i = 0; i < g->n; i++) {
        const struct trend_golden *r = &g->rows[i];
        const struct an_trend_series *s;

        if (strcmp(r->dataset, dataset) != 0 || strcmp(r->measure, an_measure_name(m)) != 0)
            continue;
        rows++;
        s = series_of(res, r->fips);
        assert_string_equal(s->county, r->county);
        if (strcmp(r->kind, "year") == 0) {
            const struct an_trend_point *pt = NULL;
            for (size_t y = 0; y < res->nyears; y++)
                if (s->points[y].year == r->from)
                    pt = &s->points[y];
            assert_non_null(pt);
            assert_true(pt->has_estimate);
            check(st, pt->p, r->v[TG_EST], "estimate", r);
            check(st, pt->se, r->v[TG_SE], "se", r);
            check(st, pt->df, r->v[TG_DF], "df", r);
            assert_int_equal(pt->census, r->v[TG_CENSUS] == 1.0);
        } else if (strcmp(r->kind, "change") == 0) {
            const struct an_trend_change *c = change_of(s, r->from, r->to);
            check(st, c->difference, r->v[TG_EST], "difference", r);
            check(st, c->se, r->v[TG_SE], "se", r);
            if (c->defined) {
                st->max_diff_d_se = fmax(st->max_diff_d_se, fabs(c->difference - r->v[TG_EST]));
                st->max_diff_d_se = fmax(st->max_diff_d_se, fabs(c->se - r->v[TG_SE]));
            }
            check(st, c->df, r->v[TG_DF], "df", r);
            check(st, c->ci_low, r->v[TG_CI_LOW], "ci_low", r);
            check(st, c->ci_high, r->v[TG_CI_HIGH], "ci_high", r);
            check(st, c->ratio, r->v[TG_RATIO], "ratio", r);
            check(st, c->ratio_ci_low, r->v[TG_RATIO_LOW], "ratio_ci_low", r);
            check(st, c->ratio_ci_high, r->v[TG_RATIO_HIGH], "ratio_ci_high", r);
            check(st, c->p_value, r->v[TG_P], "p_value", r);
            check(st, c->p_adjusted, r->v[TG_P_HOLM], "p_holm", r);
            if (!c->defined) {
                assert_int_equal(c->flag, AN_FLAG_SUPPRESS);
                assert_non_null(strstr(c->reasons, "no data in"));
            }
        } else {
            check(st, s->slope.slope, r->v[TG_EST], "slope", r);
            check(st, s->slope.se, r->v[TG_SE], "slope se", r);
            check(st, s->slope.ci_low, r->v[TG_CI_LOW], "slope ci_low", r);
            check(st, s->slope.ci_high, r->v[TG_CI_HIGH], "slope ci_high", r);
            check(st, s->slope.p_value, r->v[TG_P], "slope p_value", r);
            check(st, s->slope.p_adjusted, r->v[TG_P_HOLM], "slope p_holm", r);
        }
    }
    /* 16 series: 3 or 2 year rows, 3 changes and a slope each. */
    assert_true(rows >= 16 * 6);
}

static void test_trend_db_matches_r_goldens(void **state)
{
    static const char *const sets[][2] = {
        {"three-years", "tests/reference/data/trend/three-years"},
        {"gap", "tests/reference/data/trend/gap"},
        {"sample-data", "sample-data"},
    };
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    struct trend_goldens g;
    struct stats st = {0, 0, 0.0, 0.0};

    (void)state;
    assert_non_null(src);
    assert_int_equal(trend_goldens_load(&g), 0);
    for (size_t d = 0; d < sizeof sets / sizeof sets[0]; d++) {
        char conninfo[1024], dir[1100];
        PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);

        assert_non_null(conn);
        snprintf(dir, sizeof dir, "%s/%s", src, sets[d][1]);
        load_dataset(conn, dir);
        for (int m = 0; m < AN_MEASURE_N; m++) {
            struct an_estimate_options opt = {
                .measure = (enum an_measure)m, .method = AN_DESIGN_KORN_GRAUBARD,
                .level = 0.95, .lonely = AN_LONELY_ADJUST,
            };
            struct an_trend_years years;
            struct an_trend_result res;
            struct prev_error err;

            assert_int_equal(an_trend_query(conn, 2023, 2025, &opt, &years, &err), 0);
            assert_int_equal(years.nyears, 3);
            assert_int_equal(years.nskipped, 0);
            assert_int_equal(an_trend_build(years.rows, years.nrows, 0.95,
                                            AN_TREND_ADJUST_HOLM, &res), 0);
            assert_int_equal(res.nseries, 16);
            compare(&g, sets[d][0], (enum an_measure)m, &res, &st);
            an_trend_result_free(&res);
            an_trend_years_free(&years);
        }
        PQfinish(conn);
    }
    trend_goldens_free(&g);
    fprintf(stderr, "trend goldens via PostgreSQL: %zu numbers, max |C - R| %.3g (differences "
            "and their se: %.3g), %zu mismatches\n", st.compared, st.max_diff, st.max_diff_d_se,
            st.mismatches);
    assert_int_equal(st.mismatches, 0);
}

/* Years in the range without responses are left out and named; a county
 * missing in one year has "no data" there (the gap data set). */
static void test_trend_db_skips_years_without_responses(void **state)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char conninfo[1024], dir[1100];
    PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);
    struct an_estimate_options opt = {
        .measure = AN_MEASURE_CONFIRMED, .method = AN_DESIGN_KORN_GRAUBARD,
        .level = 0.95, .lonely = AN_LONELY_ADJUST,
    };
    struct an_trend_years years;
    struct an_trend_result res;
    struct prev_error err;
    const struct an_trend_series *lapaz;

    (void)state;
    assert_non_null(conn);
    snprintf(dir, sizeof dir, "%s/tests/reference/data/trend/gap", src);
    load_dataset(conn, dir);
    assert_int_equal(an_trend_query(conn, 2021, 2025, &opt, &years, &err), 0);
    assert_int_equal(years.nyears, 3);
    assert_int_equal(years.nskipped, 2);
    assert_int_equal(years.skipped[0], 2021);
    assert_int_equal(years.skipped[1], 2022);
    assert_int_equal(years.nrows, 3 * 16);
    assert_int_equal(an_trend_build(years.rows, years.nrows, 0.95, AN_TREND_ADJUST_NONE, &res),
                     0);
    lapaz = series_of(&res, "04012");
    assert_false(lapaz->points[1].has_estimate);
    assert_false(lapaz->changes[0].defined);
    assert_non_null(strstr(lapaz->changes[0].reasons, "no data in 2024"));
    assert_int_equal(lapaz->changes[0].flag, AN_FLAG_SUPPRESS);
    assert_int_equal(lapaz->changes[1].flag, AN_FLAG_SUPPRESS);
    assert_true(lapaz->changes[2].defined);
    an_trend_result_free(&res);
    an_trend_years_free(&years);

    /* One year only: the query answers, the command refuses (exit 65). */
    assert_int_equal(an_trend_query(conn, 2024, 2024, &opt, &years, &err), 0);
    assert_int_equal(years.nyears, 1);
    an_trend_years_free(&years);
    PQfinish(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trend_db_matches_r_goldens),
        cmocka_unit_test(test_trend_db_skips_years_without_responses),
    };
    return cmocka_run_group_tests_name("trend (PostgreSQL)", tests, group_setup, pg_harness_group_teardown);
}
