/* The report's pure parts on hand-made estimate rows: what the published
 * table shows, that the CSV, Markdown and HTML print the same cells, the
 * figures draw exactly the published rows, estimates.json keeps full
 * precision, the export bundle's manifest, and the output folder writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "az_shapes.h"
#include "export.h"
#include "nchs.h"
#include "outdir.h"
#include "report.h"
#include "sha256.h"

#define NC 15

static const char *const names[NC] = {
    "Apache", "Cochise", "Coconino", "Gila", "Graham", "Greenlee", "La Paz", "Maricopa",
    "Mohave", "Navajo", "Pima", "Pinal", "Santa Cruz", "Yavapai", "Yuma"};
static const char *const fips[NC] = {
    "04001", "04003", "04005", "04007", "04009", "04011", "04012", "04013",
    "04015", "04017", "04019", "04021", "04023", "04025", "04027"};

/* A row with plausible numbers: cases out of youth_n, se from a design
 * effect of 1.5, a symmetric interval, flag as given. */
static void make_row(struct an_estimate_row *r, const char *name, const char *f,
                     enum an_measure m, long resp, long officers, long youth_total,
                     long youth_n, long cases, enum an_flag flag)
{
    memset(r, 0, sizeof *r);
    r->survey_year = 2025;
    snprintf(r->county, sizeof r->county, "%s", name);
    snprintf(r->fips, sizeof r->fips, "%s", f);
    r->measure = m;
    r->method = AN_DESIGN_KORN_GRAUBARD;
    r->level = 0.95;
    r->respondents = resp;
    r->officers_total = officers;
    r->youth_total = youth_total;
    r->youth_n = youth_n;
    r->cases = cases;
    r->has_estimate = resp > 0 && youth_n > 0;
    if (!r->has_estimate) {
        r->estimate = r->se = r->ci_low = r->ci_high = r->df = r->deff = r->n_eff = NAN;
        r->total_estimate = r->total_ci_low = r->total_ci_high = NAN;
        r->flag = AN_FLAG_SUPPRESS;
        snprintf(r->reasons, sizeof r->reasons, "no data");
        return;
    }
    r->estimate = (double)cases / (double)youth_n;
    r->se = sqrt(1.5 * r->estimate * (1 - r->estimate) / (double)youth_n);
    r->ci_low = fmax(0, r->estimate - 2 * r->se);
    r->ci_high = fmin(1, r->estimate + 2 * r->se);
    r->df = (double)resp - 1;
    r->deff = 1.5;
    r->n_eff = (double)youth_n / 1.5;
    r->has_total = true;
    r->total_estimate = r->estimate * (double)youth_total;
    r->total_ci_low = r->ci_low * (double)youth_total;
    r->total_ci_high = r->ci_high * (double)youth_total;
    r->flag = flag;
    if (flag == AN_FLAG_SUPPRESS)
        snprintf(r->reasons, sizeof r->reasons, "effective sample size below 30; %s",
                 REP_REASON_EXTREME);
    else if (flag == AN_FLAG_REVIEW)
        snprintf(r->reasons, sizeof r->reasons, "degrees of freedom below 8");
}

/* Counties: several small, one NCHS-suppressed, one without data. */
static void make_rows(struct an_estimate_row *rows, enum an_measure m)
{
    static const long resp[NC] = {2, 2, 3, 1, 1, 1, 1, 80, 5, 3, 16, 6, 1, 5, 7};
    static const long offi[NC] = {2, 3, 3, 1, 2, 1, 1, 110, 9, 4, 22, 10, 1, 8, 10};
    static const long ytot[NC] = {47, 68, 81, 31, 30, 5, 9, 3000, 160, 90, 600, 260, 20,
                                  150, 240};
    static const long yn[NC] = {47, 45, 81, 31, 15, 5, 9, 2200, 90, 70, 440, 150, 20, 95,
                                170};
    static const long cs[NC] = {0, 7, 3, 3, 0, 0, 1, 150, 12, 4, 30, 11, 0, 6, 14};
    long sr = 0, so = 0, sy = 0, syn = 0, sc = 0;

    for (int i = 0; i < NC; i++) {
        enum an_flag f = AN_FLAG_PRESENT;
        long r = i == 12 ? 0 : resp[i];
        if (i == 0 || i == 4)
            f = AN_FLAG_SUPPRESS;
        if (i == 8)
            f = AN_FLAG_REVIEW;
        make_row(&rows[i], names[i], fips[i], m, r, offi[i], ytot[i], r > 0 ? yn[i] : 0,
                 r > 0 ? cs[i] : 0, f);
        sr += r;
        so += offi[i];
        sy += ytot[i];
        syn += r > 0 ? yn[i] : 0;
        sc += r > 0 ? cs[i] : 0;
    }
    make_row(&rows[NC], AN_STATE_NAME, AN_STATE_FIPS, m, sr, so, sy, syn, sc,
             AN_FLAG_PRESENT);
}

