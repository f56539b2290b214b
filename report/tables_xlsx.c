/* tables/tables_YEAR.xlsx: the report's published tables in one workbook,
 * for readers who live in Excel. Each sheet is made from the very CSV text
 * of its table (parsed back with libcsv), so a cell of the workbook is a
 * cell of the CSV: numbers become numbers (with a display format), every
 * other cell (the protection marks "<10", "*", "x", "-", codes, county
 * FIPS) stays text. Plus a sheet About. libxlsxwriter writes to a path:
 * it gets an unnamed temporary file, whose bytes are copied to out. */
#include "report_model.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

struct sheet_fill {
    lxw_worksheet *ws;
    lxw_format *text, *integer, *decimal, *signed_dec, *bold;
    lxw_row_t row;
    lxw_col_t col;
    int fips_col;               /* text even though it is digits */
    lxw_error e;
    double width[64];
};

/* A number exactly as the CSV has it: an optional sign, digits, an
 * optional decimal part; nothing else (no exponent, no spaces). */
static bool plain_number(const char *s, size_t n, bool *decimal, bool *sign)
{
    size_t i = 0, digits = 0;

    *decimal = *sign = false;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        *sign = s[0] == '+';
        i++;
    }
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < n && s[i] == '.') {
        *decimal = true;
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    }
    return digits > 0 && i == n && n < 40;
}

static void on_field(void *data, size_t n, void *ctx)
{
    struct sheet_fill *f = ctx;
    char buf[512];
    bool decimal, sign;

    if (f->e != LXW_NO_ERROR)
        return;
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    memcpy(buf, data, n);
    buf[n] = '\0';
    if (f->col < 64 && (double)n + 2 > f->width[f->col])
        f->width[f->col] = (double)n + 2;
    if (f->row > 0 && (int)f->col != f->fips_col && plain_number(buf, n, &decimal, &sign)) {
        double v = strtod(buf, NULL);
        f->e = worksheet_write_number(f->ws, f->row, f->col, v,
                                      sign ? f->signed_dec : decimal ? f->decimal : f->integer);
    } else {
        if (f->row == 0 && strcmp(buf, "fips") == 0)
            f->fips_col = (int)f->col;
        f->e = worksheet_write_string(f->ws, f->row, f->col, buf,
                                      f->row == 0 ? f->bold : f->text);
    }
    f->col++;
}

static void on_row(int c, void *ctx)
{
    struct sheet_fill *f = ctx;
    (void)c;
    f->row++;
    f->col = 0;
}

static lxw_error add_sheet(lxw_workbook *wb, const char *name, const char *csv_text,
                           size_t len, lxw_format *const fmt[5])
{
    struct csv_parser p;
    struct sheet_fill f;

    memset(&f, 0, sizeof f);
    f.fips_col = -1;
    if ((f.ws = workbook_add_worksheet(wb, name)) == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    f.text = fmt[0];
    f.integer = fmt[1];
    f.decimal = fmt[2];
    f.signed_dec = fmt[3];
    f.bold = fmt[4];
    if (csv_init(&p, CSV_STRICT | CSV_APPEND_NULL) != 0)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    if (csv_parse(&p, csv_text, len, on_field, on_row, &f) != len
        || csv_fini(&p, on_field, on_row, &f) != 0)
        f.e = LXW_ERROR_PARAMETER_VALIDATION;
    csv_free(&p);
    for (lxw_col_t c = 0; c < 64 && f.e == LXW_NO_ERROR; c++)
        if (f.width[c] > 0)
            f.e = worksheet_set_column(f.ws, c, c, f.width[c] > 60 ? 60 : f.width[c], NULL);
    worksheet_freeze_panes(f.ws, 1, 0);
    return f.e;
}

static lxw_error about_sheet(lxw_workbook *wb, const struct rep_report_input *in,
                             lxw_format *bold)
{
    lxw_worksheet *ws = workbook_add_worksheet(wb, "About");
    char level[32], cell[64], year[16];
    lxw_error e = LXW_NO_ERROR;
    const char *rows[][2] = {
        {"Data", rep_report_synthetic(in) ? REP_SYNTHETIC_BANNER
                                          : "survey responses as loaded"},
        {"Survey", "JJSD caseload survey of juvenile probation officers, Arizona"},
        {"Survey year", year},
        {"Data as of", in->data_as_of[0] != '\0' ? in->data_as_of : "unknown"},
        {"Generated", in->generated_at},
        {"Measure", an_measure_title(in->measure)},
        {"Interval method", an_design_method_name(in->method)},
        {"Confidence level", level},
        {"Suppression threshold", cell},
        {"Tool version", in->tool_version},
        {"Notes", "every note code, flag and mark is explained on the sheet Notes"},
    };

    if (ws == NULL)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    snprintf(year, sizeof year, "%d", in->survey_year);
    snprintf(level, sizeof level, "%g%%", in->level * 100.0);
    snprintf(cell, sizeof cell, "counts from 1 to %ld are not shown", in->min_cell - 1);
    e = worksheet_set_column(ws, 0, 0, 24, NULL);
    if (e == LXW_NO_ERROR)
        e = worksheet_set_column(ws, 1, 1, 70, NULL);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0] && e == LXW_NO_ERROR; i++) {
        e = worksheet_write_string(ws, (lxw_row_t)i, 0, rows[i][0], bold);
        if (e == LXW_NO_ERROR)
            e = worksheet_write_string(ws, (lxw_row_t)i, 1, rows[i][1],
                                       i == 0 && rep_report_synthetic(in) ? bold : NULL);
    }
    return e;
}

