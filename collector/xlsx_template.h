#ifndef COL_XLSX_TEMPLATE_H
#define COL_XLSX_TEMPLATE_H

#include "codebook.h"
#include "prev_error.h"

/* The Excel templates a county specialist fills in: sheet Responses (or
 * Frame) with the codebook's header, data validation on every column and
 * the survey year and county filled in where given; sheet Codebook (each
 * column's meaning and rule); sheet Instructions (in plain words). */

/* Rows of the Responses sheet that carry validation (and the year and
 * county, when given): more officers than any county has. */
#define COL_TEMPLATE_ROWS 2000

struct col_template_options {
    enum col_kind kind;
    int year;          /* 2000..2100, or 0: not filled in */
    int county;        /* index in col_counties, or -1: not filled in */
};

/* Write the workbook to path whole or not at all, as every output
 * (common/atomic_file.h): a temporary in the destination folder, renamed
 * into place; a symbolic link at path is refused (73). Returns 0, 73 when
 * the file cannot be created, 74 when writing fails, 70 on a library
 * error (err filled). */
int col_template_write(const char *path, const struct col_template_options *o,
                       struct prev_error *err);

#endif
