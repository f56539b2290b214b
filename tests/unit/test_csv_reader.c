/* The streaming CSV reader: line numbers, encodings, and every way a file
 * can be refused instead of silently mangled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "csv_reader.h"

/* Rows seen, flattened as "LINE:field|field|..." lines for easy asserts. */
struct seen {
    char text[8192];
    size_t len;
    unsigned rows;
    unsigned char flags_or;
    int stop_after;           /* return 7 after this many rows; 0 never */
};

static int collect(void *ctx, const struct col_csv_row *row)
{
    struct seen *s = ctx;

    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%llu:",
                               (unsigned long long)row->line);
    for (size_t i = 0; i < row->nfields; i++) {
        s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "%s%s",
                                   i > 0 ? "|" : "", row->value[i]);
        s->flags_or |= row->flags[i];
    }
    s->len += (size_t)snprintf(s->text + s->len, sizeof s->text - s->len, "\n");
    s->rows++;
    if (s->stop_after != 0 && s->rows == (unsigned)s->stop_after)
        return 7;
    return 0;
}

static int read_mem(const char *data, size_t len, struct seen *s, struct col_csv_stats *st,
                    struct prev_error *err)
{
    FILE *fp = fmemopen((void *)data, len, "rb");
    int rc;

    assert_non_null(fp);
    memset(s, 0, sizeof *s);
    prev_error_clear(err);
    rc = col_csv_read(fp, "t.csv", collect, NULL, s, st, err);
    fclose(fp);
    return rc;
}

#define READ(lit, s, st, err) read_mem((lit), sizeof(lit) - 1, (s), (st), (err))

static void test_csv_reader_lf_rows_and_lines(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\n1,2\n3,4\n", &s, &st, &err), 0);
    assert_string_equal(s.text, "1:a|b\n2:1|2\n3:3|4\n");
    assert_int_equal(st.rows, 3);
    assert_false(st.had_bom);
}

static void test_csv_reader_crlf_bom(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("\xEF\xBB\xBFyear,county\r\n2025,Pima\r\n", &s, &st, &err), 0);
    assert_string_equal(s.text, "1:year|county\n2:2025|Pima\n");
    assert_true(st.had_bom);
    assert_int_equal(s.flags_or, 0);
}

static void test_csv_reader_quoted_newline_keeps_start_line(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    /* the second row spans lines 2-3; the third starts on line 4 */
    assert_int_equal(READ("a,b\n\"x, \"\"y\"\"\nz\",2\nlast,3\n", &s, &st, &err), 0);
    assert_string_equal(s.text, "1:a|b\n2:x, \"y\"\nz|2\n4:last|3\n");
}

static void test_csv_reader_blank_lines_skipped(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\n\n  \r\n1,2\n\n", &s, &st, &err), 0);
    assert_string_equal(s.text, "1:a|b\n4:1|2\n");
}

static void test_csv_reader_no_final_newline(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\n1,2", &s, &st, &err), 0);
    assert_string_equal(s.text, "1:a|b\n2:1|2\n");
}

static void test_csv_reader_flags_invalid_utf8(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\n\xC3\xA9t\xC3\xA9,ok\n", &s, &st, &err), 0);
    assert_int_equal(s.flags_or, 0);
    assert_int_equal(READ("a,b\nbad\xFF,ok\n", &s, &st, &err), 0);
    assert_int_equal(s.flags_or, COL_FIELD_BAD_UTF8);
}

static void test_csv_reader_flags_nul(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\nx\0y,1\n", &s, &st, &err), 0);
    assert_int_equal(s.flags_or, COL_FIELD_NUL);
}

static void test_csv_reader_refuses_long_field(void **state)
{
    size_t n = COL_CSV_FIELD_MAX + 100;
    char *data = malloc(n + 16);
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    memcpy(data, "a\nok\n", 5);
    memset(data + 5, 'x', n);
    memcpy(data + 5 + n, "\n", 1);
    assert_int_equal(read_mem(data, n + 6, &s, &st, &err), PREV_EX_DATA);
    assert_string_equal(err.where, "t.csv:3");
    assert_non_null(strstr(err.msg, "longer than 4096 bytes"));
    assert_int_equal(st.error_line, 3);
    /* exactly at the limit is fine */
    memset(data + 5, 'x', COL_CSV_FIELD_MAX);
    memcpy(data + 5 + COL_CSV_FIELD_MAX, "\n", 1);
    assert_int_equal(read_mem(data, COL_CSV_FIELD_MAX + 6, &s, &st, &err), 0);
    free(data);
}

