/* `prevalence estimate --small-area` end to end against a real PostgreSQL:
 * the committed sample data (sample-data/2025) is loaded into a fresh
 * database, the binary runs, and its sae_* columns are compared with the
 * golden values of tests/reference/sae/fh_sample_data.R (direct estimates
 * from R's survey package, the Fay-Herriot model written out in R). */
#include <math.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "pg_harness.h"

#define NCOUNTIES 15
#define NCOLS 31   /* 22 direct columns + 9 small-area columns */

static const char *const county_names[NCOUNTIES] = {
    "Apache", "Cochise", "Coconino", "Gila", "Graham", "Greenlee", "La Paz", "Maricopa",
    "Mohave", "Navajo", "Pima", "Pinal", "Santa Cruz", "Yavapai", "Yuma",
};
static const char *const county_fips[NCOUNTIES] = {
    "04001", "04003", "04005", "04007", "04009", "04011", "04012", "04013",
    "04015", "04017", "04019", "04021", "04023", "04025", "04027",
};

static const char *fips_of(const char *name)
{
    for (size_t i = 0; i < NCOUNTIES; i++)
        if (strcmp(county_names[i], name) == 0)
            return county_fips[i];
    print_error("unknown county %s\n", name);
    fail();
    return NULL;
}

/* Insert one sample-data CSV (header skipped; county names to FIPS).
 * responses: survey_year,county,respondent_id,role,caseload,confirmed,suspected
 * frame:     survey_year,county,officers_total,youth_total */
static void load_csv(PGconn *conn, const char *path, bool frame, long batch)
{
    char line[512], sql[1024];
    FILE *fp = fopen(path, "r");

    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp) != NULL) {
        char *f[7] = {0}, *p = line;
        int nf = 0;

        line[strcspn(line, "\r\n")] = '\0';
        while (nf < 7 && p != NULL) {
            f[nf++] = p;
            if ((p = strchr(p, ',')) != NULL)
                *p++ = '\0';
        }
        if (frame) {
            assert_int_equal(nf, 4);
            snprintf(sql, sizeof sql,
                     "INSERT INTO frames (batch_id, survey_year, fips, officers_total, "
                     "youth_total) VALUES (%ld, %s, '%s', %s, %s)",
                     batch, f[0], fips_of(f[1]), f[2], f[3]);
        } else {
            assert_int_equal(nf, 7);
            snprintf(sql, sizeof sql,
                     "INSERT INTO responses (batch_id, survey_year, fips, respondent_id, role, "
                     "caseload, confirmed, suspected) VALUES (%ld, %s, '%s', '%s', '%s', %s, "
                     "%s, %s)",
                     batch, f[0], fips_of(f[1]), f[2], f[3], f[4], f[5], f[6]);
        }
        pg_harness_exec_ok(conn, sql);
    }
    fclose(fp);
}

static void load_sample_2025(PGconn *conn)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1024];

    assert_non_null(src);
    pg_harness_exec_ok(conn, "INSERT INTO batches (kind, sha256, file_name, row_count, tool_version) "
                  "VALUES ('frame', repeat('a', 64), 'frame.csv', 15, 'test'), "
                  "('responses', repeat('b', 64), 'responses.csv', 0, 'test')");
    snprintf(path, sizeof path, "%s/sample-data/2025/frame.csv", src);
    load_csv(conn, path, true, 1);
    for (size_t i = 0; i < NCOUNTIES; i++) {
        char file[64];

        snprintf(file, sizeof file, "%s", county_names[i]);
        for (char *c = file; *c != '\0'; c++)
            *c = *c == ' ' ? '-' : (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c);
        snprintf(path, sizeof path, "%s/sample-data/2025/responses-%s.csv", src, file);
        load_csv(conn, path, false, 2);
    }
}

