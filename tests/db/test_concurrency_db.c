/* Concurrency: 8 `prevalence load` processes on 8 different county files
 * of one year and 4 `prevalence estimate` runs, all at once, against a
 * real PostgreSQL. Correctness only (bench/concurrent.sh times it): every
 * process succeeds, the year holds exactly the rows of the 8 files, one
 * batch each, and every estimate equals the one computed alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cmocka.h>

#include "pg_harness.h"
#include "sec_util.h"

#define NLOADS 8
#define NESTIMATES 4
#define YEAR "2040"

static char conninfo[2048];
static PGconn *db;
static char dir[1024];
static struct sec_run run;

static int setup(void **state)
{
    (void)state;
    if ((db = pg_harness_fresh_db(conninfo, sizeof conninfo)) == NULL)
        return -1;
    snprintf(dir, sizeof dir, "%s/concurrency", pg_harness_tmpdir());
    return mkdir(dir, 0755);
}

static int teardown(void **state)
{
    (void)state;
    PQfinish(db);
    db = NULL;
    return 0;
}

static long data_rows(const char *path)
{
    FILE *fp = fopen(path, "r");
    long lines = 0;
    int c;

    if (fp == NULL)
        fail_msg("cannot open %s", path);
    while ((c = fgetc(fp)) != EOF)
        if (c == '\n')
            lines++;
    fclose(fp);
    return lines - 1;        /* the header */
}

static void test_concurrent_loads_and_estimates(void **state)
{
    static const char *const counties[NLOADS] = {
        "maricopa", "pima", "pinal", "yavapai", "mohave", "yuma", "coconino", "cochise",
    };
    static const char *const sample_counties[] = {
        "apache", "cochise", "coconino", "gila", "graham", "greenlee", "la-paz", "maricopa",
        "mohave", "navajo", "pima", "pinal", "santa-cruz", "yavapai", "yuma",
    };
    char files[NLOADS][1200], baseline[1 << 16], tag[32], sql[256];
    pid_t pids[NLOADS + NESTIMATES];
    long expected = 0;

    (void)state;
    /* The year the estimates read, loaded first. */
    for (size_t i = 0; i < sizeof sample_counties / sizeof sample_counties[0]; i++) {
        char rel[80];
        snprintf(rel, sizeof rel, "sample-data/2025/responses-%s.csv", sample_counties[i]);
        sec_run(&run, dir, SEC_ARGS("--db", conninfo, "-q", "load", "responses",
                                    sec_source_path(rel)));
        sec_expect_status(&run, 0);
    }
    sec_run(&run, dir, SEC_ARGS("--db", conninfo, "-q", "load", "frame",
                                sec_source_path("sample-data/2025/frame.csv")));
    sec_expect_status(&run, 0);
    sec_run(&run, dir, SEC_ARGS("--db", conninfo, "estimate", "--year", "2025", "--format",
                                "csv"));
    sec_expect_status(&run, 0);
    snprintf(baseline, sizeof baseline, "%s", run.out);

    /* 120,000 respondents in the year; the 8 counties hold most of them. */
    sec_run(&run, dir, SEC_ARGS("-q", "synth", "--seed", "8", "--out", dir, "--year", YEAR,
                                "--scale", "120000"));
    sec_expect_status(&run, 0);
    for (int i = 0; i < NLOADS; i++) {
        snprintf(files[i], sizeof files[i], "%s/" YEAR "/responses-%s.csv", dir, counties[i]);
        expected += data_rows(files[i]);
    }
    assert_true(expected > 50000);

    for (int i = 0; i < NLOADS; i++) {
        snprintf(tag, sizeof tag, "load%d", i);
        pids[i] = sec_spawn(dir, tag, SEC_ARGS("--db", conninfo, "-q", "load", "responses",
                                                files[i]));
    }
    for (int i = 0; i < NESTIMATES; i++) {
        snprintf(tag, sizeof tag, "estimate%d", i);
        pids[NLOADS + i] = sec_spawn(dir, tag, SEC_ARGS("--db", conninfo, "estimate", "--year",
                                                         "2025", "--format", "csv"));
    }
    for (int i = 0; i < NLOADS + NESTIMATES; i++) {
        if (i < NLOADS)
            snprintf(tag, sizeof tag, "load%d", i);
        else
            snprintf(tag, sizeof tag, "estimate%d", i - NLOADS);
        sec_wait(pids[i], dir, tag, &run);
        if (run.status != 0)
            fail_msg("%s exited %d:\n%s", tag, run.status, run.err);
        if (i >= NLOADS)
            assert_string_equal(run.out, baseline);
    }

    snprintf(sql, sizeof sql, "SELECT count(*) FROM responses WHERE survey_year = %s AND active",
             YEAR);
    assert_int_equal(sec_long(db, sql), expected);
    snprintf(sql, sizeof sql, "SELECT count(DISTINCT batch_id) FROM batch_scope"
                              " WHERE survey_year = %s", YEAR);
    assert_int_equal(sec_long(db, sql), NLOADS);
    snprintf(sql, sizeof sql, "SELECT sum(row_count) FROM batches b WHERE EXISTS (SELECT 1 FROM"
                              " batch_scope s WHERE s.batch_id = b.batch_id"
                              " AND s.survey_year = %s)", YEAR);
    assert_int_equal(sec_long(db, sql), expected);
    assert_int_equal(sec_long(db, "SELECT count(*) FROM response_integrity"), 0);
    /* And the loaded year estimates, with one row per county and the state. */
    sec_run(&run, dir, SEC_ARGS("--db", conninfo, "estimate", "--year", YEAR, "--format", "csv"));
    sec_expect_status(&run, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concurrent_loads_and_estimates, setup, teardown),
    };
    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