static void test_csv_reader_refuses_quoted_long_field_without_growing(void **state)
{
    /* an unterminated quote swallows the rest of the file: refused at the
     * limit, not after reading it all into memory */
    size_t n = 200000;
    char *data = malloc(n + 16);
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    memcpy(data, "a,b\n\"open,", 10);
    for (size_t i = 10; i < n; i++)
        data[i] = (i % 50 == 0) ? '\n' : 'y';
    assert_int_equal(read_mem(data, n, &s, &st, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "longer than"));
    free(data);
}

static void test_csv_reader_refuses_malformed_quote(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\n1,2\nab\"c,3\n", &s, &st, &err), PREV_EX_DATA);
    assert_string_equal(err.where, "t.csv:3");
    assert_non_null(strstr(err.msg, "malformed quoting"));
    assert_int_equal(READ("a,b\n\"x\"y,3\n", &s, &st, &err), PREV_EX_DATA);
    assert_string_equal(err.where, "t.csv:2");
}

static void test_csv_reader_refuses_unterminated_quote(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\n1,2\n\"never closed,\n3\n", &s, &st, &err), PREV_EX_DATA);
    assert_string_equal(err.where, "t.csv:3");
    assert_non_null(strstr(err.msg, "never closed"));
}

static void test_csv_reader_refuses_bare_cr(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("a,b\r1,2\r3,4\r", &s, &st, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "carriage return"));
    /* a CR inside quotes is data, not a line ending */
    assert_int_equal(READ("a,b\n\"x\ry\",2\n", &s, &st, &err), 0);
}

static void test_csv_reader_refuses_too_many_fields(void **state)
{
    char data[4 * COL_CSV_FIELDS_MAX + 16];
    size_t o = 0;
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    o += (size_t)snprintf(data, sizeof data, "a\n");
    for (int i = 0; i <= COL_CSV_FIELDS_MAX; i++)
        o += (size_t)snprintf(data + o, sizeof data - o, "%s1", i > 0 ? "," : "");
    data[o++] = '\n';
    assert_int_equal(read_mem(data, o, &s, &st, &err), PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "more than 256 fields"));
}

