/* Integration tests for `prevalence estimate` against a real PostgreSQL:
 * the golden data sets are loaded with COPY into a fresh database, the one
 * aggregate query runs, and every row is compared with R survey's goldens. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "design.h"
#include "estimate_fixture.h"
#include "estimate_query.h"
#include "pg_harness.h"

#define NROWS (EST_NCOUNTIES + 1)

static int group_setup(void **state)
{
    (void)state;
    gsl_set_error_handler_off();
    return pg_harness_start();
}

static long new_batch(PGconn *conn, const char *kind, int tag)
{
    char sql[400];
    PGresult *res;
    long id;

    snprintf(sql, sizeof sql,
             "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) "
             "VALUES ('%s', lpad(to_hex(%d), 64, '0'), 'test-%d.csv', 0, 'test') "
             "RETURNING batch_id", kind, tag, tag);
    res = PQexec(conn, sql);
    assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
    id = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return id;
}

/* COPY a codebook CSV (counties by name) into a temporary table of text
 * columns, then into table with the county's fips, the batch and active. */
static void copy_file(PGconn *conn, const char *path, const char *table, const char *columns,
                      const char *staging_columns, long batch, bool active)
{
    char sql[1200], line[512];
    FILE *fp = fopen(path, "r");
    PGresult *res;

    assert_non_null(fp);
    snprintf(sql, sizeof sql, "CREATE TEMP TABLE staging (%s)", staging_columns);
    pg_harness_exec_ok(conn, sql);
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
    snprintf(sql, sizeof sql,
             "INSERT INTO %s (batch_id, active, fips, %s) "
             "SELECT %ld, %s, c.fips, %s FROM staging s "
             "JOIN counties c ON c.name = s.county OR c.fips = s.county",
             table, columns, batch, active ? "true" : "false", columns);
    pg_harness_exec_ok(conn, sql);
    pg_harness_exec_ok(conn, "DROP TABLE staging");
}

static void load(PGconn *conn, const struct est_dataset *d, int tag, bool active)
{
    char path[1100];

    snprintf(path, sizeof path, "%s/responses.csv", d->dir);
    copy_file(conn, path, "responses",
              "survey_year, respondent_id, role, caseload, confirmed, suspected",
              "survey_year integer, county text, respondent_id text, role text, "
              "caseload integer, confirmed integer, suspected integer",
              new_batch(conn, "responses", tag), active);
    if (d->has_frame) {
        snprintf(path, sizeof path, "%s/frame.csv", d->dir);
        copy_file(conn, path, "frames", "survey_year, officers_total, youth_total",
                  "survey_year integer, county text, officers_total integer, "
                  "youth_total integer",
                  new_batch(conn, "frame", tag + 1), active);
    }
}

static void assert_same_sums(const struct an_county_sums *got, const struct an_county_sums *want)
{
    for (size_t i = 0; i < EST_NCOUNTIES; i++) {
        const struct an_county_sums *a = &got[i], *b = &want[i];
        assert_string_equal(a->fips, b->fips);
        assert_string_equal(a->name, b->name);
        assert_int_equal(a->has_frame, b->has_frame);
        assert_int_equal(a->officers_total, b->officers_total);
        assert_int_equal(a->youth_total, b->youth_total);
        assert_int_equal(a->respondents, b->respondents);
        assert_int_equal(a->caseload, b->caseload);
        assert_int_equal(a->caseload_sq, b->caseload_sq);
        assert_int_equal(a->confirmed, b->confirmed);
        assert_int_equal(a->confirmed_sq, b->confirmed_sq);
        assert_int_equal(a->confirmed_caseload, b->confirmed_caseload);
        assert_int_equal(a->any, b->any);
        assert_int_equal(a->any_sq, b->any_sq);
        assert_int_equal(a->any_caseload, b->any_caseload);
        assert_int_equal(a->officers_confirmed, b->officers_confirmed);
    }
}

