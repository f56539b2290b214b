/* Unit tests for synth/: the generator's determinism, its plan and the
 * consistency of what it writes. */
/* nftw is an X/Open extension. */
#define _XOPEN_SOURCE 700

#include <ftw.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rng.h"
#include "synth.h"

/* ---- helpers -------------------------------------------------------------- */

/* Read a whole file; the caller frees the buffer. */
static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (fp == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0
        && (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, fp);
        buf[*len] = '\0';
    }
    fclose(fp);
    return buf;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void make_tmpdir(char *buf, size_t size)
{
    const char *base = getenv("TMPDIR");

    snprintf(buf, size, "%s/test_synth.XXXXXX", base != NULL ? base : "/tmp");
    assert_non_null(mkdtemp(buf));
}

static void remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* One county's rows for (seed, year), as CSV bytes in memory. */
static char *county_bytes(uint64_t seed, int year, long scale, int idx, size_t *len)
{
    struct syn_year_plan plan;
    struct prev_error err;
    char *buf = NULL;
    FILE *fp;

    prev_error_clear(&err);
    assert_int_equal(syn_plan_year(seed, year, scale, &plan, &err), 0);
    fp = open_memstream(&buf, len);
    assert_non_null(fp);
    assert_int_equal(syn_write_county_rows(fp, "memory", &plan, idx, NULL, &err), 0);
    assert_int_equal(fclose(fp), 0);
    return buf;
}

static void assert_same_file(const char *a, const char *b)
{
    size_t la = 0, lb = 0;
    char *x = slurp(a, &la), *y = slurp(b, &lb);

    assert_non_null(x);
    assert_non_null(y);
    if (la != lb || memcmp(x, y, la) != 0)
        fail_msg("%s and %s differ (%zu and %zu bytes)", a, b, la, lb);
    free(x);
    free(y);
}

/* ---- rng ------------------------------------------------------------------ */

/* The generator rests on mt19937 giving the same sequence everywhere:
 * 3499211612 is its first output for seed 5489 and 4123659995 its
 * 10000th (the value C++11 [rand.predef] requires of std::mt19937). */
static void test_rng_mt19937_reference_values(void **state)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    uint32_t v = 0;

    (void)state;
    assert_non_null(r);
    gsl_rng_set(r, 5489);
    assert_int_equal(syn_rng_u32(r), 3499211612u);
    for (int i = 2; i <= 10000; i++)
        v = syn_rng_u32(r);
    assert_int_equal(v, 4123659995u);
    gsl_rng_free(r);
}

static void test_rng_streams_differ(void **state)
{
    uint32_t base = syn_stream_seed(271, 2025, 0, SYN_STREAM_PLAN);

    (void)state;
    assert_int_equal(base, syn_stream_seed(271, 2025, 0, SYN_STREAM_PLAN));
    assert_int_not_equal(base, syn_stream_seed(272, 2025, 0, SYN_STREAM_PLAN));
    assert_int_not_equal(base, syn_stream_seed(271, 2024, 0, SYN_STREAM_PLAN));
    assert_int_not_equal(base, syn_stream_seed(271, 2025, 1, SYN_STREAM_PLAN));
    assert_int_not_equal(base, syn_stream_seed(271, 2025, 0, SYN_STREAM_ROSTER));
}

static void test_rng_between_stays_in_range(void **state)
{
    gsl_rng *r = syn_rng_new(1, 2025, 0, SYN_STREAM_ROSTER);
    int seen[7] = {0};

    (void)state;
    assert_non_null(r);
    for (int i = 0; i < 7000; i++) {
        long v = syn_rng_between(r, -3, 3);
        assert_in_range(v + 3, 0, 6);
        seen[v + 3]++;
    }
    for (int i = 0; i < 7; i++)
        assert_true(seen[i] > 800);   /* each about 1000 */
    gsl_rng_free(r);
}

/* ---- counties ------------------------------------------------------------- */

static void test_county_index_by_name_slug_fips(void **state)
{
    (void)state;
    assert_int_equal(syn_county_index("La Paz"), 6);
    assert_int_equal(syn_county_index("la-paz"), 6);
    assert_int_equal(syn_county_index("04012"), 6);
    assert_int_equal(syn_county_index("Maricopa"), 7);
    assert_int_equal(syn_county_index("Phoenix"), -1);
    for (int i = 0; i < SYN_NCOUNTIES; i++)
        assert_int_equal(syn_county_index(syn_counties[i].fips), i);
}

