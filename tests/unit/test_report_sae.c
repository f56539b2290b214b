/* report/sae_protect.c: model-based estimates in the report. On the
 * 2025 sample data's county rows (the numbers `prevalence estimate` prints
 * for them): why a model-based estimate must count as publishing its
 * county's count, which model-based estimates the report shows and how
 * ("*" when unreliable, "x" when protecting a count), that a model-based
 * estimate giving a small count away by subtraction is hidden, and that
 * the tables, figures and estimates.json carry what was decided. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sae.h"

#define NC 15

/* 2025 sample data, measure confirmed (prevalence estimate --year 2025). */
static const char *const names[NC] = {
    "Apache", "Cochise", "Coconino", "Gila", "Graham", "Greenlee", "La Paz", "Maricopa",
    "Mohave", "Navajo", "Pima", "Pinal", "Santa Cruz", "Yavapai", "Yuma"};
static const char *const fips[NC] = {
    "04001", "04003", "04005", "04007", "04009", "04011", "04012", "04013",
    "04015", "04017", "04019", "04021", "04023", "04025", "04027"};
static const long resp[NC] = {2, 2, 3, 1, 1, 1, 1, 77, 2, 2, 20, 7, 1, 3, 3};
static const long offi[NC] = {2, 3, 3, 1, 2, 1, 1, 112, 4, 3, 23, 11, 1, 4, 5};
static const long youth_n_[NC] = {47, 46, 81, 31, 15, 9, 7, 2085, 50, 71, 457, 241, 30, 105, 87};
static const long yt[NC] = {47, 68, 81, 31, 32, 9, 7, 3127, 96, 106, 509, 355, 30, 145, 153};
static const long cs[NC] = {0, 7, 3, 3, 0, 0, 0, 154, 3, 2, 37, 4, 5, 5, 11};
static const double se[NC] = {
    0, 0.04147317623668389, 0, 0, 0, 0, 0, 0.005131890221975361, 0.012445079348883236,
    0.0006871854027252042, 0.004859877304628625, 0.007509358860289449, 0, 0.013813600372351957,
    0.023829167310625697};
enum { APACHE = 0, COCHISE = 1, MARICOPA = 7, PIMA = 10, PINAL = 11, YUMA = 14 };

/* The direct rows: estimate cases / youth_n, the flag the sample data
 * gets (present for Maricopa and Pima, review for Pinal). */
static void make_rows(struct an_estimate_row *rows)
{
    long sr = 0, so = 0, syn = 0, syt = 0, sc = 0;

    for (int i = 0; i <= NC; i++) {
        struct an_estimate_row *r = &rows[i];
        bool state = i == NC;
        long n = state ? syn : youth_n_[i], c = state ? sc : cs[i], t = state ? syt : yt[i];

        memset(r, 0, sizeof *r);
        r->survey_year = 2025;
        snprintf(r->county, sizeof r->county, "%s", state ? AN_STATE_NAME : names[i]);
        snprintf(r->fips, sizeof r->fips, "%s", state ? AN_STATE_FIPS : fips[i]);
        r->measure = AN_MEASURE_CONFIRMED;
        r->method = AN_DESIGN_KORN_GRAUBARD;
        r->level = 0.95;
        r->respondents = state ? sr : resp[i];
        r->officers_total = state ? so : offi[i];
        r->youth_total = t;
        r->youth_n = n;
        r->cases = c;
        r->has_estimate = true;
        r->estimate = (double)c / (double)n;
        r->se = state ? 0.0036335053441545855 : se[i];
        r->ci_low = fmax(0, r->estimate - 2 * r->se);
        r->ci_high = fmin(1, r->estimate + 2 * r->se);
        r->df = (double)r->respondents - 1;
        r->has_total = true;
        r->total_estimate = r->estimate * (double)t;
        r->total_ci_low = r->ci_low * (double)t;
        r->total_ci_high = r->ci_high * (double)t;
        r->flag = state || i == MARICOPA || i == PIMA ? AN_FLAG_PRESENT
                  : i == PINAL                       ? AN_FLAG_REVIEW
                                                     : AN_FLAG_SUPPRESS;
        snprintf(r->reasons, sizeof r->reasons, "%s",
                 r->flag == AN_FLAG_SUPPRESS ? "relative CI width above 130%" : "");
        if (!state) {
            sr += resp[i];
            so += offi[i];
            syn += youth_n_[i];
            syt += yt[i];
            sc += cs[i];
        }
    }
}