/* Load, query, estimate, compare: every data set, rule, measure, method. */
static void test_estimate_db_matches_r_goldens(void **state)
{
    static const char *const sets[] = {"estimate_a", "estimate_b", "estimate_c", "estimate_d"};
    static const enum an_lonely_psu rules[] = {AN_LONELY_ADJUST, AN_LONELY_CERTAINTY};
    static struct est_dataset d;
    struct an_county_sums sums[AN_MAX_COUNTIES];
    struct an_estimate_row rows[NROWS];
    struct est_compare_stats st = {0};
    struct est_golden *g = NULL;
    struct prev_error err;
    size_t ng = 0;

    (void)state;
    assert_int_equal(est_load_goldens(&g, &ng), 0);
    for (size_t s = 0; s < 4; s++) {
        char conninfo[1024];
        PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);
        size_t n = 0;
        bool has_frame = false;
        long respondents = 0;

        assert_non_null(conn);
        assert_int_equal(est_load_dataset(sets[s], &d), 0);
        load(conn, &d, (int)(10 * s), true);
        assert_int_equal(an_estimate_query(conn, d.survey_year, sums, &n, &has_frame,
                                           &respondents, &err), 0);
        assert_int_equal(n, EST_NCOUNTIES);
        assert_int_equal(has_frame, d.has_frame);
        assert_same_sums(sums, d.c);
        for (size_t l = 0; l < 2; l++)
            for (int m = 0; m < AN_MEASURE_N; m++)
                for (int k = 0; k < AN_DESIGN_N_METHODS; k++) {
                    struct an_estimate_options opt = {
                        .survey_year = d.survey_year, .measure = (enum an_measure)m,
                        .method = (enum an_design_method)k, .level = 0.95,
                        .lonely = rules[l], .has_frame = has_frame,
                    };
                    assert_int_equal(an_estimate_rows(sums, n, &opt, rows, &err), 0);
                    est_compare(g, ng, sets[s], &opt, rows, NROWS, 1e-6, &st);
                }
        PQfinish(conn);
    }
    fprintf(stderr, "goldens via PostgreSQL: %zu rows, %zu numbers, max |diff| %.3g, "
            "%zu mismatches\n", st.rows, st.values, st.max_diff, st.mismatches);
    free(g);
    assert_int_equal(st.rows, ng);
    assert_int_equal(st.mismatches, 0);
}

/* Only active rows of the asked year count: superseded copies (with other
 * numbers) and other years change nothing. */
static void test_estimate_db_only_active_rows_of_the_year(void **state)
{
    static struct est_dataset a, b;
    struct an_county_sums sums[AN_MAX_COUNTIES];
    char conninfo[1024];
    PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);
    struct prev_error err;
    size_t n = 0;
    bool has_frame = false;
    long respondents = 0;

    (void)state;
    assert_non_null(conn);
    assert_int_equal(est_load_dataset("estimate_a", &a), 0);
    assert_int_equal(est_load_dataset("estimate_b", &b), 0);
    load(conn, &a, 1, true);
    load(conn, &b, 3, true);                 /* another year */
    /* a superseded load of year a with other numbers */
    load(conn, &a, 5, false);
    pg_harness_exec_ok(conn, "UPDATE responses SET caseload = caseload + 1, confirmed = 0 "
                  "WHERE NOT active");
    pg_harness_exec_ok(conn, "UPDATE frames SET officers_total = officers_total + 100 WHERE NOT active");
    assert_int_equal(an_estimate_query(conn, a.survey_year, sums, &n, &has_frame,
                                       &respondents, &err), 0);
    assert_same_sums(sums, a.c);
    /* a year without any response */
    assert_int_equal(an_estimate_query(conn, 2031, sums, &n, &has_frame, &respondents, &err), 0);
    assert_int_equal(respondents, 0);
    assert_false(has_frame);
    PQfinish(conn);
}

/* Run the binary; returns its exit status, stdout and stderr in buffers
 * the caller frees. */
static int run(const char *args, char **out, char **errtext)
{
    const char *bin = getenv("PREVALENCE_BIN");
    char cmd[4096], errpath[700];
    FILE *fp;
    size_t cap = 0, len = 0;
    int status;

    assert_non_null(bin);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", pg_harness_tmpdir());
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", bin, args, errpath);
    fp = popen(cmd, "r");
    assert_non_null(fp);
    *out = NULL;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            *out = realloc(*out, cap);
            assert_non_null(*out);
        }
        size_t got = fread(*out + len, 1, 4096, fp);
        len += got;
        if (got == 0)
            break;
    }
    (*out)[len] = '\0';
    status = pclose(fp);
    fp = fopen(errpath, "r");
    assert_non_null(fp);
    *errtext = calloc(1, 8192);
    assert_non_null(*errtext);
    if (fread(*errtext, 1, 8191, fp) == 0)
        (*errtext)[0] = '\0';
    fclose(fp);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The command end to end: CSV of all measures equals the goldens for the
 * default method and cap; fail names the county; a missing frame is noted. */
