#ifndef COL_CSV_READER_H
#define COL_CSV_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prev_error.h"

/* A streaming CSV reader on libcsv (strict mode): memory stays constant
 * whatever the file size, bounded by the limits below. */

/* Longest field accepted, in bytes; a longer one stops the file with an
 * error rather than being truncated. Real codebook fields are under 100. */
#define COL_CSV_FIELD_MAX 4096
/* Most fields accepted in one row. */
#define COL_CSV_FIELDS_MAX 256

/* Per-field flags: the reader never judges content, it only says what it
 * saw so that the caller can name the column in its message. */
enum {
    COL_FIELD_BAD_UTF8 = 1,   /* not valid UTF-8 */
    COL_FIELD_NUL = 2,        /* holds a NUL byte */
    /* set by the workbook reader only (xlsx_reader.h) */
    COL_FIELD_DATE = 4,       /* the cell is formatted as a date or time */
    COL_FIELD_ERROR = 8,      /* an error value (#N/A, #DIV/0!, ...) */
    COL_FIELD_NO_VALUE = 16,  /* a formula whose result was never saved */
    COL_FIELD_PERCENT = 32    /* the cell is formatted as a percentage */
};

struct col_csv_row {
    uint64_t line;            /* physical line (1-based) where the row starts */
    size_t nfields;
    const char **value;       /* NUL-terminated; trailing/leading spaces of
                                 unquoted fields already removed by libcsv */
    const size_t *len;
    const unsigned char *flags;
};

/* Called once per row (blank lines are skipped). Return 0 to go on,
 * anything else to stop reading; that value comes back from col_csv_read. */
typedef int (*col_csv_row_fn)(void *ctx, const struct col_csv_row *row);

/* Called every so often with bytes consumed so far (for progress). */
typedef void (*col_csv_progress_fn)(void *ctx, uint64_t bytes, uint64_t rows);

struct col_csv_stats {
    uint64_t bytes;           /* bytes read, BOM included */
    uint64_t rows;            /* rows handed to on_row */
    uint64_t error_line;      /* where reading stopped with PREV_EX_DATA */
    bool had_bom;
    char sha256[65];          /* of every byte read (set when read to the end) */
    char sheet[128];          /* a workbook's sheet, "" for CSV */
};

/* Read fp to the end, calling on_row for each row. name is the file name
 * used in error locations ("FILE:LINE").
 *
 * Returns 0 after the last row, the non-zero value on_row returned, or
 * PREV_EX_DATA / PREV_EX_IOERR with err filled ("FILE:LINE" in where) when
 * the file cannot be read as CSV: malformed quoting, an unterminated quoted
 * field, a field over COL_CSV_FIELD_MAX bytes, a row over
 * COL_CSV_FIELDS_MAX fields, or a bare carriage return ending a row.
 * The UTF-8 byte-order mark at the very start is skipped. stats may be
 * NULL; progress may be NULL. */
int col_csv_read(FILE *fp, const char *name, col_csv_row_fn on_row,
                 col_csv_progress_fn progress, void *ctx,
                 struct col_csv_stats *stats, struct prev_error *err);

/* The same, with prefix[0..nprefix) read before fp (bytes a caller took
 * to tell the file's format); they count and are hashed like the rest. */
int col_csv_read_prefixed(const unsigned char *prefix, size_t nprefix, FILE *fp,
                          const char *name, col_csv_row_fn on_row,
                          col_csv_progress_fn progress, void *ctx,
                          struct col_csv_stats *stats, struct prev_error *err);

/* Is s[0..len) valid UTF-8 (shortest form, no surrogates, <= U+10FFFF)? */
bool col_utf8_valid(const char *s, size_t len);

#endif