struct fixture {
    struct an_estimate_row rows[NC + 1];
    struct an_sae_row sae[NC + 1];
    struct an_sae_summary summary;
    struct rep_report_input in;
    struct rep_pub_table table;
};

/* The rows, the model on them (REML, no transform) and the published
 * table with its model-based cells. */
static void fit(struct fixture *f, long min_cell)
{
    struct an_sae_options opt = {AN_FH_REML, AN_SAE_TRANSFORM_NONE, 0.95};
    struct prev_error err;

    memset(f, 0, sizeof *f);
    make_rows(f->rows);
    assert_int_equal(an_sae_compute(f->rows, NC + 1, NULL, &opt, f->sae, &f->summary, &err), 0);
    f->in.survey_year = 2025;
    f->in.measure = AN_MEASURE_CONFIRMED;
    f->in.level = 0.95;
    f->in.min_cell = min_cell;
    f->in.has_frame = true;
    f->in.rows = f->rows;
    f->in.officer_rows = f->rows;
    f->in.ncounties = NC;
    f->in.sae = (struct rep_report_sae){
        .requested = true, .on = true, .opt = opt, .rows = f->sae, .counties = NC,
        .m = f->summary.m, .n_gvf = f->summary.n_gvf, .converged = true,
    };
    assert_int_equal(rep_publish_table(f->rows, NC, min_cell, &f->table), 0);
    prev_error_clear(&err);
    assert_int_equal(rep_publish_sae(&f->in, &f->table, &err), 0);
}

static void done(struct fixture *f)
{
    an_sae_summary_free(&f->summary);
}