static char *to_string(int (*fn)(FILE *, const struct rep_pub_table *, const void *),
                       const struct rep_pub_table *t, const void *arg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(fn(fp, t, arg), 0);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static int csv_fn(FILE *fp, const struct rep_pub_table *t, const void *arg)
{
    (void)arg;
    return rep_write_table_csv(fp, t);
}
static int md_fn(FILE *fp, const struct rep_pub_table *t, const void *arg)
{
    (void)arg;
    return rep_write_table_md(fp, t, "Counties");
}
static int forest_fn(FILE *fp, const struct rep_pub_table *t, const void *arg)
{
    return rep_write_forest_svg(fp, t, arg);
}
static int map_fn(FILE *fp, const struct rep_pub_table *t, const void *arg)
{
    return rep_write_map_svg(fp, t, arg, NULL);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_publish_marks_small_and_nchs(void **state)
{
    struct an_estimate_row rows[NC + 1];
    static struct rep_pub_table t;
    (void)state;
    make_rows(rows, AN_MEASURE_CONFIRMED);
    assert_int_equal(rep_publish_table(rows, NC, 10, &t), 0);
    /* Cochise: 7 cases -> "<10", rate and total hidden. */
    assert_string_equal(t.row[1].cell[REP_PUB_CASES], "<10");
    assert_string_equal(t.row[1].cell[REP_PUB_ESTIMATE], "x");
    assert_false(t.row[1].plotted);
    /* Apache: NCHS suppress with no case. */
    assert_string_equal(t.row[0].cell[REP_PUB_CASES], "*");
    assert_string_equal(t.row[0].cell[REP_PUB_ESTIMATE], "*");
    /* A hidden row lists no reasons: for a row without sampling variance
     * the rules that fired narrow its count (docs/methods.md). */
    assert_string_equal(t.row[0].reasons, "");
    /* A row hidden for a small count does not publish its NCHS flag. */
    assert_string_equal(t.row[1].cell[REP_PUB_FLAG], "hidden");
    /* Santa Cruz: no respondents. */
    assert_string_equal(t.row[12].cell[REP_PUB_CASES], "-");
    assert_string_equal(t.row[12].cell[REP_PUB_FLAG], "no data");
    /* Maricopa and the state are published, rounded for people. */
    assert_string_equal(t.row[7].cell[REP_PUB_CASES], "150");
    assert_string_equal(t.row[7].cell[REP_PUB_ESTIMATE], "6.8");
    assert_string_equal(t.row[7].cell[REP_PUB_TOTAL], "205");
    assert_string_equal(t.row[7].cell[REP_PUB_COVERAGE], "73");
    assert_true(t.row[NC].plotted);
    /* Mohave: shown with a review note. */
    assert_true(t.row[8].plotted);
    assert_string_equal(t.row[8].cell[REP_PUB_NOTES], "d");
    assert_true(t.used[REP_NOTE_SMALL] && t.used[REP_NOTE_NCHS] && t.used[REP_NOTE_NO_DATA]);
}

static void test_publish_reason_phrase_matches_nchs(void **state)
{
    /* copy_reasons drops nchs.c's phrase for p = 0: it must still be the
     * phrase nchs.c writes. */
    struct an_nchs_input in = {true, 0.0, 0.0, 0.02, 500, 500, 30};
    struct an_nchs_result res;
    (void)state;
    an_nchs_evaluate(&in, &res);
    assert_non_null(strstr(res.reasons, REP_REASON_EXTREME));
}

static void test_tables_csv_md_agree(void **state)
{
    struct an_estimate_row rows[NC + 1];
    static struct rep_pub_table t;
    char *csv, *md, *line, *save = NULL;
    size_t i = 0;
    (void)state;
    make_rows(rows, AN_MEASURE_CONFIRMED);
    assert_int_equal(rep_publish_table(rows, NC, 10, &t), 0);
    csv = to_string(csv_fn, &t, NULL);
    md = to_string(md_fn, &t, NULL);
    assert_true(strncmp(csv, "county,fips,respondents,", 24) == 0);
    /* Each CSV line is the row's cells; the Markdown row shows the same. */
    for (line = strtok_r(csv, "\r\n", &save); line != NULL; line = strtok_r(NULL, "\r\n", &save)) {
        char want[1024] = "";
        if (i > 0) {
            const struct rep_pub_row *r = &t.row[i - 1];
            for (int c = 0; c < REP_PUB_NCOLS; c++)
                snprintf(want + strlen(want), sizeof want - strlen(want), "%s%s",
                         c > 0 ? "," : "", r->cell[c]);
            assert_string_equal(line, want);
        }
        i++;
    }
    assert_int_equal(i, NC + 2);
    assert_non_null(strstr(md, "| Cochise | 2 | 3 | 67 | 45 | \\<10 | x | x | x | x | x | x |"
                               " hidden | a c |"));
    assert_non_null(strstr(md, "| Maricopa | 80 | 110 | 73 | 2200 | 150 | 6.8 |"));
    assert_null(strstr(md, "- Apache (b):"));
    free(csv);
    free(md);
}

static void test_figures_draw_published_rows_only(void **state)
{
    struct an_estimate_row rows[NC + 1];
    static struct rep_pub_table t;
    char *forest, *map;
    int plotted = 0;
    (void)state;
    make_rows(rows, AN_MEASURE_CONFIRMED);
    assert_int_equal(rep_publish_table(rows, NC, 10, &t), 0);
    for (int i = 0; i < NC; i++)
        plotted += t.row[i].plotted;
    forest = to_string(forest_fn, &t, rows);
    map = to_string(map_fn, &t, rows);
    assert_int_equal(count(forest, "<g class=\"ci\""), plotted);
    assert_int_equal(count(forest, "<g class=\"ci state\""), 1);
    assert_int_equal(count(forest, "class=\"hidden-est\""), NC - plotted);
    assert_int_equal(count(forest, "class=\"state-line\""), 1);
    assert_int_equal(count(map, "<path class=\"county "), (int)rep_az_shapes_n);
    assert_int_equal(rep_az_shapes_n, NC);
    assert_int_equal(count(map, "<path class=\"county shown\""), plotted);
    assert_int_equal(count(map, "<path class=\"county nodata\""), 1);
    assert_non_null(strstr(map, "data-fips=\"04013\""));
    /* No figure names a hidden rate. */
    assert_null(strstr(forest, "Cochise: "));
    free(forest);
    free(map);
}

static void fill_input(struct rep_report_input *in, const struct an_estimate_row *rows,
                       const struct an_estimate_row *officers)
{
    static struct rep_batch_info batch = {
        1, "responses", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "responses-maricopa.csv", 80, "2025-07-01T10:00:00Z"};
    memset(in, 0, sizeof *in);
    in->survey_year = 2025;
    in->measure = AN_MEASURE_CONFIRMED;
    in->method = AN_DESIGN_KORN_GRAUBARD;
    in->level = 0.95;
    in->lonely = AN_LONELY_ADJUST;
    in->min_cell = 10;
    in->has_frame = true;
    in->rows = rows;
    in->officer_rows = officers;
    in->ncounties = NC;
    in->batches = &batch;
    in->nbatches = 1;
    snprintf(in->data_as_of, sizeof in->data_as_of, "2025-07-01T10:00:00Z");
    snprintf(in->generated_at, sizeof in->generated_at, "2025-07-02T08:00:00Z");
    snprintf(in->tool_version, sizeof in->tool_version, "0.1.0");
}

static void test_html_is_self_contained(void **state)
{
    struct an_estimate_row rows[NC + 1], off[NC + 1];
    static struct rep_pub_table t, to;
    struct rep_report_input in;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp;
    (void)state;
    make_rows(rows, AN_MEASURE_CONFIRMED);
    make_rows(off, AN_MEASURE_OFFICER_ANY);
    fill_input(&in, rows, off);
    assert_int_equal(rep_publish_table(rows, NC, 10, &t), 0);
    assert_int_equal(rep_publish_table(off, NC, 10, &to), 0);
    fp = open_memstream(&buf, &len);
    assert_int_equal(rep_write_report_html(fp, &in, &t, &to), 0);
    fclose(fp);
    assert_true(strncmp(buf, "<!DOCTYPE html>", 15) == 0);
    /* Nothing to fetch: no script, no link, no url(), no remote address. */
    assert_null(strstr(buf, "<script"));
    assert_null(strstr(buf, "<link"));
    assert_null(strstr(buf, "<img"));
    assert_null(strstr(buf, "http://www.w3.org/1999"));
    assert_int_equal(count(buf, "https://"), 0);
    assert_int_equal(count(buf, "http://"), count(buf, "xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(buf, "id=\"headline-estimate\">7.0%<"));
    assert_non_null(strstr(buf, "<table id=\"county-table\">"));
    assert_non_null(strstr(buf, "<table id=\"officer-table\">"));
    assert_non_null(strstr(buf, "No count of victims from 1 to 9 is published"));
    assert_non_null(strstr(buf, "Korn-Graubard"));
    assert_non_null(strstr(buf, "effective sample size is below 30"));
    assert_int_equal(count(buf, "<svg "), 2);
    free(buf);
}

static void test_estimates_json_full_precision_and_manifest(void **state)
{
    struct an_estimate_row rows[NC + 1], off[NC + 1];
    struct rep_report_input in;
    struct prev_error err;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp;
    json_t *doc, *arr, *man;
    json_error_t jerr;
    (void)state;
    make_rows(rows, AN_MEASURE_CONFIRMED);
    make_rows(off, AN_MEASURE_OFFICER_ANY);
    fill_input(&in, rows, off);
    fp = open_memstream(&buf, &len);
    assert_int_equal(rep_write_estimates_json(fp, &in, &err), 0);
    fclose(fp);
    doc = json_loads(buf, 0, &jerr);
    assert_non_null(doc);
    arr = json_object_get(doc, "rows");
    assert_int_equal(json_array_size(arr), 2 * (NC + 1));
    /* Cochise's unprotected count and exact estimate are there. */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(arr, 1), "cases")), 7);
    assert_true(json_real_value(json_object_get(json_array_get(arr, 1), "estimate")) ==
                rows[1].estimate);
    man = json_object_get(doc, "manifest");
    assert_string_equal(json_string_value(json_object_get(man, "version")), "0.1.0");
    assert_null(json_object_get(man, "git_commit"));
    assert_int_equal(json_integer_value(json_object_get(json_object_get(man, "parameters"),
                                                        "min_cell")), 10);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(man, "batches"), 0), "sha256")),
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    json_decref(doc);
    free(buf);
}

