/* analysis/sae_covariates.c: the covariates file of --small-area. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sae_covariates.h"

struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/test_sae_cov.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/cov.csv", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;

    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static void write_file(const struct fixture *f, const char *text)
{
    FILE *fp = fopen(f->path, "wb");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

/* Read text and expect failure with code at path:<where_suffix>, msg containing needle. */
static void expect_error(const struct fixture *f, const char *text, int code,
                         const char *where_suffix, const char *needle)
{
    struct an_covariates c;
    struct prev_error err = {0};
    char where[256];

    write_file(f, text);
    assert_int_equal(an_covariates_read(f->path, &c, &err), code);
    snprintf(where, sizeof where, "%s%s", f->path, where_suffix);
    if (strcmp(err.where, where) != 0 || strstr(err.msg, needle) == NULL) {
        print_error("got '%s: %s', want '%s: ...%s...'\n", err.where, err.msg, where, needle);
        fail();
    }
    an_covariates_free(&c);
}

static void make_rows(struct an_estimate_row *rows)
{
    static const char *const names[] = {"Apache", "Cochise", "Pima", AN_STATE_NAME};
    static const char *const fips[] = {"04001", "04003", "04019", AN_STATE_FIPS};

    memset(rows, 0, 4 * sizeof *rows);
    for (size_t i = 0; i < 4; i++) {
        snprintf(rows[i].county, sizeof rows[i].county, "%s", names[i]);
        snprintf(rows[i].fips, sizeof rows[i].fips, "%s", fips[i]);
    }
}

static void test_covariates_read_and_align(void **state)
{
    struct fixture *f = *state;
    struct an_covariates c;
    struct an_estimate_row rows[4];
    struct prev_error err = {0};
    double values[8];

    /* Quoted fields, CRLF, a blank line, FIPS or any-case names, column order free. */
    write_file(f, "poverty,County,\"rural share\"\r\n"
                  "0.31,apache,0.8\r\n"
                  "\r\n"
                  "0.18,\"04003\",0.4\r\n"
                  " 0.16 ,Pima,1e-1\r\n");
    assert_int_equal(an_covariates_read(f->path, &c, &err), 0);
    assert_int_equal(c.ncols, 2);
    assert_string_equal(c.names[0], "poverty");
    assert_string_equal(c.names[1], "rural share");
    assert_int_equal(c.nrows, 3);
    assert_int_equal(c.line[0], 2);
    assert_int_equal(c.line[1], 4);
    make_rows(rows);
    assert_int_equal(an_covariates_align(&c, rows, 4, values, &err), 0);
    assert_true(values[0] == 0.31 && values[1] == 0.8);
    assert_true(values[2] == 0.18 && values[3] == 0.4);
    assert_true(values[4] == 0.16 && values[5] == 0.1);
    assert_true(isnan(values[6]) && isnan(values[7]));   /* the state row */
    an_covariates_free(&c);
}

static void test_covariates_align_requires_every_county_once(void **state)
{
    struct fixture *f = *state;
    struct an_covariates c;
    struct an_estimate_row rows[4];
    struct prev_error err = {0};
    double values[4];
    char where[256];

    make_rows(rows);
    write_file(f, "county,poverty\nApache,0.31\nPima,0.16\n");
    assert_int_equal(an_covariates_read(f->path, &c, &err), 0);
    assert_int_equal(an_covariates_align(&c, rows, 4, values, &err), PREV_EX_DATA);
    assert_string_equal(err.msg, "no row for county Cochise (04003)");
    an_covariates_free(&c);

    write_file(f, "county,poverty\nApache,0.31\nCochise,0.18\nPima,0.16\nPimma,0.2\n");
    assert_int_equal(an_covariates_read(f->path, &c, &err), 0);
    assert_int_equal(an_covariates_align(&c, rows, 4, values, &err), PREV_EX_DATA);
    snprintf(where, sizeof where, "%s:5:county", f->path);
    assert_string_equal(err.where, where);
    assert_string_equal(err.msg, "'Pimma' is not a county of this estimate");
    an_covariates_free(&c);
}

static void test_covariates_errors_name_line_and_column(void **state)
{
    struct fixture *f = *state;
    struct an_covariates c;
    struct prev_error err = {0};

    expect_error(f, "county,poverty\nApache,0.31\nPima,0.1x\n", PREV_EX_DATA, ":3:poverty",
                 "'0.1x' is not a number");
    expect_error(f, "county,poverty\nApache,\n", PREV_EX_DATA, ":2:poverty", "'' is not a number");
    expect_error(f, "county,poverty\nApache,nan\n", PREV_EX_DATA, ":2:poverty",
                 "'nan' is not a number");
    expect_error(f, "county,poverty\nApache,0.3,1\n", PREV_EX_DATA, ":2:",
                 "3 fields, the header has 2");
    expect_error(f, "county,poverty\nApache,0.3\napache,0.2\n", PREV_EX_DATA, ":3:county",
                 "appears twice (first on line 2)");
    expect_error(f, "name,poverty\nApache,0.3\n", PREV_EX_DATA, ":1:header", "no column named county");
    expect_error(f, "county\nApache\n", PREV_EX_DATA, ":1:header", "no covariate column");
    expect_error(f, "county,x,x\nApache,1,2\n", PREV_EX_DATA, ":1:x", "appears twice");
    /* A quote left open swallows the rest of the file: strict fini catches it. */
    expect_error(f, "county,poverty\n\"Apache,0.3\n", PREV_EX_DATA, ":2:", "unterminated");
    expect_error(f, "county,poverty\nApa\"che,0.3\n", PREV_EX_DATA, ":2:", "");
    expect_error(f, "county,poverty\n", PREV_EX_DATA, "", "no county rows");
    expect_error(f, "", PREV_EX_DATA, "", "empty file");
    unlink(f->path);
    assert_int_equal(an_covariates_read(f->path, &c, &err), PREV_EX_NOINPUT);
    an_covariates_free(&c);
}

/* /dev/zero as covariates: one endless line, cut at the line cap at once
 * with 65 (it grew to 24 GB before). */
static void test_covariates_dev_zero_fails_fast(void **state)
{
    struct an_covariates c;
    struct prev_error err;

    (void)state;
    prev_error_clear(&err);
    assert_int_equal(an_covariates_read("/dev/zero", &c, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.where, "/dev/zero:1"));
    assert_non_null(strstr(err.msg, "a line longer than 65536 bytes"));
    an_covariates_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_covariates_dev_zero_fails_fast),
        cmocka_unit_test_setup_teardown(test_covariates_read_and_align, setup, teardown),
        cmocka_unit_test_setup_teardown(test_covariates_align_requires_every_county_once, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_covariates_errors_name_line_and_column, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