/* ---- plan ----------------------------------------------------------------- */

static void test_plan_base_has_census_and_lonely_county(void **state)
{
    struct syn_year_plan plan;
    struct prev_error err;

    (void)state;
    for (int year = 2000; year <= 2100; year += 5) {
        long officers = 0, census = 0, lonely = 0;

        assert_int_equal(syn_plan_year(99, year, 0, &plan, &err), 0);
        for (int i = 0; i < SYN_NCOUNTIES; i++) {
            const struct syn_county_plan *cp = &plan.county[i];
            assert_true(cp->respondents >= 1 && cp->respondents <= cp->officers_total);
            officers += cp->officers_total;
            census += cp->respondents == cp->officers_total && cp->officers_total >= 2;
            lonely += cp->respondents == 1 && cp->officers_total >= 2;
        }
        if (census == 0 || lonely == 0 || officers < 100 || officers > 260)
            fail_msg("year %d: %ld officers, %ld census, %ld lonely counties", year,
                     officers, census, lonely);
    }
}

static void test_plan_rejects_bad_year_and_scale(void **state)
{
    struct syn_year_plan plan;
    struct prev_error err;

    (void)state;
    prev_error_clear(&err);
    assert_int_equal(syn_plan_year(1, 1999, 0, &plan, &err), PREV_EX_USAGE);
    assert_non_null(strstr(err.msg, "1999"));
    assert_int_equal(syn_plan_year(1, 2101, 0, &plan, &err), PREV_EX_USAGE);
    assert_int_equal(syn_plan_year(1, 2025, 14, &plan, &err), PREV_EX_USAGE);
    assert_int_equal(syn_plan_year(1, 2025, 15, &plan, &err), 0);
}

static void test_plan_scale_gives_exact_rows_and_keeps_rates(void **state)
{
    struct syn_year_plan base, big;
    struct prev_error err;
    const long scales[] = {15, 10000, 123457, 10000000};

    (void)state;
    assert_int_equal(syn_plan_year(5, 2024, 0, &base, &err), 0);
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        long total = 0;
        assert_int_equal(syn_plan_year(5, 2024, scales[s], &big, &err), 0);
        for (int i = 0; i < SYN_NCOUNTIES; i++) {
            const struct syn_county_plan *b = &base.county[i], *g = &big.county[i];
            assert_true(g->respondents >= 1 && g->respondents <= g->officers_total);
            /* a census stays a census; the response rate is kept */
            if (b->respondents == b->officers_total)
                assert_int_equal(g->respondents, g->officers_total);
            assert_true(g->officers_total * b->respondents
                        >= g->respondents * b->officers_total);
            assert_true(g->officers_total * b->respondents
                        < g->respondents * b->officers_total + b->respondents);
            total += g->respondents;
        }
        assert_int_equal(total, scales[s]);
    }
}

/* ---- generate ------------------------------------------------------------- */

static void test_generate_same_seed_same_bytes(void **state)
{
    size_t la = 0, lb = 0, lc = 0;
    char *a, *b, *c;

    (void)state;
    for (int idx = 0; idx < SYN_NCOUNTIES; idx++) {
        a = county_bytes(271, 2025, 0, idx, &la);
        b = county_bytes(271, 2025, 0, idx, &lb);
        assert_true(la > 0);
        assert_int_equal(la, lb);
        assert_memory_equal(a, b, la);
        free(a);
        free(b);
    }
    /* Maricopa has dozens of rows: another seed cannot give the same. */
    a = county_bytes(271, 2025, 0, 7, &la);
    c = county_bytes(272, 2025, 0, 7, &lc);
    assert_false(la == lc && memcmp(a, c, la) == 0);
    free(c);
    c = county_bytes(271, 2024, 0, 7, &lc);
    assert_false(la == lc && memcmp(a, c, la) == 0);
    free(a);
    free(c);
}

struct row_check {
    regex_t id_re;
    long last_serial;
    long rows;
    long long caseload, confirmed;
};