static void test_csv_reader_sha256_of_bytes(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    (void)state;

    assert_int_equal(READ("abc", &s, &st, &err), 0);
    assert_string_equal(st.sha256,
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(st.bytes, 3);
}

struct counter {
    uint64_t rows, bad;
};

/* Row i (after the header) must start on line i + 2, hold the number i
 * and carry no stray CR. */
static int check_rows(void *ctx, const struct col_csv_row *row)
{
    struct counter *c = ctx;
    char want[80];

    if (row->line == 1)
        return 0;
    snprintf(want, sizeof want, "%060llu", (unsigned long long)c->rows);
    if (row->line != c->rows + 2 || row->nfields != 2 || strcmp(row->value[0], want) != 0
        || strcmp(row->value[1], "x") != 0)
        c->bad++;
    c->rows++;
    return 0;
}

static void test_csv_reader_crlf_split_across_buffers(void **state)
{
    /* A 65-byte header, then 64-byte rows ending in CRLF: the CR of row
     * 4094 is the last byte of the first 256 KiB read, its LF the first
     * byte of the next. Nothing may see a bare CR there. */
    size_t rows = 20000, o = 0;
    char *data = malloc(65 + rows * 64 + 1);
    struct col_csv_stats st;
    struct prev_error err;
    struct counter count = {0, 0};
    FILE *fp;
    (void)state;

    memset(data, 'h', 63);
    memcpy(data + 63, "\r\n", 2);
    o = 65;
    for (size_t i = 0; i < rows; i++)
        o += (size_t)sprintf(data + o, "%060zu,x\r\n", i);
    assert_int_equal(data[256 * 1024 - 1], '\r');
    assert_int_equal(data[256 * 1024], '\n');
    fp = fmemopen(data, o, "rb");
    assert_non_null(fp);
    prev_error_clear(&err);
    assert_int_equal(col_csv_read(fp, "big.csv", check_rows, NULL, &count, &st, &err), 0);
    fclose(fp);
    assert_int_equal(count.rows, rows);
    assert_int_equal(count.bad, 0);
    free(data);
}

static void test_csv_reader_bare_cr_at_buffer_edge(void **state)
{
    /* As above, but the LF after the CR that ends the first read is
     * missing: an old-Mac line ending exactly where two reads meet must
     * be refused like any other. */
    size_t rows = 20000, o = 0, edge = 256 * 1024;
    char *data = malloc(65 + rows * 64 + 1);
    struct col_csv_stats st;
    struct prev_error err;
    struct counter count = {0, 0};
    FILE *fp;
    (void)state;

    memset(data, 'h', 63);
    memcpy(data + 63, "\r\n", 2);
    o = 65;
    for (size_t i = 0; i < rows; i++)
        o += (size_t)sprintf(data + o, "%060zu,x\r\n", i);
    memmove(data + edge, data + edge + 1, o - edge - 1);
    o--;
    assert_int_equal(data[edge - 1], '\r');
    assert_int_not_equal(data[edge], '\n');
    fp = fmemopen(data, o, "rb");
    assert_non_null(fp);
    prev_error_clear(&err);
    assert_int_equal(col_csv_read(fp, "big.csv", check_rows, NULL, &count, &st, &err),
                     PREV_EX_DATA);
    assert_non_null(strstr(err.msg, "carriage return"));
    fclose(fp);
    free(data);
}

static void test_csv_reader_stop_code_comes_back(void **state)
{
    struct seen s;
    struct col_csv_stats st;
    struct prev_error err;
    FILE *fp = fmemopen((void *)"a\nb\nc\n", 6, "rb");
    (void)state;

    memset(&s, 0, sizeof s);
    s.stop_after = 2;
    assert_int_equal(col_csv_read(fp, "t.csv", collect, NULL, &s, &st, &err), 7);
    assert_int_equal(s.rows, 2);
    fclose(fp);
}

static void test_utf8_valid_rules(void **state)
{
    (void)state;
    assert_true(col_utf8_valid("plain", 5));
    assert_true(col_utf8_valid("\xC3\xA9", 2));                 /* é */
    assert_true(col_utf8_valid("\xE2\x82\xAC", 3));             /* € */
    assert_true(col_utf8_valid("\xF0\x9F\x98\x80", 4));         /* emoji */
    assert_false(col_utf8_valid("\xC3", 1));                    /* cut short */
    assert_false(col_utf8_valid("\xC0\xAF", 2));                /* overlong '/' */
    assert_false(col_utf8_valid("\xE0\x80\xAF", 3));            /* overlong */
    assert_false(col_utf8_valid("\xED\xA0\x80", 3));            /* surrogate */
    assert_false(col_utf8_valid("\xF4\x90\x80\x80", 4));        /* > U+10FFFF */
    assert_false(col_utf8_valid("\x80", 1));                    /* lone continuation */
    assert_false(col_utf8_valid("\xE9t\xE9", 3));               /* Latin-1 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_reader_lf_rows_and_lines),
        cmocka_unit_test(test_csv_reader_crlf_bom),
        cmocka_unit_test(test_csv_reader_quoted_newline_keeps_start_line),
        cmocka_unit_test(test_csv_reader_blank_lines_skipped),
        cmocka_unit_test(test_csv_reader_no_final_newline),
        cmocka_unit_test(test_csv_reader_flags_invalid_utf8),
        cmocka_unit_test(test_csv_reader_flags_nul),
        cmocka_unit_test(test_csv_reader_refuses_long_field),
        cmocka_unit_test(test_csv_reader_refuses_quoted_long_field_without_growing),
        cmocka_unit_test(test_csv_reader_refuses_malformed_quote),
        cmocka_unit_test(test_csv_reader_refuses_unterminated_quote),
        cmocka_unit_test(test_csv_reader_refuses_bare_cr),
        cmocka_unit_test(test_csv_reader_refuses_too_many_fields),
        cmocka_unit_test(test_csv_reader_sha256_of_bytes),
        cmocka_unit_test(test_csv_reader_crlf_split_across_buffers),
        cmocka_unit_test(test_csv_reader_bare_cr_at_buffer_edge),
        cmocka_unit_test(test_csv_reader_stop_code_comes_back),
        cmocka_unit_test(test_utf8_valid_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
