/* The workbook reader (collector/xlsx_reader.c) on workbooks written by
 * an independent writer, libxlsxwriter: each kind of cell, the sheet it
 * chooses, what it refuses, and the same rows and sha256 whether the
 * workbook comes from memory, from a file or through a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "sha256.h"
#include "xlsx_reader.h"

#define MAX_ROWS 16
#define MAX_FIELDS 8

struct seen {
    size_t nrows;
    uint64_t line[MAX_ROWS];
    size_t nfields[MAX_ROWS];
    char value[MAX_ROWS][MAX_FIELDS][64];
    unsigned char flags[MAX_ROWS][MAX_FIELDS];
};

static int keep(void *ctx, const struct col_csv_row *row)
{
    struct seen *s = ctx;

    if (s->nrows == MAX_ROWS)
        return 0;
    s->line[s->nrows] = row->line;
    s->nfields[s->nrows] = row->nfields;
    for (size_t i = 0; i < row->nfields && i < MAX_FIELDS; i++) {
        snprintf(s->value[s->nrows][i], sizeof s->value[0][0], "%s", row->value[i]);
        s->flags[s->nrows][i] = row->flags[i];
    }
    s->nrows++;
    return 0;
}

static char *tmp_path(const char *base)
{
    static char path[4][512];
    static int next;
    const char *dir = getenv("TMPDIR");
    char *p = path[next++ % 4];

    snprintf(p, sizeof path[0], "%s/xlsx-reader-%ld-%s.xlsx", dir != NULL ? dir : "/tmp",
             (long)getpid(), base);
    return p;
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf;
    long size;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    size = ftell(fp);
    rewind(fp);
    buf = malloc((size_t)size);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)size, fp), (size_t)size);
    fclose(fp);
    *n = (size_t)size;
    return buf;
}

/* Read path as the collector does: opened, its first four bytes taken to
 * tell the format, the rest streamed. */
static int read_file(const char *path, struct seen *s, struct col_csv_stats *st,
                     struct prev_error *err)
{
    FILE *fp = fopen(path, "rb");
    unsigned char head[4];
    size_t nhead;
    int rc;

    assert_non_null(fp);
    nhead = fread(head, 1, sizeof head, fp);
    assert_true(col_xlsx_sniff(head, nhead));
    rc = col_xlsx_read_stream(fp, head, nhead, "book.xlsx", COL_KIND_RESPONSES, keep, s, st,
                              err);
    fclose(fp);
    return rc;
}

static void header(lxw_worksheet *ws)
{
    const char *names[] = {"survey_year", "county", "respondent_id", "role", "caseload",
                           "confirmed", "suspected"};
    for (int c = 0; c < 7; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, names[c], NULL);
}

static void test_cells_of_every_kind(void **state)
{
    const char *path = tmp_path("kinds");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *notes = workbook_add_worksheet(wb, "Notes");
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Responses");
    lxw_format *pct = workbook_add_format(wb);
    lxw_format *date = workbook_add_format(wb);
    lxw_datetime when = {2025, 6, 30, 0, 0, 0};
    struct seen s = {0};
    struct col_csv_stats st;
    struct prev_error err = {0};
    (void)state;

    format_set_num_format(pct, "0%");
    format_set_num_format(date, "yyyy-mm-dd");
    worksheet_write_string(notes, 0, 0, "not this sheet", NULL);
    header(ws);
    worksheet_write_number(ws, 1, 0, 2025, NULL);
    worksheet_write_string(ws, 1, 1, "Pima", NULL);
    worksheet_write_string(ws, 1, 2, "PIM-1", NULL);
    worksheet_write_string(ws, 1, 3, "probation_officer", NULL);
    worksheet_write_formula_num(ws, 1, 4, "=30+10", NULL, 40);
    worksheet_write_number(ws, 1, 5, 0.5, pct);
    worksheet_write_boolean(ws, 1, 6, 1, NULL);
    /* row 3 left empty: skipped, and the next row keeps its own number */
    worksheet_write_number(ws, 3, 0, 2025, NULL);
    worksheet_write_datetime(ws, 3, 1, &when, date);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    assert_int_equal(read_file(path, &s, &st, &err), 0);
    assert_string_equal(st.sheet, "Responses");
    assert_int_equal(s.nrows, 3);
    assert_int_equal(s.line[0], 1);
    assert_string_equal(s.value[0][6], "suspected");
    assert_int_equal(s.line[1], 2);
    assert_string_equal(s.value[1][0], "2025");
    assert_string_equal(s.value[1][1], "Pima");
    assert_string_equal(s.value[1][4], "40");          /* the formula's saved value */
    assert_true(s.flags[1][5] & COL_FIELD_PERCENT);
    assert_false(s.flags[1][4] & (COL_FIELD_PERCENT | COL_FIELD_DATE));
    assert_string_equal(s.value[1][6], "TRUE");        /* a boolean, as Excel shows it */
    assert_int_equal(s.line[2], 4);
    assert_true(s.flags[2][1] & COL_FIELD_DATE);
    assert_false(s.flags[2][0] & COL_FIELD_DATE);
    unlink(path);
}

/* libxlsxwriter's constant-memory mode writes inline strings instead of
 * the shared-string table. */