static void test_estimate_db_command(void **state)
{
    static struct est_dataset a, dset;
    struct est_golden *g = NULL;
    size_t ng = 0, checked = 0;
    char conninfo[1024], args[1500], *out = NULL, *errtext = NULL, *line, *save = NULL;
    PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);

    (void)state;
    assert_non_null(conn);
    assert_int_equal(est_load_goldens(&g, &ng), 0);
    assert_int_equal(est_load_dataset("estimate_a", &a), 0);
    assert_int_equal(est_load_dataset("estimate_d", &dset), 0);
    load(conn, &a, 1, true);
    load(conn, &dset, 3, true);

    snprintf(args, sizeof args, "--db \"%s\" estimate --year 2024 --measure all --format csv",
             conninfo);
    assert_int_equal(run(args, &out, &errtext), 0);
    line = strtok_r(out, "\n", &save);
    while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
        /* survey_year,county,fips,measure,method,level,respondents,
         * officers_total,youth_n,cases,estimate,se,ci_low,ci_high,... */
        char *f[24], *p = line;
        int nf = 0;
        enum an_measure m;
        while (nf < 24) {
            f[nf++] = p;
            if ((p = strchr(p, ',')) == NULL)
                break;
            *p++ = '\0';
        }
        assert_int_equal(nf, 24);   /* 22, then coverage_youth, coverage_officers */
        assert_true(an_measure_parse(f[3], &m));
        for (size_t i = 0; i < ng; i++) {
            const struct est_golden *e = &g[i];
            if (strcmp(e->dataset, "estimate_a") != 0 || e->lonely != AN_LONELY_ADJUST
                || e->measure != m || e->method != AN_DESIGN_KORN_GRAUBARD
                || strcmp(e->county, f[1]) != 0)
                continue;
            assert_true(fabs(strtod(f[10], NULL) - e->estimate) <= 1e-12);
            assert_true(fabs(strtod(f[11], NULL) - e->se) <= 1e-12);
            /* The default cap is officer_any's before-fpc (its golden
             * columns kg_before_fpc_*), the youth measures' after-fpc. */
            assert_true(fabs(strtod(f[12], NULL) - (m == AN_MEASURE_OFFICER_ANY
                                                    ? e->kg_before_fpc_low : e->ci_low))
                        <= 1e-12);
            assert_true(fabs(strtod(f[13], NULL) - (m == AN_MEASURE_OFFICER_ANY
                                                    ? e->kg_before_fpc_high : e->ci_high))
                        <= 1e-12);
            checked++;
        }
    }
    assert_int_equal(checked, 3 * 15);   /* 14 counties with data + the state, 3 measures */
    assert_non_null(strstr(errtext, "Santa Cruz has one respondent"));
    free(out);
    free(errtext);

    snprintf(args, sizeof args, "--db \"%s\" estimate --year 2024 --lonely-psu fail", conninfo);
    assert_int_equal(run(args, &out, &errtext), 65);
    assert_string_equal(out, "");
    assert_non_null(strstr(errtext, "Santa Cruz"));
    free(out);
    free(errtext);

    snprintf(args, sizeof args, "--db \"%s\" -q estimate --year 2023 --format json", conninfo);
    assert_int_equal(run(args, &out, &errtext), 0);
    assert_non_null(strstr(errtext, "no frame for survey year 2023"));
    assert_non_null(strstr(out, "\"frame\": false"));
    assert_non_null(strstr(out, "no frame for survey year 2023: equal weights"));
    free(out);
    free(errtext);

    snprintf(args, sizeof args, "--db \"%s\" estimate --year 2030", conninfo);
    assert_int_equal(run(args, &out, &errtext), 65);
    assert_non_null(strstr(errtext, "no active responses for survey year 2030"));
    free(out);
    free(errtext);
    free(g);
    PQfinish(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_db_matches_r_goldens),
        cmocka_unit_test(test_estimate_db_only_active_rows_of_the_year),
        cmocka_unit_test(test_estimate_db_command),
    };
    return cmocka_run_group_tests(tests, group_setup, pg_harness_group_teardown);
}