static int check_row(void *ctx, const struct syn_row *row)
{
    struct row_check *rc = ctx;
    long serial;

    assert_int_equal(regexec(&rc->id_re, row->respondent_id, 0, NULL, 0), 0);
    /* roster order: serials rise within a county */
    serial = strtol(strrchr(row->respondent_id, '-') + 1, NULL, 10);
    assert_true(serial > rc->last_serial);
    rc->last_serial = serial;
    assert_true(row->caseload >= 0 && row->caseload <= 1000);
    assert_true(row->confirmed >= 0 && row->suspected >= 0);
    assert_true(row->confirmed + row->suspected <= row->caseload);
    assert_true(strcmp(row->role, "probation_officer") == 0
                || strcmp(row->role, "supervisor") == 0 || strcmp(row->role, "other") == 0);
    rc->rows++;
    rc->caseload += row->caseload;
    rc->confirmed += row->confirmed;
    return 0;
}

static void test_generate_rows_fit_plan_and_frame(void **state)
{
    const long scales[] = {0, 20000};

    (void)state;
    for (size_t s = 0; s < sizeof scales / sizeof scales[0]; s++) {
        struct syn_year_plan plan;
        struct prev_error err;
        long long caseload = 0, confirmed = 0;

        assert_int_equal(syn_plan_year(271, 2023, scales[s], &plan, &err), 0);
        for (int i = 0; i < SYN_NCOUNTIES; i++) {
            struct syn_county_totals t;
            struct row_check rc = {.rows = 0};
            char pattern[64];

            snprintf(pattern, sizeof pattern, "^%s-2023-[0-9]{4,}$", syn_counties[i].code);
            assert_int_equal(regcomp(&rc.id_re, pattern, REG_EXTENDED | REG_NOSUB), 0);
            assert_int_equal(syn_generate_county(&plan, i, check_row, &rc, &t, &err), 0);
            regfree(&rc.id_re);
            assert_int_equal(rc.rows, plan.county[i].respondents);
            assert_int_equal(t.respondents, rc.rows);
            assert_int_equal(t.officers_total, plan.county[i].officers_total);
            assert_true(t.caseload == rc.caseload && t.caseload <= t.youth_total);
            caseload += rc.caseload;
            confirmed += rc.confirmed;
        }
        /* statewide confirmed prevalence near the design's 6% (drifted to
         * about 5.7% in 2023) */
        if (confirmed * 100 < caseload * 4 || confirmed * 100 > caseload * 8)
            fail_msg("scale %ld: %lld confirmed of %lld", scales[s], confirmed, caseload);
    }
}

static int stop_after_two(void *ctx, const struct syn_row *row)
{
    long *n = ctx;

    (void)row;
    return ++*n == 2 ? 42 : 0;
}

static void test_generate_emit_error_stops_walk(void **state)
{
    struct syn_year_plan plan;
    struct prev_error err;
    long n = 0;

    (void)state;
    assert_int_equal(syn_plan_year(271, 2025, 0, &plan, &err), 0);
    assert_int_equal(syn_generate_county(&plan, 7, stop_after_two, &n, NULL, &err), 42);
    assert_int_equal(n, 2);
}

/* ---- files ---------------------------------------------------------------- */

static void test_write_year_twice_identical_files(void **state)
{
    char a[256], b[256], c[256], pa[600], pb[600];
    struct syn_year_plan plan, other;
    struct syn_year_summary sum;
    struct prev_error err;

    (void)state;
    make_tmpdir(a, sizeof a);
    make_tmpdir(b, sizeof b);
    make_tmpdir(c, sizeof c);
    assert_int_equal(syn_plan_year(271, 2025, 0, &plan, &err), 0);
    assert_int_equal(syn_write_year(a, &plan, false, &sum, &err), 0);
    assert_int_equal(sum.files, SYN_NCOUNTIES + 1);
    assert_int_equal(syn_write_year(b, &plan, false, NULL, &err), 0);
    assert_int_equal(syn_plan_year(272, 2025, 0, &other, &err), 0);
    assert_int_equal(syn_write_year(c, &other, false, NULL, &err), 0);
    for (int i = 0; i <= SYN_NCOUNTIES; i++) {
        const char *name = i < SYN_NCOUNTIES ? syn_counties[i].slug : NULL;
        if (name != NULL) {
            snprintf(pa, sizeof pa, "%s/2025/responses-%s.csv", a, name);
            snprintf(pb, sizeof pb, "%s/2025/responses-%s.csv", b, name);
        } else {
            snprintf(pa, sizeof pa, "%s/2025/frame.csv", a);
            snprintf(pb, sizeof pb, "%s/2025/frame.csv", b);
        }
        assert_same_file(pa, pb);
    }
    /* a different seed gives a different frame */
    {
        size_t la = 0, lc = 0;
        char *x, *y;
        snprintf(pa, sizeof pa, "%s/2025/frame.csv", a);
        snprintf(pb, sizeof pb, "%s/2025/frame.csv", c);
        x = slurp(pa, &la);
        y = slurp(pb, &lc);
        assert_non_null(x);
        assert_non_null(y);
        assert_false(la == lc && memcmp(x, y, la) == 0);
        assert_int_equal(strncmp(x, syn_frame_header, strlen(syn_frame_header)), 0);
        free(x);
        free(y);
    }
    remove_tree(a);
    remove_tree(b);
    remove_tree(c);
}