static void test_export_bundle_manifest(void **state)
{
    struct an_estimate_row rows[NC + 1], off[NC + 1];
    struct rep_report_input in;
    struct rep_export_response resp[2] = {
        {2025, "04001", "Apache", "APA-2025-0001", "probation_officer", 25, 0, 1},
        {2025, "04013", "Maricopa", "MAR-2025-0042", "supervisor", 30, 2, 0}};
    struct rep_export_frame fr[1] = {{2025, "Apache", 2, 47}};
    struct rep_export_input ex;
    struct rep_outfiles set = {0};
    struct prev_error err;
    const struct rep_outfile *manifest, *responses;
    (void)state;
    make_rows(rows, AN_MEASURE_CONFIRMED);
    make_rows(off, AN_MEASURE_OFFICER_ANY);
    fill_input(&in, rows, off);
    ex = (struct rep_export_input){&in, resp, 2, fr, 1};
    /* The made-up rows are no sums of any data, so the disclosure audit's
     * model of them cannot hold; the bundle's tables with the audit are
     * tested on real data (tests/report/export_r.sh). */
    setenv("PREVALENCE_TEST_NO_AUDIT", "1", 1);
    if (rep_export_build(&ex, &set, &err) != 0)
        print_error("rep_export_build: %s: %s\n", err.where, err.msg);
    unsetenv("PREVALENCE_TEST_NO_AUDIT");
    assert_int_equal(err.code, 0);
    /* No trend (one year), no model in this input: 8 files. */
    assert_int_equal(set.n, 8);
    responses = &set.file[0];
    assert_string_equal(responses->name, "responses.csv");
    assert_non_null(strstr(responses->data, "2025,Maricopa,R0002,supervisor,30,2,0\n"));
    assert_null(strstr(responses->data, "MAR-2025"));
    assert_non_null(strstr(set.file[2].data, "measure <- \"confirmed\"\n"));
    assert_non_null(strstr(set.file[2].data, "svydesign(ids = ~respondent_id"));
    assert_string_equal(set.file[3].name, "expected/estimates.csv");
    assert_true(strncmp(set.file[3].data, "survey_year,county,fips,measure,", 32) == 0);
    assert_string_equal(set.file[4].name, "expected/table_county_estimates.csv");
    assert_string_equal(set.file[5].name, "expected/table_officer_measure.csv");
    manifest = &set.file[7];
    assert_string_equal(manifest->name, "MANIFEST.sha256");
    for (size_t i = 0; i < 7; i++) {
        struct prev_sha256 *h = prev_sha256_new();
        char hex[65], line[200];
        prev_sha256_update(h, set.file[i].data, set.file[i].len);
        prev_sha256_final(h, hex);
        snprintf(line, sizeof line, "%s  %s\n", hex, set.file[i].name);
        assert_non_null(strstr(manifest->data, line));
    }
    assert_int_equal(count(manifest->data, "\n"), 7);
    rep_outfiles_free(&set);
}