static void test_inline_strings(void **state)
{
    const char *path = tmp_path("inline");
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE, .tmpdir = NULL};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Sheet1");
    struct seen s = {0};
    struct col_csv_stats st;
    struct prev_error err = {0};
    (void)state;

    header(ws);
    worksheet_write_number(ws, 1, 0, 2024, NULL);
    worksheet_write_string(ws, 1, 1, "La Paz", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_int_equal(read_file(path, &s, &st, &err), 0);
    assert_string_equal(st.sheet, "Sheet1");         /* the only sheet */
    assert_int_equal(s.nrows, 2);
    assert_string_equal(s.value[0][1], "county");
    assert_string_equal(s.value[1][1], "La Paz");
    unlink(path);
}

static void test_several_sheets_none_named(void **state)
{
    const char *path = tmp_path("two");
    lxw_workbook *wb = workbook_new(path);
    struct seen s = {0};
    struct col_csv_stats st;
    struct prev_error err = {0};
    (void)state;

    header(workbook_add_worksheet(wb, "Pima"));
    header(workbook_add_worksheet(wb, "Yuma"));
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_int_equal(read_file(path, &s, &st, &err), PREV_EX_DATA);
    assert_int_equal(s.nrows, 0);
    assert_non_null(strstr(err.msg, "'Pima', 'Yuma'"));
    assert_non_null(strstr(err.msg, "Responses"));
    unlink(path);
}

static void test_merged_cells_refused(void **state)
{
    const char *path = tmp_path("merged");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Responses");
    struct seen s = {0};
    struct col_csv_stats st;
    struct prev_error err = {0};
    (void)state;

    header(ws);
    worksheet_write_number(ws, 1, 0, 2025, NULL);
    worksheet_merge_range(ws, 2, 1, 3, 1, "Pima", NULL);
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    assert_int_equal(read_file(path, &s, &st, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "merged"));
    assert_non_null(strstr(err.msg, "B3:B4"));
    unlink(path);
}

/* From memory, from the file and through a pipe: the same rows and the
 * sha256 of the workbook's bytes. */
static void test_memory_file_and_pipe_agree(void **state)
{
    const char *path = tmp_path("agree");
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Responses");
    struct seen a = {0}, b = {0}, c = {0};
    struct col_csv_stats sa, sb, sc;
    struct prev_error err = {0};
    struct prev_sha256 *sha;
    char want[65], cmd[600];
    unsigned char *bytes, head[4];
    size_t n, nhead;
    FILE *pipe;
    (void)state;

    header(ws);
    for (int r = 1; r < 10; r++) {
        worksheet_write_number(ws, (lxw_row_t)r, 0, 2025, NULL);
        worksheet_write_number(ws, (lxw_row_t)r, 4, 10 + r, NULL);
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    bytes = slurp(path, &n);
    sha = prev_sha256_new();
    assert_int_equal(prev_sha256_update(sha, bytes, n), 0);
    assert_int_equal(prev_sha256_final(sha, want), 0);

    assert_int_equal(col_xlsx_read(bytes, n, "m.xlsx", COL_KIND_RESPONSES, keep, &a, &sa, &err),
                     0);
    assert_int_equal(read_file(path, &b, &sb, &err), 0);
    snprintf(cmd, sizeof cmd, "cat '%s'", path);
    pipe = popen(cmd, "r");
    assert_non_null(pipe);
    nhead = fread(head, 1, sizeof head, pipe);
    assert_int_equal(col_xlsx_read_stream(pipe, head, nhead, "-", COL_KIND_RESPONSES, keep, &c,
                                          &sc, &err), 0);
    pclose(pipe);
    assert_string_equal(sa.sha256, want);
    assert_string_equal(sb.sha256, want);
    assert_string_equal(sc.sha256, want);
    assert_int_equal(sb.bytes, n);
    assert_int_equal(sc.bytes, n);
    assert_int_equal(a.nrows, 10);
    assert_memory_equal(&a, &b, sizeof a);
    assert_memory_equal(&a, &c, sizeof a);
    free(bytes);
    unlink(path);
}

static void test_not_an_archive(void **state)
{
    const char *path = tmp_path("truncated");
    lxw_workbook *wb = workbook_new(path);
    struct seen s = {0};
    struct col_csv_stats st;
    struct prev_error err = {0};
    unsigned char *bytes;
    size_t n;
    FILE *fp;
    (void)state;

    header(workbook_add_worksheet(wb, "Responses"));
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
    bytes = slurp(path, &n);
    fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(bytes, 1, n / 2, fp), n / 2);   /* the first half */
    fclose(fp);
    assert_int_equal(read_file(path, &s, &st, &err), PREV_EX_DATA);
    assert_int_equal(s.nrows, 0);
    assert_non_null(strstr(err.msg, "not a readable one"));
    free(bytes);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cells_of_every_kind),
        cmocka_unit_test(test_inline_strings),
        cmocka_unit_test(test_several_sheets_none_named),
        cmocka_unit_test(test_merged_cells_refused),
        cmocka_unit_test(test_memory_file_and_pipe_agree),
        cmocka_unit_test(test_not_an_archive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