/* The single file is the county files' rows, in FIPS order, under one
 * header, and the frame is the same either way. */
static void test_write_year_single_file_is_concatenation(void **state)
{
    char a[256], b[256], path[600];
    struct syn_year_plan plan;
    struct prev_error err;
    char *joined = NULL, *one = NULL;
    size_t jlen = 0, olen = 0;
    FILE *fp;

    (void)state;
    make_tmpdir(a, sizeof a);
    make_tmpdir(b, sizeof b);
    assert_int_equal(syn_plan_year(3, 2031, 10000, &plan, &err), 0);
    assert_int_equal(syn_write_year(a, &plan, false, NULL, &err), 0);
    assert_int_equal(syn_write_year(b, &plan, true, NULL, &err), 0);
    fp = open_memstream(&joined, &jlen);
    assert_non_null(fp);
    fputs(syn_responses_header, fp);
    for (int i = 0; i < SYN_NCOUNTIES; i++) {
        size_t n = 0, hl = strlen(syn_responses_header);
        char *part;
        snprintf(path, sizeof path, "%s/2031/responses-%s.csv", a, syn_counties[i].slug);
        part = slurp(path, &n);
        assert_non_null(part);
        assert_true(n >= hl && memcmp(part, syn_responses_header, hl) == 0);
        fwrite(part + hl, 1, n - hl, fp);
        free(part);
    }
    assert_int_equal(fclose(fp), 0);
    snprintf(path, sizeof path, "%s/2031/responses.csv", b);
    one = slurp(path, &olen);
    assert_non_null(one);
    assert_int_equal(jlen, olen);
    assert_memory_equal(joined, one, olen);
    free(joined);
    free(one);
    {
        char fa[600], fb[600];
        snprintf(fa, sizeof fa, "%s/2031/frame.csv", a);
        snprintf(fb, sizeof fb, "%s/2031/frame.csv", b);
        assert_same_file(fa, fb);
    }
    remove_tree(a);
    remove_tree(b);
}

static void test_write_year_fails_cleanly_on_a_file(void **state)
{
    char dir[256], file[600];
    struct syn_year_plan plan;
    struct prev_error err;
    FILE *fp;

    (void)state;
    make_tmpdir(dir, sizeof dir);
    snprintf(file, sizeof file, "%s/plain", dir);
    fp = fopen(file, "w");
    assert_non_null(fp);
    fclose(fp);
    prev_error_clear(&err);
    assert_int_equal(syn_plan_year(1, 2025, 0, &plan, &err), 0);
    assert_int_equal(syn_write_year(file, &plan, false, NULL, &err), PREV_EX_CANTCREAT);
    assert_non_null(strstr(err.where, "plain"));
    remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_mt19937_reference_values),
        cmocka_unit_test(test_rng_streams_differ),
        cmocka_unit_test(test_rng_between_stays_in_range),
        cmocka_unit_test(test_county_index_by_name_slug_fips),
        cmocka_unit_test(test_plan_base_has_census_and_lonely_county),
        cmocka_unit_test(test_plan_rejects_bad_year_and_scale),
        cmocka_unit_test(test_plan_scale_gives_exact_rows_and_keeps_rates),
        cmocka_unit_test(test_generate_same_seed_same_bytes),
        cmocka_unit_test(test_generate_rows_fit_plan_and_frame),
        cmocka_unit_test(test_generate_emit_error_stops_walk),
        cmocka_unit_test(test_write_year_twice_identical_files),
        cmocka_unit_test(test_write_year_single_file_is_concatenation),
        cmocka_unit_test(test_write_year_fails_cleanly_on_a_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