static void test_outdir_writes_whole_set_or_nothing(void **state)
{
    char dir[] = "/tmp/test_report.XXXXXX", path[256], buf[64];
    struct rep_outfiles set = {0};
    struct prev_error err;
    FILE *fp, *in;
    struct stat st;
    (void)state;
    assert_non_null(mkdtemp(dir));
    fp = rep_outfiles_open(&set, "a.txt");
    fputs("alpha\n", fp);
    assert_int_equal(rep_outfiles_close(&set, fp), 0);
    fp = rep_outfiles_open(&set, "tables/b.csv");
    fputs("beta\n", fp);
    assert_int_equal(rep_outfiles_close(&set, fp), 0);
    snprintf(path, sizeof path, "%s/out", dir);
    assert_int_equal(rep_outdir_write(path, &set, NULL, 0, &err), 0);
    snprintf(path, sizeof path, "%s/out/tables/b.csv", dir);
    in = fopen(path, "r");
    assert_non_null(in);
    assert_non_null(fgets(buf, sizeof buf, in));
    assert_string_equal(buf, "beta\n");
    fclose(in);
    /* "tables" is a file in the second folder: nothing at all is written. */
    snprintf(path, sizeof path, "%s/bad", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/bad/tables", dir);
    fclose(fopen(path, "w"));
    snprintf(path, sizeof path, "%s/bad", dir);
    assert_int_equal(rep_outdir_write(path, &set, NULL, 0, &err), PREV_EX_CANTCREAT);
    assert_non_null(strstr(err.where, "tables"));
    snprintf(path, sizeof path, "%s/bad/a.txt", dir);
    assert_int_equal(stat(path, &st), -1);
    assert_int_equal(errno, ENOENT);
    rep_outfiles_free(&set);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    assert_int_equal(system(path), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_publish_marks_small_and_nchs),
        cmocka_unit_test(test_publish_reason_phrase_matches_nchs),
        cmocka_unit_test(test_tables_csv_md_agree),
        cmocka_unit_test(test_figures_draw_published_rows_only),
        cmocka_unit_test(test_html_is_self_contained),
        cmocka_unit_test(test_estimates_json_full_precision_and_manifest),
        cmocka_unit_test(test_export_bundle_manifest),
        cmocka_unit_test(test_outdir_writes_whole_set_or_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