static char *to_string(int (*fn)(FILE *, const struct rep_pub_table *), const struct rep_pub_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(fn(fp, t), 0);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* The reason the report treats a shown model-based estimate as a shown
 * count: from the printed estimate (one decimal), the weight gamma and the
 * model's prediction, which a reader can rebuild, Cochise's count comes
 * back exactly. */
static void test_sae_model_estimate_gives_count_back(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    (void)state;
    fit(f, 10);
    for (int i = 0, k = 0; i < NC; i++) {
        double gamma = f->sae[i].weight, printed = round(f->sae[i].estimate * 1000) / 1000;
        /* A census county is known and not in the fit (gamma 1: its
         * model-based estimate is its direct one); the others are, in order. */
        bool census = f->sae[i].variance_source == AN_SAE_VAR_CENSUS;
        double synthetic = census ? 0.0 : f->summary.fit.synthetic[k++];
        double back = (printed - (1 - gamma) * synthetic) / gamma * (double)youth_n_[i];
        /* Rounding error 0.0005 youth_n / gamma: under half a case here. */
        if (0.0005 * (double)youth_n_[i] / gamma >= 0.5)
            continue;
        if (lround(back) != cs[i]) {
            print_error("%s: %.3f cases back from %.1f%%, has %ld\n", names[i], back,
                        printed * 100, cs[i]);
            fail();
        }
    }
    /* Cochise, a small count, among them. */
    assert_true(0.0005 * (double)youth_n_[COCHISE] / f->sae[COCHISE].weight < 0.5);
    done(f);
    free(f);
}

/* What the 2025 report shows: the direct counties and Yuma (11 cases,
 * its direct estimate unreliable) get a model-based estimate; counties
 * with a small count read "x" (note g) even where the model is reliable;
 * counties whose model-based interval is too wide read "*" (note f). */
static void test_sae_publish_sample_2025(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    char buf[32];
    (void)state;
    fit(f, 10);
    assert_true(f->table.has_sae);
    for (int i = 0; i < NC; i++) {
        const struct rep_pub_sae_row *m = &f->table.sae[i];
        /* A 0 out of fewer than 10 youth reads "<10" like a small count. */
        bool small = rep_hides_small(cs[i], youth_n_[i], 10);
        if (i == MARICOPA || i == PIMA || i == YUMA) {
            assert_int_equal(m->shown, REP_SAE_SHOWN);
            rep_fmt_pct(buf, sizeof buf, f->sae[i].estimate);
            assert_string_equal(m->cell[REP_PUB_SAE_ESTIMATE], buf);
            rep_fmt_pct(buf, sizeof buf, f->sae[i].ci_low);
            assert_string_equal(m->cell[REP_PUB_SAE_CI_LOW], buf);
            rep_fmt_pct(buf, sizeof buf, f->sae[i].ci_high);
            assert_string_equal(m->cell[REP_PUB_SAE_CI_HIGH], buf);
            assert_string_equal(m->cell[REP_PUB_SAE_FLAG], "present");
            assert_true(m->plotted);
        } else if (small) {
            assert_int_equal(m->shown, REP_SAE_HIDDEN_OWN);
            assert_string_equal(m->cell[REP_PUB_SAE_ESTIMATE], "x");
            assert_true(f->table.row[i].notes[REP_NOTE_SAE_PROTECT]);
            assert_false(m->plotted);
        } else {
            /* The zeros: their model-based intervals are too wide. */
            assert_false(an_sae_presentable(&f->sae[i]));
            assert_int_equal(m->shown, REP_SAE_UNRELIABLE);
        }
    }
    assert_string_equal(f->table.sae[NC].cell[REP_PUB_SAE_ESTIMATE], "-");
    assert_true(f->table.used[REP_NOTE_SAE_NCHS] && f->table.used[REP_NOTE_SAE_PROTECT]);
    done(f);
    free(f);
}

/* A model-based estimate flagged unreliable (suppress on its MSE) reads
 * "*" in every column, its flag "suppress", its reasons listed, note f. */
static void test_sae_unreliable_shown_as_star(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    char *csv;
    (void)state;
    fit(f, 10);
    assert_false(an_sae_presentable(&f->sae[APACHE]));
    const struct rep_pub_sae_row *m = &f->table.sae[APACHE];
    assert_int_equal(m->shown, REP_SAE_UNRELIABLE);
    for (int c = 0; c < REP_PUB_SAE_FLAG; c++)
        assert_string_equal(m->cell[c], "*");
    assert_string_equal(m->cell[REP_PUB_SAE_FLAG], "suppress");
    assert_non_null(strstr(m->reasons, "relative CI width above 130%"));
    assert_true(f->table.row[APACHE].notes[REP_NOTE_SAE_NCHS]);
    assert_non_null(strstr(f->table.row[APACHE].cell[REP_PUB_NOTES], "f"));
    csv = to_string(rep_write_table_csv, &f->table);
    assert_non_null(strstr(csv, "Apache,04001,2,2,100,47,*,*,*,*,*,*,*,suppress,b f,*,*,*,"
                                "suppress\r\n"));
    free(csv);

    /* The format alone: an estimate of 0 is not named for a hidden one. */
    struct an_sae_row r = {.has_sae = true, .estimate = 0, .ci_low = 0, .ci_high = 0.4,
                           .flag = AN_FLAG_SUPPRESS};
    struct rep_pub_sae_row out;
    snprintf(r.reasons, sizeof r.reasons, "absolute CI width 0.30 or more; estimate is 0");
    rep_sae_format(&r, REP_SAE_UNRELIABLE, &out);
    assert_string_equal(out.cell[REP_PUB_SAE_ESTIMATE], "*");
    assert_string_equal(out.reasons, "absolute CI width 0.30 or more");
    done(f);
    free(f);
}

/* Yuma's count (11) is not small, so its model-based estimate may give it
 * away, as long as the subtraction from Arizona's total then reveals no
 * small count. With only one other county hidden (Coconino, 3 cases),
 * Yuma's known count would give that 3 back: Yuma's model-based estimate
 * is hidden. */
static void test_sae_protect_hides_estimate_that_pins_by_subtraction(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rep_protect_cells cells[NC + 1];
    enum rep_sae_shown out[NC + 1];
    struct prev_error err;
    (void)state;
    fit(f, 10);
    /* Every county shown but Coconino (3 cases, "<10") and Yuma ("*"). */
    for (int i = 0; i <= NC; i++)
        cells[i] = (struct rep_protect_cells){REP_HIDE_NONE, REP_MARK_SHOW, REP_MARK_SHOW,
                                             REP_MARK_SHOW};
    cells[2] = (struct rep_protect_cells){REP_HIDE_SMALL, REP_MARK_SMALL, REP_MARK_SMALL,
                                         REP_MARK_PROTECT};
    cells[YUMA] = (struct rep_protect_cells){REP_HIDE_NCHS, REP_MARK_NCHS, REP_MARK_NCHS,
                                            REP_MARK_NCHS};
    assert_true(an_sae_presentable(&f->sae[YUMA]));
    assert_int_equal(rep_sae_protect(f->rows, NC, cells, 10, f->sae, &f->in.sae.cov,
                                    &f->in.sae.opt, out, &err), 0);
    assert_int_equal(out[2], REP_SAE_HIDDEN_OWN);
    assert_int_equal(out[YUMA], REP_SAE_HIDDEN_OTHER);
    /* (test_sae_publish_sample_2025 is the contrast: there eleven other
     * counties are hidden and Yuma's estimate is shown.) */
    done(f);
    free(f);
}

/* With min_cell 1 nothing is small: every reliable model-based estimate
 * is shown, whatever hides the direct one. */
static void test_sae_publish_min_cell_1_shows_reliable(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    (void)state;
    fit(f, 1);
    for (int i = 0; i < NC; i++)
        assert_int_equal(f->table.sae[i].shown,
                         an_sae_presentable(&f->sae[i]) ? REP_SAE_SHOWN : REP_SAE_UNRELIABLE);
    done(f);
    free(f);
}

/* The fit handed to the report must be the one the refits reproduce. */
static void test_sae_protect_rejects_foreign_fit(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    struct rep_protect_cells cells[NC + 1];
    enum rep_sae_shown out[NC + 1];
    struct prev_error err;
    (void)state;
    fit(f, 10);
    for (int i = 0; i <= NC; i++)
        cells[i] = f->table.row[i].marks;
    f->sae[YUMA].estimate += 0.01;
    prev_error_clear(&err);
    assert_int_equal(rep_sae_protect(f->rows, NC, cells, 10, f->sae, &f->in.sae.cov,
                                    &f->in.sae.opt, out, &err), PREV_EX_SOFTWARE);
    assert_non_null(strstr(err.msg, "differs"));
    done(f);
    free(f);
}

/* CSV: the model-based columns appended after notes; Markdown: under
 * "Model-based" headings; both print the very cells of the table. */
static void test_sae_tables_carry_model_columns(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    char *csv, *md, line[256];
    (void)state;
    fit(f, 10);
    csv = to_string(rep_write_table_csv, &f->table);
    assert_non_null(strstr(csv, ",flag,notes,sae_estimate_pct,sae_ci_low_pct,sae_ci_high_pct,"
                                "sae_flag\r\n"));
    const struct rep_pub_sae_row *y = &f->table.sae[YUMA];
    snprintf(line, sizeof line, ",%s,%s,%s,present\r\nArizona", y->cell[REP_PUB_SAE_ESTIMATE],
             y->cell[REP_PUB_SAE_CI_LOW], y->cell[REP_PUB_SAE_CI_HIGH]);
    assert_non_null(strstr(csv, line));
    assert_non_null(strstr(csv, ",-,-,-,-\r\n"));    /* the state has no model */
    md = malloc(64 * 1024);
    {
        FILE *fp = fmemopen(md, 64 * 1024, "w");
        assert_int_equal(rep_write_table_md(fp, &f->table, "T"), 0);
        fclose(fp);
    }
    assert_non_null(strstr(md, "| Model-based estimate % | Model-based 95% CI low % |"));
    snprintf(line, sizeof line, "| %s | %s | %s | present |", y->cell[REP_PUB_SAE_ESTIMATE],
             y->cell[REP_PUB_SAE_CI_LOW], y->cell[REP_PUB_SAE_CI_HIGH]);
    assert_non_null(strstr(md, line));
    assert_non_null(strstr(md, "- Apache, model-based (f): relative CI width above 130%"));
    free(csv);
    free(md);

    /* Without the model, no model column anywhere. */
    f->table.has_sae = false;
    csv = to_string(rep_write_table_csv, &f->table);
    assert_null(strstr(csv, "sae_"));
    free(csv);
    done(f);
    free(f);
}

/* The forest plot draws one model-based mark per shown model-based
 * estimate (class ci-model) and a legend; the map dots a county only
 * where the model stands in for a hidden direct estimate. */
static void test_sae_figures_draw_shown_model_estimates(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    char *svg = NULL, mark[64];
    size_t len = 0, shown = 0, dotted = 0;
    FILE *fp;
    (void)state;
    fit(f, 10);
    for (int i = 0; i < NC; i++) {
        shown += f->table.sae[i].plotted;
        dotted += f->table.sae[i].plotted && !f->table.row[i].plotted;
    }
    assert_int_equal(shown, 3);
    assert_int_equal(dotted, 1);
    fp = open_memstream(&svg, &len);
    assert_int_equal(rep_write_forest_svg(fp, &f->table, f->rows), 0);
    fclose(fp);
    assert_int_equal(count(svg, "<g class=\"ci-model\""), shown);
    for (int i = 0; i < NC; i++) {
        snprintf(mark, sizeof mark, "<g class=\"ci-model\" data-fips=\"%s\"", fips[i]);
        assert_int_equal(count(svg, mark), f->table.sae[i].plotted ? 1 : 0);
    }
    assert_non_null(strstr(svg, "model-based (small-area model)"));
    /* Yuma's direct estimate is hidden: its row has no "suppressed" text. */
    assert_null(strstr(svg, "data-fips=\"04027\" x="));
    free(svg);
    svg = NULL;
    /* By default the map shows direct estimates only: Yuma, whose direct
     * estimate is hidden, is hatched, not coloured by its model value. */
    fp = open_memstream(&svg, &len);
    assert_int_equal(rep_write_map_svg(fp, &f->table, f->rows, NULL), 0);
    fclose(fp);
    assert_int_equal(count(svg, "class=\"county model\""), 0);
    assert_non_null(strstr(svg, "class=\"county hidden\" data-fips=\"04027\""));
    assert_null(strstr(svg, "model-based"));
    free(svg);
    svg = NULL;
    /* report --map model: the model-based values, dotted and said so. */
    const struct rep_map_options mo = {.model = true, .survey_year = 2025};
    fp = open_memstream(&svg, &len);
    assert_int_equal(rep_write_map_svg(fp, &f->table, f->rows, &mo), 0);
    fclose(fp);
    assert_int_equal(count(svg, "class=\"county model\""), dotted);
    assert_non_null(strstr(svg, "class=\"county model\" data-fips=\"04027\""));
    assert_non_null(strstr(svg, "dotted: model-based"));
    free(svg);
    done(f);
    free(f);
}

/* estimates.json: the sae_* fields on every row and the model's
 * parameters in the manifest. */
static void test_sae_estimates_json(void **state)
{
    struct fixture *f = malloc(sizeof *f);
    char *buf = NULL;
    size_t len = 0;
    struct prev_error err;
    FILE *fp;
    (void)state;
    fit(f, 10);
    f->in.sae.officer_rows = NULL;
    fp = open_memstream(&buf, &len);
    assert_int_equal(rep_write_estimates_json(fp, &f->in, &err), 0);
    fclose(fp);
    assert_int_equal(count(buf, "\"sae_estimate\""), 2 * (NC + 1));
    assert_non_null(strstr(buf, "\"small_area\": true"));
    assert_non_null(strstr(buf, "\"sae_fit\": \"reml\""));
    assert_non_null(strstr(buf, "\"sae_transform\": \"none\""));
    assert_non_null(strstr(buf, "\"sae_covariates\": []"));
    assert_non_null(strstr(buf, "\"sae_covariates_file\": null"));
    /* The officer rows, without a model, say so. */
    assert_non_null(strstr(buf, "\"sae_reasons\": \"no model-based estimate\""));
    free(buf);
    buf = NULL;

    /* Asked for but not fitted: the manifest says why. */
    f->in.sae.on = false;
    snprintf(f->in.sae.fallback, sizeof f->in.sae.fallback, "too few counties");
    fp = open_memstream(&buf, &len);
    assert_int_equal(rep_write_estimates_json(fp, &f->in, &err), 0);
    fclose(fp);
    assert_null(strstr(buf, "\"sae_estimate\""));
    assert_non_null(strstr(buf, "\"small_area\": false"));
    assert_non_null(strstr(buf, "\"small_area_note\": \"too few counties\""));
    free(buf);
    done(f);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sae_model_estimate_gives_count_back),
        cmocka_unit_test(test_sae_publish_sample_2025),
        cmocka_unit_test(test_sae_unreliable_shown_as_star),
        cmocka_unit_test(test_sae_protect_hides_estimate_that_pins_by_subtraction),
        cmocka_unit_test(test_sae_publish_min_cell_1_shows_reliable),
        cmocka_unit_test(test_sae_protect_rejects_foreign_fit),
        cmocka_unit_test(test_sae_tables_carry_model_columns),
        cmocka_unit_test(test_sae_figures_draw_shown_model_estimates),
        cmocka_unit_test(test_sae_estimates_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