int rep_write_tables_xlsx(FILE *out, const struct rep_report_input *in,
                          const char *const *sheet_names, const char *const *csv_texts,
                          const size_t *csv_lens, size_t nsheets)
{
    FILE *tmp = tmpfile();
    lxw_workbook_options opts;
    lxw_workbook *wb;
    lxw_format *fmt[5];
    lxw_error e = LXW_NO_ERROR;
    char through[64], buf[65536];
    size_t got;
    int rc = 0;

    if (tmp == NULL)
        return PREV_EX_CANTCREAT;
    snprintf(through, sizeof through, "/proc/self/fd/%d", fileno(tmp));
    memset(&opts, 0, sizeof opts);
    if ((wb = workbook_new_opt(through, &opts)) == NULL) {
        fclose(tmp);
        return PREV_EX_SOFTWARE;
    }
    {
        /* the report's own time (SOURCE_DATE_EPOCH when set), so that the
         * same data give the same bytes: libxlsxwriter stamps the parts
         * with it */
        lxw_doc_properties props;
        struct tm tm;
        memset(&props, 0, sizeof props);
        memset(&tm, 0, sizeof tm);
        props.title = "Minor victims of sex trafficking on juvenile probation, Arizona";
        if (sscanf(in->generated_at, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
                   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) == 6) {
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            props.created = timegm(&tm);
        }
        workbook_set_properties(wb, &props);
    }
    for (int i = 0; i < 5; i++)
        fmt[i] = workbook_add_format(wb);
    format_set_num_format(fmt[0], "@");
    format_set_num_format(fmt[1], "#,##0");
    format_set_num_format(fmt[2], "0.0");
    format_set_num_format(fmt[3], "+0.0;-0.0;0.0");
    format_set_bold(fmt[4]);
    for (size_t k = 0; k < nsheets && e == LXW_NO_ERROR; k++)
        e = add_sheet(wb, sheet_names[k], csv_texts[k], csv_lens[k], fmt);
    if (e == LXW_NO_ERROR)
        e = about_sheet(wb, in, fmt[4]);
    if (workbook_close(wb) != LXW_NO_ERROR || e != LXW_NO_ERROR) {
        fclose(tmp);
        return PREV_EX_SOFTWARE;
    }
    rewind(tmp);
    while ((got = fread(buf, 1, sizeof buf, tmp)) > 0)
        if (fwrite(buf, 1, got, out) != got)
            rc = PREV_EX_IOERR;
    if (ferror(tmp))
        rc = PREV_EX_IOERR;
    fclose(tmp);
    return rc;
}
