/* Every input the fuzzers found a bug with (fuzz/regressions/), replayed
 * through the same harness (fuzz/harness.c) under gcc and, in the second
 * pass of scripts/test.sh, under ASan/UBSan; plus one test per finding
 * that states the fixed behaviour. The harness aborts on a broken promise. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv_reader.h"
#include "diag.h"
#include "firewall.h"
#include "harness.h"
#include "prev_config.h"
#include "scan.h"

static uint8_t *read_all(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    uint8_t *buf = NULL;
    long len;

    if (fp == NULL)
        fail_msg("cannot open %s", path);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    len = ftell(fp);
    assert_true(len >= 0);
    rewind(fp);
    buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *size = (size_t)len;
    return buf;
}

/* Feed every file of a folder (relative to the source tree) to every
 * harness; returns how many files there were. */
static int replay_folder(const char *rel)
{
    char dir[1024], path[2048];
    struct dirent *de;
    DIR *d;
    int n = 0;

    snprintf(dir, sizeof dir, "%s/%s", PREV_SOURCE_DIR, rel);
    if ((d = opendir(dir)) == NULL)
        fail_msg("cannot open %s", dir);
    while ((de = readdir(d)) != NULL) {
        size_t size = 0;
        uint8_t *data;
        if (de->d_name[0] == '.' || strcmp(de->d_name, "README.md") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        data = read_all(path, &size);
        fuzz_scan_one(data, size);
        fuzz_csv_one(data, size);
        fuzz_firewall_one(data, size);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static void test_fuzz_regressions_replay(void **state)
{
    (void)state;
    assert_true(replay_folder("fuzz/regressions") >= 1);
}

static void test_fuzz_seeds_replay(void **state)
{
    (void)state;
    assert_true(replay_folder("sample-data/bad") >= 8);
    assert_true(replay_folder("sample-data/2025") >= 16);
}

/* Scan one regression file as a responses file; diagnostics into *diag_text. */
static struct col_scan *scan_file(const char *name, char **diag_text)
{
    static struct col_scan sc;
    static struct col_diag diag;
    char path[1024];
    struct prev_error err;
    size_t size = 0, diag_len = 0;
    uint8_t *data;
    FILE *in, *out;

    snprintf(path, sizeof path, "%s/fuzz/regressions/%s", PREV_SOURCE_DIR, name);
    data = read_all(path, &size);
    assert_non_null(in = fmemopen(data, size, "rb"));
    assert_non_null(out = open_memstream(diag_text, &diag_len));
    col_diag_init(&diag, out, name, COL_DIAG_CAP, NULL);
    memset(&sc, 0, sizeof sc);
    sc.kind = COL_KIND_RESPONSES;
    sc.name = name;
    sc.diag = &diag;
    prev_error_clear(&err);
    assert_int_equal(col_scan_init(&sc, &err), 0);
    assert_int_equal(col_scan_run(&sc, in, &err), 0);
    /* the scanner holds its messages until the end of the file: print them
     * (and free them) before the text is read */
    col_diag_finish(&diag, false);
    fclose(in);
    assert_int_equal(fclose(out), 0);
    free(data);
    return &sc;
}

/* fuzz_scan: a header row that is really a data row holding a phone
 * number was echoed as "unknown column '602-555-0143'" on the terminal
 * and in the rejects file. Now the firewall refuses the file without
 * repeating the value. */
static void test_fuzz_scan_header_holding_phone_number_is_refused(void **state)
{
    char *diag = NULL;
    struct col_scan *sc = scan_file("scan-header-holds-phone-number.csv", &diag);

    (void)state;
    assert_true(sc->refused_privacy);
    assert_int_equal(sc->valid_rows, 0);
    assert_null(strstr(diag, "602-555-0143"));
    assert_non_null(strstr(diag, "header field 5 holds what looks like a phone number"));
    col_scan_free(sc);
    free(diag);
}

/* fuzz_scan: a header field that looks like an e-mail address but is not
 * valid UTF-8 skipped the firewall (only "not valid UTF-8" was said) and
 * was then echoed, '?' for the bad bytes, as an unknown column. */
static void test_fuzz_scan_header_email_with_bad_utf8_is_refused(void **state)
{
    char *diag = NULL;
    struct col_scan *sc = scan_file("scan-header-email-with-bad-utf8.csv", &diag);

    (void)state;
    assert_true(sc->refused_privacy);
    assert_null(strstr(diag, "caseloa25-Laprobation_o@"));
    assert_non_null(strstr(diag, "header field 5 holds what looks like an e-mail address"));
    col_scan_free(sc);
    free(diag);
}

/* fuzz_scan (UBSan): a date-shaped value with a run of 40 digits
 * ("602-5222...2255-0143") overflowed int in the firewall's date check.
 * The overflow only shows under UBSan (the second pass of test.sh); the
 * answer must be "not a date" everywhere. */
static void test_fuzz_firewall_long_digit_run_is_not_a_date(void **state)
{
    static const char *const values[] = {
        "602-5222222222222222222222222222222222222222222222222222255-0143",
        "99999999999/1/1",
        "1.99999999999999999999.1",
    };

    (void)state;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        assert_int_not_equal(col_firewall_value(values[i], strlen(values[i])), COL_PII_DATE);
}

static int count_row(void *ctx, const struct col_csv_row *row)
{
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

/* fuzz_csv: a bare carriage return inside an unquoted field splits the
 * line into two rows that both start on line 3 (the harness had assumed
 * one row per line); the reader then refuses the file at that line. */
static void test_fuzz_csv_bare_cr_refused_at_its_line(void **state)
{
    char path[1024];
    struct prev_error err;
    size_t size = 0;
    uint8_t *data;
    FILE *in;
    int rows = 0;

    (void)state;
    snprintf(path, sizeof path, "%s/fuzz/regressions/csv-bare-cr-splits-a-line.csv",
             PREV_SOURCE_DIR);
    data = read_all(path, &size);
    assert_non_null(in = fmemopen(data, size, "rb"));
    prev_error_clear(&err);
    assert_int_equal(col_csv_read(in, "f.csv", count_row, NULL, &rows, NULL, &err), 65);
    assert_string_equal(err.where, "f.csv:3");
    assert_non_null(strstr(err.msg, "carriage return"));
    fclose(in);
    free(data);
}

/* fuzz_csv: a bare CR ended the header row, and the line's final CRLF,
 * inside a quoted field of the next row, made it look like a CRLF line:
 * the file was read with two rows on line 1. Now refused at line 1. */
static void test_fuzz_csv_bare_cr_not_hidden_by_quoted_crlf(void **state)
{
    char path[1024];
    struct prev_error err;
    size_t size = 0;
    uint8_t *data;
    FILE *in;
    int rows = 0;

    (void)state;
    snprintf(path, sizeof path, "%s/fuzz/regressions/csv-bare-cr-hidden-by-quoted-crlf.csv",
             PREV_SOURCE_DIR);
    data = read_all(path, &size);
    assert_non_null(in = fmemopen(data, size, "rb"));
    prev_error_clear(&err);
    assert_int_equal(col_csv_read(in, "f.csv", count_row, NULL, &rows, NULL, &err), 65);
    assert_string_equal(err.where, "f.csv:1");
    assert_non_null(strstr(err.msg, "carriage return"));
    fclose(in);
    free(data);

    /* A CRLF inside quotes at the end of a line is still fine. */
    {
        static const char ok[] = "a,b\r\n\"x\r\ny\",2\r\n";
        rows = 0;
        assert_non_null(in = fmemopen((void *)ok, sizeof ok - 1, "rb"));
        assert_int_equal(col_csv_read(in, "ok.csv", count_row, NULL, &rows, NULL, &err), 0);
        assert_int_equal(rows, 2);
        fclose(in);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fuzz_regressions_replay),
        cmocka_unit_test(test_fuzz_seeds_replay),
        cmocka_unit_test(test_fuzz_scan_header_holding_phone_number_is_refused),
        cmocka_unit_test(test_fuzz_scan_header_email_with_bad_utf8_is_refused),
        cmocka_unit_test(test_fuzz_firewall_long_digit_run_is_not_a_date),
        cmocka_unit_test(test_fuzz_csv_bare_cr_refused_at_its_line),
        cmocka_unit_test(test_fuzz_csv_bare_cr_not_hidden_by_quoted_crlf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