/* Run the binary; returns its exit status, stdout and stderr (caller frees). */
static int run(const char *args, char **out, char **errtext)
{
    const char *bin = getenv("PREVALENCE_BIN");
    char cmd[4096], errpath[700];
    FILE *fp;
    size_t cap = 65536, len = 0, got;
    int status;

    assert_non_null(bin);
    snprintf(errpath, sizeof errpath, "%s/sae_stderr.txt", pg_harness_tmpdir());
    snprintf(cmd, sizeof cmd, "'%s' %s 2>'%s'", bin, args, errpath);
    fp = popen(cmd, "r");
    assert_non_null(fp);
    *out = malloc(cap);
    assert_non_null(*out);
    while ((got = fread(*out + len, 1, cap - len - 1, fp)) > 0) {
        len += got;
        if (len + 1 == cap) {
            cap *= 2;
            *out = realloc(*out, cap);
            assert_non_null(*out);
        }
    }
    (*out)[len] = '\0';
    status = pclose(fp);
    fp = fopen(errpath, "r");
    assert_non_null(fp);
    *errtext = calloc(1, 16384);
    assert_non_null(*errtext);
    if (fread(*errtext, 1, 16383, fp) == 0)
        (*errtext)[0] = '\0';
    fclose(fp);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Golden values of one quantity from fh_sample_goldens.csv. */
static void golden(const char *dataset, const char *method, const char *quantity,
                   double *out)
{
    const char *src = getenv("PREVALENCE_SOURCE_DIR");
    char path[1024], line[256];
    size_t n = 0;
    FILE *fp;

    snprintf(path, sizeof path, "%s/tests/reference/sae/fh_sample_goldens.csv", src);
    fp = fopen(path, "r");
    assert_non_null(fp);
    assert_non_null(fgets(line, sizeof line, fp));
    while (fgets(line, sizeof line, fp) != NULL) {
        char ds[64], me[16], qu[32];
        unsigned idx;
        double v;

        assert_int_equal(sscanf(line, "%63[^,],%15[^,],%31[^,],%u,%lf", ds, me, qu, &idx, &v), 5);
        if (strcmp(ds, dataset) == 0 && strcmp(me, method) == 0 && strcmp(qu, quantity) == 0) {
            assert_true(idx == n && n < NCOUNTIES);
            out[n++] = v;
        }
    }
    fclose(fp);
    assert_int_equal(n, NCOUNTIES);
}

/* Split CSV lines (no quoted commas in these rows' numeric part) and check
 * the sae columns 22..26 of the 15 county rows against the goldens. */
static void check_output(char *out, const char *dataset, const char *method)
{
    static const char *const q[] = {"sae_estimate", "sae_mse", "sae_ci_low", "sae_ci_high",
                                    "sae_weight"};
    double want[5][NCOUNTIES];
    char *save = NULL, *line;
    size_t row = 0;

    for (size_t k = 0; k < 5; k++)
        golden(dataset, method, q[k], want[k]);
    line = strtok_r(out, "\n", &save);
    assert_non_null(strstr(line, ",reasons,sae_estimate,sae_mse,sae_ci_low,sae_ci_high,"
                                 "sae_weight,sae_variance,sae_variance_source,sae_flag,"
                                 "sae_reasons"));
    while ((line = strtok_r(NULL, "\n", &save)) != NULL && row < NCOUNTIES) {
        char *f[NCOLS + 1], *p = line;
        int nf = 0;

        while (nf < NCOLS + 1 && p != NULL) {
            f[nf++] = p;
            if ((p = strchr(p, ',')) != NULL)
                *p++ = '\0';
        }
        assert_string_equal(f[2], county_fips[row]);
        for (size_t k = 0; k < 5; k++) {
            double got = strtod(f[22 + k], NULL);

            if (!(fabs(got - want[k][row]) <= 1e-12 + 1e-9 * fabs(want[k][row]))) {
                print_error("%s %s: got %.17g, want %.17g\n", county_names[row], q[k], got,
                            want[k][row]);
                fail();
            }
        }
        row++;
    }
    assert_int_equal(row, NCOUNTIES);
}

static void test_sae_db_sample_data_matches_r(void **state)
{
    char conninfo[1024], args[1500], *out = NULL, *errtext = NULL;
    PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);

    (void)state;
    assert_non_null(conn);
    load_sample_2025(conn);

    snprintf(args, sizeof args, "--db \"%s\" estimate --year 2025 --small-area --format csv",
             conninfo);
    assert_int_equal(run(args, &out, &errtext), 0);
    check_output(out, "sample_2025_none", "reml");
    free(out);
    free(errtext);

    snprintf(args, sizeof args,
             "--db \"%s\" estimate --year 2025 --small-area --sae-fit ml --diagnostics "
             "--format csv",
             conninfo);
    assert_int_equal(run(args, &out, &errtext), 0);
    check_output(out, "sample_2025_none", "ml");
    assert_non_null(strstr(errtext, "Small-area model (Fay-Herriot): ml fit, proportion scale"));
    assert_non_null(strstr(errtext, "9 with respondents in the fit (4 on the GVF variance)"));
    free(out);
    free(errtext);

    snprintf(args, sizeof args,
             "--db \"%s\" estimate --year 2025 --small-area --sae-transform arcsine --format csv",
             conninfo);
    assert_int_equal(run(args, &out, &errtext), 0);
    check_output(out, "sample_2025_arcsine", "reml");
    free(out);
    free(errtext);
    PQfinish(conn);
}

/* A covariates file that misses a county is refused with its name. */
static void test_sae_db_covariates_errors(void **state)
{
    char conninfo[1024], args[2000], path[700], *out = NULL, *errtext = NULL;
    PGconn *conn = pg_harness_fresh_db(conninfo, sizeof conninfo);
    FILE *fp;

    (void)state;
    assert_non_null(conn);
    load_sample_2025(conn);
    snprintf(path, sizeof path, "%s/cov.csv", pg_harness_tmpdir());
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("county,poverty\nApache,0.3\n", fp);
    assert_int_equal(fclose(fp), 0);
    snprintf(args, sizeof args,
             "--db \"%s\" estimate --year 2025 --small-area --covariates '%s' --format csv",
             conninfo, path);
    assert_int_equal(run(args, &out, &errtext), 65);
    assert_non_null(strstr(errtext, "no row for county Cochise (04003)"));
    assert_string_equal(out, "");
    free(out);
    free(errtext);

    /* Every county, one covariate: the fit runs and adds the columns. */
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("county,poverty\n", fp);
    for (size_t i = 0; i < NCOUNTIES; i++)
        fprintf(fp, "%s,%.2f\n", county_fips[i], 0.10 + 0.01 * (double)i);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(run(args, &out, &errtext), 0);
    assert_non_null(strstr(out, ",sae_estimate,"));
    free(out);
    free(errtext);
    PQfinish(conn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sae_db_sample_data_matches_r),
        cmocka_unit_test(test_sae_db_covariates_errors),
    };

    return cmocka_run_group_tests(tests, pg_harness_group_setup, pg_harness_group_teardown);
}
