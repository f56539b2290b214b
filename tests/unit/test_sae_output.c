/* analysis/sae_output.c: the small-area columns and the diagnostics block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_matrix.h>

#include "sae_output.h"

/* Four counties and the state; Dcounty has no respondents. */
static size_t make_rows(struct an_estimate_row *rows)
{
    static const char *const names[] = {"Acounty", "Bcounty", "Ccounty", "Dcounty", "Ecounty",
                                        AN_STATE_NAME};
    static const double p[] = {0.05, 0.08, 0.02, 0.0, 0.06, 0.05};
    static const double se[] = {0.004, 0.02, 0.0, 0.0, 0.012, 0.003};
    static const long n[] = {2000, 200, 40, 0, 400, 2640};
    static const long resp[] = {60, 8, 2, 0, 12, 82};

    memset(rows, 0, 6 * sizeof *rows);
    for (size_t i = 0; i < 6; i++) {
        snprintf(rows[i].county, sizeof rows[i].county, "%s", names[i]);
        snprintf(rows[i].fips, sizeof rows[i].fips, i == 5 ? AN_STATE_FIPS : "0400%zu", i);
        rows[i].survey_year = 2025;
        rows[i].has_estimate = resp[i] > 0;
        rows[i].estimate = p[i];
        rows[i].se = se[i];
        rows[i].youth_n = n[i];
        rows[i].respondents = resp[i];
        rows[i].youth_total = -1;
    }
    return 6;
}

static void test_sae_output_cells(void **state)
{
    struct an_estimate_row rows[6];
    struct an_sae_row out[6];
    struct an_sae_summary sum;
    struct prev_error err = {0};
    struct an_sae_options opt = {AN_FH_REML, AN_SAE_TRANSFORM_NONE, 0.95};
    size_t n = make_rows(rows);
    double v = 0.0;
    const char *t = NULL;
    (void)state;

    assert_int_equal(an_sae_compute(rows, n, NULL, &opt, out, &sum, &err), 0);
    assert_string_equal(rep_sae_columns[0], "sae_estimate");
    assert_string_equal(rep_sae_columns[4], "sae_weight");
    assert_string_equal(rep_sae_columns[6], "sae_variance_source");
    assert_null(rep_sae_columns[9]);
    /* A county in the fit: numbers, and its variance source. */
    assert_int_equal(rep_sae_cell(&out[0], 0, &v, &t), REP_SAE_CELL_REAL);
    assert_true(v == out[0].estimate);
    assert_int_equal(rep_sae_cell(&out[0], 4, &v, &t), REP_SAE_CELL_REAL);
    assert_true(v == out[0].weight);
    assert_int_equal(rep_sae_cell(&out[0], 6, &v, &t), REP_SAE_CELL_TEXT);
    assert_string_equal(t, "direct");
    assert_int_equal(rep_sae_cell(&out[2], 6, &v, &t), REP_SAE_CELL_TEXT);
    assert_string_equal(t, "gvf");
    /* The synthetic county has no sampling variance. */
    assert_int_equal(rep_sae_cell(&out[3], 5, &v, &t), REP_SAE_CELL_NULL);
    assert_int_equal(rep_sae_cell(&out[3], 6, &v, &t), REP_SAE_CELL_TEXT);
    assert_string_equal(t, "none");
    assert_int_equal(rep_sae_cell(&out[3], 4, &v, &t), REP_SAE_CELL_REAL);
    assert_true(v == 0.0);
    /* The state row: empty numbers, but its flag says why. */
    for (int k = 0; k < 7; k++)
        assert_int_equal(rep_sae_cell(&out[5], k, &v, &t), REP_SAE_CELL_NULL);
    assert_int_equal(rep_sae_cell(&out[5], 7, &v, &t), REP_SAE_CELL_TEXT);
    assert_string_equal(t, "suppress");
    assert_int_equal(rep_sae_cell(&out[5], 8, &v, &t), REP_SAE_CELL_TEXT);
    assert_string_equal(t, "no model-based estimate");
    an_sae_summary_free(&sum);
}

static void test_sae_output_diagnostics_block(void **state)
{
    struct an_estimate_row rows[6];
    struct an_sae_row out[6];
    struct an_sae_summary sum;
    struct prev_error err = {0};
    struct an_sae_options opt = {AN_FH_ML, AN_SAE_TRANSFORM_NONE, 0.95};
    size_t n = make_rows(rows), size = 0;
    char *text = NULL, expect[128];
    FILE *fp = open_memstream(&text, &size);
    (void)state;

    assert_non_null(fp);
    assert_int_equal(an_sae_compute(rows, n, NULL, &opt, out, &sum, &err), 0);
    assert_int_equal(rep_sae_write_diagnostics(fp, &sum, rows, out, n, &err), 0);
    assert_int_equal(fclose(fp), 0);
    assert_non_null(strstr(text, "Small-area model (Fay-Herriot): ml fit, proportion scale\n"));
    assert_non_null(strstr(text, "  counties: 4 with respondents in the fit (1 on the GVF "
                                 "variance), 1 synthetic\n"));
    snprintf(expect, sizeof expect, "  sigma_u^2 = %.6g (SE %.3g)", sum.fit.sigma2_u,
             sum.fit.sigma2_u_se);
    assert_non_null(strstr(text, expect));
    assert_non_null(strstr(text, "benchmark ratio (direct / model, youth_n weights): "));
    assert_non_null(strstr(text, "beta (intercept)"));
    snprintf(expect, sizeof expect, "  %-12s %8.4f", "Acounty", out[0].weight);
    assert_non_null(strstr(text, expect));
    assert_non_null(strstr(text, "  Dcounty             0            - none            -\n"));
    assert_null(strstr(text, AN_STATE_NAME));
    free(text);
    an_sae_summary_free(&sum);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sae_output_cells),
        cmocka_unit_test(test_sae_output_diagnostics_block),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
